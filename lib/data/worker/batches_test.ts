import assert from "node:assert/strict";
import { ObjectId } from "bson";
import { receiveBatches, serveBatches } from "./batches.ts";

/** A source of `total` batches of 3 documents, counting how many were produced. */
function counting(total: number) {
  const state = { produced: 0, returned: false };
  async function* source() {
    try {
      for (let i = 0; i < total; i++) {
        state.produced++;
        yield [{ _id: new ObjectId(), i, at: new Date(i) }, { i }, { i }];
        await Promise.resolve();
      }
    } finally {
      state.returned = true;
    }
  }
  return { state, source: source() };
}

async function* failing() {
  yield [{ i: 1 }];
  throw new Error("The query exceeded its time limit");
}

const tick = () => new Promise((r) => setTimeout(r, 20));

Deno.test("the worker produces a batch only when the reader asks (two ahead at most)", async () => {
  const { port1, port2 } = new MessageChannel();
  const { state, source } = counting(1_000);
  const controller = new AbortController();
  const served = serveBatches(port2, source, controller);
  const reader = receiveBatches(port1, { collection: "c" });
  const first = await reader.next();
  assert.equal(first.done, false);
  const [doc] = first.value as Record<string, unknown>[];
  assert.ok(doc._id instanceof ObjectId);
  assert.ok(doc.at instanceof Date);
  await tick();
  assert.ok(state.produced <= 3, `${state.produced} batches produced for 1 read`);
  // Leaving early cancels the source in the worker.
  await reader.return(undefined);
  await served;
  assert.equal(controller.signal.aborted, true);
  await tick();
  assert.equal(state.returned, true);
  assert.ok(state.produced <= 3);
});

Deno.test("every batch arrives, in order; errors and aborts reach the reader", async () => {
  {
    const { port1, port2 } = new MessageChannel();
    const { source } = counting(50);
    const served = serveBatches(port2, source, new AbortController());
    const seen: number[] = [];
    for await (const batch of receiveBatches(port1, { collection: "c" })) {
      seen.push(batch[0].i as number);
    }
    await served;
    assert.deepEqual(seen, Array.from({ length: 50 }, (_, i) => i));
  }
  {
    const { port1, port2 } = new MessageChannel();
    const served = serveBatches(port2, failing(), new AbortController());
    await assert.rejects(async () => {
      for await (const _ of receiveBatches(port1, { collection: "c" })) { /* read on */ }
    }, /Error running aggregate: The query exceeded its time limit/);
    await served;
  }
  {
    const { port1, port2 } = new MessageChannel();
    const { source } = counting(1_000_000);
    const controller = new AbortController();
    const served = serveBatches(port2, source, controller);
    const stop = new AbortController();
    let n = 0;
    await assert.rejects(async () => {
      for await (const _ of receiveBatches(port1, { collection: "c", signal: stop.signal })) {
        if (++n === 5) stop.abort(new Error("stopped"));
      }
    }, /stopped/);
    await served;
    assert.equal(controller.signal.aborted, true);
  }
});
