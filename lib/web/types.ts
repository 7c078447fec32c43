/**
 * Types of the islands layer: the Fresh 1.x route, page, app, middleware and manifest
 * shapes, so route files read like Fresh's (`Handlers`, `PageProps`, `AppProps`,
 * `FreshContext`) and can move to Fresh by changing one import.
 */
import type { ComponentType } from "preact";

/** Per-request state shared by middlewares, handlers and pages. */
export type State = Record<string, unknown>;

/** What `ctx.render()` accepts besides the page data. */
export interface RenderOptions {
  status?: number;
  headers?: HeadersInit;
}

/** The context a route handler receives (Fresh's `FreshContext` / `HandlerContext`). */
export interface FreshContext<Data = unknown, S = State> {
  /** Route parameters (`[id]` segments), already URL-decoded. */
  params: Record<string, string>;
  /** Per-request state, filled by middlewares. */
  state: S;
  url: URL;
  /** The route pattern that matched (`/api/conversations/:id`). */
  route: string;
  /** Renders the page component of this route file with `data`, inside `_app`. */
  render(data?: Data, options?: RenderOptions): Response | Promise<Response>;
  /** Renders the not-found answer (JSON for /api/*, else the error page). */
  renderNotFound(): Response | Promise<Response>;
}

/** Alias kept for Fresh 1.x code that says `HandlerContext`. */
export type HandlerContext<Data = unknown, S = State> = FreshContext<Data, S>;

/** A route handler. */
export type Handler<Data = unknown, S = State> = (
  req: Request,
  ctx: FreshContext<Data, S>,
) => Response | Promise<Response>;

/** HTTP methods a handler object may define. */
export type Method = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";

/** Handlers per method (a missing method answers 405; HEAD falls back to GET). */
export type Handlers<Data = unknown, S = State> = Partial<Record<Method, Handler<Data, S>>>;

/** Props of a page component (the default export of a route file). */
export interface PageProps<Data = unknown, S = State> {
  url: URL;
  params: Record<string, string>;
  state: S;
  data: Data;
  route: string;
}

/** Props of the `_app.tsx` component, which renders `<html>` around every page. */
export interface AppProps<S = State> {
  /** The page, already bound to its props: render it as `<Component />`. */
  Component: ComponentType<Record<string, never>>;
  state: S;
  url: URL;
  params: Record<string, string>;
}

/** The context a `_middleware.ts` handler receives. */
export interface MiddlewareContext<S = State> {
  /** Runs the next middleware, then the route. */
  next(): Promise<Response>;
  state: S;
  url: URL;
  params: Record<string, string>;
  /** "route" when a route file matched, "notFound" otherwise. */
  destination: "route" | "notFound";
}

/** Alias kept for Fresh 1.x code that says `MiddlewareHandlerContext`. */
export type MiddlewareHandlerContext<S = State> = MiddlewareContext<S>;

/** A middleware. */
export type MiddlewareHandler<S = State> = (
  req: Request,
  ctx: MiddlewareContext<S>,
) => Response | Promise<Response>;

// deno-lint-ignore no-explicit-any
type AnyHandler = Handler<any, any> | Handlers<any, any> | MiddlewareHandler<any>;

/** What a route file may export. */
export interface RouteModule {
  handler?: AnyHandler | AnyHandler[];
  // deno-lint-ignore no-explicit-any
  default?: ComponentType<any>;
  config?: {
    routeOverride?: string;
    /** Largest request body of this route (bytes); default: the server's `maxBodyBytes`. */
    maxBodyBytes?: number;
  };
}

/** What an island file exports: a default Preact component with serialisable props. */
export interface IslandModule {
  // deno-lint-ignore no-explicit-any
  default: ComponentType<any>;
}

/** The generated `fresh.gen.ts` manifest. */
export interface Manifest {
  /** Route modules keyed by path from the project root (`./routes/api/[id].ts`). */
  routes: Record<string, RouteModule>;
  /** Island modules keyed by path from the project root (`./islands/Chat.tsx`). */
  islands: Record<string, IslandModule>;
  /** `import.meta.url` of the manifest: the project root is its folder. */
  baseUrl: string;
}

/** The islands build manifest (`static/build/manifest.json`) written by `scripts/build.ts`. */
export interface BuildManifest {
  version: 1;
  /** Hash of everything the bundle depends on; the build is skipped while it matches. */
  inputs_hash: string;
  /** URL path of the hydration bundle (`/build/islands-<hash>.js`), null without islands. */
  entry: string | null;
  /** Island names in the bundle. */
  islands: string[];
}
