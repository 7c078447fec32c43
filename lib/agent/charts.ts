/**
 * Picks a chart for a report result: a bar chart for categories (agents, queues,
 * hours…), a line chart for a day series. Only breakdowns and rankings get one. The chart
 * draws the metric asked (the presentation's focus column) with its unit and axis titles;
 * periods not over yet are flagged so the page draws them dashed or lighter.
 */
import type { ChartSpec } from "./events.ts";
import type { Column, ReportResult } from "../reports/types.ts";
import { focusIndex, isNumericColumn, type Presentation } from "./presentation.ts";

/** Entries whose rows are one per agent/customer even without `group_by`. */
const RANKINGS = new Set(["agent_performance", "top_customers"]);

/** True when a result is a breakdown or ranking worth a chart. */
export function isChartable(
  result: Pick<ReportResult, "name" | "kind" | "columns">,
  groupBy?: string,
): boolean {
  return result.kind === "aggregate" && (Boolean(groupBy) || RANKINGS.has(result.name));
}

/** What a chart is drawn from: the columns, rows in chart order, the metric and partials. */
export type ChartView = Pick<Presentation, "columns" | "chartRows" | "focus"> & {
  partial_chart_rows?: number[];
};

/**
 * The chart for a breakdown/ranking result, or null (listings, single-row results,
 * results without a numeric column). `view` is the result as presented (see
 * `presentation.ts`); without it the result's own columns and rows are used.
 */
export function chartFor(
  result: Pick<ReportResult, "name" | "kind" | "columns" | "rows" | "title"> & {
    period?: { label: string };
  },
  groupBy?: string,
  view?: ChartView,
): ChartSpec | null {
  if (!isChartable(result, groupBy)) return null;
  const v: ChartView = view ?? {
    columns: result.columns,
    chartRows: result.rows,
    focus: focusIndex(result.name, result.columns),
  };
  if (v.chartRows.length < 2) return null;
  const cols = v.columns;
  const labelIndex = labelColumn(cols);
  const valueIndex = v.focus >= 0 && v.focus !== labelIndex ? v.focus : fallbackValue(cols);
  if (valueIndex < 0) return null;
  const value = cols[valueIndex];
  const nameIndex = result.name === "top_customers"
    ? cols.findIndex((c) => c.key === "customer_name")
    : -1;
  const labels = v.chartRows.map((r) => {
    if (nameIndex >= 0 && r[nameIndex]) return String(r[nameIndex]);
    const x = r[labelIndex];
    return x === null || x === undefined || x === "" ? "(none)" : String(x);
  });
  const data = v.chartRows.map((r) => {
    const x = r[valueIndex];
    return typeof x === "number" && Number.isFinite(x) ? x : null;
  });
  const kind = groupBy === "day" ? "line" : "bar";
  const metric = metricName(value);
  const xLabel = cols[labelIndex]?.label ?? "";
  const subject = xLabel ? `${metric} by ${xLabel.toLowerCase()}` : metric;
  const title = result.period ? `${subject} — ${result.period.label}` : subject;
  const spec: ChartSpec = { title, kind, labels, series: [{ name: metric, data }] };
  const unit = unitOf(value);
  if (unit) spec.unit = unit;
  spec.y_label = axisLabel(metric, unit);
  if (xLabel) spec.x_label = xLabel;
  const partial = v.partial_chart_rows ?? [];
  if (partial.length) spec.partial = labels.map((_, i) => partial.includes(i));
  return spec;
}

/** A column's label without its unit suffix: "AHT (s)" → "AHT". */
export function metricName(c: Pick<Column, "label">): string {
  return c.label.replace(/\s*\((s|sec|secs|seconds|%)\)\s*$/i, "");
}

/** The value axis title: the metric and how its numbers read. */
export function axisLabel(metric: string, unit: string | undefined): string {
  if (unit === "s") return `${metric} (m:ss)`;
  if (unit === "%") return `${metric} (%)`;
  return metric;
}

function labelColumn(cols: Column[]): number {
  const i = cols.findIndex((c) => !isNumericColumn(c));
  return i < 0 ? 0 : i;
}

function fallbackValue(cols: Column[]): number {
  const percent = cols.findIndex((c) => c.type === "percent");
  if (percent >= 0) return percent;
  return cols.findIndex(isNumericColumn);
}

function unitOf(c: Column): string | undefined {
  if (c.unit) return c.unit;
  if (c.type === "seconds") return "s";
  if (c.type === "percent") return "%";
  if (c.type === "integer" && /calls/.test(c.key)) return "calls";
  return undefined;
}
