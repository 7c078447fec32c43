import assert from "node:assert/strict";
import { generateDataset } from "../lib/data/seed.ts";
import { makeContext, type Question } from "./context.ts";
import { buildEvalSet, FAMILY_NAMES } from "./expectations.ts";
import { buildGuard, GUARD_FAMILY_NAMES, guardCandidates } from "./guard.ts";
import { dayNumber, localInstant } from "./local_time.ts";
import { editDistance, nameTokens } from "./names.ts";
import { itemResults } from "./run_generated.ts";

// A hand-made dataset in New York from 30 Sep 2025 to now, Wednesday 11 March 2026,
// 15:30 EDT (the clocks jumped on Sunday 8 March). Calls are given in local time.
const TZ = "America/New_York";
const NOW = new Date("2026-03-11T19:30:00Z");
const P = "+15550000001";

function call(
  id: number,
  local: string,
  [direction, status, queue, agent]: [string, string, string, string | null],
  [ring, talk, hold, wrap]: number[] = [0, 0, 0, 0],
) {
  const [, y, mo, d, h, mi] = /^(\d+)-(\d+)-(\d+) (\d+):(\d+)$/.exec(local)!.map(Number);
  const start = localInstant(TZ, { day: dayNumber(y, mo, d), hour: h, minute: mi });
  const answered = status === "answered";
  return {
    call_id: `C-${id}`,
    direction,
    status,
    queue,
    agent_name: agent,
    customer_number: P,
    start_time: new Date(start),
    ring_seconds: ring,
    talk_seconds: talk,
    hold_seconds: hold ?? 0,
    wrap_up_seconds: wrap ?? 0,
    duration_seconds: answered ? ring + talk + (hold ?? 0) : ring,
    disposition: answered ? "resolved" : null,
  };
}

const CALLS = [
  // Today, Wednesday 11 March (durations 710, 25, 105, 2, 80).
  call(1, "2026-03-11 09:10", ["incoming", "answered", "support", "ann"], [10, 700, 0, 20]),
  call(2, "2026-03-11 09:40", ["incoming", "missed", "support", null], [25]),
  call(3, "2026-03-11 10:05", ["outgoing", "answered", "sales", "bob"], [5, 100]),
  call(4, "2026-03-11 10:30", ["outgoing", "busy", "sales", "bob"], [2]),
  call(5, "2026-03-11 10:50", ["incoming", "answered", "sales", "bob"], [30, 50]),
  // Yesterday, Tuesday 10 March (durations 238, 40, 15, 30, 33, 60).
  call(6, "2026-03-10 09:00", ["incoming", "answered", "support", "ann"], [8, 200, 30, 10]),
  call(7, "2026-03-10 11:00", ["incoming", "missed", "billing", null], [40]),
  call(8, "2026-03-10 11:20", ["incoming", "missed", "support", null], [15]),
  call(9, "2026-03-10 14:00", ["outgoing", "no_answer", "sales", "bob"], [30]),
  call(29, "2026-03-10 16:00", ["incoming", "answered", "support", "bob"], [3, 30]),
  // 23:30 EDT is Wednesday in UTC.
  call(10, "2026-03-10 23:30", ["incoming", "answered", "support", "ann"], [5, 55]),
  // Monday 9 March.
  call(11, "2026-03-09 10:00", ["incoming", "failed", "support", null], [1]),
  call(12, "2026-03-09 10:15", ["outgoing", "answered", "sales", "ann"], [4, 400]),
  // Last week: Sunday 8 March 01:30 EST, Wednesday 4 and Monday 2 March.
  call(13, "2026-03-08 01:30", ["incoming", "answered", "sales", "bob"], [5, 300, 60]),
  call(14, "2026-03-04 12:00", ["incoming", "answered", "support", "ann"], [12, 90]),
  call(15, "2026-03-04 12:30", ["incoming", "missed", "support", null], [50]),
  call(16, "2026-03-02 09:00", ["outgoing", "failed", "sales", "bob"], [1]),
  call(17, "2026-03-02 09:30", ["incoming", "answered", "billing", "ann"], [20, 150]),
  // February (23:30 on the 28th is 1 March in UTC).
  call(18, "2026-02-27 12:00", ["outgoing", "answered", "sales", "ann"], [8, 250]),
  call(19, "2026-02-28 23:30", ["outgoing", "busy", "collections", "bob"], [2]),
  call(20, "2026-02-10 12:00", ["incoming", "answered", "support", "bob"], [6, 45]),
  // January, December (23:30 on the 31st is January in UTC), November, October.
  call(21, "2026-01-15 10:00", ["incoming", "answered", "support", "ann"], [9, 600]),
  call(22, "2026-01-20 10:00", ["incoming", "missed", "support", null], [30]),
  call(23, "2025-12-01 10:00", ["incoming", "answered", "billing", "bob"], [10, 120]),
  call(24, "2025-12-31 23:30", ["incoming", "answered", "support", "ann"], [5, 40]),
  call(25, "2025-11-20 10:00", ["outgoing", "answered", "sales", "bob"], [6, 200]),
  call(26, "2025-10-05 10:00", ["incoming", "missed", "support", null], [20]),
  // Q3 2025 locally (22:00 EDT on 30 September is October in UTC).
  call(27, "2025-09-30 22:00", ["incoming", "answered", "sales", "ann"], [5, 100]),
  // After now: in no period.
  call(28, "2026-03-11 16:00", ["incoming", "answered", "support", "ann"], [4, 50]),
];

const CUSTOMERS = [{ customer_id: "CUST1", name: "Ann Lee", phone: P, city: "Boston" }];

function ctx(seed = 1) {
  return makeContext({ calls: CALLS, customers: CUSTOMERS, now: NOW, tz: TZ, seed });
}

function candidates(family: string, seed = 1): Question[] {
  const c = guardCandidates(ctx(seed), family);
  assert.ok(typeof c !== "string", `${family}: ${c}`);
  return c;
}

/** The numbers expected of the last turn of the one candidate with `tags` and `re`. */
function values(family: string, tags: string[], re: RegExp, seed = 1): number[] {
  const found = candidates(family, seed).filter((q) =>
    tags.every((t) => q.tags.includes(t)) && re.test(q.turns.join(" / "))
  );
  assert.equal(found.length, 1, `${family} ${tags} ${re}: ${found.map((q) => q.turns)}`);
  const last = found[0].expect[found[0].expect.length - 1]!;
  assert.deepEqual(last[0], { kind: "outcome", any_of: ["answered"] });
  return last.flatMap((e) => e.kind === "number" || e.kind === "percent" ? [e.value] : []);
}

Deno.test("guard: quarters without a year are the latest begun, read in the local zone", () => {
  // Q3 2025 holds call 27 only (October in UTC); Q4 2025 calls 23–26 (24 is January in UTC).
  assert.deepEqual(values("quarter", ["quarter_no_year", "all"], /Q3\b/), [1]);
  assert.deepEqual(values("quarter", ["quarter_year", "all"], /Q4 2025/), [4]);
  assert.deepEqual(values("quarter", ["quarter_no_year", "incoming"], /Q4\b/), [3]);
  assert.deepEqual(values("quarter", ["last_q", "answered"], /last quarter/), [3]);
  // This quarter = Q1 2026 up to now (call 28, after now, left out).
  assert.deepEqual(values("quarter", ["this_q", "all"], /this quarter/), [23]);
  assert.deepEqual(values("quarter", ["quarter_no_year", "all"], /Q1\b/), [23]);
  // Q2 without a year would be Q2 2025, before the data: not asked.
  assert.ok(!candidates("quarter").some((q) => /Q2/.test(q.turns[0])));
});

Deno.test("guard: month names with and without a year, this week so far, last <weekday>", () => {
  assert.deepEqual(values("month_name", ["month_no_year", "all"], /October/), [1]);
  assert.deepEqual(values("month_name", ["month_year", "all"], /December 2025/), [2]);
  assert.deepEqual(values("month_name", ["month_no_year", "all"], /January/), [2]);
  assert.deepEqual(values("month_name", ["month_no_year", "all"], /February/), [3]);
  assert.deepEqual(values("month_name", ["month_year", "all"], /March 2026/), [17 + 1]);
  // April without a year is April 2025, before the data.
  assert.ok(!candidates("month_name").some((q) => /April/.test(q.turns[0])));
  assert.deepEqual(values("week_so_far", ["week_so_far", "all"], /this week so far/), [13]);
  assert.deepEqual(values("week_so_far", ["so_far_week", "missed"], /so far this week/), [3]);
  // Today is Wednesday: last Monday is 9 March, last Wednesday 4 March, last Sunday 8 March.
  assert.deepEqual(values("last_weekday", ["all"], /last Monday/), [2]);
  assert.deepEqual(values("last_weekday", ["weekday_today", "all"], /last Wednesday/), [2]);
  assert.deepEqual(values("last_weekday", ["all"], /last Tuesday/), [6]);
  assert.deepEqual(values("last_weekday", ["all"], /last Sunday/), [1]);
  assert.ok(!candidates("last_weekday").some((q) => /Saturday/.test(q.turns[0])));
});

Deno.test("guard: duration thresholds are strict above and below, inclusive between", () => {
  const v = (tags: string[], re: RegExp) => values("duration_threshold", tags, re);
  // Today: 710, 25, 105, 2, 80 seconds.
  assert.deepEqual(v(["today", "all"], /(?:than|over) 10 minutes/), [1]);
  assert.deepEqual(v(["today", "all"], /30 seconds/), [2]);
  assert.deepEqual(v(["today", "all"], /between 1 and 2 minutes/), [2]);
  // Yesterday: 238, 40, 15, 30, 33, 60 seconds: 30 is not under 30, 60 is between 1 and 3.
  assert.deepEqual(v(["yesterday", "all"], /30 seconds/), [1]);
  assert.deepEqual(v(["yesterday", "all"], /45 seconds/), [4]);
  assert.deepEqual(v(["yesterday", "all"], /between 1 and 3 minutes/), [1]);
  assert.deepEqual(v(["yesterday", "incoming"], /between 3 and 10 minutes/), [1]);
  // A threshold every call of the period meets is not asked (no different answer).
  // Last week's one outgoing call lasted 1 second: every threshold gives 0 or 1 of 1.
  assert.ok(
    !candidates("duration_threshold").some((q) =>
      q.tags.includes("last_week") && q.tags.includes("outgoing")
    ),
  );
});

Deno.test("guard: shares of a subset, averages per day, busiest hour and weekday", () => {
  // Yesterday: 5 incoming, 2 missed; 4 incoming support calls, 1 missed.
  assert.deepEqual(values("share_of_subset", ["yesterday", "incoming", "missed"], /./), [40]);
  assert.deepEqual(values("share_of_subset", ["yesterday", "incoming", "answered"], /./), [60]);
  assert.deepEqual(
    values("share_of_subset", ["yesterday", "incoming_queue", "missed"], /support/),
    [25],
  );
  assert.deepEqual(values("share_of_subset", ["today", "outgoing", "busy"], /./), [50]);
  // 5 calls last week over 7 days, 3 in February's 28 days, 14 in the last 7 days.
  assert.deepEqual(values("average_per_day", ["last_week", "all", "days_7"], /./), [0.71]);
  assert.deepEqual(values("average_per_day", ["last_month", "all", "days_28"], /./), [0.11]);
  assert.deepEqual(values("average_per_day", ["all", "days_7", "last_n_days"], /./), [2]);
  assert.deepEqual(values("average_per_day", ["all", "days_10"], /./), [1.8]);
  // Yesterday's busiest hour: 11:00 (two calls). Last week's incoming calls: 12:00.
  const hour = candidates("busiest_hour_of_day").find((q) =>
    q.tags.includes("yesterday") && q.tags.includes("all")
  )!;
  assert.deepEqual(hour.expect[0]!.slice(1), [
    { kind: "text", any_of: ["11:00", "11 AM", "11am", "11 am"] },
    { kind: "number", value: 2, rel_tol: 0.005, abs_tol: 0 },
  ]);
  assert.deepEqual(values("busiest_hour_of_day", ["last_week", "incoming"], /./), [2]);
  // Last week ties 12:00 and 09:00 over all calls: not asked.
  assert.ok(
    !candidates("busiest_hour_of_day").some((q) =>
      q.tags.includes("last_week") && q.tags.includes("all")
    ),
  );
  // The last 4 weeks: Wednesdays 7 calls, Tuesdays 6.
  const weekday = candidates("busiest_weekday").find((q) =>
    q.tags.includes("last_4_weeks") && q.tags.includes("all")
  )!;
  const [, text, count] = weekday.expect[0]!;
  assert.ok(text.kind === "text" && text.any_of.includes("Wednesday"));
  assert.ok(text.kind === "text" && text.any_of.includes(" Wed ") && !text.any_of.includes("Wed"));
  assert.deepEqual(count, { kind: "number", value: 7, rel_tol: 0.005, abs_tol: 0 });
});

Deno.test("guard: comparisons give both counts and the difference", () => {
  assert.deepEqual(values("compare_periods", ["weeks", "all"], /./), [13, 5, 8]);
  assert.deepEqual(values("compare_periods", ["days", "all"], /./), [5, 6, 1]);
  assert.deepEqual(values("compare_periods", ["months", "all"], /./), [18, 3, 15]);
});

Deno.test("guard: typos, abbreviations and refining follow-ups keep their answers", () => {
  const typos = candidates("typo");
  for (const q of typos) {
    const tag = q.tags.find((t) => t.includes(">"))!;
    const [word, wrong] = tag.split(">");
    assert.equal(editDistance(word, wrong), 1, tag);
    assert.ok(q.turns[0].toLowerCase().includes(wrong) && !q.turns[0].includes(word), tag);
  }
  const typo = (word: string) => {
    const q = typos.find((x) => x.tags.some((t) => t.startsWith(`${word}>`)))!;
    return q.expect[0]!.slice(1).map((e) => "value" in e ? e.value : NaN);
  };
  // The first abandonment question is yesterday's: 2 of 5 incoming calls missed.
  assert.deepEqual(typo("abandonment"), [40]);
  assert.deepEqual(typo("outgoing"), [2]);
  assert.deepEqual(typo("inbound"), [9]);
  assert.deepEqual(typo("outbound"), [5]);
  assert.deepEqual(typo("missed"), [2]);
  assert.deepEqual(typo("answered"), [7]);
  assert.deepEqual(typo("service"), [75]);
  assert.equal(Math.round(typo("average")[0] * 100) / 100, 108.33);
  // A failed call last month: none, so that typo question is not asked.
  assert.ok(!typos.some((q) => q.tags.some((t) => t.startsWith("failed>"))));

  assert.deepEqual(values("abbreviation", ["sl", "yesterday"], /./), [60]);
  const [asa] = values("abbreviation", ["asa", "yesterday"], /./);
  assert.equal(Math.round(asa * 100) / 100, 5.33);
  assert.deepEqual(values("abbreviation", ["aht", "today"], /./), [290]);

  assert.deepEqual(values("follow_up_refine", ["today", "outgoing", "busy"], /./), [1]);
  const refine = candidates("follow_up_refine").find((q) =>
    ["yesterday", "incoming", "missed"].every((t) => q.tags.includes(t))
  )!;
  assert.equal(refine.turns.length, 2);
  assert.match(refine.turns[1], /missed/);
  assert.doesNotMatch(refine.turns[1], /yesterday|incoming|inbound/);
  assert.deepEqual(refine.expect.map((e) => e!.map((x) => "value" in x ? x.value : x.kind)), [
    ["outcome", 5],
    ["outcome", 2],
  ]);
});

Deno.test("guard: unknown names are far from every real name; refusals and injections", () => {
  const known = nameTokens(["ann", "bob", "support", "sales", "billing", "collections", "Boston"]);
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    for (const family of ["unknown_agent", "unknown_queue", "unknown_city"]) {
      for (const q of candidates(family, seed)) {
        assert.deepEqual(q.expect, [[{ kind: "outcome", any_of: ["clarified"] }]]);
        const name = q.tags.find((t) => t.startsWith("name:"))!.slice(5);
        assert.ok(q.turns[0].includes(name));
        for (const k of known) assert.ok(editDistance(name, k) >= 3, `${name} near ${k}`);
      }
    }
  }
  for (const q of candidates("unsupported_metric")) {
    assert.deepEqual(q.expect, [[{ kind: "outcome", any_of: ["clarified", "refused"] }]]);
  }
  for (const family of ["write_request", "off_topic"]) {
    for (const q of candidates(family)) {
      assert.deepEqual(q.expect, [[{ kind: "outcome", any_of: ["refused"] }]]);
    }
  }
  const guard = buildGuard(ctx(3));
  const harmless = guard.questions.filter((q) => q.family === "harmless_words");
  const unknown = guard.questions.filter((q) => q.family === "unknown_words");
  assert.ok(harmless.length >= 3 && unknown.length >= 3);
  for (const { question: q } of harmless) {
    assert.match(q.turns[0], /please|kindly|hey|quick question|hi there|thanks/i);
    assert.deepEqual(q.expect[0]![0], { kind: "outcome", any_of: ["answered"] });
    assert.ok(q.expect[0]!.length >= 2);
  }
  for (const { question: q } of unknown) {
    assert.deepEqual(q.expect, [[{ kind: "outcome", any_of: ["clarified"] }]]);
    const words = q.tags.find((t) => t.startsWith("words:"))!.slice(6);
    assert.ok(q.turns[0].includes(words), `${words} in ${q.turns[0]}`);
  }
});

Deno.test("buildEvalSet: guard families on generated data, ids and tags by family", () => {
  const now = new Date("2026-04-08T05:30:00Z");
  const tz = "Australia/Sydney";
  const data = generateDataset({ days: 120, callsPerDay: 60, seed: 3, now, tz, customers: 300 });
  const opts = { calls: data.calling_cdr, customers: data.address_book, now, tz, seed: 2 };
  const guard = buildEvalSet({ ...opts, families: "guard" });
  const all = buildEvalSet({ ...opts, families: "all" });
  const pub = buildEvalSet(opts);
  assert.deepEqual(all.items, [...pub.items, ...guard.items]);
  assert.deepEqual(buildEvalSet({ ...opts, families: "guard" }), guard);
  const families = new Set(guard.items.map((it) => it.tags[0]));
  assert.deepEqual(
    [...families].sort(),
    [...GUARD_FAMILY_NAMES].sort(),
    JSON.stringify(guard.skipped),
  );
  assert.ok(pub.items.every((it) => FAMILY_NAMES.includes(it.tags[0])));
  const ids = new Set<string>();
  const agents = new Set(data.calling_cdr.map((c) => c.agent_name).filter(Boolean) as string[]);
  for (const it of guard.items) {
    assert.match(it.id, new RegExp(`^gen-${it.tags[0]}-\\d+$`));
    assert.ok(!ids.has(it.id));
    ids.add(it.id);
    assert.equal(it.expect.length, it.turns.length);
    for (const turn of it.expect) {
      if (!turn) continue;
      assert.equal(turn[0].kind, "outcome", it.id);
      const rest = turn.slice(1);
      if (turn[0].kind === "outcome" && turn[0].any_of[0] === "answered") {
        assert.ok(rest.some((e) => e.kind === "number" || e.kind === "percent"), it.id);
      } else assert.equal(rest.length, 0, it.id);
      for (const e of rest) {
        if (e.kind === "number" || e.kind === "percent") {
          assert.ok(Number.isFinite(e.value) && e.value > 0, `${it.id} ${e.value}`);
        }
      }
    }
    if (it.tags[0] === "unknown_agent") {
      const name = it.tags.find((t) => t.startsWith("name:"))!.slice(5);
      for (const a of agents) assert.ok(editDistance(name, a) >= 3, `${name} near ${a}`);
    }
  }
});

Deno.test("itemResults reads the scorer's lines and tells clarified from wrong", () => {
  const item = (id: string, family: string) => ({
    id,
    now: "2026-03-11T19:30:00Z",
    tz: TZ,
    turns: ["q"],
    expect: [null],
    tags: [family],
  });
  const items = [item("a", "x"), item("b", "x"), item("c", "y"), item("d", "y"), item("e", "y")];
  const output = [
    "ok   a ['q']",
    "FAIL b ['q']: turn 1: outcome 'clarified', expected one of ['answered']",
    "   answer: I could not place one part",
    "FAIL c ['q', 'and: [x]']: turn 2: number 31 not found in the answer text",
    "   answer: first",
    "   answer: **18** vs **49**",
    "FAIL d ['q']: turn 1: outcome 'answered', expected one of ['clarified']",
    "accuracy 20.0%",
    "eval: 1 passed, 3 failed",
  ].join("\n");
  const r = itemResults(items, output);
  assert.deepEqual(r.map((x) => [x.item.id, x.family, x.ok, x.failure]), [
    ["a", "x", true, null],
    ["b", "x", false, "clarified"],
    ["c", "y", false, "wrong"],
    ["d", "y", false, "wrong"],
    ["e", "y", null, "wrong"],
  ]);
  assert.equal(r[2].why, "turn 2: number 31 not found in the answer text");
  assert.deepEqual(r[2].answers, ["first", "**18** vs **49**"]);
  assert.deepEqual(r[1].answers, ["I could not place one part"]);
});
