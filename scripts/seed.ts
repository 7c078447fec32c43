/**
 * `deno task seed`: writes deterministic demo data (mongoexport relaxed-EJSON lines,
 * gzipped) that `deno task ask --data DIR` and `DATA_DIR` load.
 *
 * Exit status: 0 on success, 2 on invalid options, 1 when writing fails.
 */
import { parseArgs } from "node:util";
import { countCalls, type SeedOptions, writeDataset } from "../lib/data/seed.ts";
import { parseNow } from "../lib/time/zone.ts";
import { isValidTimeZone, readEnv } from "../lib/config.ts";

const HELP = `Usage: deno task seed [options]

Writes demo calls and customers as calling_cdr.jsonl.gz and address_book.jsonl.gz.

Options:
  --days N            local calendar days of calls, ending today (default DEMO_DAYS or 60)
  --calls-per-day N   average calls per day (default DEMO_CALLS_PER_DAY or 800)
  --seed N            random seed; the same seed gives the same data (default DEMO_SEED or 42)
  --tz IANA           business time zone of the daily curves (default BUSINESS_TZ or UTC)
  --now ISO           last instant of the data, e.g. 2026-11-24T09:00:00Z (default NOW or the clock);
                      without an offset it is read in --tz
  --agents N          number of agents (default 16)
  --customers N       number of address-book customers (default 3000)
  --out DIR           output directory (default data/demo)
  --quiet             no progress on stderr
  -h, --help          show this help
`;

/** Thrown for invalid command-line options (exit status 2). */
class UsageError extends Error {}

function intOption(name: string, raw: string | undefined, def: number, min: number, max: number) {
  if (raw === undefined || raw.trim() === "") return def;
  const n = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(
      `Invalid --${name}: must be a whole number from ${min} to ${max}, got "${raw}"`,
    );
  }
  return n;
}

function parse(args: string[]): (SeedOptions & { out: string; quiet: boolean }) | null {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        days: { type: "string" },
        "calls-per-day": { type: "string" },
        seed: { type: "string" },
        tz: { type: "string" },
        now: { type: "string" },
        agents: { type: "string" },
        customers: { type: "string" },
        out: { type: "string" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return null;
  const env = readEnv();
  const tz = v.tz ?? (env.BUSINESS_TZ?.trim() || "UTC");
  if (!isValidTimeZone(tz)) {
    throw new UsageError(`Invalid --tz: "${tz}" is not an IANA time zone such as Asia/Kolkata`);
  }
  const nowRaw = v.now ?? env.NOW?.trim();
  let now = new Date();
  if (nowRaw) {
    try {
      now = parseNow(nowRaw, tz);
    } catch (e) {
      throw new UsageError(`Invalid --now: ${(e as Error).message}`);
    }
  }
  if (v.out !== undefined && v.out.trim() === "") throw new UsageError("Invalid --out: empty path");
  return {
    days: intOption("days", v.days ?? env.DEMO_DAYS, 60, 1, 3650),
    callsPerDay: intOption(
      "calls-per-day",
      v["calls-per-day"] ?? env.DEMO_CALLS_PER_DAY,
      800,
      1,
      10_000_000,
    ),
    seed: intOption("seed", v.seed ?? env.DEMO_SEED, 42, 0, 0xffffffff),
    tz,
    now,
    agents: intOption("agents", v.agents, 16, 1, 9999),
    customers: intOption("customers", v.customers, 3000, 1, 10_000_000),
    out: v.out ?? "data/demo",
    quiet: v.quiet ?? false,
  };
}

async function main(): Promise<number> {
  let opts;
  try {
    opts = parse(Deno.args);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${e.message}\nRun "deno task seed --help" for the options.`);
      return 2;
    }
    throw e;
  }
  if (!opts) {
    console.log(HELP);
    return 0;
  }
  let total: number;
  try {
    total = countCalls(opts);
  } catch (e) {
    console.error(`${(e as Error).message}\nRun "deno task seed --help" for the options.`);
    return 2;
  }
  const t0 = performance.now();
  const encoder = new TextEncoder();
  const showProgress = !opts.quiet && total >= 100_000;
  let last = 0;
  try {
    const result = await writeDataset(opts.out, {
      ...opts,
      onProgress: (p) => {
        if (!showProgress || p.collection !== "calling_cdr") return;
        const t = performance.now();
        if (t - last < 500 && p.done < p.total) return;
        last = t;
        const pct = (100 * p.done / Math.max(1, p.total)).toFixed(0);
        Deno.stderr.writeSync(
          encoder.encode(
            `\rcalls ${p.done.toLocaleString("en-US")} / ${
              p.total.toLocaleString("en-US")
            } (${pct}%)`,
          ),
        );
      },
    });
    if (showProgress) Deno.stderr.writeSync(encoder.encode("\n"));
    const seconds = (performance.now() - t0) / 1000;
    const rate = Math.round(result.calls / Math.max(seconds, 1e-3));
    console.log(
      `Wrote ${result.calls.toLocaleString("en-US")} calls and ${
        result.customers.toLocaleString("en-US")
      } customers to ${opts.out} in ${seconds.toFixed(1)} s (${
        rate.toLocaleString("en-US")
      } calls/s; ` +
        `${opts.days} days to ${opts.now!.toISOString()}, zone ${opts.tz}, seed ${opts.seed})`,
    );
    return 0;
  } catch (e) {
    if (showProgress) Deno.stderr.writeSync(encoder.encode("\n"));
    console.error((e as Error).message);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main());
