/**
 * The HTML document around every page: metadata, the stylesheet, and the page itself.
 * The islands layer adds the hydration script before `</body>` (no inline scripts: CSP).
 */
import type { JSX } from "preact";
import type { AppProps } from "../lib/web/types.ts";

/** The product name shown in titles. */
export const PRODUCT_NAME = "Contact Center Assistant";

function pageTitle(pathname: string): string {
  return pathname === "/login" ? `Sign in · ${PRODUCT_NAME}` : PRODUCT_NAME;
}

/** Renders the document. */
export default function App({ Component, url }: AppProps): JSX.Element {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <meta name="theme-color" content="#4f46e5" />
        <meta name="color-scheme" content="light" />
        <meta
          name="description"
          content="Ask about calls, agents and customers in plain words; get tables, charts and Excel reports."
        />
        <title>{pageTitle(url.pathname)}</title>
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/styles.css" />
      </head>
      <body>
        <Component />
      </body>
    </html>
  );
}
