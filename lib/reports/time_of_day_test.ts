import assert from "node:assert/strict";
import type { DataClient } from "../data/types.ts";
import { generateDataset } from "../data/seed.ts";
import { listReports } from "./catalog.ts";
import { ReportParamError } from "./errors.ts";
import { normalizeParams, parseTimeOfDay } from "./params.ts";
import { runReport } from "./run.ts";
import { timeOfDayCondition, timeOfDayLabel } from "./time_of_day.ts";
import {
  embeddedClient,
  FIXTURE_CUSTOMERS,
  FIXTURE_NOW,
  FIXTURE_ZONES,
  fixtureCalls,
  local,
} from "../../testing/report_fixture.ts";
import type { ReportParams, ReportResult, TimeOfDay } from "./types.ts";

/** Minutes after local midnight of `d` in `tz`, straight from Intl. */
function localMinutes(d: Date, tz: string): number {
  const l = local(d, tz);
  return l.hour * 60 + l.minute;
}

/** Whether a call's local start time is in the window (a plain reading of the words). */
function inWindow(t: TimeOfDay, d: Date, tz: string): boolean {
  const [fh, fm] = t.from.split(":").map(Number), [th, tm] = t.to.split(":").map(Number);
  const from = fh * 60 + fm, to = th * 60 + tm, m = localMinutes(d, tz);
  return from < to ? m >= from && m < to : m >= from || m < to;
}

function count(r: ReportResult): number {
  const i = r.columns.findIndex((c) => c.key === "calls");
  return Number(r.rows[0][i]);
}

const WINDOWS: TimeOfDay[] = [
  { from: "14:00", to: "16:00" },
  { from: "09:30", to: "12:15" },
  { from: "18:00", to: "24:00" },
  { from: "00:00", to: "09:00" },
  { from: "22:00", to: "06:00" },
  { from: "01:00", to: "02:00" },
];

Deno.test("parseTimeOfDay reads clock times people write and refuses the rest", () => {
  assert.deepEqual(parseTimeOfDay({ from: "2pm", to: "4 PM" }), { from: "14:00", to: "16:00" });
  assert.deepEqual(parseTimeOfDay({ from: "9:30", to: 12 }), { from: "09:30", to: "12:00" });
  assert.deepEqual(parseTimeOfDay({ from: "6 p.m.", to: "midnight" }), {
    from: "18:00",
    to: "24:00",
  });
  assert.deepEqual(parseTimeOfDay({ from: "12am", to: "noon" }), { from: "00:00", to: "12:00" });
  assert.deepEqual(parseTimeOfDay({ from: "22:00", to: "06:00" }), { from: "22:00", to: "06:00" });
  for (
    const bad of [
      "14:00",
      { from: "14:00" },
      { from: "25:00", to: "26:00" },
      { from: "24:00", to: "02:00" },
      { from: "13pm", to: "2pm" },
      { from: "10:75", to: "11:00" },
      { from: "00:00", to: "24:00" },
      { from: "9", to: "9" },
      { from: "9", to: "10", tz: "UTC" },
    ]
  ) {
    assert.throws(() => parseTimeOfDay(bad), ReportParamError, JSON.stringify(bad));
  }
  assert.throws(
    () => normalizeParams({ time_of_day: { from: "2pm" } }, ["time_of_day"]),
    /time_of_day.*"to"/,
  );
});

Deno.test("every catalog entry accepts time_of_day, with its schema", () => {
  for (const d of listReports()) {
    const props = (d.parameters as { properties: Record<string, Record<string, unknown>> })
      .properties;
    assert.ok(props.time_of_day, `${d.name} accepts time_of_day`);
    assert.match(String(props.time_of_day.description), /\{from: "14:00", to: "16:00"\}/);
  }
});

Deno.test("a window keeps its wall-clock hours on DST days (New York)", () => {
  const tz = "America/New_York";
  const ranges = (t: TimeOfDay, start: string, end: string) => {
    const c = timeOfDayCondition(t, tz, { start: new Date(start), end: new Date(end) });
    const list = (c.$or ?? [c]) as { start_time: { $gte: Date; $lt: Date } }[];
    return list.map((x) => [x.start_time.$gte.toISOString(), x.start_time.$lt.toISOString()]);
  };
  // 8 Mar 2026: 02:00 EST jumps to 03:00 EDT; 01:00–04:00 is two real hours.
  assert.deepEqual(
    ranges({ from: "01:00", to: "04:00" }, "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"),
    [
      ["2026-03-08T06:00:00.000Z", "2026-03-08T08:00:00.000Z"],
    ],
  );
  // 1 Nov 2026: 02:00 EDT falls back to 01:00 EST; 01:00–02:00 holds both 1 o'clocks.
  assert.deepEqual(
    ranges({ from: "01:00", to: "02:00" }, "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z"),
    [
      ["2026-11-01T05:00:00.000Z", "2026-11-01T07:00:00.000Z"],
    ],
  );
  // Overnight over one day: its early hours and its late evening, clipped to the day.
  assert.deepEqual(
    ranges({ from: "22:00", to: "06:00" }, "2026-11-10T05:00:00Z", "2026-11-11T05:00:00Z"),
    [
      ["2026-11-10T05:00:00.000Z", "2026-11-10T11:00:00.000Z"],
      ["2026-11-11T03:00:00.000Z", "2026-11-11T05:00:00.000Z"],
    ],
  );
  assert.equal(timeOfDayLabel({ from: "22:00", to: "06:00" }), "22:00–06:00 (overnight)");
  assert.equal(timeOfDayLabel({ from: "14:00", to: "16:00" }), "14:00–16:00");
});

for (const tz of FIXTURE_ZONES) {
  Deno.test(`[${tz}] time_of_day: counts equal the calls whose local start is in the window`, async () => {
    const calls = fixtureCalls();
    const client = await embeddedClient({ calling_cdr: calls, address_book: FIXTURE_CUSTOMERS });
    try {
      for (const period of ["last 7 days", "yesterday", undefined]) {
        for (const time_of_day of WINDOWS) {
          const params: ReportParams = { time_of_day, ...(period ? { period } : {}) };
          const r = await runReport("call_count", params, { client, tz, now: FIXTURE_NOW });
          const { start, end } = r.period ?? { start: new Date(0), end: FIXTURE_NOW };
          const expected = calls.filter((c) =>
            c.start_time >= start && c.start_time < end && c.start_time < FIXTURE_NOW &&
            inWindow(time_of_day, c.start_time, tz)
          ).length;
          assert.equal(
            count(r),
            expected,
            `${period ?? "all data"} ${JSON.stringify(time_of_day)}`,
          );
          assert.ok(
            r.filters.some((f) =>
              f.startsWith("time of day: ")
            ),
            `the filter text names the window: ${r.filters}`,
          );
        }
      }
    } finally {
      await client.close();
    }
  });
}

Deno.test("time_of_day on a columnar store across a DST change equals a plain count", async () => {
  const tz = "America/New_York";
  const now = new Date("2026-03-12T16:00:00Z");
  const data = generateDataset({ days: 9, callsPerDay: 2600, now, tz, seed: 5 });
  assert.ok(data.calling_cdr.length >= 20_000, "large enough to be stored in columns");
  const client: DataClient = await embeddedClient({ ...data });
  try {
    for (const time_of_day of WINDOWS) {
      const r = await runReport("call_breakdown", {
        period: "last 7 days",
        time_of_day,
        group_by: "hour",
      }, {
        client,
        tz,
        now,
      });
      const { start, end } = r.period!;
      const expected = (data.calling_cdr as { start_time: Date }[]).filter((c) =>
        c.start_time >= start && c.start_time < end && inWindow(time_of_day, c.start_time, tz)
      ).length;
      const callsAt = r.columns.findIndex((c) =>
        c.key === "calls"
      );
      const total = r.rows.reduce((s, row) => s + Number(row[callsAt]), 0);
      assert.equal(total, expected, JSON.stringify(time_of_day));
    }
  } finally {
    await client.close();
  }
});
