import assert from "node:assert/strict";
import { formatLocal } from "../time/zone.ts";
import {
  describeRecurrence,
  localTimeInstant,
  nextRunAt,
  parseRecurrence,
  RecurrenceError,
} from "./recurrence.ts";
import type { Recurrence } from "./types.ts";

const NY = "America/New_York";
const LONDON = "Europe/London";

/** The next `n` runs after `from`, as ISO instants. */
function runs(rec: Recurrence, from: string, tz: string, n: number): string[] {
  const out: string[] = [];
  let t = new Date(from);
  for (let i = 0; i < n; i++) {
    t = nextRunAt(rec, t, tz);
    out.push(t.toISOString());
  }
  return out;
}

Deno.test("recurrence: weekly 09:00 in New York stays 09:00 local across both DST changes", () => {
  const mon = parseRecurrence({ kind: "weekly", weekdays: ["monday"], time: "9:00" });
  assert.deepEqual(mon, { kind: "weekly", weekdays: [1], time: "09:00" });
  // Spring forward: Sunday 8 March 2026. Fall back: Sunday 1 November 2026.
  assert.deepEqual(runs(mon, "2026-03-01T00:00:00Z", NY, 3), [
    "2026-03-02T14:00:00.000Z", // EST, UTC-5
    "2026-03-09T13:00:00.000Z", // EDT, UTC-4
    "2026-03-16T13:00:00.000Z",
  ]);
  assert.deepEqual(runs(mon, "2026-10-20T00:00:00Z", NY, 3), [
    "2026-10-26T13:00:00.000Z",
    "2026-11-02T14:00:00.000Z",
    "2026-11-09T14:00:00.000Z",
  ]);
  for (const iso of runs(mon, "2026-01-01T00:00:00Z", NY, 60)) {
    assert.match(formatLocal(new Date(iso), NY), / 09:00$/);
  }
});

Deno.test("recurrence: daily 09:00 in London across BST (29 Mar and 25 Oct 2026)", () => {
  const daily: Recurrence = { kind: "daily", time: "09:00" };
  assert.deepEqual(runs(daily, "2026-03-28T12:00:00Z", LONDON, 3), [
    "2026-03-29T08:00:00.000Z", // BST from 01:00 UTC on the 29th
    "2026-03-30T08:00:00.000Z",
    "2026-03-31T08:00:00.000Z",
  ]);
  assert.deepEqual(runs(daily, "2026-10-24T12:00:00Z", LONDON, 2), [
    "2026-10-25T09:00:00.000Z", // GMT again
    "2026-10-26T09:00:00.000Z",
  ]);
});

Deno.test("recurrence: a time inside the spring-forward gap runs at the first instant after it", () => {
  // New York, 8 March 2026: 02:00 EST jumps to 03:00 EDT (07:00 UTC).
  const t = localTimeInstant({ year: 2026, month: 3, day: 8 }, 2, 30, NY);
  assert.equal(t.toISOString(), "2026-03-08T07:00:00.000Z");
  assert.equal(formatLocal(t, NY), "2026-03-08 03:00");
  const daily: Recurrence = { kind: "daily", time: "02:30" };
  assert.deepEqual(runs(daily, "2026-03-07T12:00:00Z", NY, 3), [
    "2026-03-08T07:00:00.000Z",
    "2026-03-09T06:30:00.000Z",
    "2026-03-10T06:30:00.000Z",
  ]);
  // London, 29 March 2026: 01:00 GMT jumps to 02:00 BST.
  assert.deepEqual(runs({ kind: "daily", time: "01:15" }, "2026-03-28T12:00:00Z", LONDON, 2), [
    "2026-03-29T01:00:00.000Z",
    "2026-03-30T00:15:00.000Z",
  ]);
});

Deno.test("recurrence: a time that happens twice (fall back) runs once, at the first", () => {
  // New York, 1 November 2026: 01:30 happens at 05:30 UTC (EDT) and 06:30 UTC (EST).
  const daily: Recurrence = { kind: "daily", time: "01:30" };
  assert.deepEqual(runs(daily, "2026-10-31T12:00:00Z", NY, 3), [
    "2026-11-01T05:30:00.000Z",
    "2026-11-02T06:30:00.000Z",
    "2026-11-03T06:30:00.000Z",
  ]);
  // Asking from between the two occurrences does not give the second one.
  assert.equal(
    nextRunAt(daily, new Date("2026-11-01T06:00:00Z"), NY).toISOString(),
    "2026-11-02T06:30:00.000Z",
  );
  // London, 25 October 2026: 01:30 happens at 00:30 UTC (BST) and 01:30 UTC (GMT).
  assert.deepEqual(runs(daily, "2026-10-24T12:00:00Z", LONDON, 2), [
    "2026-10-25T00:30:00.000Z",
    "2026-10-26T01:30:00.000Z",
  ]);
});

Deno.test("recurrence: monthly day 31 is clamped to short months; weekly on several days", () => {
  const m = parseRecurrence({ kind: "monthly", day: 31, time: "08:00" });
  assert.deepEqual(runs(m, "2026-01-01T00:00:00Z", "UTC", 4), [
    "2026-01-31T08:00:00.000Z",
    "2026-02-28T08:00:00.000Z",
    "2026-03-31T08:00:00.000Z",
    "2026-04-30T08:00:00.000Z",
  ]);
  const w = parseRecurrence({ kind: "weekly", weekdays: [4, "mon"], time: "17:30" });
  assert.deepEqual(w, { kind: "weekly", weekdays: [1, 4], time: "17:30" });
  // Tuesday 24 Nov 2026 → Thursday 26th, Monday 30th (Asia/Kolkata, UTC+5:30).
  assert.deepEqual(runs(w, "2026-11-24T09:00:00Z", "Asia/Kolkata", 2), [
    "2026-11-26T12:00:00.000Z",
    "2026-11-30T12:00:00.000Z",
  ]);
  assert.equal(
    describeRecurrence(w, "Asia/Kolkata"),
    "every Monday and Thursday at 17:30 (Asia/Kolkata)",
  );
});

Deno.test("recurrence: the instant itself is not 'next'; a run due now moves to the following one", () => {
  const daily: Recurrence = { kind: "daily", time: "09:00" };
  assert.equal(
    nextRunAt(daily, new Date("2026-11-24T09:00:00Z"), "UTC").toISOString(),
    "2026-11-25T09:00:00.000Z",
  );
});

Deno.test("recurrence: bad input gives a readable RecurrenceError", () => {
  const bad: [unknown, RegExp][] = [
    [{ kind: "daily", time: "25:00" }, /Cannot read the time "25:00"/],
    [{ kind: "hourly", time: "09:00" }, /Unknown recurrence kind "hourly"/],
    [{ kind: "weekly", time: "09:00" }, /needs "weekdays"/],
    [{ kind: "weekly", weekdays: ["funday"], time: "09:00" }, /Cannot read the weekday "funday"/],
    [{ kind: "monthly", day: 0, time: "09:00" }, /"day" from 1 to 31/],
    [{ kind: "daily" }, /needs a "time"/],
    ["weekly", /must be an object/],
  ];
  for (const [input, re] of bad) {
    assert.throws(() => parseRecurrence(input), (e: Error) => {
      assert.ok(e instanceof RecurrenceError);
      assert.match(e.message, re);
      return true;
    });
  }
});
