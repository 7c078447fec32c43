/**
 * Two turn managers on one store, as two app instances on one KV: leases, Stop from the
 * other instance, and the grace period when the client follows on the other instance.
 * (`tests/multi_instance_test.ts` does the same with real processes and `kill -9`.)
 */
import assert from "node:assert/strict";
import { openStore, type Store, type TurnRecord } from "../kv.ts";
import { type TurnInput, TurnManager, type TurnManagerOptions } from "./turns.ts";
import { aborted } from "../../testing/web_app.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A runner that writes a step, then works until it is aborted. */
async function untilStopped(input: TurnInput): Promise<never> {
  await input.emit({ type: "step", text: "working" });
  await aborted(input.signal);
  throw input.signal.reason;
}

function manager(store: Store, id: string, extra: Partial<TurnManagerOptions> = {}) {
  return new TurnManager({
    store,
    runner: untilStopped,
    instanceId: id,
    leaseMs: 600,
    stopPollMs: 100,
    log: () => {},
    ...extra,
  });
}

async function waitStatus(store: Store, turnId: string, ms: number): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const status = (await store.getTurn("u1", turnId))?.status ?? "gone";
    if (status !== "running" || Date.now() > end) return status;
    await sleep(20);
  }
}

Deno.test("a turn holds its instance's lease: another instance leaves it while renewed, fails it once the lease expires, and the first stops working on it", async () => {
  const store = await openStore(":memory:");
  let frozen = false;
  // Instance A stops renewing its lease (as a frozen or dead process would).
  const storeA: Store = new Proxy(store, {
    get(target, prop) {
      if (prop === "beatInstance" && frozen) return () => Promise.resolve();
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  const a = manager(storeA, "i_a");
  const b = manager(store, "i_b");
  try {
    await a.recover();
    await b.recover();
    const conv = await store.createConversation("u1", "x");
    const turn = await a.start({
      owner: "u1",
      conversationId: conv.id,
      question: "q",
    }) as TurnRecord;
    assert.equal(turn.instance, "i_a");
    await sleep(1200); // two lease lengths: B swept several times
    assert.equal((await store.getTurn("u1", turn.id))?.status, "running");
    frozen = true;
    const t0 = Date.now();
    assert.equal(await waitStatus(store, turn.id, 3000), "error");
    const waited = Date.now() - t0;
    assert.ok(waited >= 300 && waited < 1500, `failed ${waited} ms after the last renewal`);
    const events = await store.listEvents(turn.id);
    const last = events.at(-1)!.event;
    assert.equal(last.type, "error");
    assert.match(last.type === "error" ? last.message : "", /interrupted/);
    // A's runner is told to stop once A finds the turn ended (its next append fails).
    await a.wait(turn.id);
    assert.equal(a.isRunning(turn.id), false);
    assert.equal((await store.listEvents(turn.id)).length, events.length, "nothing appended after");
  } finally {
    await a.shutdown();
    await b.shutdown();
    store.close();
  }
});

Deno.test("Stop from another instance ends the turn where it runs within its stop poll", async () => {
  const store = await openStore(":memory:");
  const a = manager(store, "i_a");
  const b = manager(store, "i_b");
  try {
    await a.recover();
    await b.recover();
    const conv = await store.createConversation("u1", "x");
    const turn = await a.start({
      owner: "u1",
      conversationId: conv.id,
      question: "q",
    }) as TurnRecord;
    await sleep(100);
    assert.equal(b.isRunning(turn.id), false);
    const t0 = Date.now();
    assert.equal(await b.stop(turn), true);
    assert.equal(await waitStatus(store, turn.id, 2000), "cancelled");
    assert.ok(Date.now() - t0 < 1000, `stopped after ${Date.now() - t0} ms`);
    assert.equal((await store.listStops()).length, 0, "the request is cleared");
    // A finished turn is not stopped again.
    assert.equal(await b.stop((await store.getTurn("u1", turn.id))!), false);
  } finally {
    await a.shutdown();
    await b.shutdown();
    store.close();
  }
});

Deno.test("the grace period holds while the client follows on another instance, and cancels once it leaves", async () => {
  const store = await openStore(":memory:");
  const a = manager(store, "i_a", { graceMs: 300 });
  const b = manager(store, "i_b", { graceMs: 300 });
  try {
    await a.recover();
    await b.recover();
    const conv = await store.createConversation("u1", "x");
    // Control: a client leaves A and nobody follows: cancelled after the grace period.
    const lone = await a.start({
      owner: "u1",
      conversationId: conv.id,
      question: "q",
    }) as TurnRecord;
    a.attach(lone.id)();
    assert.equal(await waitStatus(store, lone.id, 2000), "cancelled");

    const conv2 = await store.createConversation("u1", "y");
    const turn = await a.start({
      owner: "u1",
      conversationId: conv2.id,
      question: "q",
    }) as TurnRecord;
    const leaveA = a.attach(turn.id);
    const leaveB = b.attach(turn.id); // the client reconnected to B
    leaveA();
    await sleep(1200); // four grace periods
    assert.equal((await store.getTurn("u1", turn.id))?.status, "running");
    const t0 = Date.now();
    leaveB();
    assert.equal(await waitStatus(store, turn.id, 3000), "cancelled");
    assert.ok(Date.now() - t0 >= 300, "not before the grace period");
  } finally {
    await a.shutdown();
    await b.shutdown();
    store.close();
  }
});
