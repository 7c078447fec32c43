/**
 * The `time_of_day` filter: calls starting within a local clock window on each day of the
 * period. Over a period it compiles to one `start_time` range per local day (index
 * friendly, on MongoDB and the embedded engine alike), computed in the business zone so
 * that DST days keep their wall-clock window; with no period, to an `$expr` on the local
 * time of each call.
 */
import type { Document } from "../data/types.ts";
import { addDays, compareCivil, localDate, zonedWallTime } from "../time/zone.ts";
import { clockMinutes } from "./clock.ts";
import type { TimeOfDay } from "./types.ts";

export { timeOfDayLabel } from "./clock.ts";

/** The window in words for titles: "between 14:00 and 16:00". */
export function timeOfDayWords(t: TimeOfDay): string {
  return `between ${t.from} and ${t.to}`;
}

function minutes(clock: string, end = false): number {
  const m = clockMinutes(clock, end);
  if (m === null) throw new Error(`Not a clock time: ${clock}`);
  return m;
}

/**
 * The `$match` condition of the window on `start_time`: within `[start, end)` when a period
 * is given (one range per local day, in `tz`), else on the local clock time of every call.
 */
export function timeOfDayCondition(
  t: TimeOfDay,
  tz: string,
  period?: { start: Date; end: Date },
): Document {
  const from = minutes(t.from), to = minutes(t.to, true);
  if (!period) return clockCondition(from, to, tz);
  const ranges = dayRanges(from, to, tz, period);
  if (ranges.length === 0) {
    // Nothing of the window falls in the period: an empty range.
    return { start_time: { $gte: period.start, $lt: period.start } };
  }
  const conds = ranges.map(([a, b]) => ({ start_time: { $gte: a, $lt: b } }));
  return conds.length === 1 ? conds[0] : { $or: conds };
}

/** `[from, to)` of each local day touching the period, clipped to it, in order. */
function dayRanges(
  from: number,
  to: number,
  tz: string,
  period: { start: Date; end: Date },
): [Date, Date][] {
  const wraps = from > to;
  const out: [Date, Date][] = [];
  const start = period.start.getTime(), end = period.end.getTime();
  // A window past midnight starts the evening before the period's first day.
  let day = addDays(localDate(period.start, tz), wraps ? -1 : 0);
  const last = localDate(new Date(end - 1), tz);
  for (; compareCivil(day, last) <= 0; day = addDays(day, 1)) {
    const a = zonedWallTime(day, from * 60_000, tz).getTime();
    const b = zonedWallTime(wraps ? addDays(day, 1) : day, to * 60_000, tz).getTime();
    const lo = Math.max(a, start), hi = Math.min(b, end);
    if (lo >= hi) continue;
    const prev = out[out.length - 1];
    if (prev && prev[1].getTime() >= lo) prev[1] = new Date(Math.max(prev[1].getTime(), hi));
    else out.push([new Date(lo), new Date(hi)]);
  }
  return out;
}

/** Minutes after local midnight of `start_time` in `tz`, within `[from, to)` (wrapping). */
function clockCondition(from: number, to: number, tz: string): Document {
  const m = {
    $add: [
      { $multiply: [{ $hour: { date: "$start_time", timezone: tz } }, 60] },
      { $minute: { date: "$start_time", timezone: tz } },
    ],
  };
  const after = { $gte: [m, from] }, before = { $lt: [m, to] };
  return { $expr: from < to ? { $and: [after, before] } : { $or: [after, before] } };
}
