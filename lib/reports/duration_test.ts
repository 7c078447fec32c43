import assert from "node:assert/strict";
import { EJSON } from "bson";
import { Writable } from "node:stream";
import type { DataClient, Document } from "../data/types.ts";
import { getReport, listReports } from "./catalog.ts";
import { ReportParamError } from "./errors.ts";
import { exportReport } from "./excel.ts";
import { durationLabel, formatSeconds } from "./filters.ts";
import { parseDurationRange } from "./params.ts";
import { runReport } from "./run.ts";
import { reportMetaFromCompiled } from "./save.ts";
import {
  FIXTURE_NOW,
  type FixtureCall,
  fixtureCalls,
  fixtureClient,
  local,
} from "../../testing/report_fixture.ts";
import type { DurationRange, ReportParams, ReportResult } from "./types.ts";

const TZ = "Asia/Kolkata";
const VISIBLE = fixtureCalls().filter((c) => c.start_time < FIXTURE_NOW);
const CLIENT: DataClient = await fixtureClient();

function run(name: string, params: ReportParams): Promise<ReportResult> {
  return runReport(name, params, { client: CLIENT, tz: TZ, now: FIXTURE_NOW });
}

function objects(r: ReportResult): Record<string, unknown>[] {
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.key, row[i]])));
}

/** The plain filter a range means, over the fixture's documents. */
function inRange(range: DurationRange): (c: FixtureCall) => boolean {
  return (c) => {
    const d = c.duration_seconds;
    return (range.gt === undefined || d > range.gt) &&
      (range.gte === undefined || d >= range.gte) &&
      (range.lt === undefined || d < range.lt) &&
      (range.lte === undefined || d <= range.lte);
  };
}

const answered = (c: FixtureCall) => c.status === "answered";
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

const RANGES: DurationRange[] = [
  { gt: 300 },
  { lt: 30 },
  { gte: 60, lte: 180 },
  { gte: 45 },
  { lte: 45 },
  { gt: 10_000 },
];

Deno.test("durationLabel and formatSeconds write ranges for people", () => {
  assert.equal(durationLabel({ gt: 600 }), "> 10 min");
  assert.equal(durationLabel({ lt: 30 }), "< 30 s");
  assert.equal(durationLabel({ gte: 60, lte: 180 }), "≥ 1 min and ≤ 3 min");
  assert.equal(durationLabel({ lte: 185, gt: 0 }), "> 0 s and ≤ 3 min 5 s");
  assert.equal(formatSeconds(0), "0 s");
  assert.equal(formatSeconds(59), "59 s");
  assert.equal(formatSeconds(60), "1 min");
  assert.equal(formatSeconds(125), "2 min 5 s");
  assert.equal(formatSeconds(3600), "60 min");
});

Deno.test("every catalog entry accepts duration, with its schema", () => {
  for (const d of listReports()) {
    const props = (d.parameters as { properties: Record<string, Record<string, unknown>> })
      .properties;
    assert.ok(props.duration, `${d.name} accepts duration`);
    assert.equal(props.duration.type, "object");
    assert.match(String(props.duration.description), /\{gt: 600\} for longer than 10 minutes/);
  }
});

Deno.test("duration: call_count and call_list count exactly the calls in range", async () => {
  for (const range of RANGES) {
    const expected = VISIBLE.filter(inRange(range));
    const r = await run("call_count", { duration: range });
    assert.equal(r.summary.calls, expected.length, JSON.stringify(range));
    assert.equal(
      r.summary.answered,
      expected.filter(answered).length,
      `${JSON.stringify(range)} answered`,
    );
    assert.ok(r.filters.includes(`duration: ${durationLabel(range)}`), r.filters.join());
    const list = await run("call_list", { duration: range });
    assert.equal(list.total_rows, expected.length, `call_list ${JSON.stringify(range)}`);
  }
  // Something in range, something out of it: the test means something.
  const long = VISIBLE.filter(inRange({ gt: 300 })).length;
  assert.ok(long > 0 && long < VISIBLE.length);
});

Deno.test("duration: combined with other filters and a period", async () => {
  const range = { gte: 60 };
  const day = local(new Date(FIXTURE_NOW.getTime() - 86_400_000), TZ).date;
  const expected = VISIBLE.filter((c) =>
    inRange(range)(c) && c.direction === "incoming" && local(c.start_time, TZ).date === day
  );
  const r = await run("call_count", { duration: range, direction: "incoming", period: day });
  assert.equal(r.summary.calls, expected.length);
  const asha = VISIBLE.filter((c) => inRange({ lt: 200 })(c) && c.agent_name === "asha");
  assert.equal(
    (await run("call_count", { duration: { lt: 200 }, agent: "asha" })).summary.calls,
    asha.length,
  );
});

Deno.test("duration: breakdowns, agent performance and the KPIs are exact", async () => {
  const range = { gt: 200 };
  const calls = VISIBLE.filter(inRange(range));
  const ans = calls.filter(answered);

  const byAgent = await run("call_breakdown", { duration: range, group_by: "agent" });
  for (const row of objects(byAgent)) {
    assert.equal(
      row.calls,
      calls.filter((c) => (c.agent_name ?? "(no agent)") === row.agent).length,
      `breakdown ${row.agent}`,
    );
  }
  assert.equal(sum(objects(byAgent).map((o) => o.calls as number)), calls.length);
  assert.equal(byAgent.summary.calls, calls.length);

  const perf = await run("agent_performance", { duration: range });
  for (const row of objects(perf)) {
    const cs = ans.filter((c) => c.agent_name === row.agent);
    assert.equal(row.calls_handled, cs.length, `performance ${row.agent}`);
    assert.equal(row.total_talk_seconds, sum(cs.map((c) => c.talk_seconds)));
  }

  const stats = await run("duration_stats", { duration: range });
  assert.equal(stats.summary.calls, ans.length);
  assert.equal(stats.summary.min_duration_seconds, Math.min(...ans.map((c) => c.duration_seconds)));
  assert.equal(stats.summary.total_duration_seconds, sum(ans.map((c) => c.duration_seconds)));

  const talk = await run("talk_time", { duration: range });
  assert.equal(talk.summary.total_talk_seconds, sum(ans.map((c) => c.talk_seconds)));
  const aht = await run("handle_time", { duration: range });
  assert.equal(aht.summary.calls, ans.length);

  const inc = VISIBLE.filter((c) => c.direction === "incoming" && inRange({ lt: 40 })(c));
  const ab = await run("abandonment_rate", { duration: { lt: 40 } });
  assert.equal(ab.summary.incoming_calls, inc.length);
  assert.equal(ab.summary.missed_calls, inc.filter((c) => c.status === "missed").length);

  const u = await run("unique_customers", { duration: range });
  assert.equal(u.summary.unique_customers, new Set(calls.map((c) => c.customer_number)).size);
  const top = await run("top_customers", { duration: range, limit: 100 });
  assert.equal(sum(objects(top).map((o) => o.calls as number)), calls.length);
});

Deno.test("duration: the title says it in words", async () => {
  const r = await run("call_list", { duration: { gt: 600 }, direction: "incoming" });
  assert.equal(r.title, "Incoming calls, duration over 10 min");
  const b = await run("call_count", { duration: { gte: 60, lte: 180 } });
  assert.equal(b.title, "Number of calls, duration at least 1 min and at most 3 min");
});

Deno.test("duration: bad ranges raise a ReportParamError that says what is wrong", async () => {
  const bad: [unknown, RegExp][] = [
    [{}, /at least one bound/],
    [{ gt: null }, /at least one bound/],
    [{ gt: -1 }, /bound "gt" must be a whole number/],
    [{ lt: 1.5 }, /bound "lt" must be a whole number/],
    [{ gt: "ten" }, /bound "gt" must be a whole number/],
    [{ gt: 10, gte: 5 }, /"gt" or "gte", not both/],
    [{ lt: 10, lte: 5 }, /"lt" or "lte", not both/],
    [{ gt: 600, lt: 300 }, /empty range/],
    [{ gt: 10, lt: 11 }, /empty range/],
    [{ lt: 0 }, /empty range/],
    [{ more_than: 3 }, /unknown bound "more_than"/],
    ["long", /must be an object/],
    [[600], /must be an object/],
  ];
  for (const [duration, message] of bad) {
    await assert.rejects(
      () => run("call_count", { duration } as unknown as ReportParams),
      (e) =>
        e instanceof ReportParamError && e.param === "duration" && message.test(e.message) &&
        /\{"gt": 600\}/.test(e.message),
      JSON.stringify(duration),
    );
  }
  // Digits are read as numbers; the range is kept in bound order.
  assert.deepEqual(parseDurationRange({ lte: "180", gte: 60 }), { gte: 60, lte: 180 });
  assert.deepEqual(parseDurationRange({ gt: 10, lt: 12 }), { gt: 10, lt: 12 });
});

Deno.test("duration: a saved report keeps the filter through the EJSON round trip", async () => {
  const params: ReportParams = { duration: { gte: 60, lte: 180 }, direction: "incoming" };
  const compiled = await getReport("call_list")!.compile(params, {
    client: CLIENT,
    tz: TZ,
    now: FIXTURE_NOW,
  });
  const meta = reportMetaFromCompiled(compiled, { owner: "u1", rows: 0, params, tz: TZ });
  assert.deepEqual(meta.params, params);
  assert.ok(meta.filters.includes("duration: ≥ 1 min and ≤ 3 min"));
  const pipeline = EJSON.parse(meta.pipeline_ejson) as Document[];
  assert.deepEqual(pipeline, compiled.pipeline);
  const res = await CLIENT.aggregate(meta.collection, [...pipeline, { $count: "n" }]);
  const expected = VISIBLE.filter((c) =>
    inRange({ gte: 60, lte: 180 })(c) && c.direction === "incoming"
  );
  assert.equal(res.documents[0]?.n ?? 0, expected.length);
  // The Excel file holds the same rows.
  const sink = new Writable({ write: (_chunk, _enc, cb) => cb() });
  assert.equal((await exportReport(meta, CLIENT, sink)).rows, expected.length);
});
