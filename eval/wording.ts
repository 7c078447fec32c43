/**
 * Small pieces of wording for the generated evaluation: a seeded choice among
 * paraphrases, dates written the ways a supervisor writes them, and the spellings of a
 * local hour that a text check can look for without matching another hour.
 */
import { mulberry32 } from "../lib/data/seed.ts";
import { dateOf, isoDate } from "./local_time.ts";
import { MONTH_NAMES } from "./periods.ts";

/** A PRNG in [0, 1) for one purpose (`salt`) under `seed` (mulberry32 over a string hash). */
export function randomFor(seed: number, salt: string): () => number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < salt.length; i++) h = Math.imul(h ^ salt.charCodeAt(i), 0x01000193) >>> 0;
  return mulberry32(h);
}

/** One of `items`, chosen by `random`. */
export function choose<T>(random: () => number, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError("Cannot choose from an empty list");
  return items[Math.floor(random() * items.length)];
}

/** The ways `formatDay` writes a date. */
export type DateStyle = "iso" | "day_month" | "month_ordinal" | "month_day_year";

function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? "th" : ["th", "st", "nd", "rd"][n % 10] ?? "th";
  return `${n}${suffix}`;
}

/**
 * A local day written in `style`: `2026-11-20`, `20 Nov`, `November 20th` or
 * `Nov 20, 2026`. The styles without a year fall back to `iso` unless the day is in
 * `currentYear` (a yearless date means this year).
 */
export function formatDay(day: number, style: DateStyle, currentYear: number): string {
  const { year, month, day: d } = dateOf(day);
  const yearless = style === "day_month" || style === "month_ordinal";
  if (yearless && year !== currentYear) return isoDate(day);
  const name = MONTH_NAMES[month - 1];
  switch (style) {
    case "day_month":
      return `${d} ${name.slice(0, 3)}`;
    case "month_ordinal":
      return `${name} ${ordinal(d)}`;
    case "month_day_year":
      return `${name.slice(0, 3)} ${d}, ${year}`;
    default:
      return isoDate(day);
  }
}

/**
 * Spellings of local hour `hour` (0–23) that name no other hour as a substring:
 * `09:00`, `9 AM`, `9am`, `9 am` (the 12-hour forms of 1 and 2 are left out, since they
 * sit inside 11 and 12).
 */
export function hourSpellings(hour: number): string[] {
  const out = [`${String(hour).padStart(2, "0")}:00`];
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  if (h12 !== 1 && h12 !== 2) {
    const ampm = hour < 12 ? "AM" : "PM";
    out.push(`${h12} ${ampm}`, `${h12}${ampm.toLowerCase()}`, `${h12} ${ampm.toLowerCase()}`);
  }
  return out;
}

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/**
 * Spellings of ISO weekday `weekday` (1 = Monday) that a text check can look for: the
 * full name, and the three-letter form where it stands alone (` Tue `, `**Tue**`,
 * `(Tue)`, …), since "mon" sits inside "month" and "wed" inside "showed".
 */
export function weekdaySpellings(weekday: number): string[] {
  const name = WEEKDAYS[weekday - 1];
  if (!name) throw new RangeError(`Cannot spell weekday ${weekday}: not 1–7`);
  const a = name.slice(0, 3);
  return [name, ` ${a} `, ` ${a},`, ` ${a}.`, ` ${a}:`, `*${a}*`, `(${a})`];
}
