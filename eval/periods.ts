/**
 * The calendar periods of the guard families, as ranges of local day numbers (see
 * `local_time.ts`): quarters and months named without a year (the most recent one that
 * has begun), with a year, "last Monday", the last N days. Written on day numbers alone,
 * independent of the app's period parser (`lib/time`).
 */
import type { DayRange } from "./calls.ts";
import { dateOf, dayNumber, isoWeekday, monthStart } from "./local_time.ts";

/** Month names, January first. */
export const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

/** ISO weekday names, Monday (1) first: `WEEKDAY_NAMES[isoWeekday - 1]`. */
export const WEEKDAY_NAMES = [
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
  "Sunday",
] as const;

/** The whole calendar month `month` (1–12) of `year`. */
export function monthRange(year: number, month: number): DayRange {
  const from = dayNumber(year, month, 1);
  return { from, to: monthStart(from, 1) - 1 };
}

/** The whole quarter `q` (1–4) of `year`. */
export function quarterRange(year: number, q: number): DayRange {
  const from = dayNumber(year, 3 * (q - 1) + 1, 1);
  return { from, to: monthStart(from, 3) - 1 };
}

/** The quarter (1–4) and year holding `day`. */
export function quarterOf(day: number): { year: number; q: number } {
  const { year, month } = dateOf(day);
  return { year, q: Math.floor((month - 1) / 3) + 1 };
}

/** The quarter `steps` quarters after (negative: before) the quarter holding `day`. */
export function shiftQuarter(day: number, steps: number): { year: number; q: number } {
  const { year, q } = quarterOf(day);
  const k = year * 4 + (q - 1) + steps;
  return { year: Math.floor(k / 4), q: (k % 4 + 4) % 4 + 1 };
}

/**
 * "Q3" without a year: the most recent Q3 that has begun by `today` (the current quarter
 * when it is Q3, cut at today by the caller).
 */
export function recentQuarter(today: number, q: number): { year: number; range: DayRange } {
  const { year } = dateOf(today);
  const y = quarterRange(year, q).from <= today ? year : year - 1;
  return { year: y, range: quarterRange(y, q) };
}

/** "October" without a year: the most recent October that has begun by `today`. */
export function recentMonth(today: number, month: number): { year: number; range: DayRange } {
  const { year } = dateOf(today);
  const y = dayNumber(year, month, 1) <= today ? year : year - 1;
  return { year: y, range: monthRange(y, month) };
}

/**
 * "last Monday" (ISO weekday 1–7): the most recent such day before today (a week ago
 * when today is that weekday).
 */
export function lastWeekday(today: number, weekday: number): number {
  const back = (isoWeekday(today) - weekday + 7) % 7;
  return today - (back === 0 ? 7 : back);
}

/** The last `n` local calendar days ending today, today included. */
export function lastNDays(today: number, n: number): DayRange {
  return { from: today - n + 1, to: today };
}

/** The number of local calendar days in a range. */
export function daysIn(range: DayRange): number {
  return range.to - range.from + 1;
}

/** The part of `range` up to `today` (null when it starts after today). */
export function upTo(range: DayRange, today: number): DayRange | null {
  if (range.from > today) return null;
  return { from: range.from, to: Math.min(range.to, today) };
}
