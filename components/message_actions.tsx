/**
 * What a finished answer offers, like a modern chat: copy the answer (markdown), ask the
 * question again, and a thumbs up or down with an optional comment. Also the message time
 * in the business time zone with the zone named, and the small form that edits the last
 * question before sending it again.
 */
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Feedback } from "./chat_state.ts";
import { IconCheck, IconCopy, IconRetry, IconThumbDown, IconThumbUp } from "./icons.tsx";
import { messageTime } from "./time_format.ts";

/** Longest feedback comment (characters); the API's limit. */
export const MAX_COMMENT = 2000;

const COPIED = "Copied";

/**
 * Puts text on the clipboard: the Clipboard API, or a hidden textarea and `copy` where
 * the API is missing or refused. Resolves false when neither worked.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Refused (no permission, not focused): try the old way.
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "visually-hidden";
  document.body.append(area);
  try {
    area.select();
    return document.execCommand("copy");
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

/** Props of {@linkcode MessageTimeView}. */
export interface MessageTimeProps {
  iso: string | null;
  /** Said before the full time in the tooltip ("Asked", "Answered"). */
  label: string;
  /** IANA business time zone (the browser's when missing). */
  timeZone?: string;
  /** The current time, to say "today" or the date. */
  now: Date;
}

/** A message time: `14:32 IST`, with the full date, time and zone in its tooltip. */
export function MessageTimeView(
  { iso, label, timeZone, now }: MessageTimeProps,
): JSX.Element | null {
  if (!iso) return null;
  const t = messageTime(iso, { timeZone, now }) ?? messageTime(iso, { now });
  if (!t) return null;
  return (
    <time class="msg-time" dateTime={iso} title={`${label} ${t.title}`}>
      {t.text}
    </time>
  );
}

/** Props of {@linkcode MessageActions}. */
export interface MessageActionsProps {
  /** The answer as markdown (what Copy puts on the clipboard); "" hides Copy. */
  answer: string;
  /** The feedback given, if any. */
  feedback: Feedback | null;
  /** Re-asks the question as a new turn; hidden when missing. */
  onRetry?: () => void;
  /** Sends feedback; hidden when missing (the turn cannot be rated). */
  onFeedback?: (rating: Feedback["rating"], comment?: string) => Promise<boolean>;
  /** Another turn is running: Retry waits. */
  busy?: boolean;
  /** A shared conversation, read only: Copy stays, Retry and the thumbs are hidden. */
  readOnly?: boolean;
  /** The time shown at the start of the row. */
  children?: ComponentChildren;
}

/** The row under a finished answer: its time, Copy, Retry, thumbs up and down. */
export function MessageActions(props: MessageActionsProps): JSX.Element {
  /** A short confirmation beside the buttons ("Copied"), cleared after a moment. */
  const [note, setNote] = useState("");
  const [asking, setAsking] = useState<Feedback["rating"] | null>(null);
  const [draft, setDraft] = useState("");
  const [sending, setSending] = useState(false);
  const comment = useRef<HTMLTextAreaElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  useEffect(() => {
    if (asking) comment.current?.focus();
  }, [asking]);

  function flash(text: string): void {
    setNote(text);
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setNote(""), 2500);
  }

  async function copy(): Promise<void> {
    flash(await copyText(props.answer) ? COPIED : "Cannot copy here");
  }

  const onRetry = props.readOnly ? undefined : props.onRetry;
  const onFeedback = props.readOnly ? undefined : props.onFeedback;

  async function rate(rating: Feedback["rating"]): Promise<void> {
    if (!onFeedback) return;
    setNote("");
    setDraft(props.feedback?.rating === rating ? props.feedback.comment : "");
    setAsking(rating);
    if (props.feedback?.rating !== rating) await onFeedback(rating);
  }

  async function sendComment(e: Event): Promise<void> {
    e.preventDefault();
    if (!asking || !onFeedback || sending) return;
    setSending(true);
    const ok = await onFeedback(asking, draft);
    setSending(false);
    if (ok) {
      setAsking(null);
      flash("Thanks for your feedback");
    }
  }

  const rating = props.feedback?.rating ?? null;
  return (
    <>
      <div class="msg-foot">
        {props.children}
        <div class="msg-actions" role="group" aria-label="Answer actions">
          {props.answer && (
            <button
              type="button"
              class="icon-button action-button copy-button"
              aria-label="Copy the answer"
              title="Copy the answer"
              onClick={copy}
            >
              {note === COPIED ? <IconCheck /> : <IconCopy />}
            </button>
          )}
          {onRetry && (
            <button
              type="button"
              class="icon-button action-button retry-action"
              aria-label="Retry"
              title="Ask this question again"
              disabled={props.busy}
              onClick={onRetry}
            >
              <IconRetry />
            </button>
          )}
          {onFeedback && (
            <>
              <button
                type="button"
                class={`icon-button action-button thumb-button${rating === "up" ? " is-on" : ""}`}
                aria-label="Good answer"
                title="Good answer"
                aria-pressed={rating === "up" ? "true" : "false"}
                onClick={() => rate("up")}
              >
                <IconThumbUp />
              </button>
              <button
                type="button"
                class={`icon-button action-button thumb-button${rating === "down" ? " is-on" : ""}`}
                aria-label="Bad answer"
                title="Bad answer"
                aria-pressed={rating === "down" ? "true" : "false"}
                onClick={() => rate("down")}
              >
                <IconThumbDown />
              </button>
            </>
          )}
        </div>
        <span class="action-note" role="status">{note}</span>
      </div>
      {asking && onFeedback && (
        <form class="feedback-form" onSubmit={sendComment}>
          <label class="feedback-label">
            <span>
              {asking === "down" ? "What was wrong or missing?" : "What was useful?"}{" "}
              <span class="feedback-optional">(optional)</span>
            </span>
            <textarea
              ref={comment}
              class="feedback-input"
              rows={2}
              maxLength={MAX_COMMENT}
              value={draft}
              onInput={(e) => setDraft(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === "Escape") {
                  e.stopPropagation();
                  setAsking(null);
                }
              }}
            />
          </label>
          <div class="feedback-buttons">
            <button
              type="button"
              class="button button-small button-ghost"
              onClick={() => setAsking(null)}
            >
              Close
            </button>
            <button
              type="submit"
              class="button button-small button-primary"
              disabled={sending || draft.trim() === ""}
            >
              Send comment
            </button>
          </div>
        </form>
      )}
    </>
  );
}

/** Props of {@linkcode EditQuestion}. */
export interface EditQuestionProps {
  question: string;
  /** Sends the edited question (as a new turn). */
  onSend: (question: string) => void;
  onCancel: () => void;
  /** Longest question accepted. */
  maxLength: number;
}

/** Edits the last question in place: Enter (or Send) asks it, Esc cancels. */
export function EditQuestion(props: EditQuestionProps): JSX.Element {
  const [text, setText] = useState(props.question);
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = input.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  useEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 220)}px`;
  }, [text]);
  const send = () => {
    const q = text.trim();
    if (q) props.onSend(q);
  };
  return (
    <form
      class="edit-form"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label class="visually-hidden" for="edit-question">Edited question</label>
      <textarea
        id="edit-question"
        ref={input}
        class="edit-input"
        rows={1}
        maxLength={props.maxLength}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          } else if (e.key === "Escape") {
            e.preventDefault();
            e.stopPropagation();
            props.onCancel();
          }
        }}
      />
      <div class="edit-buttons">
        <button type="button" class="button button-small button-ghost" onClick={props.onCancel}>
          Cancel
        </button>
        <button
          type="submit"
          class="button button-small button-primary"
          disabled={text.trim() === ""}
        >
          Send
        </button>
      </div>
    </form>
  );
}
