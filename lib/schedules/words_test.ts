import assert from "node:assert/strict";
import {
  filtersInWords,
  instantInZone,
  periodInWords,
  runInProgress,
  runStatusInWords,
} from "./words.ts";

Deno.test("instantInZone names the business zone", () => {
  assert.equal(
    instantInZone("2026-11-30T03:30:00.000Z", "Asia/Kolkata"),
    "Mon 30 Nov 2026, 09:00 IST (Asia/Kolkata)",
  );
  assert.equal(
    instantInZone("2030-01-07T14:00:00.000Z", "America/New_York"),
    "Mon 7 Jan 2030, 09:00 EST (America/New_York)",
  );
  assert.equal(instantInZone("not a date", "UTC"), "not a date");
});

Deno.test("periodInWords and filtersInWords", () => {
  assert.equal(periodInWords("this month"), "this month so far");
  assert.equal(periodInWords("last week"), "last week");
  assert.equal(periodInWords(undefined), "all data");
  assert.equal(periodInWords("from 2026-11-01 to 2026-11-07"), "from 2026-11-01 to 2026-11-07");
  assert.deepEqual(
    filtersInWords({ period: "last week", agent: ["Asha", "Ben"], direction: "inbound" }),
    ["agent: Asha or Ben", "direction: inbound"],
  );
});

Deno.test("runStatusInWords and runInProgress", () => {
  assert.equal(runStatusInWords("inbox"), "Delivered to the inbox");
  assert.equal(runStatusInWords("failed"), "Failed");
  assert.equal(runInProgress("retrying"), true);
  assert.equal(runInProgress("sent"), false);
});
