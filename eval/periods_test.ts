import assert from "node:assert/strict";
import { dayNumber as d } from "./local_time.ts";
import {
  daysIn,
  lastNDays,
  lastWeekday,
  monthRange,
  quarterOf,
  quarterRange,
  recentMonth,
  recentQuarter,
  shiftQuarter,
  upTo,
} from "./periods.ts";

Deno.test("quarters: ranges, the quarter of a day, shifts across years", () => {
  assert.deepEqual(quarterRange(2026, 1), { from: d(2026, 1, 1), to: d(2026, 3, 31) });
  assert.deepEqual(quarterRange(2025, 4), { from: d(2025, 10, 1), to: d(2025, 12, 31) });
  assert.deepEqual(quarterOf(d(2026, 3, 31)), { year: 2026, q: 1 });
  assert.deepEqual(quarterOf(d(2026, 4, 1)), { year: 2026, q: 2 });
  assert.deepEqual(shiftQuarter(d(2026, 2, 10), -1), { year: 2025, q: 4 });
  assert.deepEqual(shiftQuarter(d(2026, 2, 10), -5), { year: 2024, q: 4 });
  assert.deepEqual(shiftQuarter(d(2025, 11, 10), 1), { year: 2026, q: 1 });
});

Deno.test("a quarter or month without a year is the latest one begun by today", () => {
  const today = d(2026, 3, 11);
  assert.deepEqual(recentQuarter(today, 1), { year: 2026, range: quarterRange(2026, 1) });
  assert.deepEqual(recentQuarter(today, 3), { year: 2025, range: quarterRange(2025, 3) });
  assert.equal(recentQuarter(d(2026, 4, 1), 2).year, 2026);
  assert.equal(recentQuarter(d(2026, 3, 31), 2).year, 2025);
  assert.deepEqual(recentMonth(today, 10), { year: 2025, range: monthRange(2025, 10) });
  assert.deepEqual(recentMonth(today, 3), { year: 2026, range: monthRange(2026, 3) });
  assert.equal(recentMonth(today, 4).year, 2025);
  assert.equal(recentMonth(d(2026, 1, 1), 1).year, 2026);
  assert.equal(recentMonth(d(2026, 1, 1), 12).year, 2025);
});

Deno.test("months, last <weekday>, the last N days, days in a range, cuts at today", () => {
  assert.deepEqual(monthRange(2028, 2), { from: d(2028, 2, 1), to: d(2028, 2, 29) });
  assert.equal(daysIn(monthRange(2026, 2)), 28);
  assert.equal(daysIn(monthRange(2025, 12)), 31);
  // Wednesday 11 March 2026.
  const wed = d(2026, 3, 11);
  assert.equal(lastWeekday(wed, 1), d(2026, 3, 9));
  assert.equal(lastWeekday(wed, 2), d(2026, 3, 10));
  assert.equal(lastWeekday(wed, 3), d(2026, 3, 4));
  assert.equal(lastWeekday(wed, 4), d(2026, 3, 5));
  assert.equal(lastWeekday(wed, 7), d(2026, 3, 8));
  // On a Monday, last Monday is a week ago.
  assert.equal(lastWeekday(d(2026, 3, 9), 1), d(2026, 3, 2));
  assert.deepEqual(lastNDays(wed, 7), { from: d(2026, 3, 5), to: wed });
  assert.equal(daysIn(lastNDays(wed, 30)), 30);
  assert.deepEqual(upTo(monthRange(2026, 3), wed), { from: d(2026, 3, 1), to: wed });
  assert.deepEqual(upTo(monthRange(2026, 2), wed), monthRange(2026, 2));
  assert.equal(upTo(monthRange(2026, 4), wed), null);
});
