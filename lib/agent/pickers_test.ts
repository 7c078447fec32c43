import assert from "node:assert/strict";
import { catalogEntryInfo } from "../../routes/api/reports/catalog.ts";
import { listReports } from "../reports/catalog.ts";
import {
  MAX_DURATION_SECONDS as CATALOG_MAX,
  parseDurationRange,
  parseTimeOfDay,
} from "../reports/params.ts";
import { timeOfDayLabel } from "../reports/time_of_day.ts";
import { resolvePeriod } from "../time/periods.ts";
import { checkReportRequest } from "./direct_turn.ts";
import {
  addableExtras,
  addableFilters,
  applyChange,
  customerProblem,
  dateRangePeriod,
  durationFromInputs,
  durationInputs,
  durationText,
  entryBlurb,
  MAX_DURATION_SECONDS,
  paramText,
  PERIOD_PRESETS,
  readDateRange,
  readDurationRange,
  readingReport,
  readTimeOfDay,
  switchEntry,
  timeOfDayFromInputs,
  timeOfDayInputs,
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

Deno.test("applyChange: a duration range and a customer, set and removed", () => {
  const p = { period: "today", duration: { gt: 600 }, customer: "Asha" };
  assert.deepEqual(applyChange(p, { kind: "duration", range: { gte: 60, lte: 180 } }).duration, {
    gte: 60,
    lte: 180,
  });
  assert.ok(!("duration" in applyChange(p, { kind: "duration", range: null })));
  assert.ok(!("duration" in applyChange(p, { kind: "duration", range: {} })));
  assert.equal(
    applyChange(p, { kind: "customer", value: " +919800000001 " }).customer,
    "+919800000001",
  );
  assert.ok(!("customer" in applyChange(p, { kind: "customer", value: "  " })));
  assert.deepEqual(p, { period: "today", duration: { gt: 600 }, customer: "Asha" }, "pure");
  assert.deepEqual(addableExtras(["period", "duration", "customer"], { customer: "x" }), [
    "duration",
  ]);
  assert.deepEqual(addableExtras(["period"], {}), [], "only what the entry takes");
});

Deno.test("durationFromInputs: longer, shorter, between, in minutes or seconds", () => {
  const ok = (mode: "longer" | "shorter" | "between", unit: "min" | "s", a: string, b = "") => {
    const out = durationFromInputs({ mode, unit, a, b });
    assert.ok("range" in out, `${mode} ${a} ${b} ${unit}: ${JSON.stringify(out)}`);
    // Every range a picker sends is one the catalog takes.
    assert.deepEqual(parseDurationRange(out.range), out.range);
    return out.range;
  };
  assert.deepEqual(ok("longer", "min", "10"), { gt: 600 });
  assert.deepEqual(ok("longer", "min", "1.5"), { gt: 90 }, "decimal minutes");
  assert.deepEqual(ok("shorter", "s", "30"), { lt: 30 });
  assert.deepEqual(ok("between", "min", "1", "3"), { gte: 60, lte: 180 });
  assert.deepEqual(ok("between", "s", "45", "45"), { gte: 45, lte: 45 }, "one exact length");
  assert.deepEqual(ok("longer", "s", "0"), { gt: 0 });
  assert.deepEqual(ok("longer", "min", String(MAX_DURATION_SECONDS / 60)), {
    gt: MAX_DURATION_SECONDS,
  });
  const problem = (mode: "longer" | "shorter" | "between", unit: "min" | "s", a: string, b = "") =>
    (durationFromInputs({ mode, unit, a, b }) as { problem?: string }).problem;
  assert.equal(problem("longer", "min", ""), "Enter a number of minutes.");
  assert.equal(problem("longer", "s", " "), "Enter a number of seconds.");
  assert.equal(problem("longer", "min", "-1"), "Enter a number from 0.");
  assert.equal(problem("longer", "min", "abc"), "Enter a number from 0.");
  assert.equal(problem("longer", "min", "10081"), "At most a week (10,080 minutes).");
  assert.equal(problem("shorter", "s", "0"), "Shorter than 0 matches no call.");
  assert.equal(problem("between", "min", "5", ""), "Enter both numbers.");
  assert.equal(problem("between", "min", "5", "2"), "The first number is larger than the second.");
  assert.equal(MAX_DURATION_SECONDS, CATALOG_MAX, "the same limit as the catalog");
});

Deno.test("durationInputs reads a report's range back into the picker's fields", () => {
  assert.deepEqual(durationInputs({ gt: 600 }), { mode: "longer", unit: "min", a: "10", b: "" });
  assert.deepEqual(durationInputs({ lt: 45 }), { mode: "shorter", unit: "s", a: "45", b: "" });
  assert.deepEqual(durationInputs({ gte: 60, lte: 180 }), {
    mode: "between",
    unit: "min",
    a: "1",
    b: "3",
  });
  assert.deepEqual(durationInputs({ gt: 90, lt: 600 }), {
    mode: "between",
    unit: "s",
    a: "90",
    b: "600",
  });
  assert.deepEqual(durationInputs(undefined), { mode: "longer", unit: "min", a: "", b: "" });
  assert.deepEqual(durationInputs("nonsense"), { mode: "longer", unit: "min", a: "", b: "" });
  assert.deepEqual(readDurationRange({ gt: "600", lt: -1, x: 1 }), { gt: 600 });
  assert.equal(readDurationRange({}), null);
  // Round trip: what the picker shows applies as the same range.
  for (const r of [{ gt: 600 }, { lt: 45 }, { gte: 60, lte: 180 }]) {
    assert.deepEqual((durationFromInputs(durationInputs(r)) as { range: unknown }).range, r);
  }
});

Deno.test("durationText and paramText say a parameter in words", () => {
  assert.equal(durationText({ gt: 600 }), "longer than 10 min");
  assert.equal(durationText({ lt: 30 }), "shorter than 30 s");
  assert.equal(durationText({ gte: 60, lte: 125 }), "between 1 min and 2 min 5 s");
  assert.equal(durationText({ gt: 60, lt: 180 }), "longer than 1 min and shorter than 3 min");
  assert.equal(paramText("direction", "incoming"), "direction: incoming");
  assert.equal(paramText("status", ["answered", "missed"]), "status: answered or missed");
  assert.equal(paramText("group_by", "agent"), "by agent");
  assert.equal(paramText("limit", 5), "top 5");
  assert.equal(paramText("duration", { gt: 600 }), "duration: longer than 10 min");
  assert.equal(paramText("threshold_seconds", 30), "answered within 30 s");
});

Deno.test("applyChange: a time-of-day window, set, changed and removed", () => {
  const p = { period: "last week", queue: "sales", time_of_day: { from: "14:00", to: "16:00" } };
  const changed = applyChange(p, {
    kind: "time_of_day",
    window: { from: "22:00", to: "06:00" },
  });
  assert.deepEqual(changed, {
    period: "last week",
    queue: "sales",
    time_of_day: { from: "22:00", to: "06:00" },
  });
  const removed = applyChange(p, { kind: "time_of_day", window: null });
  assert.deepEqual(removed, { period: "last week", queue: "sales" });
  assert.ok(!("time_of_day" in removed));
  const added = applyChange({ period: "today" }, {
    kind: "time_of_day",
    window: { from: "09:00", to: "24:00" },
  });
  assert.deepEqual(added, { period: "today", time_of_day: { from: "09:00", to: "24:00" } });
  assert.deepEqual(p.time_of_day, { from: "14:00", to: "16:00" }, "pure");
  // "Add filter" offers it when the entry takes it and the report has none.
  const all = ["period", "duration", "time_of_day", "customer"];
  assert.deepEqual(addableExtras(all, {}), ["duration", "time_of_day", "customer"]);
  assert.deepEqual(addableExtras(all, { time_of_day: { from: "14:00", to: "16:00" } }), [
    "duration",
    "customer",
  ]);
  assert.deepEqual(addableExtras(all, { time_of_day: null }), [
    "duration",
    "time_of_day",
    "customer",
  ]);
  assert.deepEqual(addableExtras(["period", "duration"], {}), ["duration"]);
});

Deno.test("timeOfDayFromInputs: a window, past midnight, until midnight, or what to fix", () => {
  const ok = (from: string, to: string) => {
    const out = timeOfDayFromInputs({ from, to });
    assert.ok("window" in out, `${from}–${to}: ${JSON.stringify(out)}`);
    // Every window a picker sends is one the catalog takes as it is.
    assert.deepEqual(parseTimeOfDay(out.window), out.window);
    return out.window;
  };
  assert.deepEqual(ok("14:00", "16:00"), { from: "14:00", to: "16:00" });
  assert.deepEqual(ok("22:00", "06:00"), { from: "22:00", to: "06:00" }, "past midnight");
  assert.deepEqual(ok("18:00", "00:00"), { from: "18:00", to: "24:00" }, "00:00 ends at midnight");
  assert.deepEqual(ok("00:00", "09:30"), { from: "00:00", to: "09:30" }, "00:00 starts the day");
  assert.deepEqual(ok(" 09:15 ", "17:45:00"), { from: "09:15", to: "17:45" }, "seconds dropped");
  const problem = (from: string, to: string) =>
    (timeOfDayFromInputs({ from, to }) as { problem?: string }).problem;
  assert.equal(problem("", ""), "Enter both times.");
  assert.equal(problem("", "16:00"), "Enter a start time.");
  assert.equal(problem("14:00", " "), "Enter an end time.");
  assert.equal(problem("2pm", "16:00"), "Enter times as hours and minutes, like 14:30.");
  assert.equal(problem("14:00", "24:00"), "Enter times as hours and minutes, like 14:30.");
  assert.equal(problem("14:60", "16:00"), "Enter times as hours and minutes, like 14:30.");
  const same = "Start and end are the same: for the whole day, choose Any time.";
  assert.equal(problem("14:00", "14:00"), same);
  assert.equal(problem("00:00", "00:00"), same, "midnight to midnight is the whole day");
});

Deno.test("timeOfDayInputs reads a report's window back; 24:00 shows as 00:00", () => {
  assert.deepEqual(timeOfDayInputs({ from: "14:00", to: "16:00" }), { from: "14:00", to: "16:00" });
  assert.deepEqual(timeOfDayInputs({ from: "18:00", to: "24:00" }), { from: "18:00", to: "00:00" });
  assert.deepEqual(timeOfDayInputs({ from: "22:00", to: "06:00" }), { from: "22:00", to: "06:00" });
  assert.deepEqual(timeOfDayInputs(undefined), { from: "", to: "" });
  assert.deepEqual(timeOfDayInputs({ from: "14:00" }), { from: "", to: "" });
  assert.deepEqual(timeOfDayInputs({ from: "24:00", to: "06:00" }), { from: "", to: "" });
  assert.equal(readTimeOfDay({ from: "14:00", to: "14:00" }), null, "from equals to");
  assert.equal(readTimeOfDay({ from: "00:00", to: "24:00" }), null, "the whole day");
  assert.equal(readTimeOfDay("14:00-16:00"), null);
  assert.deepEqual(readTimeOfDay({ from: "00:00", to: "24:00 " }), null);
  // Round trip: what the picker shows applies as the same window ("24:00" included).
  for (
    const t of [
      { from: "14:00", to: "16:00" },
      { from: "22:00", to: "06:00" },
      { from: "18:00", to: "24:00" },
      { from: "00:00", to: "09:00" },
      { from: "23:59", to: "00:01" },
    ]
  ) {
    const back = timeOfDayFromInputs(timeOfDayInputs(t));
    assert.deepEqual("window" in back ? back.window : back, t, `${t.from}–${t.to}`);
  }
});

Deno.test("paramText says a window as the catalog does", () => {
  for (
    const t of [
      { from: "14:00", to: "16:00" },
      { from: "22:00", to: "06:00" },
      { from: "18:00", to: "24:00" },
      { from: "00:00", to: "00:30" },
      { from: "06:00", to: "00:00" },
    ]
  ) {
    assert.equal(paramText("time_of_day", t), `time of day: ${timeOfDayLabel(t)}`);
  }
  assert.equal(timeOfDayLabel({ from: "22:00", to: "06:00" }), "22:00–06:00 (overnight)");
  assert.equal(timeOfDayLabel({ from: "18:00", to: "24:00" }), "18:00–24:00");
  assert.equal(
    paramText("time_of_day", { from: "14:00", to: "16:00" }),
    "time of day: 14:00–16:00",
  );
  // The metric chip says it is left out in these words.
  const fake = { params: ["period"], required: [], group_by: [] };
  assert.deepEqual(
    switchEntry(fake, { period: "today", time_of_day: { from: "22:00", to: "06:00" } }).dropped,
    ["time of day: 22:00–06:00 (overnight)"],
  );
});

Deno.test("customerProblem: a name or a number, not blank, not too long", () => {
  assert.equal(customerProblem("  "), "Type a name or a phone number.");
  assert.equal(customerProblem("x".repeat(101)), "At most 100 characters.");
  assert.equal(customerProblem("+919800000001"), null);
  assert.equal(customerProblem(" Asha Rao "), null);
});

const ENTRIES = listReports().map(catalogEntryInfo);
const entry = (name: string) => ENTRIES.find((e) => e.name === name)!;

Deno.test("switchEntry keeps what the entry takes and says what it leaves out", () => {
  const params = {
    period: "last week",
    direction: "incoming",
    status: ["answered", "missed"],
    queue: "sales",
    group_by: "agent",
    limit: 5,
  };
  // Abandonment is over incoming calls: no direction, no status.
  const abandonment = switchEntry(entry("abandonment_rate"), params);
  assert.deepEqual(abandonment.params, {
    period: "last week",
    queue: "sales",
    group_by: "agent",
    limit: 5,
  });
  assert.deepEqual(abandonment.dropped, ["direction: incoming", "status: answered or missed"]);
  assert.deepEqual(abandonment.added, []);
  // A listing has no grouping or row count.
  const list = switchEntry(entry("call_list"), params);
  assert.deepEqual(list.dropped, ["by agent", "top 5"]);
  assert.equal(list.params.status, params.status);
  // A breakdown needs a grouping: its first one is added.
  const breakdown = switchEntry(entry("call_breakdown"), { period: "today" });
  assert.deepEqual(breakdown.params, {
    period: "today",
    group_by: entry("call_breakdown").group_by[0],
  });
  assert.deepEqual(breakdown.added, [`by ${entry("call_breakdown").group_by[0]}`]);
  // A grouping the entry does not offer is left out.
  const fake = { params: ["period", "group_by"], required: [], group_by: ["day"] };
  assert.deepEqual(switchEntry(fake, { period: "today", group_by: "agent" }).dropped, ["by agent"]);
  assert.deepEqual(params.status, ["answered", "missed"], "pure");
});

Deno.test("every catalog entry switched to from a full reading runs as the server checks it", () => {
  const full = {
    period: "last week",
    direction: "incoming",
    status: "answered",
    agent: ["priya", "rohit"],
    queue: "sales",
    customer: "+919800000001",
    disposition: "resolved",
    city: "Pune",
    segment: "gold",
    duration: { gt: 600 },
    time_of_day: { from: "22:00", to: "06:00" },
    group_by: "queue",
    limit: 5,
    threshold_seconds: 30,
  };
  const now = new Date("2026-11-24T09:00:00Z");
  for (const e of ENTRIES) {
    const { params, dropped, added } = switchEntry(e, full);
    const checked = checkReportRequest({ name: e.name, params }, { tz: "Asia/Kolkata", now });
    assert.deepEqual(checked.params, params, `${e.name}: nothing more is dropped by the server`);
    assert.equal(
      Object.keys(params).length + dropped.length,
      Object.keys(full).length,
      `${e.name}: each parameter is kept or said to be left out`,
    );
    assert.deepEqual(added, [], `${e.name}: the grouping asked for is offered`);
  }
});

Deno.test("every catalog entry has a short description for people", () => {
  for (const e of ENTRIES) {
    const blurb = entryBlurb(e);
    assert.ok(blurb.length > 10 && blurb.length <= 110, `${e.name}: ${blurb}`);
    assert.doesNotMatch(blurb, /_seconds|group_by|e\.g\.$/, `${e.name}: words for people`);
  }
  assert.equal(
    entryBlurb({ name: "new_one", description: "A new report. With details for the model." }),
    "A new report.",
  );
});
