/**
 * The common filters of the catalog compiled to a `$match` on `calling_cdr`, with the
 * human-readable list of what was applied. Customer names, cities and segments are
 * first resolved to phone numbers through `address_book`.
 */
import { CUSTOMERS, type Document } from "../data/types.ts";
import { resolvePeriod } from "../time/periods.ts";
import { ReportParamError } from "./errors.ts";
import { type NormalizedParams, orList, paramValues } from "./params.ts";
import { timeOfDayCondition, timeOfDayLabel } from "./time_of_day.ts";
import {
  type CallStatus,
  type Direction,
  DURATION_BOUNDS,
  type DurationRange,
  type ReportContext,
  type ResolvedPeriod,
} from "./types.ts";

/** Filters an entry imposes whatever the parameters say. */
export interface ForcedFilters {
  direction?: Direction;
  status?: CallStatus;
  /** Only calls with an agent (`agent_name` not null). */
  withAgent?: boolean;
}

/** The compiled filters. */
export interface BuiltFilters {
  /** The `$match` document. */
  match: Document;
  /** "period: today (24 Nov 2026)", "agent: priya"… */
  filters: string[];
  period?: ResolvedPeriod;
  /** Upper bound on `start_time` (the as-of instant). */
  asOf: Date;
}

const NO_PERIOD = new Set(["all", "all time", "all data", "ever", "overall", "any", "always"]);

/**
 * `field` equals `value` ignoring case. An expression rather than `$regex`, so the
 * pipeline survives an EJSON round trip unchanged (EJSON reads `{$regex, $options}` as a
 * regular-expression literal).
 */
function equalsCaseless(field: string, value: string): Document {
  return { $expr: { $eq: [{ $toLower: { $ifNull: [`$${field}`, ""] } }, value.toLowerCase()] } };
}

/**
 * `field` equals one of `values` ignoring case: {@link equalsCaseless} for one value, an
 * `$in` over the lower-cased field for several.
 */
function inCaseless(field: string, values: readonly string[]): Document {
  if (values.length === 1) return equalsCaseless(field, values[0]);
  return {
    $expr: {
      $in: [{ $toLower: { $ifNull: [`$${field}`, ""] } }, values.map((v) => v.toLowerCase())],
    },
  };
}

/** `field` contains `value` ignoring case (how a customer name is matched). */
export function containsCaseless(field: string, value: string): Document {
  return {
    $expr: {
      $gte: [
        { $indexOfBytes: [{ $toLower: { $ifNull: [`$${field}`, ""] } }, value.toLowerCase()] },
        0,
      ],
    },
  };
}

/** Resolves a period in words, or throws a ReportParamError saying what is accepted. */
export function readPeriod(
  text: string,
  ctx: Pick<ReportContext, "tz" | "now">,
): ResolvedPeriod | undefined {
  if (NO_PERIOD.has(text.trim().toLowerCase())) return undefined;
  const period = resolvePeriod(text, { tz: ctx.tz, now: ctx.now });
  if (!period) {
    throw new ReportParamError(
      `Cannot read the period "${text}": use words such as today, yesterday, this week, ` +
        `last month, last 7 days, 2026-11-20 or from 5 Nov to 13 Nov`,
      "period",
    );
  }
  return period;
}

/** Seconds for people: "10 min" for whole minutes, else "45 s" or "2 min 5 s". */
export function formatSeconds(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  if (m === 0) return `${s} s`;
  return s === 0 ? `${m} min` : `${m} min ${s} s`;
}

const BOUND_SIGNS: Record<keyof DurationRange, string> = { gt: ">", gte: "≥", lt: "<", lte: "≤" };

/**
 * A duration range as the filter text shows it after "duration: ": "> 10 min",
 * "< 30 s", "≥ 1 min and ≤ 3 min".
 */
export function durationLabel(range: DurationRange): string {
  return DURATION_BOUNDS.filter((b) => range[b] !== undefined)
    .map((b) => `${BOUND_SIGNS[b]} ${formatSeconds(range[b]!)}`)
    .join(" and ");
}

/** The `$match` condition of a duration range on `duration_seconds`. */
function durationCondition(range: DurationRange): Document {
  const cond: Document = {};
  for (const b of DURATION_BOUNDS) if (range[b] !== undefined) cond[`$${b}`] = range[b];
  return { duration_seconds: cond };
}

/** True when `s` looks like a phone number rather than a name. */
export function looksLikePhone(s: string): boolean {
  const t = s.trim();
  return /^\+?[\d\s().-]+$/.test(t) && t.replace(/\D/g, "").length >= 5;
}

/** The spellings of a phone number to match: `+9198…`, and the digits as typed. */
function phoneVariants(s: string): string[] {
  let t = s.trim().replace(/[\s().-]/g, "");
  if (t.startsWith("00")) t = `+${t.slice(2)}`;
  const out = new Set<string>([t]);
  if (!t.startsWith("+")) out.add(`+${t}`);
  return [...out];
}

interface CustomerSet {
  phones: string[];
  names: string[];
  customers: number;
}

async function customerSet(match: Document, ctx: ReportContext): Promise<CustomerSet> {
  const res = await ctx.client.aggregate(CUSTOMERS, [
    { $match: match },
    {
      $group: {
        _id: null,
        phones: { $addToSet: "$phone" },
        names: { $addToSet: "$name" },
        customers: { $sum: 1 },
      },
    },
  ], { signal: ctx.signal });
  const doc = res.documents[0];
  if (!doc) return { phones: [], names: [], customers: 0 };
  const strings = (v: unknown) =>
    (Array.isArray(v) ? v : []).filter((x): x is string => typeof x === "string" && x !== "")
      .sort();
  return {
    phones: strings(doc.phones),
    names: strings(doc.names),
    customers: Number(doc.customers) || 0,
  };
}

function listShort(items: string[], max: number): string {
  return items.length <= max
    ? items.join(", ")
    : `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

async function customerFilter(
  customer: string,
  ctx: ReportContext,
): Promise<{ phones: string[]; label: string }> {
  if (looksLikePhone(customer)) {
    const phones = phoneVariants(customer);
    const found = await customerSet({ phone: { $in: phones } }, ctx);
    const shown = phones[0].startsWith("+") ? phones[0] : phones[phones.length - 1];
    const name = found.names.length ? ` (${listShort(found.names, 3)})` : "";
    return { phones, label: `customer: ${shown}${name}` };
  }
  let found = await customerSet(equalsCaseless("name", customer), ctx);
  if (!found.customers) found = await customerSet(containsCaseless("name", customer), ctx);
  if (!found.customers) {
    return {
      phones: [],
      label: `customer: ${customer} (no such customer in the address book)`,
    };
  }
  const numbers = found.phones.length <= 3
    ? found.phones.join(", ")
    : `${found.phones.length} numbers`;
  return {
    phones: found.phones,
    label: `customer: ${listShort(found.names, 5)} (${numbers})`,
  };
}

async function attributeFilter(
  p: NormalizedParams,
  ctx: ReportContext,
): Promise<{ phones: string[]; label: string }> {
  const conditions: Document[] = [];
  const parts: string[] = [];
  for (const name of ["city", "segment"] as const) {
    const values = paramValues(p[name]);
    if (!values.length) continue;
    conditions.push(inCaseless(name, values));
    parts.push(`${name}: ${orList(values)}`);
  }
  const found = await customerSet(mergeConditions(conditions), ctx);
  const count = found.customers
    ? `${found.customers} customer${found.customers === 1 ? "" : "s"} in the address book`
    : "no customers in the address book";
  return { phones: found.phones, label: `${parts.join(", ")} (${count})` };
}

/**
 * Compiles the filters of `p` (plus what the entry forces) to a `$match` on
 * `calling_cdr`. The period is read in `ctx.tz`; `start_time < ctx.now` always holds, so
 * the rows stay the same when the query runs again later.
 */
export async function buildFilters(
  p: NormalizedParams,
  ctx: ReportContext,
  forced: ForcedFilters = {},
): Promise<BuiltFilters> {
  const asOf = new Date(ctx.now);
  const filters: string[] = [];
  const and: Document[] = [];

  const period = p.period ? readPeriod(p.period, ctx) : undefined;
  if (period) {
    const end = period.end.getTime() < asOf.getTime() ? period.end : asOf;
    and.push({ start_time: { $gte: new Date(period.start), $lt: new Date(end) } });
    filters.push(`period: ${period.label}`);
  } else {
    and.push({ start_time: { $lt: asOf } });
  }

  const direction = forced.direction ?? p.direction;
  if (direction) {
    and.push({ direction });
    filters.push(`direction: ${direction}`);
  }
  const statuses = forced.status ? [forced.status] : p.status;
  if (statuses?.length) {
    and.push({ status: statuses.length === 1 ? statuses[0] : { $in: statuses } });
    filters.push(`status: ${statuses.join(", ")}`);
  }
  const agents = [...new Set(paramValues(p.agent).map((a) => a.trim().toLowerCase()))];
  if (agents.length) {
    and.push({ agent_name: agents.length === 1 ? agents[0] : { $in: agents } });
    filters.push(`agent: ${orList(agents)}`);
  } else if (forced.withAgent) {
    and.push({ agent_name: { $ne: null } });
  }
  for (const name of ["queue", "disposition"] as const) {
    const values = paramValues(p[name]);
    if (!values.length) continue;
    and.push(inCaseless(name, values));
    filters.push(`${name}: ${orList(values)}`);
  }
  if (p.duration) {
    and.push(durationCondition(p.duration));
    filters.push(`duration: ${durationLabel(p.duration)}`);
  }
  if (p.time_of_day) {
    const end = period && period.end.getTime() < asOf.getTime() ? period.end : asOf;
    and.push(
      timeOfDayCondition(p.time_of_day, ctx.tz, period ? { start: period.start, end } : undefined),
    );
    filters.push(`time of day: ${timeOfDayLabel(p.time_of_day)}`);
  }
  if (p.customer) {
    const c = await customerFilter(p.customer, ctx);
    and.push({ customer_number: { $in: c.phones } });
    filters.push(c.label);
  }
  if (paramValues(p.city).length || paramValues(p.segment).length) {
    const a = await attributeFilter(p, ctx);
    and.push({ customer_number: { $in: a.phones } });
    filters.push(a.label);
  }
  return { match: mergeConditions(and), filters, period, asOf };
}

/** One `$match` document: the conditions side by side, or `$and` when fields repeat. */
function mergeConditions(conditions: Document[]): Document {
  const merged: Document = {};
  for (const c of conditions) {
    for (const [k, v] of Object.entries(c)) {
      if (k in merged) return { $and: conditions };
      merged[k] = v;
    }
  }
  return merged;
}
