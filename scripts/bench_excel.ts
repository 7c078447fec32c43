/**
 * Benchmark of the Excel export: generated calls → embedded MCP client → `readAll` →
 * exceljs streaming writer → a file. Runs a baseline (50,000 rows) and a large export
 * (500,000 rows), each in its own process, and prints rows/s and memory side by side:
 * RSS once the data is loaded and its peak while exporting (RSS includes garbage V8 has
 * not collected yet), and the live heap (what a full collection leaves, sampled every
 * 25,000 rows), which stays flat when the export streams.
 *
 *   deno run -A scripts/bench_excel.ts [--rows 50000,500000] [--keep DIR]
 */
import { parseArgs } from "node:util";
import { createEmbeddedClient } from "../lib/data/mcp_client.ts";
import { readAll } from "../lib/data/read_all.ts";
import { generateDataset } from "../lib/data/seed.ts";
import { getReport } from "../lib/reports/catalog.ts";
import { writeReportXlsx } from "../lib/reports/excel.ts";

interface Measure {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  loadedRssMb: number;
  peakRssMb: number;
  growthMb: number;
  loadedHeapMb: number;
  peakHeapMb: number;
  fileMb: number;
}

const MB = 1024 * 1024;
const NOW = new Date("2026-11-24T09:00:00Z");
const TZ = "Asia/Kolkata";

async function child(target: number, dir: string): Promise<Measure> {
  const days = 30;
  const data = generateDataset({
    days,
    callsPerDay: Math.ceil(target / days),
    seed: 1,
    now: NOW,
    tz: TZ,
  });
  data.calling_cdr.length = Math.min(data.calling_cdr.length, target);
  const client = await createEmbeddedClient({ ...data }, {});
  const compiled = await getReport("call_list")!.compile({}, { client, tz: TZ, now: NOW });
  // Warm up: the first query builds the store's index on the sort keys (once per
  // dataset, not per export), so that it is not counted as export memory.
  await client.aggregate(compiled.collection, [...compiled.pipeline, { $limit: 1 }]);
  // Let the runtime settle and collect what loading left behind.
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  gc();
  await new Promise((r) => setTimeout(r, 200));
  const loaded = Deno.memoryUsage().rss;
  const loadedHeap = Deno.memoryUsage().heapUsed;
  let peakHeap = loadedHeap;
  /** Live heap: what a full collection leaves, sampled every 25,000 rows. */
  const sampleHeap = (p: { rows: number }) => {
    gc();
    const heap = Deno.memoryUsage().heapUsed;
    peakHeap = Math.max(peakHeap, heap);
    if (Deno.env.get("BENCH_VERBOSE")) {
      console.error(`  ${p.rows} rows: live heap ${(heap / MB).toFixed(1)} MB`);
    }
  };
  let peak = loaded;
  const timer = setInterval(() => {
    peak = Math.max(peak, Deno.memoryUsage().rss);
  }, 20);
  const path = `${dir}/bench_${target}.xlsx`;
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const t0 = performance.now();
  const res = await writeReportXlsx(
    {
      title: compiled.title,
      columns: compiled.columns,
      filters: compiled.filters,
      asOf: compiled.asOf,
    },
    readAll(client, { collection: compiled.collection, pipeline: compiled.pipeline }),
    file.writable,
    {
      tz: TZ,
      progressEvery: 25_000,
      // Every 25,000 rows, while streaming (not the final call, once the file is complete).
      onProgress: (p) => p.rows % 25_000 === 0 && sampleHeap(p),
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, Deno.memoryUsage().rss);
  const size = (await Deno.stat(path)).size;
  await client.close();
  return {
    rows: res.rows,
    seconds,
    rowsPerSecond: res.rows / seconds,
    loadedRssMb: loaded / MB,
    peakRssMb: peak / MB,
    growthMb: (peak - loaded) / MB,
    loadedHeapMb: loadedHeap / MB,
    peakHeapMb: peakHeap / MB,
    fileMb: size / MB,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rows: { type: "string", default: "50000,500000" },
      child: { type: "string" },
      dir: { type: "string" },
      keep: { type: "string" },
    },
  });
  if (values.child) {
    const m = await child(Number(values.child), values.dir!);
    console.log(JSON.stringify(m));
    return;
  }
  const sizes = values.rows.split(",").map((s) => Number(s.trim()));
  const dir = values.keep ?? await Deno.makeTempDir({ prefix: "bench_excel_" });
  const results: Measure[] = [];
  for (const n of sizes) {
    console.error(`Exporting ${n.toLocaleString("en-US")} rows…`);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--v8-flags=--expose-gc",
        new URL(import.meta.url).pathname,
        "--child",
        String(n),
        "--dir",
        dir,
      ],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error(`Benchmark of ${n} rows failed`);
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
    results.push(JSON.parse(lines[lines.length - 1]));
  }
  if (!values.keep) await Deno.remove(dir, { recursive: true });
  const f = (n: number, d = 0) =>
    n.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  const rows: [string, (m: Measure) => string][] = [
    ["rows written", (m) => f(m.rows)],
    ["seconds", (m) => f(m.seconds, 1)],
    ["rows/s", (m) => f(m.rowsPerSecond)],
    ["RSS after loading data (MB)", (m) => f(m.loadedRssMb)],
    ["peak RSS while exporting (MB)", (m) => f(m.peakRssMb)],
    ["RSS growth during export (MB)", (m) => f(m.growthMb)],
    ["live heap after loading (MB)", (m) => f(m.loadedHeapMb)],
    ["max live heap while streaming rows (MB)", (m) => f(m.peakHeapMb)],
    ["file size (MB)", (m) => f(m.fileMb, 1)],
  ];
  const w0 = Math.max(...rows.map(([l]) => l.length));
  const cols = results.map((m) => rows.map(([, g]) => g(m)));
  const widths = results.map((_, i) =>
    Math.max(`${f(sizes[i])} rows`.length, ...cols[i].map((c) => c.length))
  );
  console.log(
    ["".padEnd(w0), ...sizes.map((n, i) => `${f(n)} rows`.padStart(widths[i]))].join("  "),
  );
  rows.forEach(([label], r) => {
    console.log([label.padEnd(w0), ...cols.map((c, i) => c[r].padStart(widths[i]))].join("  "));
  });
}

if (import.meta.main) await main();
