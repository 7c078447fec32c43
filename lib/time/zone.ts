/**
 * Time-zone arithmetic in an IANA business zone, on the runtime's `Intl` data only
 * (no server-zone dependence). Civil dates are plain `{year, month, day}` records with
 * month 1–12; instants are `Date`s.
 */

/** A calendar date (month 1–12). */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** The wall-clock reading of an instant in a zone. */
export interface LocalParts extends CivilDate {
  hour: number;
  minute: number;
  second: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

const DAY_MS = 86_400_000;

/** True when `tz` is an IANA zone name this runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone: tz,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch {
      throw new RangeError(`Cannot use time zone "${tz}": not an IANA time zone name`);
    }
    formatters.set(tz, f);
  }
  return f;
}

/** The wall-clock reading of `d` in `tz`. */
export function localParts(d: Date, tz: string): LocalParts {
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw new RangeError("Cannot read an invalid date");
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(tz).formatToParts(ms)) {
    if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  }
  if (out.hour === 24) out.hour = 0;
  return { ...out, weekday: weekdayOf(out) };
}

/** The zone's offset from UTC at instant `d`, in milliseconds (east positive). */
export function zoneOffsetMs(d: Date, tz: string): number {
  const p = localParts(d, tz);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(d.getTime() / 1000) * 1000;
}

/** ISO weekday of a civil date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(c: CivilDate): number {
  const dow = new Date(Date.UTC(c.year, c.month - 1, c.day)).getUTCDay();
  return dow === 0 ? 7 : dow;
}

/** The civil date `n` days after `c` (negative: before). */
export function addDays(c: CivilDate, n: number): CivilDate {
  const t = new Date(Date.UTC(c.year, c.month - 1, c.day) + n * DAY_MS);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** The civil date `n` months after `c`, the day clamped to the target month's length. */
export function addMonths(c: CivilDate, n: number): CivilDate {
  const idx = c.year * 12 + (c.month - 1) + n;
  const year = Math.floor(idx / 12);
  const month = idx - year * 12 + 1;
  return { year, month, day: Math.min(c.day, daysInMonth(year, month)) };
}

/** Number of days in a month (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Compares civil dates: negative when a < b, 0 when equal, positive when a > b. */
export function compareCivil(a: CivilDate, b: CivilDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** Whole days from civil date a to civil date b. */
export function daysBetween(a: CivilDate, b: CivilDate): number {
  return Math.round(
    (Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS,
  );
}

/** True when the numbers make a real calendar date. */
export function isValidCivil(year: number, month: number, day: number): boolean {
  return Number.isInteger(year) && Number.isInteger(month) && Number.isInteger(day) &&
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** `2026-11-24` for a civil date. */
export function civilString(c: CivilDate): string {
  return `${String(c.year).padStart(4, "0")}-${pad2(c.month)}-${pad2(c.day)}`;
}

/** The local calendar date of `d` in `tz`. */
export function localDate(d: Date, tz: string): CivilDate {
  const { year, month, day } = localParts(d, tz);
  return { year, month, day };
}

/** The local date of `d` in `tz` as `2026-11-24`. */
export function localDateString(d: Date, tz: string): string {
  return civilString(localDate(d, tz));
}

/** The local hour of day (0–23) of `d` in `tz`. */
export function localHour(d: Date, tz: string): number {
  return localParts(d, tz).hour;
}

/** `d` as local wall-clock time in `tz`: `2026-11-24 14:05`. */
export function formatLocal(d: Date, tz: string): string {
  const p = localParts(d, tz);
  return `${civilString(p)} ${pad2(p.hour)}:${pad2(p.minute)}`;
}

/**
 * The first instant of the local day `year-month-day` in `tz` (its local midnight, or
 * the end of the DST gap when midnight does not exist that day, as in São Paulo's
 * historical transitions). Month is 1–12.
 */
export function zonedMidnight(year: number, month: number, day: number, tz: string): Date {
  const target = { year, month, day };
  const wall = Date.UTC(year, month - 1, day);
  const offsets = new Set([
    zoneOffsetMs(new Date(wall - DAY_MS), tz),
    zoneOffsetMs(new Date(wall), tz),
    zoneOffsetMs(new Date(wall + DAY_MS), tz),
  ]);
  let best: number | null = null;
  for (const off of offsets) {
    const t = wall - off;
    const p = localParts(new Date(t), tz);
    if (compareCivil(p, target) === 0 && p.hour === 0 && p.minute === 0 && p.second === 0) {
      if (best === null || t < best) best = t;
    }
  }
  if (best !== null) return new Date(best);
  // Midnight falls in a gap: find the first instant whose local date is the target day.
  let lo = wall - 36 * 3_600_000;
  let hi = wall + 36 * 3_600_000;
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (compareCivil(localDate(new Date(mid), tz), target) >= 0) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

/** The first instant of a civil date in `tz`. */
export function startOfDay(c: CivilDate, tz: string): Date {
  return zonedMidnight(c.year, c.month, c.day, tz);
}

/**
 * Parses a clock value (`--now`, `NOW`): an ISO instant (`2026-11-24T09:00:00Z`,
 * `2026-11-24T14:30+05:30`), or an ISO local date-time without offset, read in `tz`
 * (UTC when no zone is given). A bare date means that day's local midnight.
 * Throws a RangeError naming the value when it is not such a time.
 */
export function parseNow(text: string, tz = "UTC"): Date {
  const s = text.trim();
  const m = s.match(
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i,
  );
  if (!m) {
    throw new RangeError(
      `Cannot read the time "${text}": expected an ISO instant such as 2026-11-24T09:00:00Z`,
    );
  }
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, "0")) : 0;
  if (!isValidCivil(year, month, day) || hour > 23 || minute > 59 || second > 59) {
    throw new RangeError(`Cannot read the time "${text}": not a real date and time`);
  }
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (m[8]) {
    if (m[8].toUpperCase() === "Z") return new Date(wall);
    const sign = m[8][0] === "-" ? -1 : 1;
    const digits = m[8].slice(1).replace(":", "");
    const off = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    return new Date(wall - off);
  }
  return zonedWallTime(
    { year, month, day },
    hour * 3_600_000 + minute * 60_000 + second * 1000 + ms,
    tz,
  );
}

/**
 * The instant at which the wall clock in `tz` reads `msOfDay` after midnight of civil
 * date `c`. In a DST gap it moves forward by the gap; in an overlap it takes the earlier.
 */
export function zonedWallTime(c: CivilDate, msOfDay: number, tz: string): Date {
  const wall = Date.UTC(c.year, c.month - 1, c.day) + msOfDay;
  const before = zoneOffsetMs(new Date(wall - DAY_MS), tz);
  const after = zoneOffsetMs(new Date(wall + DAY_MS), tz);
  const candidates = [...new Set([before, after])].map((off) => wall - off).sort((a, b) => a - b);
  for (const t of candidates) {
    if (checkWall(t, wall, tz)) return new Date(t);
  }
  // In a gap: the earlier offset applied (the clock had not jumped yet).
  return new Date(wall - before);
}

function checkWall(t: number, wall: number, tz: string): boolean {
  const p = localParts(new Date(t), tz);
  const w = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return w === Math.floor(wall / 1000) * 1000;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}
