import assert from "node:assert/strict";
import { generateDataset } from "../lib/data/seed.ts";
import {
  buildEvalSet,
  type EvalItem,
  type Expectation,
  FAMILY_NAMES,
  toJsonLines,
} from "./expectations.ts";
import { dayNumber } from "./local_time.ts";
import { type DateStyle, formatDay } from "./wording.ts";

// A hand-made week in New York around the 2026 spring DST change (8 March, 02:00 EST →
// 03:00 EDT). Now is Wednesday 11 March, 15:30 EDT. Local times in the comments.
const TZ = "America/New_York";
const NOW = new Date("2026-03-11T19:30:00Z");
const A = "+15550000001";
const B = "+15550000002";
const C = "+15550000003";
const D = "+15550000004";
const E = "+15550000005";
const F = "+15550000006";
const G = "+15550000007";

function call(
  id: number,
  start: string,
  [direction, status, queue, agent, number]: [string, string, string, string | null, string],
  [ring, talk, hold, wrap]: number[] = [0, 0, 0, 0],
  disposition: string | null = null,
) {
  const answered = status === "answered";
  return {
    call_id: `C-${id}`,
    direction,
    status,
    queue,
    agent_name: agent,
    customer_number: number,
    start_time: new Date(start),
    ring_seconds: ring,
    talk_seconds: talk,
    hold_seconds: hold,
    wrap_up_seconds: wrap,
    duration_seconds: answered ? ring + talk + hold : ring,
    disposition,
  };
}

const CALLS = [
  // 1: Wed 11 Mar 10:15
  call(
    1,
    "2026-03-11T14:15:00Z",
    ["incoming", "answered", "support", "ann", A],
    [10, 100, 20, 30],
    "resolved",
  ),
  // 2: Wed 11 Mar 10:40
  call(
    2,
    "2026-03-11T14:40:00Z",
    ["outgoing", "answered", "sales", "bob", B],
    [5, 200, 0, 10],
    "sale",
  ),
  // 3: Wed 11 Mar 11:05
  call(3, "2026-03-11T15:05:00Z", ["incoming", "missed", "billing", null, C], [30]),
  // 4: Tue 10 Mar 09:00
  call(
    4,
    "2026-03-10T13:00:00Z",
    ["incoming", "answered", "support", "ann", A],
    [20, 300, 0, 20],
    "resolved",
  ),
  // 5: Tue 10 Mar 23:30 (Wednesday in UTC)
  call(5, "2026-03-11T03:30:00Z", ["incoming", "missed", "billing", null, D], [40]),
  // 6: Tue 10 Mar 14:00
  call(6, "2026-03-10T18:00:00Z", ["outgoing", "no_answer", "sales", "bob", B], [30]),
  // 7: Mon 9 Mar 10:00
  call(7, "2026-03-09T14:00:00Z", ["incoming", "failed", "support", null, E], [2]),
  // 8: Sun 8 Mar 01:30 EST, just before the clocks jump
  call(
    8,
    "2026-03-08T06:30:00Z",
    ["incoming", "answered", "sales", "bob", A],
    [5, 400, 60, 40],
    "no_sale",
  ),
  // 9: Sun 8 Mar 23:30 EDT (Monday in UTC): last week
  call(
    9,
    "2026-03-09T03:30:00Z",
    ["incoming", "answered", "support", "ann", B],
    [15, 150, 0, 10],
    "follow_up",
  ),
  // 10: Fri 27 Feb 12:00
  call(
    10,
    "2026-02-27T17:00:00Z",
    ["outgoing", "answered", "sales", "ann", C],
    [8, 250, 0, 15],
    "sale",
  ),
  // 11: Sat 28 Feb 23:30 (March in UTC): last month
  call(11, "2026-03-01T04:30:00Z", ["outgoing", "busy", "collections", "bob", A], [2]),
  // 12: Sun 1 Mar 00:30: this month
  call(
    12,
    "2026-03-01T05:30:00Z",
    ["outgoing", "answered", "sales", "bob", G],
    [6, 90, 0, 12],
    "sale",
  ),
  // 13: Tue 10 Mar 12:00
  call(
    13,
    "2026-03-10T16:00:00Z",
    ["incoming", "answered", "support", "ann", C],
    [3, 60, 0, 5],
    "resolved",
  ),
  // 14: Tue 10 Mar 15:00
  call(14, "2026-03-10T19:00:00Z", ["incoming", "failed", "support", null, F], [1]),
  // 15: Mon 2 Mar 09:00
  call(15, "2026-03-02T14:00:00Z", ["outgoing", "failed", "sales", "bob", E], [1]),
  // 16: Thu 5 Mar 14:00
  call(16, "2026-03-05T19:00:00Z", ["incoming", "missed", "support", null, D], [50]),
  // 17: after now: in no period, and not in "all data" either
  call(
    17,
    "2026-03-11T20:00:00Z",
    ["incoming", "answered", "support", "ann", A],
    [4, 50, 0, 5],
    "resolved",
  ),
];

const CUSTOMERS = [
  { customer_id: "CUST1", name: "Ann Lee", phone: A, city: "Boston" },
  { customer_id: "CUST2", name: "Carl Diaz", phone: B, city: "Boston" },
  { customer_id: "CUST3", name: "Ann Leeds", phone: C, city: "Chicago" },
  { customer_id: "CUST4", name: "Dora Park", phone: D, city: "Chicago" },
  { customer_id: "CUST5", name: "Eve Stone", phone: E, city: "Miami" },
  { customer_id: "CUST7", name: "Dora Park", phone: G, city: "Miami" },
];

function build(seed: number) {
  return buildEvalSet({ calls: CALLS, customers: CUSTOMERS, now: NOW, tz: TZ, seed });
}

function item(items: EvalItem[], family: string): EvalItem {
  const id = `gen-${String(FAMILY_NAMES.indexOf(family) + 1).padStart(2, "0")}`;
  const found = items.find((it) => it.id === id);
  assert.ok(found, `no item for ${family}`);
  return found;
}

/** The expectations of the last turn. */
function last(items: EvalItem[], family: string): Expectation[] {
  const it = item(items, family);
  return it.expect[it.expect.length - 1]!;
}

function numberOf(e: Expectation): number {
  assert.ok(e.kind === "number" || e.kind === "percent", `not a number: ${JSON.stringify(e)}`);
  return e.value;
}

function question(items: EvalItem[], family: string): string {
  return item(items, family).turns.join(" / ");
}

/** Which of `options` the question names (exactly one). */
function named<T extends string>(items: EvalItem[], family: string, options: T[]): T {
  const q = question(items, family);
  const hits = options.filter((o) => q.includes(o));
  assert.equal(hits.length, 1, `expected one of ${options} in "${q}"`);
  return hits[0];
}

const SEEDS = [1, 2, 3, 4, 5, 6];

Deno.test("buildEvalSet: counts over today, yesterday, this week and all data", () => {
  for (const seed of SEEDS) {
    const items = build(seed).items;
    assert.deepEqual(last(items, "calls_today"), [{
      kind: "number",
      value: 3,
      rel_tol: 0.005,
      abs_tol: 0,
    }]);
    assert.deepEqual(last(items, "incoming_report_today"), [{ kind: "report", rows: 2 }]);
    assert.equal(numberOf(last(items, "outgoing_yesterday")[0]), 1);
    assert.deepEqual(last(items, "missed_report"), [{ kind: "report", rows: 3 }]);
    assert.equal(numberOf(last(items, "failed_this_week")[0]), 2);
    assert.equal(numberOf(last(items, "successful_calls")[0]), 8);
    assert.deepEqual(last(items, "compare_directions_this_week").map(numberOf), [7, 2]);
    assert.equal(numberOf(last(items, "memory_direction")[0]), 1);
    assert.equal(item(items, "memory_direction").expect[0], null);
    assert.equal(numberOf(last(items, "unique_callers_this_month")[0]), 6);
    assert.match(question(items, "missed_queue_yesterday"), /billing/);
    assert.equal(numberOf(last(items, "missed_queue_yesterday")[0]), 1);
  }
});

Deno.test("buildEvalSet: agents, handled calls, talk time and AHT", () => {
  for (const seed of SEEDS) {
    const items = build(seed).items;
    // ann handled the most (5), so the per-agent question asks about bob.
    assert.match(question(items, "handled_by_agent"), /\bbob\b/);
    assert.equal(numberOf(last(items, "handled_by_agent")[0]), 3);
    assert.deepEqual(last(items, "agent_performance"), [
      { kind: "table", rows: { ann: [5], bob: [3] }, rel_tol: 0.005 },
    ]);
    assert.deepEqual(last(items, "top_agent")[0], { kind: "text", any_of: ["ann"] });
    assert.equal(numberOf(last(items, "top_agent")[1]), 5);
    const filtered = named(items, "agent_filter", ["ann", "bob"]);
    assert.equal(numberOf(last(items, "agent_filter")[0]), { ann: 5, bob: 6 }[filtered]);
    const talker = named(items, "talk_time_agent_this_month", ["ann", "bob"]);
    const talk = last(items, "talk_time_agent_this_month")[0];
    assert.equal(numberOf(talk), { ann: 610, bob: 690 }[talker]);
    assert.equal(talk.kind === "number" && talk.units, "seconds");
    assert.deepEqual(last(items, "aht_per_agent_last_week"), [
      { kind: "table", rows: { bob: [500], ann: [160] }, rel_tol: 0.01, units: "seconds" },
    ]);
    assert.equal(item(items, "memory_lowest_aht").expect[0], null);
    assert.deepEqual(last(items, "memory_lowest_aht"), [{ kind: "text", any_of: ["ann"] }]);
  }
});

Deno.test("buildEvalSet: KPIs, durations and hours in the business zone", () => {
  const items = build(1).items;
  const [avg, max] = last(items, "duration_stats");
  assert.deepEqual(avg, {
    kind: "number",
    value: 212.75,
    rel_tol: 0.01,
    abs_tol: 0,
    units: "seconds",
  });
  assert.equal(numberOf(max), 465);
  assert.deepEqual(last(items, "abandonment_yesterday"), [{
    kind: "percent",
    value: 25,
    abs_tol: 0.15,
  }]);
  assert.deepEqual(last(items, "service_level_yesterday"), [{
    kind: "percent",
    value: 50,
    abs_tol: 0.15,
  }]);
  assert.equal(numberOf(last(items, "asa_this_week")[0]), 11);
  assert.deepEqual(last(items, "outgoing_answer_rate_last_month"), [
    { kind: "percent", value: 50, abs_tol: 0.15 },
  ]);
  assert.match(question(items, "busiest_hour"), /today/);
  assert.deepEqual(last(items, "busiest_hour"), [
    { kind: "text", any_of: ["10:00", "10 AM", "10am", "10 am"] },
    { kind: "number", value: 2, rel_tol: 0.005, abs_tol: 0 },
  ]);
  assert.deepEqual(last(items, "calls_per_day_last_week"), [
    {
      kind: "table",
      rows: { "2026-03-08": [2], "2026-03-02": [1], "2026-03-05": [1] },
      rel_tol: 0.005,
    },
  ]);
  assert.deepEqual(last(items, "incoming_per_queue_this_month"), [
    { kind: "table", rows: { support: [7], billing: [2], sales: [1] }, rel_tol: 0.005 },
  ]);
});

Deno.test("buildEvalSet: customers, names, cities and dispositions picked from the data", () => {
  for (const seed of SEEDS) {
    const items = build(seed).items;
    const number = named(items, "customer_number", [A, B, C, D, E, F, G]);
    assert.equal(
      numberOf(last(items, "customer_number")[0]),
      ({ [A]: 4, [B]: 3, [C]: 3 } as Record<string, number>)[number],
    );
    assert.deepEqual(last(items, "top_customers"), [
      { kind: "table", rows: { [A]: [4], [B]: [3], [C]: [3], [D]: [2], [E]: [2] }, rel_tol: 0.005 },
    ]);
    // "Ann Lee" sits inside "Ann Leeds" and "Dora Park" is two customers: neither is asked.
    const who = named(items, "customer_by_name", [
      "Carl Diaz",
      "Ann Leeds",
      "Eve Stone",
      "Dora Park",
    ]);
    assert.notEqual(who, "Dora Park");
    assert.doesNotMatch(question(items, "customer_by_name"), /Ann Lee(?!ds)/);
    assert.equal(
      numberOf(last(items, "customer_by_name")[0]),
      ({ "Carl Diaz": 3, "Ann Leeds": 3, "Eve Stone": 2 } as Record<string, number>)[who],
    );
    // Last month (February) holds call 10 (Chicago) and call 11 (Boston, 23:30 on the 28th).
    named(items, "city_last_month", ["Boston", "Chicago"]);
    assert.equal(numberOf(last(items, "city_last_month")[0]), 1);
    const queue = named(items, "dispositions_queue_this_month", ["sales", "support"]);
    assert.deepEqual(last(items, "dispositions_queue_this_month")[0], {
      kind: "table",
      rows:
        { sales: { sale: [2], no_sale: [1] }, support: { resolved: [3], follow_up: [1] } }[queue],
      rel_tol: 0.005,
    });
  }
});

/** The local days 27 Feb – 11 Mar a question names (in any date style). */
function daysIn(text: string): number[] {
  const styles: DateStyle[] = ["iso", "day_month", "month_ordinal", "month_day_year"];
  const found: [number, number][] = [];
  for (let d = dayNumber(2026, 2, 27); d <= dayNumber(2026, 3, 11); d++) {
    for (const s of styles) {
      const at = new RegExp(`(?<![\\w-])${formatDay(d, s, 2026)}(?![\\w-])`).exec(text);
      if (at) found.push([at.index, d]);
    }
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, d]) => d);
}

Deno.test("buildEvalSet: dates picked from the data, read as local days", () => {
  // Outgoing calls by local day: 27 Feb, 28 Feb, 1 Mar, 2 Mar, 10 Mar (and 11 Mar, today).
  const outgoing = [[2026, 2, 27], [2026, 2, 28], [2026, 3, 1], [2026, 3, 2], [2026, 3, 10]]
    .map(([y, m, d]) => dayNumber(y, m, d));
  let asked = 0;
  for (const seed of SEEDS) {
    const items = build(seed).items;
    // The only missed call before yesterday: Thursday 5 March.
    assert.deepEqual(daysIn(question(items, "missed_on_date")), [dayNumber(2026, 3, 5)]);
    assert.equal(numberOf(last(items, "missed_on_date")[0]), 1);
    const set = build(seed);
    if (!set.items.some((it) => it.id === "gen-32")) {
      // A range without outgoing calls is skipped.
      assert.deepEqual(set.skipped, [
        { family: "export_outgoing_range", reason: "no outgoing calls in the range" },
      ]);
      continue;
    }
    const range = daysIn(question(items, "export_outgoing_range"));
    assert.equal(range.length, 2, question(items, "export_outgoing_range"));
    const [from, to] = range;
    assert.ok(from + 2 <= to && to <= dayNumber(2026, 3, 10) && from >= dayNumber(2026, 2, 27));
    const rows = outgoing.filter((d) => d >= from && d <= to).length;
    assert.deepEqual(last(items, "export_outgoing_range"), [{ kind: "report", rows }]);
    asked++;
  }
  assert.ok(asked >= 2, `export range asked for ${asked} of ${SEEDS.length} seeds`);
});

Deno.test("buildEvalSet: ties are not asked about; an empty dataset gives no items", () => {
  // bob and cy tie on the most calls handled, ann and bob on the lowest AHT: the builder
  // asks about the fewest calls and the highest AHT instead.
  const tied = [
    call(1, "2026-03-02T15:00:00Z", ["incoming", "answered", "support", "ann", A], [5, 100, 0, 0]),
    call(2, "2026-03-03T15:00:00Z", ["incoming", "answered", "support", "bob", B], [5, 100, 0, 0]),
    call(3, "2026-03-03T16:00:00Z", ["incoming", "answered", "support", "bob", B], [5, 100, 0, 0]),
    call(4, "2026-03-04T15:00:00Z", ["incoming", "answered", "support", "cy", B], [5, 200, 0, 0]),
    call(5, "2026-03-04T16:00:00Z", ["incoming", "answered", "support", "cy", B], [5, 200, 0, 0]),
  ];
  const set = buildEvalSet({ calls: tied, customers: [], now: NOW, tz: TZ });
  assert.match(question(set.items, "top_agent"), /fewest/);
  assert.deepEqual(last(set.items, "top_agent")[0], { kind: "text", any_of: ["ann"] });
  assert.equal(numberOf(last(set.items, "top_agent")[1]), 1);
  assert.match(question(set.items, "memory_lowest_aht"), /highest/);
  assert.deepEqual(last(set.items, "memory_lowest_aht"), [{ kind: "text", any_of: ["cy"] }]);
  // Two agents tied both ways: neither question is asked.
  const twoTied = buildEvalSet({ calls: tied.slice(0, 2), customers: [], now: NOW, tz: TZ });
  const skipped = twoTied.skipped.map((s) => s.family);
  assert.ok(skipped.includes("top_agent") && skipped.includes("memory_lowest_aht"));
  assert.ok(!twoTied.items.some((it) => it.id === "gen-07" || it.id === "gen-23"));

  const empty = buildEvalSet({ calls: [], customers: [], now: NOW, tz: TZ });
  assert.equal(empty.items.length, 0);
  assert.equal(empty.skipped.length, FAMILY_NAMES.length);
});

Deno.test("buildEvalSet: the file format of questions.jsonl", () => {
  const { items } = build(3);
  const lines = toJsonLines(items).trimEnd().split("\n");
  assert.equal(lines.length, items.length);
  for (const line of lines) {
    const it = JSON.parse(line);
    assert.deepEqual(Object.keys(it), ["id", "now", "tz", "turns", "expect", "tags"]);
    assert.equal(it.now, "2026-03-11T19:30:00Z");
    assert.equal(it.tz, TZ);
    assert.equal(it.expect.length, it.turns.length);
  }
});

Deno.test("buildEvalSet on generated data: every family, new wordings, finite answers", async () => {
  const now = new Date("2026-04-08T05:30:00Z");
  const tz = "Australia/Sydney";
  const data = generateDataset({ days: 40, callsPerDay: 120, seed: 5, now, tz, customers: 400 });
  let publicTurns = new Set<string>();
  try {
    const text = await Deno.readTextFile(
      new URL("../../shared/eval/questions.jsonl", import.meta.url),
    );
    publicTurns = new Set(
      text.split("\n").filter((l) => l.trim()).flatMap((l) => JSON.parse(l).turns as string[]),
    );
  } catch {
    // The public set is beside the repository; without it, only the other checks run.
  }
  const agents = new Set(data.calling_cdr.map((c) => c.agent_name).filter(Boolean));
  for (const seed of [1, 2, 3]) {
    const set = buildEvalSet({
      calls: data.calling_cdr,
      customers: data.address_book,
      now,
      tz,
      seed,
    });
    assert.ok(set.items.length >= FAMILY_NAMES.length - 2, JSON.stringify(set.skipped));
    for (const it of set.items) {
      for (const t of it.turns) assert.ok(!publicTurns.has(t), `public wording reused: ${t}`);
      for (const e of it.expect.flat()) {
        if (!e) continue;
        if (e.kind === "number" || e.kind === "percent") assert.ok(Number.isFinite(e.value));
        if (e.kind === "table") {
          assert.ok(Object.keys(e.rows).length > 0);
          for (const v of Object.values(e.rows).flat()) assert.ok(Number.isFinite(v));
        }
        if (e.kind === "report") assert.ok(e.rows > 0);
      }
    }
    // Agent questions name agents of the data.
    const q = item(set.items, "handled_by_agent").turns[0];
    assert.ok([...agents].some((a) => new RegExp(`\\b${a}\\b`).test(q)), q);
  }
});

Deno.test("buildEvalSet: a tie for today's busiest hour asks about yesterday", () => {
  const calls = [
    // Today 10:15 and 11:15: a tie.
    call(1, "2026-03-11T14:15:00Z", ["incoming", "missed", "support", null, A]),
    call(2, "2026-03-11T15:15:00Z", ["incoming", "missed", "support", null, A]),
    // Yesterday 23:10 and 23:50 (both Wednesday in UTC): 23:00 is the busiest.
    call(3, "2026-03-11T03:10:00Z", ["incoming", "missed", "support", null, B]),
    call(4, "2026-03-11T03:50:00Z", ["incoming", "missed", "support", null, B]),
    call(5, "2026-03-10T13:00:00Z", ["incoming", "missed", "support", null, B]),
  ];
  const set = buildEvalSet({ calls, customers: [], now: NOW, tz: TZ });
  assert.match(question(set.items, "busiest_hour"), /yesterday/);
  assert.deepEqual(last(set.items, "busiest_hour"), [
    { kind: "text", any_of: ["23:00", "11 PM", "11pm", "11 pm"] },
    { kind: "number", value: 2, rel_tol: 0.005, abs_tol: 0 },
  ]);
});
