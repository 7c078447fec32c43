/**
 * TEST DOUBLE: the real pages and islands (routes/_app, index, login; islands/*) on the
 * real islands layer (lib/web/server.ts), with a scripted in-memory API instead of the app's
 * auth, KV and agent. It lets the UI tests inject what the real app rarely produces: HTML
 * in answers, model errors, slow turns. The full-stack test (`app_test.ts`) uses the real app.
 *
 * Questions steer the script: containing "html" → an answer with hostile HTML; "fail" → an
 * `error` event; "slow" → a turn that runs until stopped; "long answer" → an answer of
 * {@linkcode LONG_ANSWER_PARAGRAPHS} paragraphs streamed one text delta each, one
 * `stepMs` apart; "zorro" → a question asked back
 * (`clarified`, with a partial reading); "delete" → a declined question (`refused`);
 * anything else → steps, how the question was read, a tool call, streamed text, a table, a
 * chart and a report. Stored assistant messages carry `interpretation` and `outcome`.
 */
import ExcelJS from "exceljs";
import type { AgentEvent, Interpretation } from "../../lib/agent/events.ts";
import { createServer } from "../../lib/web/server.ts";
import type { BuildManifest, Manifest, RouteModule } from "../../lib/web/types.ts";
import * as appRoute from "../../routes/_app.tsx";
import * as indexRoute from "../../routes/index.tsx";
import * as loginRoute from "../../routes/login.tsx";
import * as chatIsland from "../../islands/Chat.tsx";
import * as loginIsland from "../../islands/LoginForm.tsx";

interface FakeTurn {
  id: string;
  events: AgentEvent[];
  listeners: Set<() => void>;
  done: boolean;
  timers: ReturnType<typeof setTimeout>[];
}

interface FakeConversation {
  id: string;
  title: string;
  updated_at: string;
  messages: Record<string, unknown>[];
}

const COOKIE = "fake_session=demo";

/** Last week in Asia/Kolkata, as the real app reads it on Tue 17 Nov 2026. */
export const LAST_WEEK = {
  label: "last week 9–15 Nov",
  start: "2026-11-08T18:30:00.000Z",
  end: "2026-11-15T18:30:00.000Z",
};

/** How the scripted answer reads "agent performance for last week". */
export const FAKE_READING: Interpretation = {
  metric: "calls_handled",
  metric_label: "Handled calls",
  period: LAST_WEEK,
  filters: { direction: "incoming", status: ["answered", "transferred"] },
  group_by: "agent",
  unplaced: [],
};

/** The partial reading of the "zorro" question, which is asked back. */
export const ZORRO_READING: Interpretation = {
  metric: "call_count",
  metric_label: "Calls",
  period: LAST_WEEK,
  filters: {},
  group_by: null,
  unplaced: ["zorro"],
};

/** Paragraphs of the "long answer" script (one text delta each). */
export const LONG_ANSWER_PARAGRAPHS = 120;

/** The n-th paragraph of the "long answer" script (1-based), with its blank line. */
export function longAnswerParagraph(n: number): string {
  return `Paragraph ${n}: queue sales answered most calls this hour, and the wait ` +
    `stayed under twenty seconds for every agent on shift.\n\n`;
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

function apiError(status: number, code: string, message: string, headers = {}): Response {
  return json({ error: { code, message } }, status, headers);
}

/** Options of {@linkcode startFakeApp}. */
export interface FakeAppOptions {
  buildManifest: BuildManifest;
  /** Milliseconds between scripted events (default 60). */
  stepMs?: number;
}

/** A running fake app. */
export interface FakeApp {
  url: string;
  /** Conversations created so far. */
  conversations: Map<string, FakeConversation>;
  close(): Promise<void>;
}

/** Starts the fake app on a free port. */
export async function startFakeApp(options: FakeAppOptions): Promise<FakeApp> {
  const stepMs = options.stepMs ?? 60;
  const conversations = new Map<string, FakeConversation>();
  const turns = new Map<string, FakeTurn>();
  let seq = 0;
  const id = (p: string) => `${p}_${++seq}${Math.random().toString(36).slice(2, 8)}`;

  function push(turn: FakeTurn, conv: FakeConversation, event: AgentEvent): void {
    if (turn.done) return;
    turn.events.push(event);
    if (event.type === "final" || event.type === "error") {
      turn.done = true;
      turn.timers.forEach(clearTimeout);
      const last = turn.events;
      conv.messages.push({
        role: "assistant",
        content: event.type === "final" ? event.answer : "",
        turn_id: turn.id,
        tables: last.filter((e) => e.type === "table").map(({ type: _t, ...r }) => r),
        charts: last.filter((e) => e.type === "chart").map(({ type: _t, ...r }) => r),
        reports: last.filter((e) => e.type === "report").map(({ type: _t, ...r }) => r),
        ...(event.type === "final"
          ? { interpretation: event.interpretation, outcome: event.outcome }
          : {}),
      });
      conv.updated_at = new Date().toISOString();
    }
    for (const l of turn.listeners) l();
  }

  function script(question: string, turnId: string): AgentEvent[] {
    const q = question.toLowerCase();
    const started: AgentEvent = {
      type: "turn_started",
      turn_id: turnId,
      conversation_id: "",
      question,
    };
    if (q.includes("html")) {
      return [
        started,
        { type: "step", text: "Writing an answer" },
        {
          type: "final",
          answer: 'Hello <img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> ' +
            "[link](javascript:window.__xss=3) **bold**",
          usage: { model_calls: 1, input_tokens: 1, output_tokens: 1 },
          outcome: "answered",
          interpretation: null,
        },
      ];
    }
    if (q.includes("fail")) {
      return [
        started,
        { type: "step", text: "Asking the model" },
        { type: "error", code: "model_error", message: "The model did not answer in time" },
      ];
    }
    if (q.includes("slow")) {
      return [
        started,
        { type: "step", text: "Counting every call, slowly" },
        { type: "tool_start", call_id: "c1", tool: "aggregate", args: { collection: "calls" } },
      ];
    }
    const usage = { model_calls: 1, input_tokens: 10, output_tokens: 10 };
    if (q.includes("long answer")) {
      const pieces = Array.from(
        { length: LONG_ANSWER_PARAGRAPHS },
        (_, i) => longAnswerParagraph(i + 1),
      );
      const answer = pieces.join("").trim();
      return [
        started,
        { type: "step", text: "Writing a long answer" },
        ...pieces.map((delta): AgentEvent => ({ type: "text", delta })),
        { type: "final", answer, usage, outcome: "answered", interpretation: null },
      ];
    }
    if (q.includes("zorro")) {
      const answer = "I don't know **zorro**: no agent, queue or customer has that name. " +
        "Which agent did you mean?";
      return [
        started,
        { type: "step", text: "Reading the question" },
        {
          type: "outcome",
          outcome: "clarified",
          reason: "No agent, queue or customer is called zorro",
          unplaced: ["zorro"],
          interpretation: { ...ZORRO_READING, unplaced: [] },
        },
        ...answer.match(/.{1,16}/g)!.map((delta): AgentEvent => ({ type: "text", delta })),
        { type: "final", answer, usage, outcome: "clarified", interpretation: ZORRO_READING },
      ];
    }
    if (q.includes("delete")) {
      const answer = "I can't delete calls: I can only **read** the call records. " +
        "I can count or list them for you instead.";
      return [
        started,
        {
          type: "outcome",
          outcome: "refused",
          reason: "The data is read-only",
          unplaced: ["delete"],
        },
        { type: "text", delta: answer },
        { type: "final", answer, usage, outcome: "refused", interpretation: null },
      ];
    }
    const rows = Array.from({ length: 25 }, (_, i) => [
      `agent_${String.fromCharCode(97 + (i % 26))}`,
      1200 - i * 37,
      245 + i * 3,
      8.5 + i / 10,
    ]);
    const text = "Here is the **agent performance** for last week: 25 agents handled 21,318 calls.";
    return [
      started,
      { type: "step", text: "Resolving the period: last week" },
      { type: "interpretation", ...FAKE_READING },
      {
        type: "tool_start",
        call_id: "c1",
        tool: "run_report",
        args: { name: "agent_performance", period: "last week" },
      },
      {
        type: "tool_end",
        call_id: "c1",
        tool: "run_report",
        ok: true,
        summary: "25 rows",
        duration_ms: 182,
      },
      ...text.match(/.{1,12}/g)!.map((delta): AgentEvent => ({ type: "text", delta })),
      {
        type: "table",
        title: "Agent performance · last week",
        columns: ["Agent", "Calls handled", "AHT", "Missed %"],
        column_types: ["string", "integer", "seconds", "percent"],
        rows,
        total_rows: 25,
      },
      {
        type: "chart",
        title: "Calls handled per agent",
        kind: "bar",
        labels: rows.slice(0, 10).map((r) => String(r[0])),
        series: [{ name: "Calls handled", data: rows.slice(0, 10).map((r) => Number(r[1])) }],
        unit: "calls",
      },
      {
        type: "report",
        id: "r_fake1",
        title: "Agent performance · last week",
        rows: 25,
        download: "/api/reports/r_fake1",
        file_name: "agent_performance.xlsx",
      },
      {
        type: "final",
        answer: text,
        usage: { model_calls: 1, input_tokens: 100, output_tokens: 20 },
        outcome: "answered",
        interpretation: FAKE_READING,
      },
    ];
  }

  function startTurn(conv: FakeConversation, question: string): FakeTurn {
    const turn: FakeTurn = {
      id: id("t"),
      events: [],
      listeners: new Set(),
      done: false,
      timers: [],
    };
    turns.set(turn.id, turn);
    conv.messages.push({ role: "user", content: question, turn_id: turn.id });
    const events = script(question, turn.id);
    events.forEach((e, i) => {
      turn.timers.push(setTimeout(() => push(turn, conv, e), stepMs * (i + 1)));
    });
    return turn;
  }

  function convOf(turnId: string): FakeConversation | undefined {
    return [...conversations.values()].find((c) => c.messages.some((m) => m.turn_id === turnId));
  }

  async function api(req: Request, url: URL): Promise<Response> {
    const path = url.pathname;
    const method = req.method;
    if (path === "/api/auth/login" && method === "POST") {
      const body = await req.json();
      if (body.username === "ratelimited") {
        return apiError(429, "rate_limited", "Too many attempts", { "Retry-After": "30" });
      }
      if (body.username !== "demo" || body.password !== "demo123") {
        return apiError(401, "unauthorized", "Wrong username or password");
      }
      return json({ username: "demo" }, 200, { "Set-Cookie": `${COOKIE}; Path=/; HttpOnly` });
    }
    const signedIn = (req.headers.get("Cookie") ?? "").includes(COOKIE);
    if (!signedIn) return apiError(401, "unauthorized", "Sign in required");
    if (path === "/api/auth/logout" && method === "POST") {
      return new Response(null, {
        status: 204,
        headers: { "Set-Cookie": "fake_session=; Path=/; Max-Age=0" },
      });
    }
    if (path === "/api/auth/me") return json({ username: "demo" });
    // The composer asks whether recordings can be transcribed; the bell follows the user's
    // notifications (none here): a stream that says so and stays open.
    if (path === "/api/transcribe" && method === "GET") {
      return json({ available: false, max_bytes: 0, max_seconds: 0 });
    }
    if (path === "/api/notifications" && method === "GET") {
      return json({ notifications: [], unread: 0 });
    }
    if (path === "/api/notifications/stream") return quietNotifications(req.signal);
    if (path === "/api/conversations" && method === "GET") {
      const list = [...conversations.values()].sort((a, b) => a.updated_at < b.updated_at ? 1 : -1)
        .map(({ id, title, updated_at }) => ({ id, title, updated_at }));
      return json({ conversations: list });
    }
    if (path === "/api/conversations" && method === "POST") {
      const body = await req.json();
      const c: FakeConversation = {
        id: id("c"),
        title: body.title || "New conversation",
        updated_at: new Date().toISOString(),
        messages: [],
      };
      conversations.set(c.id, c);
      return json({ id: c.id, title: c.title }, 201);
    }
    let m = /^\/api\/conversations\/([^/]+)(\/turns)?$/.exec(path);
    if (m) {
      const c = conversations.get(m[1]);
      if (!c) return apiError(404, "not_found", "Conversation not found");
      if (m[2] && method === "POST") {
        const body = await req.json();
        return json({ turn_id: startTurn(c, String(body.message)).id }, 202);
      }
      if (method === "GET") return json({ id: c.id, title: c.title, messages: c.messages });
      if (method === "PATCH") {
        c.title = String((await req.json()).title);
        return json({ id: c.id, title: c.title });
      }
      if (method === "DELETE") {
        conversations.delete(c.id);
        return new Response(null, { status: 204 });
      }
    }
    m = /^\/api\/turns\/([^/]+)\/(events|cancel)$/.exec(path);
    if (m) {
      const turn = turns.get(m[1]);
      const conv = convOf(m[1]);
      if (!turn || !conv) return apiError(404, "not_found", "Turn not found");
      if (m[2] === "cancel") {
        push(turn, conv, { type: "error", code: "cancelled", message: "The turn was cancelled" });
        return new Response(null, { status: 202 });
      }
      return events(req, turn);
    }
    if (/^\/api\/reports\/r_fake1$/.test(path)) return await workbook();
    return apiError(404, "not_found", "Not found");
  }

  function events(req: Request, turn: FakeTurn): Response {
    let sent = Number(req.headers.get("Last-Event-ID") ?? "0") || 0;
    const enc = new TextEncoder();
    let listener: (() => void) | null = null;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const flush = () => {
          while (sent < turn.events.length) {
            const e = turn.events[sent++];
            controller.enqueue(
              enc.encode(`id: ${sent}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`),
            );
          }
          if (turn.done) {
            if (listener) turn.listeners.delete(listener);
            controller.close();
          }
        };
        listener = flush;
        turn.listeners.add(flush);
        flush();
      },
      cancel() {
        if (listener) turn.listeners.delete(listener);
      },
    });
    return new Response(body, {
      headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-store" },
    });
  }

  /** An open notification stream with nothing unread, until the page goes away. */
  function quietNotifications(signal: AbortSignal): Response {
    const body = new ReadableStream<Uint8Array>({
      start(ctl) {
        ctl.enqueue(new TextEncoder().encode('event: unread\ndata: {"unread":0}\n\n'));
        signal.addEventListener("abort", () => {
          try {
            ctl.close();
          } catch { /* already closed */ }
        });
      },
    });
    return new Response(body, {
      headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-store" },
    });
  }

  async function workbook(): Promise<Response> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Report");
    ws.addRow(["Agent", "Calls handled"]);
    for (let i = 0; i < 25; i++) ws.addRow([`agent_${i}`, 100 + i]);
    const buf = await wb.xlsx.writeBuffer();
    return new Response(new Uint8Array(buf as ArrayBuffer), {
      headers: {
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": 'attachment; filename="agent_performance.xlsx"',
      },
    });
  }

  const middleware: RouteModule = {
    handler: (
      req: Request,
      ctx: { state: Record<string, unknown>; url: URL; next(): Promise<Response> },
    ) => {
      const signedIn = (req.headers.get("Cookie") ?? "").includes(COOKIE);
      ctx.state.user = signedIn ? { id: "u1", username: "demo" } : null;
      ctx.state.app = {
        config: { tz: "Asia/Kolkata" },
        store: {
          listConversations: () =>
            Promise.resolve(
              [...conversations.values()].sort((a, b) => a.updated_at < b.updated_at ? 1 : -1),
            ),
          // Nothing is shared with the scripted user.
          listSharedWith: () => Promise.resolve([]),
        },
      };
      if (ctx.url.pathname.startsWith("/api/")) return api(req, ctx.url);
      if (!signedIn && ctx.url.pathname !== "/login") {
        return Promise.resolve(
          new Response(null, { status: 303, headers: { Location: "/login" } }),
        );
      }
      return ctx.next();
    },
  } as RouteModule;
  const root = new URL("../../", import.meta.url);
  const manifest: Manifest = {
    routes: {
      "./routes/_app.tsx": appRoute as RouteModule,
      "./routes/_middleware.ts": middleware,
      "./routes/index.tsx": indexRoute as RouteModule,
      "./routes/login.tsx": loginRoute as RouteModule,
    },
    islands: {
      "./islands/Chat.tsx": chatIsland,
      "./islands/LoginForm.tsx": loginIsland,
    },
    baseUrl: new URL("fresh.gen.ts", root).href,
  };
  const server = await createServer({
    manifest,
    buildManifest: options.buildManifest,
    log: (m, e) => console.error(m, e),
  });
  const ac = new AbortController();
  const httpServer = Deno.serve(
    { port: 0, hostname: "127.0.0.1", signal: ac.signal, onListen: () => {} },
    (req, info) => server.fetch(req, info),
  );
  const addr = httpServer.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${addr.port}`,
    conversations,
    async close() {
      for (const t of turns.values()) t.timers.forEach(clearTimeout);
      for (const t of turns.values()) {
        t.done = true;
        for (const l of t.listeners) l();
      }
      ac.abort();
      await httpServer.finished;
    },
  };
}
