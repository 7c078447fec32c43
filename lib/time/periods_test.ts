import assert from "node:assert/strict";
import { findPeriod, type PeriodOptions, resolvePeriod } from "./periods.ts";
import type { ResolvedPeriod } from "../reports/types.ts";

const H = 3_600_000;
/** Tuesday 24 Nov 2026, 14:30 in Kolkata. */
const KOLKATA: PeriodOptions = { tz: "Asia/Kolkata", now: new Date("2026-11-24T09:00:00Z") };

function resolved(text: string, opts: PeriodOptions): ResolvedPeriod {
  const p = resolvePeriod(text, opts);
  assert.ok(p, `"${text}" names a period`);
  return p;
}

/** Asserts [start, end) as ISO strings, and the label when given. */
function expectPeriod(
  text: string,
  opts: PeriodOptions,
  start: string,
  end: string,
  label?: string,
): void {
  const p = resolved(text, opts);
  assert.equal(p.start.toISOString(), new Date(start).toISOString(), `"${text}" start`);
  assert.equal(p.end.toISOString(), new Date(end).toISOString(), `"${text}" end`);
  if (label !== undefined) assert.equal(p.label, label, `"${text}" label`);
}

const hours = (p: ResolvedPeriod) => (p.end.getTime() - p.start.getTime()) / H;
const NOW_K = "2026-11-24T09:00:00Z";

Deno.test("resolvePeriod: today, yesterday, this/last week and month in Kolkata", () => {
  const k = KOLKATA;
  expectPeriod("today", k, "2026-11-23T18:30:00Z", NOW_K, "today (24 Nov 2026)");
  expectPeriod(
    "yesterday",
    k,
    "2026-11-22T18:30:00Z",
    "2026-11-23T18:30:00Z",
    "yesterday (23 Nov 2026)",
  );
  expectPeriod(
    "this week",
    k,
    "2026-11-22T18:30:00Z",
    NOW_K,
    "this week (23 Nov – 24 Nov 2026)",
  );
  expectPeriod(
    "last week",
    k,
    "2026-11-15T18:30:00Z",
    "2026-11-22T18:30:00Z",
    "last week (16 Nov – 22 Nov 2026)",
  );
  expectPeriod("this month", k, "2026-10-31T18:30:00Z", NOW_K, "this month (1 Nov – 24 Nov 2026)");
  expectPeriod(
    "last month",
    k,
    "2026-09-30T18:30:00Z",
    "2026-10-31T18:30:00Z",
    "last month (October 2026)",
  );
  expectPeriod("this year", k, "2025-12-31T18:30:00Z", NOW_K, "this year (1 Jan – 24 Nov 2026)");
  expectPeriod("last year", k, "2024-12-31T18:30:00Z", "2025-12-31T18:30:00Z", "last year (2025)");
  expectPeriod("previous week", k, "2026-11-15T18:30:00Z", "2026-11-22T18:30:00Z");
  expectPeriod("day before yesterday", k, "2026-11-21T18:30:00Z", "2026-11-22T18:30:00Z");
  expectPeriod("month to date", k, "2026-10-31T18:30:00Z", NOW_K);
  expectPeriod("YTD", k, "2025-12-31T18:30:00Z", NOW_K);
  expectPeriod("this quarter", k, "2026-09-30T18:30:00Z", NOW_K);
  expectPeriod("last quarter", k, "2026-06-30T18:30:00Z", "2026-09-30T18:30:00Z");
});

Deno.test("resolvePeriod: last N days/weeks/months/hours count today", () => {
  const k = KOLKATA;
  expectPeriod(
    "last 7 days",
    k,
    "2026-11-17T18:30:00Z",
    NOW_K,
    "last 7 days (18 Nov – 24 Nov 2026)",
  );
  expectPeriod("last 1 day", k, "2026-11-23T18:30:00Z", NOW_K);
  expectPeriod("past seven days", k, "2026-11-17T18:30:00Z", NOW_K);
  expectPeriod("in the last 30 days", k, "2026-10-25T18:30:00Z", NOW_K);
  expectPeriod(
    "past 2 weeks",
    k,
    "2026-11-10T18:30:00Z",
    NOW_K,
    "last 2 weeks (11 Nov – 24 Nov 2026)",
  );
  expectPeriod("last two weeks", k, "2026-11-10T18:30:00Z", NOW_K);
  expectPeriod("past week", k, "2026-11-17T18:30:00Z", NOW_K);
  expectPeriod("last 3 months", k, "2026-08-24T18:30:00Z", NOW_K);
  expectPeriod("last 24 hours", k, "2026-11-23T09:00:00Z", NOW_K);
  assert.equal(resolvePeriod("last 0 days", k), null);
});

Deno.test("resolvePeriod: one date in every written form is that local day", () => {
  for (
    const text of [
      "2026-11-20",
      "20 Nov",
      "20 November 2026",
      "November 20th",
      "Nov 20",
      "Nov 20, 2026",
      "20/11/2026",
      "20-11-2026",
      "20th of November",
      "on the 20th of Nov",
      "2026/11/20",
    ]
  ) {
    expectPeriod(text, KOLKATA, "2026-11-19T18:30:00Z", "2026-11-20T18:30:00Z", "2026-11-20");
  }
  // Month first only when day first cannot be a date.
  expectPeriod("11/20/2026", KOLKATA, "2026-11-19T18:30:00Z", "2026-11-20T18:30:00Z");
  expectPeriod("03/11/2026", KOLKATA, "2026-11-02T18:30:00Z", "2026-11-03T18:30:00Z");
  // Today's date ends at now.
  expectPeriod("24 Nov", KOLKATA, "2026-11-23T18:30:00Z", NOW_K);
});

Deno.test("resolvePeriod: a date without a year is the latest one not after today", () => {
  expectPeriod("Dec 25", KOLKATA, "2025-12-24T18:30:00Z", "2025-12-25T18:30:00Z", "2025-12-25");
  expectPeriod("25 Nov", KOLKATA, "2025-11-24T18:30:00Z", "2025-11-25T18:30:00Z");
  expectPeriod("23 Nov", KOLKATA, "2026-11-22T18:30:00Z", "2026-11-23T18:30:00Z");
});

Deno.test("resolvePeriod: months, with or without a year", () => {
  const k = KOLKATA;
  expectPeriod("in October", k, "2026-09-30T18:30:00Z", "2026-10-31T18:30:00Z", "October 2026");
  expectPeriod("October", k, "2026-09-30T18:30:00Z", "2026-10-31T18:30:00Z");
  expectPeriod("in October 2025", k, "2025-09-30T18:30:00Z", "2025-10-31T18:30:00Z");
  expectPeriod("Oct 2025", k, "2025-09-30T18:30:00Z", "2025-10-31T18:30:00Z");
  expectPeriod("2025-10", k, "2025-09-30T18:30:00Z", "2025-10-31T18:30:00Z");
  expectPeriod("December", k, "2025-11-30T18:30:00Z", "2025-12-31T18:30:00Z", "December 2025");
  expectPeriod("November", k, "2026-10-31T18:30:00Z", NOW_K, "November 2026");
  expectPeriod("the month of May", k, "2026-04-30T18:30:00Z", "2026-05-31T18:30:00Z");
  expectPeriod("May", k, "2026-04-30T18:30:00Z", "2026-05-31T18:30:00Z");
  expectPeriod("last October", k, "2026-09-30T18:30:00Z", "2026-10-31T18:30:00Z");
  expectPeriod("in 2025", k, "2024-12-31T18:30:00Z", "2025-12-31T18:30:00Z", "2025");
});

Deno.test("resolvePeriod: ranges include both days", () => {
  const k = KOLKATA;
  const nov5to13 = ["2026-11-04T18:30:00Z", "2026-11-13T18:30:00Z"] as const;
  for (
    const text of [
      "from 2026-11-05 to 2026-11-13",
      "between 2026-11-05 and 2026-11-13",
      "2026-11-05 - 2026-11-13",
      "5 Nov – 13 Nov 2026",
      "from 5 Nov to 13 Nov",
      "from 13 Nov to 5 Nov",
      "Nov 5-13",
      "5-13 Nov",
      "from the 5th to the 13th of November",
      "between Nov 5 and 13",
      "05/11/2026 to 13/11/2026",
      "from November 5th through November 13th, 2026",
    ]
  ) {
    expectPeriod(text, k, ...nov5to13, "5 Nov – 13 Nov 2026");
  }
  expectPeriod("between 3 Nov and 7 Nov", k, "2026-11-02T18:30:00Z", "2026-11-07T18:30:00Z");
  expectPeriod(
    "between 28 Dec and 3 Jan",
    k,
    "2025-12-27T18:30:00Z",
    "2026-01-03T18:30:00Z",
    "28 Dec 2025 – 3 Jan 2026",
  );
  expectPeriod("from September to October", k, "2026-08-31T18:30:00Z", "2026-10-31T18:30:00Z");
  // A range reaching past now ends at now.
  expectPeriod(
    "from 2026-11-20 to 30 Nov",
    k,
    "2026-11-19T18:30:00Z",
    NOW_K,
    "20 Nov – 30 Nov 2026",
  );
  expectPeriod("since 1 Nov", k, "2026-10-31T18:30:00Z", NOW_K, "since 1 Nov 2026");
});

Deno.test("resolvePeriod: weekdays are the latest such day", () => {
  // Now is a Tuesday.
  const k = KOLKATA;
  expectPeriod(
    "on Monday",
    k,
    "2026-11-22T18:30:00Z",
    "2026-11-23T18:30:00Z",
    "Monday (2026-11-23)",
  );
  expectPeriod("Monday", k, "2026-11-22T18:30:00Z", "2026-11-23T18:30:00Z");
  expectPeriod("last Friday", k, "2026-11-19T18:30:00Z", "2026-11-20T18:30:00Z");
  expectPeriod("on Tuesday", k, "2026-11-23T18:30:00Z", NOW_K);
  expectPeriod("last Tuesday", k, "2026-11-16T18:30:00Z", "2026-11-17T18:30:00Z");
  expectPeriod("3 days ago", k, "2026-11-20T18:30:00Z", "2026-11-21T18:30:00Z");
});

Deno.test("resolvePeriod: no period reaches past now; future dates are empty", () => {
  const p = resolved("2026-12-01", KOLKATA);
  assert.equal(p.start.getTime(), KOLKATA.now.getTime());
  assert.equal(p.end.getTime(), KOLKATA.now.getTime());
  for (const text of ["today", "this week", "this month", "this year", "last 7 days", "November"]) {
    assert.ok(resolved(text, KOLKATA).end.getTime() <= KOLKATA.now.getTime(), text);
  }
});

Deno.test("resolvePeriod: null when no period is named or the date is not real", () => {
  for (
    const text of [
      "",
      "all calls",
      "top 5 agents by talk time",
      "calls from +919812345678",
      "call C20261124-000123",
      "2027-02-29",
      "31 Apr",
      "calls by june",
      "last weekend",
    ]
  ) {
    assert.equal(resolvePeriod(text, KOLKATA), null, `"${text}"`);
  }
});

Deno.test("findPeriod: the words naming a period inside a question", () => {
  const k = KOLKATA;
  const cases: [string, string, string][] = [
    ["How many missed calls were there on 2026-11-20?", "on 2026-11-20", "2026-11-20"],
    [
      "Export all outgoing calls from 2026-11-05 to 2026-11-13 to Excel",
      "from 2026-11-05 to 2026-11-13",
      "5 Nov – 13 Nov 2026",
    ],
    [
      "answered calls between 3 Nov and 7 Nov please",
      "between 3 Nov and 7 Nov",
      "3 Nov – 7 Nov 2026",
    ],
    [
      "Show agent performance for the last 7 days",
      "the last 7 days",
      "last 7 days (18 Nov – 24 Nov 2026)",
    ],
    [
      "abandonment rate in the past 2 weeks",
      "the past 2 weeks",
      "last 2 weeks (11 Nov – 24 Nov 2026)",
    ],
    ["How many calls this month?", "this month", "this month (1 Nov – 24 Nov 2026)"],
    ["Which agent handled the most calls in October?", "in October", "October 2026"],
    ["missed calls on Monday", "on Monday", "Monday (2026-11-23)"],
    ["How many calls were made today?", "today", "today (24 Nov 2026)"],
    ["calls handled by priya last week", "last week", "last week (16 Nov – 22 Nov 2026)"],
    ["incoming calls in May", "in May", "May 2026"],
  ];
  for (const [q, text, label] of cases) {
    const f = findPeriod(q, k);
    assert.ok(f, q);
    assert.equal(f.text, text, q);
    assert.equal(f.index, q.indexOf(text), q);
    assert.equal(f.period.label, label, q);
  }
  for (
    const q of [
      "How many calls are there?",
      "top 10 agents by calls handled",
      "calls that may need a callback",
      "calls per weekday on mondays",
      "calls from 9812345678",
      "call duration statistics for queue 2",
      "Monday",
    ]
  ) {
    assert.equal(findPeriod(q, k), null, q);
  }
});

Deno.test("periods in a +05:45 zone start at local midnight", () => {
  const k: PeriodOptions = { tz: "Asia/Kathmandu", now: new Date("2026-11-24T09:00:00Z") };
  expectPeriod("today", k, "2026-11-23T18:15:00Z", "2026-11-24T09:00:00Z", "today (24 Nov 2026)");
  expectPeriod("yesterday", k, "2026-11-22T18:15:00Z", "2026-11-23T18:15:00Z");
  // 23:30 UTC is already the next local day.
  const late: PeriodOptions = { tz: "Asia/Kathmandu", now: new Date("2026-11-24T23:30:00Z") };
  expectPeriod(
    "today",
    late,
    "2026-11-24T18:15:00Z",
    "2026-11-24T23:30:00Z",
    "today (25 Nov 2026)",
  );
});

Deno.test("periods across month and year boundaries", () => {
  const jan1: PeriodOptions = { tz: "UTC", now: new Date("2027-01-01T10:00:00Z") };
  expectPeriod(
    "last month",
    jan1,
    "2026-12-01T00:00:00Z",
    "2027-01-01T00:00:00Z",
    "last month (December 2026)",
  );
  expectPeriod("this year", jan1, "2027-01-01T00:00:00Z", "2027-01-01T10:00:00Z");
  expectPeriod("last year", jan1, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
  expectPeriod(
    "this week",
    jan1,
    "2026-12-28T00:00:00Z",
    "2027-01-01T10:00:00Z",
    "this week (28 Dec 2026 – 1 Jan 2027)",
  );
  expectPeriod("yesterday", jan1, "2026-12-31T00:00:00Z", "2027-01-01T00:00:00Z");
  expectPeriod("Dec 31", jan1, "2026-12-31T00:00:00Z", "2027-01-01T00:00:00Z");
  const jan5: PeriodOptions = { tz: "Asia/Kolkata", now: new Date("2027-01-05T06:00:00Z") };
  expectPeriod(
    "last week",
    jan5,
    "2026-12-27T18:30:00Z",
    "2027-01-03T18:30:00Z",
    "last week (28 Dec 2026 – 3 Jan 2027)",
  );
  expectPeriod(
    "last 7 days",
    jan5,
    "2026-12-29T18:30:00Z",
    "2027-01-05T06:00:00Z",
    "last 7 days (30 Dec 2026 – 5 Jan 2027)",
  );
  expectPeriod("in December", jan5, "2026-11-30T18:30:00Z", "2026-12-31T18:30:00Z");
});

Deno.test("periods around a leap day", () => {
  const mar1: PeriodOptions = { tz: "UTC", now: new Date("2028-03-01T12:00:00Z") };
  expectPeriod("yesterday", mar1, "2028-02-29T00:00:00Z", "2028-03-01T00:00:00Z");
  expectPeriod("29 Feb", mar1, "2028-02-29T00:00:00Z", "2028-03-01T00:00:00Z", "2028-02-29");
  assert.equal(hours(resolved("last month", mar1)), 29 * 24);
  // Without a year, 29 Feb is the latest one that existed.
  const later: PeriodOptions = { tz: "UTC", now: new Date("2027-03-01T12:00:00Z") };
  expectPeriod("Feb 29", later, "2024-02-29T00:00:00Z", "2024-03-01T00:00:00Z");
  assert.equal(hours(resolved("last month", later)), 28 * 24);
});

Deno.test("weeks and days containing a DST transition are 167/169 and 23/25 hours", () => {
  const ny = (now: string): PeriodOptions => ({ tz: "America/New_York", now: new Date(now) });
  const spring = resolved("last week", ny("2026-03-10T15:00:00Z"));
  assert.equal(spring.start.toISOString(), "2026-03-02T05:00:00.000Z");
  assert.equal(spring.end.toISOString(), "2026-03-09T04:00:00.000Z");
  assert.equal(hours(spring), 167);
  assert.equal(hours(resolved("last week", ny("2026-11-03T15:00:00Z"))), 169);
  assert.equal(hours(resolved("2026-03-08", ny("2026-03-10T15:00:00Z"))), 23);
  assert.equal(hours(resolved("Nov 1", ny("2026-11-03T15:00:00Z"))), 25);

  const london: PeriodOptions = { tz: "Europe/London", now: new Date("2026-03-31T12:00:00Z") };
  assert.equal(hours(resolved("last week", london)), 167);
  const londonOct: PeriodOptions = { tz: "Europe/London", now: new Date("2026-10-27T12:00:00Z") };
  assert.equal(hours(resolved("last week", londonOct)), 169);
  assert.equal(
    hours(resolved("yesterday", { ...london, now: new Date("2026-03-30T12:00:00Z") })),
    23,
  );

  const sydney: PeriodOptions = { tz: "Australia/Sydney", now: new Date("2026-04-08T02:00:00Z") };
  const autumn = resolved("last week", sydney);
  assert.equal(autumn.start.toISOString(), "2026-03-29T13:00:00.000Z");
  assert.equal(hours(autumn), 169);
  const spring2: PeriodOptions = { tz: "Australia/Sydney", now: new Date("2026-10-07T02:00:00Z") };
  assert.equal(hours(resolved("last week", spring2)), 167);

  // Non-DST zones: always 168.
  for (const tz of ["Asia/Kolkata", "UTC", "Asia/Kathmandu"]) {
    assert.equal(hours(resolved("last week", { tz, now: new Date("2026-03-10T15:00:00Z") })), 168);
  }
});

Deno.test("a day whose local midnight does not exist (São Paulo 2018)", () => {
  const sp: PeriodOptions = { tz: "America/Sao_Paulo", now: new Date("2018-11-05T15:00:00Z") };
  const y = resolved("yesterday", sp);
  assert.equal(y.start.toISOString(), "2018-11-04T03:00:00.000Z");
  assert.equal(y.end.toISOString(), "2018-11-05T02:00:00.000Z");
  assert.equal(hours(y), 23);
  assert.equal(y.label, "yesterday (4 Nov 2018)");
});

Deno.test("resolvePeriod: quarters without a year are the latest begun; the current one ends now", () => {
  // Kolkata is UTC+5:30: a local midnight is 18:30 UTC the day before.
  expectPeriod("Q3", KOLKATA, "2026-06-30T18:30:00Z", "2026-09-30T18:30:00Z");
  expectPeriod("in q1", KOLKATA, "2025-12-31T18:30:00Z", "2026-03-31T18:30:00Z");
  expectPeriod(
    "the third quarter of 2025",
    KOLKATA,
    "2025-06-30T18:30:00Z",
    "2025-09-30T18:30:00Z",
  );
  const q4 = resolved("Q4", KOLKATA);
  assert.equal(q4.start.toISOString(), "2026-09-30T18:30:00.000Z");
  assert.equal(q4.end.toISOString(), KOLKATA.now.toISOString());
  assert.match(q4.label, /so far/);
  // Q4 of next year has not begun: no period.
  assert.equal(resolvePeriod("Q4 2027", KOLKATA), null);
  const found = findPeriod("how many incoming calls did we get in Q3?", KOLKATA);
  assert.equal(found?.text, "in Q3");
  assert.equal(findPeriod("calls this week so far", KOLKATA)?.text, "this week so far");
});

Deno.test("findPeriod: a date said with its weekday is that one day; another weekday is not", () => {
  // 20 Nov 2026 is a Friday.
  for (
    const q of [
      "calls on Friday 20 November",
      "calls on friday, 20 Nov 2026",
      "calls on 20 November (Friday)",
      "calls Friday the 20th of November",
    ]
  ) {
    const f = findPeriod(q, KOLKATA);
    assert.ok(f, q);
    assert.equal(f.period.start.toISOString(), "2026-11-19T18:30:00.000Z", q);
    assert.equal(f.period.end.toISOString(), "2026-11-20T18:30:00.000Z", q);
    assert.equal(f.period.label, "Friday (2026-11-20)", q);
    assert.ok(/friday/i.test(f.text) && /20/.test(f.text), `${q}: ${f.text}`);
  }
  // A weekday that is not the date's: the two are found apart (the planner asks back).
  const apart = findPeriod("calls on Monday 20 November", KOLKATA);
  assert.equal(apart?.text, "on Monday");
});

Deno.test("resolvePeriod: numeric dates are read in the zone's order (month first in the US)", () => {
  const la: PeriodOptions = { tz: "America/Los_Angeles", now: new Date("2026-11-24T09:00:00Z") };
  assert.equal(resolved("11/01/2026", la).label, "2026-11-01");
  assert.equal(resolved("11/01/2026", KOLKATA).label, "2026-01-11");
  // The other order only when the zone's cannot be a date.
  assert.equal(resolved("20/11/2026", la).label, "2026-11-20");
  assert.equal(resolved("11/20/2026", KOLKATA).label, "2026-11-20");
  const range = resolved("from 10/25/2026 to 11/01/2026", la);
  assert.equal(range.label, "25 Oct – 1 Nov 2026");
});
