/**
 * One turn of the conversation: the user's question, then the assistant's steps, how it
 * read the question (and whether it asked back or declined), the answer, tables, charts,
 * reports, and any error with a retry button.
 */
import type { JSX } from "preact";
import { type TurnView as Turn } from "./chat_state.ts";
import { ChartView } from "./chart_view.tsx";
import { clockTime } from "./format.ts";
import { IconAlert, IconHeadset, IconRetry } from "./icons.tsx";
import { MarkdownView } from "./markdown_view.tsx";
import { ReadingView } from "./reading_view.tsx";
import { ReportCard } from "./report_card.tsx";
import { StepsView } from "./steps_view.tsx";
import { TableView } from "./table_view.tsx";

/** Props of {@linkcode TurnView}. */
export interface TurnViewProps {
  turn: Turn;
  /** Re-asks the question (shown on failed or cancelled turns). */
  onRetry?: (question: string) => void;
  /** Disables the retry button (another turn is running). */
  busy?: boolean;
}

function Time({ iso, label }: { iso: string | null; label: string }): JSX.Element | null {
  if (!iso) return null;
  const text = clockTime(iso);
  return text
    ? <time class="msg-time" dateTime={iso} title={`${label} ${iso}`}>{text}</time>
    : null;
}

function ErrorNotice(
  { turn, onRetry, busy }: { turn: Turn; onRetry?: (q: string) => void; busy?: boolean },
): JSX.Element | null {
  if (!turn.error || (turn.status !== "error" && turn.status !== "cancelled")) return null;
  const cancelled = turn.status === "cancelled";
  return (
    <div
      class={`notice ${cancelled ? "notice-muted" : "notice-error"}`}
      role={cancelled ? "status" : "alert"}
    >
      <IconAlert class="notice-icon" />
      <div class="notice-text">
        <strong>{cancelled ? "Stopped." : "Something went wrong."}</strong>{" "}
        <span>
          {cancelled
            ? "You stopped this answer; what it found so far is kept."
            : turn.error.message}
        </span>
      </div>
      {onRetry && turn.question && (
        <button
          type="button"
          class="button button-small button-secondary retry-button"
          onClick={() => onRetry(turn.question)}
          disabled={busy}
        >
          <IconRetry />
          <span>{cancelled ? "Ask again" : "Retry"}</span>
        </button>
      )}
    </div>
  );
}

/** Renders a question and its answer. */
export function TurnView({ turn, onRetry, busy }: TurnViewProps): JSX.Element {
  const active = turn.status === "pending" || turn.status === "running";
  const hasBody = turn.answer || turn.tables.length || turn.charts.length || turn.reports.length;
  return (
    <article
      class={`turn turn-${turn.status}${turn.outcome ? ` is-${turn.outcome}` : ""}`}
      data-turn-id={turn.turn_id ?? undefined}
    >
      {turn.question && (
        <div class="msg msg-user">
          <div class="bubble">
            <p class="question">{turn.question}</p>
          </div>
          <Time iso={turn.asked_at} label="Asked at" />
        </div>
      )}
      <div class="msg msg-assistant">
        <div class="avatar" aria-hidden="true">
          <IconHeadset />
        </div>
        <div class="msg-body">
          <StepsView steps={turn.steps} status={turn.status} answering={turn.answer !== ""} />
          <ReadingView interpretation={turn.interpretation} outcome={turn.outcome} />
          <div class="answer" aria-live="polite" aria-busy={active ? "true" : "false"}>
            {turn.answer && (
              <MarkdownView text={turn.answer} class={active ? "is-streaming" : undefined} />
            )}
            {active && !turn.answer && turn.steps.length === 0 && (
              <div class="typing" aria-label="The assistant is working">
                <span />
                <span />
                <span />
              </div>
            )}
          </div>
          {turn.tables.map((t, i) => <TableView key={`t${i}`} table={t} />)}
          {turn.charts.map((c, i) => <ChartView key={`c${i}`} chart={c} />)}
          {turn.reports.length > 0 && (
            <div class="reports">
              {turn.reports.map((r) => <ReportCard key={r.id} report={r} />)}
            </div>
          )}
          <ErrorNotice turn={turn} onRetry={onRetry} busy={busy} />
          {!active && hasBody && <Time iso={turn.finished_at} label="Answered at" />}
        </div>
      </div>
    </article>
  );
}
