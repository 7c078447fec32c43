import assert from "node:assert/strict";
import { messageTime, zoneAbbreviation, zoneLongName } from "./time_format.ts";

const NOW = new Date("2026-11-24T12:00:00Z");

Deno.test("zoneAbbreviation names the zone where a locale has a name, else the offset", () => {
  assert.equal(zoneAbbreviation("Asia/Kolkata", NOW), "IST");
  assert.equal(zoneAbbreviation("America/New_York", NOW), "EST");
  assert.equal(zoneAbbreviation("America/New_York", new Date("2026-07-01T12:00:00Z")), "EDT");
  assert.equal(zoneAbbreviation("UTC", NOW), "UTC");
  assert.equal(zoneAbbreviation("Asia/Singapore", NOW), "GMT+8");
  assert.equal(zoneAbbreviation("Not/A_Zone", NOW), "");
  assert.equal(zoneLongName("Asia/Kolkata", NOW), "India Standard Time");
});

Deno.test("messageTime shows the wall time in the business zone, with the zone", () => {
  const t = messageTime("2026-11-24T09:02:05Z", { timeZone: "Asia/Kolkata", now: NOW });
  assert.deepEqual(t, {
    text: "14:32 IST",
    title: "Tue, 24 Nov 2026, 14:32:05 India Standard Time (Asia/Kolkata)",
  });
  // The same instant in another zone is another wall time, and another day.
  const ny = messageTime("2026-11-24T03:30:00Z", { timeZone: "America/New_York", now: NOW });
  assert.equal(ny?.text, "23 Nov, 22:30 EST");
});

Deno.test("messageTime says the day when it is not today, and the year when not this year", () => {
  const tz = "Asia/Kolkata";
  assert.equal(
    messageTime("2026-11-23T04:00:00Z", { timeZone: tz, now: NOW })?.text,
    "23 Nov, 09:30 IST",
  );
  assert.equal(
    messageTime("2025-11-30T20:00:00Z", { timeZone: tz, now: NOW })?.text,
    "1 Dec 2025, 01:30 IST",
  );
  // Just after midnight in the zone is "today" there although it is yesterday in UTC.
  assert.equal(
    messageTime("2026-11-23T18:40:00Z", { timeZone: tz, now: NOW })?.text,
    "00:10 IST",
  );
  assert.equal(messageTime("not a time", { timeZone: tz, now: NOW }), null);
  assert.equal(messageTime("2026-11-24T09:00:00Z", { timeZone: "Bad/Zone", now: NOW }), null);
});
