/**
 * Feedback on answers: the limits of what a user may send, the answer excerpt kept with
 * it, and the CSV export the team reads (`deno task feedback`). Cells that a spreadsheet
 * would run as a formula are neutralised.
 */
import type { FeedbackRecord } from "./kv.ts";

/** Longest comment accepted (characters). */
export const MAX_FEEDBACK_COMMENT = 2000;
/** Longest answer excerpt kept with feedback (characters). */
export const ANSWER_EXCERPT_CHARS = 300;

/** The columns of the export, in order. */
export const FEEDBACK_CSV_COLUMNS = [
  "turn_id",
  "user",
  "conversation_id",
  "question",
  "answer_excerpt",
  "rating",
  "comment",
  "created_at",
] as const;

/** The start of an answer on one line: at most `max` characters, cut at a word. */
export function answerExcerpt(answer: string, max = ANSWER_EXCERPT_CHARS): string {
  const clean = answer.replace(/\s+/g, " ").trim();
  const chars = [...clean];
  if (chars.length <= max) return clean;
  const cut = chars.slice(0, max - 1).join("");
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * One CSV cell (RFC 4180 quoting). Text that starts like a formula (`=`, `+`, `-`, `@`, a
 * tab or a carriage return) gets a leading `'`, so a spreadsheet shows it as text.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The export: a header line, then one line per feedback (CRLF line ends, as RFC 4180). */
export function feedbackCsv(records: readonly FeedbackRecord[]): string {
  const lines = [FEEDBACK_CSV_COLUMNS.join(",")];
  for (const r of records) {
    const row: Record<(typeof FEEDBACK_CSV_COLUMNS)[number], string> = {
      turn_id: r.turn_id,
      user: r.username,
      conversation_id: r.conversation_id,
      question: r.question,
      answer_excerpt: r.answer_excerpt,
      rating: r.rating,
      comment: r.comment,
      created_at: r.created_at,
    };
    lines.push(FEEDBACK_CSV_COLUMNS.map((c) => csvCell(row[c])).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}
