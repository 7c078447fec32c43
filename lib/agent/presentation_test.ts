import assert from "node:assert/strict";
import type { Column, ResolvedPeriod } from "../reports/types.ts";
import {
  compareCells,
  focusIndex,
  isRunning,
  presentResult,
  readSortArgs,
  sortRows,
} from "./presentation.ts";

const perf: Column[] = [
  { key: "agent", label: "Agent", type: "string" },
  { key: "calls_handled", label: "Calls handled", type: "integer" },
  { key: "incoming_handled", label: "Incoming handled", type: "integer" },
  { key: "total_talk_seconds", label: "Total talk (s)", type: "seconds", unit: "s" },
  { key: "aht_seconds", label: "AHT (s)", type: "seconds", unit: "s" },
];
const perfRows = [
  ["ann", 30, 20, 9000, 300.5],
  ["bob", 25, 20, 9100, 364.1],
  ["cat", 12, 8, 2000, 166.7],
];
const NOW = new Date("2026-11-24T09:00:00Z");
const TZ = "Asia/Kolkata";

function perfResult(rows = perfRows, total = rows.length) {
  return {
    name: "agent_performance",
    kind: "aggregate" as const,
    columns: perf,
    rows,
    total_rows: total,
  };
}

Deno.test("an AHT ranking: AHT right after the name, rows highest AHT first", () => {
  const p = presentResult(perfResult(), {
    sort: { key: "aht_seconds", order: "desc" },
    now: NOW,
    tz: TZ,
  });
  assert.deepEqual(p.columns.map((c) => c.key), [
    "agent",
    "aht_seconds",
    "calls_handled",
    "incoming_handled",
    "total_talk_seconds",
  ]);
  assert.deepEqual(p.rows.map((r) => r[0]), ["bob", "ann", "cat"]);
  assert.deepEqual(p.rows[0], ["bob", 364.1, 25, 20, 9100], "cells follow the columns");
  assert.deepEqual(p.sort, { column: 1, order: "desc" });
  assert.equal(p.focus, 1);
  assert.equal(p.resorted, true);
});

Deno.test("the lowest asked for sorts ascending; without a sort the entry's metric leads", () => {
  const low = presentResult(perfResult(), {
    sort: { key: "aht_seconds", order: "asc" },
    now: NOW,
    tz: TZ,
  });
  assert.deepEqual(low.rows.map((r) => r[0]), ["cat", "ann", "bob"]);
  const plain = presentResult(perfResult(), { now: NOW, tz: TZ });
  assert.equal(plain.columns[1].key, "calls_handled");
  assert.deepEqual(plain.rows.map((r) => r[0]), ["ann", "bob", "cat"]);
  assert.equal(plain.resorted, false, "already in calls order");
});

Deno.test("a grouped KPI is sorted by its metric; a cut result keeps its order", () => {
  const cols: Column[] = [
    { key: "queue", label: "Queue", type: "string" },
    { key: "incoming_calls", label: "Incoming calls", type: "integer" },
    { key: "missed_calls", label: "Missed calls", type: "integer" },
    { key: "abandonment_rate_pct", label: "Abandonment rate (%)", type: "percent" },
  ];
  const rows = [["sales", 100, 5, 5], ["support", 80, 16, 20], ["billing", 10, null, null]];
  const base = { name: "abandonment_rate", kind: "aggregate" as const, columns: cols, rows };
  const p = presentResult({ ...base, total_rows: 3 }, { groupBy: "queue", now: NOW, tz: TZ });
  assert.equal(p.columns[1].key, "abandonment_rate_pct");
  assert.deepEqual(p.rows.map((r) => r[0]), ["support", "sales", "billing"], "missing last");
  const cut = presentResult({ ...base, total_rows: 40 }, { groupBy: "queue", now: NOW, tz: TZ });
  assert.deepEqual(cut.rows.map((r) => r[0]), ["sales", "support", "billing"]);
  assert.equal(cut.sort, undefined, "no claim about the order of a cut result");
});

Deno.test("a day series stays in time order; today's row is partial", () => {
  const cols: Column[] = [
    { key: "day", label: "Day", type: "string" },
    { key: "calls", label: "Calls", type: "integer" },
  ];
  const period: ResolvedPeriod = {
    start: new Date("2026-11-17T18:30:00Z"),
    end: NOW,
    label: "last 7 days",
  };
  const result = {
    name: "call_breakdown",
    kind: "aggregate" as const,
    columns: cols,
    rows: [["2026-11-22", 9], ["2026-11-23", 12], ["2026-11-24", 3]],
    total_rows: 3,
    period,
  };
  const p = presentResult(result, { groupBy: "day", now: NOW, tz: TZ });
  assert.deepEqual(p.rows.map((r) => r[0]), ["2026-11-22", "2026-11-23", "2026-11-24"]);
  assert.deepEqual(p.sort, { column: 0, order: "asc" });
  assert.deepEqual(p.partial_rows, [2]);
  assert.equal(p.so_far, true);
  const yesterday: ResolvedPeriod = {
    start: new Date("2026-11-22T18:30:00Z"),
    end: new Date("2026-11-23T18:30:00Z"),
    label: "yesterday",
  };
  const done = presentResult({ ...result, rows: [["2026-11-23", 12]], period: yesterday }, {
    groupBy: "day",
    now: NOW,
    tz: TZ,
  });
  assert.deepEqual(done.partial_rows, []);
  assert.equal(done.so_far, false);
  // The same instant read in another zone is another local day.
  const early = new Date("2026-11-24T02:00:00Z");
  const la = presentResult({ ...result, period: undefined }, {
    groupBy: "day",
    now: early,
    tz: "America/Los_Angeles",
  });
  assert.deepEqual(la.partial_rows, [1], "18:00 on 23 Nov in Los Angeles");
  const kolkata = presentResult({ ...result, period: undefined }, {
    groupBy: "day",
    now: early,
    tz: TZ,
  });
  assert.deepEqual(kolkata.partial_rows, [2], "07:30 on 24 Nov in Kolkata");
});

Deno.test("the current hour is partial when the period is today; weekdays within a week", () => {
  const cols: Column[] = [
    { key: "hour", label: "Hour", type: "string" },
    { key: "calls", label: "Calls", type: "integer" },
  ];
  const today: ResolvedPeriod = {
    start: new Date("2026-11-23T18:30:00Z"),
    end: NOW,
    label: "today",
  };
  const rows = [["13:00–14:00", 5], ["14:00–15:00", 2]];
  const base = { name: "call_breakdown", kind: "aggregate" as const, columns: cols, rows };
  // 09:00Z is 14:30 in Kolkata.
  const p = presentResult({ ...base, total_rows: 2, period: today }, {
    groupBy: "hour",
    now: NOW,
    tz: TZ,
  });
  assert.deepEqual(p.partial_rows, [1]);
  const week: ResolvedPeriod = {
    start: new Date("2026-11-17T18:30:00Z"),
    end: NOW,
    label: "last 7 days",
  };
  const multi = presentResult({ ...base, total_rows: 2, period: week }, {
    groupBy: "hour",
    now: NOW,
    tz: TZ,
  });
  assert.deepEqual(multi.partial_rows, [], "an hour of day over many days is not one period");
  const wd = presentResult({
    ...base,
    columns: [{ key: "weekday", label: "Weekday", type: "string" }, cols[1]],
    rows: [["Mon", 5], ["Tue", 3]],
    total_rows: 2,
    period: week,
  }, { groupBy: "weekday", now: NOW, tz: TZ });
  assert.deepEqual(wd.partial_rows, [1], "24 Nov 2026 is a Tuesday");
});

Deno.test("isRunning: a period cut at now is running, a past one is not", () => {
  const opts = { now: NOW, tz: TZ };
  assert.equal(isRunning({ start: new Date(0), end: NOW, label: "this month" }, opts), true);
  assert.equal(
    isRunning({ start: new Date(0), end: new Date("2026-11-23T18:30:00Z"), label: "x" }, opts),
    false,
  );
  assert.equal(isRunning(undefined, opts), false);
  const midnight = new Date("2026-11-23T18:30:00Z");
  assert.equal(
    isRunning({ start: new Date(0), end: midnight, label: "this week" }, {
      now: midnight,
      tz: TZ,
    }),
    false,
    "at local midnight nothing of today is in it",
  );
});

Deno.test("listings keep their columns; a sort asked for is reported, rows as read", () => {
  const cols: Column[] = [
    { key: "start_time", label: "Start time", type: "datetime" },
    { key: "call_id", label: "Call ID", type: "string" },
    { key: "duration_seconds", label: "Duration (s)", type: "seconds" },
  ];
  const rows = [["a", "C1", 5], ["b", "C2", 50]];
  const result = { name: "call_list", kind: "listing" as const, columns: cols, rows };
  const p = presentResult({ ...result, total_rows: 500 }, { now: NOW, tz: TZ });
  assert.deepEqual(p.columns, cols);
  assert.deepEqual(p.sort, { column: 0, order: "asc" });
  const s = presentResult({ ...result, total_rows: 500 }, {
    sort: { key: "duration_seconds", order: "desc" },
    now: NOW,
    tz: TZ,
  });
  assert.deepEqual(s.rows, rows, "a preview read in the asked order is not re-sorted");
  assert.deepEqual(s.sort, { column: 2, order: "desc" });
});

Deno.test("readSortArgs validates the column and reads the direction", () => {
  assert.equal(readSortArgs(undefined, undefined, perf), null);
  assert.deepEqual(readSortArgs("aht_seconds", undefined, perf), {
    key: "aht_seconds",
    order: "desc",
  });
  assert.deepEqual(readSortArgs("aht_seconds", "asc", perf), { key: "aht_seconds", order: "asc" });
  assert.throws(() => readSortArgs("csat", "desc", perf), /Cannot sort by "csat"/);
  assert.throws(() => readSortArgs("aht_seconds", "sideways", perf), /Invalid sort_order/);
});

Deno.test("focusIndex, compareCells and sortRows", () => {
  assert.equal(focusIndex("agent_performance", perf), 1);
  assert.equal(focusIndex("agent_performance", perf, { key: "aht_seconds", order: "asc" }), 4);
  assert.equal(focusIndex("agent_performance", perf, { key: "agent", order: "asc" }), 1);
  assert.ok(compareCells(2, 10) < 0);
  assert.ok(compareCells("agent2", "agent10") < 0, "numbers inside text read as numbers");
  assert.ok(compareCells(null, 1) > 0 && compareCells(null, 1, "desc") > 0, "missing last");
  const rows = [["x", 2], ["y", 1], ["z", 2]];
  assert.deepEqual(sortRows(rows, 1, "desc").map((r) => r[0]), ["x", "z", "y"], "stable");
});
