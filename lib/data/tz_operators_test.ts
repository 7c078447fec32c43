import assert from "node:assert/strict";
import { Aggregator } from "mingo";
import { Aggregator as BaseAggregator } from "mingo/aggregator";
import { buildMingoContext } from "./mingo_context.ts";
import { formatOffset, timeZoneOffsetMinutes, timeZoneOperators } from "./tz_operators.ts";

const context = buildMingoContext({ expression: timeZoneOperators });

/** Runs `pipeline` with the time zone operators (plain `Aggregator` is mingo's own). */
function fastRun(pipeline: Record<string, unknown>[], docs: Record<string, unknown>[]) {
  return new BaseAggregator(pipeline, { context }).run(docs);
}

/** Instants every 37 minutes over three days starting at `startIso`. */
function instants(startIso: string): { t: Date }[] {
  const start = Date.parse(startIso);
  const out: { t: Date }[] = [];
  for (let ms = start; ms < start + 3 * 86_400_000; ms += 37 * 60_000) {
    out.push({ t: new Date(ms + 123) });
  }
  return out;
}

function partsPipeline(tz: string): Record<string, unknown>[] {
  const d = { date: "$t", timezone: tz };
  return [{
    $project: {
      _id: 0,
      year: { $year: d },
      month: { $month: d },
      dom: { $dayOfMonth: d },
      dow: { $dayOfWeek: d },
      doy: { $dayOfYear: d },
      hour: { $hour: d },
      minute: { $minute: d },
      second: { $second: d },
      ms: { $millisecond: d },
      isoDow: { $isoDayOfWeek: d },
      isoWeek: { $isoWeek: d },
      isoWeekYear: { $isoWeekYear: d },
      week: { $week: d },
      s1: { $dateToString: { date: "$t", timezone: tz, format: "%Y-%m-%d %H:%M:%S.%L" } },
      s2: { $dateToString: { date: "$t", timezone: tz, format: "%z %Z %j %U %V %u %w %G" } },
      s3: { $dateToString: { date: "$t", timezone: tz } },
      parts: { $dateToParts: { date: "$t", timezone: tz } },
      isoParts: { $dateToParts: { date: "$t", timezone: tz, iso8601: true } },
      diffDay: {
        $dateDiff: {
          startDate: { $literal: new Date("2026-01-01T00:00:00Z") },
          endDate: "$t",
          unit: "day",
          timezone: tz,
        },
      },
      diffHour: {
        $dateDiff: {
          startDate: { $literal: new Date("2026-01-01T00:00:00Z") },
          endDate: "$t",
          unit: "hour",
          timezone: tz,
        },
      },
      diffWeek: {
        $dateDiff: {
          startDate: { $literal: new Date("2026-01-01T00:00:00Z") },
          endDate: "$t",
          unit: "week",
          timezone: tz,
          startOfWeek: "monday",
        },
      },
    },
  }];
}

const windows: [string, string][] = [
  ["America/New_York", "2026-03-07T00:00:00Z"],
  ["America/New_York", "2026-10-31T00:00:00Z"],
  ["Europe/London", "2026-03-28T00:00:00Z"],
  ["Europe/London", "2026-10-24T00:00:00Z"],
  ["Asia/Kolkata", "2026-11-23T00:00:00Z"],
];

for (const [tz, start] of windows) {
  Deno.test(`date operators in ${tz} from ${start} equal mingo's own results`, () => {
    const docs = instants(start);
    const pipeline = partsPipeline(tz);
    const expected = new Aggregator(pipeline).run(docs);
    const actual = fastRun(pipeline, docs);
    assert.equal(actual.length, docs.length);
    assert.deepEqual(actual, expected);
  });
}

Deno.test("timezone given by a field path is evaluated per document", () => {
  const docs = [
    { t: new Date("2026-07-01T12:00:00Z"), tz: "America/New_York" },
    { t: new Date("2026-07-01T12:00:00Z"), tz: "Asia/Kolkata" },
  ];
  const out = fastRun(
    [{ $project: { _id: 0, h: { $hour: { date: "$t", timezone: "$tz" } } } }],
    docs,
  );
  assert.deepEqual(out, [{ h: 8 }, { h: 17 }]);
});

Deno.test("zones mingo cannot read (UTC, three-part names) work", () => {
  const docs = [{ t: new Date("2026-07-01T12:34:00Z") }];
  const out = fastRun([{
    $project: {
      _id: 0,
      utc: { $hour: { date: "$t", timezone: "UTC" } },
      ba: {
        $dateToString: { date: "$t", timezone: "America/Argentina/Buenos_Aires", format: "%H:%M" },
      },
    },
  }], docs);
  assert.deepEqual(out, [{ utc: 12, ba: "09:34" }]);
});

Deno.test("fixed offsets and plain dates still go to mingo unchanged", () => {
  const docs = instants("2026-03-07T00:00:00Z").slice(0, 50);
  const pipeline = [{
    $project: {
      _id: 0,
      a: { $hour: "$t" },
      b: { $hour: { date: "$t", timezone: "-03:30" } },
      c: { $dateToString: { date: "$t", format: "%H:%M", timezone: "+05:45" } },
    },
  }];
  assert.deepEqual(fastRun(pipeline, docs), new Aggregator(pipeline).run(docs));
});

Deno.test("$dateTrunc truncates in local time", () => {
  const run = (t: string, spec: Record<string, unknown>) =>
    (fastRun([{ $project: { _id: 0, r: { $dateTrunc: { date: "$t", ...spec } } } }], [{
      t: new Date(t),
    }])[0] as { r: Date }).r.toISOString();
  // 01:30 on Wed 25 Nov in Kolkata.
  assert.equal(
    run("2026-11-24T20:00:00Z", { unit: "day", timezone: "Asia/Kolkata" }),
    "2026-11-24T18:30:00.000Z",
  );
  assert.equal(
    run("2026-11-24T20:10:00Z", { unit: "hour", timezone: "Asia/Kolkata" }),
    "2026-11-24T19:30:00.000Z",
  );
  assert.equal(
    run("2026-11-24T20:00:00Z", { unit: "week", timezone: "Asia/Kolkata", startOfWeek: "monday" }),
    "2026-11-22T18:30:00.000Z",
  );
  assert.equal(
    run("2026-11-24T20:00:00Z", { unit: "day", timezone: "+05:30" }),
    "2026-11-24T18:30:00.000Z",
  );
  // DST days in New York and London: midnight keeps the offset of that midnight.
  assert.equal(
    run("2026-03-08T12:00:00Z", { unit: "day", timezone: "America/New_York" }),
    "2026-03-08T05:00:00.000Z",
  );
  assert.equal(
    run("2026-11-01T12:00:00Z", { unit: "day", timezone: "America/New_York" }),
    "2026-11-01T04:00:00.000Z",
  );
  assert.equal(
    run("2026-11-15T12:00:00Z", { unit: "month", timezone: "America/New_York" }),
    "2026-11-01T04:00:00.000Z",
  );
  assert.equal(
    run("2026-03-29T12:00:00Z", { unit: "day", timezone: "Europe/London" }),
    "2026-03-29T00:00:00.000Z",
  );
  assert.equal(
    run("2026-07-29T12:00:00Z", { unit: "day", timezone: "Europe/London" }),
    "2026-07-28T23:00:00.000Z",
  );
  // Without a zone: mingo's UTC truncation.
  assert.equal(run("2026-11-24T20:00:00Z", { unit: "day" }), "2026-11-24T00:00:00.000Z");
});

Deno.test("$dateAdd and $dateFromParts follow the zone's offset at the result", () => {
  const out = fastRun([{
    $project: {
      _id: 0,
      add: { $dateAdd: { startDate: "$t", unit: "day", amount: 1, timezone: "America/New_York" } },
      addUtc: { $dateAdd: { startDate: "$t", unit: "day", amount: 1 } },
      sub: {
        $dateSubtract: { startDate: "$t", unit: "hour", amount: 2, timezone: "America/New_York" },
      },
      summer: { $dateFromParts: { year: 2026, month: 7, day: 1, timezone: "America/New_York" } },
      winter: { $dateFromParts: { year: 2026, month: 1, day: 1, timezone: "America/New_York" } },
      parsed: { $dateFromString: { dateString: "2026-07-01T10:00:00", timezone: "Europe/London" } },
    },
  }], [{ t: new Date("2026-03-07T17:00:00Z") }]) as Record<string, Date>[];
  assert.equal(out[0].add.toISOString(), "2026-03-08T16:00:00.000Z");
  assert.equal(out[0].addUtc.toISOString(), "2026-03-08T17:00:00.000Z");
  assert.equal(out[0].sub.toISOString(), "2026-03-07T15:00:00.000Z");
  assert.equal(out[0].summer.toISOString(), "2026-07-01T04:00:00.000Z");
  assert.equal(out[0].winter.toISOString(), "2026-01-01T05:00:00.000Z");
  assert.equal(out[0].parsed.toISOString(), "2026-07-01T09:00:00.000Z");
});

Deno.test("offsets change at the exact instant, also inside a UTC hour", () => {
  assert.equal(timeZoneOffsetMinutes("Asia/Kolkata", new Date("2026-11-24T20:00:00Z")), 330);
  assert.equal(timeZoneOffsetMinutes("America/New_York", Date.parse("2026-03-08T06:59:59Z")), -300);
  assert.equal(timeZoneOffsetMinutes("America/New_York", Date.parse("2026-03-08T07:00:00Z")), -240);
  // Lord Howe moves from +10:30 to +11:00 at 15:30 UTC.
  assert.equal(
    timeZoneOffsetMinutes("Australia/Lord_Howe", Date.parse("2026-10-03T15:29:00Z")),
    630,
  );
  assert.equal(
    timeZoneOffsetMinutes("Australia/Lord_Howe", Date.parse("2026-10-03T15:31:00Z")),
    660,
  );
  assert.equal(timeZoneOffsetMinutes("Not/AZone", Date.now()), null);
  assert.equal(formatOffset(-210), "-03:30");
  assert.equal(formatOffset(345), "+05:45");
});
