import assert from "node:assert/strict";
import { Writable } from "node:stream";
import ExcelJS from "exceljs";
import type { Document } from "../data/types.ts";
import { generateDataset } from "../data/seed.ts";
import { getReport } from "./catalog.ts";
import { escapeCellText, exportReport, reportFileName, writeReportXlsx } from "./excel.ts";
import { runReport } from "./run.ts";
import { reportMetaFromCompiled } from "./save.ts";
import { embeddedClient } from "./test_fixture.ts";
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

Deno.test("escapeCellText prefixes formula starters only", () => {
  assert.deepEqual(NASTY.map(escapeCellText), [
    "'=1+1",
    "'+919800000001",
    "'-x",
    "'@x",
    "'\tx",
    "'\rx",
    "plain",
    "a=b",
  ]);
});

Deno.test("reportFileName is a safe ASCII name with the local as-of date", () => {
  const asOf = new Date("2026-11-24T09:00:00Z");
  assert.equal(
    reportFileName("Incoming calls", asOf, "Asia/Kolkata"),
    "incoming_calls_2026-11-24.xlsx",
  );
  assert.equal(
    reportFileName("Calls: Ravi/Kumar — Señor ../../etc", asOf, "Asia/Kolkata"),
    "calls_ravi_kumar_senor_etc_2026-11-24.xlsx",
  );
  assert.equal(reportFileName("???", asOf, "Asia/Kolkata"), "report_2026-11-24.xlsx");
  const lateUtc = new Date("2026-11-24T20:00:00Z");
  assert.equal(reportFileName("X", lateUtc, "Asia/Kolkata"), "x_2026-11-25.xlsx");
  assert.equal(reportFileName("X", lateUtc, "America/New_York"), "x_2026-11-24.xlsx");
  assert.match(reportFileName("a".repeat(300), asOf, "UTC"), /^a{60}_2026-11-24\.xlsx$/);
});

for (const tz of ["Asia/Kolkata", "America/New_York"]) {
  Deno.test(`[${tz}] writeReportXlsx: header, rows, types, escaping, summary`, async () => {
    const { sink, bytes } = memorySink();
    const progress: number[] = [];
    const data = rowsFor(tz);
    const res = await writeReportXlsx(INFO, asAsync(data), sink, {
      tz,
      progressEvery: 3,
      onProgress: (p) => progress.push(p.rows),
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
      assert.equal(row[2], `'${d.customer_number}`, "phone numbers are escaped strings");
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

    const summary = sheetValues(wb.getWorksheet("Summary")!);
    const get = (label: string) => summary.find((r) => r[0] === label)?.[1];
    assert.equal(get("Report"), "Incoming calls");
    assert.equal(get("Catalog entry"), "call_list");
    assert.equal(get("Filters"), "period: today (24 Nov 2026)");
    assert.ok(summary.some((r) => r[1] === "direction: incoming"));
    assert.ok(summary.some((r) => r[1] === "'=cmd|' /C calc'!A0"), "filters are escaped too");
    assert.equal(get("Period"), "today (24 Nov 2026)");
    assert.equal(get("As of (UTC)"), "2026-11-24T09:00:00.000Z");
    const asOfLocal = get("As of (local)") as Date;
    assert.ok(asOfLocal instanceof Date);
    assert.equal(
      asOfLocal.toISOString(),
      tz === "Asia/Kolkata" ? "2026-11-24T14:30:00.000Z" : "2026-11-24T04:00:00.000Z",
    );
    assert.equal(get("Time zone"), tz);
    assert.equal(get("Rows"), data.length);
    assert.equal(get("Talk (s)"), data.reduce((n, d) => n + (d.talk_seconds as number), 0));
    assert.equal(get("Calls"), data.reduce((n, d) => n + (d.calls as number), 0));
    assert.equal(get("Avg talk (s)"), undefined, "averages are not summed");
    assert.equal(get("top_name"), "'+91 tricky");
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
    "'-1",
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

/** The cells of one CSV line (quoted fields, doubled quotes). */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') cur += '"', i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") cells.push(cur), cur = "";
    else cur += ch;
  }
  cells.push(cur);
  return cells;
}

async function findOffice(): Promise<string | null> {
  for (const cmd of ["libreoffice", "soffice"]) {
    try {
      const out = await new Deno.Command("which", { args: [cmd], stdout: "piped", stderr: "null" })
        .output();
      if (out.success) return new TextDecoder().decode(out.stdout).trim();
    } catch {
      // `which` missing: treat as not installed.
    }
  }
  return null;
}

const OFFICE = await findOffice();

Deno.test({
  name: OFFICE
    ? "LibreOffice reads the report: same row count and first rows"
    : "LibreOffice reads the report (skipped: libreoffice/soffice not on PATH)",
  ignore: !OFFICE,
  async fn() {
    const tz = "Asia/Kolkata";
    const { client } = await seededClient(tz);
    const result = await runReport("call_list", {}, { client, tz, now: NOW }, { previewRows: 3 });
    const compiled = await getReport("call_list")!.compile({}, { client, tz, now: NOW });
    const meta = reportMetaFromCompiled(compiled, { owner: "u", rows: result.total_rows, tz });
    const dir = await Deno.makeTempDir({ prefix: "report_lo_" });
    try {
      const file = `${dir}/${meta.file_name}`;
      const fh = await Deno.open(file, { write: true, create: true, truncate: true });
      await exportReport(meta, client, fh.writable);
      const out = await new Deno.Command(OFFICE!, {
        args: [
          `-env:UserInstallation=file://${dir}/profile`,
          "--headless",
          "--convert-to",
          "csv",
          "--outdir",
          dir,
          file,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      const csv = await Deno.readTextFile(file.replace(/\.xlsx$/, ".csv"));
      const lines = csv.trim().split(/\r?\n/);
      assert.equal(lines.length, result.total_rows + 1);
      assert.equal(lines[0].split(",")[0], "Start time");
      for (let i = 0; i < 3; i++) {
        const cells = csvCells(lines[i + 1]);
        const row = result.rows[i];
        const local = new Intl.DateTimeFormat("sv-SE", {
          timeZone: tz,
          dateStyle: "short",
          timeStyle: "medium",
        }).format(row[0] as Date);
        assert.equal(cells[0], local, "local wall-clock time");
        assert.equal(cells[1], row[1], "call id");
        assert.equal(cells[6], `'${row[6]}`, "escaped phone number");
        assert.equal(Number(cells[8].replace(/[^\d.-]/g, "")), row[8], "duration in seconds");
      }
    } finally {
      await client.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
