/**
 * What the reading pickers offer and how a choice changes a report: period presets, a
 * date range in words the period reader understands, the filters a picker edits, and
 * the parameters after a change. Pure functions with no app imports, so the islands and
 * the API routes share them.
 */
import { clockMinutes, timeOfDayLabel } from "../reports/clock.ts";
import type { DurationRange, TimeOfDay } from "../reports/types.ts";
import type { Interpretation } from "./events.ts";

/** A catalog report as a reading carries it: entry and parameters. */
export interface ReportCall {
  name: string;
  params: Record<string, unknown>;
}

/** A period preset: the words sent as `period` ("" = all data) and the button text. */
export interface PeriodPreset {
  value: string;
  label: string;
}

/** The period presets, in the order the picker lists them. */
export const PERIOD_PRESETS: readonly PeriodPreset[] = [
  { value: "today", label: "Today" },
  { value: "yesterday", label: "Yesterday" },
  { value: "this week", label: "This week" },
  { value: "last week", label: "Last week" },
  { value: "this month", label: "This month" },
  { value: "last month", label: "Last month" },
  { value: "last 7 days", label: "Last 7 days" },
  { value: "last 30 days", label: "Last 30 days" },
  { value: "this quarter", label: "This quarter" },
  { value: "last quarter", label: "Last quarter" },
  { value: "", label: "All data" },
];

/** The filters a picker edits with a list of values from the data (vocabulary key). */
export const LIST_FILTERS = {
  agent: "agents",
  queue: "queues",
  direction: "directions",
  status: "statuses",
  city: "cities",
  segment: "segments",
  disposition: "dispositions",
} as const;

/** A filter a picker edits. */
export type ListFilter = keyof typeof LIST_FILTERS;

/** The filter names a picker edits, in the order "add filter" lists them. */
export const LIST_FILTER_NAMES = Object.keys(LIST_FILTERS) as ListFilter[];

/** True for a filter a picker edits. */
export function isListFilter(name: string): name is ListFilter {
  return Object.hasOwn(LIST_FILTERS, name);
}

/** Filters that take one value only (a second one is not offered). */
export const SINGLE_VALUE_FILTERS: ReadonlySet<ListFilter> = new Set(["direction"]);

/** The values the pickers list, as `GET /api/vocabulary` answers them. */
export interface PickerVocabulary {
  agents: string[];
  queues: string[];
  cities: string[];
  segments: string[];
  dispositions: string[];
  directions: string[];
  statuses: string[];
  dimensions: string[];
  period_presets: PeriodPreset[];
}

/** A catalog entry as `GET /api/reports/catalog` answers it. */
export interface CatalogEntryInfo {
  name: string;
  title: string;
  description: string;
  kind: "listing" | "aggregate";
  /** The parameters it takes. */
  params: string[];
  /** Parameters it cannot run without. */
  required: string[];
  /** The groupings it offers (empty: it does not group). */
  group_by: string[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A date range as the period reader understands it ("from 2026-11-01 to 2026-11-07",
 * both days included); one day when both are the same. Null when a date is missing,
 * malformed or the range runs backwards.
 */
export function dateRangePeriod(from: string, to: string): string | null {
  if (!DATE.test(from) || !DATE.test(to) || from > to) return null;
  if (
    Number.isNaN(Date.parse(`${from}T00:00:00Z`)) || Number.isNaN(Date.parse(`${to}T00:00:00Z`))
  ) {
    return null;
  }
  return from === to ? from : `from ${from} to ${to}`;
}

/** The dates of a range period written by {@link dateRangePeriod}, else null. */
export function readDateRange(period: string | undefined): { from: string; to: string } | null {
  if (!period) return null;
  const m = period.match(/^from (\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})$/);
  if (m) return { from: m[1], to: m[2] };
  return DATE.test(period) ? { from: period, to: period } : null;
}

/** The values of a parameter as a list (a string is one value; blanks dropped). */
export function valuesOf(v: unknown): string[] {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return list.map((x) => String(x).trim()).filter((x) => x !== "");
}

/** A change a picker makes to a report. */
export type ReportChange =
  | { kind: "period"; period: string }
  | { kind: "filter"; name: string; values: string[] }
  | { kind: "group_by"; value: string | null }
  | { kind: "limit"; value: number | null }
  | { kind: "duration"; range: DurationRange | null }
  | { kind: "time_of_day"; window: TimeOfDay | null }
  | { kind: "customer"; value: string };

/**
 * The parameters after a change: a period ("" = all data), a filter's values (none
 * removes it; one is a string, several a list), the grouping ("none" or null removes it;
 * a ranking's limit goes with it), the number of rows, a duration range (null removes
 * it), a time-of-day window (null removes it) or the customer ("" removes it). Other
 * parameters are kept.
 */
export function applyChange(
  params: Record<string, unknown>,
  change: ReportChange,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  switch (change.kind) {
    case "period":
      if (change.period.trim()) out.period = change.period.trim();
      else delete out.period;
      break;
    case "filter": {
      const values = [...new Set(change.values.map((v) => v.trim()).filter(Boolean))];
      if (!values.length) delete out[change.name];
      else out[change.name] = values.length === 1 ? values[0] : values;
      break;
    }
    case "group_by":
      if (change.value && change.value !== "none") out.group_by = change.value;
      else delete out.group_by;
      break;
    case "limit":
      if (change.value && change.value > 0) out.limit = Math.floor(change.value);
      else delete out.limit;
      break;
    case "duration":
      if (change.range && Object.keys(change.range).length) out.duration = { ...change.range };
      else delete out.duration;
      break;
    case "time_of_day":
      if (change.window) out.time_of_day = { from: change.window.from, to: change.window.to };
      else delete out.time_of_day;
      break;
    case "customer":
      if (change.value.trim()) out.customer = change.value.trim();
      else delete out.customer;
      break;
  }
  return out;
}

/** What a reading's chip edits: the chip's kind and, for a filter, its name. */
export type ChipTarget =
  | { kind: "metric" }
  | { kind: "period" }
  | { kind: "filter"; name: ListFilter }
  | { kind: "duration" }
  | { kind: "time_of_day" }
  | { kind: "customer" }
  | { kind: "group" }
  | { kind: "limit" }
  | { kind: "add" };

/**
 * Which filters of a reading can still be added with "add filter": the list filters its
 * entry takes that it does not have yet.
 */
export function addableFilters(accepted: readonly string[], params: Record<string, unknown>) {
  return LIST_FILTER_NAMES.filter((f) => accepted.includes(f) && valuesOf(params[f]).length === 0);
}

/** The report a reading can run again, when it carries one. */
export function readingReport(i: Interpretation | null | undefined): ReportCall | null {
  const r = i?.report;
  if (!r || typeof r.name !== "string" || !r.params || typeof r.params !== "object") return null;
  return { name: r.name, params: { ...(r.params as Record<string, unknown>) } };
}

/** A filter "add filter" offers besides the list filters, in the order it lists them. */
export type ExtraFilter = "duration" | "time_of_day" | "customer";

/**
 * The filters "add filter" offers besides the list filters: a duration range, a time of
 * day and a customer, when the entry takes them and the report does not have them yet.
 */
export function addableExtras(
  accepted: readonly string[],
  params: Record<string, unknown>,
): ExtraFilter[] {
  return (["duration", "time_of_day", "customer"] as const).filter((f) =>
    accepted.includes(f) && (params[f] === undefined || params[f] === null || params[f] === "")
  );
}

// ---------------------------------------------------------------------------------------
// Duration

/** The longest duration a bound may name, in seconds (a week, as the catalog takes). */
export const MAX_DURATION_SECONDS = 7 * 86_400;

/** How a duration picker reads its bounds. */
export type DurationMode = "longer" | "shorter" | "between";
/** The unit a duration picker's numbers are in. */
export type DurationUnit = "min" | "s";

/** A duration picker's fields: `a` the one number (or the lower one), `b` the upper one. */
export interface DurationInputs {
  mode: DurationMode;
  unit: DurationUnit;
  a: string;
  b: string;
}

function isWholeSeconds(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= 0;
}

/** A duration range of a report's parameters (bounds as numbers), else null. */
export function readDurationRange(v: unknown): DurationRange | null {
  if (!v || typeof v !== "object" || Array.isArray(v)) return null;
  const raw = v as Record<string, unknown>;
  const out: DurationRange = {};
  for (const b of ["gt", "gte", "lt", "lte"] as const) {
    const x = typeof raw[b] === "string" && /^\d+$/.test(raw[b] as string)
      ? Number(raw[b])
      : raw[b];
    if (isWholeSeconds(x)) out[b] = x;
  }
  return Object.keys(out).length ? out : null;
}

/**
 * The fields a duration picker opens with for a report's `duration` (minutes when every
 * bound is whole minutes; "longer than" when there is none).
 */
export function durationInputs(v: unknown): DurationInputs {
  const r = readDurationRange(v) ?? {};
  const low = r.gt ?? r.gte;
  const high = r.lt ?? r.lte;
  const mode: DurationMode = low !== undefined && high !== undefined
    ? "between"
    : high !== undefined
    ? "shorter"
    : "longer";
  const bounds = [low, high].filter((n): n is number => n !== undefined);
  const unit: DurationUnit = bounds.every((n) => n % 60 === 0) ? "min" : "s";
  const show = (n: number | undefined) =>
    n === undefined ? "" : String(unit === "min" ? n / 60 : n);
  if (mode === "between") return { mode, unit, a: show(low), b: show(high) };
  return { mode, unit, a: show(mode === "shorter" ? high : low), b: "" };
}

/**
 * The range a duration picker's fields ask for: longer than → `{gt}`, shorter than →
 * `{lt}`, between → `{gte, lte}` (both included), in whole seconds (minutes may have
 * decimals). Else what to fix, in words.
 */
export function durationFromInputs(
  inputs: DurationInputs,
): { range: DurationRange } | { problem: string } {
  const unitWord = inputs.unit === "min" ? "minutes" : "seconds";
  const max = inputs.unit === "min" ? MAX_DURATION_SECONDS / 60 : MAX_DURATION_SECONDS;
  const read = (text: string): number | string => {
    const t = text.trim();
    if (!t) return `Enter a number of ${unitWord}.`;
    const n = Number(t);
    if (!Number.isFinite(n) || n < 0) return "Enter a number from 0.";
    if (n > max) return `At most a week (${max.toLocaleString("en-US")} ${unitWord}).`;
    return Math.round(n * (inputs.unit === "min" ? 60 : 1));
  };
  const a = read(inputs.a);
  if (typeof a === "string") return { problem: a };
  if (inputs.mode === "longer") return { range: { gt: a } };
  if (inputs.mode === "shorter") {
    return a > 0 ? { range: { lt: a } } : { problem: "Shorter than 0 matches no call." };
  }
  const b = read(inputs.b);
  if (typeof b === "string") return { problem: inputs.b.trim() ? b : "Enter both numbers." };
  if (a > b) return { problem: "The first number is larger than the second." };
  return { range: { gte: a, lte: b } };
}

/** Seconds in words: "10 min", "45 s", "2 min 5 s". */
export function secondsWords(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  if (m === 0) return `${s} s`;
  return s === 0 ? `${m} min` : `${m} min ${s} s`;
}

/**
 * A duration range in words: "longer than 10 min", "shorter than 30 s", "between 1 min
 * and 3 min", "at least 1 min".
 */
export function durationText(range: DurationRange): string {
  if (range.gte !== undefined && range.lte !== undefined) {
    return `between ${secondsWords(range.gte)} and ${secondsWords(range.lte)}`;
  }
  const parts: string[] = [];
  if (range.gt !== undefined) parts.push(`longer than ${secondsWords(range.gt)}`);
  if (range.gte !== undefined) parts.push(`at least ${secondsWords(range.gte)}`);
  if (range.lt !== undefined) parts.push(`shorter than ${secondsWords(range.lt)}`);
  if (range.lte !== undefined) parts.push(`at most ${secondsWords(range.lte)}`);
  return parts.join(" and ");
}

// ---------------------------------------------------------------------------------------
// Time of day

/** A time-of-day picker's fields, as `<input type="time">` holds them ("HH:MM", "" = empty). */
export interface TimeOfDayInputs {
  from: string;
  to: string;
}

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of "HH:MM" as the catalog writes it ("24:00" only when `end`). */
function clockOf(text: string, end = false): number | null {
  return CLOCK.test(text) || (end && text === "24:00") ? clockMinutes(text, end) : null;
}

/**
 * A report's `time_of_day` as the catalog writes it (`{from: "HH:MM", to: "HH:MM"}`, `to`
 * may be "24:00"; the two different), else null.
 */
export function readTimeOfDay(v: unknown): TimeOfDay | null {
  if (!v || typeof v !== "object" || Array.isArray(v)) return null;
  const { from, to } = v as Record<string, unknown>;
  if (typeof from !== "string" || typeof to !== "string") return null;
  const a = clockOf(from), b = clockOf(to, true);
  if (a === null || b === null || a === b % 1440) return null;
  return { from, to };
}

/**
 * The fields a time-of-day picker opens with for a report's `time_of_day` (empty when it
 * has none). An end of "24:00", which a time field cannot show, reads as "00:00": an end
 * of 00:00 is midnight at the end of the day (see {@link timeOfDayFromInputs}).
 */
export function timeOfDayInputs(v: unknown): TimeOfDayInputs {
  const t = readTimeOfDay(v);
  if (!t) return { from: "", to: "" };
  return { from: t.from, to: t.to === "24:00" ? "00:00" : t.to };
}

/** "HH:MM" of a time field's value ("14:30", also "14:30:00" with seconds), else null. */
function fieldClock(text: string): string | null {
  const m = text.trim().match(/^(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?$/);
  return m && CLOCK.test(m[1]) ? m[1] : null;
}

/**
 * The window a time-of-day picker's fields ask for: calls starting at or after `from` and
 * before `to`, each day. An end of 00:00 is midnight at the end of the day, sent as
 * "24:00" (the same calls as a window past midnight ending at 00:00, and it reads
 * "18:00–24:00"); a start later than the end runs past midnight ("22:00"–"06:00"). Else
 * what to fix, in words.
 */
export function timeOfDayFromInputs(
  inputs: TimeOfDayInputs,
): { window: TimeOfDay } | { problem: string } {
  const rawFrom = inputs.from.trim(), rawTo = inputs.to.trim();
  if (!rawFrom && !rawTo) return { problem: "Enter both times." };
  if (!rawFrom) return { problem: "Enter a start time." };
  if (!rawTo) return { problem: "Enter an end time." };
  const from = fieldClock(rawFrom), to = fieldClock(rawTo);
  if (!from || !to) return { problem: "Enter times as hours and minutes, like 14:30." };
  if (from === to) {
    return { problem: "Start and end are the same: for the whole day, choose Any time." };
  }
  return { window: { from, to: to === "00:00" ? "24:00" : to } };
}

// ---------------------------------------------------------------------------------------
// Customer

/** The longest customer text a picker sends. */
export const MAX_CUSTOMER_LENGTH = 100;

/** What is wrong with a customer typed in a picker, or null when it can be sent. */
export function customerProblem(text: string): string | null {
  const t = text.trim();
  if (!t) return "Type a name or a phone number.";
  if (t.length > MAX_CUSTOMER_LENGTH) return `At most ${MAX_CUSTOMER_LENGTH} characters.`;
  return null;
}

// ---------------------------------------------------------------------------------------
// Another report (the metric chip)

/** Short descriptions of the catalog entries, for people (the catalog's are for the model). */
const ENTRY_BLURBS: Record<string, string> = {
  call_list: "One row per call: time, direction, status, agent, queue, customer, durations.",
  call_count: "How many calls, split into incoming, outgoing, answered and missed.",
  call_breakdown: "Calls, answered and missed per agent, queue, day, hour or another group.",
  agent_performance: "Per agent: calls handled, talk time, AHT, hold and wrap-up.",
  duration_stats: "Average, shortest, longest and total duration of answered calls.",
  talk_time: "Total and average talk time of answered calls.",
  handle_time: "AHT: average talk + hold + wrap-up of an answered call.",
  abandonment_rate: "Share of incoming calls that were missed.",
  service_level: "Share of incoming calls answered within 20 seconds of ringing.",
  speed_of_answer: "ASA: how long incoming callers waited before an answer.",
  answer_rate: "Share of calls that were answered.",
  unique_customers: "How many different customers called or were called.",
  top_customers: "The customers with the most calls, with their names.",
};

/** The first sentence of a catalog description (the rest is written for the model). */
export function firstSentence(text: string): string {
  const m = text.match(/^(.+?[.!?])(\s|$)/s);
  return (m ? m[1] : text).trim();
}

/** A catalog entry's description for people: a short line. */
export function entryBlurb(entry: Pick<CatalogEntryInfo, "name" | "description">): string {
  const own = ENTRY_BLURBS[entry.name];
  if (own) return own;
  const first = firstSentence(entry.description);
  return first.length > 110 ? `${first.slice(0, 108).trimEnd()}…` : first;
}

/** A parameter and its value in words ("direction: incoming", "by agent", "top 5"). */
export function paramText(name: string, value: unknown): string {
  if (name === "group_by") return `by ${String(value)}`;
  if (name === "limit") return `top ${String(value)}`;
  if (name === "period") return typeof value === "string" && value ? value : "all data";
  if (name === "threshold_seconds") return `answered within ${String(value)} s`;
  if (name === "duration") {
    const range = readDurationRange(value);
    return `duration: ${range ? durationText(range) : JSON.stringify(value)}`;
  }
  if (name === "time_of_day") {
    const t = readTimeOfDay(value);
    return `time of day: ${t ? timeOfDayLabel(t) : JSON.stringify(value)}`;
  }
  return `${name.replaceAll("_", " ")}: ${valuesOf(value).join(" or ")}`;
}

/** A report switched to another entry: its parameters, and what was left out or added. */
export interface EntrySwitch {
  params: Record<string, unknown>;
  /** The parameters the entry does not take (or a grouping it does not offer), in words. */
  dropped: string[];
  /** What the entry needs that the report did not have (a grouping), in words. */
  added: string[];
}

/**
 * The parameters of `params` that `entry` takes: the others are dropped (and said), a
 * grouping it does not offer too; a grouping it requires is added (its first one).
 */
export function switchEntry(
  entry: Pick<CatalogEntryInfo, "params" | "required" | "group_by">,
  params: Record<string, unknown>,
): EntrySwitch {
  const out: Record<string, unknown> = {};
  const dropped: string[] = [];
  const added: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "") continue;
    const offered = k !== "group_by" || entry.group_by.includes(String(v));
    if (entry.params.includes(k) && offered) out[k] = v;
    else dropped.push(paramText(k, v));
  }
  if (entry.required.includes("group_by") && !out.group_by && entry.group_by.length) {
    out.group_by = entry.group_by[0];
    added.push(paramText("group_by", out.group_by));
  }
  return { params: out, dropped, added };
}
