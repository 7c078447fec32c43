/**
 * The question box: a growing textarea; Enter sends, Shift+Enter adds a line; the button
 * sends, or stops the running turn.
 */
import type { JSX, RefObject } from "preact";
import { useEffect } from "preact/hooks";
import { IconSend, IconStop } from "./icons.tsx";

/** Longest question accepted (characters). */
export const MAX_QUESTION = 4000;

/** Props of {@linkcode Composer}. */
export interface ComposerProps {
  value: string;
  onInput: (value: string) => void;
  onSend: () => void;
  onStop: () => void;
  /** A turn is running: the button stops it. */
  running: boolean;
  /** Stop was requested and the server has not confirmed yet. */
  stopping: boolean;
  inputRef: RefObject<HTMLTextAreaElement | null>;
}

function grow(el: HTMLTextAreaElement | null): void {
  if (!el) return;
  // CSSOM writes are allowed by the style-src CSP (only style attributes in HTML are not).
  el.style.height = "auto";
  el.style.height = `${Math.min(el.scrollHeight, 220)}px`;
}

/** Renders the composer. */
export function Composer(props: ComposerProps): JSX.Element {
  useEffect(() => grow(props.inputRef.current), [props.value]);
  const empty = props.value.trim() === "";
  return (
    <>
      <form
        class="composer"
        onSubmit={(e) => {
          e.preventDefault();
          if (props.running) props.onStop();
          else props.onSend();
        }}
      >
        <label class="visually-hidden" for="question">Your question</label>
        <textarea
          id="question"
          ref={props.inputRef}
          class="composer-input"
          rows={1}
          maxLength={MAX_QUESTION}
          placeholder="Ask a question about your calls…"
          aria-describedby="composer-hint"
          value={props.value}
          onInput={(e) => props.onInput(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              if (!props.running) props.onSend();
            }
          }}
        />
        {props.running
          ? (
            <button
              type="submit"
              class="composer-button is-stop"
              aria-label="Stop the answer"
              title="Stop (Esc)"
              disabled={props.stopping}
            >
              <IconStop />
              <span class="composer-button-text">{props.stopping ? "Stopping…" : "Stop"}</span>
            </button>
          )
          : (
            <button
              type="submit"
              class="composer-button"
              aria-label="Send"
              title="Send (Enter)"
              disabled={empty}
            >
              <IconSend />
            </button>
          )}
      </form>
      <p id="composer-hint" class="composer-hint">
        <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> new line · <kbd>Esc</kbd>{" "}
        stop · <kbd>Ctrl</kbd>+<kbd>K</kbd> new conversation
      </p>
    </>
  );
}
