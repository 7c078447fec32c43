/**
 * What a compiled report carries besides the shared `CompiledReport` fields: the
 * pipelines that count rows and compute the overall figures, and how its summary is
 * made. Kept beside the object (not on it) so compiled reports stay plain data.
 */
import type { Document } from "../data/types.ts";
import { formatSeconds } from "./filters.ts";
import { timeOfDayWords } from "./time_of_day.ts";
import { type NormalizedParams, orList, paramValues } from "./params.ts";
import { type CompiledReport, DURATION_BOUNDS, type DurationRange } from "./types.ts";

/** Headline figures of a report. */
export type Summary = Record<string, number | string | null>;

/** How to finish a compiled report's result. */
export interface CompiledExtras {
  /** Counts a listing's rows (`[{$match}, {$count: "n"}]`). */
  countPipeline?: Document[];
  /** One document with the overall figures, for reports grouped by a dimension. */
  summaryPipeline?: Document[];
  /**
   * One document `{top: [row], bottom: [row]}`: the groups with the highest and lowest
   * KPI over every group. Run only when the rows read may not hold every group.
   */
  leadersPipeline?: Document[];
  /** True when the rows are cut to a `limit`, so they may not hold every group. */
  limited?: boolean;
  /**
   * The summary from the rows read (at most 1,000), the overall document (the single
   * row of an ungrouped report, or the summary pipeline's result), the row count and,
   * when the leaders pipeline ran, its document.
   */
  summarize(
    rows: Document[],
    overall: Document | null,
    totalRows: number,
    leaders?: Document | null,
  ): Summary;
}

const extras = new WeakMap<CompiledReport, CompiledExtras>();

/** Attaches `e` to `c` and returns `c`. */
export function withExtras(c: CompiledReport, e: CompiledExtras): CompiledReport {
  extras.set(c, e);
  return c;
}

/** The extras of a report compiled by this catalog, if any. */
export function extrasOf(c: CompiledReport): CompiledExtras | undefined {
  return extras.get(c);
}

/** Copies the named fields of `doc` (null when missing). */
export function pick(doc: Document | null | undefined, keys: readonly string[]): Summary {
  const out: Summary = {};
  for (const k of keys) out[k] = scalar(doc?.[k]);
  return out;
}

/** A summary value: numbers and strings as they are, anything else as text or null. */
export function scalar(v: unknown): number | string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" || typeof v === "string") return v;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

const STATUS_WORDS: Record<string, string> = {
  answered: "answered",
  missed: "missed",
  failed: "failed",
  busy: "busy",
  no_answer: "unanswered",
};

/** "Missed incoming calls", "Answered outgoing calls", "Calls". */
export function callsSubject(p: NormalizedParams): string {
  const words: string[] = [];
  if (p.status?.length) words.push(p.status.map((s) => STATUS_WORDS[s] ?? s).join(" or "));
  if (p.direction) words.push(p.direction);
  words.push("calls");
  const s = words.join(" ");
  return s[0].toUpperCase() + s.slice(1);
}

const BOUND_WORDS: Record<keyof DurationRange, string> = {
  gt: "over",
  gte: "at least",
  lt: "under",
  lte: "at most",
};

/** A duration range in words for titles and file names: "over 10 min", "at least 1 min and at most 3 min". */
export function durationWords(range: DurationRange): string {
  return DURATION_BOUNDS.filter((b) => range[b] !== undefined)
    .map((b) => `${BOUND_WORDS[b]} ${formatSeconds(range[b]!)}`)
    .join(" and ");
}

/**
 * A report title: the subject, "by <dimension>" when grouped, then the filters that
 * narrow it ("Agent performance, queue billing"). The period is not in the title (the
 * report carries it separately), so file names stay short.
 */
export function reportTitle(
  subject: string,
  p: NormalizedParams,
  opts: { showDirection?: boolean; showStatus?: boolean } = {},
): string {
  const parts: string[] = [];
  if (opts.showDirection && p.direction) parts.push(p.direction);
  if (opts.showStatus && p.status?.length) parts.push(p.status.join(" or "));
  const agents = paramValues(p.agent).map((a) => a.toLowerCase());
  if (agents.length) parts.push(`agent ${orList(agents)}`);
  if (p.queue) parts.push(`queue ${orList(paramValues(p.queue))}`);
  if (p.customer) parts.push(`customer ${p.customer}`);
  for (const name of ["disposition", "city", "segment"] as const) {
    if (p[name]) parts.push(`${name} ${orList(paramValues(p[name]))}`);
  }
  if (p.duration) parts.push(`duration ${durationWords(p.duration)}`);
  if (p.time_of_day) parts.push(timeOfDayWords(p.time_of_day));
  const head = p.group_by ? `${subject} by ${p.group_by}` : subject;
  return parts.length ? `${head}, ${parts.join(", ")}` : head;
}
