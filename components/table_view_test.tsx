import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import type { TableSpec } from "../lib/agent/events.ts";
import { columnLabel, columnTypes, isFigures, rowsCaption, TableView } from "./table_view.tsx";

const table: TableSpec = {
  title: "Missed calls",
  columns: ["Agent", "Calls", "Talk time", "Rate", "When"],
  column_types: ["string", "integer", "seconds", "percent", "datetime"],
  rows: Array.from({ length: 12 }, (_, i) => [
    `agent<${i}>`,
    1000 + i,
    65 + i,
    12.5,
    "2026-11-24T09:05:00+05:30",
  ]),
  total_rows: 4079,
};

Deno.test("TableView shows the first 10 rows and the full count", () => {
  const html = render(<TableView table={table} />);
  assert.match(html, /Missed calls/);
  assert.match(html, /Showing 10 of 4,079 rows/);
  assert.equal((html.match(/<tr>/g) ?? []).length, 11, "header row + 10 rows");
  assert.match(html, /Show 2 more/);
});

Deno.test("TableView formats and right-aligns numbers by column type", () => {
  const html = render(<TableView table={table} />);
  assert.match(html, /<td class="num">1,000<\/td>/);
  assert.match(html, /<td class="num">1:05<\/td>/);
  assert.match(html, /<td class="num">12.5%<\/td>/);
  assert.match(html, /<td>2026-11-24 09:05<\/td>/);
  assert.match(html, /<th scope="col" class="num">Calls<\/th>/);
  assert.match(html, /<th scope="col">Agent<\/th>/);
});

Deno.test("TableView escapes cell text", () => {
  const html = render(<TableView table={table} />);
  assert.doesNotMatch(html, /agent<0>/);
  assert.match(html, /agent&lt;0>/);
});

Deno.test("TableView infers numeric columns when types are missing and handles no rows", () => {
  const html = render(
    <TableView
      table={{ title: "T", columns: ["name", "n"], rows: [["a", 1234.5]], total_rows: 1 }}
    />,
  );
  assert.match(html, /<td class="num">1,234.5<\/td>/);
  assert.match(html, /1 row</);
  const empty = render(
    <TableView table={{ title: "E", columns: ["a"], rows: [], total_rows: 0 }} />,
  );
  assert.match(empty, /No rows/);
  assert.match(empty, /0 rows/);
});

Deno.test("columnTypes and rowsCaption", () => {
  assert.deepEqual(
    columnTypes({ title: "", columns: ["a", "b"], rows: [["x", 2]], total_rows: 1 }),
    [
      "string",
      "integer",
    ],
  );
  assert.equal(rowsCaption(10, 4079), "Showing 10 of 4,079 rows");
  assert.equal(rowsCaption(3, 3), "3 rows");
});

Deno.test("a one-row table of a few numbers renders as figures", () => {
  const t: TableSpec = {
    title: "Abandonment rate — yesterday",
    columns: ["Incoming calls", "Missed calls", "Abandonment rate (%)"],
    column_types: ["integer", "integer", "percent"],
    rows: [[1050, 6, 12]],
    total_rows: 1,
  };
  assert.equal(isFigures(t, columnTypes(t)), true);
  const html = render(<TableView table={t} />);
  assert.match(html, /<dt>Incoming calls<\/dt><dd>1,050<\/dd>/);
  assert.match(html, /<dt>Abandonment rate<\/dt><dd>12.0%<\/dd>/);
  assert.doesNotMatch(html, /<table/);
  assert.equal(isFigures({ ...t, total_rows: 2 }, columnTypes(t)), false);
  assert.equal(
    isFigures({ ...t, column_types: ["string", "integer", "percent"] }, [
      "string",
      "integer",
      "percent",
    ]),
    false,
  );
});

Deno.test("columnLabel drops the (s) unit of seconds columns only", () => {
  assert.equal(columnLabel("Total talk (s)", "seconds"), "Total talk");
  assert.equal(columnLabel("AHT (seconds)", "seconds"), "AHT");
  assert.equal(columnLabel("Total talk (s)", "integer"), "Total talk (s)");
  assert.equal(columnLabel("Status", "string"), "Status");
});
