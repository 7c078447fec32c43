/**
 * The Schedules page's lists: a schedule card (what, when, where, status, actions and its
 * delivery log), and the in-app inbox of delivered reports. Presentational: the island
 * owns the state and the API calls.
 */
import type { JSX } from "preact";
import type { ReportCall } from "../lib/agent/pickers.ts";
import { describeRecurrence } from "../lib/schedules/recurrence.ts";
import type { Recurrence, RunAttempt, RunStatus, ScheduleFormat } from "../lib/schedules/types.ts";
import {
  filtersInWords,
  instantInZone,
  periodInWords,
  runInProgress,
  runStatusInWords,
} from "../lib/schedules/words.ts";
import { IconAlert, IconCheck, IconChevron, IconDownload, IconTrash } from "./icons.tsx";

/** A schedule as `GET /api/schedules` lists it. */
export interface ScheduleView {
  id: string;
  title: string;
  report: ReportCall;
  format: ScheduleFormat;
  recipients: string[];
  recurrence: Recurrence;
  tz: string;
  paused: boolean;
  next_run_at: string | null;
  last_run_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A run as `GET /api/schedules/{id}/runs` lists it. */
export interface RunView {
  id: string;
  due_at: string;
  trigger: "schedule" | "manual";
  status: RunStatus;
  attempts: RunAttempt[];
  period_label?: string | null;
  delivered_to?: string[];
  created_at: string;
  finished_at: string | null;
}

/** An inbox item as `GET /api/inbox` lists it. */
export interface InboxView {
  id: string;
  title: string;
  period_label: string | null;
  format: ScheduleFormat;
  headline: string[];
  schedule_id: string;
  created_at: string;
  downloads: { xlsx?: string; pdf?: string };
}

/** The words of a format. */
export function formatWords(f: ScheduleFormat): string {
  return f === "both" ? "Excel and PDF" : f === "pdf" ? "PDF" : "Excel";
}

/** A small clock icon (schedules). */
export function IconClock(p: { class?: string }): JSX.Element {
  return (
    <svg
      class={`icon${p.class ? ` ${p.class}` : ""}`}
      viewBox="0 0 24 24"
      width="20"
      height="20"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <circle cx="12" cy="12" r="9" />
      <path d="M12 7v5l3 2" />
    </svg>
  );
}

function StatusBadge({ status }: { status: RunStatus }): JSX.Element {
  const tone = status === "failed" ? "is-failed" : runInProgress(status) ? "is-pending" : "is-ok";
  return <span class={`sched-badge ${tone}`}>{runStatusInWords(status)}</span>;
}

/** Props of {@linkcode ScheduleCard}. */
export interface ScheduleCardProps {
  schedule: ScheduleView;
  /** The report's title from the catalog. */
  reportTitle: string;
  /** The newest run, when known. */
  lastRun: RunView | null;
  /** The delivery log, while shown (null: loading). */
  runs: RunView[] | null;
  expanded: boolean;
  /** Asking to delete (a confirm shows). */
  confirming: boolean;
  busy: boolean;
  onToggleLog: () => void;
  onPause: (paused: boolean) => void;
  onRunNow: () => void;
  onAskDelete: () => void;
  onCancelDelete: () => void;
  onDelete: () => void;
}

/** One schedule: what it sends, when, to whom, its status, actions and delivery log. */
export function ScheduleCard(p: ScheduleCardProps): JSX.Element {
  const s = p.schedule;
  const filters = filtersInWords(s.report.params);
  const logId = `log-${s.id}`;
  const headId = `sched-${s.id}`;
  return (
    <li class={`sched-card${s.paused ? " is-paused" : ""}`} aria-labelledby={headId}>
      <div class="sched-card-head">
        <h3 class="sched-title" id={headId}>{s.title}</h3>
        <span class={`sched-state ${s.paused ? "is-paused" : "is-active"}`}>
          {s.paused ? "Paused" : "Active"}
        </span>
      </div>
      <dl class="sched-facts">
        <div>
          <dt>Report</dt>
          <dd>
            {p.reportTitle} · {periodInWords(s.report.params.period)}
            {filters.length > 0 && <span class="sched-filters">{filters.join(" · ")}</span>}
          </dd>
        </div>
        <div>
          <dt>When</dt>
          <dd>{describeRecurrence(s.recurrence, s.tz)}</dd>
        </div>
        <div>
          <dt>Next run</dt>
          <dd class="sched-next">
            {s.next_run_at ? instantInZone(s.next_run_at, s.tz) : "None while paused"}
          </dd>
        </div>
        <div>
          <dt>Format</dt>
          <dd>{formatWords(s.format)}</dd>
        </div>
        <div>
          <dt>To</dt>
          <dd class="sched-recipients">
            {s.recipients.length ? s.recipients.join(", ") : "Your inbox in the app"}
          </dd>
        </div>
        <div>
          <dt>Last delivery</dt>
          <dd class="sched-last">
            {p.lastRun
              ? (
                <>
                  <StatusBadge status={p.lastRun.status} />{" "}
                  <span class="sched-muted">{instantInZone(p.lastRun.created_at, s.tz)}</span>
                </>
              )
              : <span class="sched-muted">Not run yet</span>}
          </dd>
        </div>
      </dl>
      <div class="sched-actions">
        <button
          type="button"
          class="button button-secondary button-small"
          disabled={p.busy}
          onClick={() => p.onPause(!s.paused)}
        >
          {s.paused ? "Resume" : "Pause"}
        </button>
        <button
          type="button"
          class="button button-secondary button-small"
          disabled={p.busy}
          onClick={p.onRunNow}
        >
          Run now
        </button>
        <button
          type="button"
          class={`button button-ghost button-small sched-log-toggle${p.expanded ? " is-open" : ""}`}
          aria-expanded={p.expanded ? "true" : "false"}
          aria-controls={logId}
          onClick={p.onToggleLog}
        >
          <IconChevron />
          Delivery log
        </button>
        <span class="sched-actions-end">
          {p.confirming
            ? (
              <span class="sched-confirm" role="group" aria-label="Confirm delete">
                <span>Delete this schedule?</span>
                <button
                  type="button"
                  class="button button-danger button-small"
                  disabled={p.busy}
                  onClick={p.onDelete}
                >
                  Delete
                </button>
                <button
                  type="button"
                  class="button button-ghost button-small"
                  onClick={p.onCancelDelete}
                >
                  Keep
                </button>
              </span>
            )
            : (
              <button
                type="button"
                class="button button-ghost button-small sched-delete"
                disabled={p.busy}
                onClick={p.onAskDelete}
              >
                <IconTrash />
                Delete
              </button>
            )}
        </span>
      </div>
      {p.expanded && (
        <div class="sched-log" id={logId}>
          <RunLog runs={p.runs} tz={s.tz} />
        </div>
      )}
    </li>
  );
}

/** A schedule's delivery log: each run with its attempts. */
export function RunLog({ runs, tz }: { runs: RunView[] | null; tz: string }): JSX.Element {
  if (runs === null) {
    return (
      <p class="sched-muted" role="status">
        <span class="spinner" aria-hidden="true" /> Loading the delivery log…
      </p>
    );
  }
  if (!runs.length) {
    return <p class="sched-muted">No deliveries yet. Run now to try it.</p>;
  }
  return (
    <ol class="sched-runs">
      {runs.map((r) => (
        <li key={r.id} class="sched-run">
          <div class="sched-run-head">
            <StatusBadge status={r.status} />
            <span>{instantInZone(r.due_at, tz)}</span>
            <span class="sched-muted">
              {r.trigger === "manual" ? "run now" : "scheduled"}
              {r.period_label ? ` · ${r.period_label}` : ""}
              {r.delivered_to?.length ? ` · to ${r.delivered_to.join(", ")}` : ""}
            </span>
          </div>
          {r.attempts.length > 0 && (
            <ul class="sched-attempts">
              {r.attempts.map((a) => (
                <li key={a.n} class={`sched-attempt is-${a.status}`}>
                  {a.status === "failed" ? <IconAlert /> : <IconCheck />}
                  <span>
                    Attempt {a.n} · {runStatusInWords(a.status)} · {instantInZone(a.at, tz)}
                  </span>
                  {a.reason && <span class="sched-reason">{a.reason}</span>}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}

/** The in-app inbox: delivered reports, newest first, with their downloads. */
export function InboxList({ items, tz }: { items: InboxView[]; tz: string }): JSX.Element {
  if (!items.length) {
    return (
      <p class="sched-muted">
        Reports a schedule delivers in the app (when email is not set up, or a schedule has no
        recipients) arrive here.
      </p>
    );
  }
  return (
    <ul class="inbox-list">
      {items.map((i) => (
        <li key={i.id} class="inbox-item">
          <div class="inbox-main">
            <span class="inbox-title">{i.title}</span>
            <span class="sched-muted">
              {i.period_label ? `${i.period_label} · ` : ""}
              {instantInZone(i.created_at, tz)}
            </span>
            {i.headline.length > 0 && (
              <span class="inbox-headline">{i.headline.slice(0, 3).join(" · ")}</span>
            )}
          </div>
          <div class="inbox-links">
            {i.downloads.xlsx && (
              <a class="button button-secondary button-small" href={i.downloads.xlsx} download>
                <IconDownload />
                Excel<span class="visually-hidden">: {i.title}</span>
              </a>
            )}
            {i.downloads.pdf && (
              <a class="button button-secondary button-small" href={i.downloads.pdf} download>
                <IconDownload />
                PDF<span class="visually-hidden">: {i.title}</span>
              </a>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}
