/**
 * Contracts of the report catalog (the semantic layer of `../shared/contract/DATA.md`).
 * The agent's `run_report` / `make_excel_report` tools, the offline planner, the chat's
 * quick actions and `deno task report` all speak these types.
 */
import type { DataClient, Document } from "../data/types.ts";

/** Call directions of the data contract. */
export const DIRECTIONS = ["incoming", "outgoing"] as const;
/** Call directions. */
export type Direction = typeof DIRECTIONS[number];
/** Call statuses of the data contract. */
export const CALL_STATUSES = ["answered", "missed", "failed", "busy", "no_answer"] as const;
/** Call statuses. */
export type CallStatus = typeof CALL_STATUSES[number];
/** Dimensions a breakdown can group by, in the order they are listed. */
export const DIMENSIONS = [
  "agent",
  "queue",
  "status",
  "direction",
  "disposition",
  "day",
  "hour",
  "weekday",
  "customer",
  "city",
  "segment",
] as const;
/** Dimensions a breakdown can group by ("hour" is the local hour of day, "day" the local date). */
export type Dimension = typeof DIMENSIONS[number];

/** Bounds on a whole number of seconds; at least one is set. */
export interface DurationRange {
  /** More than this many seconds. */
  gt?: number;
  /** At least this many seconds. */
  gte?: number;
  /** Less than this many seconds. */
  lt?: number;
  /** At most this many seconds. */
  lte?: number;
}

/**
 * A daily window of local clock time in the business zone: calls starting at or after
 * `from` and before `to` ("HH:MM", `to` may be "24:00"), on every day of the period. A
 * `from` later than `to` wraps past midnight ("22:00"–"06:00": the night).
 */
export interface TimeOfDay {
  from: string;
  to: string;
}

/** The bound names of a {@link DurationRange}, in the order they are written. */
export const DURATION_BOUNDS = ["gt", "gte", "lt", "lte"] as const;

/**
 * Parameters every catalog entry accepts (entries ignore what does not apply and
 * say so in their JSON schema). Everything optional; nothing named = all data.
 */
export interface ReportParams {
  /** A period in words: "today", "last week", "last 7 days", "2026-11-20", "from 5 Nov to 13 Nov"… */
  period?: string;
  direction?: Direction;
  status?: CallStatus | CallStatus[];
  /** Agent login name (`agent_name`), case-insensitive; a list matches any of them. */
  agent?: string | string[];
  /** Queue name; a list matches any of them. */
  queue?: string | string[];
  /** A customer's phone number (E.164) or name as in `address_book.name`. */
  customer?: string;
  /** Outcome set by the agent; a list matches any of them. */
  disposition?: string | string[];
  /** Customer attributes through `address_book`; a list matches any of them. */
  city?: string | string[];
  segment?: string | string[];
  /** Calls whose `duration_seconds` is in this range (`{gt: 600}`: longer than 10 minutes). */
  duration?: DurationRange;
  /** Calls starting within this local clock window each day (`{from: "14:00", to: "16:00"}`). */
  time_of_day?: TimeOfDay;
  /** For breakdown-style entries. */
  group_by?: Dimension;
  /** For top-N entries and sorted breakdowns. */
  limit?: number;
  /** For `service_level`: answered within this many seconds of ringing (default 20). */
  threshold_seconds?: number;
}

/** Column types; dates are rendered in the business zone. */
export const COLUMN_TYPES = [
  "string",
  "integer",
  "number",
  "percent",
  "seconds",
  "datetime",
  "date",
] as const;
/** A column's type. */
export type ColumnType = typeof COLUMN_TYPES[number];

/** One column of a report's rows. */
export interface Column {
  key: string;
  label: string;
  type: ColumnType;
  /** e.g. "s" for seconds, "%" for percent. */
  unit?: string;
}

/** A resolved period: [start, end) instants and how to say it. */
export interface ResolvedPeriod {
  start: Date;
  end: Date;
  /** "today (24 Nov 2026)", "last week (16–22 Nov 2026)"… */
  label: string;
}

/** What a report needs besides its parameters. */
export interface ReportContext {
  client: DataClient;
  /** IANA business time zone. */
  tz: string;
  /** The clock (frozen in tests and demos). */
  now: Date;
  signal?: AbortSignal;
}

/** A compiled report: the query that produces every row, and how to read it. */
export interface CompiledReport {
  name: string;
  title: string;
  collection: string;
  pipeline: Document[];
  columns: Column[];
  /** "listing": one row per call/customer, can be huge; "aggregate": small result. */
  kind: "listing" | "aggregate";
  /** Human-readable filters ("direction: incoming", "agent: priya"). */
  filters: string[];
  period?: ResolvedPeriod;
  /** Upper bound on start_time that keeps the rows stable (the as-of instant). */
  asOf: Date;
}

/** The outcome of running a report for the chat/CLI (rows bounded). */
export interface ReportResult extends CompiledReport {
  /** Rows as arrays in `columns` order; all of them for aggregates (≤ 1,000), a preview for listings. */
  rows: unknown[][];
  /** Number of rows the full report has. */
  total_rows: number;
  /** Headline figures ("calls", "abandonment_rate_pct"…), ready for an answer. */
  summary: Record<string, number | string | null>;
}

/** A named, parameterised report. */
export interface ReportDefinition {
  name: string;
  title: string;
  /** What it answers, for the model and `deno task report --list`. */
  description: string;
  /** JSON schema of the parameters it accepts (a subset of ReportParams). */
  parameters: Record<string, unknown>;
  kind: "listing" | "aggregate";
  /** Compiles parameters to a pipeline (may look customers up in address_book). */
  compile(params: ReportParams, ctx: ReportContext): Promise<CompiledReport>;
}

/**
 * A saved report: the query that reproduces its rows, not the rows. The Excel file is
 * produced on demand and always holds the same rows (bounded by `as_of`).
 */
export interface ReportMeta {
  /** Opaque random id (`r_…`). */
  id: string;
  /** The owning user's id. */
  owner: string;
  title: string;
  /** Catalog entry and parameters, when it came from the catalog. */
  name: string | null;
  params: ReportParams | null;
  collection: string;
  /** The pipeline as relaxed EJSON text (dates survive the round trip). */
  pipeline_ejson: string;
  columns: Column[];
  filters: string[];
  period_label: string | null;
  tz: string;
  /** ISO instant bounding the rows. */
  as_of: string;
  rows: number;
  file_name: string;
  /** ISO instant. */
  created_at: string;
}

/** Where report metadata lives (implemented over Deno KV in `lib/kv.ts`). */
export interface ReportRepository {
  saveReport(meta: ReportMeta): Promise<void>;
  /** The report when `owner` owns it, else null (callers answer 404). */
  getReport(owner: string, id: string): Promise<ReportMeta | null>;
  listReports(owner: string): Promise<ReportMeta[]>;
}
