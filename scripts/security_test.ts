import assert from "node:assert/strict";
import {
  filesWith,
  formatTable,
  parseJunit,
  problems,
  REQUIRED_AREAS,
  splitName,
  suiteRows,
  totals,
} from "./security.ts";

/** A JUnit report as `deno test --junit-path` writes it (steps as `parent > step`). */
const JUNIT = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="deno test" tests="6" failures="1" errors="0" time="0.230">
    <testsuite name="./lib/a_test.ts" tests="6" disabled="1" errors="0" failures="1">
        <testcase name="security: auth: cookies &amp; &quot;tokens&quot; &lt;ok&gt;" classname="./lib/a_test.ts" time="0.012" line="1" col="6">
        </testcase>
        <testcase name="security: load: a flood" classname="./lib/a_test.ts" time="3.300" line="2" col="6">
        </testcase>
        <testcase name="other test" classname="./lib/a_test.ts" line="3" col="6">
            <skipped/>
        </testcase>
        <testcase name="security: faults: fails" classname="./lib/a_test.ts" time="0.001" line="5" col="6">
            <failure message="Uncaught Error: boom &lt;x&gt;">Error: boom</failure>
        </testcase>
        <testcase name="security: load: a flood &gt; step one" classname="./lib/a_test.ts" time="0.000" line="2" col="51">
        </testcase>
        <testcase name="security: nameless case" classname="./lib/a_test.ts" time="0.000" line="9" col="6">
            <skipped/>
        </testcase>
    </testsuite>
</testsuites>
`;

Deno.test("security suite: reads Deno's JUnit report: names, files, times, results, messages", () => {
  const cases = parseJunit(JUNIT);
  assert.deepEqual(cases.map((c) => [c.name, c.result]), [
    ['security: auth: cookies & "tokens" <ok>', "passed"],
    ["security: load: a flood", "passed"],
    ["other test", "skipped"],
    ["security: faults: fails", "failed"],
    ["security: load: a flood > step one", "passed"],
    ["security: nameless case", "skipped"],
  ]);
  assert.equal(cases[0].file, "./lib/a_test.ts");
  assert.equal(cases[1].time, 3.3);
  assert.equal(cases[2].time, null);
  assert.equal(cases[3].message, "Uncaught Error: boom <x>");
});

Deno.test("security suite: rows are the security cases by area, steps and other tests left out", () => {
  assert.deepEqual(splitName("security: read-only: $out is refused"), {
    area: "read-only",
    case: "$out is refused",
  });
  assert.deepEqual(splitName("security: nowhere: x"), { area: "other", case: "nowhere: x" });
  assert.equal(splitName("other test"), null);
  const rows = suiteRows(parseJunit(JUNIT), [
    { test: "security: load: a flood", text: "median 120 ms" },
    { test: "security: load: a flood", text: "p95 300 ms" },
  ]);
  assert.deepEqual(rows.map((r) => [r.area, r.name, r.result]), [
    ["auth", 'cookies & "tokens" <ok>', "passed"],
    ["faults", "fails", "failed"],
    ["load", "a flood", "passed"],
    ["other", "nameless case", "skipped"],
  ]);
  assert.deepEqual(rows[2].figures, ["median 120 ms", "p95 300 ms"]);
  assert.equal(rows[0].file, "lib/a_test.ts");
  assert.equal(totals(parseJunit(JUNIT)), "FAILED | 2 passed | 1 failed | 2 ignored (all tests)");
});

Deno.test("security suite: the table has a row per case with its time and figures", () => {
  const rows = suiteRows(parseJunit(JUNIT), [{ test: "security: load: a flood", text: "x | y" }]);
  const lines = formatTable(rows).split("\n");
  assert.match(lines[0], /^\| area +\| case +\| result +\| time +\| figures \|$/);
  assert.match(lines[1], /^\| -+ \| -+ \| -+ \| -+ \| -+ \|$/);
  assert.equal(lines.length, 2 + rows.length);
  assert.match(lines[2], /^\| auth +\| cookies & "tokens" <ok> +\| passed +\| 12 ms +\|/);
  assert.match(lines[4], /\| load +\| a flood +\| passed +\| 3\.3 s +\| x \\\| y \|$/);
});

Deno.test("security suite: failures, skips, unknown areas and empty areas are problems", () => {
  const rows = suiteRows(parseJunit(JUNIT), []);
  const found = problems(rows, { allowSkips: false });
  assert.ok(found.includes("failed: faults: fails (lib/a_test.ts)"));
  assert.ok(found.includes("skipped: other: nameless case (lib/a_test.ts)"));
  assert.ok(found.some((p) => p.startsWith('no known area: "nameless case"')));
  for (const area of REQUIRED_AREAS.filter((a) => !["auth", "faults", "load"].includes(a))) {
    assert.ok(found.includes(`no case in the area "${area}"`), area);
  }
  assert.ok(!found.some((p) => p.includes('area "auth"')));
  const skipsAllowed = problems(rows, { allowSkips: true });
  assert.ok(!skipsAllowed.some((p) => p.startsWith("skipped:")));
  const passing = suiteRows(parseJunit(JUNIT), []).filter((r) => r.result === "passed");
  const full = REQUIRED_AREAS.map((area) => ({ ...passing[0], area }));
  assert.deepEqual(problems(full, { allowSkips: false }), []);
});

Deno.test("security suite: finds the test files of load cases", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/lib/web`, { recursive: true });
    await Deno.mkdir(`${root}/node_modules/x`, { recursive: true });
    const load = 'Deno.test("security: load: a flood", () => {});';
    await Deno.writeTextFile(`${root}/lib/web/flood_test.ts`, load);
    await Deno.writeTextFile(`${root}/lib/web/flood.ts`, load);
    await Deno.writeTextFile(`${root}/lib/web/other_test.ts`, 'Deno.test("security: auth: x"');
    await Deno.writeTextFile(`${root}/node_modules/x/y_test.ts`, load);
    assert.deepEqual(await filesWith(root, '"security: load: '), ["lib/web/flood_test.ts"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
