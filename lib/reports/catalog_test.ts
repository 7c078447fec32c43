import assert from "node:assert/strict";
import { ObjectId } from "bson";
import type { DataClient, Document } from "../data/types.ts";
import { getReport, listReports } from "./catalog.ts";
import { ReportParamError } from "./errors.ts";
import { renderValue, runReport, withLimit } from "./run.ts";
import {
  embeddedClient,
  FIXTURE_CUSTOMERS,
  FIXTURE_NOW,
  FIXTURE_ZONES,
  type FixtureCall,
  fixtureCalls,
  fixtureClient,
  local,
  UNKNOWN_NUMBER,
} from "../../testing/report_fixture.ts";
import type { ReportContext, ReportParams, ReportResult } from "./types.ts";

const CALLS = fixtureCalls();
const VISIBLE = CALLS.filter((c) => c.start_time < FIXTURE_NOW);
const CATALOG_NAMES = [
  "call_list",
  "call_count",
  "call_breakdown",
  "agent_performance",
  "duration_stats",
  "talk_time",
  "handle_time",
  "abandonment_rate",
  "service_level",
  "speed_of_answer",
  "answer_rate",
  "unique_customers",
  "top_customers",
];

const CLIENT: DataClient = await fixtureClient();

function ctxFor(tz: string): ReportContext {
  return { client: CLIENT, tz, now: FIXTURE_NOW };
}

function run(name: string, params: ReportParams, tz: string): Promise<ReportResult> {
  return runReport(name, params, ctxFor(tz));
}

/** Rows as objects keyed by column. */
function objects(r: ReportResult): Record<string, unknown>[] {
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.key, row[i]])));
}

function near(actual: unknown, expected: number | null, what: string): void {
  if (expected === null) return assert.equal(actual, null, what);
  assert.equal(typeof actual, "number", `${what}: ${actual} is not a number`);
  assert.ok(
    Math.abs((actual as number) - expected) <= 0.005 + 1e-9,
    `${what}: expected ${expected}, got ${actual}`,
  );
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const avg = (xs: number[]) => (xs.length ? sum(xs) / xs.length : null);
const pct = (n: number, d: number) => (d ? (100 * n) / d : null);
const answered = (c: FixtureCall) => c.status === "answered";

function groupBy<K>(calls: FixtureCall[], key: (c: FixtureCall) => K): Map<K, FixtureCall[]> {
  const m = new Map<K, FixtureCall[]>();
  for (const c of calls) {
    const k = key(c);
    m.set(k, [...(m.get(k) ?? []), c]);
  }
  return m;
}

function addDays(date: string, n: number): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

const byCity = (c: FixtureCall) =>
  (FIXTURE_CUSTOMERS.find((x) => x.phone === c.customer_number)?.city as string) ?? "(unknown)";

Deno.test("the catalog lists every contract entry with a schema and a description", () => {
  const names = listReports().map((d) => d.name);
  assert.deepEqual([...names].sort(), [...CATALOG_NAMES].sort());
  for (const d of listReports()) {
    assert.equal(getReport(d.name), d);
    assert.ok(d.description.length > 40, `${d.name} has a description`);
    assert.equal((d.parameters as { type: string }).type, "object");
    assert.ok(["listing", "aggregate"].includes(d.kind));
  }
  assert.equal(getReport("no_such_report"), undefined);
});

for (const tz of FIXTURE_ZONES) {
  const today = local(FIXTURE_NOW, tz).date;
  const yesterday = addDays(today, -1);
  const onDay = (day: string) => (c: FixtureCall) => local(c.start_time, tz).date === day;

  Deno.test(`[${tz}] call_list: every call before now, oldest first, ties by _id`, async () => {
    const r = await run("call_list", {}, tz);
    assert.equal(r.kind, "listing");
    assert.equal(r.total_rows, VISIBLE.length);
    assert.ok(CALLS.length > VISIBLE.length, "the fixture has calls at or after now");
    const expected = [...VISIBLE].sort((a, b) =>
      a.start_time.getTime() - b.start_time.getTime() ||
      a._id.toHexString().localeCompare(b._id.toHexString())
    ).slice(0, 10);
    assert.deepEqual(objects(r).map((o) => o.call_id), expected.map((c) => c.call_id));
    const first = objects(r)[0];
    assert.ok(first.start_time instanceof Date);
    assert.equal((first.start_time as Date).getTime(), expected[0].start_time.getTime());
    assert.equal(first.duration_seconds, expected[0].duration_seconds);
    assert.deepEqual(r.summary, { calls: VISIBLE.length });
    assert.deepEqual(r.columns.map((c) => c.key), [
      "start_time",
      "call_id",
      "direction",
      "status",
      "queue",
      "agent_name",
      "customer_number",
      "customer_id",
      "duration_seconds",
      "ring_seconds",
      "talk_seconds",
      "hold_seconds",
      "wrap_up_seconds",
      "disposition",
      "hangup_by",
    ]);
  });

  Deno.test(`[${tz}] call_list: a local day and a direction`, async () => {
    const r = await runReport("call_list", { period: yesterday, direction: "incoming" }, {
      ...ctxFor(tz),
    }, { previewRows: 3 });
    const expected = VISIBLE.filter((c) => onDay(yesterday)(c) && c.direction === "incoming");
    assert.equal(r.total_rows, expected.length);
    assert.equal(r.rows.length, Math.min(3, expected.length));
    assert.ok(r.period, "the period is resolved");
    assert.ok(r.filters.some((f) => f.startsWith("period:")));
    assert.ok(r.filters.includes("direction: incoming"));
    assert.equal(r.title, "Incoming calls");
  });

  Deno.test(`[${tz}] call_count: totals and the split in the summary`, async () => {
    const r = await run("call_count", { period: "yesterday" }, tz);
    const day = VISIBLE.filter(onDay(yesterday));
    assert.deepEqual(r.rows, [[day.length]]);
    assert.equal(r.total_rows, 1);
    assert.deepEqual(r.summary, {
      calls: day.length,
      incoming: day.filter((c) => c.direction === "incoming").length,
      outgoing: day.filter((c) => c.direction === "outgoing").length,
      answered: day.filter(answered).length,
      missed: day.filter((c) => c.status === "missed").length,
      failed: day.filter((c) => c.status === "failed").length,
    });
    const today_ = await run("call_count", { period: "today", status: "abandoned" as never }, tz);
    assert.deepEqual(today_.rows, [[
      VISIBLE.filter((c) => onDay(today)(c) && c.status === "missed").length,
    ]]);
    assert.ok(today_.filters.includes("status: missed"));
  });

  Deno.test(`[${tz}] call_count: no calls still gives one row of zeros`, async () => {
    const r = await run("call_count", { agent: "nobody_here" }, tz);
    assert.deepEqual(r.rows, [[0]]);
    assert.ok(r.filters.includes("agent: nobody_here"));
    assert.equal(r.summary.calls, 0);
  });

  Deno.test(`[${tz}] call_breakdown by local day, hour and weekday`, async () => {
    const cases: [string, (c: FixtureCall) => string | number, (k: string | number) => string][] = [
      ["day", (c) => local(c.start_time, tz).date, (k) => String(k)],
      ["hour", (c) => local(c.start_time, tz).hour, (k) => {
        const h = Number(k);
        return `${String(h).padStart(2, "0")}:00–${String(h + 1).padStart(2, "0")}:00`;
      }],
      ["weekday", (c) =>
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(
          local(c.start_time, tz).weekday,
        ), (k) => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][Number(k)]],
    ];
    for (const [dim, key, label] of cases) {
      const r = await run("call_breakdown", { group_by: dim as never }, tz);
      const groups = [...groupBy(VISIBLE, key).entries()].sort((a, b) =>
        a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0
      );
      assert.deepEqual(
        r.rows,
        groups.map(([k, cs]) => [
          label(k),
          cs.length,
          cs.filter(answered).length,
          cs.filter((c) => c.status === "missed").length,
        ]),
        `group_by ${dim}`,
      );
      assert.equal(r.columns[0].key, dim);
      const most = Math.max(...groups.map(([, cs]) => cs.length));
      assert.equal(r.summary.top_calls, most);
      assert.equal(r.summary.top_key, label(groups.find(([, cs]) => cs.length === most)![0]));
      const fewest = Math.min(...groups.map(([, cs]) => cs.length));
      assert.equal(r.summary.bottom_calls, fewest);
      assert.equal(r.summary.groups, groups.length);
      assert.equal(r.summary.calls, VISIBLE.length);
    }
  });

  Deno.test(`[${tz}] call_breakdown by other dimensions: most calls first`, async () => {
    const cases: [string, (c: FixtureCall) => string][] = [
      ["agent", (c) => c.agent_name ?? "(no agent)"],
      ["queue", (c) => c.queue],
      ["status", (c) => c.status],
      ["direction", (c) => c.direction],
      ["disposition", (c) => c.disposition ?? "(none)"],
      ["customer", (c) => c.customer_number],
      ["city", byCity],
      [
        "segment",
        (c) =>
          (FIXTURE_CUSTOMERS.find((x) => x.phone === c.customer_number)?.segment as string) ??
            "(unknown)",
      ],
    ];
    for (const [dim, key] of cases) {
      const r = await run("call_breakdown", { group_by: dim as never, period: "last 7 days" }, tz);
      const got = new Map(objects(r).map((o) => [o[dim], o.calls]));
      const expected = groupBy(VISIBLE, key);
      assert.equal(got.size, expected.size, `group_by ${dim}: number of groups`);
      for (const [k, cs] of expected) assert.equal(got.get(k), cs.length, `${dim} ${k}`);
      const counts = objects(r).map((o) => o.calls as number);
      assert.deepEqual(counts, [...counts].sort((a, b) => b - a), `${dim} sorted by calls`);
    }
    const limited = await run("call_breakdown", { group_by: "customer", limit: 2 }, tz);
    assert.equal(limited.rows.length, 2);
  });

  Deno.test(`[${tz}] agent_performance: per agent over answered calls`, async () => {
    const r = await run("agent_performance", {}, tz);
    const per = groupBy(VISIBLE.filter((c) => answered(c) && c.agent_name), (c) => c.agent_name!);
    const expected = [...per.entries()].map(([agent, cs]) => ({
      agent,
      calls_handled: cs.length,
      incoming_handled: cs.filter((c) => c.direction === "incoming").length,
      outgoing_answered: cs.filter((c) => c.direction === "outgoing").length,
      total_talk_seconds: sum(cs.map((c) => c.talk_seconds)),
      avg_talk_seconds: avg(cs.map((c) => c.talk_seconds)),
      aht_seconds: avg(cs.map((c) => c.talk_seconds + c.hold_seconds + c.wrap_up_seconds)),
      avg_hold_seconds: avg(cs.map((c) => c.hold_seconds)),
      avg_wrap_up_seconds: avg(cs.map((c) => c.wrap_up_seconds)),
    })).sort((a, b) => b.calls_handled - a.calls_handled || a.agent.localeCompare(b.agent));
    const got = objects(r);
    assert.deepEqual(got.map((o) => o.agent), expected.map((e) => e.agent));
    got.forEach((o, i) => {
      for (const [k, v] of Object.entries(expected[i])) {
        if (typeof v === "string") assert.equal(o[k], v);
        else near(o[k], v, `${expected[i].agent} ${k}`);
      }
    });
    const all = VISIBLE.filter((c) => answered(c) && c.agent_name);
    assert.equal(r.summary.agents, expected.length);
    assert.equal(r.summary.calls_handled, all.length);
    assert.equal(r.summary.total_talk_seconds, sum(all.map((c) => c.talk_seconds)));
    near(
      r.summary.aht_seconds,
      avg(all.map((c) => c.talk_seconds + c.hold_seconds + c.wrap_up_seconds)),
      "overall AHT",
    );
    assert.equal(r.summary.top_agent, expected[0].agent);
    const byAht = [...expected].sort((a, b) => a.aht_seconds! - b.aht_seconds!);
    assert.equal(r.summary.lowest_aht_agent, byAht[0].agent);
    assert.equal(r.summary.highest_aht_agent, byAht[byAht.length - 1].agent);
  });

  Deno.test(`[${tz}] duration_stats and talk_time over answered calls`, async () => {
    const ans = VISIBLE.filter(answered);
    const d = ans.map((c) => c.duration_seconds);
    const r = await run("duration_stats", {}, tz);
    const o = objects(r)[0];
    assert.equal(o.calls, ans.length);
    near(o.avg_duration_seconds, avg(d), "avg duration");
    assert.equal(o.min_duration_seconds, Math.min(...d));
    assert.equal(o.max_duration_seconds, Math.max(...d));
    assert.equal(o.total_duration_seconds, sum(d));
    assert.deepEqual(r.summary, o);

    const byQueue = await run("duration_stats", { group_by: "queue" }, tz);
    for (const row of objects(byQueue)) {
      const cs = ans.filter((c) => c.queue === row.queue);
      assert.equal(row.calls, cs.length);
      assert.equal(row.max_duration_seconds, Math.max(...cs.map((c) => c.duration_seconds)));
    }
    assert.equal(byQueue.summary.calls, ans.length, "the summary stays overall");

    const asha = ans.filter((c) => c.agent_name === "asha");
    const t = await run("talk_time", { agent: "ASHA" }, tz);
    assert.ok(t.filters.includes("agent: asha"));
    assert.equal(t.summary.calls, asha.length);
    assert.equal(t.summary.total_talk_seconds, sum(asha.map((c) => c.talk_seconds)));
    near(t.summary.avg_talk_seconds, avg(asha.map((c) => c.talk_seconds)), "avg talk");
  });

  Deno.test(`[${tz}] abandonment_rate, service_level, speed_of_answer, answer_rate`, async () => {
    const inc = VISIBLE.filter((c) => c.direction === "incoming");
    const missed = inc.filter((c) => c.status === "missed").length;
    const ab = await run("abandonment_rate", { direction: "outgoing" } as ReportParams, tz);
    assert.deepEqual(objects(ab)[0].incoming_calls, inc.length, "direction is forced incoming");
    assert.equal(ab.summary.missed_calls, missed);
    near(ab.summary.abandonment_rate_pct, pct(missed, inc.length), "abandonment");

    const abDay = await run("abandonment_rate", { group_by: "day" }, tz);
    for (const row of objects(abDay)) {
      const cs = inc.filter(onDay(row.day as string));
      near(
        row.abandonment_rate_pct,
        pct(cs.filter((c) => c.status === "missed").length, cs.length),
        `abandonment ${row.day}`,
      );
    }

    for (const threshold of [undefined, 10]) {
      const sl = await run("service_level", { threshold_seconds: threshold }, tz);
      const within = inc.filter((c) => answered(c) && c.ring_seconds <= (threshold ?? 20));
      assert.equal(sl.summary.answered_within_threshold, within.length);
      assert.equal(sl.summary.threshold_seconds, threshold ?? 20);
      near(sl.summary.service_level_pct, pct(within.length, inc.length), "service level");
    }

    const ansInc = inc.filter(answered);
    const asa = await run("speed_of_answer", {}, tz);
    assert.equal(asa.summary.answered_calls, ansInc.length);
    near(asa.summary.asa_seconds, avg(ansInc.map((c) => c.ring_seconds)), "ASA");
    assert.equal(objects(asa)[0].max_ring_seconds, Math.max(...ansInc.map((c) => c.ring_seconds)));

    const out = VISIBLE.filter((c) => c.direction === "outgoing");
    const ar = await run("answer_rate", { direction: "outbound" as never }, tz);
    assert.equal(ar.summary.calls, out.length);
    assert.equal(ar.summary.answered, out.filter(answered).length);
    near(ar.summary.answer_rate_pct, pct(out.filter(answered).length, out.length), "answer rate");
  });

  Deno.test(`[${tz}] handle_time: AHT overall and by queue, local day, hour and agent`, async () => {
    const ans = VISIBLE.filter(answered);
    const handle = (c: FixtureCall) => c.talk_seconds + c.hold_seconds + c.wrap_up_seconds;
    const all = await run("handle_time", { status: "missed" } as ReportParams, tz);
    assert.deepEqual(all.columns.map((c) => c.key), [
      "calls",
      "aht_seconds",
      "avg_talk_seconds",
      "avg_hold_seconds",
      "avg_wrap_up_seconds",
    ]);
    const o = objects(all)[0];
    assert.equal(o.calls, ans.length, "status is forced answered");
    near(o.aht_seconds, avg(ans.map(handle)), "AHT");
    near(o.avg_talk_seconds, avg(ans.map((c) => c.talk_seconds)), "avg talk");
    near(o.avg_hold_seconds, avg(ans.map((c) => c.hold_seconds)), "avg hold");
    near(o.avg_wrap_up_seconds, avg(ans.map((c) => c.wrap_up_seconds)), "avg wrap-up");
    assert.equal(all.summary.calls, ans.length);
    near(all.summary.aht_seconds, avg(ans.map(handle)), "summary AHT");
    assert.equal(all.summary.top_key, undefined, "no leaders without group_by");

    const dims: [string, (c: FixtureCall) => string][] = [
      ["queue", (c) => c.queue],
      ["day", (c) => local(c.start_time, tz).date],
      ["hour", (c) => {
        const h = local(c.start_time, tz).hour;
        return `${String(h).padStart(2, "0")}:00–${String(h + 1).padStart(2, "0")}:00`;
      }],
      ["agent", (c) => c.agent_name ?? "(no agent)"],
    ];
    for (const [dim, key] of dims) {
      const r = await run("handle_time", { group_by: dim as never }, tz);
      const groups = groupBy(ans, key);
      assert.equal(r.rows.length, groups.size, `${dim}: one row per group`);
      for (const row of objects(r)) {
        const cs = groups.get(row[dim] as string)!;
        assert.equal(row.calls, cs.length, `${dim} ${row[dim]} calls`);
        near(row.aht_seconds, avg(cs.map(handle)), `${dim} ${row[dim]} AHT`);
      }
      const ranked = [...groups.entries()].map(([k, cs]) => [k, avg(cs.map(handle))!] as const);
      const hi = Math.max(...ranked.map(([, v]) => v));
      const lo = Math.min(...ranked.map(([, v]) => v));
      assert.equal(r.summary.ranked_by, "aht_seconds");
      near(r.summary.top_value, hi, `${dim} highest AHT`);
      near(r.summary.bottom_value, lo, `${dim} lowest AHT`);
      const topGroup = groups.get(r.summary.top_key as string)!;
      near(avg(topGroup.map(handle)), hi, `${dim} top_key is the highest group`);
      const bottomGroup = groups.get(r.summary.bottom_key as string)!;
      near(avg(bottomGroup.map(handle)), lo, `${dim} bottom_key is the lowest group`);
      assert.equal(r.summary.calls, ans.length, "the summary stays overall");
    }
  });

  Deno.test(`[${tz}] grouped KPIs name their leaders over every group`, async () => {
    const inc = VISIBLE.filter((c) => c.direction === "incoming");
    const ansInc = inc.filter(answered);
    const ans = VISIBLE.filter(answered);
    // [entry, params, KPI column, calls of each group, the KPI of a group]
    const cases: [string, ReportParams, string, FixtureCall[], (cs: FixtureCall[]) => number][] = [
      [
        "abandonment_rate",
        {},
        "abandonment_rate_pct",
        inc,
        (cs) => pct(cs.filter((c) => c.status === "missed").length, cs.length)!,
      ],
      [
        "service_level",
        { threshold_seconds: 15 },
        "service_level_pct",
        inc,
        (cs) => pct(cs.filter((c) => answered(c) && c.ring_seconds <= 15).length, cs.length)!,
      ],
      ["speed_of_answer", {}, "asa_seconds", ansInc, (cs) => avg(cs.map((c) => c.ring_seconds))!],
      [
        "answer_rate",
        {},
        "answer_rate_pct",
        VISIBLE,
        (cs) => pct(cs.filter(answered).length, cs.length)!,
      ],
      ["talk_time", {}, "total_talk_seconds", ans, (cs) => sum(cs.map((c) => c.talk_seconds))],
      [
        "duration_stats",
        {},
        "avg_duration_seconds",
        ans,
        (cs) => avg(cs.map((c) => c.duration_seconds))!,
      ],
      [
        "unique_customers",
        {},
        "unique_customers",
        VISIBLE,
        (cs) => new Set(cs.map((c) => c.customer_number)).size,
      ],
    ];
    const dims: [string, (c: FixtureCall) => string][] = [
      ["queue", (c) => c.queue],
      ["agent", (c) => c.agent_name ?? "(no agent)"],
      ["day", (c) => local(c.start_time, tz).date],
      ["city", byCity],
    ];
    for (const [name, params, kpi, calls, value] of cases) {
      for (const [dim, key] of dims) {
        const what = `${name} by ${dim}`;
        const values = [...groupBy(calls, key).entries()].map(([k, cs]) => ({ k, v: value(cs) }));
        const hi = Math.max(...values.map((g) => g.v));
        const lo = Math.min(...values.map((g) => g.v));
        // All rows, then only one row kept by limit: the leaders stay the same.
        const leaders: unknown[] = [];
        for (const limit of [undefined, 1, 1000]) {
          const r = await run(name, { ...params, group_by: dim as never, limit }, tz);
          const { top_key, top_value, bottom_key, bottom_value } = r.summary;
          leaders.push({ top_key, top_value, bottom_key, bottom_value });
          if (limit === 1) assert.equal(r.rows.length, 1, `${what}: limit keeps one row`);
          assert.equal(r.summary.ranked_by, kpi, what);
          near(r.summary.top_value, hi, `${what} (limit ${limit}): highest`);
          near(r.summary.bottom_value, lo, `${what} (limit ${limit}): lowest`);
          const top = values.find((g) => g.k === r.summary.top_key);
          assert.ok(top, `${what}: top_key ${r.summary.top_key} is a group`);
          near(top.v, hi, `${what}: top_key has the highest value`);
          const bottom = values.find((g) => g.k === r.summary.bottom_key);
          assert.ok(bottom, `${what}: bottom_key ${r.summary.bottom_key} is a group`);
          near(bottom.v, lo, `${what}: bottom_key has the lowest value`);
        }
        // From the rows or from the leaders query, ties go to the same group.
        assert.deepEqual(leaders[2], leaders[0], `${what}: same leaders with a limit`);
      }
    }
  });

  Deno.test(`[${tz}] unique_customers and top_customers`, async () => {
    const inc = VISIBLE.filter((c) => c.direction === "incoming");
    const u = await run("unique_customers", { direction: "incoming" }, tz);
    assert.equal(u.summary.unique_customers, new Set(inc.map((c) => c.customer_number)).size);
    assert.equal(u.summary.calls, inc.length);
    const perDay = await run("unique_customers", { direction: "incoming", group_by: "day" }, tz);
    for (const row of objects(perDay)) {
      const cs = inc.filter(onDay(row.day as string));
      assert.equal(row.unique_customers, new Set(cs.map((c) => c.customer_number)).size);
      assert.equal(row.calls, cs.length);
    }

    const top = await run("top_customers", { limit: 3 }, tz);
    const counts = [...groupBy(VISIBLE, (c) => c.customer_number).entries()]
      .map(([n, cs]) => ({ n, calls: cs.length, cs }))
      .sort((a, b) => b.calls - a.calls || a.n.localeCompare(b.n)).slice(0, 3);
    assert.deepEqual(
      objects(top).map((o) => [o.customer_number, o.calls, o.answered, o.total_talk_seconds]),
      counts.map((e) => [
        e.n,
        e.calls,
        e.cs.filter(answered).length,
        sum(e.cs.map((c) => c.talk_seconds)),
      ]),
    );
    for (const o of objects(top)) {
      const name = FIXTURE_CUSTOMERS.find((c) => c.phone === o.customer_number)?.name ?? null;
      assert.equal(o.customer_name, name);
    }
    assert.equal(top.summary.top_number, counts[0].n);
    assert.equal(top.summary.top_calls, counts[0].calls);
  });
}

const TZ = "Asia/Kolkata";

async function countOf(params: ReportParams): Promise<{ calls: unknown; filters: string[] }> {
  const r = await run("call_count", params, TZ);
  return { calls: r.summary.calls, filters: r.filters };
}

Deno.test("filters: customer by number, with or without the plus", async () => {
  const n = "+919800000003";
  const expected = VISIBLE.filter((c) => c.customer_number === n).length;
  const a = await countOf({ customer: n });
  assert.equal(a.calls, expected);
  assert.ok(a.filters.some((f) => f.includes(n) && f.includes("Meera Shah")), a.filters.join());
  assert.equal((await countOf({ customer: "91 98000 00003" })).calls, expected);
  const unknown = await countOf({ customer: UNKNOWN_NUMBER });
  assert.equal(unknown.calls, VISIBLE.filter((c) => c.customer_number === UNKNOWN_NUMBER).length);
});

Deno.test("filters: customer by name through the address book", async () => {
  const ravi = ["+919800000001", "+919800000002"];
  const exact = await countOf({ customer: "ravi KUMAR" });
  assert.equal(exact.calls, VISIBLE.filter((c) => ravi.includes(c.customer_number)).length);
  assert.ok(exact.filters.some((f) => f.includes("Ravi Kumar")));
  // No exact name "ravi": a substring match finds Ravi Kumar (twice) and Ravindra Jain.
  const sub = await countOf({ customer: "Ravi" });
  const three = [...ravi, "+919800000004"];
  assert.equal(sub.calls, VISIBLE.filter((c) => three.includes(c.customer_number)).length);
  assert.ok(sub.filters.some((f) => f.includes("Ravindra Jain") && f.includes("Ravi Kumar")));
  const none = await countOf({ customer: "Nobody Atall" });
  assert.equal(none.calls, 0);
  assert.ok(none.filters.some((f) => f.includes("Nobody Atall")));
});

Deno.test("filters: city and segment through the address book", async () => {
  const phonesWhere = (k: string, v: string) =>
    FIXTURE_CUSTOMERS.filter((c) => c[k] === v).map((c) => c.phone as string);
  const mumbai = phonesWhere("city", "Mumbai");
  const r = await countOf({ city: "mumbai" });
  assert.equal(r.calls, VISIBLE.filter((c) => mumbai.includes(c.customer_number)).length);
  assert.ok(r.filters.some((f) => f.startsWith("city: mumbai") && f.includes("2 customers")));
  const vip = phonesWhere("segment", "vip");
  const s = await countOf({ segment: "VIP", direction: "incoming" });
  assert.equal(
    s.calls,
    VISIBLE.filter((c) => vip.includes(c.customer_number) && c.direction === "incoming").length,
  );
  assert.equal((await countOf({ city: "Atlantis" })).calls, 0);
});

Deno.test("filters: agent, queue, disposition, status list, case-insensitive", async () => {
  const bruno = await countOf({ agent: " Bruno " });
  assert.equal(bruno.calls, VISIBLE.filter((c) => c.agent_name === "bruno").length);
  assert.ok(bruno.filters.includes("agent: bruno"));
  const billing = await countOf({ queue: "BILLING" });
  assert.equal(billing.calls, VISIBLE.filter((c) => c.queue === "billing").length);
  assert.ok(billing.filters.includes("queue: BILLING"));
  const sale = await countOf({ disposition: "Sale" });
  assert.equal(sale.calls, VISIBLE.filter((c) => c.disposition === "sale").length);
  const two = await countOf({ status: ["missed", "failed"] });
  assert.equal(two.calls, VISIBLE.filter((c) => ["missed", "failed"].includes(c.status)).length);
  const unknownQueue = await countOf({ queue: "no-such-queue" });
  assert.equal(unknownQueue.calls, 0);
  assert.ok(unknownQueue.filters.includes("queue: no-such-queue"));
});

Deno.test("filters: a range of days includes both ends and stops at now", async () => {
  const tz = "America/New_York";
  const days = ["2026-10-31", "2026-11-01"];
  const r = await run("call_count", { period: "from 2026-10-31 to 2026-11-01" }, tz);
  assert.equal(
    r.summary.calls,
    VISIBLE.filter((c) => days.includes(local(c.start_time, tz).date)).length,
  );
  const future = await run("call_count", { period: "2026-11-03" }, tz);
  assert.equal(future.summary.calls, 0, "calls after now never count");
});

Deno.test("invalid parameters raise a ReportParamError that says what is wrong", async () => {
  const bad: [string, Record<string, unknown>, string | null, RegExp][] = [
    ["call_count", { period: "when pigs fly" }, "period", /period "when pigs fly"/],
    ["call_count", { direction: "sideways" }, "direction", /direction "sideways"/],
    ["call_count", { status: ["answered", "exploded"] }, "status", /status "exploded"/],
    ["call_breakdown", { group_by: "planet" }, "group_by", /grouping "planet"/],
    ["call_breakdown", {}, "group_by", /needs group_by/],
    ["top_customers", { limit: 0 }, "limit", /limit/],
    ["top_customers", { limit: 5000 }, "limit", /limit/],
    ["no_such_report", {}, null, /Unknown report "no_such_report"/],
  ];
  for (const [name, params, param, message] of bad) {
    await assert.rejects(
      () => run(name, params as ReportParams, TZ),
      (e) => e instanceof ReportParamError && e.param === param && message.test(e.message),
      `${name} ${JSON.stringify(params)}`,
    );
  }
});

Deno.test("renderValue writes values for people, in the business zone", () => {
  const col = (type: string) => ({ key: "x", label: "X", type }) as never;
  assert.equal(renderValue(265, col("seconds"), TZ), "4m 25s");
  assert.equal(renderValue(13.8175, col("seconds"), TZ), "13.82s");
  assert.equal(renderValue(193039, col("seconds"), TZ), "53h 37m 19s");
  assert.equal(renderValue(9.9, col("percent"), TZ), "9.90%");
  assert.equal(renderValue(48551, col("integer"), TZ), "48,551");
  assert.equal(
    renderValue(new Date("2026-11-24T08:35:00Z"), col("datetime"), TZ),
    "2026-11-24 14:05",
  );
  assert.equal(
    renderValue("2026-11-01T06:30:00Z", col("datetime"), "America/New_York"),
    "2026-11-01 01:30",
  );
  assert.equal(renderValue(null, col("string"), TZ), "—");
  assert.equal(renderValue("sales", col("string"), TZ), "sales");
});

Deno.test("withLimit puts a preview's $limit right after the sort when it can", () => {
  const match = { $match: { a: 1 } };
  const sort = { $sort: { start_time: 1, _id: 1 } };
  const project = { $project: { _id: 0, a: 1 } };
  assert.deepEqual(withLimit([match, sort, project], 5), [match, sort, { $limit: 5 }, project]);
  const group = { $group: { _id: "$a", n: { $sum: 1 } } };
  assert.deepEqual(withLimit([match, sort, group], 5), [match, sort, group, { $limit: 5 }]);
  assert.deepEqual(withLimit([match], 5), [match, { $limit: 5 }]);
});

Deno.test("rates and averages are rounded to 2 decimals as MongoDB's $round does", async () => {
  const start = new Date("2026-11-02T10:00:00Z").getTime();
  const call = (i: number, direction: string, status: string, talk = 0): Document => ({
    _id: new ObjectId(i.toString(16).padStart(24, "0")),
    call_id: `R${i}`,
    direction,
    status,
    queue: "support",
    agent_name: status === "answered" ? "asha" : null,
    customer_number: "+919800000009",
    start_time: new Date(start + i * 60_000),
    ring_seconds: 5,
    talk_seconds: talk,
    hold_seconds: 0,
    wrap_up_seconds: 0,
    duration_seconds: talk + 5,
  });
  const runOn = async (docs: Document[], name: string) => {
    const client = await embeddedClient({ calling_cdr: docs, address_book: [] });
    return await runReport(name, {}, { client, tz: TZ, now: FIXTURE_NOW });
  };
  // 13 missed of 44 incoming: 29.5454…% → 29.55 (mingo's own $round gives 29.54).
  const incoming = Array.from(
    { length: 44 },
    (_, i) => call(i, "incoming", i < 13 ? "missed" : "answered", 10),
  );
  assert.equal((await runOn(incoming, "abandonment_rate")).summary.abandonment_rate_pct, 29.55);
  // Handle times 13 ×7 and 14: 13.125 exactly, a tie that goes to the even 13.12.
  // 8 answered of 12 outgoing: 66.666…% → 66.67.
  const outgoing = [
    ...Array.from({ length: 8 }, (_, i) => call(i, "outgoing", "answered", i === 7 ? 14 : 13)),
    ...Array.from({ length: 4 }, (_, i) => call(8 + i, "outgoing", "busy")),
  ];
  assert.equal((await runOn(outgoing, "handle_time")).summary.aht_seconds, 13.12);
  assert.equal((await runOn(outgoing, "answer_rate")).summary.answer_rate_pct, 66.67);
});

Deno.test("empty aggregates: averages are null, counts zero", async () => {
  const r = await run("duration_stats", { agent: "nobody_here" }, TZ);
  assert.deepEqual(r.rows, [[0, null, null, null, 0]]);
  const s = await run("service_level", { queue: "nowhere" }, TZ);
  assert.equal(s.summary.service_level_pct, null);
  assert.equal(s.summary.incoming_calls, 0);
});
