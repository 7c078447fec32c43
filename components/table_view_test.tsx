import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import type { TableSpec } from "../lib/agent/events.ts";
import {
  columnLabel,
  columnTypes,
  excelHref,
  isFigures,
  nextOrder,
  pageCaption,
  rowsCaption,
  TableView,
} from "./table_view.tsx";

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

Deno.test("TableView formats and right-aligns numbers by column type, headers too", () => {
  const html = render(<TableView table={table} />);
  assert.match(html, /<td class="num">1,000<\/td>/);
  assert.match(html, /<td class="num" title="65 s">1:05<\/td>/, "exact seconds on hover");
  assert.match(html, /<td class="num">12.5%<\/td>/);
  assert.match(html, /<td>2026-11-24 09:05<\/td>/);
  assert.match(html, /<th scope="col" class="num"><button[^>]*><span>Calls<\/span>/);
  assert.match(html, /<th scope="col"><button[^>]*class="sort-button"[^>]*><span>Agent<\/span>/);
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
  assert.doesNotMatch(html, /so far/);
  assert.match(render(<TableView table={{ ...t, so_far: true }} />), /class="so-far"/);
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

Deno.test("figures can be copied as CSV and, when saved, downloaded as Excel", () => {
  const t: TableSpec = {
    title: "Calls — yesterday",
    columns: ["Calls", "AHT (s)"],
    column_types: ["integer", "seconds"],
    rows: [[38, 245]],
    total_rows: 1,
  };
  const unsaved = render(<TableView table={t} />);
  assert.match(unsaved, /class="result-figures"/);
  assert.match(unsaved, /<span>Copy as CSV<\/span>/);
  assert.doesNotMatch(unsaved, /Download Excel/, "nothing to download before it is saved");
  const saved = render(<TableView table={{ ...t, download: "/api/tables/t_abc123/xlsx" }} />);
  assert.match(saved, /class="figures-foot"><figcaption class="figures-title">Calls — yesterday/);
  assert.match(saved, /<span>Copy as CSV<\/span>[^]*<span>Download Excel<\/span>/);
  assert.match(saved, /<span class="copied" role="status"><\/span>/, "copy result announced");
  const foreign = render(<TableView table={{ ...t, download: "https://example.com/x.xlsx" }} />);
  assert.doesNotMatch(foreign, /Download Excel/, "only this app's tables");
});

Deno.test("columnLabel drops the (s) unit of seconds columns only", () => {
  assert.equal(columnLabel("Total talk (s)", "seconds"), "Total talk");
  assert.equal(columnLabel("AHT (seconds)", "seconds"), "AHT");
  assert.equal(columnLabel("Total talk (s)", "integer"), "Total talk (s)");
  assert.equal(columnLabel("Status", "string"), "Status");
});

Deno.test("every column header sorts; the sorted one says how", () => {
  const html = render(
    <TableView table={{ ...table, sort: { column: 2, order: "desc" }, rows: table.rows }} />,
  );
  assert.equal((html.match(/class="sort-button/g) ?? []).length, 5);
  assert.match(html, /<th scope="col" class="num" aria-sort="descending"><button[^>]*is-sorted/);
  assert.equal((html.match(/aria-sort=/g) ?? []).length, 1);
  const rows = render(<TableView table={{ ...table, total_rows: 12 }} initialRows={12} />);
  assert.match(rows, /agent&lt;0>[\s\S]*agent&lt;11>/, "as given when no order is asked");
});

Deno.test("rows not over yet are marked so far; the whole table too", () => {
  const t: TableSpec = {
    title: "Calls by day",
    columns: ["Day", "Calls"],
    column_types: ["string", "integer"],
    rows: [["2026-11-23", 80], ["2026-11-24", 20]],
    total_rows: 2,
    partial_rows: [1],
    so_far: true,
  };
  const html = render(<TableView table={t} />);
  assert.equal((html.match(/<tr class="is-partial"/g) ?? []).length, 1);
  assert.match(html, /<tr class="is-partial"[^>]*><td>2026-11-24<span class="so-far"/);
  assert.match(html, /result-title">Calls by day<span class="so-far"/);
});

Deno.test("a listing beyond its first page pages from the server", () => {
  const t: TableSpec = {
    title: "Calls",
    columns: ["Call ID", "Duration (s)"],
    column_types: ["string", "seconds"],
    column_keys: ["call_id", "duration_seconds"],
    rows: Array.from({ length: 50 }, (_, i) => [`C${i}`, 3700 + i]),
    total_rows: 500,
    rows_url: "/api/tables/t_abc/rows",
    next_cursor: "eyJzIjoiIiwibyI6NTB9",
    download: "/api/tables/t_abc/xlsx",
  };
  const html = render(<TableView table={t} />);
  assert.match(html, /Rows 1–50 of 500/);
  assert.match(html, /Next ›/);
  assert.match(html, /<td class="num" title="3,700 s">1:01:40<\/td>/, "h:mm:ss from an hour");
  assert.equal((html.match(/<tr[ >]/g) ?? []).length, 51, "the whole first page");
  assert.doesNotMatch(html, /Show \d+ more/);
  assert.match(html, /Download Excel/);
  assert.match(html, /Copy as CSV/);
  const unsaved = render(<TableView table={{ ...t, download: undefined }} />);
  assert.doesNotMatch(unsaved, /Download Excel/);
  const foreign = render(<TableView table={{ ...t, download: "https://evil.example/x" }} />);
  assert.doesNotMatch(foreign, /Download Excel/);
});

Deno.test("pageCaption, nextOrder and excelHref", () => {
  assert.equal(pageCaption(450, 50, 500), "Rows 451–500 of 500");
  assert.equal(pageCaption(0, 0, 0), "No rows of 0");
  assert.deepEqual(nextOrder(null, 2, true), { column: 2, order: "desc" });
  assert.deepEqual(nextOrder(null, 0, false), { column: 0, order: "asc" });
  assert.deepEqual(nextOrder({ column: 2, order: "desc" }, 2, true), { column: 2, order: "asc" });
  const t = {
    download: "/api/tables/t_1/xlsx",
    column_keys: ["agent", "aht_seconds"],
    sort: { column: 1, order: "desc" as const },
  };
  assert.equal(excelHref(t, { column: 1, order: "desc" }), "/api/tables/t_1/xlsx");
  assert.equal(
    excelHref(t, { column: 0, order: "asc" }),
    "/api/tables/t_1/xlsx?sort=agent&order=asc",
  );
  assert.equal(excelHref({ ...t, download: "/api/reports/r_1" }, null), null);
});
