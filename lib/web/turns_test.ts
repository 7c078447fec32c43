import assert from "node:assert/strict";
import type { TurnOutcome } from "../agent/types.ts";
import { openStore } from "../kv.ts";
import { terminalStatus, TurnManager } from "./turns.ts";
import { turnEventStream } from "./sse.ts";
import { aborted } from "../../testing/web_app.ts";

const USAGE = { model_calls: 0, input_tokens: 0, output_tokens: 0 };

/** A runner's outcome for an answered turn. */
function answered(answer: string): TurnOutcome {
  return {
    answer,
    usage: USAGE,
    outcome: "answered",
    interpretation: null,
    events: [],
    error: null,
  };
}

Deno.test("security: faults: recover ends turns left running by an earlier process", async () => {
  const store = await openStore(":memory:");
  try {
    const conv = await store.createConversation("u1", "x");
    await store.createTurn({ id: "t_old", owner: "u1", conversation_id: conv.id });
    await store.appendEvent("t_old", { type: "step", text: "half way" });
    const manager = new TurnManager({
      store,
      runner: () => Promise.reject(new Error("unused")),
      log: () => {},
    });
    assert.equal(await manager.recover(), 1);
    const events = await store.listEvents("t_old");
    const last = events[events.length - 1].event as { type: string; code?: string };
    assert.deepEqual([last.type, last.code], ["error", "internal"]);
    assert.equal((await store.getTurn("u1", "t_old"))?.status, "error");
    assert.equal(await manager.recover(), 0);
    assert.equal(
      typeof await manager.start({ owner: "u1", conversationId: conv.id, question: "q" }),
      "object",
    );
    await manager.shutdown();
  } finally {
    store.close();
  }
});

Deno.test("security: faults: recover keeps interrupted turns in their conversation as failed answers", async () => {
  const store = await openStore(":memory:");
  try {
    const conv = await store.createConversation("u1", "x");
    const started = (id: string, question: string) => ({
      type: "turn_started" as const,
      turn_id: id,
      conversation_id: conv.id,
      question,
    });
    // Interrupted while answering: the question is saved, some text was written.
    await store.createTurn({ id: "t_a", owner: "u1", conversation_id: conv.id });
    await store.appendEvent("t_a", started("t_a", "Calls today?"));
    await store.appendMessage("u1", conv.id, {
      role: "user",
      content: "Calls today?",
      turn_id: "t_a",
      created_at: "2030-01-01T00:00:00.000Z",
    });
    await store.appendEvent("t_a", { type: "text", delta: "There were " });
    await store.appendEvent("t_a", { type: "text", delta: "**12** calls" });
    const manager = new TurnManager({
      store,
      runner: () => Promise.reject(new Error("unused")),
      log: () => {},
    });
    assert.equal(await manager.recover(), 1);
    // Interrupted before the question was saved.
    await store.createTurn({ id: "t_b", owner: "u1", conversation_id: conv.id });
    await store.appendEvent("t_b", started("t_b", "And yesterday?"));
    assert.equal(await manager.recover(), 1);
    assert.equal(await manager.recover(), 0);
    const messages = await store.listMessages("u1", conv.id);
    const message = "The turn was interrupted: the server running it stopped";
    const note = `_(No complete answer: ${message}.)_`;
    const error = { code: "internal", message };
    assert.deepEqual(
      messages.map((m) => [m.role, m.turn_id, m.content, m.error]),
      [
        ["user", "t_a", "Calls today?", undefined],
        ["assistant", "t_a", `There were **12** calls\n\n${note}`, error],
        ["user", "t_b", "And yesterday?", undefined],
        ["assistant", "t_b", note, error],
      ],
    );
  } finally {
    store.close();
  }
});

Deno.test("security: streams: events after the terminal one are dropped; the runner's turn_started is replaced", async () => {
  const store = await openStore(":memory:");
  try {
    const conv = await store.createConversation("u1", "x");
    const manager = new TurnManager({
      store,
      runner: async (input) => {
        input.emit({ type: "turn_started", turn_id: "other", conversation_id: "x", question: "q" });
        input.emit({ type: "text", delta: "a" }); // not awaited: order is kept anyway
        input.emit({
          type: "final",
          answer: "a",
          usage: USAGE,
          outcome: "answered",
          interpretation: null,
        });
        await input.emit({ type: "text", delta: "late" });
        return answered("a");
      },
    });
    const turn = await manager.start({ owner: "u1", conversationId: conv.id, question: "q" });
    assert.ok(typeof turn === "object");
    await manager.wait(turn.id);
    const events = (await store.listEvents(turn.id)).map((e) => e.event);
    assert.deepEqual(events.map((e) => e.type), ["turn_started", "text", "final"]);
    assert.equal((events[0] as { turn_id: string }).turn_id, turn.id);
    assert.equal((await store.getTurn("u1", turn.id))?.status, "done");
  } finally {
    store.close();
  }
});

Deno.test("security: faults: shutdown cancels running turns and waits for them", async () => {
  const store = await openStore(":memory:");
  try {
    const conv = await store.createConversation("u1", "x");
    let sawAbort = false;
    const manager = new TurnManager({
      store,
      runner: async (input) => {
        await aborted(input.signal);
        sawAbort = true;
        return answered("");
      },
    });
    const turn = await manager.start({ owner: "u1", conversationId: conv.id, question: "q" });
    assert.ok(typeof turn === "object");
    assert.ok(manager.isRunning(turn.id));
    await manager.shutdown();
    assert.ok(sawAbort);
    assert.ok(!manager.isRunning(turn.id));
    assert.equal((await store.getTurn("u1", turn.id))?.status, "cancelled");
    await assert.rejects(() =>
      manager.start({ owner: "u1", conversationId: conv.id, question: "q" })
    );
  } finally {
    store.close();
  }
});

Deno.test("terminal events map to turn statuses", () => {
  assert.equal(
    terminalStatus({
      type: "final",
      answer: "",
      usage: USAGE,
      outcome: "answered",
      interpretation: null,
    }),
    "done",
  );
  assert.equal(terminalStatus({ type: "error", code: "cancelled", message: "" }), "cancelled");
  assert.equal(terminalStatus({ type: "error", code: "timeout", message: "" }), "error");
  assert.equal(terminalStatus({ type: "step", text: "" }), undefined);
});

Deno.test("turns past maxRunning wait in line, start in arrival order, and a queued Stop ends them unrun", async () => {
  const store = await openStore(":memory:");
  try {
    let active = 0, peak = 0;
    const started: string[] = [];
    const release: (() => void)[] = [];
    const manager = new TurnManager({
      store,
      maxRunning: 2,
      log: () => {},
      runner: async (input) => {
        active++;
        peak = Math.max(peak, active);
        started.push(input.question);
        await new Promise<void>((r) => release.push(r));
        active--;
        return answered(input.question);
      },
    });
    const turns = [];
    for (const q of ["q1", "q2", "q3", "q4", "q5"]) {
      const conv = await store.createConversation("u1", q);
      const t = await manager.start({ owner: "u1", conversationId: conv.id, question: q });
      assert.equal(typeof t, "object");
      turns.push(t as { id: string });
    }
    // Every turn announced itself at once, running or not.
    for (const t of turns) {
      assert.equal((await store.listEvents(t.id))[0]?.event.type, "turn_started");
    }
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(started, ["q1", "q2"]);
    assert.ok(manager.cancel(turns[3].id));
    await manager.wait(turns[3].id);
    const q4 = await store.listEvents(turns[3].id);
    assert.deepEqual(
      [q4.at(-1)?.event.type, (q4.at(-1)?.event as { code?: string }).code],
      ["error", "cancelled"],
    );
    while (turns.some((t) => manager.isRunning(t.id))) {
      release.shift()?.();
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.deepEqual(started, ["q1", "q2", "q3", "q5"]);
    assert.equal(peak, 2);
    for (const i of [0, 1, 2, 4]) {
      assert.equal((await store.listEvents(turns[i].id)).at(-1)?.event.type, "final");
    }
  } finally {
    store.close();
  }
});

Deno.test("a stream of a turn running here reads its events from memory, then KV once it ended", async () => {
  const store = await openStore(":memory:");
  // Counts the stream's reads of turns and events (the manager has the store itself).
  let kvReads = 0;
  const counted = new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop === "listEvents" || prop === "getTurn" || prop === "waitForEvents") {
        return (...args: unknown[]) => {
          kvReads++;
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  try {
    const conv = await store.createConversation("u1", "x");
    const gate = Promise.withResolvers<void>();
    const manager = new TurnManager({
      store,
      runner: async (input) => {
        await input.emit({ type: "step", text: "one" });
        await gate.promise;
        await input.emit({ type: "text", delta: "two" });
        return answered("two");
      },
    });
    const turn = await manager.start({ owner: "u1", conversationId: conv.id, question: "q" });
    assert.ok(typeof turn === "object");
    const res = turnEventStream({
      store: counted,
      turns: manager,
      owner: "u1",
      turnId: turn.id,
      afterSeq: 0,
      heartbeatMs: 60_000,
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("event: step")) text += (await reader.read()).value ?? "";
    setTimeout(() => gate.resolve(), 20);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    const types = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    assert.deepEqual(types, ["turn_started", "step", "text", "final"]);
    assert.deepEqual(ids, [1, 2, 3, 4]);
    assert.equal(kvReads, 0, "no KV read while the turn ran here");
    // Ended here: a reconnect reads KV, from where it left off.
    await manager.wait(turn.id);
    assert.equal(manager.eventsAfter(turn.id, 0), null);
    const again = turnEventStream({
      store: counted,
      turns: manager,
      owner: "u1",
      turnId: turn.id,
      afterSeq: 2,
      heartbeatMs: 60_000,
    });
    const rest = await again.text();
    assert.deepEqual([...rest.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1])), [3, 4]);
    assert.ok(kvReads > 0);
    await manager.shutdown();
  } finally {
    store.close();
  }
});
