/**
 * Benchmark of the embedded store at scale: builds N calls (default 1,000,000) with the
 * seed generator into a columnar store, then times the catalog reports for "this
 * month", a month's per-agent count + AHT, a one-day count and a sorted listing page,
 * each beside plain mingo over plain document arrays.
 *
 *   deno run -A bench/engine_1m.ts [--calls N] [--runs R] [--mingo-runs M] [--no-mingo]
 *     [--no-load-peer]
 *     [--json FILE]
 *
 * Prints a table; with `--json FILE` also writes
 * `{load: {...}, queries: [{name, p50_ms, p95_ms, mingo_p50_ms, ratio}]}`.
 * Run with `--v8-flags=--expose-gc` for an RSS figure after garbage collection.
 *
 * @module
 */
import { Aggregator } from "mingo";
import { listReports } from "../lib/reports/catalog.ts";
import { extrasOf } from "../lib/reports/compiled.ts";
import { buildGeneratedCalls } from "../lib/data/generated_calls.ts";
import { createMemoryStore } from "../lib/data/memory_store.ts";
import { createQueryEngine, ENGINE_CONTEXT } from "../lib/data/query_engine.ts";
import {
  countCalls,
  generateCalls,
  generateCustomers,
  type SeedOptions,
} from "../lib/data/seed.ts";
import type { Document } from "../lib/data/types.ts";

/** `--name value` and `--flag` arguments. */
function parseArgs(argv: string[]): Record<string, string | boolean | undefined> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new Error(`Unexpected argument "${a}"`);
    const [name, inline] = a.slice(2).split("=", 2);
    if (inline !== undefined) out[name] = inline;
    else if (name === "no-mingo" || name === "no-load-peer") out[name] = true;
    else if (i + 1 < argv.length) out[name] = argv[++i];
    else throw new Error(`Option --${name} needs a value`);
  }
  return out;
}

const args = parseArgs(Deno.args);
const calls = Number(args.calls ?? 1_000_000);
const runs = Math.max(10, Number(args.runs ?? 10));
const mingoRuns = Math.max(1, Number(args["mingo-runs"] ?? 1));
const TZ = "America/New_York";
const NOW = new Date("2026-11-20T12:00:00Z");
const DAYS = 90;

function seedOptions(): SeedOptions {
  // callsPerDay is an average: adjust it once so the total is close to `calls`.
  const base: SeedOptions = { days: DAYS, callsPerDay: Math.ceil(calls / DAYS), now: NOW, tz: TZ };
  const first = countCalls(base);
  return first === 0 ? base : {
    ...base,
    callsPerDay: Math.max(1, Math.round(base.callsPerDay * calls / first)),
  };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Loads the calls as the app does (`buildGeneratedCalls`: made and put in columns on
 * `threads` threads), then builds the indexes; each phase timed.
 */
async function load(opts: SeedOptions, customers: Document[], threads: number) {
  const t0 = performance.now();
  const table = await buildGeneratedCalls(opts, { threads });
  const t1 = performance.now();
  gc();
  const appendedRss = Deno.memoryUsage().rss;
  const t2 = performance.now();
  const store = createMemoryStore({ calling_cdr: table, address_book: customers });
  store.buildIndexes();
  const t3 = performance.now();
  return {
    store,
    columnsMs: t1 - t0,
    indexMs: t3 - t2,
    appendedRss,
    rows: table.size,
    columnBytes: table.memoryBytes,
  };
}

interface Case {
  name: string;
  pipelines: Document[][];
}

async function catalogCases(): Promise<Case[]> {
  const ctx = { tz: TZ, now: NOW, client: null } as never;
  const out: Case[] = [];
  for (const entry of listReports()) {
    const compiled = await entry.compile({ period: "this month", group_by: "agent" } as never, ctx);
    const x = extrasOf(compiled);
    const pipelines: Document[][] = [];
    if (compiled.kind === "listing") {
      pipelines.push([...compiled.pipeline, { $limit: 10 }]);
      pipelines.push(x?.countPipeline ?? [...compiled.pipeline, { $count: "n" }]);
    } else {
      pipelines.push(compiled.pipeline);
      if (x?.summaryPipeline) pipelines.push(x.summaryPipeline);
      if (x?.leadersPipeline) pipelines.push(x.leadersPipeline);
    }
    out.push({ name: `catalog ${entry.name}`, pipelines });
  }
  return out;
}

function extraCases(): Case[] {
  const monthStart = new Date("2026-11-01T04:00:00Z");
  const dayStart = new Date("2026-11-19T05:00:00Z");
  const dayEnd = new Date("2026-11-20T05:00:00Z");
  return [{
    name: "month per-agent count + AHT",
    pipelines: [[
      { $match: { start_time: { $gte: monthStart, $lt: NOW }, status: "answered" } },
      {
        $group: {
          _id: "$agent_name",
          calls: { $sum: 1 },
          aht: { $avg: { $add: ["$talk_seconds", "$hold_seconds", "$wrap_up_seconds"] } },
        },
      },
    ]],
  }, {
    name: "one-day count",
    pipelines: [[{ $match: { start_time: { $gte: dayStart, $lt: dayEnd } } }, { $count: "n" }]],
  }, {
    name: "sorted listing page (skip 1000, limit 100)",
    pipelines: [[
      { $match: { start_time: { $gte: monthStart, $lt: NOW } } },
      { $sort: { start_time: -1, _id: 1 } },
      { $skip: 1000 },
      { $limit: 100 },
    ]],
  }, {
    name: "vocabulary: distinct agent names",
    pipelines: [[
      { $match: { agent_name: { $type: "string" } } },
      { $group: { _id: "$agent_name" } },
      { $sort: { _id: 1 } },
      { $limit: 5000 },
    ]],
  }];
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

async function timeRuns(n: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

const round = (x: number) => Math.round(x * 10) / 10;

const opts = seedOptions();
const threads = Math.max(1, Math.min(navigator.hardwareConcurrency ?? 1, 4));
const loaded = await load(opts, [...generateCustomers(opts)], threads);
gc();
gc();
const memory = Deno.memoryUsage();
const rssMb = Math.round(memory.rss / 2 ** 20);
const loadInfo = {
  calls: loaded.rows,
  load_ms: Math.round(loaded.columnsMs + loaded.indexMs),
  columns_ms: Math.round(loaded.columnsMs),
  index_ms: Math.round(loaded.indexMs),
  threads,
  /** The same load on one thread (made after the figures above were taken). */
  one_thread: null as { columns_ms: number; index_ms: number; load_ms: number } | null,
  rss_mb: rssMb,
  rss_before_indexes_mb: Math.round(loaded.appendedRss / 2 ** 20),
  heap_used_mb: Math.round(memory.heapUsed / 2 ** 20),
  external_mb: Math.round(memory.external / 2 ** 20),
  column_mb: Math.round(loaded.columnBytes / 2 ** 20),
};
console.log(
  `loaded ${loaded.rows} calls on ${threads} threads: ${loadInfo.load_ms} ms (made and put in columns ${loadInfo.columns_ms} ms, indexes ${loadInfo.index_ms} ms), RSS ${rssMb} MB (heap ${loadInfo.heap_used_mb} MB, external ${loadInfo.external_mb} MB, columns ${loadInfo.column_mb} MB)`,
);

if (threads > 1 && !args["no-load-peer"]) {
  const single = await load(opts, [...generateCustomers(opts)], 1);
  loadInfo.one_thread = {
    columns_ms: Math.round(single.columnsMs),
    index_ms: Math.round(single.indexMs),
    load_ms: Math.round(single.columnsMs + single.indexMs),
  };
  console.log(`the same on one thread: ${loadInfo.one_thread.load_ms} ms`);
  gc();
}

const cases = [...await catalogCases(), ...extraCases()];
const results: { name: string; times: number[]; mingo: number[] }[] = [];
for (const c of cases) {
  // A fresh engine per run: a report's pipelines share their row selection (as in the
  // app), but no run reuses an earlier run's selection or cached pages.
  const run = async () => {
    const engine = createQueryEngine(loaded.store, "ccs_dev");
    for (const p of c.pipelines) await engine.aggregate("calling_cdr", p);
  };
  await run(); // warm-up
  const times = await timeRuns(runs, run);
  results.push({ name: c.name, times, mingo: [] });
  console.log(
    `  ${c.name}: p50 ${round(percentile(times, 50))} ms, p95 ${round(percentile(times, 95))} ms`,
  );
}

if (!args["no-mingo"]) {
  // Plain documents for mingo, generated again (the store does not keep them).
  const docs = [...generateCalls(opts)];
  const book = [...generateCustomers(opts)];
  const mingoOptions = {
    context: ENGINE_CONTEXT,
    scriptEnabled: false,
    collectionResolver: (name: string) => (name === "address_book" ? book : []),
  };
  for (const [i, c] of cases.entries()) {
    results[i].mingo = await timeRuns(mingoRuns, () => {
      for (const p of c.pipelines) new Aggregator(p, mingoOptions).run(docs);
    });
  }
}

const queries = results.map((r) => {
  const p50 = percentile(r.times, 50);
  const m50 = r.mingo.length ? percentile(r.mingo, 50) : null;
  return {
    name: r.name,
    p50_ms: round(p50),
    p95_ms: round(percentile(r.times, 95)),
    mingo_p50_ms: m50 === null ? null : round(m50),
    ratio: m50 === null ? null : round(m50 / p50),
  };
});
console.log(
  "query".padEnd(46),
  "p50".padStart(8),
  "p95".padStart(8),
  "mingo".padStart(9),
  "ratio".padStart(7),
);
for (const q of queries) {
  console.log(
    q.name.padEnd(46),
    String(q.p50_ms).padStart(8),
    String(q.p95_ms).padStart(8),
    String(q.mingo_p50_ms ?? "-").padStart(9),
    String(q.ratio ?? "-").padStart(7),
  );
}
if (args.json) {
  await Deno.writeTextFile(
    String(args.json),
    JSON.stringify({ load: loadInfo, queries }, null, 2) + "\n",
  );
}
