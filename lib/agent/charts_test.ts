import assert from "node:assert/strict";
import { chartFor } from "./charts.ts";
import type { Column } from "../reports/types.ts";

const perf: Column[] = [
  { key: "agent", label: "Agent", type: "string" },
  { key: "calls_handled", label: "Calls handled", type: "integer" },
  { key: "aht_seconds", label: "AHT (s)", type: "seconds", unit: "s" },
];

Deno.test("chartFor draws a ranking as bars of its headline column", () => {
  const chart = chartFor({
    name: "agent_performance",
    kind: "aggregate",
    title: "Agent performance",
    columns: perf,
    rows: [["a", 10, 300], ["b", 7, 250]],
    period: { label: "last week" },
  });
  assert.deepEqual(chart, {
    title: "Agent performance — last week",
    kind: "bar",
    labels: ["a", "b"],
    series: [{ name: "Calls handled", data: [10, 7] }],
    unit: "calls",
  });
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
  assert.deepEqual(chart?.series, [{ name: "AHT (s)", data: [310.5, 250.25] }]);
});
