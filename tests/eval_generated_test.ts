/**
 * The public evaluation's bar (at least N−1 of N) on generated datasets of other agents,
 * customers, dates and zones: `deno task ask` answers questions worded differently from
 * the public set, with answers computed independently (`lib/eval/`).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { CHECK_SCRIPT, runGeneratedEval } from "../lib/eval/run_generated.ts";

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
