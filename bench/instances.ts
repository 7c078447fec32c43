/**
 * Benchmarks several app processes on one shared KV behind a round-robin proxy, beside one
 * process alone, in the same run:
 *
 * - one app (`main.ts`, offline planner, embedded demo data) on a KV file of its own: log in,
 *   create `--turns` conversations, start one turn in each at once and follow every event
 *   stream to its `final` event;
 * - `--instances` apps on ONE KV file (each its own port), behind a small round-robin HTTP
 *   proxy on loopback ({@linkcode startProxy}): the same turns through the proxy, so the
 *   event stream of a turn is often served by another instance than the one that took its
 *   POST (and runs it).
 *
 * Every turn must end with a `final` event, and no stream may carry another turn's events:
 * its `turn_started` names the turn id the POST answered and the question asked, it comes
 * once and first, and event ids only grow. Printed: first and final event p50/p95/max, wall
 * time, done/failed, requests per instance and the streams served by another instance.
 *
 *   deno run -A bench/instances.ts [--instances 4] [--turns 200] [--calls 50000] [--json FILE]
 *
 * Options: `--days N` (period of the data, default 60), `--kv-url URL` (the instances share
 * a remote KV, such as a self-hosted `denokv` with `DENO_KV_ACCESS_TOKEN` set, instead of
 * one KV file), `--quiet` (no progress lines). The exit status is 1 when a turn did not
 * complete or a stream carried another turn's events.
 */
import { parseArgs } from "node:util";
import { type Child, QUESTIONS, Session, startChild, summarize, type Summary } from "./app.ts";

/** The header the proxy adds to each response: the index of the instance that served it. */
export const INSTANCE_HEADER = "x-bench-instance";

/** Headers of one hop only, never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

/** A round-robin HTTP proxy on loopback. */
export interface RoundRobinProxy {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** Requests forwarded to each backend since the last {@linkcode RoundRobinProxy.reset}. */
  readonly counts: number[];
  /** The backends (base URLs) to forward to, in turn; the counts start again at zero. */
  setBackends(urls: string[]): void;
  /** Sets every count to zero. */
  reset(): void;
  /** Stops listening (open streams are cut). */
  close(): Promise<void>;
}

/**
 * Starts a proxy that forwards each request to the next backend with `fetch`, streaming the
 * request and response bodies (an SSE response goes through as its chunks come), headers
 * and cookies as they are except the hop-by-hop ones. `Host` cannot be set on a `fetch`, so
 * a backend sees its own host: the proxy's origin must be in its `ALLOWED_ORIGINS`. The
 * backend is asked for no compression (`Accept-Encoding: identity`): `fetch` would inflate a
 * compressed body and the header would lie. Each response carries {@linkcode INSTANCE_HEADER}.
 * Until backends are set, every request answers 503.
 */
export function startProxy(): RoundRobinProxy {
  let backends: string[] = [];
  let counts: number[] = [];
  let next = 0;
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
  }, async (req, info) => {
    if (backends.length === 0) return new Response("No backend yet\n", { status: 503 });
    const i = next++ % backends.length;
    counts[i]++;
    const from = new URL(req.url);
    const headers = new Headers(req.headers);
    for (const h of HOP_BY_HOP) headers.delete(h);
    headers.delete("host");
    headers.set("accept-encoding", "identity");
    headers.set("x-forwarded-for", info.remoteAddr.hostname);
    headers.set("x-forwarded-proto", "http");
    headers.set("x-forwarded-host", from.host);
    let res: Response;
    try {
      res = await fetch(backends[i] + from.pathname + from.search, {
        method: req.method,
        headers,
        body: req.body,
        redirect: "manual",
        signal: req.signal,
      });
    } catch (e) {
      return new Response(`Bad gateway: ${e instanceof Error ? e.message : e}\n`, {
        status: 502,
        headers: { [INSTANCE_HEADER]: String(i) },
      });
    }
    const out = new Headers(res.headers);
    for (const h of HOP_BY_HOP) out.delete(h);
    out.set(INSTANCE_HEADER, String(i));
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers: out });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    get counts() {
      return counts;
    },
    setBackends(urls: string[]) {
      backends = [...urls];
      counts = urls.map(() => 0);
      next = 0;
    },
    reset() {
      counts = backends.map(() => 0);
    },
    close: () => server.shutdown(),
  };
}

/** One turn as followed by {@linkcode followTurn}. */
export interface FollowedTurn {
  question: string;
  /** The id the POST answered (null when it failed). */
  turnId: string | null;
  /** The instance that took the POST and the one that served the stream, when proxied. */
  postInstance: number | null;
  streamInstance: number | null;
  /** From the POST to the first event and to the `final` (or `error`) event. */
  firstEventMs: number | null;
  finalMs: number | null;
  /** `answered`/`clarified`/`refused`, an error code, or `no_final`/`http_…`/`failed: …`. */
  outcome: string;
  /** Events received. */
  events: number;
  /** Signs of cross-talk: events that are not this turn's (empty when none). */
  crossTalk: string[];
  /** The start of the body of a failed request. */
  detail?: string;
}

/** Outcomes of a completed turn. */
const COMPLETED = new Set(["answered", "clarified", "refused"]);

function instanceOf(res: Response): number | null {
  const v = res.headers.get(INSTANCE_HEADER);
  return v === null ? null : Number(v);
}

/** Options of {@linkcode followTurn}. */
export interface FollowTurnOptions {
  conversationId: string;
  question: string;
  /** The stream is given up after this long from the POST (outcome `timeout`). */
  timeoutMs: number;
}

/**
 * Posts a question in a conversation, then follows the turn's event stream (wherever it is
 * served) to its `final` or `error` event, checking that every event is this turn's.
 */
export async function followTurn(
  session: Session,
  options: FollowTurnOptions,
): Promise<FollowedTurn> {
  const { conversationId, question } = options;
  const t0 = performance.now();
  const turn: FollowedTurn = {
    question,
    turnId: null,
    postInstance: null,
    streamInstance: null,
    firstEventMs: null,
    finalMs: null,
    outcome: "no_final",
    events: 0,
    crossTalk: [],
  };
  const res = await session.request("POST", `/api/conversations/${conversationId}/turns`, {
    message: question,
  });
  turn.postInstance = instanceOf(res);
  if (res.status !== 202) {
    const detail = (await res.text()).slice(0, 200);
    return { ...turn, outcome: `http_${res.status}`, detail };
  }
  turn.turnId = String((await res.json()).turn_id);
  const stream = await session.request("GET", `/api/turns/${turn.turnId}/events`);
  turn.streamInstance = instanceOf(stream);
  if (!stream.ok || !stream.body) {
    const detail = (await stream.text()).slice(0, 200);
    return { ...turn, outcome: `http_${stream.status}`, detail };
  }
  let buf = "";
  let lastId = 0;
  let timedOut = false;
  const reader = stream.body.pipeThrough(new TextDecoderStream()).getReader();
  const timer = setTimeout(() => {
    timedOut = true;
    reader.cancel().catch(() => {});
  }, Math.max(0, options.timeoutMs - (performance.now() - t0)));
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return timedOut ? { ...turn, outcome: "timeout" } : turn;
      buf += value;
      let i: number;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        let type = "";
        let data = "";
        let id: number | null = null;
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) type = line.slice(6).trim();
          else if (line.startsWith("data:")) data += line.slice(5).trim();
          else if (line.startsWith("id:")) id = Number(line.slice(3).trim());
        }
        if (!data) continue;
        const at = performance.now() - t0;
        turn.firstEventMs ??= at;
        turn.events++;
        const event = JSON.parse(data);
        if (id === null || !(id > lastId)) {
          turn.crossTalk.push(`event id ${id} after ${lastId}`);
        } else lastId = id;
        if (type === "turn_started") {
          if (turn.events !== 1) turn.crossTalk.push(`turn_started as event ${turn.events}`);
          if (event.turn_id !== turn.turnId) {
            turn.crossTalk.push(`turn_started of ${event.turn_id}, not ${turn.turnId}`);
          }
          if (event.question !== question) {
            turn.crossTalk.push(`turn_started asks "${event.question}", not "${question}"`);
          }
          if (event.conversation_id !== conversationId) {
            turn.crossTalk.push(`turn_started in ${event.conversation_id}, not ${conversationId}`);
          }
        } else if (turn.events === 1) {
          turn.crossTalk.push(`first event is ${type}, not turn_started`);
        }
        if (type === "final" || type === "error") {
          turn.finalMs = at;
          turn.outcome = type === "final" ? String(event.outcome) : String(event.code);
          await reader.cancel();
          return turn;
        }
      }
    }
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}

/** One run of the turns: on one instance, or on several behind the proxy. */
export interface InstancesRound {
  label: string;
  instances: number;
  via_proxy: boolean;
  turns: number;
  completed: number;
  /** Turns without a completed `final` (errors, HTTP failures, streams that ended early). */
  failed: number;
  /** Turns whose stream carried something that was not theirs. */
  cross_talk: number;
  /** The first few cross-talk findings and failures, for the report. */
  problems: string[];
  /** Outcome (`answered`, `clarified`, …) or error code → turns. */
  outcomes: Record<string, number>;
  /** POST to the first SSE event. */
  first_event_ms: Summary;
  /** POST to the `final` (or `error`) event. */
  final_ms: Summary;
  /** From the first POST to the last terminal event. */
  wall_ms: number;
  /** Requests each instance served during the round (conversations, POSTs, streams). */
  requests_per_instance: number[];
  /** Streams served by another instance than the one that took the turn's POST. */
  streams_elsewhere: number;
  /** Start of the slowest instance, to listening. */
  listen_ms: number;
  /** Distinct error lines the apps printed during the round (at most 5). */
  app_errors: string[];
}

/** What `bench/instances.ts --json` writes. */
export interface InstancesBenchResult {
  bench: "instances";
  calls_requested: number;
  /** Calls the first app reported at start. */
  calls: number | null;
  days: number;
  turns: number;
  instances: number;
  /** What the instances shared: `file` (one local KV file) or `url` (`--kv-url`). */
  shared_kv: "file" | "url";
  rounds: InstancesRound[];
  questions: string[];
  /** Every turn of every round completed, with no cross-talk. */
  ok: boolean;
}

/** Creates `n` conversations, starts one turn in each at once and follows them all. */
async function round(
  session: Session,
  options: { turns: number; questions: string[]; label: string; timeoutMs: number },
): Promise<{ followed: FollowedTurn[]; wallMs: number }> {
  const ids: string[] = [];
  for (let i = 0; i < options.turns; i++) {
    const conv = await session.json("POST", "/api/conversations", {
      title: `${options.label} ${i}`,
    });
    ids.push(conv.id);
  }
  const t0 = performance.now();
  const followed = await Promise.all(ids.map((id, i) => {
    const question = options.questions[i % options.questions.length];
    return followTurn(session, {
      conversationId: id,
      question,
      timeoutMs: options.timeoutMs,
    }).catch((e): FollowedTurn => ({
      question,
      turnId: null,
      postInstance: null,
      streamInstance: null,
      firstEventMs: null,
      finalMs: null,
      outcome: `failed: ${e instanceof Error ? e.message : e}`,
      events: 0,
      crossTalk: [],
    }));
  }));
  return { followed, wallMs: performance.now() - t0 };
}

function roundResult(input: {
  label: string;
  instances: number;
  viaProxy: boolean;
  followed: FollowedTurn[];
  wallMs: number;
  requests: number[];
  listenMs: number;
  children: Child[];
}): InstancesRound {
  const { followed } = input;
  const outcomes: Record<string, number> = {};
  for (const t of followed) outcomes[t.outcome] = (outcomes[t.outcome] ?? 0) + 1;
  const done = followed.filter((t) => t.finalMs !== null && COMPLETED.has(t.outcome));
  const problems = followed.flatMap((t) => [
    ...t.crossTalk.map((c) => `${t.turnId}: ${c}`),
    ...(COMPLETED.has(t.outcome)
      ? []
      : [`${t.turnId ?? "(no turn)"}: ${t.outcome}${t.detail ? ` (${t.detail})` : ""}`]),
  ]);
  return {
    label: input.label,
    instances: input.instances,
    via_proxy: input.viaProxy,
    turns: followed.length,
    completed: done.length,
    failed: followed.length - done.length,
    cross_talk: followed.filter((t) => t.crossTalk.length > 0).length,
    problems: problems.slice(0, 10),
    outcomes,
    first_event_ms: summarize(followed.flatMap((t) => t.firstEventMs ?? [])),
    final_ms: summarize(followed.flatMap((t) => t.finalMs ?? [])),
    wall_ms: Math.round(input.wallMs),
    requests_per_instance: input.requests,
    streams_elsewhere:
      followed.filter((t) =>
        t.postInstance !== null && t.streamInstance !== null && t.postInstance !== t.streamInstance
      ).length,
    listen_ms: Math.round(input.listenMs),
    app_errors: [
      ...new Set(
        input.children.flatMap((c) => c.output).filter((l) => /error|locked|fail/i.test(l))
          .map((l) => l.replace(/\bt_[\w-]+/g, "t_…")),
      ),
    ].slice(0, 5),
  };
}

/** Options of {@linkcode runInstancesBench}. */
export interface InstancesBenchOptions {
  /** App processes behind the proxy (default 4). */
  instances?: number;
  /** Concurrent turns of each round (default 200). */
  turns?: number;
  /** Calls of the generated demo data (default 50,000). */
  calls?: number;
  days?: number;
  questions?: string[];
  /** A turn not ended this long after its POST counts as failed (`timeout`; default 120 s). */
  turnTimeoutMs?: number;
  /** Skip the single-instance round. */
  skipSingle?: boolean;
  /**
   * A remote KV (KV Connect, e.g. a self-hosted `denokv`) for the instances instead of one
   * shared KV file; `DENO_KV_ACCESS_TOKEN` comes from the environment.
   */
  kvUrl?: string;
  log?: (line: string) => void;
}

async function withLastOutput<T>(children: Child[], f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const tails = children.map((c, i) => `instance ${i}:\n${c.output.slice(-8).join("\n")}`);
    throw new Error(`${e instanceof Error ? e.message : e}\nLast app output:\n${tails.join("\n")}`);
  }
}

/**
 * Warms each instance up with one untimed turn (planner vocabulary, engine state). A failed
 * warm-up turn is only logged: the round that follows counts failures.
 */
async function warmUp(
  children: Child[],
  options: {
    cookie: string;
    question: string;
    timeoutMs: number;
    log: (line: string) => void;
  },
): Promise<void> {
  await Promise.all(children.map(async (child) => {
    const s = new Session(child.url);
    s.cookie = options.cookie;
    const conv = await s.json("POST", "/api/conversations", { title: "bench warm-up" });
    const t = await followTurn(s, { ...options, conversationId: conv.id });
    if (!COMPLETED.has(t.outcome)) {
      options.log(`  the warm-up turn on ${child.url} ended with ${t.outcome} ${t.detail ?? ""}`);
    }
  }));
}

/** Runs the single-instance round, then the multi-instance round; stops every process. */
export async function runInstancesBench(
  options: InstancesBenchOptions = {},
): Promise<InstancesBenchResult> {
  const log = options.log ?? (() => {});
  const n = options.instances ?? 4;
  const turns = options.turns ?? 200;
  const calls = options.calls ?? 50_000;
  const days = options.days ?? 60;
  const questions = options.questions ?? QUESTIONS;
  const timeoutMs = options.turnTimeoutMs ?? 120_000;
  if (!Number.isInteger(n) || n < 1) throw new Error(`Bad number of instances: ${n}`);
  const rounds: InstancesRound[] = [];
  let reported: number | null = null;

  if (!options.skipSingle) {
    log(`  1 instance on ${calls.toLocaleString("en-US")} calls…`);
    const child = await startChild({ calls, days, log });
    try {
      await withLastOutput([child], async () => {
        reported = child.calls;
        const session = new Session(child.url);
        await session.login("demo", "demo-supervisor");
        await warmUp([child], {
          cookie: session.cookie,
          question: questions[0],
          timeoutMs,
          log,
        });
        log(`  ${turns} concurrent turns on 1 instance…`);
        const r = await round(session, { turns, questions, label: "bench single", timeoutMs });
        rounds.push(roundResult({
          label: `${turns} concurrent turns, 1 instance`,
          instances: 1,
          viaProxy: false,
          followed: r.followed,
          wallMs: r.wallMs,
          // Every request of the round: a conversation, a POST and a stream per turn.
          requests: [turns * 3],
          listenMs: child.listenMs,
          children: [child],
        }));
      });
    } finally {
      await child.stop();
    }
    logRound(log, rounds.at(-1)!);
  }

  log(`  ${n} instances on ${options.kvUrl ?? "one KV file"} behind a round-robin proxy…`);
  const dir = await Deno.makeTempDir({ prefix: "bench_instances_" });
  const proxy = startProxy();
  const children: Child[] = [];
  try {
    const start = () =>
      startChild({
        calls,
        days,
        log,
        kvPath: `${dir}/shared.kv`,
        env: {
          ALLOWED_ORIGINS: proxy.url,
          ...(options.kvUrl ? { KV_URL: options.kvUrl } : {}),
        },
      });
    // The first one alone creates the demo user; the others start together.
    children.push(await start());
    const rest = await Promise.allSettled(Array.from({ length: n - 1 }, start));
    for (const r of rest) if (r.status === "fulfilled") children.push(r.value);
    const refused = rest.find((r) => r.status === "rejected");
    if (refused) throw (refused as PromiseRejectedResult).reason;
    reported ??= children[0].calls;
    await withLastOutput(children, async () => {
      proxy.setBackends(children.map((c) => c.url));
      const session = new Session(proxy.url);
      await session.login("demo", "demo-supervisor");
      await warmUp(children, {
        cookie: session.cookie,
        question: questions[0],
        timeoutMs,
        log,
      });
      proxy.reset();
      log(`  ${turns} concurrent turns on ${n} instances through the proxy…`);
      const r = await round(session, { turns, questions, label: "bench proxied", timeoutMs });
      rounds.push(roundResult({
        label: `${turns} concurrent turns, ${n} instances behind a round-robin proxy`,
        instances: n,
        viaProxy: true,
        followed: r.followed,
        wallMs: r.wallMs,
        requests: [...proxy.counts],
        listenMs: Math.max(...children.map((c) => c.listenMs)),
        children,
      }));
    });
    logRound(log, rounds.at(-1)!);
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await proxy.close().catch(() => {});
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  return {
    bench: "instances",
    calls_requested: calls,
    calls: reported,
    days,
    turns,
    instances: n,
    shared_kv: options.kvUrl ? "url" : "file",
    rounds,
    questions,
    ok: rounds.every((r) => r.failed === 0 && r.cross_talk === 0),
  };
}

function logRound(log: (line: string) => void, r: InstancesRound): void {
  log(
    `    first event p50 ${r.first_event_ms.p50} ms, final p50 ${r.final_ms.p50} ms` +
      ` p95 ${r.final_ms.p95} ms, ${r.completed}/${r.turns} completed, wall ${r.wall_ms} ms`,
  );
}

/** The figures as printed lines. */
export function formatResult(r: InstancesBenchResult): string[] {
  const calls = (r.calls ?? r.calls_requested).toLocaleString("en-US");
  const lines = [
    `${r.turns} concurrent turns on ${calls} calls (${r.days} days), offline planner`,
    `  ${"".padEnd(34)} ${"first event p50/p95/max".padEnd(28)} ${"final p50/p95/max".padEnd(28)} ${
      "wall".padEnd(9)
    } done  failed  cross-talk`,
  ];
  for (const x of r.rounds) {
    const f = x.first_event_ms;
    const z = x.final_ms;
    const label = x.via_proxy ? `${x.instances} instances, round-robin proxy` : "1 instance";
    lines.push(
      `  ${label.padEnd(34)} ${`${f.p50} / ${f.p95} / ${f.max} ms`.padEnd(28)} ${
        `${z.p50} / ${z.p95} / ${z.max} ms`.padEnd(28)
      } ${`${(x.wall_ms / 1000).toFixed(1)} s`.padEnd(9)} ${String(x.completed).padEnd(5)} ${
        String(x.failed).padEnd(7)
      } ${x.cross_talk}`,
    );
  }
  for (const x of r.rounds.filter((x) => x.via_proxy)) {
    lines.push(
      `  requests per instance: ${x.requests_per_instance.join(" / ")};` +
        ` streams served by another instance than their POST: ${x.streams_elsewhere}/${x.turns}`,
    );
  }
  for (const x of r.rounds) {
    if (x.problems.length) lines.push(`  ${x.label}: ${x.problems.join("; ")}`);
    if (x.failed) lines.push(`  ${x.label} outcomes: ${JSON.stringify(x.outcomes)}`);
    if (x.app_errors.length) lines.push(`  the apps said: ${x.app_errors.join(" | ")}`);
  }
  lines.push(r.ok ? "  every turn completed, no cross-talk" : "  FAILED: see above");
  return lines;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      instances: { type: "string", default: "4" },
      turns: { type: "string", default: "200" },
      calls: { type: "string", default: "50000" },
      days: { type: "string", default: "60" },
      json: { type: "string" },
      "kv-url": { type: "string" },
      quiet: { type: "boolean", default: false },
    },
  });
  const whole = (name: string, v: string) => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < 1) throw new Error(`Bad --${name}: ${v}`);
    return x;
  };
  const result = await runInstancesBench({
    instances: whole("instances", values.instances),
    turns: whole("turns", values.turns),
    calls: whole("calls", values.calls),
    days: whole("days", values.days),
    kvUrl: values["kv-url"],
    log: values.quiet ? undefined : (l) => console.error(l),
  });
  console.log(formatResult(result).join("\n"));
  if (values.json) await Deno.writeTextFile(values.json, JSON.stringify(result, null, 2) + "\n");
  if (!result.ok) Deno.exit(1);
}
