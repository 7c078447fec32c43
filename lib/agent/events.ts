/**
 * The one closed union of agent events. The loop produces them; the SSE route, the
 * chat island and the CLI switch on `type`. Every event is JSON-serialisable.
 */

import type { ReportParams } from "../reports/types.ts";

/** Token and call accounting for a turn. */
export interface Usage {
  model_calls: number;
  input_tokens: number;
  output_tokens: number;
}

/** A chart the page can draw with Chart.js. */
export interface ChartSpec {
  title: string;
  kind: "bar" | "line" | "pie";
  /** Category labels (agents, days, hours…). */
  labels: string[];
  series: { name: string; data: (number | null)[] }[];
  /** Unit of the values ("calls", "s", "%"). */
  unit?: string;
  /** The value axis title, with its unit ("AHT (m:ss)", "Calls"). */
  y_label?: string;
  /** The category axis title ("Agent", "Day"). */
  x_label?: string;
  /**
   * Per label: true when its period is not over yet (today so far), drawn dashed or
   * lighter.
   */
  partial?: boolean[];
}

/** A table as shown in the chat: columns, first rows, and the full row count. */
export interface TableSpec {
  title: string;
  columns: string[];
  /** Column types, parallel to `columns` (see reports/types ColumnType). */
  column_types?: string[];
  rows: unknown[][];
  total_rows: number;
  /** Column keys, parallel to `columns` (what `sort` and the rows API name). */
  column_keys?: string[];
  /** How `rows` are ordered: a column index and the direction. */
  sort?: { column: number; order: "asc" | "desc" };
  /** Indices of rows whose period is not over yet (today so far, this hour so far). */
  partial_rows?: number[];
  /** The whole table covers a period still running ("today so far"). */
  so_far?: boolean;
  /** Every row, in cursor pages: `/api/tables/{id}/rows` (listings beyond the preview). */
  rows_url?: string;
  /** The cursor of the page after `rows` (with `rows_url`). */
  next_cursor?: string;
  /** The table as an Excel file: `/api/tables/{id}/xlsx`. */
  download?: string;
}

/** A saved report the user can download. */
export interface ReportRef {
  id: string;
  title: string;
  rows: number;
  /** `/api/reports/{id}` */
  download: string;
  /** File name the download will carry. */
  file_name?: string;
}

/** How a turn ended: the question answered, asked back about, or declined. */
export type Outcome = "answered" | "clarified" | "refused";

/** A period as read: its label and exact instants ([start, end), ISO UTC). */
export interface PeriodReading {
  label: string;
  start: string;
  end: string;
}

/**
 * How a question was read, shown above the answer as chips and in the CLI's JSON: the
 * metric (a catalog entry), the period, each filter, the grouping, and the words of the
 * question that were not used.
 */
export interface Interpretation {
  /** Catalog entry measured ("call_count", "abandonment_rate"…). */
  metric: string;
  /** The metric in words ("Calls", "Abandonment rate"). */
  metric_label: string;
  /** null = all data. */
  period: PeriodReading | null;
  /** A second period compared with the first. */
  compare_period?: PeriodReading | null;
  /** Each filter applied: name → value(s) ("direction" → "incoming"). */
  filters: Record<string, string | string[]>;
  /** The dimension rows are grouped by, or null. */
  group_by: string | null;
  /** Words of the question that were not used (none that could change the result). */
  unplaced: string[];
  /**
   * The catalog entry and parameters exactly as run, so the reading can be changed and
   * run again without a model call (absent when the answer came from elsewhere).
   */
  report?: { name: string; params: ReportParams };
  /**
   * A scheduled report's recurrence in words ("every Monday at 09:00 (Asia/Kolkata)"),
   * when the turn created or cancelled a schedule; absent otherwise.
   */
  schedule?: string;
  /**
   * A KPI alert rule in words ("Abandonment rate above 10% (last 1 hour)"), when the turn
   * created or cancelled an alert; absent otherwise.
   */
  alert?: string;
}

export type AgentEvent =
  | {
    type: "turn_started";
    turn_id: string;
    conversation_id: string;
    question: string;
  }
  | { type: "step"; text: string }
  | {
    type: "tool_start";
    call_id: string;
    tool: string;
    args: Record<string, unknown>;
  }
  | {
    type: "tool_end";
    call_id: string;
    tool: string;
    ok: boolean;
    summary: string;
    duration_ms: number;
  }
  | { type: "text"; delta: string }
  | ({ type: "table" } & TableSpec)
  | ({ type: "chart" } & ChartSpec)
  | ({ type: "report" } & ReportRef)
  | ({ type: "interpretation" } & Interpretation)
  | {
    type: "outcome";
    outcome: Outcome;
    /** One line: why the assistant asked back or declined. */
    reason: string;
    /** Words of the question that could not be placed. */
    unplaced?: string[];
    /** What was understood (a clarified turn's partial reading). */
    interpretation?: Interpretation;
    /** The question as far as it was understood, standalone (for the follow-up). */
    question?: string;
  }
  | {
    type: "final";
    answer: string;
    usage: Usage;
    /** How the turn ended ("answered" unless the assistant asked back or declined). */
    outcome: Outcome;
    /** How the question was read; null when it was declined or no data was read. */
    interpretation: Interpretation | null;
  }
  | { type: "error"; code: ErrorCode; message: string };

/** Error codes an `error` event carries. */
export type ErrorCode =
  | "cancelled"
  | "timeout"
  | "model_error"
  | "rate_limited"
  | "quota_exceeded"
  | "tool_error"
  | "too_many_rounds"
  | "internal";

/** The `type` values, for exhaustive switches. */
export type AgentEventType = AgentEvent["type"];

/** Receives events as the loop produces them. */
export type EmitEvent = (event: AgentEvent) => void | Promise<void>;

/** Throws at compile time when a switch over events misses a case. */
export function assertNever(x: never): never {
  throw new Error(`Unexpected event: ${JSON.stringify(x)}`);
}
