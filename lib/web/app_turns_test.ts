import assert from "node:assert/strict";
import { aborted, eventsOf, readSse, testApp, TestClient } from "../../testing/web_app.ts";

async function setup(options: Parameters<typeof testApp>[0] = {}) {
  const t = await testApp(options);
  const c = await new TestClient(t.app).login("alice");
  const { body } = await c.json("POST", "/api/conversations", {});
  return { t, c, conv: body.id as string };
}

Deno.test("security: streams: a turn streams its events with ids and types, and ends after final", async () => {
  const { t, c, conv } = await setup();
  try {
    const r = await c.json("POST", `/api/conversations/${conv}/turns`, { message: "calls today?" });
    assert.equal(r.status, 202);
    assert.match(r.body.turn_id, /^t_/);
    const res = await c.request("GET", `/api/turns/${r.body.turn_id}/events`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
    assert.match(res.headers.get("cache-control")!, /no-cache/);
    const messages = await readSse(res);
    const events = eventsOf(messages);
    assert.deepEqual(events.map((e) => e.type), ["turn_started", "step", "text", "text", "final"]);
    assert.deepEqual(events.map((e) => e._id), [1, 2, 3, 4, 5]);
    for (const m of messages.filter((m) => m.data)) {
      assert.equal(JSON.parse(m.data!).type, m.event);
    }
    const started = events[0] as unknown as { turn_id: string; conversation_id: string };
    assert.equal(started.turn_id, r.body.turn_id);
    assert.equal(started.conversation_id, conv);
    assert.equal((events[4] as unknown as { answer: string }).answer, "Answer to calls today?");
    // The conversation took its title from the question.
    const got = await c.json("GET", `/api/conversations/${conv}`);
    assert.equal(got.body.title, "calls today?");
    assert.equal(got.body.running_turn_id, null);
  } finally {
    await t.close();
  }
});

Deno.test("security: streams: resuming with Last-Event-ID (header or query) gets exactly the rest", async () => {
  const { t, c, conv } = await setup();
  try {
    const { body } = await c.json("POST", `/api/conversations/${conv}/turns`, { message: "q" });
    await t.app.context.turns.wait(body.turn_id);
    const url = `/api/turns/${body.turn_id}/events`;
    let events = eventsOf(
      await readSse(
        await c.request("GET", url, undefined, {
          "Last-Event-ID": "2",
        }),
      ),
    );
    assert.deepEqual(events.map((e) => e._id), [3, 4, 5]);
    events = eventsOf(await readSse(await c.request("GET", `${url}?last_event_id=4`)));
    assert.deepEqual(events.map((e) => e.type), ["final"]);
    events = eventsOf(
      await readSse(
        await c.request("GET", url, undefined, {
          "Last-Event-ID": "5",
        }),
      ),
    );
    assert.deepEqual(events, []);
    const bad = await c.json("GET", `${url}?last_event_id=abc`);
    assert.equal(bad.status, 400);
  } finally {
    await t.close();
  }
});

Deno.test("security: streams: a live stream follows new events and sends pings while idle", async () => {
  const { t, c, conv } = await setup({ heartbeatMs: 30 });
  try {
    let release!: () => void;
    const gate = new Promise<void>((r) => release = r);
    t.script.current = async (input) => {
      await input.emit({ type: "step", text: "Thinking" });
      await gate;
      await input.emit({ type: "text", delta: "Done" });
      return {
        answer: "Done",
        usage: { model_calls: 1, input_tokens: 1, output_tokens: 1 },
        outcome: "answered",
        interpretation: null,
        events: [],
        error: null,
      };
    };
    const { body } = await c.json("POST", `/api/conversations/${conv}/turns`, { message: "q" });
    const res = await c.request("GET", `/api/turns/${body.turn_id}/events`);
    let pings = 0;
    const messages = await readSse(res, (m) => {
      if (m.comment === "ping" && ++pings === 2) release();
      return false;
    });
    assert.ok(pings >= 2);
    const events = eventsOf(messages);
    // The runner returned without a final event: the manager adds it.
    assert.deepEqual(events.map((e) => e.type), ["turn_started", "step", "text", "final"]);
    assert.deepEqual(events.map((e) => e._id), [1, 2, 3, 4]);
  } finally {
    await t.close();
  }
});

Deno.test("security: streams: cancel → 202 and the turn ends with an error event of code cancelled", async () => {
  const { t, c, conv } = await setup();
  try {
    t.script.current = async (input) => {
      await input.emit({ type: "step", text: "Working" });
      await aborted(input.signal);
      await input.emit({ type: "error", code: "cancelled", message: "Stopped" });
      return {
        answer: "",
        usage: { model_calls: 0, input_tokens: 0, output_tokens: 0 },
        outcome: "answered",
        interpretation: null,
        events: [],
        error: { code: "cancelled", message: "Stopped" },
      };
    };
    const { body } = await c.json("POST", `/api/conversations/${conv}/turns`, { message: "q" });
    const busy = await c.json("POST", `/api/conversations/${conv}/turns`, { message: "again" });
    assert.equal(busy.status, 409);
    assert.equal(busy.body.error.code, "turn_running");
    const running = await c.json("GET", `/api/conversations/${conv}`);
    assert.equal(running.body.running_turn_id, body.turn_id);
    const res = await c.request("GET", `/api/turns/${body.turn_id}/events`);
    const stream = readSse(res);
    const cancel = await c.json("POST", `/api/turns/${body.turn_id}/cancel`);
    assert.equal(cancel.status, 202);
    const events = eventsOf(await stream);
    const last = events[events.length - 1] as unknown as { type: string; code: string };
    assert.deepEqual([last.type, last.code], ["error", "cancelled"]);
    const user = await t.store.getUserByName("alice");
    assert.equal((await t.store.getTurn(user!.id, body.turn_id))?.status, "cancelled");
    // The conversation is free again.
    t.script.current = (await import("../../testing/web_app.ts")).simpleScript;
    const next = await c.json("POST", `/api/conversations/${conv}/turns`, { message: "next" });
    assert.equal(next.status, 202);
  } finally {
    await t.close();
  }
});

Deno.test("security: faults: a runner that ignores the abort is ended anyway after the wait", async () => {
  const { t, c, conv } = await setup({ cancelWaitMs: 20 });
  try {
    let release!: () => void;
    t.script.current = async (input) => {
      await new Promise<void>((r) => release = r);
      await input.emit({ type: "text", delta: "late" });
      return {
        answer: "late",
        usage: { model_calls: 0, input_tokens: 0, output_tokens: 0 },
        outcome: "answered",
        interpretation: null,
        events: [],
        error: null,
      };
    };
    const { body } = await c.json("POST", `/api/conversations/${conv}/turns`, { message: "q" });
    await c.json("POST", `/api/turns/${body.turn_id}/cancel`);
    const events = eventsOf(
      await readSse(await c.request("GET", `/api/turns/${body.turn_id}/events`)),
    );
    assert.deepEqual(events.map((e) => e.type), ["turn_started", "error"]);
    release();
    await new Promise((r) => setTimeout(r, 10));
    const user = await t.store.getUserByName("alice");
    const all = await t.store.listEvents(body.turn_id);
    assert.equal(all.length, 2, "nothing is appended after the terminal event");
    assert.equal((await t.store.getTurn(user!.id, body.turn_id))?.status, "cancelled");
  } finally {
    await t.close();
  }
});

Deno.test("security: faults: a failed turn ends with an error event and leaves the conversation intact", async () => {
  const { t, c, conv } = await setup();
  try {
    const first = await c.json("POST", `/api/conversations/${conv}/turns`, { message: "first" });
    await t.app.context.turns.wait(first.body.turn_id);
    const user = await t.store.getUserByName("alice");
    await t.store.appendMessage(user!.id, conv, { role: "user", content: "first" });
    t.script.current = async (input) => {
      await input.emit({ type: "step", text: "About to fail" });
      throw new Error("model exploded with secret key sk-123");
    };
    const { body } = await c.json("POST", `/api/conversations/${conv}/turns`, { message: "boom" });
    const events = eventsOf(
      await readSse(await c.request("GET", `/api/turns/${body.turn_id}/events`)),
    );
    const last = events[events.length - 1] as unknown as {
      type: string;
      code: string;
      message: string;
    };
    assert.equal(last.type, "error");
    assert.equal(last.code, "internal");
    assert.ok(!last.message.includes("sk-123"));
    assert.equal(t.logged.length, 1, "the failure is logged on the server");
    const got = await c.json("GET", `/api/conversations/${conv}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body.messages, [{ role: "user", content: "first" }]);
    assert.equal(got.body.title, "first");
    const next = await c.json("POST", `/api/conversations/${conv}/turns`, { message: "again" });
    assert.equal(next.status, 202);
  } finally {
    await t.close();
  }
});

Deno.test("security: faults: an error outcome keeps its code", async () => {
  const { t, c, conv } = await setup();
  try {
    t.script.current = () =>
      Promise.resolve({
        answer: "",
        usage: { model_calls: 1, input_tokens: 0, output_tokens: 0 },
        outcome: "answered",
        interpretation: null,
        events: [],
        error: { code: "rate_limited", message: "The model is busy; try again in a minute" },
      });
    const { body } = await c.json("POST", `/api/conversations/${conv}/turns`, { message: "q" });
    const events = eventsOf(
      await readSse(await c.request("GET", `/api/turns/${body.turn_id}/events`)),
    );
    const last = events[events.length - 1] as unknown as { code: string; message: string };
    assert.deepEqual([last.code, last.message], [
      "rate_limited",
      "The model is busy; try again in a minute",
    ]);
  } finally {
    await t.close();
  }
});

Deno.test("security: streams: a turn whose stream clients all leave is cancelled after the grace period", async () => {
  const { t, c, conv } = await setup({ graceMs: 30 });
  try {
    let gotAbort = false;
    t.script.current = async (input) => {
      await input.emit({ type: "step", text: "Working" });
      await aborted(input.signal);
      gotAbort = true;
      return {
        answer: "",
        usage: { model_calls: 0, input_tokens: 0, output_tokens: 0 },
        outcome: "answered",
        interpretation: null,
        events: [],
        error: null,
      };
    };
    const { body } = await c.json("POST", `/api/conversations/${conv}/turns`, { message: "q" });
    const res = await c.request("GET", `/api/turns/${body.turn_id}/events`);
    await readSse(res, (m) => m.event === "step"); // then disconnect
    await t.app.context.turns.wait(body.turn_id);
    assert.ok(gotAbort);
    const events = await t.store.listEvents(body.turn_id);
    const last = events[events.length - 1].event as { type: string; code?: string };
    assert.deepEqual([last.type, last.code], ["error", "cancelled"]);
  } finally {
    await t.close();
  }
});

Deno.test("security: streams: a client that reconnects within the grace period keeps the turn alive", async () => {
  const { t, c, conv } = await setup({ graceMs: 80 });
  try {
    let release!: () => void;
    const gate = new Promise<void>((r) => release = r);
    t.script.current = async (input) => {
      await input.emit({ type: "step", text: "Working" });
      await gate;
      return {
        answer: "ok",
        usage: { model_calls: 0, input_tokens: 0, output_tokens: 0 },
        outcome: "answered",
        interpretation: null,
        events: [],
        error: null,
      };
    };
    const { body } = await c.json("POST", `/api/conversations/${conv}/turns`, { message: "q" });
    const url = `/api/turns/${body.turn_id}/events`;
    const first = await readSse(await c.request("GET", url), (m) => m.event === "step");
    const lastId = first.filter((m) => m.id).pop()!.id!;
    const again = readSse(await c.request("GET", url, undefined, { "Last-Event-ID": lastId }));
    await new Promise((r) => setTimeout(r, 150)); // longer than the grace period
    release();
    const events = eventsOf(await again);
    assert.deepEqual(events.map((e) => e.type), ["final"]);
  } finally {
    await t.close();
  }
});

Deno.test("security: input: turn messages are validated: non-empty string of at most 4,000 characters", async () => {
  const { t, c, conv } = await setup();
  try {
    const cases: [unknown, string][] = [
      [{}, '"message" is required'],
      [{ message: "   " }, '"message" must not be empty'],
      [{ message: 42 }, '"message" must be a string'],
      [{ message: "x".repeat(4001) }, '"message" is longer than 4000 characters'],
    ];
    for (const [payload, message] of cases) {
      const r = await c.json("POST", `/api/conversations/${conv}/turns`, payload);
      assert.equal(r.status, 400);
      assert.equal(r.body.error.message, message);
    }
    const ok = await c.json("POST", `/api/conversations/${conv}/turns`, {
      message: "x".repeat(4000),
    });
    assert.equal(ok.status, 202);
    const missing = await c.json("POST", `/api/conversations/c_nope/turns`, { message: "q" });
    assert.equal(missing.status, 404);
  } finally {
    await t.close();
  }
});
