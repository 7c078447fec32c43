/**
 * One turn of the conversation: the user's question (the last one can be edited and sent
 * again), then the assistant's steps, how it read the question (and whether it asked back
 * or declined), the answer, tables, charts, reports, any error with a button to ask again,
 * and the row of actions under a finished answer (time, copy, retry, thumbs up/down).
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { Feedback, TurnView as Turn } from "./chat_state.ts";
import { ChartView } from "./chart_view.tsx";
import { IconAlert, IconHeadset, IconPencil, IconRetry } from "./icons.tsx";
import { MarkdownView } from "./markdown_view.tsx";
import { EditQuestion, MessageActions, MessageTimeView } from "./message_actions.tsx";
import { ReadingView } from "./reading_view.tsx";
import { ReportCard } from "./report_card.tsx";
import { StepsView } from "./steps_view.tsx";
import { TableView } from "./table_view.tsx";

/** Longest question accepted when editing (the API's limit). */
const MAX_QUESTION = 4000;

/** Props of {@linkcode TurnView}. */
export interface TurnViewProps {
  turn: Turn;
  /** Re-asks the question as a new turn (Retry, Ask again). */
  onRetry?: (question: string) => void;
  /** Sends an edited question as a new turn; given for the last turn only. */
  onEdit?: (question: string) => void;
  /** Sends feedback on the answer. */
  onFeedback?: (key: string, rating: Feedback["rating"], comment?: string) => Promise<boolean>;
  /** Another turn is running: retry and edit wait. */
  busy?: boolean;
  /** IANA business time zone for the times (the browser's when missing). */
  timeZone?: string;
  /** The current time (to say "today" or the date). Default: now. */
  now?: Date;
  /**
   * Keep a viewport of room (CSS `--view-h` of the thread) so this turn's question can sit
   * at the top while its answer is still short: the turn just asked.
   */
  room?: boolean;
  /**
   * A teammate's shared conversation, read only: no Retry or Ask again, no edit-and-resend
   * and no feedback (the server refuses them with 403 read_only); copy and downloads stay.
   */
  readOnly?: boolean;
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
export function TurnView(props: TurnViewProps): JSX.Element {
  const { turn, busy, timeZone } = props;
  const onRetry = props.readOnly ? undefined : props.onRetry;
  const onEdit = props.readOnly ? undefined : props.onEdit;
  const onFeedback = props.readOnly ? undefined : props.onFeedback;
  const now = props.now ?? new Date();
  const [editing, setEditing] = useState(false);
  const active = turn.status === "pending" || turn.status === "running";
  const hasBody = turn.answer || turn.tables.length || turn.charts.length || turn.reports.length;
  const done = turn.status === "done";
  const canEdit = Boolean(onEdit) && !active && !busy && turn.question !== "";
  return (
    <article
      class={`turn turn-${turn.status}${turn.outcome ? ` is-${turn.outcome}` : ""}${
        props.room ? " has-room" : ""
      }`}
      data-turn-id={turn.turn_id ?? undefined}
      data-key={turn.key}
    >
      {turn.question && (
        <div class="msg msg-user">
          {editing && canEdit
            ? (
              <EditQuestion
                question={turn.question}
                maxLength={MAX_QUESTION}
                onCancel={() => setEditing(false)}
                onSend={(q) => {
                  setEditing(false);
                  onEdit!(q);
                }}
              />
            )
            : (
              <div class="bubble">
                <p class="question">{turn.question}</p>
              </div>
            )}
          {!editing && (
            <div class="msg-user-foot">
              {canEdit && (
                <button
                  type="button"
                  class="icon-button action-button edit-button"
                  aria-label="Edit the question"
                  title="Edit and send again"
                  onClick={() => setEditing(true)}
                >
                  <IconPencil />
                </button>
              )}
              <MessageTimeView iso={turn.asked_at} label="Asked" timeZone={timeZone} now={now} />
            </div>
          )}
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
              <MarkdownView
                text={turn.answer}
                class={active ? "is-streaming" : undefined}
                streaming={active}
              />
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
          {!active && (hasBody || turn.error) && (
            <MessageActions
              answer={turn.answer}
              feedback={turn.feedback}
              busy={busy}
              readOnly={props.readOnly}
              onRetry={done && onRetry && turn.question ? () => onRetry(turn.question) : undefined}
              onFeedback={done && onFeedback && turn.turn_id
                ? (rating, comment) => onFeedback(turn.key, rating, comment)
                : undefined}
            >
              <MessageTimeView
                iso={turn.finished_at}
                label="Answered"
                timeZone={timeZone}
                now={now}
              />
            </MessageActions>
          )}
        </div>
      </div>
    </article>
  );
}
