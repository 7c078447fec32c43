/**
 * The web app: the islands layer over the routes of `fresh.gen.ts`, with the services
 * (store, turn manager, data client, report exporter) in `ctx.state.app`. Tests build it
 * with injected services and a `:memory:` store and call `app.fetch(new Request(…))`.
 */
import type { Config } from "../config.ts";
import type { DataClient } from "../data/types.ts";
import type { Store } from "../kv.ts";
import { PBKDF2_ITERATIONS } from "../auth/password.ts";
import { createServer, type WebServer } from "./server.ts";
import type { AppContext, AppState, ReportExporter } from "./state.ts";
import { TurnManager, type TurnRunner } from "./turns.ts";
import type { BuildManifest, Manifest } from "./types.ts";

/** Services and settings of {@linkcode createApp}. */
export interface CreateAppOptions {
  config: Config;
  store: Store;
  /** Runs turns (the agent in the app; a scripted runner in tests). */
  runner: TurnRunner;
  /** Streams report downloads (the exceljs exporter in the app). */
  exportReport: ReportExporter;
  /** Where reports are read from; null: downloads answer 503. */
  data?: DataClient | null;
  /** Server clock for sessions and rate limits (default: real time). */
  clock?: () => Date;
  /** PBKDF2 iterations (default OWASP's 600,000; lower only in tests). */
  passwordIterations?: number;
  /** `: ping` interval on idle event streams (default 15 s). */
  heartbeatMs?: number;
  /** Cancel a turn this long after its last event-stream client left (default 10 s). */
  graceMs?: number;
  /** After a cancel, end the turn at the latest this much later (default 3 s). */
  cancelWaitMs?: number;
  /** Routes and islands: the app's `fresh.gen.ts`, handed over by `main.ts` (or a test). */
  manifest: Manifest;
  /** The islands bundle (default: read from `static/build/manifest.json`). */
  buildManifest?: BuildManifest | null;
  staticDir?: string;
  log?: (message: string, error?: unknown) => void;
}

/** The app: `fetch` for `Deno.serve` or tests, its services, and `close()`. */
export interface App extends WebServer {
  context: AppContext;
  /** Cancels running turns and waits for them (the store stays open: its owner closes it). */
  close(): Promise<void>;
}

/** Builds the app. Turns left running by an earlier process are ended first. */
export async function createApp(options: CreateAppOptions): Promise<App> {
  const log = options.log ?? ((m: string, e?: unknown) => console.error(m, e ?? ""));
  const turns = new TurnManager({
    store: options.store,
    runner: options.runner,
    graceMs: options.graceMs,
    cancelWaitMs: options.cancelWaitMs,
    maxRunning: options.config.turnConcurrency,
    leaseMs: options.config.turnLeaseMs,
    log,
  });
  await turns.recover();
  const context: AppContext = {
    config: options.config,
    store: options.store,
    turns,
    data: options.data ?? null,
    exportReport: options.exportReport,
    clock: options.clock ?? (() => new Date()),
    passwordIterations: options.passwordIterations ?? PBKDF2_ITERATIONS,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    log,
  };
  const server = await createServer<AppState>({
    manifest: options.manifest,
    staticDir: options.staticDir,
    buildManifest: options.buildManifest,
    initialState: () => ({ app: context, user: null, sessionHash: null }),
    log,
    requestTimeoutMs: options.config.http.requestTimeoutMs,
  });
  return {
    ...server,
    context,
    close: () => turns.shutdown(),
  };
}
