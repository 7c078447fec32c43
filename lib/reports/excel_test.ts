import assert from "node:assert/strict";
import { Writable } from "node:stream";
import ExcelJS from "exceljs";
import type { Document } from "../data/types.ts";
import { generateDataset } from "../data/seed.ts";
import { getReport } from "./catalog.ts";
import {
  escapeCellText,
  EXCEL_MAX_ROWS,
  exportReport,
  isFormulaLike,
  reportFileName,
  writeReportXlsx,
} from "./excel.ts";
import { zonedMidnight } from "../time/zone.ts";
import { runReport } from "./run.ts";
import { reportMetaFromCompiled } from "./save.ts";
import { embeddedClient } from "../../testing/report_fixture.ts";
import type { Column } from "./types.ts";

const COLUMNS: Column[] = [
  { key: "start_time", label: "Start time", type: "datetime" },
  { key: "call_id", label: "Call ID", type: "string" },
  { key: "customer_number", label: "Customer number", type: "string" },
  { key: "talk_seconds", label: "Talk (s)", type: "seconds", unit: "s" },
  { key: "avg_talk_seconds", label: "Avg talk (s)", type: "seconds", unit: "s" },
  { key: "rate_pct", label: "Rate (%)", type: "percent", unit: "%" },
  { key: "calls", label: "Calls", type: "integer" },
  { key: "note", label: "Note", type: "string" },
];

const NASTY = ["=1+1", "+919800000001", "-x", "@x", "\tx", "\rx", "plain", "a=b"];

function rowsFor(tz: string): Document[] {
  const times = tz === "America/New_York"
    ? ["2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z"] // 01:30 EDT, then 01:30 EST
    : ["2026-11-24T08:35:00Z", "2026-11-24T18:30:00Z"]; // 14:05, then 00:00 next day
  return NASTY.map((note, i) => ({
    start_time: new Date(times[i % 2]),
    call_id: `C${i}`,
    customer_number: i === 1 ? "+919800000001" : `+91980000000${i}`,
    talk_seconds: i * 100,
    avg_talk_seconds: i + 0.25,
    rate_pct: 9.9 + i,
    calls: i === 2 ? -5 : i,
    note,
  }));
}

/** A Node Writable collecting what is written. */
function memorySink(): { sink: Writable; bytes(): Uint8Array } {
  const chunks: Uint8Array[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(new Uint8Array(chunk));
      cb();
    },
  });
  return {
    sink,
    bytes() {
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let o = 0;
      for (const c of chunks) {
        out.set(c, o);
        o += c.length;
      }
      return out;
    },
  };
}

async function readBack(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes.buffer as ArrayBuffer);
  return wb;
}

function sheetValues(ws: ExcelJS.Worksheet): unknown[][] {
  const out: unknown[][] = [];
  ws.eachRow({ includeEmpty: true }, (row) => {
    out.push((row.values as unknown[]).slice(1));
  });
  return out;
}

async function* asAsync<T>(xs: T[]): AsyncGenerator<T> {
  for (const x of xs) yield x;
}

const INFO = {
  title: "Incoming calls",
  columns: COLUMNS,
  filters: ["period: today (24 Nov 2026)", "direction: incoming", "=cmd|' /C calc'!A0"],
  name: "call_list",
  periodLabel: "today (24 Nov 2026)",
  period: {
    start: new Date("2026-11-23T18:30:00Z"),
    end: new Date("2026-11-24T09:00:00Z"),
  },
  asOf: new Date("2026-11-24T09:00:00Z"),
  summary: { calls: 8, top_name: "+91 tricky" },
};

Deno.test("security: injection: isFormulaLike: formulas and signed expressions, not signed numbers", () => {
  const formulas = [
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "@SUM(A1)",
    "+A1*2",
    "-2+3",
    "-x",
    "@x",
    "+91 tricky",
    "\t=1+1",
    "\r\n@x",
    " =cmd|' /C calc'!A0",
    "\uff1d1+1",
    "--1",
    "+1e5+1",
  ];
  const plainText = [
    "+919812345678",
    "-42",
    "+4.5",
    "-1,234.50",
    "-.5",
    "+1e5",
    "-5%",
    "-",
    "+",
    "plain",
    "a=b",
    "\tx",
    "919812345678",
    "",
  ];
  for (const f of formulas) assert.ok(isFormulaLike(f), `formula-like: ${JSON.stringify(f)}`);
  for (const p of plainText) assert.ok(!isFormulaLike(p), `plain: ${JSON.stringify(p)}`);
  assert.deepEqual(NASTY.map(escapeCellText), [
    "'=1+1",
    "+919800000001",
    "'-x",
    "'@x",
    "\tx",
    "\rx",
    "plain",
    "a=b",
  ]);
  assert.equal(escapeCellText("\t=1+1"), "'\t=1+1");
});

Deno.test("reportFileName names the local days the rows cover", () => {
  const tz = "Asia/Kolkata";
  const day = (d: string) => zonedMidnight(+d.slice(0, 4), +d.slice(5, 7), +d.slice(8, 10), tz);
  const asOf = new Date("2026-12-01T04:30:00Z"); // 10:00 on 1 Dec in Kolkata
  const name = (title: string, start: string | null, end?: string, at = asOf, zone = tz) =>
    reportFileName(title, {
      tz: zone,
      asOf: at,
      period: start ? { start: day(start), end: day(end!) } : null,
    });
  assert.equal(
    name("Incoming calls", "2026-11-30", "2026-12-01"),
    "incoming_calls_2026-11-30.xlsx",
  );
  // "today": the period reaches past the as-of instant, the rows stop there.
  assert.equal(name("Missed calls", "2026-12-01", "2026-12-02"), "missed_calls_2026-12-01.xlsx");
  assert.equal(
    name("Talk time", "2026-11-23", "2026-11-30"),
    "talk_time_2026-11-23_to_2026-11-29.xlsx",
  );
  assert.equal(name("Calls", "2026-11-01", "2026-12-01"), "calls_2026-11.xlsx", "a whole month");
  assert.equal(
    name("Calls", "2026-11-15", "2026-12-15"),
    "calls_2026-11-15_to_2026-12-01.xlsx",
    "a month not over yet ends on the as-of day",
  );
  assert.equal(name("Call list", null), "call_list_until_2026-12-01.xlsx", "all data");
  assert.equal(
    name("Call list", null, undefined, day("2026-12-01")),
    "call_list_until_2026-11-30.xlsx",
    "as of midnight: the last day with rows is the day before",
  );
  // The days are local: 20:00 UTC on 24 Nov is already 25 Nov in Kolkata.
  const lateUtc = new Date("2026-11-24T20:00:00Z");
  assert.equal(name("X", null, undefined, lateUtc), "x_until_2026-11-25.xlsx");
  assert.equal(name("X", null, undefined, lateUtc, "America/New_York"), "x_until_2026-11-24.xlsx");
  assert.equal(
    name("Calls: Ravi/Kumar — Señor ../../etc", "2026-11-30", "2026-12-01"),
    "calls_ravi_kumar_senor_etc_2026-11-30.xlsx",
  );
  assert.equal(name("???", "2026-11-30", "2026-12-01"), "report_2026-11-30.xlsx");
  assert.match(name("a".repeat(300), "2026-11-30", "2026-12-01"), /^a{60}_2026-11-30\.xlsx$/);
});

for (const tz of ["Asia/Kolkata", "America/New_York"]) {
  Deno.test(`[${tz}] writeReportXlsx: header, rows, types, escaping, summary`, async () => {
    const { sink, bytes } = memorySink();
    const progress: number[] = [];
    const data = rowsFor(tz);
    const generatedAt = new Date("2026-11-24T09:07:00Z");
    const res = await writeReportXlsx(INFO, asAsync(data), sink, {
      tz,
      progressEvery: 3,
      onProgress: (p) => progress.push(p.rows),
      generatedAt,
    });
    assert.equal(res.rows, data.length);
    assert.deepEqual(progress, [3, 6, 8]);
    const wb = await readBack(bytes());
    assert.deepEqual(wb.worksheets.map((w) => w.name), ["Incoming calls", "Summary"]);
    const ws = wb.worksheets[0];
    const values = sheetValues(ws);
    assert.equal(values.length, 1 + data.length, "one header row, one row per record");
    assert.deepEqual(values[0], COLUMNS.map((c) => c.label));
    assert.equal(ws.views[0].state, "frozen");
    assert.equal((ws.views[0] as { ySplit?: number }).ySplit, 1);
    assert.ok(ws.autoFilter, "auto filter over the header");

    const expectedWall = tz === "America/New_York"
      ? ["2026-11-01T01:30:00.000Z", "2026-11-01T01:30:00.000Z"]
      : ["2026-11-24T14:05:00.000Z", "2026-11-25T00:00:00.000Z"];
    data.forEach((d, i) => {
      const row = values[i + 1];
      assert.ok(row[0] instanceof Date, "datetimes are dates");
      assert.equal((row[0] as Date).toISOString(), expectedWall[i % 2], "local wall clock");
      assert.equal(row[1], d.call_id);
      assert.equal(row[2], d.customer_number, "phone numbers are plain strings");
      assert.equal(row[3], d.talk_seconds, "seconds stay raw numbers");
      assert.equal(row[4], d.avg_talk_seconds);
      assert.equal(row[5], d.rate_pct, "percents stay numbers 0-100");
      assert.equal(row[6], d.calls, "numbers stay numbers, negative too");
      // XML turns a carriage return into a line feed; the escaping quote is what matters.
      assert.equal(row[7], escapeCellText(d.note as string).replace(/\r/g, "\n"));
    });
    assert.equal(ws.getCell("A2").numFmt, "yyyy-mm-dd hh:mm:ss");
    assert.match(ws.getCell("D2").numFmt, /" s"/);
    assert.match(ws.getCell("F2").numFmt, /%/);
    assert.equal(ws.getCell("H2").value, "'=1+1");

    assert.equal(ws.getCell("C2").numFmt, "@", "text columns are formatted as text");
    assert.equal(ws.pageSetup.orientation, "landscape");
    assert.equal(ws.pageSetup.fitToPage, true);
    assert.equal(ws.pageSetup.fitToWidth, 1);
    assert.equal(ws.pageSetup.fitToHeight, 0, "as many pages tall as it takes");
    assert.equal(ws.pageSetup.printTitlesRow, "1:1", "the header row repeats on each page");
    assert.match(ws.headerFooter.oddFooter ?? "", /Page &P of &N/);
    assert.match(ws.headerFooter.oddHeader ?? "", /Incoming calls/);

    const cover = wb.getWorksheet("Summary")!;
    assert.equal(cover.pageSetup.fitToWidth, 1);
    const summary = sheetValues(cover);
    assert.equal(summary[0][0], "Incoming calls", "the title on top");
    assert.equal(summary[1][0], "Today (24 Nov 2026)", "the period in words below it");
    const get = (label: string) => summary.find((r) => r[0] === label)?.[1];
    // Local wall clock in words, read independently of the code under test.
    const words = (d: Date) =>
      new Intl.DateTimeFormat("en-GB", {
        timeZone: tz,
        day: "numeric",
        month: "short",
        year: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      }).format(d);
    assert.equal(
      get("Covers"),
      `${words(INFO.period.start)} – ${words(INFO.asOf)} (${tz})`,
      "the period up to the as-of instant",
    );
    assert.equal(get("Filters"), "direction: incoming", "the period is not repeated as a filter");
    assert.ok(summary.some((r) => r[1] === "'=cmd|' /C calc'!A0"), "filters are escaped too");
    assert.equal(get("Rows"), data.length);
    assert.equal(get("Data as of"), `${words(INFO.asOf)} (${tz})`);
    assert.equal(get("Generated"), `${words(generatedAt)} (${tz})`);
    assert.equal(get("Catalog report"), "call_list");
    assert.ok(summary.findIndex((r) => r[0] === "Totals") > 0);
    const talk = summary.find((r) => r[0] === "Talk")!;
    const talkCell = cover.getCell(summary.indexOf(talk) + 1, 2);
    assert.equal(talkCell.numFmt, "[h]:mm:ss", "durations show as h:mm:ss");
    const excelEpoch = Date.UTC(1899, 11, 30);
    const talkTotal = data.reduce((n, d) => n + (d.talk_seconds as number), 0);
    assert.equal(Math.round(((talk[1] as Date).getTime() - excelEpoch) / 1000), talkTotal);
    assert.equal(get("Calls"), data.reduce((n, d) => n + (d.calls as number), 0));
    assert.equal(get("Avg talk"), undefined, "averages are not summed");
    assert.equal(get("Top name"), "'+91 tricky", "headline figures are named in words");
  });
}

Deno.test("writeReportXlsx writes to a web WritableStream and accepts array rows", async () => {
  const chunks: Uint8Array[] = [];
  const ws = new WritableStream<Uint8Array>({
    write(c) {
      chunks.push(c);
    },
  });
  const cols = COLUMNS.slice(1, 3);
  const res = await writeReportXlsx(
    { title: "Summary", columns: cols, filters: [], asOf: new Date() },
    [["C1", "x"], ["C2", "-1"]],
    ws,
    { tz: "UTC" },
  );
  assert.equal(res.rows, 2);
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) bytes.set(c, o), o += c.length;
  const wb = await readBack(bytes);
  assert.deepEqual(wb.worksheets.map((w) => w.name), ["Report", "Summary"]);
  assert.deepEqual(sheetValues(wb.worksheets[0]), [["Call ID", "Customer number"], ["C1", "x"], [
    "C2",
    "-1",
  ]]);
});

Deno.test("writeReportXlsx stops on abort and destroys the sink", async () => {
  const { sink } = memorySink();
  const ac = new AbortController();
  async function* rows() {
    for (let i = 0; i < 5000; i++) {
      if (i === 1500) ac.abort();
      yield { call_id: `C${i}` };
    }
  }
  await assert.rejects(
    writeReportXlsx({ ...INFO, columns: COLUMNS.slice(1, 2) }, rows(), sink, {
      tz: "UTC",
      signal: ac.signal,
    }),
  );
  assert.ok(sink.destroyed);
});

const NOW = new Date("2026-11-24T09:00:00Z");

async function seededClient(tz: string) {
  const data = generateDataset({ days: 3, callsPerDay: 120, seed: 7, now: NOW, tz });
  return { client: await embeddedClient({ ...data }), data };
}

Deno.test("exportReport reruns the saved query: the same rows every time, past the 100 cap", async () => {
  const tz = "Asia/Kolkata";
  const { client, data } = await seededClient(tz);
  const compiled = await getReport("call_list")!.compile({ direction: "incoming" }, {
    client,
    tz,
    now: NOW,
  });
  const result = await runReport("call_list", { direction: "incoming" }, { client, tz, now: NOW });
  const expected =
    data.calling_cdr.filter((c) => c.direction === "incoming" && (c.start_time as Date) < NOW)
      .length;
  assert.equal(result.total_rows, expected);
  assert.ok(expected > 100, "more rows than one page of the server");
  const meta = reportMetaFromCompiled(compiled, {
    owner: "u1",
    rows: result.total_rows,
    params: { direction: "incoming" },
    tz,
  });
  const files: unknown[][][] = [];
  for (let i = 0; i < 2; i++) {
    const { sink, bytes } = memorySink();
    const res = await exportReport(meta, client, sink);
    assert.equal(res.rows, expected);
    const wb = await readBack(bytes());
    files.push(sheetValues(wb.worksheets[0]));
  }
  assert.equal(files[0].length, expected + 1);
  assert.deepEqual(files[0], files[1]);
  const ids = files[0].slice(1).map((r) => r[1]);
  assert.equal(new Set(ids).size, ids.length, "no row twice");
  const times = files[0].slice(1).map((r) => (r[0] as Date).getTime());
  assert.deepEqual(times, [...times].sort((a, b) => a - b), "oldest first");
  await client.close();
});

/** The entries of a zip archive (stored or deflated), by name, as text. */
async function unzipText(bytes: Uint8Array): Promise<Map<string, string>> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = bytes.length - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, "a zip archive");
  let at = view.getUint32(eocd + 16, true);
  const files = new Map<string, string>();
  const dec = new TextDecoder();
  for (let i = view.getUint16(eocd + 10, true); i > 0; i--) {
    const method = view.getUint16(at + 10, true);
    const size = view.getUint32(at + 20, true);
    const nameLen = view.getUint16(at + 28, true);
    const skip = nameLen + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = dec.decode(bytes.subarray(at + 46, at + 46 + nameLen)).replace(/^\//, "");
    const dataAt = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const raw = bytes.subarray(dataAt, dataAt + size);
    const data = method === 0 ? raw : new Uint8Array(
      await new Response(
        new Blob([raw.slice()]).stream().pipeThrough(new DecompressionStream("deflate-raw")),
      ).arrayBuffer(),
    );
    files.set(name, dec.decode(data));
    at += 46 + skip;
  }
  return files;
}

Deno.test("writeReportXlsx continues past the per-sheet row limit on a second sheet", async () => {
  const { sink, bytes } = memorySink();
  const data = rowsFor("UTC");
  const res = await writeReportXlsx(INFO, asAsync(data), sink, {
    tz: "UTC",
    sheetRowLimit: 5,
  });
  assert.equal(res.rows, data.length);
  const wb = await readBack(bytes());
  assert.deepEqual(wb.worksheets.map((w) => w.name), [
    "Incoming calls",
    "Incoming calls (2)",
    "Summary",
  ]);
  const [first, second] = wb.worksheets.map(sheetValues);
  const header = COLUMNS.map((c) => c.label);
  assert.deepEqual(first[0], header);
  assert.deepEqual(second[0], header, "the same header row");
  assert.equal(first.length, 1 + 5);
  assert.equal(second.length, 1 + data.length - 5);
  assert.deepEqual(
    [...first.slice(1), ...second.slice(1)].map((r) => r[1]),
    data.map((d) => d.call_id),
    "every row once, in order",
  );
  const ws2 = wb.worksheets[1];
  assert.equal(ws2.getCell("A2").numFmt, "yyyy-mm-dd hh:mm:ss", "the same column formats");
  assert.equal(ws2.getCell("C2").numFmt, "@");
  assert.equal((ws2.views[0] as { ySplit?: number }).ySplit, 1, "frozen header");
  assert.equal(ws2.pageSetup.printTitlesRow, "1:1");
  const summary = sheetValues(wb.getWorksheet("Summary")!);
  assert.equal(summary.find((r) => r[0] === "Rows")?.[1], data.length);
  assert.equal(
    summary.find((r) => r[0] === "Sheets")?.[1],
    `The rows span 2 sheets: "Incoming calls" (5 rows), "Incoming calls (2)" (3 rows)`,
  );
});

Deno.test("writeReportXlsx: one sheet at exactly the limit; Excel's limit is 2^20 rows", async () => {
  assert.equal(EXCEL_MAX_ROWS, 1_048_576);
  const { sink, bytes } = memorySink();
  const data = rowsFor("UTC").slice(0, 4);
  await writeReportXlsx(INFO, data, sink, { tz: "UTC", sheetRowLimit: 4 });
  const wb = await readBack(bytes());
  assert.deepEqual(wb.worksheets.map((w) => w.name), ["Incoming calls", "Summary"]);
  assert.equal(
    sheetValues(wb.worksheets[1]).find((r) => r[0] === "Sheets"),
    undefined,
    "no sheet note for one sheet",
  );
  // A limit past Excel's is capped at Excel's.
  await assert.rejects(
    writeReportXlsx(INFO, [], memorySink().sink, { tz: "UTC", sheetRowLimit: 0 }),
    RangeError,
  );
});

Deno.test({
  name: "writeReportXlsx at the real limit: 1,048,575 data rows on sheet 1, the next on sheet 2",
  async fn() {
    const cols: Column[] = [{ key: "calls", label: "Calls", type: "integer" }];
    const n = EXCEL_MAX_ROWS; // data rows: one more than sheet 1 holds below its header
    function* rows() {
      for (let i = 0; i < n; i++) yield [i];
    }
    const { sink, bytes } = memorySink();
    await writeReportXlsx({ ...INFO, columns: cols, summary: null }, rows(), sink, {
      tz: "UTC",
    });
    const files = await unzipText(bytes());
    const sheet1 = files.get("xl/worksheets/sheet1.xml")!;
    const sheet2 = files.get("xl/worksheets/sheet2.xml")!;
    const rowNumbers = (xml: string) => [...xml.matchAll(/<row r="(\d+)"/g)].map((m) => +m[1]);
    const r1 = rowNumbers(sheet1);
    assert.equal(r1.length, EXCEL_MAX_ROWS, "sheet 1 full: header + 1,048,575 rows");
    assert.equal(r1[r1.length - 1], EXCEL_MAX_ROWS);
    assert.match(
      sheet1,
      new RegExp(
        `<row r="${EXCEL_MAX_ROWS}"[^>]*><c r="A${EXCEL_MAX_ROWS}"[^>]*><v>${
          EXCEL_MAX_ROWS - 2
        }</v>`,
      ),
    );
    assert.deepEqual(rowNumbers(sheet2), [1, 2]);
    assert.match(sheet2, /<row r="2"[^>]*><c r="A2"[^>]*><v>1048575<\/v>/);
    assert.match(files.get("xl/workbook.xml")!, /name="Incoming calls \(2\)"/);
  },
});

Deno.test("writeReportXlsx shares one style object per column (exceljs's style cache hits)", async () => {
  const proto = Object.getPrototypeOf(
    (new ExcelJS.stream.xlsx.WorkbookWriter({ useStyles: true }) as unknown as {
      styles: object;
    }).styles,
  );
  const original = proto.addStyleModel;
  /** Distinct style objects and calls exceljs's style registry sees for `n` rows. */
  async function styleUse(n: number, rowRenderer: "direct" | "exceljs") {
    const objects = new Set<object>();
    let calls = 0;
    proto.addStyleModel = function (this: unknown, model: object, type: number) {
      calls++;
      objects.add(model);
      return original.call(this, model, type);
    };
    try {
      const data = Array.from({ length: n }, (_, i) => rowsFor("UTC")[i % 8]);
      await writeReportXlsx(INFO, data, memorySink().sink, { tz: "UTC", rowRenderer });
    } finally {
      proto.addStyleModel = original;
    }
    return { objects: objects.size, calls };
  }
  for (const renderer of ["direct", "exceljs"] as const) {
    const small = await styleUse(100, renderer);
    const large = await styleUse(300, renderer);
    // 200 more rows × 8 columns: not one more style object (a copy per cell would add 1,600).
    assert.equal(large.objects, small.objects, `${renderer}: style objects per column`);
    assert.ok(small.objects < 100, `${renderer}: ${small.objects} style objects`);
    if (renderer === "direct") {
      assert.equal(large.calls, small.calls, "direct: one registry call per column");
    } else {
      assert.equal(large.calls - small.calls, 200 * 9, "exceljs: a cached call per cell and row");
    }
  }
});

Deno.test("writeReportXlsx waits for a slow sink: the XML queued in front of the zip stays bounded", async () => {
  let release: (() => void) | null = null;
  let written = 0;
  let maxQueued = 0;
  // A sink that takes a chunk only when the test releases it.
  const sink = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Uint8Array, _enc, cb) {
      written += chunk.length;
      release = () => cb();
    },
  });
  let produced = 0;
  const cols: Column[] = [
    { key: "call_id", label: "Call ID", type: "string" },
    { key: "note", label: "Note", type: "string" },
  ];
  async function* rows() {
    for (let i = 0; i < 200_000; i++) {
      produced = i;
      // Incompressible-ish text, so the zip output grows with the input.
      yield [`C${i}`, crypto.randomUUID()];
    }
  }
  const done = writeReportXlsx({ ...INFO, columns: cols }, rows(), sink, { tz: "UTC" });
  // Let the writer run with the sink blocked.
  await new Promise((r) => setTimeout(r, 300));
  const stalledAt = produced;
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(produced, stalledAt, "the producer waits while the sink does not take data");
  assert.ok(stalledAt < 100_000, `stopped early, at ${stalledAt} rows of 200,000`);
  // Roughly 70 bytes of XML per row: a few MB at most are held in front of the sink.
  assert.ok(stalledAt * 70 < 8 * 1024 * 1024, `${stalledAt} rows produced while blocked`);
  // Now let the sink go, and watch the memory as the rest streams through.
  const timer = setInterval(() => {
    const r = release;
    release = null;
    r?.();
  }, 0);
  const base = Deno.memoryUsage().rss;
  const sampler = setInterval(() => {
    maxQueued = Math.max(maxQueued, Deno.memoryUsage().rss - base);
  }, 5);
  try {
    const res = await done;
    assert.equal(res.rows, 200_000);
    assert.ok(written > 4 * 1024 * 1024);
  } finally {
    clearInterval(timer);
    clearInterval(sampler);
  }
  assert.ok(maxQueued < 200 * 1024 * 1024, `RSS grew ${maxQueued} bytes`);
});
