/**
 * What the offline planner understood a question to ask: a metric over a set of calls,
 * with filters, a grouping, a ranking, and whether an Excel file is wanted. Questions are
 * parsed into a {@link Parsed} (only what the words say), resolved into an {@link Intent}
 * (defaults and follow-up context filled in), planned into catalog calls, and rendered
 * back into a standalone question.
 */
import type { NormalizedParams } from "../../reports/params.ts";
import type { Dimension } from "../../reports/types.ts";

/** What is measured. */
export type Metric =
  | "count"
  | "list"
  | "breakdown"
  | "agent_performance"
  | "duration"
  | "talk_time"
  | "handle_time"
  | "abandonment"
  | "service_level"
  | "asa"
  | "answer_rate"
  | "share"
  | "unique_customers"
  | "top_customers";

/** Call filters (the catalog's common parameters, period aside). */
export type Filters = Omit<NormalizedParams, "period" | "group_by" | "limit" | "threshold_seconds">;

/** Filter names. */
export type FilterKey = keyof Filters;

/** Every filter name, in the order questions are rendered. */
export const FILTER_KEYS: readonly FilterKey[] = [
  "duration",
  "time_of_day",
  "status",
  "direction",
  "queue",
  "agent",
  "customer",
  "disposition",
  "city",
  "segment",
];

/** The dimension a filter narrows (for comparisons and groupings). */
export const FILTER_DIMENSION: Partial<Record<FilterKey, Dimension>> = {
  direction: "direction",
  status: "status",
  agent: "agent",
  queue: "queue",
  customer: "customer",
  disposition: "disposition",
  city: "city",
  segment: "segment",
};

/** The filter behind a dimension, when there is one. */
export function dimensionFilter(dim: Dimension): FilterKey | null {
  for (const k of FILTER_KEYS) if (FILTER_DIMENSION[k] === dim) return k;
  return null;
}

/** Which value a ranking orders by. */
export type Focus = "calls" | "aht" | "hold" | "wrap" | "talk" | "avg" | "max" | "min";

/** A ranking: the group with the most / the least of the metric. */
export interface Rank {
  order: "max" | "min";
}

/** A comparison of named values of one dimension ("incoming vs outgoing"). */
export interface Comparison {
  dim: Dimension;
  values: string[];
}

/** The unit an average is taken per ("calls per day"). */
export type Per = "day" | "hour" | "agent" | "week";

/** What the words of one question say (nothing filled in from context). */
export interface Parsed {
  /** The question as asked. */
  question: string;
  /** A metric named by its own words (KPIs, agent performance, top customers). */
  metric?: Metric;
  /** Asked as a count ("how many") or as a listing ("show", "list"). */
  form?: "count" | "list";
  /** Which value of the metric the question is about (AHT, total or average…). */
  focus?: Focus;
  /** Periods named, in order (the words as written). */
  periods: string[];
  filters: Filters;
  /** Filters the question explicitly drops ("all agents", "overall"). */
  clear: (FilterKey | "period" | "group_by")[];
  groupBy?: Dimension;
  rank?: Rank;
  /** A superlative that did not make a ranking on its own ("and the highest?"). */
  superlative?: "max" | "min";
  limit?: number;
  compare?: Comparison;
  /** The share of one value among all calls ("failure rate": status failed). */
  share?: { dim: Dimension; value: string };
  threshold?: number;
  /** An average of the count per day, hour, agent or week. */
  per?: Per;
  excel: boolean;
  /** Words that lean on the previous turn ("and", "what about", "them", "same"). */
  followUpCue: boolean;
  /** Words asking for a comparison ("compare", "vs", "against"). */
  compareCue: boolean;
  /** The question talks about calls or reports at all. */
  subject: boolean;
  /** Small talk, when that is all there is. */
  chat?: "greeting" | "thanks" | "help";
  /**
   * Phrases read but not placeable, with why: a time of day without clock times ("after
   * hours": the data has no business hours), a date next to a weekday it is not.
   */
  unplacedPhrases?: { text: string; why: string }[];
  /** Words left after every rule read its part, in order (the case of the question kept). */
  leftover: { word: string; index: number }[];
}

/** A complete request: everything needed to plan catalog calls. */
export interface Intent {
  metric: Metric;
  /** The period in words ("yesterday", "from 2026-11-05 to 2026-11-13"); none = all data. */
  period?: string;
  /** A second period to compare with ("this week vs last week"). */
  comparePeriod?: string;
  filters: Filters;
  groupBy?: Dimension;
  rank?: Rank;
  focus?: Focus;
  limit?: number;
  compare?: Comparison;
  share?: { dim: Dimension; value: string };
  threshold?: number;
  /** An average of the count per day, hour, agent or week. */
  per?: Per;
  excel: boolean;
}

/** Metrics whose catalog entry accepts `group_by`. */
export const GROUPABLE: ReadonlySet<Metric> = new Set<Metric>([
  "breakdown",
  "duration",
  "talk_time",
  "handle_time",
  "abandonment",
  "service_level",
  "asa",
  "answer_rate",
  "unique_customers",
]);

/** Metrics that are counts of calls (a count, a listing or a breakdown of them). */
export const CALL_SET_METRICS: ReadonlySet<Metric> = new Set<Metric>([
  "count",
  "list",
  "breakdown",
]);
