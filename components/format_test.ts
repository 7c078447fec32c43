import assert from "node:assert/strict";
import {
  csvField,
  csvValue,
  formatCell,
  formatCount,
  formatDateTime,
  formatDuration,
  formatInstantRange,
  formatSeconds,
  formatUtcInstant,
  inferCellType,
  isNumericType,
  neutralizeFormula,
  relativeTime,
  secondsTitle,
  summarizeArgs,
  toCellType,
  toCsv,
  truncate,
} from "./format.ts";

Deno.test("formatCount groups thousands", () => {
  assert.equal(formatCount(4079), "4,079");
  assert.equal(formatCount(0), "0");
  assert.equal(formatCount(1234567), "1,234,567");
});

Deno.test("formatSeconds shows m:ss and h:mm:ss", () => {
  assert.equal(formatSeconds(0), "0:00");
  assert.equal(formatSeconds(5), "0:05");
  assert.equal(formatSeconds(265), "4:25");
  assert.equal(formatSeconds(265.6), "4:26");
  assert.equal(formatSeconds(3600), "1:00:00");
  assert.equal(formatSeconds(3725), "1:02:05");
  assert.equal(formatSeconds(-65), "-1:05");
});

Deno.test("formatCell formats each column type", () => {
  assert.equal(formatCell(4079, "integer"), "4,079");
  assert.equal(formatCell(1234.567, "number"), "1,234.57");
  assert.equal(formatCell(12.345, "percent"), "12.35%");
  assert.equal(formatCell(7, "percent"), "7.0%");
  assert.equal(formatCell(125, "seconds"), "2:05");
  assert.equal(formatCell("2026-11-24T09:05:31+05:30", "datetime"), "2026-11-24 09:05");
  assert.equal(formatCell("2026-11-24T03:35:31.000Z", "datetime"), "2026-11-24 03:35 UTC");
  assert.equal(formatCell("2026-11-24", "date"), "2026-11-24");
  assert.equal(formatCell("priya", "string"), "priya");
  assert.equal(formatCell(null, "integer"), "—");
  assert.equal(formatCell(undefined, "string"), "—");
  assert.equal(formatCell(true, "string"), "yes");
  assert.equal(formatCell({ a: 1 }, "string"), '{"a":1}');
  assert.equal(formatCell("not a date", "datetime"), "not a date");
});

Deno.test("formatDateTime keeps the wall time the server sent", () => {
  assert.equal(formatDateTime("2026-11-23 09:07:19"), "2026-11-23 09:07");
  assert.equal(formatDateTime("2026-11-23T09:07:19.123-05:00"), "2026-11-23 09:07");
  assert.equal(formatDateTime("2026-11-23T09:07Z"), "2026-11-23 09:07 UTC");
  assert.equal(formatDateTime("yesterday"), "yesterday");
});

Deno.test("toCellType keeps known types and reads unknown ones as strings", () => {
  assert.equal(toCellType("seconds"), "seconds");
  assert.equal(toCellType("geo"), "string");
  assert.equal(toCellType(undefined), null);
});

Deno.test("inferCellType finds numeric columns", () => {
  assert.equal(inferCellType([1, 2, null, 3]), "integer");
  assert.equal(inferCellType([1.5, 2]), "number");
  assert.equal(inferCellType(["a", 1]), "string");
  assert.equal(inferCellType([null, ""]), "string");
  assert.equal(isNumericType("seconds"), true);
  assert.equal(isNumericType("date"), false);
});

Deno.test("truncate cuts at a word boundary and adds an ellipsis", () => {
  assert.equal(truncate("short", 10), "short");
  assert.equal(truncate("  many   spaces  ", 20), "many spaces");
  const t = truncate("Show me agent performance for last week please", 30);
  assert.ok(t.length <= 30, t);
  assert.ok(t.endsWith("…"));
  assert.equal(t, "Show me agent performance for…");
});

Deno.test("relativeTime describes recent instants briefly", () => {
  const now = new Date("2026-11-24T12:00:00Z");
  assert.equal(relativeTime("2026-11-24T11:59:40Z", now), "just now");
  assert.equal(relativeTime("2026-11-24T11:55:00Z", now), "5 min ago");
  assert.equal(relativeTime("2026-11-24T09:00:00Z", now), "3 h ago");
  assert.equal(relativeTime("2026-11-22T12:00:00Z", now), "2 d ago");
  assert.equal(relativeTime("2026-10-01T12:00:00Z", now), "2026-10-01");
  assert.equal(relativeTime("garbage", now), "");
});

Deno.test("formatDuration and summarizeArgs are short", () => {
  assert.equal(formatDuration(850), "850 ms");
  assert.equal(formatDuration(1234), "1.2 s");
  assert.equal(formatDuration(65_000), "1:05 min");
  assert.equal(
    summarizeArgs({ collection: "calls", pipeline: [{}, {}, {}], limit: 5 }),
    "collection: calls · pipeline: [3 stages] · limit: 5",
  );
  assert.equal(summarizeArgs({ filter: { status: "missed" } }), 'filter: {"status":"missed"}');
  assert.ok(summarizeArgs({ q: "x".repeat(500) }).length <= 120);
});

Deno.test("formatInstantRange shows a period in a zone, naming the zone once", () => {
  assert.equal(
    formatInstantRange("2026-11-08T18:30:00.000Z", "2026-11-15T18:30:00.000Z", "Asia/Kolkata"),
    "Mon, 9 Nov 2026, 00:00 – Mon, 16 Nov 2026, 00:00 (GMT+5:30)",
  );
  assert.equal(
    formatInstantRange("2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z", "Europe/London"),
    "Sat, 28 Mar 2026, 00:00 (GMT) – Mon, 30 Mar 2026, 01:00 (BST)",
  );
  assert.equal(formatInstantRange("x", "y", "UTC"), "x – y");
  assert.equal(
    formatInstantRange("2026-11-08T18:30:00Z", "2026-11-09T18:30:00Z", "Not/AZone"),
    "2026-11-08T18:30:00Z – 2026-11-09T18:30:00Z",
  );
});

Deno.test("formatUtcInstant shows the exact instant in UTC", () => {
  assert.equal(formatUtcInstant("2026-11-08T18:30:00.000Z"), "2026-11-08 18:30 UTC");
  assert.equal(formatUtcInstant("2026-11-08T18:30:05Z"), "2026-11-08 18:30:05 UTC");
  assert.equal(formatUtcInstant("2026-11-09T00:00:00+05:30"), "2026-11-08 18:30 UTC");
  assert.equal(formatUtcInstant("soon"), "soon");
});

Deno.test("neutralizeFormula: formulas get a leading quote, plain numbers do not", () => {
  for (const f of ["=SUM(A1:A2)", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\tx", "\r=1", "-"]) {
    assert.equal(neutralizeFormula(f), `'${f}`, JSON.stringify(f));
  }
  for (const n of ["+919812345678", "-42", "-3.5", "+1e5", "42", "text", "a=b", ""]) {
    assert.equal(neutralizeFormula(n), n, JSON.stringify(n));
  }
});

Deno.test("toCsv: a header, quoted fields, raw numbers, CRLF lines", () => {
  const csv = toCsv(
    ["Agent", "AHT (s)", "Customer", "Note"],
    [
      ["ann", 363.16, "+919812345678", 'said "hi", left'],
      ['=HYPERLINK("x")', null, "-42", "two\nlines"],
      ["bob", 0, "@home", true],
    ],
  );
  assert.equal(
    csv,
    "Agent,AHT (s),Customer,Note\r\n" +
      'ann,363.16,+919812345678,"said ""hi"", left"\r\n' +
      `"'=HYPERLINK(""x"")",,-42,"two\nlines"\r\n` +
      "bob,0,'@home,yes\r\n",
  );
  assert.equal(csvValue(undefined), "");
  assert.equal(csvValue(Number.NaN), "");
  assert.equal(csvField("a,b"), '"a,b"');
  assert.equal(secondsTitle(3700.5), "3,700.5 s");
});
