/**
 * The one closed union of agent events. The loop produces them; the SSE route, the
 * chat island and the CLI switch on `type`. Every event is JSON-serialisable.
 */

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
}

/** A table as shown in the chat: columns, first rows, and the full row count. */
export interface TableSpec {
  title: string;
  columns: string[];
  /** Column types, parallel to `columns` (see reports/types ColumnType). */
  column_types?: string[];
  rows: unknown[][];
  total_rows: number;
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
  | { type: "final"; answer: string; usage: Usage }
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
