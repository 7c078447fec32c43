/**
 * Shared pieces of the security suite's fault and load tests: the app wired as `main.ts`
 * wires it (`assembleApp` behind `listen`) on a loopback port, a cookie-keeping HTTP
 * client, and a turn asked over the API with the timing of its events.
 */
import manifest from "../../fresh.gen.ts";
import { loadConfig } from "../../lib/config.ts";
import type { AgentEvent } from "../../lib/agent/events.ts";
import { assembleApp, type AssembledApp } from "../../lib/web/assemble.ts";
import { listen } from "../../lib/web/listen.ts";
import { readSse, type SseMessage } from "../../testing/web_app.ts";

/** Project root (absolute, no trailing slash). */
export const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(
  /\/$/,
  "",
);

/** The demo login every test app has. */
export const DEMO = { username: "demo", password: "demo-supervisor" } as const;

/** Environment of a test app: KV in memory, small demo data, frozen clock, offline model. */
export const TEST_ENV: Record<string, string> = {
  PORT: "0",
  KV_PATH: ":memory:",
  NOW: "2026-11-24T09:00:00Z",
  BUSINESS_TZ: "Asia/Kolkata",
  DEMO_DAYS: "14",
  DEMO_CALLS_PER_DAY: "60",
  MODEL_PROVIDER: "offline",
  MCP_MODE: "embedded",
  COOKIE_SECURE: "never",
};

/** A running app on loopback. */
export interface ServedApp {
  url: string;
  app: AssembledApp;
  close(): Promise<void>;
}

/** Assembles the app from {@link TEST_ENV} and `env` and serves it behind `listen`. */
export async function serveApp(env: Record<string, string> = {}): Promise<ServedApp> {
  const config = loadConfig({ ...TEST_ENV, ...env });
  const app = await assembleApp(config, { manifest, log: () => {} });
  const server = listen(app.fetch, { port: 0, hostname: "127.0.0.1", log: () => {} });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    app,
    async close() {
      await server.shutdown();
      await app.close();
    },
  };
}

/** One answered (or failed) turn, as the event stream delivered it. */
export interface TurnResult {
  turnId: string;
  messages: SseMessage[];
  events: (AgentEvent & { _id: number })[];
  /** ms from posting the question to the first event of the stream. */
  firstEventMs: number;
  /** ms from posting the question to the end of the stream. */
  totalMs: number;
}

/** An HTTP client over real sockets that keeps the session cookie and sends its origin. */
export class HttpClient {
  cookie: string | null = null;
  constructor(public base: string) {}

  /** Sends a request (JSON when `body` is given). */
  async request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers = new Headers({ Origin: this.base });
    if (body !== undefined) headers.set("Content-Type", "application/json");
    if (this.cookie) headers.set("Cookie", this.cookie);
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = res.headers.get("set-cookie");
    if (set) this.cookie = set.split(";")[0];
    return res;
  }

  /** Sends and parses JSON. */
  // deno-lint-ignore no-explicit-any
  async json(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await this.request(method, path, body);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** Signs in; throws unless it worked. */
  async login(user: { username: string; password: string } = DEMO): Promise<this> {
    const r = await this.json("POST", "/api/auth/login", user);
    if (r.status !== 200) throw new Error(`Login failed: ${r.status} ${JSON.stringify(r.body)}`);
    return this;
  }

  /** Creates a conversation and returns its id. */
  async conversation(): Promise<string> {
    const r = await this.json("POST", "/api/conversations", {});
    if (r.status !== 201) throw new Error(`Cannot create a conversation: ${r.status}`);
    return r.body.id;
  }

  /** Asks `question` in `conversation` and reads the turn's stream to its end. */
  async ask(conversation: string, question: string): Promise<TurnResult> {
    const t0 = performance.now();
    const posted = await this.json("POST", `/api/conversations/${conversation}/turns`, {
      message: question,
    });
    if (posted.status !== 202) {
      throw new Error(`Asking failed: ${posted.status} ${JSON.stringify(posted.body)}`);
    }
    return await this.follow(posted.body.turn_id, t0);
  }

  /** Reads the stream of a turn to its end; `t0` is when the question was posted. */
  async follow(turnId: string, t0 = performance.now()): Promise<TurnResult> {
    const res = await this.request("GET", `/api/turns/${turnId}/events`);
    if (res.status !== 200) throw new Error(`Events failed: ${res.status}`);
    let firstEventMs = -1;
    const messages = await readSse(res, (m) => {
      if (firstEventMs < 0 && m.data !== undefined) firstEventMs = performance.now() - t0;
      return false;
    });
    const totalMs = performance.now() - t0;
    const events = messages.filter((m) => m.data !== undefined).map((m) => ({
      ...JSON.parse(m.data!),
      _id: Number(m.id),
    }));
    return { turnId, messages, events, firstEventMs, totalMs };
  }
}

/** The last event of a turn, typed loosely for assertions. */
export function lastEvent(turn: TurnResult): Record<string, unknown> {
  return turn.events.at(-1) as unknown as Record<string, unknown>;
}

/** Resolves when `check` returns a value, polling every 20 ms up to `ms`. */
export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  ms: number,
  what: string,
): Promise<T> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
}

/** A `main.ts` process (as `deno task start` runs it) and the URL it listens on. */
export interface AppProcess {
  child: Deno.ChildProcess;
  url: string;
  output: string[];
}

/** Starts `main.ts` with `env` (cwd `dir`, so no `.env` is read) and waits for its URL. */
export async function startMain(dir: string, env: Record<string, string>): Promise<AppProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}/main.ts`],
    cwd: dir,
    env: { ...env, NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output: string[] = [];
  let url = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const bytes of stream) {
      output.push(decoder.decode(bytes, { stream: true }));
      const m = /Listening on http:\/\/localhost:(\d+)/.exec(output.join(""));
      if (m) url = `http://127.0.0.1:${m[1]}`;
    }
  };
  collect(child.stdout);
  collect(child.stderr);
  await waitFor(() => url, 60_000, `main.ts to listen (output: ${output.join("")})`);
  return { child, url, output };
}

/** Stops a `main.ts` process with SIGTERM (if it still runs) and waits for it. */
export async function stopMain(app: AppProcess | null): Promise<void> {
  if (!app) return;
  try {
    app.child.kill("SIGTERM");
  } catch { /* already gone */ }
  await app.child.status;
}
