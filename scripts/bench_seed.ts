/**
 * Benchmark of the demo-data generator: calls/s for generation alone, generation plus
 * relaxed-EJSON serialisation, and writing the gzipped files.
 *
 *   deno run -A scripts/bench_seed.ts [--calls 1000000] [--tz Asia/Kolkata]
 */
import { parseArgs } from "node:util";
import {
  countCalls,
  generateCalls,
  type SeedOptions,
  stringifyRelaxed,
  writeDataset,
} from "../lib/data/seed.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    calls: { type: "string", default: "1000000" },
    tz: { type: "string", default: "Asia/Kolkata" },
  },
});
const target = Number(values.calls);
if (!Number.isInteger(target) || target < 1000) {
  console.error(`Invalid --calls: must be a whole number of at least 1000, got "${values.calls}"`);
  Deno.exit(2);
}
const days = 60;
const opts: SeedOptions = {
  days,
  callsPerDay: Math.ceil(target / days),
  seed: 42,
  now: new Date("2026-11-24T09:00:00Z"),
  tz: values.tz,
};
const total = countCalls(opts);
const rate = (n: number, t0: number) => {
  const s = (performance.now() - t0) / 1000;
  return `${Math.round(n / s).toLocaleString("en-US")} calls/s (${s.toFixed(2)} s)`;
};

let t0 = performance.now();
let n = 0;
for (const _ of generateCalls(opts)) n++;
console.log(`generate            ${n.toLocaleString("en-US")} calls: ${rate(n, t0)}`);

t0 = performance.now();
let bytes = 0;
for (const d of generateCalls(opts)) bytes += stringifyRelaxed(d).length + 1;
console.log(
  `generate+serialise  ${total.toLocaleString("en-US")} calls: ${rate(total, t0)}, ${
    (bytes / 1e6).toFixed(0)
  } MB of JSON lines`,
);

const dir = await Deno.makeTempDir({ prefix: "bench_seed_" });
try {
  t0 = performance.now();
  const result = await writeDataset(dir, opts);
  const line = rate(result.calls, t0);
  const size = Deno.statSync(`${dir}/calling_cdr.jsonl.gz`).size;
  console.log(
    `write gz files      ${result.calls.toLocaleString("en-US")} calls: ${line}, ${
      (size / 1e6).toFixed(1)
    } MB gzipped`,
  );
} finally {
  await Deno.remove(dir, { recursive: true });
}
