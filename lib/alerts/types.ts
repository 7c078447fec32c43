/**
 * Records of KPI alerts and notifications, as stored in KV (`lib/kv.ts`, section "Alerts
 * and notifications") and shown by the API (the webhook secret only once, at creation).
 */
import type { ReportParams } from "../reports/types.ts";

/** Which side of the threshold is a breach. */
export const ALERT_COMPARISONS = ["above", "below"] as const;
/** Which side of the threshold is a breach. */
export type AlertComparison = typeof ALERT_COMPARISONS[number];

/** Where a rule's firings go. */
export interface AlertChannels {
  /** A notification in the owner's bell (and live on their stream). */
  in_app: boolean;
  /** Email recipients (domains limited by `MAIL_ALLOWED_DOMAINS`); empty: no email. */
  email: string[];
  /** A signed JSON POST to this http(s) URL; null: no webhook. */
  webhook: string | null;
}

/** A KPI alert rule. */
export interface AlertRule {
  id: string;
  owner: string;
  /** The rule in words, or the owner's title. */
  name: string;
  /** A metric of `metrics.ts` (`abandonment_rate`, `asa`…). */
  metric: string;
  comparison: AlertComparison;
  threshold: number;
  /**
   * How far back the metric looks: "today" (the business day so far) or
   * "last N minutes" / "last N hours".
   */
  window: string;
  /** Catalog filters (queue, direction, status, agent…), never `period`. */
  filters: ReportParams;
  /**
   * A firing rule re-arms once the value is back past the threshold by this much
   * (default 0: as soon as it is no longer in breach).
   */
  recovery_margin: number;
  channels: AlertChannels;
  /** HMAC-SHA256 key of the webhook's `X-Signature` (hex); null without a webhook. */
  webhook_secret: string | null;
  enabled: boolean;
  created_at: string;
  updated_at: string;
}

/** Whether a rule is in breach, as last decided (`["alert_state", id]`). */
export interface AlertState {
  status: "ok" | "firing";
  /** When it entered this status. */
  since: string;
  /** The value that decided it (null: no data). */
  value: number | null;
  /** The firing that opened a breach. */
  firing_id: string | null;
}

/** One attempt of one delivery of a firing. */
export interface AlertDeliveryAttempt {
  n: number;
  at: string;
  status: "sending" | "sent" | "failed";
  reason?: string;
  finished_at?: string;
}

/** Delivery channels with a log. */
export type AlertDeliveryChannel = "email" | "webhook";

/** A firing's delivery through one channel, with its attempts (the delivery log). */
export interface AlertDelivery {
  channel: AlertDeliveryChannel;
  /** The recipients, or the webhook URL. */
  target: string;
  status: "pending" | "sending" | "sent" | "retrying" | "failed";
  attempts: AlertDeliveryAttempt[];
  /** When the next attempt is due (a lease while sending); null once finished. */
  next_at: string | null;
}

/** A rule crossing into breach (`["alert_firings", rule id, firing id]`). */
export interface AlertFiring {
  id: string;
  rule_id: string;
  owner: string;
  /** The rule in words ("Abandonment rate above 10% (last 60 minutes, queue: support)"). */
  description: string;
  metric: string;
  comparison: AlertComparison;
  threshold: number;
  window: string;
  /** The window as the report read it ("last 60 minutes (…)"). */
  period_label: string | null;
  value: number;
  /** The value and threshold in words ("12.5%", "1m 5s"). */
  value_text: string;
  threshold_text: string;
  fired_at: string;
  notification_id: string | null;
  deliveries: AlertDelivery[];
}

/** A delivery waiting for an attempt (`["alert_deliveries_due", due_at, rule, firing, channel]`). */
export interface DueAlertDelivery {
  due_at: string;
  rule_id: string;
  firing_id: string;
  channel: AlertDeliveryChannel;
}

/** An in-app notification (`["notifications", owner, id]`). */
export interface Notification {
  /** Sorts by creation time (`n_<ms>_<random>`). */
  id: string;
  owner: string;
  kind: "alert" | "report" | "export";
  title: string;
  body: string;
  /** Where in the app it leads (a path), or null. */
  link: string | null;
  created_at: string;
  read_at: string | null;
  alert_id?: string;
  firing_id?: string;
  schedule_id?: string;
  report_id?: string | null;
}

/** A time-sortable id: `prefix_<13-digit ms>_<random>`. */
export function sortableId(prefix: string, at: Date): string {
  const rand = crypto.getRandomValues(new Uint8Array(8));
  const hex = Array.from(rand, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${prefix}_${String(at.getTime()).padStart(13, "0")}_${hex}`;
}
