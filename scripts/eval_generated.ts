/**
 * `deno task eval:generated`: scores `deno task ask` on a freshly generated dataset, with
 * questions of the public evaluation's families worded differently, the guard's families
 * (`eval/guard.ts`), and answers computed independently (`eval/`). Prints the
 * scorer's output, then passed and failed items per family.
 *
 * Exit status: the scorer's (0 all passed, 1 some failed, 2 the command failed), or 2 on
 * invalid options.
 */
import { parseArgs } from "node:util";
import type { FamilySelection } from "../eval/expectations.ts";
import { familySummary, runGeneratedEval } from "../eval/run_generated.ts";
import { dayNumber, localInstant } from "../eval/local_time.ts";
import { isValidTimeZone } from "../lib/time/zone.ts";

const HELP = `Usage: deno task eval:generated [options]

Generates a dataset into a temporary directory, writes questions with independently computed
answers, and scores \`deno task ask\` on them with ../shared/eval/check.py.

Options:
  --tz IANA            business time zone (default America/New_York)
  --seed N             seed of the data and of the question picks (default 7)
  --days N             local days of calls, ending today (default 45)
  --calls-per-day N    average calls per day (default 600)
  --now ISO            frozen clock, e.g. 2026-03-11T19:30:00Z; without an offset it is read
                       in --tz (default 2026-03-11 15:30 in --tz)
  --agents N           number of agents (default 16)
  --customers N        number of address-book customers (default 3000)
  --families WHICH     public (the public set's families), guard (quarters, months,
                       weekdays, durations, shares, averages, comparisons, typos,
                       abbreviations, follow-ups, unknown names and words, refusals) or
                       all (default all)
  --cmd CMD            command the scorer runs (default "deno task ask")
  --keep               keep the temporary directory and print its path
  -h, --help           show this help
`;

class UsageError extends Error {}

function int(name: string, raw: string | undefined, def: number, min: number, max: number) {
  if (raw === undefined) return def;
  const v = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || v < min || v > max) {
    throw new UsageError(`Invalid --${name}: must be a whole number from ${min} to ${max}`);
  }
  return v;
}

function isFamilySelection(v: string): v is FamilySelection {
  return v === "public" || v === "guard" || v === "all";
}

function parseNow(raw: string | undefined, tz: string): Date | undefined {
  if (raw === undefined) return undefined;
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2})?)?$/.exec(raw.trim());
  if (local) {
    const [, y, mo, d, h, mi] = local;
    return new Date(localInstant(tz, {
      day: dayNumber(Number(y), Number(mo), Number(d)),
      hour: Number(h ?? 0),
      minute: Number(mi ?? 0),
    }));
  }
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new UsageError(`Invalid --now: "${raw}" is not an ISO date`);
  return new Date(ms);
}

async function main(args: string[]): Promise<number> {
  const { values: v } = parseArgs({
    args,
    options: {
      tz: { type: "string" },
      seed: { type: "string" },
      days: { type: "string" },
      "calls-per-day": { type: "string" },
      now: { type: "string" },
      agents: { type: "string" },
      customers: { type: "string" },
      cmd: { type: "string" },
      families: { type: "string" },
      keep: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  const tz = v.tz ?? "America/New_York";
  if (!isValidTimeZone(tz)) {
    throw new UsageError(`Invalid --tz: "${tz}" is not an IANA time zone`);
  }
  const families = v.families ?? "all";
  if (!isFamilySelection(families)) {
    throw new UsageError(`Invalid --families: "${families}" is not public, guard or all`);
  }
  const options = {
    tz,
    families,
    seed: int("seed", v.seed, 7, 0, 0xffffffff),
    days: int("days", v.days, 45, 1, 3650),
    callsPerDay: int("calls-per-day", v["calls-per-day"], 600, 1, 100_000),
    now: parseNow(v.now, tz),
    agents: v.agents === undefined ? undefined : int("agents", v.agents, 16, 1, 9999),
    customers: v.customers === undefined
      ? undefined
      : int("customers", v.customers, 3000, 1, 10_000_000),
    cmd: v.cmd,
    keep: v.keep,
  };
  const encoder = new TextEncoder();
  const result = await runGeneratedEval({
    ...options,
    onOutput: (text) => Deno.stdout.writeSync(encoder.encode(text)),
  });
  console.log(
    `generated: ${result.calls} calls, tz ${tz}, now ${result.now.toISOString()}, ` +
      `seed ${options.seed}; ${result.total} questions`,
  );
  for (const s of result.set.skipped) console.log(`skipped ${s.family}: ${s.reason}`);
  for (const f of familySummary(result.items)) {
    console.log(`family ${f.family}: ${f.passed} passed, ${f.failed} failed`);
  }
  if (options.keep) console.log(`kept ${result.dir}`);
  console.log(`exit status ${result.code}`);
  return result.code;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE");
    console.error(usage ? (e as Error).message : `eval:generated failed: ${(e as Error).message}`);
    Deno.exit(usage ? 2 : 1);
  }
}
