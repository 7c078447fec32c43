import assert from "node:assert/strict";
import { createChatStore } from "./chat_store.ts";

/** TEST DOUBLE: an EventSource that stays open. */
class FakeEventSource extends EventTarget {
  static opened: FakeEventSource[] = [];
  readyState = 1;
  constructor(readonly url: string) {
    super();
    FakeEventSource.opened.push(this);
  }
  close(): void {
    this.readyState = 2;
  }
}

const realFetch = globalThis.fetch;

/** TEST DOUBLE: `fetch` answering from a route table, recording method, path and body. */
function fakeFetch(routes: Record<string, (body: unknown) => Response>) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const method = init?.method ?? "GET";
    const path = String(input);
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, path, body });
    const route = routes[`${method} ${path}`];
    return Promise.resolve(
      route ? route(body) : new Response('{"error":{"code":"x","message":"No"}}', { status: 404 }),
    );
  };
  return calls;
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });

function makeStore() {
  FakeEventSource.opened = [];
  return createChatStore({
    openEvents: (url) => new FakeEventSource(url) as unknown as EventSource,
    now: () => new Date("2026-11-24T09:00:00Z"),
    conversations: [],
  });
}

Deno.test("runReport posts {report}, shows the server's question and titles a new conversation", async () => {
  const report = { name: "call_count", params: { period: "last week", queue: ["a", "b"] } };
  const calls = fakeFetch({
    "POST /api/conversations": () => json({ id: "c1", title: "New conversation" }, 201),
    "POST /api/conversations/c1/turns": () =>
      json({ turn_id: "t1", question: "How many calls in the a or b queue last week?" }, 202),
  });
  try {
    const store = makeStore();
    assert.equal(await store.runReport(report, "Calls · last week"), true);
    assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`), [
      "POST /api/conversations",
      "POST /api/conversations/c1/turns",
    ]);
    assert.deepEqual(calls[0].body, {}, "the server titles it from the question");
    assert.deepEqual(calls[1].body, { report });
    const turn = store.turns.value[0];
    assert.equal(turn.question, "How many calls in the a or b queue last week?");
    assert.equal(turn.turn_id, "t1");
    assert.equal(store.running.value, true);
    assert.equal(FakeEventSource.opened[0].url, "/api/turns/t1/events");
    assert.equal(
      store.conversations.value[0].title,
      "How many calls in the a or b queue last week?",
    );
    assert.equal(await store.runReport(report, "again"), false, "not while a turn runs");
  } finally {
    globalThis.fetch = realFetch;
  }
});

Deno.test("runReport: a refused report keeps the label and shows the API's message", async () => {
  fakeFetch({
    "POST /api/conversations": () => json({ id: "c1", title: "New conversation" }, 201),
    "POST /api/conversations/c1/turns": () =>
      json({ error: { code: "invalid_report", message: 'Unknown report "x"' } }, 400),
  });
  try {
    const store = makeStore();
    await store.runReport({ name: "x", params: {} }, "Calls · today");
    const turn = store.turns.value[0];
    assert.equal(turn.question, "Calls · today");
    assert.equal(turn.status, "error");
    assert.deepEqual(turn.error, { code: "invalid_report", message: 'Unknown report "x"' });
  } finally {
    globalThis.fetch = realFetch;
  }
});
