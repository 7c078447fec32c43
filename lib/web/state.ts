/**
 * The state every route and page of this app receives (`ctx.state`, `props.state`), and the
 * server services behind it.
 */
import type { Config } from "../config.ts";
import type { DataClient } from "../data/types.ts";
import type { Store } from "../kv.ts";
import type { ReportMeta } from "../reports/types.ts";
import type { TurnManager } from "./turns.ts";

/** Streams a saved report's `.xlsx` into `sink` (and closes it); `lib/reports/excel.ts`. */
export type ReportExporter = (
  meta: ReportMeta,
  client: DataClient,
  sink: WritableStream<Uint8Array>,
  options?: { signal?: AbortSignal },
) => Promise<unknown>;

/** Server services (server code only; never pass to islands). */
export interface AppContext {
  config: Config;
  store: Store;
  turns: TurnManager;
  /** The data client reports are exported from (null: downloads answer 503). */
  data: DataClient | null;
  exportReport: ReportExporter;
  /** Server time, for sessions and rate limits (real time unless a test fakes it). */
  clock: () => Date;
  /** PBKDF2 iterations for new hashes and the unknown-user dummy (lowered in tests only). */
  passwordIterations: number;
  /** Interval of `: ping` comments on idle event streams (ms). */
  heartbeatMs: number;
  log: (message: string, error?: unknown) => void;
}

/** The signed-in user as pages and routes see it. */
export interface SessionUser {
  id: string;
  username: string;
  /** Re-read from KV on every request: a demotion counts at once. */
  role: import("../kv.ts").UserRole;
}

/** `ctx.state` of this app. */
export interface AppState {
  [key: string]: unknown;
  app: AppContext;
  /** Null only on /login and public API routes: other pages redirect, APIs answer 401. */
  user: SessionUser | null;
  /** SHA-256 of the session token, when signed in. */
  sessionHash: string | null;
}
