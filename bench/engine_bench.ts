/**
 * Side-by-side benchmark of the embedded query engine against plain mingo on the same
 * documents and pipelines (not a test: prints figures and ratios).
 *
 *   deno run -A bench/engine_bench.ts [calls=200000]
 *
 * @module
 */
import { Aggregator } from "mingo";
import { generateDataset } from "../lib/data/seed.ts";
import { createMemoryStore } from "../lib/data/memory_store.ts";
import { createQueryEngine } from "../lib/data/query_engine.ts";
import type { Document } from "../lib/data/types.ts";

const calls = Number(Deno.args[0] ?? 200_000);
const now = new Date("2026-11-24T09:00:00Z");
const tz = "Asia/Kolkata";
const dataset = generateDataset({ days: 60, callsPerDay: Math.ceil(calls / 60), now, tz });
// Plain mingo gets its own copy: the store freezes the documents it holds.
const plainDocs = structuredClone(dataset.calling_cdr);
const store = createMemoryStore({ calling_cdr: dataset.calling_cdr, address_book: [] });
const engine = createQueryEngine(store, "ccs_dev");

async function timeIt(fn: () => unknown, runs = 3): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const weekStart = new Date("2026-11-16T18:30:00Z");
const cases: { name: string; pipeline: Document[]; runs?: number }[] = [
  {
    name: "calls per local day (IANA zone)",
    pipeline: [
      { $match: { start_time: { $gte: new Date("2026-11-01T00:00:00Z") } } },
      {
        $group: {
          _id: { $dateToString: { format: "%Y-%m-%d", date: "$start_time", timezone: tz } },
          calls: { $sum: 1 },
        },
      },
      { $sort: { _id: 1 } },
    ],
    runs: 1,
  },
  {
    name: "agent performance (answered, group)",
    pipeline: [
      { $match: { status: "answered", agent_name: { $ne: null } } },
      {
        $group: {
          _id: "$agent_name",
          handled: { $sum: 1 },
          aht: { $avg: { $add: ["$talk_seconds", "$hold_seconds", "$wrap_up_seconds"] } },
        },
      },
      { $sort: { handled: -1 } },
    ],
  },
  {
    name: "keyset page of a listing (100 rows)",
    pipeline: [
      { $match: { direction: "outgoing", start_time: { $gte: weekStart } } },
      { $sort: { start_time: 1, _id: 1 } },
      { $limit: 100 },
    ],
  },
];

console.log(`engine vs plain mingo, ${dataset.calling_cdr.length} calls (best of runs, ms)`);
console.log("case".padEnd(40), "engine".padStart(10), "mingo".padStart(10), "ratio".padStart(8));
for (const c of cases) {
  const a = await timeIt(() => engine.aggregate("calling_cdr", c.pipeline), c.runs ?? 3);
  const b = await timeIt(() => new Aggregator(c.pipeline).run(plainDocs), c.runs ?? 3);
  console.log(
    c.name.padEnd(40),
    a.toFixed(1).padStart(10),
    b.toFixed(1).padStart(10),
    `${(b / a).toFixed(1)}x`.padStart(8),
  );
}
