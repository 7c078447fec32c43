/**
 * The question box: a growing textarea; Enter sends, Shift+Enter adds a line; the button
 * sends, or stops the running turn. A microphone button dictates into the box (see
 * `voice_input.tsx`): the words land in the box for review, never sent unheard.
 */
import type { JSX, RefObject } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { IconSend, IconStop } from "./icons.tsx";
import { useVoiceInput, VoiceButton, VoiceStatus } from "./voice_input.tsx";

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
  const latest = useRef(props);
  latest.current = props;
  const voice = useVoiceInput({
    value: () => latest.current.value,
    onInput: (v) => latest.current.onInput(v),
    focusInput: () => {
      const el = latest.current.inputRef.current;
      if (!el) return;
      el.focus();
      el.setSelectionRange(el.value.length, el.value.length);
    },
  });
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
        <VoiceButton voice={voice} />
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
      <VoiceStatus voice={voice} />
      <p id="composer-hint" class="composer-hint">
        <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> new line · <kbd>Esc</kbd>{" "}
        stop · <kbd>Ctrl</kbd>+<kbd>K</kbd> new conversation
      </p>
    </>
  );
}
