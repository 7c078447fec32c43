/**
 * Local calendar math for the generated evaluation, written on `Intl` alone so the
 * expected answers do not share code with the app's own time handling (`lib/time`).
 *
 * Days are handled as day numbers (days since 1970-01-01 of the proleptic Gregorian
 * calendar); a call belongs to the local day and hour its `start_time` shows in the zone.
 */

/** A local wall-clock reading of an instant. */
export interface LocalReading {
  /** Local calendar day as a day number (days since 1970-01-01). */
  day: number;
  /** Local hour of day, 0–23. */
  hour: number;
  /** Local minute, 0–59. */
  minute: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone: tz,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
      });
    } catch {
      throw new RangeError(`Cannot read time zone "${tz}": not an IANA time zone`);
    }
    formatters.set(tz, f);
  }
  return f;
}

/** The local day, hour and minute of instant `ms` in zone `tz`. */
export function readLocal(ms: number, tz: string): LocalReading {
  const parts = formatterFor(tz).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const hour = get("hour") % 24;
  return { day: dayNumber(get("year"), get("month"), get("day")), hour, minute: get("minute") };
}

/**
 * Reads the local day and hour of many instants in one zone, caching by quarter hour
 * (every modern UTC offset is a whole number of quarter hours, so the local day and hour
 * are constant inside one).
 */
export function localReader(tz: string): (ms: number) => { day: number; hour: number } {
  formatterFor(tz);
  const cache = new Map<number, { day: number; hour: number }>();
  return (ms) => {
    const key = Math.floor(ms / 900_000);
    let r = cache.get(key);
    if (!r) {
      const { day, hour } = readLocal(key * 900_000, tz);
      r = { day, hour };
      cache.set(key, r);
    }
    return r;
  };
}

/** Day number of a calendar date (month 1–12). */
export function dayNumber(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** The calendar date of a day number. */
export function dateOf(day: number): { year: number; month: number; day: number } {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** ISO weekday of a day number: 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: number): number {
  const w = new Date(day * DAY_MS).getUTCDay();
  return w === 0 ? 7 : w;
}

/** `YYYY-MM-DD` of a day number. */
export function isoDate(day: number): string {
  const { year, month, day: d } = dateOf(day);
  return `${year}-${String(month).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** Day number of the first day of the month holding `day`, shifted by `months` months. */
export function monthStart(day: number, months = 0): number {
  const { year, month } = dateOf(day);
  const m = month - 1 + months;
  return dayNumber(year + Math.floor(m / 12), ((m % 12) + 12) % 12 + 1, 1);
}

/**
 * An instant whose local reading in `tz` is the given wall time, to the minute (a time a
 * clock change skips gives the instant the clocks jump to; a repeated one, either).
 */
export function localInstant(
  tz: string,
  local: { day: number; hour: number; minute: number },
): number {
  const target = local.day * DAY_MS + (local.hour * 60 + local.minute) * 60_000;
  const wall = (ms: number) => {
    const r = readLocal(ms, tz);
    return r.day * DAY_MS + (r.hour * 60 + r.minute) * 60_000;
  };
  // Offsets lie within ±18 h: search the first instant whose wall time reaches the target.
  let lo = target - 18 * 3_600_000;
  let hi = target + 18 * 3_600_000;
  lo -= lo % 60_000;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (wall(mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}
