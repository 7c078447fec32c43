/**
 * Benchmark of the Excel export against its peers, at each row count (one child process
 * per measurement, so that peak memory is the measurement's own):
 *
 * - **app**: the whole app path: the `call_list` report over generated calls in the
 *   embedded data source → `readAll` → `writeReportXlsx` → a file;
 * - **writer**: `writeReportXlsx` alone, from the same 15 columns of synthetic rows held in
 *   memory (`syntheticRow`) → a file;
 * - **openpyxl**: openpyxl's write-only workbook (with lxml) writing the same synthetic rows
 *   to a file (`bench/openpyxl_writer.py`; only the write phase is timed in both);
 * - **floor**: the same rows as the sheet XML in plain strings, deflated with `node:zlib`
 *   at the same level into a file: what writing costs without any spreadsheet library;
 * - **slow sink** (smallest row count only): the writer into a sink throttled to 4 MB/s,
 *   whose peak extra RSS shows that a slow sink holds the export back rather than letting
 *   the XML queue in memory.
 *
 * Peak extra RSS: the peak RSS during the measured phase less the RSS before it (peak reset
 * through `/proc/self/clear_refs`, or sampled every 10 ms where that is not available).
 *
 *   deno run -A bench/excel.ts [--rows 100000,1000000] [--json FILE] [--levels 1,3,6]
 *
 * `--levels` instead measures the writer alone at each deflate level (rows/s, file size) at
 * the largest row count.
 */
import { parseArgs } from "node:util";
import { Writable } from "node:stream";
import { createDeflateRaw } from "node:zlib";
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { countCalls } from "../lib/data/seed.ts";
import { openWorkerDataClient } from "../lib/data/worker/worker_client.ts";
import { readAll } from "../lib/data/read_all.ts";
import { getReport } from "../lib/reports/catalog.ts";
import { CALL_COLUMNS } from "../lib/reports/listing.ts";
import { DEFAULT_DEFLATE_LEVEL, writeReportXlsx } from "../lib/reports/excel.ts";
import { xmlEncode } from "../lib/reports/xlsx_sheet_rows.ts";

const MB = 1024 * 1024;
const NOW = new Date("2026-11-24T09:00:00Z");
const TZ = "Asia/Kolkata";

/** The call list's 15 columns. */
const COLUMNS = CALL_COLUMNS;

const DIRECTIONS = ["incoming", "outgoing"];
const STATUSES = ["answered", "missed", "abandoned"];
const QUEUES = ["sales", "support", "billing", "vip"];
const DISPOSITIONS = ["resolved", "callback", "escalated", "none"];
const HANGUP = ["agent", "customer", "system"];
const BASE = Date.UTC(2026, 9, 25);

/** Row `i` of the synthetic call list (the same values as `row` in openpyxl_writer.py). */
function syntheticRow(i: number): unknown[] {
  return [
    new Date(BASE + 2000 * i),
    `C${1_000_000_000 + i}`,
    DIRECTIONS[i % 2],
    STATUSES[i % 3],
    QUEUES[i % 4],
    `Agent ${i % 50}`,
    `+9198${10_000_000 + (i * 7919) % 90_000_000}`,
    `CU${i % 20_000}`,
    (i * 37) % 1800,
    i % 30,
    (i * 31) % 1500,
    (i * 7) % 120,
    (i * 11) % 90,
    DISPOSITIONS[i % 4],
    HANGUP[i % 3],
  ];
}

/** One measurement of a child process. */
interface Measure {
  rows: number;
  seconds: number;
  rowsPerS: number;
  fileBytes: number;
  extraRssMb: number;
  /** Uncompressed XML bytes (floor only), for MB/s. */
  xmlBytes?: number;
}

/** The measurements at one row count. */
interface Run {
  n: number;
  app: Measure;
  writer: Measure;
  peer: Measure | null;
  floor: Measure;
  slow: Measure | null;
}

/** Peak RSS since the last reset, in bytes (null when /proc is not there). */
function peakRss(): number | null {
  try {
    const m = Deno.readTextFileSync("/proc/self/status").match(/VmHWM:\s+(\d+) kB/);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Measures the extra RSS of `fn`: peak during it less RSS before it. */
async function measureRss<T>(fn: () => Promise<T>): Promise<{ value: T; extraMb: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((r) => setTimeout(r, 100));
  const before = Deno.memoryUsage().rss;
  let reset = false;
  try {
    Deno.writeTextFileSync("/proc/self/clear_refs", "5");
    reset = true;
  } catch {
    // Not Linux, or not allowed: sample instead.
  }
  let sampled = before;
  const timer = setInterval(() => sampled = Math.max(sampled, Deno.memoryUsage().rss), 10);
  try {
    const value = await fn();
    sampled = Math.max(sampled, Deno.memoryUsage().rss);
    const hwm = reset ? peakRss() : null;
    return { value, extraMb: (Math.max(hwm ?? 0, sampled) - before) / MB };
  } finally {
    clearInterval(timer);
  }
}

const INFO = { title: "Call list", columns: COLUMNS, filters: [], asOf: NOW };

async function fileSink(path: string): Promise<WritableStream<Uint8Array>> {
  const f = await Deno.open(path, { write: true, create: true, truncate: true });
  return f.writable;
}

async function childApp(n: number, path: string, level: number): Promise<Measure> {
  // As in the app: the data worker reads (its columns, batches over its channel) while this
  // thread writes the workbook.
  const days = 30;
  const client = await openWorkerDataClient({
    source: {
      dataDir: null,
      demoData: { days, callsPerDay: demoCallsPerDay(n, days), seed: 1 },
      tz: TZ,
      now: NOW,
    },
    database: "ccs_dev",
    timeoutMs: 600_000,
  });
  const compiled = await getReport("call_list")!.compile({}, { client, tz: TZ, now: NOW });
  // Warm up: the first query builds the store's index on the sort keys (once per dataset).
  await client.aggregate(compiled.collection, [...compiled.pipeline, { $limit: 1 }]);
  const sink = await fileSink(path);
  const t0 = performance.now();
  const { value: res, extraMb } = await measureRss(() =>
    writeReportXlsx(
      { title: compiled.title, columns: compiled.columns, filters: compiled.filters, asOf: NOW },
      readAll(client, { collection: compiled.collection, pipeline: compiled.pipeline }),
      sink,
      { tz: TZ, deflateLevel: level },
    )
  );
  const seconds = (performance.now() - t0) / 1000;
  await client.close();
  return measureOf(res.rows, seconds, path, extraMb);
}

/** Calls per day for which the generator makes about `n` calls over `days` (never fewer). */
function demoCallsPerDay(n: number, days: number): number {
  let perDay = Math.ceil(n / days);
  const count = (c: number) => countCalls({ days, callsPerDay: c, seed: 1, now: NOW, tz: TZ });
  while (count(perDay) < n) perDay = Math.ceil(perDay * n / Math.max(1, count(perDay))) + 1;
  return perDay;
}

async function measureOf(rows: number, seconds: number, path: string, extraMb: number) {
  return {
    rows,
    seconds,
    rowsPerS: rows / seconds,
    fileBytes: (await Deno.stat(path)).size,
    extraRssMb: extraMb,
  };
}

async function childWriter(
  n: number,
  path: string,
  level: number,
  opts: { slow?: boolean; renderer?: "direct" | "exceljs" } = {},
): Promise<Measure> {
  const rows = Array.from({ length: n }, (_, i) => syntheticRow(i));
  let sink: Writable | WritableStream<Uint8Array> = await fileSink(path);
  if (opts.slow) {
    // 4 MB/s: each chunk waits as long as writing it at that rate takes.
    const file = sink.getWriter();
    sink = new Writable({
      write(chunk: Uint8Array, _enc, cb) {
        setTimeout(
          () => file.write(new Uint8Array(chunk)).then(() => cb(), cb),
          chunk.length / 4096,
        );
      },
      final(cb) {
        file.close().then(() => cb(), cb);
      },
    });
  }
  const t0 = performance.now();
  const { value: res, extraMb } = await measureRss(() =>
    writeReportXlsx(INFO, rows, sink, {
      tz: "UTC",
      deflateLevel: level,
      rowRenderer: opts.renderer,
    })
  );
  return measureOf(res.rows, (performance.now() - t0) / 1000, path, extraMb);
}

async function childFloor(n: number, path: string, level: number): Promise<Measure> {
  const rows = Array.from({ length: n }, (_, i) => syntheticRow(i));
  const letters = COLUMNS.map((_, i) => String.fromCharCode(65 + i));
  const t0 = performance.now();
  let xmlBytes = 0;
  const { extraMb } = await measureRss(async () => {
    const deflate = createDeflateRaw({ level });
    const file = createWriteStream(path);
    deflate.pipe(file);
    let buf = "";
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const rn = i + 2;
      let xml = `<row r="${rn}" spans="1:15" x14ac:dyDescent="0.25">`;
      for (let c = 0; c < r.length; c++) {
        const v = r[c];
        if (typeof v === "number") xml += `<c r="${letters[c]}${rn}" s="3"><v>${v}</v></c>`;
        else if (v instanceof Date) {
          xml += `<c r="${letters[c]}${rn}" s="2"><v>${25569 + v.getTime() / 86_400_000}</v></c>`;
        } else {
          xml += `<c r="${letters[c]}${rn}" s="1" t="str"><v>${xmlEncode(v as string)}</v></c>`;
        }
      }
      buf += xml + "</row>";
      if (buf.length >= 65536) {
        xmlBytes += buf.length;
        if (!deflate.write(buf)) await once(deflate, "drain");
        buf = "";
      }
    }
    xmlBytes += buf.length;
    deflate.end(buf);
    await once(file, "close");
  });
  const m = await measureOf(n, (performance.now() - t0) / 1000, path, extraMb);
  return { ...m, xmlBytes };
}

/** The Python with openpyxl, trying `python3` on PATH, then the system one. */
async function findPython(): Promise<string | null> {
  for (const py of ["python3", "/usr/bin/python3"]) {
    try {
      const out = await new Deno.Command(py, {
        args: ["-c", "import openpyxl, lxml"],
        stdout: "null",
        stderr: "null",
      }).output();
      if (out.success) return py;
    } catch {
      // Not there.
    }
  }
  return null;
}

async function ensurePython(): Promise<string | null> {
  const found = await findPython();
  if (found) return found;
  if (Deno.uid?.() === 0) {
    console.error("Installing python3-openpyxl and python3-lxml (apt-get)…");
    await new Deno.Command("apt-get", {
      args: ["install", "-y", "python3-openpyxl", "python3-lxml"],
      stdout: "null",
      stderr: "inherit",
    }).output().catch(() => null);
    return await findPython();
  }
  return null;
}

async function runChild(args: string[]): Promise<Measure> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--expose-gc", new URL(import.meta.url).pathname, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`Benchmark child ${args.join(" ")} failed`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

async function runOpenpyxl(py: string, n: number, path: string): Promise<Measure> {
  const script = new URL("./openpyxl_writer.py", import.meta.url).pathname;
  const out = await new Deno.Command(py, {
    args: [script, String(n), path],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("openpyxl benchmark failed");
  const r = JSON.parse(new TextDecoder().decode(out.stdout).trim());
  return {
    rows: r.rows,
    seconds: r.seconds,
    rowsPerS: r.rows_per_s,
    fileBytes: r.file_bytes,
    extraRssMb: r.extra_rss_mb,
  };
}

const f = (n: number, d = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });

function printTable(header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r.map((c, i) => i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join("  ");
  console.log(line(header));
  for (const r of body) console.log(line(r));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rows: { type: "string", default: "100000,1000000" },
      json: { type: "string" },
      levels: { type: "string" },
      child: { type: "string" },
      n: { type: "string" },
      out: { type: "string" },
      level: { type: "string" },
    },
  });
  const level = values.level ? Number(values.level) : DEFAULT_DEFLATE_LEVEL;
  if (values.child) {
    const n = Number(values.n);
    const out = values.out!;
    const m = values.child === "app"
      ? await childApp(n, out, level)
      : values.child === "writer"
      ? await childWriter(n, out, level)
      : values.child === "writer-exceljs"
      ? await childWriter(n, out, level, { renderer: "exceljs" })
      : values.child === "slow"
      ? await childWriter(n, out, level, { slow: true })
      : await childFloor(n, out, level);
    console.log(JSON.stringify(m));
    return;
  }
  const sizes = values.rows.split(",").map((s) => Number(s.trim()));
  const dir = await Deno.makeTempDir({ prefix: "bench_excel_" });
  try {
    if (values.levels) {
      const n = Math.max(...sizes);
      const body: string[][] = [];
      for (const l of values.levels.split(",").map(Number)) {
        console.error(`Writer alone, ${f(n)} rows, deflate level ${l}…`);
        const m = await runChild([
          "--child",
          "writer",
          "--n",
          String(n),
          "--out",
          `${dir}/l.xlsx`,
          "--level",
          String(l),
        ]);
        body.push([String(l), f(m.rowsPerS), f(m.fileBytes / MB, 1), f(m.seconds, 1)]);
      }
      printTable(["level", "rows/s", "file MB", "seconds"], body);
      return;
    }
    const py = await ensurePython();
    if (!py) {
      console.error("The peer is missing: python3 with openpyxl and lxml (python3-openpyxl).");
    }
    const runs: Run[] = [];
    for (const n of sizes) {
      const child = (kind: string) =>
        runChild(["--child", kind, "--n", String(n), "--out", `${dir}/${kind}_${n}.xlsx`]);
      console.error(`${f(n)} rows: app…`);
      const app = await child("app");
      console.error(`${f(n)} rows: writer…`);
      const writer = await child("writer");
      console.error(`${f(n)} rows: openpyxl…`);
      const peer = py ? await runOpenpyxl(py, n, `${dir}/openpyxl_${n}.xlsx`) : null;
      console.error(`${f(n)} rows: deflate floor…`);
      const floor = await child("floor");
      const slow = n === Math.min(...sizes)
        ? (console.error(`${f(n)} rows: writer into a 4 MB/s sink…`), await child("slow"))
        : null;
      runs.push({ n, app, writer, peer, floor, slow });
    }
    const xmlPerRow = (r: Run) => r.floor.xmlBytes! / r.n;
    for (const r of runs) {
      console.log(`\n${f(r.n)} rows × 15 columns, deflate level ${level}`);
      const row = (name: string, m: Measure | null) =>
        m
          ? [
            name,
            f(m.rowsPerS),
            f(m.rowsPerS * xmlPerRow(r) / MB, 1),
            f(m.fileBytes / MB, 1),
            f(m.extraRssMb),
          ]
          : [name, "missing", "", "", ""];
      printTable(["", "rows/s", "XML MB/s", "file MB", "extra RSS MB"], [
        row("app (embedded source → readAll → xlsx)", r.app),
        row("writer alone (rows in memory)", r.writer),
        row("openpyxl write_only (lxml)", r.peer),
        row("deflate floor (plain XML strings + zlib)", r.floor),
        ...(r.slow ? [row("writer into a 4 MB/s sink", r.slow)] : []),
      ]);
      if (r.peer) {
        console.log(
          `app ÷ openpyxl ${f(r.app.rowsPerS / r.peer.rowsPerS, 2)}×, ` +
            `writer ÷ openpyxl ${f(r.writer.rowsPerS / r.peer.rowsPerS, 2)}×, ` +
            `app ÷ floor ${f(r.app.rowsPerS / r.floor.rowsPerS, 2)}×`,
        );
      } else console.log(`app ÷ floor ${f(r.app.rowsPerS / r.floor.rowsPerS, 2)}×`);
    }
    if (values.json) {
      const json = {
        deflate_level: level,
        runs: runs.map((r) => ({
          rows: r.n,
          app_rows_per_s: r.app.rowsPerS,
          writer_rows_per_s: r.writer.rowsPerS,
          openpyxl_rows_per_s: r.peer?.rowsPerS ?? null,
          floor_rows_per_s: r.floor.rowsPerS,
          ratio_vs_openpyxl: r.peer ? r.app.rowsPerS / r.peer.rowsPerS : null,
          writer_ratio_vs_openpyxl: r.peer ? r.writer.rowsPerS / r.peer.rowsPerS : null,
          ratio_vs_floor: r.app.rowsPerS / r.floor.rowsPerS,
          extra_rss_mb: r.app.extraRssMb,
          writer_extra_rss_mb: r.writer.extraRssMb,
          openpyxl_extra_rss_mb: r.peer?.extraRssMb ?? null,
          floor_extra_rss_mb: r.floor.extraRssMb,
          slow_sink_extra_rss_mb: r.slow?.extraRssMb ?? null,
          app_file_bytes: r.app.fileBytes,
          writer_file_bytes: r.writer.fileBytes,
          openpyxl_file_bytes: r.peer?.fileBytes ?? null,
          floor_file_bytes: r.floor.fileBytes,
          xml_bytes_per_row: xmlPerRow(r),
        })),
      };
      await Deno.writeTextFile(values.json, JSON.stringify(json, null, 2) + "\n");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main();
