/**
 * The public evaluation's bar (at least N−1 of N) on generated datasets of other agents,
 * customers, dates and zones: `deno task ask` answers questions worded differently from
 * the public set, with answers computed independently (`eval/`).
 *
 * And the guard (`eval/guard.ts`): on generated datasets in several zones, questions
 * of the guard's families (quarters, month names, weekdays, duration thresholds, shares,
 * averages per day, busiest hour and weekday, comparisons, typos, abbreviations, refining
 * follow-ups, unknown names, unsupported metrics, writes, other topics, harmless and
 * unknown words injected) are each answered correctly, or asked back on (`clarified`),
 * never answered with a number for a different question; and every item passes.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { GUARD_FAMILY_NAMES } from "../eval/guard.ts";
import { dayNumber, localInstant } from "../eval/local_time.ts";
import { CHECK_SCRIPT, type ItemResult, runGeneratedEval } from "../eval/run_generated.ts";
import { randomFor } from "../eval/wording.ts";

function hasPython(): boolean {
  try {
    return new Deno.Command("python3", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

const missing = !hasPython()
  ? "python3 not found"
  : !existsSync(CHECK_SCRIPT)
  ? `scorer ${CHECK_SCRIPT} not found`
  : null;

const SETTINGS = [
  // Last week holds the spring DST change (Sunday 8 March, a 23-hour day).
  { tz: "America/New_York", now: "2026-03-11T19:30:00Z", seed: 7 },
  // Last week holds the autumn DST change (Sunday 5 April, a 25-hour day); this month has 8 days.
  { tz: "Australia/Sydney", now: "2026-04-08T05:30:00Z", seed: 11 },
];

for (const s of SETTINGS) {
  const name = `deno task ask passes N-1 of N generated questions (${s.tz}, now ${s.now})`;
  Deno.test({
    name: missing ? `${name} [ignored: ${missing}]` : name,
    ignore: missing !== null,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const result = await runGeneratedEval({
        tz: s.tz,
        seed: s.seed,
        days: 40,
        callsPerDay: 250,
        now: new Date(s.now),
      });
      const failures = result.output.split("\n").filter((l) =>
        l.startsWith("FAIL") || l.startsWith("   answer:")
      );
      assert.notEqual(result.code, 2, `the scorer could not run:\n${result.output.slice(-3000)}`);
      assert.equal(result.passed + result.failed, result.total, result.output.slice(-3000));
      assert.ok(
        result.total >= 30,
        `only ${result.total} questions: ${JSON.stringify(result.set.skipped)}`,
      );
      assert.ok(
        result.passed >= result.total - 1,
        `${result.passed} of ${result.total} passed:\n${failures.join("\n")}`,
      );
    },
  });
}

// ---------------------------------------------------------------------------------------
// The guard

interface GuardSetting {
  tz: string;
  now: string;
  seed: number;
  agents?: number;
}

const ZONES = [
  "Asia/Kolkata",
  "Europe/London",
  "America/Los_Angeles",
  "Pacific/Auckland",
  "America/Sao_Paulo",
  "Asia/Tokyo",
  "Europe/Berlin",
  "America/Chicago",
];

/**
 * A setting drawn from `seed`: zone, agents, and a clock on a day of 2025–2026 between
 * 09:00 and 18:59 local. `EVAL_GUARD_SEED` chooses the seed (`random` draws one; the
 * test's name shows it, to run it again).
 */
function drawnSetting(seed: number): GuardSetting {
  const r = randomFor(seed, "guard-setting");
  const tz = ZONES[Math.floor(r() * ZONES.length)];
  const day = dayNumber(2025, 1, 1) + Math.floor(r() * 700);
  const at = localInstant(tz, {
    day,
    hour: 9 + Math.floor(r() * 10),
    minute: 5 * Math.floor(r() * 12),
  });
  return { tz, now: new Date(at).toISOString(), seed, agents: 4 + Math.floor(r() * 21) };
}

function guardSeed(): number {
  let raw: string | undefined;
  try {
    raw = Deno.env.get("EVAL_GUARD_SEED");
  } catch {
    raw = undefined;
  }
  if (raw === "random") return Math.floor(Math.random() * 0xffffffff);
  return raw && /^\d+$/.test(raw) ? Number(raw) : 2026;
}

const GUARD_SETTINGS: GuardSetting[] = [
  // Last week holds the spring DST change; the data reaches back into Q4 2025.
  { tz: "America/New_York", now: "2026-03-11T19:30:00Z", seed: 7 },
  // Last week holds the autumn DST change; this quarter (Q2) has 8 days.
  { tz: "Australia/Sydney", now: "2026-04-08T05:30:00Z", seed: 11 },
  drawnSetting(guardSeed()),
];

/** Failed items grouped by family, with the reason and the answers. */
function describe(results: readonly ItemResult[]): string {
  const lines: string[] = [];
  let family = "";
  for (const r of [...results].sort((a, b) => a.family.localeCompare(b.family))) {
    if (r.family !== family) {
      family = r.family;
      lines.push(`[${family}]`);
    }
    lines.push(`  ${r.item.id} ${JSON.stringify(r.item.turns)}: ${r.why ?? "no result"}`);
    for (const a of r.answers) lines.push(`     answer: ${a.slice(0, 400)}`);
  }
  return lines.join("\n");
}

for (const s of GUARD_SETTINGS) {
  const name = `guard: generated questions of the new families are answered correctly or ` +
    `asked back on (${s.tz}, now ${s.now}, seed ${s.seed})`;
  Deno.test({
    name: missing ? `${name} [ignored: ${missing}]` : name,
    ignore: missing !== null,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async (t) => {
      const result = await runGeneratedEval({
        tz: s.tz,
        seed: s.seed,
        // Four months: quarters and month names without a year reach into the data.
        days: 120,
        callsPerDay: 100,
        now: new Date(s.now),
        agents: s.agents,
        families: "guard",
      });
      assert.notEqual(result.code, 2, `the scorer could not run:\n${result.output.slice(-3000)}`);
      assert.equal(result.passed + result.failed, result.total, result.output.slice(-3000));
      const asked = new Set(result.items.map((r) => r.family));
      const notAsked = GUARD_FAMILY_NAMES.filter((f) => !asked.has(f));
      assert.ok(
        notAsked.length <= 2 && result.total >= 50,
        `${result.total} questions; not asked: ${JSON.stringify(result.set.skipped)}`,
      );
      await t.step(
        "never a number for a different question: each item correct or clarified",
        () => {
          const wrong = result.items.filter((r) => r.failure === "wrong");
          assert.equal(
            wrong.length,
            0,
            `${wrong.length} of ${result.total} wrong:\n${describe(wrong)}`,
          );
        },
      );
      await t.step("every item passes", () => {
        const failed = result.items.filter((r) => !r.ok);
        assert.equal(
          failed.length,
          0,
          `${failed.length} of ${result.total} failed:\n${describe(failed)}`,
        );
      });
    },
  });
}
