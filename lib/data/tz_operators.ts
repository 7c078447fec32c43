/**
 * Fast, DST-correct IANA time zones for mingo's date expression operators.
 *
 * mingo resolves an IANA zone (`timezone: "Asia/Kolkata"`) with two
 * `Date#toLocaleString` calls per document (about 0.3 ms each), and only accepts
 * `Area/Location` names. The wrappers here compute the zone's UTC offset at the
 * document's instant with a cached `Intl.DateTimeFormat` (one cache entry per zone
 * and UTC hour) and hand mingo's own operator a fixed offset such as `+05:30`, so
 * results are the same, only much faster, and any zone `Intl` knows works (`UTC`,
 * `America/Argentina/Buenos_Aires`, …).
 *
 * Where mingo ignores or misreads the zone, the wrappers follow MongoDB instead:
 * `$dateTrunc` truncates in local time (mingo truncates in UTC), `$dateAdd` and
 * `$dateSubtract` add calendar units in local time, and `$dateFromParts` /
 * `$dateFromString` use the offset at the resulting instant (mingo uses today's).
 *
 * @module
 */
import { evalExpr } from "mingo/core";
import * as mingoDate from "mingo/operators/expression/date";
import type { Any, AnyObject, ExpressionOperator, Options } from "mingo/types";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const MAX_CACHED_HOURS = 500_000;

/** A time zone resolved to a function from a UTC instant (ms) to its offset in minutes. */
type OffsetFn = (ms: number) => number;

interface Zone {
  format: Intl.DateTimeFormat;
  /** UTC hour number → offset in minutes, or NaN when the offset changes within that hour. */
  hours: Map<number, number>;
}

const zones = new Map<string, Zone | null>();

function zoneFor(name: string): Zone | null {
  let zone = zones.get(name);
  if (zone === undefined) {
    zone = null;
    // "+05:30" and friends are offsets, which mingo parses itself.
    if (!/^[+-]/.test(name)) {
      try {
        const format = new Intl.DateTimeFormat("en-US", {
          timeZone: name,
          hourCycle: "h23",
          era: "short",
          year: "numeric",
          month: "numeric",
          day: "numeric",
          hour: "numeric",
          minute: "numeric",
          second: "numeric",
        });
        zone = { format, hours: new Map() };
      } catch {
        zone = null;
      }
    }
    zones.set(name, zone);
  }
  return zone;
}

/** Offset (ms, whole seconds) of `zone` at instant `ms`, straight from Intl. */
function exactOffsetMs(zone: Zone, ms: number): number {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of zone.format.formatToParts(ms)) parts[part.type] = part.value;
  const num = (type: Intl.DateTimeFormatPartTypes, fallback: number) =>
    parts[type] === undefined ? fallback : Number(parts[type]);
  const year = num("year", 0), month = num("month", 1), day = num("day", 1);
  const bc = parts.era?.startsWith("B") ?? false;
  const wall = new Date(0);
  wall.setUTCFullYear(bc ? 1 - year : year, month - 1, day);
  wall.setUTCHours(num("hour", 0), num("minute", 0), num("second", 0), 0);
  const wholeSecond = ms - (((ms % 1000) + 1000) % 1000);
  return wall.getTime() - wholeSecond;
}

function zoneOffsetMinutes(zone: Zone, ms: number): number {
  const hourNumber = Math.floor(ms / HOUR);
  let offset = zone.hours.get(hourNumber);
  if (offset === undefined) {
    const start = hourNumber * HOUR;
    const first = Math.round(exactOffsetMs(zone, start) / MINUTE);
    const last = Math.round(exactOffsetMs(zone, start + HOUR - 1) / MINUTE);
    offset = first === last ? first : NaN;
    if (zone.hours.size >= MAX_CACHED_HOURS) zone.hours.clear();
    zone.hours.set(hourNumber, offset);
  }
  return Number.isNaN(offset) ? Math.round(exactOffsetMs(zone, ms) / MINUTE) : offset;
}

/**
 * The UTC offset in minutes of IANA zone `timeZone` at `instant`, or null when the
 * runtime does not know the zone. Cached per zone and hour.
 */
export function timeZoneOffsetMinutes(timeZone: string, instant: Date | number): number | null {
  const zone = zoneFor(timeZone);
  const ms = typeof instant === "number" ? instant : instant.getTime();
  if (!zone || !Number.isFinite(ms)) return null;
  return zoneOffsetMinutes(zone, ms);
}

/** Formats an offset in minutes the way mingo parses it: `+05:30`, `-04:00`. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${sign}${hh}:${mm}`;
}

function parseFixedOffset(value: string): number | null {
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(value);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === "-" ? -minutes : minutes;
}

/** Resolves an IANA zone (not a fixed offset) to an offset function. */
function ianaOffsetFn(tz: unknown): OffsetFn | null {
  if (typeof tz !== "string") return null;
  const zone = zoneFor(tz);
  return zone ? (ms) => zoneOffsetMinutes(zone, ms) : null;
}

/** Resolves an IANA zone or a fixed offset (`+05:30`) to an offset function. */
function anyOffsetFn(tz: unknown): OffsetFn | null {
  if (typeof tz !== "string") return null;
  const fixed = parseFixedOffset(tz);
  if (fixed !== null) return () => fixed;
  return ianaOffsetFn(tz);
}

/** The UTC instant of a local wall-clock time (given as if it were UTC). */
function localToUtc(wallMs: number, offsetOf: OffsetFn): number {
  const guess = wallMs - offsetOf(wallMs) * MINUTE;
  return wallMs - offsetOf(guess) * MINUTE;
}

function isPlainObject(v: unknown): v is AnyObject {
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/** A valid Date from an evaluated operand, as mingo's `new Date(x)` would see it. */
function toDate(v: unknown): Date | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  if (typeof v === "number" || typeof v === "string") {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

function literal(d: Date | number): AnyObject {
  return { $literal: typeof d === "number" ? new Date(d) : d };
}

function withoutTimezone(expr: AnyObject): AnyObject {
  const { timezone: _tz, ...rest } = expr;
  return rest;
}

type Op = (obj: AnyObject, expr: Any, options: Options) => Any;

/**
 * Wraps an operator whose argument is a date or `{date, timezone, …}`: the date parts
 * ($hour, $year, …, which take only `date` and `timezone`) and, with `keepOtherFields`,
 * `$dateToString` / `$dateToParts`.
 */
function wrapZonedDate(original: Op, keepOtherFields: boolean): Op {
  return (obj, expr, options) => {
    if (isPlainObject(expr) && expr.timezone !== undefined) {
      const offsetOf = ianaOffsetFn(evalExpr(obj, expr.timezone, options));
      if (offsetOf) {
        const date = toDate(evalExpr(obj, expr.date, options));
        if (date) {
          const timezone = formatOffset(offsetOf(date.getTime()));
          const rest = keepOtherFields ? expr : {};
          return original(obj, { ...rest, date: literal(date), timezone }, options);
        }
      }
    }
    return original(obj, expr, options);
  };
}

/** `$dateDiff`: each date shifted by its own offset, as mingo does, then diffed. */
function wrapDateDiff(original: Op): Op {
  return (obj, expr, options) => {
    if (isPlainObject(expr) && expr.timezone !== undefined) {
      const offsetOf = ianaOffsetFn(evalExpr(obj, expr.timezone, options));
      if (offsetOf) {
        const start = toDate(evalExpr(obj, expr.startDate, options));
        const end = toDate(evalExpr(obj, expr.endDate, options));
        if (start && end) {
          const s = start.getTime(), e = end.getTime();
          return original(obj, {
            ...withoutTimezone(expr),
            startDate: literal(s + offsetOf(s) * MINUTE),
            endDate: literal(e + offsetOf(e) * MINUTE),
          }, options);
        }
      }
    }
    return original(obj, expr, options);
  };
}

/** `$dateTrunc` in local time (MongoDB semantics), for fixed offsets and IANA zones. */
function wrapDateTrunc(original: Op): Op {
  return (obj, expr, options) => {
    if (isPlainObject(expr) && expr.timezone !== undefined) {
      const offsetOf = anyOffsetFn(evalExpr(obj, expr.timezone, options));
      if (offsetOf) {
        const date = toDate(evalExpr(obj, expr.date, options));
        if (date) {
          const ms = date.getTime();
          const local = ms + offsetOf(ms) * MINUTE;
          const result = original(obj, {
            ...withoutTimezone(expr),
            date: literal(local),
          }, options);
          return result instanceof Date ? new Date(localToUtc(result.getTime(), offsetOf)) : result;
        }
      }
    }
    return original(obj, expr, options);
  };
}

const CALENDAR_UNITS = new Set(["day", "week", "month", "quarter", "year"]);

/** `$dateAdd` / `$dateSubtract`: calendar units added in local time (MongoDB semantics). */
function wrapDateAdd(original: Op): Op {
  return (obj, expr, options) => {
    if (isPlainObject(expr) && expr.timezone !== undefined) {
      const offsetOf = anyOffsetFn(evalExpr(obj, expr.timezone, options));
      const unit = offsetOf ? evalExpr(obj, expr.unit, options) : null;
      if (offsetOf && typeof unit === "string" && CALENDAR_UNITS.has(unit)) {
        const start = toDate(evalExpr(obj, expr.startDate, options));
        if (start) {
          const ms = start.getTime();
          const result = original(obj, {
            ...withoutTimezone(expr),
            startDate: literal(ms + offsetOf(ms) * MINUTE),
          }, options);
          return result instanceof Date ? new Date(localToUtc(result.getTime(), offsetOf)) : result;
        }
      }
    }
    return original(obj, expr, options);
  };
}

/** `$dateFromParts` / `$dateFromString`: an IANA zone's offset at the resulting instant. */
function wrapDateFrom(original: Op): Op {
  return (obj, expr, options) => {
    if (isPlainObject(expr) && expr.timezone !== undefined) {
      const offsetOf = ianaOffsetFn(evalExpr(obj, expr.timezone, options));
      if (offsetOf) {
        const result = original(obj, { ...expr, timezone: "+00:00" }, options);
        return result instanceof Date && !Number.isNaN(result.getTime())
          ? new Date(localToUtc(result.getTime(), offsetOf))
          : result;
      }
    }
    return original(obj, expr, options);
  };
}

const DATE_PART_OPERATORS = [
  "$year",
  "$month",
  "$dayOfMonth",
  "$dayOfWeek",
  "$dayOfYear",
  "$hour",
  "$minute",
  "$second",
  "$millisecond",
  "$isoDayOfWeek",
  "$isoWeek",
  "$isoWeekYear",
  "$week",
] as const;

function buildOperators(): Record<string, ExpressionOperator> {
  const originals = mingoDate as unknown as Record<string, Op>;
  const ops: Record<string, Op> = {};
  for (const name of DATE_PART_OPERATORS) ops[name] = wrapZonedDate(originals[name], false);
  ops.$dateToString = wrapZonedDate(originals.$dateToString, true);
  ops.$dateToParts = wrapZonedDate(originals.$dateToParts, true);
  ops.$dateDiff = wrapDateDiff(originals.$dateDiff);
  ops.$dateTrunc = wrapDateTrunc(originals.$dateTrunc);
  ops.$dateAdd = wrapDateAdd(originals.$dateAdd);
  ops.$dateSubtract = wrapDateAdd(originals.$dateSubtract);
  ops.$dateFromParts = wrapDateFrom(originals.$dateFromParts);
  ops.$dateFromString = wrapDateFrom(originals.$dateFromString);
  return ops as unknown as Record<string, ExpressionOperator>;
}

/**
 * Expression operators to register in a mingo `Context` (they replace mingo's date
 * operators of the same names).
 */
export const timeZoneOperators: Record<string, ExpressionOperator> = buildOperators();
