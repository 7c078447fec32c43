/**
 * Column definitions shared by the catalog entries: one place for labels, types, units.
 */
import type { Column, ColumnType } from "./types.ts";

const DEFS: Record<string, [label: string, type: ColumnType]> = {
  start_time: ["Start time", "datetime"],
  call_id: ["Call ID", "string"],
  direction: ["Direction", "string"],
  status: ["Status", "string"],
  queue: ["Queue", "string"],
  agent_name: ["Agent", "string"],
  customer_number: ["Customer number", "string"],
  customer_id: ["Customer ID", "string"],
  customer_name: ["Customer name", "string"],
  duration_seconds: ["Duration (s)", "seconds"],
  ring_seconds: ["Ring (s)", "seconds"],
  talk_seconds: ["Talk (s)", "seconds"],
  hold_seconds: ["Hold (s)", "seconds"],
  wrap_up_seconds: ["Wrap-up (s)", "seconds"],
  disposition: ["Disposition", "string"],
  hangup_by: ["Hung up by", "string"],
  calls: ["Calls", "integer"],
  answered: ["Answered", "integer"],
  missed: ["Missed", "integer"],
  agent: ["Agent", "string"],
  calls_handled: ["Calls handled", "integer"],
  incoming_handled: ["Incoming handled", "integer"],
  outgoing_answered: ["Outgoing answered", "integer"],
  total_talk_seconds: ["Total talk (s)", "seconds"],
  avg_talk_seconds: ["Avg talk (s)", "seconds"],
  aht_seconds: ["AHT (s)", "seconds"],
  avg_hold_seconds: ["Avg hold (s)", "seconds"],
  avg_wrap_up_seconds: ["Avg wrap-up (s)", "seconds"],
  avg_duration_seconds: ["Avg duration (s)", "seconds"],
  min_duration_seconds: ["Min duration (s)", "seconds"],
  max_duration_seconds: ["Max duration (s)", "seconds"],
  total_duration_seconds: ["Total duration (s)", "seconds"],
  incoming_calls: ["Incoming calls", "integer"],
  missed_calls: ["Missed calls", "integer"],
  abandonment_rate_pct: ["Abandonment rate (%)", "percent"],
  answered_within_threshold: ["Answered within threshold", "integer"],
  service_level_pct: ["Service level (%)", "percent"],
  answered_calls: ["Answered calls", "integer"],
  asa_seconds: ["ASA (s)", "seconds"],
  max_ring_seconds: ["Max ring (s)", "seconds"],
  answer_rate_pct: ["Answer rate (%)", "percent"],
  unique_customers: ["Unique customers", "integer"],
};

/** The column of `key` (label and type from the shared table; `label` overrides). */
export function col(key: string, label?: string): Column {
  const def = DEFS[key];
  if (!def) throw new Error(`Cannot define column "${key}": not in the column table`);
  const [l, type] = def;
  const c: Column = { key, label: label ?? l, type };
  if (type === "seconds") c.unit = "s";
  if (type === "percent") c.unit = "%";
  return c;
}

/** The columns of `keys`, in order. */
export function cols(...keys: string[]): Column[] {
  return keys.map((k) => col(k));
}
