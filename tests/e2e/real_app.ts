/**
 * Starts the real app in process for the browser journey, wired by `assembleApp` as `main.ts` is: KV in
 * memory, generated demo data with a frozen clock, the offline model, the agent runner,
 * the exceljs exporter, the real routes and islands. One addition for the tests: the model
 * can be given latency (abortable, like a network call), so a turn is still running when
 * the test presses Stop.
 */
import manifest from "../../fresh.gen.ts";
import { loadConfig } from "../../lib/config.ts";
import type { ModelProvider, ModelRequest } from "../../lib/agent/types.ts";
import { assembleApp } from "../../lib/web/assemble.ts";
import type { BuildManifest } from "../../lib/web/types.ts";

/** Options of {@linkcode startRealApp}. */
export interface RealAppOptions {
  buildManifest: BuildManifest;
  /** Environment on top of the test defaults (NOW, BUSINESS_TZ, DEMO_*…). */
  env?: Record<string, string>;
  /** Model latency per request in ms (default 0). */
  latencyMs?: (request: ModelRequest) => number;
}

/** A running app. */
export interface RealApp {
  url: string;
  close(): Promise<void>;
}

/** The last user message of a model request. */
export function lastUserMessage(request: ModelRequest): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const m = request.messages[i];
    if (m.role === "user") return m.content;
  }
  return "";
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function withLatency(
  provider: ModelProvider,
  latencyMs: (r: ModelRequest) => number,
): ModelProvider {
  return {
    name: provider.name,
    async complete(request) {
      await sleep(latencyMs(request), request.signal);
      return await provider.complete(request);
    },
  };
}

/** Starts the app on a free port of 127.0.0.1. */
export async function startRealApp(options: RealAppOptions): Promise<RealApp> {
  const config = loadConfig({
    PORT: "0",
    KV_PATH: ":memory:",
    NOW: "2026-11-24T09:00:00Z",
    BUSINESS_TZ: "Asia/Kolkata",
    DEMO_DAYS: "21",
    DEMO_CALLS_PER_DAY: "60",
    MODEL_PROVIDER: "offline",
    MCP_MODE: "embedded",
    COOKIE_SECURE: "never",
    ...options.env,
  });
  const latencyMs = options.latencyMs;
  const app = await assembleApp(config, {
    manifest,
    buildManifest: options.buildManifest,
    wrapProvider: latencyMs ? (p) => withLatency(p, latencyMs) : undefined,
    log: () => {},
  });
  const ac = new AbortController();
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", signal: ac.signal, onListen: () => {} },
    app.fetch,
  );
  const { port } = server.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      ac.abort();
      await server.finished;
      await app.close();
    },
  };
}
