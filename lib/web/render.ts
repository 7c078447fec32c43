/**
 * Server rendering of pages with islands. While a page renders, a Preact `options.vnode`
 * hook replaces every island component (a default export of `islands/`) by a wrapper that
 * renders it to HTML inside `<div data-island="Name" data-island-id="N">` and puts its props
 * in a `<script type="application/json" id="__island_props_N">` block right after it. The
 * browser bundle (`lib/web/client.ts`) hydrates each such div with the same props.
 * Islands nested inside islands render as plain components and hydrate with their parent.
 */
import { type ComponentType, Fragment, h, options, type VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import type { AppProps, PageProps } from "./types.ts";

interface RenderState {
  islands: Map<ComponentType<unknown>, string>;
  count: number;
  used: Set<string>;
  depth: number;
}

let current: RenderState | null = null;
const wrappers = new Map<ComponentType<unknown>, ComponentType<Record<string, unknown>>>();

const previousVnodeHook = options.vnode;
options.vnode = (vnode: VNode) => {
  const st = current;
  if (st && st.depth === 0 && typeof vnode.type === "function") {
    const name = st.islands.get(vnode.type as ComponentType<unknown>);
    if (name !== undefined) {
      // deno-lint-ignore no-explicit-any
      (vnode as any).type = wrapperFor(vnode.type as ComponentType<unknown>, name);
    }
  }
  previousVnodeHook?.(vnode);
};

function wrapperFor(
  island: ComponentType<unknown>,
  name: string,
): ComponentType<Record<string, unknown>> {
  let w = wrappers.get(island);
  if (w) return w;
  w = function IslandWrapper(props: Record<string, unknown>) {
    const st = current!;
    const id = st.count++;
    const json = serialiseProps(name, props);
    st.depth++;
    let html: string;
    try {
      html = renderToString(h(island as ComponentType<Record<string, unknown>>, props));
    } finally {
      st.depth--;
    }
    st.used.add(name);
    return h(
      Fragment,
      null,
      h("div", {
        "data-island": name,
        "data-island-id": String(id),
        dangerouslySetInnerHTML: { __html: html },
      }),
      h("script", {
        type: "application/json",
        id: `__island_props_${id}`,
        dangerouslySetInnerHTML: { __html: json },
      }),
    );
  };
  wrappers.set(island, w);
  return w;
}

/** Throws when a prop value would not survive JSON (functions, dates, class instances…). */
function checkSerialisable(island: string, path: string, v: unknown, seen: Set<unknown>): void {
  if (v === null || typeof v === "string" || typeof v === "boolean") return;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) {
      throw new Error(`Cannot render island "${island}": prop ${path} is not a finite number`);
    }
    return;
  }
  if (typeof v === "object") {
    if (seen.has(v)) {
      throw new Error(`Cannot render island "${island}": prop ${path} is circular`);
    }
    seen.add(v);
    if (Array.isArray(v)) {
      v.forEach((x, i) => checkSerialisable(island, `${path}[${i}]`, x, seen));
    } else {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        throw new Error(
          `Cannot render island "${island}": prop ${path} is not plain data (serialisable props only)`,
        );
      }
      for (const [k, x] of Object.entries(v)) {
        if (x !== undefined) checkSerialisable(island, `${path}.${k}`, x, seen);
      }
    }
    seen.delete(v);
    return;
  }
  throw new Error(
    `Cannot render island "${island}": prop ${path} is a ${typeof v} (serialisable props only)`,
  );
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>`, `&` and the JavaScript
 * line separators are escaped, so no string can close the block.
 */
export function serialiseProps(island: string, props: Record<string, unknown>): string {
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (k === "children" && v !== undefined) {
      throw new Error(`Cannot render island "${island}": islands take no children`);
    }
    if (v !== undefined) {
      checkSerialisable(island, k, v, new Set());
      clean[k] = v;
    }
  }
  return JSON.stringify(clean)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Options of {@linkcode renderPage}. */
export interface RenderPageOptions<Data, S> {
  /** The `_app.tsx` component, or undefined for a bare `<html>` shell. */
  app?: ComponentType<AppProps<S>>;
  page: ComponentType<PageProps<Data, S>>;
  props: PageProps<Data, S>;
  /** Island components and their names. */
  islands: Map<ComponentType<unknown>, string>;
  /** URL path of the hydration bundle, or null when there is none. */
  scriptSrc: string | null;
}

/** The result of {@linkcode renderPage}. */
export interface RenderedPage {
  html: string;
  /** Names of the islands on the page. */
  islands: string[];
}

function DefaultApp({ Component }: AppProps) {
  return h(
    "html",
    { lang: "en" },
    h("head", null, h("meta", { charset: "utf-8" })),
    h("body", null, h(Component, {})),
  );
}

/**
 * Renders a page inside `_app` to a full HTML document. When the page holds islands, the
 * hydration bundle is added as `<script type="module" src>` before `</body>`.
 */
export function renderPage<Data, S>(opts: RenderPageOptions<Data, S>): RenderedPage {
  if (current) throw new Error("Cannot render a page while another page renders");
  const st: RenderState = { islands: opts.islands, count: 0, used: new Set(), depth: 0 };
  current = st;
  let html: string;
  try {
    const Page = opts.page;
    const props = opts.props;
    const Component = () => h(Page, props);
    const App = (opts.app ?? DefaultApp) as ComponentType<AppProps<S>>;
    html = renderToString(
      h(App, { Component, state: props.state, url: props.url, params: props.params }),
    );
  } finally {
    current = null;
  }
  const used = [...st.used].sort();
  if (used.length > 0 && opts.scriptSrc) {
    const tag = `<script type="module" src="${escapeAttr(opts.scriptSrc)}"></script>`;
    const at = html.lastIndexOf("</body>");
    html = at >= 0 ? html.slice(0, at) + tag + html.slice(at) : html + tag;
  }
  return { html: "<!DOCTYPE html>" + html, islands: used };
}

function escapeAttr(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
