/**
 * Scheduled reports: what a schedule is, the runs it makes (its delivery log), the queue
 * message that asks for a run, and an in-app inbox item. Stored in KV by `lib/kv.ts`
 * (the "Schedules" section); computed and delivered by `recurrence.ts` and `runner.ts`.
 */
import type { ReportParams } from "../reports/types.ts";

/** File formats a schedule can send. */
export const SCHEDULE_FORMATS = ["xlsx", "pdf", "both"] as const;
/** The attachment(s) a schedule sends. */
export type ScheduleFormat = typeof SCHEDULE_FORMATS[number];

/**
 * When a schedule runs, in the business zone: `HH:MM` 24-hour local time, on every day,
 * on given ISO weekdays (1 = Monday … 7 = Sunday), or on day N of every month (clamped
 * to the month's last day).
 */
export type Recurrence =
  | { kind: "daily"; time: string }
  | { kind: "weekly"; weekdays: number[]; time: string }
  | { kind: "monthly"; day: number; time: string };

/** A scheduled report. */
export interface ScheduleRecord {
  /** Opaque random id (`s_…`). */
  id: string;
  /** The owning user's id. */
  owner: string;
  /** A name for lists and the email's subject (default: the report's title). */
  title: string;
  /** Catalog entry name and its parameters; relative periods resolve at each run. */
  report: { name: string; params: ReportParams };
  format: ScheduleFormat;
  /** Email addresses (lower-cased); empty: the owner's in-app inbox only. */
  recipients: string[];
  recurrence: Recurrence;
  /** IANA business zone the recurrence and the periods are read in. */
  tz: string;
  paused: boolean;
  /** ISO instants. */
  created_at: string;
  updated_at: string;
  /** The next due instant (ISO); null while paused. */
  next_run_at: string | null;
  /** The last due instant that was claimed (ISO), or null. */
  last_run_at: string | null;
}

/** How a run ended, or where it stands. */
export type RunStatus = "queued" | "sending" | "sent" | "inbox" | "failed" | "retrying";

/** One delivery attempt of a run. */
export interface RunAttempt {
  /** 1, 2, 3… */
  n: number;
  /** ISO instant the attempt started. */
  at: string;
  status: "sending" | "sent" | "inbox" | "failed";
  /** Why it failed (sentence case), when it did. */
  reason?: string;
  /** ISO instant it ended. */
  finished_at?: string;
}

/** One run of a schedule: an entry of its delivery log. */
export interface ScheduleRun {
  /** Opaque random id (`sr_…`). */
  id: string;
  schedule_id: string;
  owner: string;
  /** The due instant (ISO): the clock the periods are read against. */
  due_at: string;
  trigger: "schedule" | "manual";
  status: RunStatus;
  attempts: RunAttempt[];
  /** The period in words, once the report was made. */
  period_label?: string | null;
  /** Where it went: the recipients, or "inbox". */
  delivered_to?: string[];
  /** ISO instants. */
  created_at: string;
  finished_at: string | null;
}

/** The queue message asking for one delivery attempt of a run. */
export interface ScheduleRunMessage {
  kind: "schedule_run";
  schedule_id: string;
  run_id: string;
  /** Which attempt this message is (1 = the first). */
  attempt: number;
}

/** A report delivered to the owner's in-app inbox (no SMTP configured). */
export interface InboxItem {
  /** Opaque random id (`i_…`). */
  id: string;
  owner: string;
  schedule_id: string;
  run_id: string;
  title: string;
  period_label: string | null;
  /** The saved report (`["reports", owner, id]`): its file is re-generated on download. */
  report_id: string;
  format: ScheduleFormat;
  /** Headline figures in words (`label: value`). */
  headline: string[];
  /** ISO instant. */
  created_at: string;
}

/** True for a {@linkcode ScheduleRunMessage} (queue messages are untyped). */
export function isScheduleRunMessage(v: unknown): v is ScheduleRunMessage {
  const m = v as ScheduleRunMessage;
  return typeof v === "object" && v !== null && m.kind === "schedule_run" &&
    typeof m.schedule_id === "string" && typeof m.run_id === "string" &&
    typeof m.attempt === "number";
}
