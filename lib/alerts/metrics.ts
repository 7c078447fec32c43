/**
 * The metrics an alert can watch: each is one headline figure (`ReportResult.summary`) of
 * a catalog entry, so an alert reads the same number the chat answers with.
 */
import { requireReport } from "../reports/catalog.ts";
import type { ParamName } from "../reports/params.ts";
import { formatSeconds } from "../reports/run.ts";

/** One watchable metric. */
export interface AlertMetric {
  name: string;
  /** The metric in words ("Abandonment rate"). */
  label: string;
  /** The catalog entry computing it. */
  report: string;
  /** Its key in the entry's summary. */
  key: string;
  type: "percent" | "seconds" | "count";
  /** Other names accepted for it (catalog names, abbreviations). */
  aliases: string[];
}

/** Every metric, in the order they are listed. */
export const ALERT_METRICS: readonly AlertMetric[] = [
  {
    name: "abandonment_rate",
    label: "Abandonment rate",
    report: "abandonment_rate",
    key: "abandonment_rate_pct",
    type: "percent",
    aliases: ["abandon_rate"],
  },
  {
    name: "service_level",
    label: "Service level",
    report: "service_level",
    key: "service_level_pct",
    type: "percent",
    aliases: [],
  },
  {
    name: "asa",
    label: "ASA",
    report: "speed_of_answer",
    key: "asa_seconds",
    type: "seconds",
    aliases: ["speed_of_answer", "average_speed_of_answer"],
  },
  {
    name: "answer_rate",
    label: "Answer rate",
    report: "answer_rate",
    key: "answer_rate_pct",
    type: "percent",
    aliases: [],
  },
  {
    name: "aht",
    label: "AHT",
    report: "handle_time",
    key: "aht_seconds",
    type: "seconds",
    aliases: ["handle_time", "average_handle_time"],
  },
  {
    name: "call_count",
    label: "Calls",
    report: "call_count",
    key: "calls",
    type: "count",
    aliases: ["calls"],
  },
  {
    name: "missed_calls",
    label: "Missed calls",
    report: "call_count",
    key: "missed",
    type: "count",
    aliases: ["missed"],
  },
  {
    name: "avg_talk_time",
    label: "Average talk time",
    report: "talk_time",
    key: "avg_talk_seconds",
    type: "seconds",
    aliases: ["talk_time"],
  },
  {
    name: "avg_duration",
    label: "Average call duration",
    report: "duration_stats",
    key: "avg_duration_seconds",
    type: "seconds",
    aliases: ["duration_stats"],
  },
  {
    name: "unique_customers",
    label: "Unique customers",
    report: "unique_customers",
    key: "unique_customers",
    type: "count",
    aliases: [],
  },
];

/** The metric called `name` (or one of its aliases), or undefined. */
export function getAlertMetric(name: string): AlertMetric | undefined {
  const k = name.trim().toLowerCase().replace(/[\s-]+/g, "_");
  return ALERT_METRICS.find((m) => m.name === k || m.aliases.includes(k));
}

/** The catalog parameters a metric's rule may filter on (never period or grouping). */
export function metricFilterParams(metric: AlertMetric): ParamName[] {
  const schema = requireReport(metric.report).parameters as {
    properties?: Record<string, unknown>;
  };
  return (Object.keys(schema.properties ?? {}) as ParamName[]).filter((k) =>
    !["period", "group_by", "limit"].includes(k)
  );
}

const countFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/** A metric's value in words: `12.5%`, `1m 5s`, `1,234`. */
export function formatMetricValue(metric: AlertMetric, value: number): string {
  if (metric.type === "percent") return `${countFormat.format(value)}%`;
  if (metric.type === "seconds") return formatSeconds(value);
  return countFormat.format(value);
}
