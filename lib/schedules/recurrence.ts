/**
 * When a schedule runs next: daily, weekly on given weekdays, or monthly on day N, at a
 * local `HH:MM` in an IANA zone, on the app's own zone arithmetic (`lib/time/zone.ts`).
 *
 * DST rules: the time is local, so a 09:00 schedule stays at 09:00 local across clock
 * changes. A local time that does not exist that day (inside a spring-forward gap, such
 * as 02:30 in New York on the second Sunday of March) runs at the first instant after
 * the gap (03:00 local); a local time that happens twice (a fall-back overlap) runs once,
 * at its first occurrence.
 */
import {
  addDays,
  type CivilDate,
  daysInMonth,
  localDate,
  localParts,
  weekdayOf,
  zonedWallTime,
} from "../time/zone.ts";
import { WEEKDAY_NAMES } from "../time/words.ts";
import type { Recurrence } from "./types.ts";

/** Thrown for a recurrence that cannot be read; the message says what is wrong. */
export class RecurrenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RecurrenceError";
  }
}

/** Reads `HH:MM` (24-hour, `9:05` accepted) into hour and minute, or throws a RecurrenceError. */
export function parseClockTime(time: string): { hour: number; minute: number } {
  const m = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(String(time));
  const hour = m ? Number(m[1]) : NaN;
  const minute = m ? Number(m[2]) : NaN;
  if (!m || hour > 23 || minute > 59) {
    throw new RecurrenceError(
      `Cannot read the time "${time}": use 24-hour HH:MM such as 09:00 or 17:30`,
    );
  }
  return { hour, minute };
}

const WEEKDAY_WORDS = WEEKDAY_NAMES.map((d) => d.toLowerCase());

function weekdayNumber(v: unknown): number {
  if (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 7) return v;
  if (typeof v === "string") {
    const w = v.trim().toLowerCase();
    const i = WEEKDAY_WORDS.findIndex((d) => w.length >= 2 && d.startsWith(w));
    if (i >= 0) return i + 1;
    if (/^[1-7]$/.test(w)) return Number(w);
  }
  throw new RecurrenceError(
    `Cannot read the weekday ${JSON.stringify(v)}: use 1 (Monday) to 7 (Sunday) or a name`,
  );
}

/**
 * Validates a recurrence given as JSON (`{kind: "weekly", weekdays: ["monday"], time:
 * "09:00"}`; weekdays as 1–7 or names) and returns it normalised (`time` as `HH:MM`,
 * weekdays sorted 1–7). Throws a RecurrenceError saying what is wrong.
 */
export function parseRecurrence(v: unknown): Recurrence {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new RecurrenceError(
      'The recurrence must be an object such as {"kind": "weekly", "weekdays": [1], "time": "09:00"}',
    );
  }
  const r = v as Record<string, unknown>;
  if (typeof r.time !== "string") {
    throw new RecurrenceError('The recurrence needs a "time" as HH:MM, e.g. "09:00"');
  }
  const { hour, minute } = parseClockTime(r.time);
  const time = `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
  switch (r.kind) {
    case "daily":
      return { kind: "daily", time };
    case "weekly": {
      const raw = Array.isArray(r.weekdays) ? r.weekdays : [r.weekdays];
      if (r.weekdays === undefined || raw.length === 0) {
        throw new RecurrenceError('A weekly recurrence needs "weekdays", e.g. ["monday"] or [1]');
      }
      const weekdays = [...new Set(raw.map(weekdayNumber))].sort((a, b) => a - b);
      return { kind: "weekly", weekdays, time };
    }
    case "monthly": {
      const day = typeof r.day === "string" ? Number(r.day) : r.day;
      if (typeof day !== "number" || !Number.isInteger(day) || day < 1 || day > 31) {
        throw new RecurrenceError(
          `A monthly recurrence needs "day" from 1 to 31 (clamped to short months), got ${
            JSON.stringify(r.day)
          }`,
        );
      }
      return { kind: "monthly", day, time };
    }
    default:
      throw new RecurrenceError(
        `Unknown recurrence kind ${JSON.stringify(r.kind)}: use daily, weekly or monthly`,
      );
  }
}

function wallMs(c: CivilDate, hour: number, minute: number): number {
  return Date.UTC(c.year, c.month - 1, c.day, hour, minute);
}

function wallOf(d: Date, tz: string): number {
  const p = localParts(d, tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/**
 * The instant the wall clock in `tz` reads `hour:minute` on civil date `c`: the first of
 * the two when it reads so twice (fall back), and the first instant after the gap when
 * it never does (spring forward).
 */
export function localTimeInstant(c: CivilDate, hour: number, minute: number, tz: string): Date {
  const target = wallMs(c, hour, minute);
  const t = zonedWallTime(c, (hour * 60 + minute) * 60_000, tz);
  if (wallOf(t, tz) === target) return t;
  // In a gap: the earliest instant whose wall time is past the target (the jump itself).
  let lo = t.getTime() - 6 * 3_600_000;
  let hi = t.getTime();
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (wallOf(new Date(mid), tz) >= target) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

function runsOn(rec: Recurrence, c: CivilDate): boolean {
  switch (rec.kind) {
    case "daily":
      return true;
    case "weekly":
      return rec.weekdays.includes(weekdayOf(c));
    case "monthly":
      return c.day === Math.min(rec.day, daysInMonth(c.year, c.month));
  }
}

/**
 * The first instant strictly after `after` at which `rec` runs in `tz`. Throws a
 * RecurrenceError when none is found within two years (a weekly recurrence with no days).
 */
export function nextRunAt(rec: Recurrence, after: Date, tz: string): Date {
  const { hour, minute } = parseClockTime(rec.time);
  // Start a day early: `after`'s local date may still hold an earlier-zoned occurrence.
  let day = addDays(localDate(after, tz), -1);
  for (let i = 0; i < 800; i++, day = addDays(day, 1)) {
    if (!runsOn(rec, day)) continue;
    const t = localTimeInstant(day, hour, minute, tz);
    if (t.getTime() > after.getTime()) return t;
  }
  throw new RecurrenceError("The recurrence never runs: it names no day");
}

const ORDINAL = (n: number) => {
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : ["th", "st", "nd", "rd"][n % 10] ?? "th";
  return `${n}${s}`;
};

/** The recurrence in words: "every Monday and Thursday at 09:00 (Asia/Kolkata)". */
export function describeRecurrence(rec: Recurrence, tz: string): string {
  const at = `at ${rec.time} (${tz})`;
  switch (rec.kind) {
    case "daily":
      return `every day ${at}`;
    case "weekly": {
      const names = rec.weekdays.map((d) => WEEKDAY_NAMES[d - 1]);
      const list = names.length > 1
        ? `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`
        : names[0];
      return `every ${list} ${at}`;
    }
    case "monthly":
      return `on the ${ORDINAL(rec.day)} of every month ${at}` +
        (rec.day > 28 ? " (the last day in shorter months)" : "");
  }
}
