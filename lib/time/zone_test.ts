import assert from "node:assert/strict";
import {
  addDays,
  addMonths,
  formatLocal,
  localDateString,
  localHour,
  localParts,
  parseNow,
  weekdayOf,
  zonedMidnight,
  zonedWallTime,
  zoneOffsetMs,
} from "./zone.ts";

const H = 3_600_000;
const iso = (d: Date) => d.toISOString();

Deno.test("localDateString, localHour and formatLocal read the business zone", () => {
  const t = new Date("2026-11-24T20:05:00Z");
  assert.equal(localDateString(t, "UTC"), "2026-11-24");
  assert.equal(localDateString(t, "Asia/Kolkata"), "2026-11-25");
  assert.equal(localDateString(t, "America/New_York"), "2026-11-24");
  assert.equal(localHour(t, "Asia/Kolkata"), 1);
  assert.equal(localHour(t, "America/New_York"), 15);
  assert.equal(formatLocal(t, "Asia/Kolkata"), "2026-11-25 01:35");
  assert.equal(formatLocal(t, "Asia/Kathmandu"), "2026-11-25 01:50");
  assert.equal(formatLocal(new Date("2026-11-24T00:00:00Z"), "UTC"), "2026-11-24 00:00");
  assert.equal(localParts(t, "UTC").weekday, 2);
});

Deno.test("zoneOffsetMs follows daylight saving time", () => {
  assert.equal(zoneOffsetMs(new Date("2026-07-01T12:00:00Z"), "America/New_York"), -4 * H);
  assert.equal(zoneOffsetMs(new Date("2026-12-01T12:00:00Z"), "America/New_York"), -5 * H);
  assert.equal(zoneOffsetMs(new Date("2026-12-01T12:00:00Z"), "Asia/Kathmandu"), 5.75 * H);
  assert.equal(zoneOffsetMs(new Date("2026-01-15T12:00:00Z"), "Australia/Sydney"), 11 * H);
});

Deno.test("zonedMidnight: local midnights in fixed-offset zones", () => {
  assert.equal(iso(zonedMidnight(2026, 11, 24, "UTC")), "2026-11-24T00:00:00.000Z");
  assert.equal(iso(zonedMidnight(2026, 11, 24, "Asia/Kolkata")), "2026-11-23T18:30:00.000Z");
  assert.equal(iso(zonedMidnight(2026, 11, 24, "Asia/Kathmandu")), "2026-11-23T18:15:00.000Z");
  assert.equal(iso(zonedMidnight(2027, 1, 1, "Asia/Kolkata")), "2026-12-31T18:30:00.000Z");
});

Deno.test("zonedMidnight: days of 23 and 25 hours around DST transitions", () => {
  const len = (y: number, m: number, d: number, tz: string) => {
    const next = addDays({ year: y, month: m, day: d }, 1);
    return (zonedMidnight(next.year, next.month, next.day, tz).getTime() -
      zonedMidnight(y, m, d, tz).getTime()) / H;
  };
  assert.equal(iso(zonedMidnight(2026, 3, 8, "America/New_York")), "2026-03-08T05:00:00.000Z");
  assert.equal(iso(zonedMidnight(2026, 3, 9, "America/New_York")), "2026-03-09T04:00:00.000Z");
  assert.equal(len(2026, 3, 8, "America/New_York"), 23);
  assert.equal(len(2026, 11, 1, "America/New_York"), 25);
  assert.equal(len(2026, 3, 29, "Europe/London"), 23);
  assert.equal(len(2026, 10, 25, "Europe/London"), 25);
  assert.equal(len(2026, 4, 5, "Australia/Sydney"), 25);
  assert.equal(len(2026, 10, 4, "Australia/Sydney"), 23);
  assert.equal(len(2026, 3, 8, "Asia/Kolkata"), 24);
});

Deno.test("zonedMidnight: a day whose midnight does not exist starts when the clock jumps", () => {
  // São Paulo began DST at 00:00 on 4 Nov 2018: clocks went from 23:59:59 to 01:00.
  const t = zonedMidnight(2018, 11, 4, "America/Sao_Paulo");
  assert.equal(iso(t), "2018-11-04T03:00:00.000Z");
  assert.equal(formatLocal(t, "America/Sao_Paulo"), "2018-11-04 01:00");
  assert.equal(formatLocal(new Date(t.getTime() - 1000), "America/Sao_Paulo"), "2018-11-03 23:59");
  // It ended at 00:00 on 17 Feb 2019 (back to 23:00 on the 16th): a 25-hour 16 Feb.
  assert.equal(iso(zonedMidnight(2019, 2, 17, "America/Sao_Paulo")), "2019-02-17T03:00:00.000Z");
  assert.equal(iso(zonedMidnight(2019, 2, 16, "America/Sao_Paulo")), "2019-02-16T02:00:00.000Z");
});

Deno.test("zonedWallTime: gaps move forward, overlaps take the earlier instant", () => {
  const ny = "America/New_York";
  assert.equal(
    iso(zonedWallTime({ year: 2026, month: 3, day: 8 }, 2.5 * H, ny)),
    "2026-03-08T07:30:00.000Z",
  );
  assert.equal(
    iso(zonedWallTime({ year: 2026, month: 11, day: 1 }, 1.5 * H, ny)),
    "2026-11-01T05:30:00.000Z",
  );
  assert.equal(
    iso(zonedWallTime({ year: 2026, month: 11, day: 24 }, 14.5 * H, "Asia/Kolkata")),
    "2026-11-24T09:00:00.000Z",
  );
});

Deno.test("parseNow: ISO instants, offsets and local times in the zone", () => {
  assert.equal(iso(parseNow("2026-11-24T09:00:00Z")), "2026-11-24T09:00:00.000Z");
  assert.equal(iso(parseNow("2026-11-24T09:00:00.250Z")), "2026-11-24T09:00:00.250Z");
  assert.equal(iso(parseNow("2026-11-24T14:30+05:30")), "2026-11-24T09:00:00.000Z");
  assert.equal(iso(parseNow(" 2026-11-24T14:30:00 ", "Asia/Kolkata")), "2026-11-24T09:00:00.000Z");
  assert.equal(iso(parseNow("2026-11-24", "Asia/Kolkata")), "2026-11-23T18:30:00.000Z");
  assert.equal(iso(parseNow("2026-11-24T09:00")), "2026-11-24T09:00:00.000Z");
  assert.throws(() => parseNow("yesterday"), /Cannot read the time "yesterday"/);
  assert.throws(() => parseNow("2026-02-30T00:00:00Z"), /not a real date/);
  assert.throws(() => parseNow("2026-11-24T25:00:00Z"), /not a real date/);
});

Deno.test("civil date helpers: weekdays, day and month arithmetic", () => {
  assert.equal(weekdayOf({ year: 2026, month: 11, day: 23 }), 1);
  assert.equal(weekdayOf({ year: 2026, month: 11, day: 29 }), 7);
  assert.deepEqual(addDays({ year: 2026, month: 12, day: 31 }, 1), {
    year: 2027,
    month: 1,
    day: 1,
  });
  assert.deepEqual(addDays({ year: 2028, month: 3, day: 1 }, -1), {
    year: 2028,
    month: 2,
    day: 29,
  });
  assert.deepEqual(addMonths({ year: 2026, month: 3, day: 31 }, -1), {
    year: 2026,
    month: 2,
    day: 28,
  });
  assert.deepEqual(addMonths({ year: 2027, month: 1, day: 15 }, -1), {
    year: 2026,
    month: 12,
    day: 15,
  });
  assert.throws(() => localHour(new Date(0), "Not/AZone"), /Cannot use time zone "Not\/AZone"/);
});
