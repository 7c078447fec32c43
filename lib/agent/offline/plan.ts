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

function withoutListing(p: ReportParams): ReportParams {
  const { limit: _limit, group_by: _group, ...rest } = p;
  return rest;
}
