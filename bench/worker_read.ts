/**
 * Benchmark of bulk reads from the data worker (not a test: prints figures). Reads the
 * rows of a call-list-like listing (a month of calls, sorted by start time, 15 fields)
 * from the embedded server in its worker two ways: `readAll` paging through MCP (100
 * documents a call, as with a real MongoDB MCP server), and `readBatches` streaming
 * batches over the worker's channel. Also compares the two ways of carrying documents
 * across the worker boundary (`--codec`): ObjectIds marked and dates native
 * (`clone_codec.ts`, used) against relaxed EJSON for every value.
 *
 *   deno run -A bench/worker_read.ts [--calls 1000000] [--batch 5000] [--json FILE]
 *     [--skip-pages] [--codec]
 *
 * RSS is the whole process's (the worker included), sampled while reading.
 *
 * @module
 */
import { loadConfig } from "../lib/config.ts";
import { fromRelaxedEjson, toRelaxedEjson } from "../lib/data/ejson_fast.ts";
import { openDataClient } from "../lib/data/open_client.ts";
import { readAll } from "../lib/data/read_all.ts";
import { generateDataset } from "../lib/data/seed.ts";
import type { DataClient, Document } from "../lib/data/types.ts";
import { decodeBatch, encodeForClone } from "../lib/data/worker/clone_codec.ts";

const FIELDS = [
  "call_id",
  "direction",
  "status",
  "queue",
  "agent_name",
  "customer_number",
  "did_number",
  "start_time",
  "answer_time",
  "end_time",
  "ring_seconds",
  "talk_seconds",
  "hold_seconds",
  "duration_seconds",
  "disposition",
];

/** One measured way of reading. */
interface Run {
  way: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
}

const mb = (n: number) => Math.round(n / 2 ** 20);

async function measure(way: string, rows: AsyncIterable<Document>): Promise<Run> {
  let peak = Deno.memoryUsage().rss;
  const t0 = performance.now();
  let n = 0;
  for await (const _ of rows) {
    if ((++n & 8191) === 0) peak = Math.max(peak, Deno.memoryUsage().rss);
  }
  const seconds = (performance.now() - t0) / 1000;
  peak = Math.max(peak, Deno.memoryUsage().rss);
  const run = {
    way,
    rows: n,
    seconds: Math.round(seconds * 100) / 100,
    rowsPerSecond: Math.round(n / seconds),
    peakRssMb: mb(peak),
  };
  console.log(
    `${way}: ${n.toLocaleString("en-US")} rows in ${run.seconds} s — ${
      run.rowsPerSecond.toLocaleString("en-US")
    } rows/s, peak RSS ${run.peakRssMb} MB`,
  );
  return run;
}

/** Encode + structured clone + decode of one batch, both ways, in milliseconds per batch. */
function codecs(batch: Document[], reps: number): Record<string, number> {
  const time = (fn: () => unknown) => {
    fn();
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    return Math.round((performance.now() - t0) / reps * 100) / 100;
  };
  return {
    markedObjectIds: time(() => decodeBatch(structuredClone(encodeForClone(batch)) as Document[])),
    relaxedEjson: time(() => fromRelaxedEjson(structuredClone(toRelaxedEjson(batch)))),
  };
}

/** `--name value` and `--flag` arguments. */
function parseFlags(argv: string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`Unknown argument "${argv[i]}"`);
    if (m[2] !== undefined) out[m[1]] = m[2];
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith("--")) out[m[1]] = argv[++i];
    else out[m[1]] = "true";
  }
  return out;
}

if (import.meta.main) {
  const args = parseFlags(Deno.args);
  const calls = Number(args.calls ?? 1_000_000);
  const batchSize = Number(args.batch ?? 5_000);
  const days = 30;
  const now = new Date("2026-06-30T23:59:00Z");
  const env = {
    DEMO_DAYS: String(days),
    DEMO_CALLS_PER_DAY: String(Math.ceil(calls / days)),
    NOW: now.toISOString(),
    MCP_TIMEOUT_MS: "600000",
    QUERY_MAX_TIME_MS: "600000",
  };
  const pipeline: Document[] = [
    { $match: { start_time: { $gte: new Date("2026-06-01T00:00:00Z"), $lt: now } } },
    { $sort: { start_time: 1, _id: 1 } },
    { $project: Object.fromEntries(FIELDS.map((f) => [f, 1])) },
  ];
  const out: Record<string, unknown> = { calls, batchSize, date: new Date().toISOString() };

  if (args.codec) {
    const sample = generateDataset({ days: 2, callsPerDay: 2_500, seed: 1, now, tz: "UTC" })
      .calling_cdr.slice(0, batchSize)
      .map((d) => Object.fromEntries(["_id", ...FIELDS].map((f) => [f, d[f]])));
    out.codecMsPerBatch = codecs(sample, 20);
    console.log(`codec, ms per ${sample.length}-row batch:`, out.codecMsPerBatch);
  }

  let t0 = performance.now();
  const client: DataClient = await openDataClient(loadConfig(env));
  out.openSeconds = Math.round((performance.now() - t0) / 10) / 100;
  console.log(`worker loaded ${calls.toLocaleString("en-US")} calls in ${out.openSeconds} s`);
  const runs: Run[] = [];
  try {
    runs.push(
      await measure(
        `readBatches (batches of ${batchSize})`,
        readAll(client, { collection: "calling_cdr", pipeline, batchSize }),
      ),
    );
    if (!args["skip-pages"]) {
      const pagesOnly = { aggregate: client.aggregate.bind(client) };
      runs.push(
        await measure(
          "readAll through MCP pages of 100",
          readAll(pagesOnly, { collection: "calling_cdr", pipeline }),
        ),
      );
    }
  } finally {
    t0 = performance.now();
    await client.close();
  }
  out.runs = runs;
  if (args.json) {
    await Deno.writeTextFile(args.json, JSON.stringify(out, null, 2) + "\n");
    console.log(`wrote ${args.json}`);
  }
}
