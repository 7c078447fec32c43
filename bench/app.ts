/**
 * Benchmarks the real app as a user sees it: starts `main.ts` as a child process on
 * generated demo data, then measures
 *
 * - the time from spawning to listening and the child's resident memory (VmRSS, and its
 *   peak VmHWM at the end);
 * - for each concurrency c: c chat turns (offline planner) started at once, each timed from
 *   its POST to its first SSE event and to its `final` event;
 * - the latency of a cheap request (`GET /api/auth/me`) while a heavy turn runs, beside the
 *   same request with nothing running.
 *
 *   deno run -A bench/app.ts [--calls 1000000] [--concurrency 1,50,200] [--json FILE]
 *
 * Options: `--days N` (period of the data, default 60), `--probes N` (cheap requests per
 * series, default 20), `--quiet` (no progress lines).
 */
import { parseArgs } from "node:util";
import { countCalls } from "../lib/data/seed.ts";

/** Percentiles of a series of milliseconds. */
export interface Summary {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

/** One concurrency level of the turn benchmark. */
export interface TurnRound {
  concurrency: number;
  started: number;
  completed: number;
  failed: number;
  /** Outcome (`answered`, `clarified`, …) or error code → turns. */
  outcomes: Record<string, number>;
  /** POST to the first SSE event. */
  first_event_ms: Summary;
  /** Opening the event stream (its GET sent) to its first event. */
  stream_first_event_ms?: Summary;
  /** POST to the first event after `turn_started` (the first thing the assistant did). */
  first_work_event_ms: Summary;
  /** POST to the `final` (or `error`) event. */
  final_ms: Summary;
  /** Whole round: from the first POST to the last terminal event. */
  wall_ms: number;
  /**
   * The same round against a bare `Deno.serve` answering the same routes with nothing
   * behind them (`bench/app_floor.ts`): what HTTP alone costs here at this concurrency.
   */
  floor?: { first_event_ms: Summary; stream_first_event_ms?: Summary };
}

/** What `bench/app.ts --json` writes. */
export interface AppBenchResult {
  bench: "app";
  calls_requested: number;
  /** Calls the app reported at start (the generator varies the daily volume). */
  calls: number | null;
  days: number;
  calls_per_day: number;
  now: string;
  startup: { listen_ms: number; rss_mb: number; peak_rss_mb: number | null };
  turns: TurnRound[];
  unrelated: {
    route: string;
    heavy_question: string;
    heavy_turns: number;
    heavy_turn_ms: number[];
    /** Outcome of each heavy turn. */
    heavy_outcomes: string[];
    idle_ms: Summary;
    during_heavy_ms: Summary;
  } | null;
  questions: string[];
}

/** The realistic mix of questions asked in the concurrency rounds. */
export const QUESTIONS = [
  "Show me agent performance this month",
  "How many calls yesterday?",
  "Top 5 agents by talk time last week",
  "Abandonment rate by queue this month",
  "List missed calls today",
  "Calls per day for last week",
];

/** A heavy question: a breakdown over the whole period into thousands of groups. */
export const HEAVY_QUESTION = "Calls by customer for the last 60 days";

const NOW = "2026-11-24T09:00:00Z";
const TZ = "Asia/Kolkata";

/** The value at percentile `p` (0–100) of `values`, nearest rank; 0 when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** n, p50, p95 and max of `values`, rounded to 0.1 ms. */
export function summarize(values: number[]): Summary {
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    n: values.length,
    p50: r(percentile(values, 50)),
    p95: r(percentile(values, 95)),
    max: r(values.length ? Math.max(...values) : 0),
  };
}

/**
 * DEMO_DAYS and DEMO_CALLS_PER_DAY for `calls` calls over `days` days ending at the bench's
 * frozen clock: the daily average is corrected once by the generator's exact count (weekends
 * are quieter), as `bench/engine_1m.ts` does.
 */
export function demoSizing(calls: number, days: number): { days: number; callsPerDay: number } {
  const base = {
    days,
    callsPerDay: Math.max(1, Math.ceil(calls / days)),
    now: new Date(NOW),
    tz: TZ,
  };
  const first = countCalls(base);
  const callsPerDay = first === 0
    ? base.callsPerDay
    : Math.max(1, Math.round(base.callsPerDay * calls / first));
  return { days, callsPerDay };
}

/** A process's resident memory in MB (`VmRSS` or `VmHWM` of /proc/PID/status), or null. */
export async function processMemoryMb(
  pid: number,
  field: "VmRSS" | "VmHWM" = "VmRSS",
): Promise<number | null> {
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const m = status.match(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m"));
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

/** A running app child process. */
export interface Child {
  url: string;
  pid: number;
  listenMs: number;
  calls: number | null;
  output: string[];
  stop(): Promise<void>;
}

/** Options of {@linkcode startChild}. */
export interface ChildOptions {
  calls: number;
  days: number;
  log: (line: string) => void;
  /**
   * A KV file shared with other children (left in place at stop); default: its own. Not
   * used when `env` has `KV_URL` (a remote KV).
   */
  kvPath?: string;
  /** More environment variables, over the defaults. */
  env?: Record<string, string>;
}

/**
 * Starts `main.ts` on generated demo data (offline planner, embedded MCP server, frozen
 * clock, `PORT=0`) and resolves once it listens.
 */
export async function startChild(options: ChildOptions): Promise<Child> {
  const remote = options.env?.KV_URL !== undefined;
  const dir = options.kvPath || remote ? null : await Deno.makeTempDir({ prefix: "bench_app_" });
  const { days, callsPerDay } = demoSizing(options.calls, options.days);
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: new URL("..", import.meta.url).pathname,
    env: {
      PORT: "0",
      ...(remote ? {} : { KV_PATH: options.kvPath ?? `${dir}/app.kv` }),
      NOW,
      BUSINESS_TZ: TZ,
      DEMO_DAYS: String(days),
      DEMO_CALLS_PER_DAY: String(callsPerDay),
      MODEL_PROVIDER: "offline",
      MCP_MODE: "embedded",
      COOKIE_SECURE: "never",
      DEMO_USER: "demo",
      DEMO_PASSWORD: "demo-supervisor",
      NO_COLOR: "1",
      ...options.env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output: string[] = [];
  let resolveUrl!: (url: string) => void;
  const listening = new Promise<string>((r) => resolveUrl = r);
  let calls: number | null = null;
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    let buf = "";
    const decoder = new TextDecoder();
    for await (const bytes of stream) {
      buf += decoder.decode(bytes, { stream: true });
      let i: number;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        output.push(line);
        if (output.length > 200) output.shift();
        const l = line.match(/Listening on (http:\/\/[^\s]+)/);
        if (l) resolveUrl(l[1].replace("localhost", "127.0.0.1").replace(/\/$/, ""));
        const d = line.match(/^Data: ([\d,]+) calls/);
        if (d) calls = Number(d[1].replaceAll(",", ""));
      }
    }
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  const exited = child.status.then((s) => {
    throw new Error(
      `The app exited before listening (code ${s.code}):\n${output.slice(-20).join("\n")}`,
    );
  });
  const url = await Promise.race([listening, exited]);
  const listenMs = performance.now() - t0;
  exited.catch(() => {});
  // The "Data:" line follows "Listening" in the same callback.
  for (let i = 0; i < 50 && calls === null; i++) await sleep(20);
  options.log(`  app listening at ${url} after ${(listenMs / 1000).toFixed(1)} s`);
  return {
    url,
    pid: child.pid,
    listenMs,
    get calls() {
      return calls;
    },
    output,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* already gone */ }
      }, 5000);
      await child.status;
      clearTimeout(timer);
      await drained.catch(() => {});
      if (dir) await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A signed-in HTTP client of the app (its `Origin` is `url`, its cookie the session's). */
export class Session {
  cookie = "";
  constructor(readonly url: string) {}

  async request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { Origin: this.url };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (this.cookie) headers.Cookie = this.cookie;
    const res = await fetch(this.url + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = res.headers.get("set-cookie");
    if (set) this.cookie = set.split(";")[0];
    return res;
  }

  // deno-lint-ignore no-explicit-any
  async json(method: string, path: string, body?: unknown): Promise<any> {
    const res = await this.request(method, path, body);
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  }

  async login(username: string, password: string): Promise<void> {
    await this.json("POST", "/api/auth/login", { username, password });
    if (!this.cookie) throw new Error("The login set no session cookie");
  }
}

/** Times of one turn, from its POST. */
interface TurnTiming {
  firstEventMs: number | null;
  /** From sending the event stream's GET. */
  streamFirstEventMs?: number | null;
  firstWorkEventMs: number | null;
  finalMs: number | null;
  /** `answered`/`clarified`/`refused`, an error code, or `no_final`/`http_…`. */
  outcome: string;
}

/** Posts a question in a conversation and follows its events to the end. */
async function timedTurn(
  session: Session,
  conversationId: string,
  question: string,
): Promise<TurnTiming> {
  const t0 = performance.now();
  const timing: TurnTiming = {
    firstEventMs: null,
    firstWorkEventMs: null,
    finalMs: null,
    outcome: "no_final",
  };
  const res = await session.request("POST", `/api/conversations/${conversationId}/turns`, {
    message: question,
  });
  if (res.status !== 202) {
    await res.body?.cancel();
    return { ...timing, outcome: `http_${res.status}` };
  }
  const { turn_id: turnId } = await res.json();
  const opened = performance.now() - t0;
  const events = await session.request("GET", `/api/turns/${turnId}/events`);
  if (!events.ok || !events.body) {
    await events.body?.cancel();
    return { ...timing, outcome: `http_${events.status}` };
  }
  let buf = "";
  const reader = events.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let i: number;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        let type = "";
        let data = "";
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) type = line.slice(6).trim();
          else if (line.startsWith("data:")) data += line.slice(5).trim();
        }
        if (!data) continue;
        const at = performance.now() - t0;
        timing.firstEventMs ??= at;
        timing.streamFirstEventMs ??= at - opened;
        if (type !== "turn_started") timing.firstWorkEventMs ??= at;
        if (type === "final" || type === "error") {
          timing.finalMs = at;
          const event = JSON.parse(data);
          timing.outcome = type === "final" ? String(event.outcome) : String(event.code);
          await reader.cancel();
          return timing;
        }
      }
    }
  } finally {
    reader.releaseLock();
  }
  return timing;
}

/** Runs `c` turns at once, each in its own conversation. */
async function turnRound(
  session: Session,
  c: number,
  questions: string[],
): Promise<TurnRound> {
  const ids: string[] = [];
  for (let i = 0; i < c; i++) {
    const conv = await session.json("POST", "/api/conversations", { title: `bench ${c}/${i}` });
    ids.push(conv.id);
  }
  const t0 = performance.now();
  const timings = await Promise.all(
    ids.map((id, i) =>
      timedTurn(session, id, questions[i % questions.length]).catch((e) => ({
        firstEventMs: null,
        firstWorkEventMs: null,
        finalMs: null,
        outcome: `failed: ${e instanceof Error ? e.message : e}`,
      } as TurnTiming))
    ),
  );
  const wall = performance.now() - t0;
  const outcomes: Record<string, number> = {};
  for (const t of timings) outcomes[t.outcome] = (outcomes[t.outcome] ?? 0) + 1;
  const completed = timings.filter((t) => t.finalMs !== null).length;
  const ok = (t: TurnTiming) => ["answered", "clarified", "refused"].includes(t.outcome);
  return {
    concurrency: c,
    started: c,
    completed,
    failed: timings.filter((t) => !ok(t)).length,
    outcomes,
    first_event_ms: summarize(timings.flatMap((t) => t.firstEventMs ?? [])),
    stream_first_event_ms: summarize(timings.flatMap((t) => t.streamFirstEventMs ?? [])),
    first_work_event_ms: summarize(timings.flatMap((t) => t.firstWorkEventMs ?? [])),
    final_ms: summarize(timings.flatMap((t) => t.finalMs ?? [])),
    wall_ms: Math.round(wall),
  };
}

async function probe(session: Session, path: string): Promise<number> {
  const t0 = performance.now();
  const res = await session.request("GET", path);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`);
  return performance.now() - t0;
}

/** Times `probes` cheap requests idle, then while heavy turns run. */
async function unrelatedLatency(
  session: Session,
  options: { probes: number; heavyQuestion: string },
) {
  const { probes, heavyQuestion } = options;
  const route = "/api/auth/me";
  const idle: number[] = [];
  for (let i = 0; i < probes; i++) {
    idle.push(await probe(session, route));
    await sleep(20);
  }
  const during: number[] = [];
  const heavyMs: number[] = [];
  const heavyOutcomes: string[] = [];
  let heavyTurns = 0;
  while (during.length < probes && heavyTurns < 5) {
    heavyTurns++;
    const conv = await session.json("POST", "/api/conversations", { title: "bench heavy" });
    let running = true;
    const heavy = timedTurn(session, conv.id, heavyQuestion).finally(() => running = false);
    // Let the turn reach its query before probing.
    await sleep(30);
    while (running && during.length < probes) {
      const ms = await probe(session, route);
      if (running) during.push(ms);
      await sleep(20);
    }
    const t = await heavy;
    heavyOutcomes.push(t.outcome);
    if (t.finalMs !== null) heavyMs.push(Math.round(t.finalMs));
  }
  return {
    route: `GET ${route}`,
    heavy_question: heavyQuestion,
    heavy_turns: heavyTurns,
    heavy_turn_ms: heavyMs,
    heavy_outcomes: heavyOutcomes,
    idle_ms: summarize(idle),
    during_heavy_ms: summarize(during),
  };
}

/** Options of {@linkcode runAppBench}. */
export interface AppBenchOptions {
  calls: number;
  concurrency: number[];
  days?: number;
  probes?: number;
  questions?: string[];
  /** The heavy question of the unrelated-request measurement. */
  heavyQuestion?: string;
  log?: (line: string) => void;
}

/** Starts the app, runs every measurement and stops the app. */
export async function runAppBench(options: AppBenchOptions): Promise<AppBenchResult> {
  const log = options.log ?? (() => {});
  const days = options.days ?? 60;
  const questions = options.questions ?? QUESTIONS;
  const sizing = demoSizing(options.calls, days);
  log(`  starting the app on ${options.calls.toLocaleString("en-US")} calls (${days} days)…`);
  const child = await startChild({ calls: options.calls, days, log });
  try {
    const rss = await processMemoryMb(child.pid) ?? 0;
    const session = new Session(child.url);
    await session.login("demo", "demo-supervisor");
    // One untimed turn first: the planner's vocabulary and the engine's lazy state warm up.
    const warm = await session.json("POST", "/api/conversations", { title: "bench warm-up" });
    await timedTurn(session, warm.id, questions[0]);
    // Before the rounds, so that neither series pays for their aftermath (GC, closing streams).
    log("  unrelated requests, idle and while a heavy turn runs…");
    const unrelated = await unrelatedLatency(session, {
      probes: options.probes ?? 20,
      heavyQuestion: options.heavyQuestion ?? HEAVY_QUESTION,
    });
    const turns: TurnRound[] = [];
    const floor = await startFloor();
    for (const c of options.concurrency) {
      log(`  ${c} concurrent turn(s)…`);
      const round = await turnRound(session, c, questions);
      if (floor) {
        const bare = await turnRound(new Session(floor.url), c, questions);
        round.floor = {
          first_event_ms: bare.first_event_ms,
          stream_first_event_ms: bare.stream_first_event_ms,
        };
      }
      log(
        `    first event p50 ${round.first_event_ms.p50} ms, final p50 ${round.final_ms.p50} ms` +
          ` p95 ${round.final_ms.p95} ms, ${round.completed}/${c} completed`,
      );
      turns.push(round);
    }
    await floor?.stop();
    const peak = await processMemoryMb(child.pid, "VmHWM");
    return {
      bench: "app",
      calls_requested: options.calls,
      calls: child.calls,
      days,
      calls_per_day: sizing.callsPerDay,
      now: NOW,
      startup: { listen_ms: Math.round(child.listenMs), rss_mb: rss, peak_rss_mb: peak },
      turns,
      unrelated,
      questions,
    };
  } catch (e) {
    throw new Error(
      `${e instanceof Error ? e.message : e}\nLast app output:\n${
        child.output.slice(-10).join("\n")
      }`,
    );
  } finally {
    await child.stop();
  }
}

/** Starts `bench/app_floor.ts`; null (with the reason on stderr) when it does not listen. */
async function startFloor(): Promise<{ url: string; stop: () => Promise<void> } | null> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./app_floor.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/Listening on (\S+)/.test(text)) {
    const { value, done } = await reader.read();
    if (done) {
      console.error("The HTTP floor server did not start; the rounds have no floor.");
      await child.status;
      return null;
    }
    text += value;
  }
  reader.releaseLock();
  child.stdout.cancel().catch(() => {});
  const url = text.match(/Listening on (\S+)/)![1].replace(/\/$/, "");
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

function printResult(r: AppBenchResult): void {
  const calls = (r.calls ?? r.calls_requested).toLocaleString("en-US");
  console.log(`App on ${calls} calls (${r.days} days)`);
  console.log(
    `  start to listening ${
      (r.startup.listen_ms / 1000).toFixed(1)
    } s, RSS ${r.startup.rss_mb} MB` +
      ` (peak ${r.startup.peak_rss_mb ?? "?"} MB)`,
  );
  console.log("  concurrent turns   first event p50/p95/max      final p50/p95/max        done");
  for (const t of r.turns) {
    const f = t.first_event_ms;
    const z = t.final_ms;
    console.log(
      `  ${String(t.concurrency).padStart(4)}              ${
        `${f.p50} / ${f.p95} / ${f.max} ms`.padEnd(28)
      } ${`${z.p50} / ${z.p95} / ${z.max} ms`.padEnd(24)} ${t.completed}/${t.started}` +
        (t.failed ? ` (${t.failed} not answered: ${JSON.stringify(t.outcomes)})` : ""),
    );
    if (t.floor) {
      const b = t.floor.first_event_ms;
      console.log(`        floor (bare Deno.serve): first event ${b.p50} / ${b.p95} / ${b.max} ms`);
    }
  }
  if (r.unrelated) {
    const u = r.unrelated;
    console.log(
      `  ${u.route}: idle p50 ${u.idle_ms.p50} ms max ${u.idle_ms.max} ms; during "${u.heavy_question}"` +
        ` p50 ${u.during_heavy_ms.p50} ms max ${u.during_heavy_ms.max} ms` +
        ` (${u.during_heavy_ms.n} requests, heavy turn ${u.heavy_turn_ms.join(", ")} ms)`,
    );
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      calls: { type: "string", default: "1000000" },
      concurrency: { type: "string", default: "1,50,200" },
      days: { type: "string", default: "60" },
      probes: { type: "string", default: "20" },
      heavy: { type: "string", default: HEAVY_QUESTION },
      json: { type: "string" },
      quiet: { type: "boolean", default: false },
    },
  });
  const calls = Number(values.calls);
  const concurrency = values.concurrency.split(",").map(Number);
  if (!Number.isInteger(calls) || calls < 1) throw new Error(`Bad --calls: ${values.calls}`);
  if (concurrency.some((c) => !Number.isInteger(c) || c < 1)) {
    throw new Error(`Bad --concurrency: ${values.concurrency}`);
  }
  const result = await runAppBench({
    calls,
    concurrency,
    days: Number(values.days),
    probes: Number(values.probes),
    heavyQuestion: values.heavy,
    log: values.quiet ? undefined : (l) => console.error(l),
  });
  printResult(result);
  if (values.json) await Deno.writeTextFile(values.json, JSON.stringify(result, null, 2) + "\n");
}
