/**
 * What a new conversation shows: a greeting and example questions as clickable chips.
 */
import type { JSX } from "preact";
import { IconChat, IconHeadset } from "./icons.tsx";

/** Example questions offered in a new conversation. */
export const EXAMPLE_QUESTIONS: readonly string[] = [
  "How many calls were made today?",
  "Show me agent performance for last week",
  "What was the abandonment rate yesterday?",
  "Show calls per day for last week",
  "Top 5 customers by number of calls",
  "Export all missed calls this week to Excel",
];

/** Props of {@linkcode EmptyState}. */
export interface EmptyStateProps {
  username: string;
  onAsk: (question: string) => void;
  disabled?: boolean;
}

/** Renders the greeting and the example chips. */
export function EmptyState({ username, onAsk, disabled }: EmptyStateProps): JSX.Element {
  return (
    <section class="empty-state" aria-labelledby="empty-title">
      <div class="empty-mark" aria-hidden="true">
        <IconHeadset />
      </div>
      <h1 id="empty-title" class="empty-title">Hi {username}, what would you like to know?</h1>
      <p class="empty-sub">
        Ask about calls, agents, queues and customers in plain words. Answers come with tables,
        charts and Excel reports.
      </p>
      <ul class="chips" aria-label="Example questions">
        {EXAMPLE_QUESTIONS.map((q) => (
          <li key={q}>
            <button type="button" class="chip" onClick={() => onAsk(q)} disabled={disabled}>
              <IconChat class="chip-icon" />
              <span>{q}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
