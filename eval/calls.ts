/**
 * The two collections of `../shared/contract/DATA.md` read into plain rows for the
 * generated evaluation, and the named periods of that contract as ranges of local days.
 * Written with plain loops and `Intl` only (see `local_time.ts`), independent of the app.
 */
import { isoWeekday, localReader, monthStart, readLocal } from "./local_time.ts";

/** A document as loaded (BSON values decoded, or relaxed/canonical EJSON). */
export type Doc = Record<string, unknown>;

/** One `calling_cdr` document with the fields the evaluation needs. */
export interface CallRow {
  direction: string;
  status: string;
  queue: string;
  agent: string | null;
  number: string;
  disposition: string | null;
  /** `start_time` in epoch milliseconds. */
  start: number;
  /** Local day number of `start_time` in the business zone. */
  day: number;
  /** Local hour of `start_time` in the business zone. */
  hour: number;
  ring: number;
  talk: number;
  hold: number;
  wrap: number;
  duration: number;
}

/** One `address_book` document with the fields the evaluation needs. */
export interface CustomerRow {
  name: string;
  phone: string;
  city: string;
}

/** An inclusive range of local day numbers. */
export interface DayRange {
  from: number;
  to: number;
}

/** The named periods of DATA.md at a frozen `now`, as local day ranges. */
export interface Periods {
  today: DayRange;
  yesterday: DayRange;
  thisWeek: DayRange;
  lastWeek: DayRange;
  thisMonth: DayRange;
  lastMonth: DayRange;
}

/** Milliseconds since the epoch of a date field (Date, EJSON `$date`, ISO string or number). */
export function toMillis(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === "number") return v;
  if (typeof v === "string") return Date.parse(v);
  if (v && typeof v === "object" && "$date" in v) {
    const d = (v as { $date: unknown }).$date;
    if (d && typeof d === "object" && "$numberLong" in d) {
      return Number((d as { $numberLong: string }).$numberLong);
    }
    return toMillis(d);
  }
  return NaN;
}

function num(v: unknown): number {
  if (typeof v === "number") return v;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    const inner = o.$numberInt ?? o.$numberLong ?? o.$numberDouble;
    if (inner !== undefined) return Number(inner);
  }
  return Number(v ?? 0);
}

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

/** Reads call documents into rows, placing each in its local day and hour of `tz`. */
export function callRows(docs: readonly Doc[], tz: string): CallRow[] {
  const local = localReader(tz);
  const out: CallRow[] = [];
  for (const d of docs) {
    const start = toMillis(d.start_time);
    if (!Number.isFinite(start)) {
      throw new Error(`Cannot read call "${String(d.call_id)}": start_time is not a date`);
    }
    const at = local(start);
    out.push({
      direction: str(d.direction) ?? "",
      status: str(d.status) ?? "",
      queue: str(d.queue) ?? "",
      agent: str(d.agent_name),
      number: str(d.customer_number) ?? "",
      disposition: str(d.disposition),
      start,
      day: at.day,
      hour: at.hour,
      ring: num(d.ring_seconds),
      talk: num(d.talk_seconds),
      hold: num(d.hold_seconds),
      wrap: num(d.wrap_up_seconds),
      duration: num(d.duration_seconds),
    });
  }
  return out;
}

/** Reads address-book documents into rows. */
export function customerRows(docs: readonly Doc[]): CustomerRow[] {
  const out: CustomerRow[] = [];
  for (const d of docs) {
    out.push({ name: str(d.name) ?? "", phone: str(d.phone) ?? "", city: str(d.city) ?? "" });
  }
  return out;
}

/**
 * The periods of DATA.md at `now` in `tz`: today, yesterday, this week (from Monday),
 * last week, this month and last month, as local days (now cuts the current ones short).
 */
export function periodsAt(nowMs: number, tz: string): Periods {
  const today = readLocal(nowMs, tz).day;
  const monday = today - (isoWeekday(today) - 1);
  const firstOfMonth = monthStart(today);
  return {
    today: { from: today, to: today },
    yesterday: { from: today - 1, to: today - 1 },
    thisWeek: { from: monday, to: today },
    lastWeek: { from: monday - 7, to: monday - 1 },
    thisMonth: { from: firstOfMonth, to: today },
    lastMonth: { from: monthStart(today, -1), to: firstOfMonth - 1 },
  };
}

/** True when the call started inside the days of `range` and not after `nowMs`. */
export function within(call: CallRow, range: DayRange | null, nowMs: number): boolean {
  if (call.start > nowMs) return false;
  return range === null || (call.day >= range.from && call.day <= range.to);
}
