import assert from "node:assert/strict";
import { resolvePeriod } from "../time/periods.ts";
import {
  addableFilters,
  applyChange,
  dateRangePeriod,
  PERIOD_PRESETS,
  readDateRange,
  readingReport,
  valuesOf,
} from "./pickers.ts";

const NOW = new Date("2026-11-24T09:00:00Z");

Deno.test("every period preset is a period the catalog reads (or all data)", () => {
  for (const p of PERIOD_PRESETS) {
    if (p.value === "") continue;
    const r = resolvePeriod(p.value, { tz: "Asia/Kolkata", now: NOW });
    assert.ok(r, `"${p.value}" is read`);
    assert.ok(r.start < r.end && r.start <= NOW, p.value);
  }
  assert.ok(PERIOD_PRESETS.some((p) => p.value === ""), "all data is offered");
});

Deno.test("a date range is written so the period reader takes both days", () => {
  const text = dateRangePeriod("2026-11-02", "2026-11-08")!;
  assert.equal(text, "from 2026-11-02 to 2026-11-08");
  const r = resolvePeriod(text, { tz: "Asia/Kolkata", now: NOW })!;
  assert.equal(r.start.toISOString(), "2026-11-01T18:30:00.000Z");
  assert.equal(r.end.toISOString(), "2026-11-08T18:30:00.000Z");
  assert.equal(dateRangePeriod("2026-11-05", "2026-11-05"), "2026-11-05");
  assert.equal(dateRangePeriod("2026-11-08", "2026-11-02"), null, "backwards");
  assert.equal(dateRangePeriod("2026-11-08", ""), null);
  assert.equal(dateRangePeriod("8 Nov", "2026-11-09"), null);
  assert.deepEqual(readDateRange(text), { from: "2026-11-02", to: "2026-11-08" });
  assert.deepEqual(readDateRange("2026-11-05"), { from: "2026-11-05", to: "2026-11-05" });
  assert.equal(readDateRange("last week"), null);
});

Deno.test("applyChange: period, filter values, grouping and limit; the rest is kept", () => {
  const p = { period: "today", queue: "sales", group_by: "agent", limit: 5 };
  assert.deepEqual(applyChange(p, { kind: "period", period: "last week" }), {
    ...p,
    period: "last week",
  });
  assert.deepEqual(applyChange(p, { kind: "period", period: "" }), {
    queue: "sales",
    group_by: "agent",
    limit: 5,
  });
  assert.deepEqual(
    applyChange(p, { kind: "filter", name: "queue", values: ["sales", " support ", "sales"] })
      .queue,
    ["sales", "support"],
  );
  assert.equal(applyChange(p, { kind: "filter", name: "agent", values: ["priya"] }).agent, "priya");
  assert.ok(!("queue" in applyChange(p, { kind: "filter", name: "queue", values: [] })));
  assert.ok(!("group_by" in applyChange(p, { kind: "group_by", value: "none" })));
  assert.equal(applyChange(p, { kind: "group_by", value: "queue" }).group_by, "queue");
  assert.equal(applyChange(p, { kind: "limit", value: 3 }).limit, 3);
  assert.ok(!("limit" in applyChange(p, { kind: "limit", value: null })));
  assert.deepEqual(p, { period: "today", queue: "sales", group_by: "agent", limit: 5 }, "pure");
});

Deno.test("addableFilters, valuesOf and readingReport", () => {
  assert.deepEqual(
    addableFilters(["period", "agent", "queue", "direction", "limit"], { queue: ["a"] }),
    ["agent", "direction"],
  );
  assert.deepEqual(valuesOf(["a", " ", "b"]), ["a", "b"]);
  assert.deepEqual(valuesOf("x"), ["x"]);
  assert.deepEqual(valuesOf(undefined), []);
  const reading = {
    metric: "call_count",
    metric_label: "Calls",
    period: null,
    filters: {},
    group_by: null,
    unplaced: [],
  };
  assert.equal(readingReport(reading), null);
  assert.equal(readingReport(null), null);
  const r = readingReport({ ...reading, report: { name: "call_count", params: { period: "x" } } });
  assert.deepEqual(r, { name: "call_count", params: { period: "x" } });
});
