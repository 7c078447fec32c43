/**
 * The islands layer's server: turns a `fresh.gen.ts` manifest into a Hono app that follows
 * Fresh 1.x conventions (route `handler` + page component, `[param]` segments, `_app`,
 * nested `_middleware`), serves `static/`, maps thrown errors in one place, and runs Hono's
 * own middleware on every request: secure headers (strict CSP), a body size limit and a
 * request timeout.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { timeout } from "hono/timeout";
import type { ComponentType } from "preact";
import {
  errorResponse,
  HttpError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
} from "./errors.ts";
import { MAX_JSON_BYTES } from "./http.ts";
import { compareRoutes, islandName, manifestRoot, routeInfo } from "./manifest.ts";
import { renderPage } from "./render.ts";
import { securityHeaders } from "./security.ts";
import { createStaticFiles } from "./static.ts";
import type {
  AppProps,
  BuildManifest,
  FreshContext,
  Handler,
  Handlers,
  Manifest,
  Method,
  MiddlewareContext,
  MiddlewareHandler,
  PageProps,
  RenderOptions,
  RouteModule,
  State,
} from "./types.ts";

/** Options of {@linkcode createServer}. */
export interface ServerOptions<S extends State> {
  manifest: Manifest;
  /** Folder of static files (default: `<root>/static`). */
  staticDir?: string;
  /**
   * The islands build manifest; default: read `<staticDir>/build/manifest.json`
   * (missing → pages render without hydration, with one warning).
   */
  buildManifest?: BuildManifest | null;
  /** The initial `ctx.state` of each request. */
  initialState?: (req: Request) => S;
  /** Where unexpected errors are logged (default `console.error`). */
  log?: (message: string, error: unknown) => void;
  /** Largest request body accepted (default 64 KiB): larger ones answer 413. */
  maxBodyBytes?: number;
  /**
   * A request must be read and its response started within this time (default 60 s), else
   * it answers 503 (slow bodies, stuck handlers). Streamed bodies are not cut.
   */
  requestTimeoutMs?: number;
}

/** The app: a fetch handler for `Deno.serve` or tests. */
export interface WebServer {
  fetch(req: Request, info?: Deno.ServeHandlerInfo): Promise<Response>;
  /** The Hono app underneath. */
  hono: Hono<ServerEnv>;
}

/** Hono's environment here: what `Deno.serve` said about the connection. */
export interface ServerEnv {
  Bindings: { info?: Deno.ServeHandlerInfo };
}

const connections = new WeakMap<Request, Deno.ServeHandlerInfo>();

/**
 * The IP address the request's connection comes from (as `Deno.serve` saw it), or null when
 * unknown (a request built in a test). Proxies are not looked through here: see
 * `lib/auth/client_address.ts`.
 */
export function remoteAddress(req: Request): string | null {
  const addr = connections.get(req)?.remoteAddr;
  return addr && "hostname" in addr ? addr.hostname : null;
}

/** True for paths answered with JSON errors. */
export function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

interface Middleware {
  prefix: string;
  handlers: MiddlewareHandler<State>[];
}

const METHODS: Method[] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** Reads `static/build/manifest.json`, or null when it is missing or unreadable. */
export async function readBuildManifest(staticDir: string): Promise<BuildManifest | null> {
  try {
    const m = JSON.parse(await Deno.readTextFile(`${staticDir}/build/manifest.json`));
    return m && m.version === 1 ? m as BuildManifest : null;
  } catch {
    return null;
  }
}

/** Builds the app from a manifest. */
export async function createServer<S extends State>(
  options: ServerOptions<S>,
): Promise<WebServer> {
  const { manifest } = options;
  const root = manifestRoot(manifest.baseUrl);
  const staticDir = options.staticDir ?? `${root}/static`;
  const build = options.buildManifest !== undefined
    ? options.buildManifest
    : await readBuildManifest(staticDir);
  const log = options.log ?? ((m: string, e: unknown) => console.error(m + ":", e));
  const initialState = options.initialState ?? (() => ({}) as S);
  const staticFiles = createStaticFiles(staticDir);

  const islands = new Map<ComponentType<unknown>, string>();
  for (const [key, mod] of Object.entries(manifest.islands)) {
    if (typeof mod.default !== "function") {
      throw new Error(`Cannot load island ${key}: it has no default-exported component`);
    }
    islands.set(mod.default as ComponentType<unknown>, islandName(key));
  }
  const missing = Object.keys(manifest.islands).map(islandName).filter((n) =>
    !build?.islands.includes(n)
  );
  let warned = false;
  function scriptSrc(): string | null {
    if ((!build?.entry || missing.length > 0) && !warned && islands.size > 0) {
      warned = true;
      log(
        "Islands will not hydrate",
        new Error(
          build ? `the bundle lacks ${missing.join(", ")}; run deno task build` : "no build " +
            "manifest in static/build; run deno task build",
        ),
      );
    }
    return build?.entry ?? null;
  }

  let app: ComponentType<AppProps<S>> | undefined;
  const middlewares: Middleware[] = [];
  const routes = [];
  for (const [key, mod] of Object.entries(manifest.routes)) {
    const info = routeInfo(key);
    if (info.kind === "app") app = mod.default as ComponentType<AppProps<S>>;
    else if (info.kind === "middleware") {
      const h = mod.handler;
      const handlers = (Array.isArray(h) ? h : [h]).filter((x) => typeof x === "function");
      middlewares.push({ prefix: info.prefix, handlers: handlers as MiddlewareHandler<State>[] });
    } else if (info.kind === "route") {
      if (mod.config?.routeOverride) info.pattern = mod.config.routeOverride;
      routes.push({ info, mod });
    }
  }
  middlewares.sort((a, b) => a.prefix.length - b.prefix.length);
  routes.sort((a, b) => compareRoutes(a.info, b.info));

  function render(
    mod: RouteModule,
    props: PageProps<unknown, S>,
    opts: RenderOptions = {},
  ): Response {
    if (!mod.default) throw new Error(`Cannot render ${props.route}: it has no page component`);
    const { html } = renderPage({
      app,
      page: mod.default as ComponentType<PageProps<unknown, S>>,
      props,
      islands,
      scriptSrc: scriptSrc(),
    });
    const headers = new Headers(opts.headers);
    if (!headers.has("Content-Type")) headers.set("Content-Type", "text/html; charset=utf-8");
    if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
    return new Response(html, { status: opts.status ?? 200, headers });
  }

  function notFound(url: URL): Response {
    return errorResponse(
      new NotFoundError(isApiPath(url.pathname) ? "Not found" : "There is no page at this address"),
      {
        json: isApiPath(url.pathname),
        log,
      },
    );
  }

  async function runRoute(
    req: Request,
    mod: RouteModule,
    pattern: string,
    params: Record<string, string>,
    state: S,
    url: URL,
  ): Promise<Response> {
    const ctx: FreshContext<unknown, S> = {
      params,
      state,
      url,
      route: pattern,
      render: (data, opts) => render(mod, { url, params, state, data, route: pattern }, opts),
      renderNotFound: () => notFound(url),
    };
    const method = req.method.toUpperCase() as Method;
    const h = mod.handler;
    let handler: Handler<unknown, S> | undefined;
    if (typeof h === "function") handler = h as Handler<unknown, S>;
    else if (h && typeof h === "object" && !Array.isArray(h)) {
      const hs = h as Handlers<unknown, S>;
      handler = hs[method] ?? (method === "HEAD" ? hs.GET : undefined);
      if (!handler && mod.default && !hs.GET && (method === "GET" || method === "HEAD")) {
        handler = (_r, c) => c.render();
      }
      if (!handler) {
        const allow = METHODS.filter((m) => hs[m] || (m === "HEAD" && hs.GET));
        if (mod.default && !hs.GET) allow.unshift("GET", "HEAD");
        throw new MethodNotAllowedError(allow);
      }
    } else if (mod.default && (method === "GET" || method === "HEAD")) {
      handler = (_r, c) => c.render();
    } else if (mod.default) {
      throw new MethodNotAllowedError(["GET", "HEAD"]);
    } else {
      throw new NotFoundError();
    }
    const res = await handler(req, ctx);
    if (!(res instanceof Response)) {
      throw new Error(`Route ${pattern} returned no Response for ${method}`);
    }
    return res;
  }

  async function dispatch(
    req: Request,
    route: { pattern: string; mod: RouteModule } | null,
    params: Record<string, string>,
    info: Deno.ServeHandlerInfo | undefined,
  ): Promise<Response> {
    if (info) connections.set(req, info);
    const url = new URL(req.url);
    const json = isApiPath(url.pathname);
    const where = `${req.method} ${url.pathname}`;
    const state = initialState(req);
    const chain = middlewares
      .filter((m) =>
        m.prefix === "/" || url.pathname === m.prefix || url.pathname.startsWith(m.prefix + "/")
      )
      .flatMap((m) => m.handlers);
    const final = async (): Promise<Response> => {
      try {
        if (!route) return notFound(url);
        return await runRoute(req, route.mod, route.pattern, params, state, url);
      } catch (e) {
        return errorResponse(e, { json, log, where });
      }
    };
    let i = 0;
    const next = async (): Promise<Response> => {
      if (i >= chain.length) return await final();
      const mw = chain[i++];
      const ctx: MiddlewareContext<S> = {
        next,
        state,
        url,
        params,
        destination: route ? "route" : "notFound",
      };
      return await mw(req, ctx as MiddlewareContext<State>);
    };
    try {
      return await next();
    } catch (e) {
      return errorResponse(e, { json, log, where });
    }
  }

  const maxBodyBytes = options.maxBodyBytes ?? MAX_JSON_BYTES;
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const hono = new Hono<ServerEnv>();
  hono.use(securityHeaders());
  hono.use(async (c, next) => {
    const res = await staticFiles.serve(c.req.raw, new URL(c.req.url));
    if (res) return res;
    await next();
  });
  hono.use(timeout(requestTimeoutMs, (c) =>
    new HTTPException(503, {
      res: errorResponse(
        new HttpError(
          503,
          "timeout",
          `The request was not read and answered within ${requestTimeoutMs / 1000} s`,
          { "Retry-After": "5" },
        ),
        { json: isApiPath(c.req.path) },
      ),
    })));
  // The body limit is per route: a route may raise it (`config.maxBodyBytes`, e.g. audio).
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new PayloadTooLargeError(`Request body is larger than ${maxSize} bytes`);
      },
    });
  const defaultLimit = limit(maxBodyBytes);
  for (const { info, mod } of routes) {
    const own = mod.config?.maxBodyBytes;
    hono.all(
      info.pattern,
      own ? limit(own) : defaultLimit,
      (c) => dispatch(c.req.raw, { pattern: info.pattern, mod }, c.req.param(), c.env?.info),
    );
  }
  hono.all("*", defaultLimit, (c) => dispatch(c.req.raw, null, {}, c.env?.info));
  hono.onError((e, c) =>
    e instanceof HTTPException ? e.getResponse() : errorResponse(e, {
      json: isApiPath(c.req.path),
      log,
    })
  );

  return {
    hono,
    async fetch(req: Request, info?: Deno.ServeHandlerInfo): Promise<Response> {
      return await hono.fetch(req, { info });
    },
  };
}
