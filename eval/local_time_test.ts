import assert from "node:assert/strict";
import {
  dateOf,
  dayNumber,
  isoDate,
  isoWeekday,
  localInstant,
  localReader,
  monthStart,
  readLocal,
} from "./local_time.ts";

Deno.test("readLocal places an instant in its local day and hour, across DST", () => {
  const ny = "America/New_York";
  // 2026-03-08 02:00 EST the clocks jump to 03:00 EDT.
  assert.deepEqual(readLocal(Date.parse("2026-03-08T06:59:00Z"), ny), {
    day: dayNumber(2026, 3, 8),
    hour: 1,
    minute: 59,
  });
  assert.deepEqual(readLocal(Date.parse("2026-03-08T07:00:00Z"), ny), {
    day: dayNumber(2026, 3, 8),
    hour: 3,
    minute: 0,
  });
  // 23:30 EDT on 8 March is already 9 March in UTC.
  assert.equal(readLocal(Date.parse("2026-03-09T03:30:00Z"), ny).day, dayNumber(2026, 3, 8));
  // Half-hour zone, and midnight reads as hour 0.
  assert.deepEqual(readLocal(Date.parse("2026-11-23T18:30:00Z"), "Asia/Kolkata"), {
    day: dayNumber(2026, 11, 24),
    hour: 0,
    minute: 0,
  });
});

Deno.test("localReader agrees with readLocal on the day and hour across a DST change", () => {
  const tz = "Australia/Sydney";
  const read = localReader(tz);
  for (let t = Date.parse("2026-04-04T10:00:00Z"); t < Date.parse("2026-04-06T14:00:00Z");) {
    const { day, hour } = readLocal(t, tz);
    assert.deepEqual(read(t), { day, hour });
    t += 7 * 60_000;
  }
});

Deno.test("calendar helpers: day numbers, weekdays, month starts", () => {
  const d = dayNumber(2026, 3, 11);
  assert.deepEqual(dateOf(d), { year: 2026, month: 3, day: 11 });
  assert.equal(isoDate(d), "2026-03-11");
  assert.equal(isoWeekday(d), 3);
  assert.equal(isoWeekday(dayNumber(2026, 3, 8)), 7);
  assert.equal(isoWeekday(dayNumber(2026, 3, 9)), 1);
  assert.equal(monthStart(d), dayNumber(2026, 3, 1));
  assert.equal(monthStart(dayNumber(2026, 1, 15), -1), dayNumber(2025, 12, 1));
  assert.equal(monthStart(dayNumber(2026, 12, 15), 1), dayNumber(2027, 1, 1));
});

Deno.test("localInstant finds the instant of a local wall time", () => {
  assert.equal(
    new Date(
      localInstant("America/New_York", { day: dayNumber(2026, 3, 11), hour: 15, minute: 30 }),
    )
      .toISOString(),
    "2026-03-11T19:30:00.000Z",
  );
  assert.equal(
    new Date(localInstant("Asia/Kolkata", { day: dayNumber(2026, 11, 24), hour: 14, minute: 30 }))
      .toISOString(),
    "2026-11-24T09:00:00.000Z",
  );
  // 02:30 does not exist on 8 March 2026 in New York: the clocks jump to 03:00 EDT.
  assert.equal(
    new Date(localInstant("America/New_York", { day: dayNumber(2026, 3, 8), hour: 2, minute: 30 }))
      .toISOString(),
    "2026-03-08T07:00:00.000Z",
  );
  assert.throws(() => readLocal(0, "Mars/Base"), /Cannot read time zone "Mars\/Base"/);
});
