/**
 * Test doubles for the web app's tests: an app over a `:memory:` store with a fake clock,
 * a scripted turn runner, a fake report exporter, and a cookie-keeping client.
 */
import manifest from "../fresh.gen.ts";
import { loadConfig } from "../lib/config.ts";
import type { AgentEvent } from "../lib/agent/events.ts";
import type { TurnOutcome } from "../lib/agent/types.ts";
import { openStore, type Store } from "../lib/kv.ts";
import { addUser } from "../lib/auth/users.ts";
import type { DataClient } from "../lib/data/types.ts";
import { type App, createApp, type CreateAppOptions } from "../lib/web/app.ts";
import type { TurnInput } from "../lib/web/turns.ts";

/** PBKDF2 iterations used in tests (fast; production uses 600,000). */
export const TEST_ITERATIONS = 1_000;
/** The origin test requests come from. */
export const ORIGIN = "http://localhost:8000";

/** A clock tests move by hand. */
export interface FakeClock {
  now: () => Date;
  advance(ms: number): void;
}

/** A clock starting at a fixed instant. */
export function fakeClock(start = "2030-01-01T00:00:00Z"): FakeClock {
  let t = new Date(start).getTime();
  return { now: () => new Date(t), advance: (ms) => t += ms };
}

/** What a scripted turn does: emit events, optionally wait, then return or throw. */
export type Script = (input: TurnInput) => Promise<TurnOutcome>;

/** A runner that answers every question with "Answer to <question>" in three events. */
export const simpleScript: Script = async (input) => {
  await input.emit({ type: "step", text: "Looking at the calls" });
  await input.emit({ type: "text", delta: "Answer to " });
  await input.emit({ type: "text", delta: input.question });
  const answer = `Answer to ${input.question}`;
  const usage = { model_calls: 1, input_tokens: 10, output_tokens: 5 };
  await input.emit({ type: "final", answer, usage, outcome: "answered", interpretation: null });
  return { answer, usage, outcome: "answered", interpretation: null, events: [], error: null };
};

/** Resolves when `signal` aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/** A test app and its parts. */
export interface TestApp {
  app: App;
  store: Store;
  clock: FakeClock;
  /** Replace to change what the next turns do. */
  script: { current: Script };
  logged: unknown[];
  close(): Promise<void>;
}

/** Builds an app over a fresh `:memory:` store with users `alice` and `bob` (password `password-1234`). */
export async function testApp(
  options: Partial<CreateAppOptions> & { env?: Record<string, string> } = {},
): Promise<TestApp> {
  const clock = fakeClock();
  const store = await openStore(":memory:", { clock: clock.now, pollMs: 50 });
  for (const name of ["alice", "bob"]) {
    await addUser(store, name, "password-1234", { iterations: TEST_ITERATIONS });
  }
  const script = { current: simpleScript };
  const logged: unknown[] = [];
  const app = await createApp({
    manifest,
    config: loadConfig(options.env ?? {}),
    store,
    runner: (input) => script.current(input),
    exportReport: async (_meta, _client, sink) => {
      const w = sink.getWriter();
      await w.write(new TextEncoder().encode("PK fake xlsx"));
      await w.close();
    },
    data: {} as DataClient,
    clock: clock.now,
    passwordIterations: TEST_ITERATIONS,
    heartbeatMs: 1000,
    graceMs: 60_000,
    cancelWaitMs: 2000,
    buildManifest: null,
    log: (m, e) => logged.push([m, e]),
    ...options,
  });
  return {
    app,
    store,
    clock,
    script,
    logged,
    async close() {
      await app.close();
      store.close();
    },
  };
}

/** What `Deno.serve` tells a handler about a connection from `address`. */
export function connectionFrom(address: string, port = 40000): Deno.ServeHandlerInfo {
  return {
    remoteAddr: { transport: "tcp", hostname: address, port },
    completed: Promise.resolve(),
  };
}

/** A client that keeps the session cookie and sends same-origin headers. */
export class TestClient {
  cookie: string | null = null;
  /** The client's IP address as the server sees the connection (none by default). */
  address: string | null = null;
  constructor(readonly app: App) {}

  /** Sends a request (JSON body when `body` is given). */
  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const h = new Headers({ Origin: ORIGIN, ...headers });
    if (body !== undefined && !h.has("Content-Type")) h.set("Content-Type", "application/json");
    if (this.cookie && !h.has("Cookie")) h.set("Cookie", this.cookie);
    const res = await this.app.fetch(
      new Request(`${ORIGIN}${path}`, {
        method,
        headers: h,
        body: body === undefined
          ? undefined
          : typeof body === "string"
          ? body
          : JSON.stringify(body),
      }),
      this.address === null ? undefined : connectionFrom(this.address),
    );
    const set = res.headers.get("set-cookie");
    if (set) {
      const pair = set.split(";")[0];
      this.cookie = pair.endsWith("=") ? null : pair;
    }
    return res;
  }

  /** Signs in; throws unless it worked. */
  async login(username: string, password = "password-1234"): Promise<this> {
    const res = await this.request("POST", "/api/auth/login", { username, password });
    if (res.status !== 200) throw new Error(`Login of ${username} failed: ${res.status}`);
    await res.body?.cancel();
    return this;
  }

  /** Sends and parses JSON, returning status and body. */
  async json(
    method: string,
    path: string,
    body?: unknown,
    // deno-lint-ignore no-explicit-any
  ): Promise<{ status: number; body: any; res: Response }> {
    const res = await this.request(method, path, body);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, res };
  }
}

/** One parsed SSE message. */
export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** Reads an SSE body to its end (or until `until` says stop), parsing messages and comments. */
export async function readSse(
  res: Response,
  until?: (m: SseMessage, all: SseMessage[]) => boolean,
): Promise<SseMessage[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const out: SseMessage[] = [];
  let buf = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let i: number;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const m: SseMessage = {};
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) m.comment = line.slice(1).trim();
          else {
            const j = line.indexOf(":");
            const k = line.slice(0, j);
            const v = line.slice(j + 1).replace(/^ /, "");
            if (k === "id" || k === "event" || k === "data") m[k] = v;
          }
        }
        out.push(m);
        if (until?.(m, out)) {
          await reader.cancel();
          return out;
        }
      }
    }
  } finally {
    reader.releaseLock();
  }
  return out;
}

/** The events (data JSON) of SSE messages. */
export function eventsOf(messages: SseMessage[]): (AgentEvent & { _id: number })[] {
  return messages.filter((m) => m.data !== undefined).map((m) => ({
    ...JSON.parse(m.data!),
    _id: Number(m.id),
  }));
}
