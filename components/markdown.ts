/**
 * Markdown of assistant answers to HTML. Safe by construction: raw HTML in the source is
 * shown as text, and links and images are live only where the app itself makes them —
 * paths on this site (`/api/reports/…`); any other link or image, and any bare URL, is
 * shown as written, as text (no live link to elsewhere, no request for an image). In the
 * browser the result additionally passes through DOMPurify (see `sanitize.ts`).
 */
import { Marked, type Tokens } from "marked";

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * Returns the URL when it is safe to link to (http, https, mailto, or a path/fragment on
 * this site), else null. Control characters and whitespace tricks are rejected.
 */
export function safeHref(href: string): string | null {
  const trimmed = href.trim();
  // deno-lint-ignore no-control-regex
  if (trimmed === "" || /[\u0000-\u001f\u007f\s]/.test(trimmed)) return null;
  if (/^(\/(?!\/)|#|\?)/.test(trimmed)) return trimmed;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed);
  if (!scheme) return null;
  return ["http", "https", "mailto"].includes(scheme[1].toLowerCase()) ? trimmed : null;
}

/** A link the app itself makes: a path or fragment on this site, else null. */
export function appHref(href: string): string | null {
  const safe = safeHref(href);
  return safe !== null && /^(\/(?!\/)|#|\?)/.test(safe) ? safe : null;
}

const marked = new Marked({
  async: false,
  gfm: true,
  breaks: true,
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(text);
    },
    link({ href, title, tokens, raw }: Tokens.Link): string {
      const safe = appHref(href);
      // Links to elsewhere (from the model, or text from the data) are shown as written.
      if (safe === null) return escapeHtml(raw);
      const inner = this.parser.parseInline(tokens);
      const titleAttr = title ? ` title="${escapeHtml(title)}"` : "";
      return `<a href="${escapeHtml(safe)}"${titleAttr}>${inner}</a>`;
    },
    image({ raw }: Tokens.Image): string {
      return `<span class="md-image-alt">${escapeHtml(raw)}</span>`;
    },
    table(token: Tokens.Table): string {
      // Wraps tables so wide ones scroll instead of stretching the page.
      const head = token.header.map((cell) => this.tablecell(cell)).join("");
      const body = token.rows.map((row) =>
        `<tr>${row.map((cell) => this.tablecell(cell)).join("")}</tr>`
      ).join("");
      return `<div class="md-table"><table><thead><tr>${head}</tr></thead>` +
        `<tbody>${body}</tbody></table></div>`;
    },
  },
});

/** Renders markdown to HTML that contains no raw HTML, script URLs or images. */
export function markdownToHtml(source: string): string {
  return marked.parse(source, { async: false }) as string;
}
