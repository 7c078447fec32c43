import assert from "node:assert/strict";
import { axisLabel, chartFor, metricName } from "./charts.ts";
import { presentResult } from "./presentation.ts";
import type { Column } from "../reports/types.ts";

const perf: Column[] = [
  { key: "agent", label: "Agent", type: "string" },
  { key: "calls_handled", label: "Calls handled", type: "integer" },
  { key: "aht_seconds", label: "AHT (s)", type: "seconds", unit: "s" },
];

Deno.test("chartFor draws a ranking as bars of its headline column, with axis titles", () => {
  const chart = chartFor({
    name: "agent_performance",
    kind: "aggregate",
    title: "Agent performance",
    columns: perf,
    rows: [["a", 10, 300], ["b", 7, 250]],
    period: { label: "last week" },
  });
  assert.deepEqual(chart, {
    title: "Calls handled by agent — last week",
    kind: "bar",
    labels: ["a", "b"],
    series: [{ name: "Calls handled", data: [10, 7] }],
    unit: "calls",
    y_label: "Calls handled",
    x_label: "Agent",
  });
});

Deno.test("chartFor draws the metric asked: an AHT ranking charts AHT in m:ss, highest first", () => {
  const now = new Date("2026-11-24T09:00:00Z");
  const result = {
    name: "agent_performance",
    kind: "aggregate" as const,
    title: "Agent performance",
    columns: perf,
    rows: [["a", 10, 300], ["b", 7, 410.5], ["c", 3, null]],
    total_rows: 3,
  };
  const view = presentResult(result, {
    sort: { key: "aht_seconds", order: "desc" },
    now,
    tz: "UTC",
  });
  const chart = chartFor(result, undefined, view);
  assert.deepEqual(chart?.labels, ["b", "a", "c"]);
  assert.deepEqual(chart?.series, [{ name: "AHT", data: [410.5, 300, null] }]);
  assert.equal(chart?.unit, "s");
  assert.equal(chart?.y_label, "AHT (m:ss)");
  assert.equal(chart?.title, "AHT by agent");
});

Deno.test("chartFor prefers the rate of a grouped KPI and skips plain results", () => {
  const cols: Column[] = [
    { key: "queue", label: "Queue", type: "string" },
    { key: "incoming_calls", label: "Incoming calls", type: "integer" },
    { key: "abandonment_rate_pct", label: "Abandonment rate (%)", type: "percent", unit: "%" },
  ];
  const rows = [["sales", 100, 5.5], ["support", 80, null]];
  const base = {
    name: "abandonment_rate",
    kind: "aggregate" as const,
    title: "Abandonment",
    columns: cols,
    rows,
  };
  const chart = chartFor(base, "queue");
  assert.equal(chart?.kind, "bar");
  assert.deepEqual(chart?.series[0].data, [5.5, null]);
  assert.equal(chart?.unit, "%");
  assert.equal(chart?.y_label, "Abandonment rate (%)");
  assert.equal(chartFor(base), null, "no group_by: no chart");
  assert.equal(chartFor({ ...base, rows: [rows[0]] }, "queue"), null, "one row: no chart");
  assert.equal(chartFor({ ...base, kind: "listing" }, "queue"), null);
});

Deno.test("chartFor draws handle time by queue on AHT, not on the call count", () => {
  const cols: Column[] = [
    { key: "queue", label: "Queue", type: "string" },
    { key: "calls", label: "Calls", type: "integer" },
    { key: "aht_seconds", label: "AHT (s)", type: "seconds", unit: "s" },
  ];
  const chart = chartFor({
    name: "handle_time",
    kind: "aggregate",
    title: "Handle time",
    columns: cols,
    rows: [["sales", 120, 310.5], ["support", 300, 250.25]],
  }, "queue");
  assert.deepEqual(chart?.series, [{ name: "AHT", data: [310.5, 250.25] }]);
});

Deno.test("chartFor keeps a day series in time order and flags today as partial", () => {
  const cols: Column[] = [
    { key: "day", label: "Day", type: "string" },
    { key: "calls", label: "Calls", type: "integer" },
  ];
  const result = {
    name: "call_breakdown",
    kind: "aggregate" as const,
    title: "Calls by day",
    columns: cols,
    rows: [["2026-11-22", 50], ["2026-11-23", 80], ["2026-11-24", 20]],
    total_rows: 3,
    period: {
      label: "last 3 days",
      start: new Date("2026-11-21T18:30:00Z"),
      end: new Date("2026-11-24T09:00:00Z"),
    },
  };
  const view = presentResult(result, {
    groupBy: "day",
    sort: { key: "calls", order: "desc" },
    now: new Date("2026-11-24T09:00:00Z"),
    tz: "Asia/Kolkata",
  });
  assert.deepEqual(view.rows.map((r) => r[0]), ["2026-11-23", "2026-11-22", "2026-11-24"]);
  const chart = chartFor(result, "day", view);
  assert.equal(chart?.kind, "line");
  assert.deepEqual(chart?.labels, ["2026-11-22", "2026-11-23", "2026-11-24"]);
  assert.deepEqual(chart?.partial, [false, false, true]);
});

Deno.test("metricName and axisLabel say the metric and how its numbers read", () => {
  assert.equal(metricName({ label: "ASA (s)" }), "ASA");
  assert.equal(metricName({ label: "Service level (%)" }), "Service level");
  assert.equal(metricName({ label: "Calls" }), "Calls");
  assert.equal(axisLabel("ASA", "s"), "ASA (m:ss)");
  assert.equal(axisLabel("Calls", "calls"), "Calls");
});
