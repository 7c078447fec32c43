/**
 * Plans the data agent's tool calls for an {@link Intent}: catalog entries of
 * `../../../notes/CATALOG.md` with their ReportParams, run in parallel in one message.
 */
import type { ReportParams } from "../../reports/types.ts";
import type { Intent, Metric } from "./intent.ts";

/** One planned tool call. */
export interface PlannedCall {
  /** `run_report` or `make_excel_report`. */
  tool: "run_report" | "make_excel_report";
  /** Catalog entry. */
  name: string;
  params: ReportParams;
  /** The measure in words, when derived from the entry ("Average calls per day"). */
  measure?: string;
}

const ENTRY: Record<Metric, string> = {
  count: "call_count",
  list: "call_list",
  breakdown: "call_breakdown",
  agent_performance: "agent_performance",
  duration: "duration_stats",
  talk_time: "talk_time",
  handle_time: "handle_time",
  abandonment: "abandonment_rate",
  service_level: "service_level",
  asa: "speed_of_answer",
  answer_rate: "answer_rate",
  share: "call_breakdown",
  unique_customers: "unique_customers",
  top_customers: "top_customers",
};

/** The catalog entry a metric runs. */
export function entryFor(metric: Metric): string {
  return ENTRY[metric];
}

/** The catalog entry an intent runs (averages per unit run a breakdown). */
export function entryOf(i: Intent): string {
  return i.per ? "call_breakdown" : ENTRY[i.metric];
}

/** ReportParams of an intent for one period (filters, grouping, limit). */
export function reportParams(i: Intent, period = i.period): ReportParams {
  const f = i.filters;
  const p: ReportParams = {};
  if (period) p.period = period;
  if (f.direction) p.direction = f.direction;
  if (f.status?.length) p.status = f.status.length === 1 ? f.status[0] : [...f.status];
  if (f.agent) p.agent = f.agent;
  if (f.queue) p.queue = f.queue;
  if (f.customer) p.customer = f.customer;
  if (f.disposition) p.disposition = f.disposition;
  if (f.city) p.city = f.city;
  if (f.segment) p.segment = f.segment;
  if (f.duration) p.duration = { ...f.duration };
  if (f.time_of_day) p.time_of_day = { ...f.time_of_day };
  if (i.per) {
    // Averages per unit are read from a breakdown: by agent, or by local day.
    p.group_by = i.per === "agent" ? "agent" : "day";
    return p;
  }
  switch (i.metric) {
    case "share":
      p.group_by = i.share!.dim;
      break;
    case "breakdown":
    case "duration":
    case "talk_time":
    case "handle_time":
    case "abandonment":
    case "service_level":
    case "asa":
    case "answer_rate":
    case "unique_customers":
      if (i.groupBy) p.group_by = i.groupBy;
      break;
  }
  if (i.metric === "top_customers") p.limit = i.limit ?? 10;
  else if (i.metric === "breakdown" && i.limit && sortedByCalls(i) && i.rank?.order !== "min") {
    p.limit = i.limit;
  }
  if (i.metric === "service_level" && i.threshold !== undefined) {
    p.threshold_seconds = i.threshold;
  }
  return p;
}

/** Breakdowns over time are sorted by time; the others by calls, most first. */
function sortedByCalls(i: Intent): boolean {
  return !!i.groupBy && !["day", "hour", "weekday"].includes(i.groupBy) && !i.compare;
}

/** The tool calls that answer an intent. */
export function planCalls(i: Intent): PlannedCall[] {
  const entry = entryOf(i);
  const periods = i.comparePeriod ? [i.period, i.comparePeriod] : [i.period];
  const calls: PlannedCall[] = [];
  for (const period of periods) {
    const params = reportParams(i, period);
    if (i.excel && !i.comparePeriod) {
      const listing = i.metric === "list" || i.metric === "count";
      const excelParams = listing ? withoutListing(params) : params;
      calls.push({
        tool: "make_excel_report",
        name: listing ? "call_list" : entry,
        params: excelParams,
      });
      // The answer also states the count (or the figures) right away.
      calls.push({ tool: "run_report", name: listing && !i.per ? "call_count" : entry, params });
    } else {
      calls.push({ tool: "run_report", name: entry, params });
    }
  }
  if (i.per) {
    const measure = `Average calls per ${i.per}`;
    for (const c of calls) if (c.tool === "run_report") c.measure = measure;
  }
  return calls;
}

/** The order a planned entry's table is shown in (run_report's `sort_by` / `sort_order`). */
export interface PlannedSort {
  /** The catalog entry it applies to (the planned calls of other entries keep their order). */
  entry: string;
  /** The column of the metric asked, which the table is sorted by and the chart draws. */
  key: string;
  /** "desc": highest first (the most, the slowest); "asc" for the lowest, the fewest. */
  order: "asc" | "desc";
}

/**
 * The order the table of a ranking is shown in: by the metric ranked, highest first (the
 * lowest first for "lowest", "fewest"). An AHT or talk-time question about agents is
 * shown by that metric too. Other questions keep the entry's own order (the answer
 * reads the same rows). Null when the entry's own order is the one.
 */
export function planSort(i: Intent): PlannedSort | null {
  const entry = entryOf(i);
  if (i.per || i.compare || i.share) return null;
  const grouped = entry === "agent_performance" || Boolean(i.groupBy);
  if (!grouped) return null;
  const key = focusColumn(entry, i.focus);
  if (!key) return null;
  if (i.rank) return { entry, key, order: i.rank.order === "min" ? "asc" : "desc" };
  if (entry === "agent_performance" && (i.focus === "aht" || i.focus === "talk")) {
    return { entry, key, order: "desc" };
  }
  return null;
}

/** The column of each entry's metric, by what the question is about (its focus). */
export function focusColumn(entry: string, focus?: Intent["focus"]): string | undefined {
  switch (entry) {
    case "agent_performance":
      return focus === "aht"
        ? "aht_seconds"
        : focus === "hold"
        ? "avg_hold_seconds"
        : focus === "wrap"
        ? "avg_wrap_up_seconds"
        : focus === "talk"
        ? "total_talk_seconds"
        : focus === "avg"
        ? "avg_talk_seconds"
        : "calls_handled";
    case "handle_time":
      return focus === "hold"
        ? "avg_hold_seconds"
        : focus === "wrap"
        ? "avg_wrap_up_seconds"
        : "aht_seconds";
    case "duration_stats":
      return focus === "max"
        ? "max_duration_seconds"
        : focus === "min"
        ? "min_duration_seconds"
        : "avg_duration_seconds";
    case "talk_time":
      return focus === "avg" ? "avg_talk_seconds" : "total_talk_seconds";
    case "call_breakdown":
      return "calls";
    case "abandonment_rate":
      return "abandonment_rate_pct";
    case "service_level":
      return "service_level_pct";
    case "speed_of_answer":
      return "asa_seconds";
    case "answer_rate":
      return "answer_rate_pct";
    case "unique_customers":
      return "unique_customers";
    default:
      return undefined;
  }
}

function withoutListing(p: ReportParams): ReportParams {
  const { limit: _limit, group_by: _group, ...rest } = p;
  return rest;
}
