/**
 * Picks a chart for a report result: a bar chart for categories (agents, queues,
 * hours…), a line chart for a day series. Only breakdowns and rankings get one.
 */
import type { ChartSpec } from "./events.ts";
import type { Column, ReportResult } from "../reports/types.ts";

const NUMERIC = new Set(["integer", "number", "percent", "seconds"]);

/** The headline column of each catalog entry, when it is not the first numeric one. */
const MAIN_COLUMN: Record<string, string> = {
  talk_time: "total_talk_seconds",
  duration_stats: "avg_duration_seconds",
  speed_of_answer: "asa_seconds",
  service_level: "service_level_pct",
  answer_rate: "answer_rate_pct",
  abandonment_rate: "abandonment_rate_pct",
  handle_time: "aht_seconds",
  unique_customers: "unique_customers",
  agent_performance: "calls_handled",
  top_customers: "calls",
};

/** Entries whose rows are one per agent/customer even without `group_by`. */
const RANKINGS = new Set(["agent_performance", "top_customers"]);

/** True when a result is a breakdown or ranking worth a chart. */
export function isChartable(
  result: Pick<ReportResult, "name" | "kind" | "columns">,
  groupBy?: string,
): boolean {
  return result.kind === "aggregate" && (Boolean(groupBy) || RANKINGS.has(result.name));
}

/**
 * The chart for a breakdown/ranking result, or null (listings, single-row results,
 * results without a numeric column).
 */
export function chartFor(
  result: Pick<ReportResult, "name" | "kind" | "columns" | "rows" | "title"> & {
    period?: { label: string };
  },
  groupBy?: string,
): ChartSpec | null {
  if (!isChartable(result, groupBy) || result.rows.length < 2) return null;
  const cols = result.columns;
  const labelIndex = labelColumn(result.name, cols);
  const valueIndex = valueColumn(result.name, cols, labelIndex);
  if (valueIndex < 0) return null;
  const value = cols[valueIndex];
  const labels = result.rows.map((r) => {
    const v = r[labelIndex];
    if (result.name === "top_customers") {
      const name = r[cols.findIndex((c) => c.key === "customer_name")];
      if (name) return String(name);
    }
    return v === null || v === undefined || v === "" ? "(none)" : String(v);
  });
  const data = result.rows.map((r) => {
    const v = r[valueIndex];
    return typeof v === "number" && Number.isFinite(v) ? v : null;
  });
  const kind = groupBy === "day" ? "line" : "bar";
  const title = result.period ? `${result.title} — ${result.period.label}` : result.title;
  const spec: ChartSpec = { title, kind, labels, series: [{ name: value.label, data }] };
  const unit = unitOf(value);
  if (unit) spec.unit = unit;
  return spec;
}

function labelColumn(_name: string, cols: Column[]): number {
  const i = cols.findIndex((c) => !NUMERIC.has(c.type));
  return i < 0 ? 0 : i;
}

function valueColumn(name: string, cols: Column[], labelIndex: number): number {
  const preferred = MAIN_COLUMN[name];
  if (preferred) {
    const i = cols.findIndex((c) => c.key === preferred);
    if (i >= 0) return i;
  }
  const percent = cols.findIndex((c) => c.type === "percent");
  if (percent >= 0) return percent;
  return cols.findIndex((c, i) => i !== labelIndex && NUMERIC.has(c.type));
}

function unitOf(c: Column): string | undefined {
  if (c.unit) return c.unit;
  if (c.type === "seconds") return "s";
  if (c.type === "percent") return "%";
  if (c.type === "integer" && /calls/.test(c.key)) return "calls";
  return undefined;
}
