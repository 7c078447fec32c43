import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { writeReportXlsx } from "./excel.ts";
import { prefetchBatches } from "./prefetch.ts";
import { EXCELJS_VERSION, xmlEncode } from "./xlsx_sheet_rows.ts";
import type { Column } from "./types.ts";

/** The file bytes of the export of `rows` with `rowRenderer`. */
async function exportBytes(
  columns: Column[],
  rows: unknown[][],
  rowRenderer: "direct" | "exceljs",
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(new Uint8Array(chunk));
      cb();
    },
  });
  await writeReportXlsx(
    { title: "Pinned", columns, filters: [], asOf: new Date(0) },
    rows,
    sink,
    { tz: "Asia/Kolkata", rowRenderer, generatedAt: new Date(0), deflateLevel: 1 },
  );
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) out.set(c, o), o += c.length;
  return out;
}

/** The first worksheet's XML, found through the zip's central directory. */
async function sheetXml(bytes: Uint8Array): Promise<string> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = bytes.length - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  let at = view.getUint32(eocd + 16, true);
  const dec = new TextDecoder();
  for (let i = view.getUint16(eocd + 10, true); i > 0; i--) {
    const size = view.getUint32(at + 20, true);
    const nameLen = view.getUint16(at + 28, true);
    const local = view.getUint32(at + 42, true);
    const name = dec.decode(bytes.subarray(at + 46, at + 46 + nameLen)).replace(/^\//, "");
    if (name === "xl/worksheets/sheet1.xml") {
      const dataAt = local + 30 + view.getUint16(local + 26, true) +
        view.getUint16(local + 28, true);
      const raw = bytes.slice(dataAt, dataAt + size);
      return dec.decode(
        await new Response(
          new Blob([raw]).stream().pipeThrough(new DecompressionStream("deflate-raw")),
        ).arrayBuffer(),
      );
    }
    at += 46 + nameLen + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  throw new Error("No sheet1.xml");
}

Deno.test("exceljs is the pinned version the direct row renderer copies", async () => {
  const pkg = JSON.parse(
    await Deno.readTextFile(
      new URL(import.meta.resolve("../../node_modules/exceljs/package.json")),
    ).catch(() =>
      Deno.readTextFile(
        new URL(
          "../../node_modules/.deno/exceljs@4.4.0/node_modules/exceljs/package.json",
          import.meta.url,
        ),
      )
    ),
  );
  assert.equal(pkg.version, EXCELJS_VERSION, "re-check xlsx_sheet_rows.ts against the new exceljs");
});

Deno.test("the direct row renderer writes the same sheet XML as exceljs's addRow().commit()", async () => {
  const columns: Column[] = [
    { key: "start_time", label: "Start", type: "datetime" },
    { key: "day", label: "Day", type: "date" },
    { key: "call_id", label: "Call", type: "string" },
    { key: "talk_seconds", label: "Talk (s)", type: "seconds", unit: "s" },
    { key: "avg_talk_seconds", label: "Avg (s)", type: "seconds", unit: "s" },
    { key: "rate_pct", label: "Rate", type: "percent", unit: "%" },
    { key: "calls", label: "Calls", type: "integer" },
    { key: "x", label: "X", type: "number" },
  ];
  const rows: unknown[][] = [
    [new Date("2026-11-24T08:35:00Z"), "2026-11-24", "C1", 0, 0.25, 9.9, -5, 1e21],
    [null, null, null, null, null, null, null, null], // no values: exceljs skips it
    [new Date(0), null, `<a href="x">&'\u0001\t\r\n\u007f</a>`, -0, 1 / 3, NaN, 2 ** 53, 1e-7],
    ["not a date", 1_700_000_000_000, "=1+1", true, false, Infinity, 12n, "+91 98"],
    [undefined, new Date("1900-01-01T00:00:00Z"), "  +x", 1, 2, 3, 4, { a: 1 }],
  ];
  const [direct, exceljs] = await Promise.all([
    exportBytes(columns, rows, "direct").then(sheetXml),
    exportBytes(columns, rows, "exceljs").then(sheetXml),
  ]);
  assert.match(direct, /<row r="5"/, "all rows there");
  assert.doesNotMatch(direct, /<row r="3"/, "the empty row skipped like exceljs does");
  assert.equal(direct, exceljs);
});

Deno.test("xmlEncode escapes markup and drops characters XML forbids, like exceljs", () => {
  assert.equal(xmlEncode("plain"), "plain");
  assert.equal(xmlEncode(`<&>"'`), "&lt;&amp;&gt;&quot;&apos;");
  assert.equal(xmlEncode("a\u0000b\u0008c\td\ne\rf\u000bg\u001fh\u007fi"), "abc\td\ne\rfghi");
});

Deno.test("prefetchBatches reads ahead a bounded number of batches, in order", async () => {
  let pulled = 0;
  async function* source() {
    for (let i = 0; i < 100; i++) {
      pulled = i + 1;
      yield i;
    }
  }
  const it = prefetchBatches(source(), { batchSize: 10, ahead: 2 })[Symbol.asyncIterator]();
  const first = await it.next();
  assert.deepEqual(first.value, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  await new Promise((r) => setTimeout(r, 20));
  // One batch taken, two waiting, and the reader stopped in the one it fills after them.
  assert.ok(pulled >= 30 && pulled <= 41, `read ahead ${pulled}`);
  const rest: number[] = [];
  for (let r = await it.next(); !r.done; r = await it.next()) rest.push(...r.value);
  assert.deepEqual(rest, Array.from({ length: 90 }, (_, i) => i + 10));
});

Deno.test("prefetchBatches passes the source's error after its rows, and closes it on break", async () => {
  async function* failing() {
    yield 1;
    yield 2;
    throw new Error("Source failed");
  }
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (const b of prefetchBatches(failing(), { batchSize: 1 })) seen.push(...b);
  }, /Source failed/);
  assert.deepEqual(seen, [1, 2]);

  let closed = false;
  async function* endless() {
    try {
      for (let i = 0;; i++) yield i;
    } finally {
      closed = true;
    }
  }
  for await (const b of prefetchBatches(endless(), { batchSize: 5 })) {
    assert.deepEqual(b, [0, 1, 2, 3, 4]);
    break;
  }
  assert.ok(closed, "the source was closed");
});
