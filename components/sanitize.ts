/**
 * DOMPurify over rendered markdown, in the browser. On the server (no DOM) the markdown
 * renderer's own escaping is what keeps the output safe.
 */
import DOMPurify from "dompurify";

let configured = false;

/** Sanitises HTML for insertion into the page. */
export function sanitizeHtml(html: string): string {
  if (typeof document === "undefined" || !DOMPurify.isSupported) return html;
  if (!configured) {
    configured = true;
    DOMPurify.addHook("afterSanitizeAttributes", (node) => {
      if (node instanceof HTMLAnchorElement && node.getAttribute("target") === "_blank") {
        node.setAttribute("rel", "noopener noreferrer nofollow");
      }
    });
  }
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    ADD_ATTR: ["target"],
    FORBID_TAGS: ["style", "img", "form", "input", "button", "iframe", "svg", "math"],
    FORBID_ATTR: ["style"],
  });
}
