/**
 * What the reading pickers offer and how a choice changes a report: period presets, a
 * date range in words the period reader understands, the filters a picker edits, and
 * the parameters after a change. Pure functions with no app imports, so the islands and
 * the API routes share them.
 */
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
  | { kind: "limit"; value: number | null };

/**
 * The parameters after a change: a period ("" = all data), a filter's values (none
 * removes it; one is a string, several a list), the grouping ("none" or null removes it;
 * a ranking's limit goes with it) or the number of rows. Other parameters are kept.
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
  }
  return out;
}

/** What a reading's chip edits: the chip's kind and, for a filter, its name. */
export type ChipTarget =
  | { kind: "period" }
  | { kind: "filter"; name: ListFilter }
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
