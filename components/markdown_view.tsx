/**
 * Markdown rendered to sanitised HTML (see `markdown.ts` and `sanitize.ts`). While an
 * answer streams, an emphasis or code span that has opened but not yet closed is closed
 * for display, so the words do not flash as `**raw**` and then jump to bold.
 */
import type { JSX } from "preact";
import { useMemo } from "preact/hooks";
import { markdownToHtml } from "./markdown.ts";
import { sanitizeHtml } from "./sanitize.ts";

/** Props of {@linkcode MarkdownView}. */
export interface MarkdownViewProps {
  text: string;
  class?: string;
  /** The text is still arriving: close open emphasis and code spans for display. */
  streaming?: boolean;
}

/**
 * Closes what the last line of partial markdown left open (`**`, `` ` ``), so streamed text
 * renders as it will end up. Code fences are left alone.
 */
export function closeOpenMarkers(text: string): string {
  if (/(^|\n)```/.test(text)) return text;
  const line = text.slice(text.lastIndexOf("\n") + 1);
  let out = text;
  const ticks = (line.match(/`/g) ?? []).length;
  if (ticks % 2 === 1) return `${out}\``;
  const bold = (line.match(/\*\*/g) ?? []).length;
  if (bold % 2 === 1) {
    // "**" alone at the end opens nothing yet: drop it rather than show it.
    out = /\*\*\s*$/.test(out) ? out.replace(/\*\*\s*$/, "") : `${out.trimEnd()}**`;
  }
  return out;
}

/** Renders markdown text; no raw HTML from the text reaches the DOM. */
export function MarkdownView(
  { text, class: className, streaming }: MarkdownViewProps,
): JSX.Element {
  const html = useMemo(
    () => sanitizeHtml(markdownToHtml(streaming ? closeOpenMarkers(text) : text)),
    [text, streaming],
  );
  return (
    <div
      class={`md${className ? ` ${className}` : ""}`}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
