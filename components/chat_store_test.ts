import assert from "node:assert/strict";
import type { AgentEvent } from "../lib/agent/events.ts";
import { createChatStore } from "./chat_store.ts";

/** TEST DOUBLE: an EventSource the test drives by hand. */
class FakeEventSource extends EventTarget {
  static opened: FakeEventSource[] = [];
  readyState = 1;
  seq = 0;
  constructor(readonly url: string) {
    super();
    FakeEventSource.opened.push(this);
  }
  send(event: AgentEvent): void {
    this.seq++;
    this.dispatchEvent(
      new MessageEvent(event.type, { data: JSON.stringify(event), lastEventId: String(this.seq) }),
    );
  }
  drop(): void {
    this.readyState = 2;
    this.dispatchEvent(new Event("error"));
  }
  close(): void {
    this.readyState = 2;
  }
}

interface Call {
  method: string;
  path: string;
  body: unknown;
}

/** TEST DOUBLE: `fetch` answering from a route table and recording the calls. */
function fakeFetch(routes: Record<string, (body: unknown) => Response>): Call[] {
  const calls: Call[] = [];
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const method = init?.method ?? "GET";
    const path = String(input);
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, path, body });
    const route = routes[`${method} ${path}`];
    return Promise.resolve(
      route
        ? route(body)
        : new Response(JSON.stringify({ error: { code: "not_found", message: "Nope" } }), {
          status: 404,
        }),
    );
  };
  return calls;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status });
}

const realFetch = globalThis.fetch;
const tick = () => new Promise((r) => setTimeout(r, 0));

function makeStore() {
  FakeEventSource.opened = [];
  const nav: (string | null)[] = [];
  const store = createChatStore({
    openEvents: (url) => new FakeEventSource(url) as unknown as EventSource,
    now: () => new Date("2026-11-24T09:00:00Z"),
    onNavigate: (id) => nav.push(id),
    conversations: [],
  });
  return { store, nav };
}

Deno.test("ask creates the conversation, starts the turn and folds streamed events", async () => {
  const calls = fakeFetch({
    "POST /api/conversations": () => json({ id: "c1", title: "How many calls?" }, 201),
    "POST /api/conversations/c1/turns": () => json({ turn_id: "t1" }, 202),
  });
  try {
    const { store, nav } = makeStore();
    assert.equal(await store.ask("  How many calls?  "), true);
    assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`), [
      "POST /api/conversations",
      "POST /api/conversations/c1/turns",
    ]);
    assert.deepEqual(calls[0].body, { title: "How many calls?" });
    assert.deepEqual(calls[1].body, { message: "How many calls?" });
    assert.deepEqual(nav, ["c1"]);
    assert.equal(store.currentId.value, "c1");
    assert.equal(store.conversations.value[0].id, "c1");
    assert.equal(store.running.value, true);
    const es = FakeEventSource.opened[0];
    assert.equal(es.url, "/api/turns/t1/events");
    es.send({ type: "step", text: "Counting" });
    es.send({ type: "text", delta: "42" });
    assert.equal(store.turns.value[0].answer, "42");
    es.send({
      type: "final",
      answer: "**42** calls",
      usage: { model_calls: 1, input_tokens: 0, output_tokens: 0 },
      outcome: "answered",
      interpretation: null,
    });
    assert.equal(store.turns.value[0].status, "done");
    assert.equal(store.running.value, false);
    assert.equal(es.readyState, 2, "the stream is closed after final");
    assert.equal(store.announcement.value, "The answer is ready.");
    assert.equal(await store.ask("   "), false, "blank questions are not sent");
  } finally {
    globalThis.fetch = realFetch;
  }
});

Deno.test("a failed turn request keeps the question and shows the API's message", async () => {
  fakeFetch({
    "POST /api/conversations": () => json({ id: "c1", title: "q" }, 201),
    "POST /api/conversations/c1/turns": () =>
      json({ error: { code: "conflict", message: "A turn is already running" } }, 409),
  });
  try {
    const { store } = makeStore();
    await store.ask("q");
    const turn = store.turns.value[0];
    assert.equal(turn.question, "q");
    assert.equal(turn.status, "error");
    assert.deepEqual(turn.error, { code: "conflict", message: "A turn is already running" });
  } finally {
    globalThis.fetch = realFetch;
  }
});

Deno.test("a dropped stream fails the turn; a server error event is not a drop", async () => {
  fakeFetch({
    "POST /api/conversations": () => json({ id: "c1", title: "q" }, 201),
    "POST /api/conversations/c1/turns": () => json({ turn_id: "t1" }, 202),
  });
  try {
    const { store } = makeStore();
    await store.ask("q");
    const es = FakeEventSource.opened[0];
    es.dispatchEvent(new Event("error")); // reconnecting: readyState still open
    assert.equal(store.turns.value[0].status, "running");
    es.drop();
    assert.equal(store.turns.value[0].status, "error");
    assert.equal(store.turns.value[0].error?.code, "connection");
  } finally {
    globalThis.fetch = realFetch;
  }
});

Deno.test("stop cancels the turn; the stream's cancelled error ends it", async () => {
  const calls = fakeFetch({
    "POST /api/conversations": () => json({ id: "c1", title: "q" }, 201),
    "POST /api/conversations/c1/turns": () => json({ turn_id: "t1" }, 202),
    "POST /api/turns/t1/cancel": () => new Response(null, { status: 202 }),
  });
  try {
    const { store } = makeStore();
    await store.ask("q");
    await store.stop();
    assert.equal(store.stopping.value, true);
    assert.ok(calls.some((c) => c.path === "/api/turns/t1/cancel" && c.method === "POST"));
    FakeEventSource.opened[0].send({ type: "error", code: "cancelled", message: "Cancelled" });
    assert.equal(store.turns.value[0].status, "cancelled");
    assert.equal(store.stopping.value, false);
  } finally {
    globalThis.fetch = realFetch;
  }
});

Deno.test("leaving a conversation keeps its running turn's stream open until it ends", async () => {
  fakeFetch({
    "POST /api/conversations": () => json({ id: "c1", title: "q" }, 201),
    "POST /api/conversations/c1/turns": () => json({ turn_id: "t1" }, 202),
    "GET /api/conversations/c1": () =>
      json({ id: "c1", title: "q", messages: [{ role: "user", content: "q", turn_id: "t1" }] }),
  });
  try {
    const { store } = makeStore();
    await store.ask("q");
    const first = FakeEventSource.opened[0];
    store.newConversation();
    assert.equal(store.turns.value.length, 0);
    assert.equal(first.readyState, 1, "still listening, so the server keeps the turn");
    await store.openConversation("c1");
    await tick();
    assert.equal(first.readyState, 2, "replaced by a fresh stream");
    const second = FakeEventSource.opened[1];
    assert.equal(second.url, "/api/turns/t1/events");
    assert.equal(store.turns.value[0].status, "running");
    second.send({ type: "turn_started", turn_id: "t1", conversation_id: "c1", question: "q" });
    second.send({
      type: "final",
      answer: "done",
      usage: { model_calls: 1, input_tokens: 0, output_tokens: 0 },
      outcome: "answered",
      interpretation: null,
    });
    assert.equal(store.turns.value[0].answer, "done");
  } finally {
    globalThis.fetch = realFetch;
  }
});

Deno.test("opening a conversation that is gone starts a new one and says so", async () => {
  fakeFetch({});
  try {
    const { store } = makeStore();
    await store.openConversation("missing");
    assert.equal(store.currentId.value, null);
    assert.match(store.problem.value ?? "", /no longer exists/);
  } finally {
    globalThis.fetch = realFetch;
  }
});

Deno.test("a conversation shared read only sets the flag and stays out of the own list", async () => {
  fakeFetch({
    "GET /api/conversations/shared": () =>
      json({
        id: "shared",
        title: "Team AHT",
        read_only: true,
        shared_by: "boss",
        messages: [
          { role: "user", content: "AHT?", turn_id: "t1" },
          { role: "assistant", content: "7:59", turn_id: "t1" },
        ],
        running_turn_id: null,
      }),
    "GET /api/conversations/mine": () =>
      json({ id: "mine", title: "Mine", messages: [], running_turn_id: null }),
  });
  try {
    const { store } = makeStore();
    assert.equal(store.readOnly.value, false);
    await store.openConversation("shared");
    assert.equal(store.readOnly.value, true);
    assert.equal(store.currentTitle.value, "Team AHT");
    assert.equal(store.turns.value[0].answer, "7:59");
    assert.equal(store.conversations.value.length, 0, "not in the own list (rename/delete)");
    await store.openConversation("mine");
    assert.equal(store.readOnly.value, false);
    assert.deepEqual(store.conversations.value.map((c) => c.id), ["mine"]);
    await store.openConversation("shared");
    store.newConversation();
    assert.equal(store.readOnly.value, false);
  } finally {
    globalThis.fetch = realFetch;
  }
});

Deno.test("rename is optimistic and rolls back when the server refuses", async () => {
  fakeFetch({
    "PATCH /api/conversations/a": () =>
      json({ error: { code: "bad_request", message: "Too long" } }, 400),
    "PATCH /api/conversations/b": () => json({ id: "b", title: "New" }),
    "DELETE /api/conversations/b": () => new Response(null, { status: 204 }),
  });
  try {
    const store = createChatStore({
      conversations: [
        { id: "a", title: "A", updated_at: "2026-11-24T08:00:00Z" },
        { id: "b", title: "B", updated_at: "2026-11-24T07:00:00Z" },
      ],
    });
    await store.rename("a", "x".repeat(300));
    assert.equal(store.conversations.value[0].title, "A");
    assert.match(store.problem.value ?? "", /Too long/);
    await store.rename("b", "New");
    assert.equal(store.conversations.value[1].title, "New");
    await store.remove("b");
    assert.deepEqual(store.conversations.value.map((c) => c.id), ["a"]);
  } finally {
    globalThis.fetch = realFetch;
  }
});

const FINAL_ANSWERED = {
  type: "final",
  answer: "Hello!",
  usage: { model_calls: 1, input_tokens: 0, output_tokens: 0 },
  outcome: "answered",
  interpretation: null,
} as const;

Deno.test("the first question names the conversation: short, without lead-ins", async () => {
  const calls = fakeFetch({
    "POST /api/conversations": (b) =>
      json({ id: "c1", title: (b as { title: string }).title }, 201),
    "POST /api/conversations/c1/turns": () => json({ turn_id: "t1" }, 202),
  });
  try {
    const { store } = makeStore();
    await store.ask("Hi, can you please show me the missed calls of this week by queue and agent");
    assert.deepEqual(calls[0].body, { title: "The missed calls of this week by queue and agent" });
    assert.equal(store.currentTitle.value, "The missed calls of this week by queue and agent");
  } finally {
    globalThis.fetch = realFetch;
  }
});

Deno.test("a conversation that began with small talk takes its first data question's title", async () => {
  let turn = 0;
  const calls = fakeFetch({
    "POST /api/conversations": (b) =>
      json({ id: "c1", title: (b as { title: string }).title }, 201),
    "POST /api/conversations/c1/turns": () => json({ turn_id: `t${++turn}` }, 202),
    "PATCH /api/conversations/c1": (b) => json({ id: "c1", ...(b as object) }),
  });
  try {
    const { store } = makeStore();
    await store.ask("hello");
    FakeEventSource.opened[0].send(FINAL_ANSWERED);
    assert.equal(store.currentTitle.value, "Hello");
    await store.ask("how many calls today?");
    FakeEventSource.opened[1].send({
      ...FINAL_ANSWERED,
      answer: "5 calls",
      interpretation: {
        metric: "call_count",
        metric_label: "Calls",
        period: null,
        filters: {},
        group_by: null,
        unplaced: [],
      },
    });
    await tick();
    assert.deepEqual(calls.at(-1), {
      method: "PATCH",
      path: "/api/conversations/c1",
      body: { title: "How many calls today?" },
    });
    assert.equal(store.currentTitle.value, "How many calls today?");
    // Later data answers leave the title alone.
    await store.ask("and yesterday?");
    FakeEventSource.opened[2].send({ ...FINAL_ANSWERED, answer: "4 calls" });
    await tick();
    assert.equal(calls.filter((c) => c.method === "PATCH").length, 1);
  } finally {
    globalThis.fetch = realFetch;
  }
});

Deno.test("feedback is shown at once, sent, and taken back when the server refuses", async () => {
  let refuse = false;
  const calls = fakeFetch({
    "POST /api/conversations": () => json({ id: "c1", title: "q" }, 201),
    "POST /api/conversations/c1/turns": () => json({ turn_id: "t1" }, 202),
    "POST /api/turns/t1/feedback": (b) =>
      refuse
        ? json({ error: { code: "bad_request", message: '"comment" is too long' } }, 400)
        : json({ turn_id: "t1", ...(b as object), created_at: "2026-11-24T09:00:00Z" }),
  });
  try {
    const { store } = makeStore();
    await store.ask("q");
    FakeEventSource.opened[0].send(FINAL_ANSWERED);
    const key = store.turns.value[0].key;
    const sent = store.sendFeedback(key, "up");
    assert.deepEqual(store.turns.value[0].feedback, { rating: "up", comment: "" });
    assert.equal(await sent, true);
    assert.deepEqual(calls.at(-1)?.body, { rating: "up" });
    assert.equal(await store.sendFeedback(key, "down", "  Wrong period "), true);
    assert.deepEqual(calls.at(-1)?.body, { rating: "down", comment: "Wrong period" });
    refuse = true;
    assert.equal(await store.sendFeedback(key, "up", "x"), false);
    assert.deepEqual(store.turns.value[0].feedback, { rating: "down", comment: "Wrong period" });
    assert.match(store.problem.value ?? "", /Cannot send the feedback: "comment" is too long/);
    assert.equal(await store.sendFeedback("no-such-turn", "up"), false);
  } finally {
    globalThis.fetch = realFetch;
  }
});
