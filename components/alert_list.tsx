/**
 * An alert rule as a card: its name, state (OK / Firing since …), the rule in words, its
 * channels, enable/disable, "Check now", delete after a confirm, and the firing log (value
 * against the threshold, time in the business zone, each email and webhook delivery with
 * its status and reason).
 */
import type { JSX } from "preact";
import { messageTime } from "./time_format.ts";

/** A rule as the page shows it (`GET /api/alerts`, plus `since` when known). */
export interface AlertView {
  id: string;
  name: string;
  description: string;
  metric: string;
  comparison: "above" | "below";
  threshold: number;
  window: string;
  filters: Record<string, unknown>;
  channels: { in_app: boolean; email: string[]; webhook: string | null };
  enabled: boolean;
  state: "ok" | "firing" | string;
  /** When it entered its state, when known. */
  since?: string | null;
  created_at: string;
}

/** One delivery of a firing. */
export interface AlertDeliveryView {
  channel: "email" | "webhook";
  target: string;
  status: string;
  attempts: { n: number; at: string; status: string; reason?: string }[];
}

/** A firing as `GET /api/alerts/{id}/firings` answers it. */
export interface AlertFiringView {
  id: string;
  value_text: string;
  threshold_text: string;
  comparison: "above" | "below";
  period_label: string | null;
  window: string;
  fired_at: string;
  deliveries: AlertDeliveryView[];
}

/** The last "Check now" of a rule. */
export interface AlertCheckView {
  value_text: string | null;
  threshold_text: string;
  period_label: string | null;
  fired: boolean;
  state: string;
}

/** The channels of a rule in words: "In app · Email sup@example.com · Webhook". */
export function channelsText(c: AlertView["channels"]): string {
  const out: string[] = [];
  if (c.in_app) out.push("In app");
  if (c.email.length) out.push(`Email ${c.email.join(", ")}`);
  if (c.webhook) out.push(`Webhook ${new URL(c.webhook).host}`);
  return out.join(" · ") || "No channel";
}

function when(iso: string, tz: string): JSX.Element {
  const t = messageTime(iso, { timeZone: tz, now: new Date() });
  return <time dateTime={iso} title={t?.title}>{t?.text ?? iso}</time>;
}

const DELIVERY_WORDS: Record<string, string> = {
  pending: "Waiting for the next minute",
  sending: "Sending",
  sent: "Sent",
  retrying: "Will retry",
  failed: "Failed",
};

/** The firing log of a rule. */
export function FiringLog(
  { firings, tz }: { firings: AlertFiringView[] | null; tz: string },
): JSX.Element {
  if (firings === null) return <p class="sched-muted" role="status">Loading the log…</p>;
  if (firings.length === 0) {
    return <p class="sched-muted">Not fired yet. It fires when the value crosses the threshold.</p>;
  }
  return (
    <ol class="alert-log" aria-label="Firings">
      {firings.map((f) => (
        <li key={f.id} class="alert-firing">
          <div class="alert-firing-head">
            <strong>{f.value_text}</strong>
            <span>
              {f.comparison} {f.threshold_text}
            </span>
            <span class="sched-muted">{f.period_label ?? f.window}</span>
            {when(f.fired_at, tz)}
          </div>
          {f.deliveries.length > 0 && (
            <ul class="alert-deliveries" aria-label="Deliveries">
              {f.deliveries.map((d) => {
                const last = d.attempts[d.attempts.length - 1];
                return (
                  <li key={d.channel} class={`alert-delivery is-${d.status}`}>
                    <span class="alert-delivery-channel">
                      {d.channel === "email" ? "Email" : "Webhook"}
                    </span>
                    <span class="alert-delivery-target">{d.target}</span>
                    <span class="sched-badge">{DELIVERY_WORDS[d.status] ?? d.status}</span>
                    {last?.reason && <span class="alert-delivery-reason">{last.reason}</span>}
                    {d.attempts.length > 1 && (
                      <span class="sched-muted">{d.attempts.length} attempts</span>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}

/** Props of {@linkcode AlertCard}. */
export interface AlertCardProps {
  alert: AlertView;
  tz: string;
  firings: AlertFiringView[] | null;
  expanded: boolean;
  confirming: boolean;
  busy: boolean;
  check: AlertCheckView | null;
  onToggleLog: () => void;
  onEnable: (enabled: boolean) => void;
  onCheck: () => void;
  onAskDelete: () => void;
  onCancelDelete: () => void;
  onDelete: () => void;
}

/** One rule. */
export function AlertCard(p: AlertCardProps): JSX.Element {
  const a = p.alert;
  const firing = a.state === "firing";
  const logId = `alert-log-${a.id}`;
  return (
    <article
      id={`alert-${a.id}`}
      class={`sched-card alert-card${firing ? " is-firing" : ""}${a.enabled ? "" : " is-off"}`}
      aria-labelledby={`alert-title-${a.id}`}
    >
      <div class="alert-card-head">
        <h3 class="alert-card-title" id={`alert-title-${a.id}`}>{a.name}</h3>
        <span class={`alert-state ${!a.enabled ? "is-off" : firing ? "is-firing" : "is-ok"}`}>
          {!a.enabled ? "Disabled" : firing
            ? (
              <>
                Firing{a.since ? <>{" since "}{when(a.since, p.tz)}</> : null}
              </>
            )
            : "OK"}
        </span>
      </div>
      {a.name !== a.description && <p class="alert-desc">{a.description}</p>}
      <dl class="alert-facts">
        <div>
          <dt>Window</dt>
          <dd>{a.window}</dd>
        </div>
        <div>
          <dt>Filters</dt>
          <dd>
            {Object.keys(a.filters).length
              ? Object.entries(a.filters).map(([k, v]) =>
                `${k}: ${Array.isArray(v) ? v.join(" or ") : String(v)}`
              ).join(", ")
              : "None"}
          </dd>
        </div>
        <div>
          <dt>Channels</dt>
          <dd>{channelsText(a.channels)}</dd>
        </div>
      </dl>
      {p.check && (
        <p class="alert-check-result" role="status">
          Now: <strong>{p.check.value_text ?? "no data"}</strong> against {a.comparison}{" "}
          {p.check.threshold_text}
          {p.check.period_label ? ` (${p.check.period_label})` : ""}
          {p.check.fired ? " — fired" : p.check.state === "firing" ? " — still firing" : ""}
        </p>
      )}
      <div class="alert-actions">
        <button type="button" class="button button-ghost" disabled={p.busy} onClick={p.onCheck}>
          Check now
        </button>
        <button
          type="button"
          class="button button-ghost"
          disabled={p.busy}
          onClick={() => p.onEnable(!a.enabled)}
        >
          {a.enabled ? "Disable" : "Enable"}
        </button>
        <button
          type="button"
          class="button button-ghost"
          aria-expanded={p.expanded ? "true" : "false"}
          aria-controls={logId}
          onClick={p.onToggleLog}
        >
          {p.expanded ? "Hide firings" : "Firings"}
        </button>
        {p.confirming
          ? (
            <span class="alert-confirm" role="group" aria-label="Confirm delete">
              <span>Delete this alert and its log?</span>
              <button
                type="button"
                class="button button-danger"
                disabled={p.busy}
                onClick={p.onDelete}
              >
                Delete
              </button>
              <button type="button" class="button button-ghost" onClick={p.onCancelDelete}>
                Keep
              </button>
            </span>
          )
          : (
            <button type="button" class="button button-ghost" onClick={p.onAskDelete}>
              Delete…
            </button>
          )}
      </div>
      {p.expanded && (
        <div id={logId} class="alert-log-wrap">
          <FiringLog firings={p.firings} tz={p.tz} />
        </div>
      )}
    </article>
  );
}
