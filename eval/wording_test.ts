import assert from "node:assert/strict";
import { dayNumber } from "./local_time.ts";
import { choose, formatDay, hourSpellings, randomFor, weekdaySpellings } from "./wording.ts";

Deno.test("formatDay writes the styles, and an ISO date outside the current year", () => {
  const d = dayNumber(2026, 11, 21);
  assert.equal(formatDay(d, "iso", 2026), "2026-11-21");
  assert.equal(formatDay(d, "day_month", 2026), "21 Nov");
  assert.equal(formatDay(d, "month_ordinal", 2026), "November 21st");
  assert.equal(formatDay(d, "month_day_year", 2026), "Nov 21, 2026");
  assert.equal(formatDay(d, "day_month", 2027), "2026-11-21");
  assert.equal(formatDay(dayNumber(2026, 3, 12), "month_ordinal", 2026), "March 12th");
  assert.equal(formatDay(dayNumber(2026, 3, 2), "month_ordinal", 2026), "March 2nd");
  assert.equal(formatDay(dayNumber(2026, 3, 23), "month_ordinal", 2026), "March 23rd");
});

Deno.test("hourSpellings names the hour and no other hour", () => {
  assert.deepEqual(hourSpellings(11), ["11:00", "11 AM", "11am", "11 am"]);
  assert.deepEqual(hourSpellings(0), ["00:00", "12 AM", "12am", "12 am"]);
  assert.deepEqual(hourSpellings(13), ["13:00"]);
  assert.deepEqual(hourSpellings(15), ["15:00", "3 PM", "3pm", "3 pm"]);
  // No spelling of one hour sits inside the HH:00 or 12-hour spelling of another.
  for (let a = 0; a < 24; a++) {
    for (let b = 0; b < 24; b++) {
      if (a === b) continue;
      const others = [
        `${String(b).padStart(2, "0")}:00`,
        `${b % 12 || 12} ${b < 12 ? "am" : "pm"}`,
      ];
      for (const s of hourSpellings(a)) {
        for (const o of others) assert.ok(!o.includes(s.toLowerCase()), `${s} inside ${o}`);
      }
    }
  }
});

Deno.test("randomFor is deterministic per seed and salt", () => {
  const a = randomFor(7, "x");
  const b = randomFor(7, "x");
  const c = randomFor(8, "x");
  const xs = [a(), a(), a()];
  assert.deepEqual([b(), b(), b()], xs);
  assert.notDeepEqual([c(), c(), c()], xs);
  for (const x of xs) assert.ok(x >= 0 && x < 1);
  assert.throws(() => choose(a, []), /Cannot choose from an empty list/);
});

Deno.test("weekdaySpellings: the full name and the standalone three-letter form", () => {
  assert.deepEqual(weekdaySpellings(1), [
    "Monday",
    " Mon ",
    " Mon,",
    " Mon.",
    " Mon:",
    "*Mon*",
    "(Mon)",
  ]);
  assert.equal(weekdaySpellings(7)[0], "Sunday");
  // No short form sits inside common words of an answer ("mon" in "month").
  const texts = ["calls this month: 12", "calls showed up", "we followed up", "satisfied, wed"];
  for (let w = 1; w <= 7; w++) {
    for (const short of weekdaySpellings(w).slice(1)) {
      for (const text of texts) {
        assert.ok(!text.includes(short.toLowerCase()), `${short} in ${text}`);
      }
    }
  }
  assert.throws(() => weekdaySpellings(0), /not 1–7/);
});
