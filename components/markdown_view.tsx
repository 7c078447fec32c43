/**
 * Markdown rendered to sanitised HTML (see `markdown.ts` and `sanitize.ts`).
 */
import type { JSX } from "preact";
import { useMemo } from "preact/hooks";
import { markdownToHtml } from "./markdown.ts";
import { sanitizeHtml } from "./sanitize.ts";

/** Props of {@linkcode MarkdownView}. */
export interface MarkdownViewProps {
  text: string;
  class?: string;
}

/** Renders markdown text; no raw HTML from the text reaches the DOM. */
export function MarkdownView({ text, class: className }: MarkdownViewProps): JSX.Element {
  const html = useMemo(() => sanitizeHtml(markdownToHtml(text)), [text]);
  return (
    <div
      class={`md${className ? ` ${className}` : ""}`}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
