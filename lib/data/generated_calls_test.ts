import assert from "node:assert/strict";
import { buildGeneratedCalls } from "./generated_calls.ts";
import { generateCalls, type SeedOptions } from "./seed.ts";

const SEED: SeedOptions = {
  days: 3,
  callsPerDay: 1500,
  now: new Date("2026-11-20T12:00:00Z"),
  tz: "Europe/Berlin",
};

Deno.test("generated calls made on three threads equal the stream made on one", async () => {
  const docs = [...generateCalls(SEED)];
  const threaded = await buildGeneratedCalls(SEED, { threads: 3, parallelFrom: 0 });
  const single = await buildGeneratedCalls(SEED, { threads: 1, parallelFrom: 0 });
  assert.ok(docs.length > 3000, `${docs.length} calls`);
  assert.equal(threaded.size, docs.length);
  for (let i = 0; i < docs.length; i++) {
    assert.deepStrictEqual(threaded.doc(i), docs[i], `row ${i}`);
  }
  for (const field of single.fields) {
    assert.deepEqual(threaded.column(field)!.dict, single.column(field)!.dict, field);
  }
});

Deno.test("a part a worker cannot make is made here, and said so", async () => {
  const logged: string[] = [];
  const RealWorker = globalThis.Worker;
  // A worker that fails as it starts.
  globalThis.Worker = class extends RealWorker {
    constructor(_url: string | URL, opts?: WorkerOptions) {
      super(`data:application/javascript,throw new Error("no part today")`, opts);
    }
  };
  try {
    // Yielding between batches, as a server opening its data does: the worker fails
    // while this thread is still making its part.
    const table = await buildGeneratedCalls(SEED, {
      threads: 2,
      parallelFrom: 0,
      yieldBetweenBatches: true,
      log: (m) => logged.push(m),
    });
    const docs = [...generateCalls(SEED)];
    assert.equal(table.size, docs.length);
    assert.deepStrictEqual(table.doc(docs.length - 1), docs[docs.length - 1]);
    assert.match(logged.join("\n"), /could not make part of the demo calls.*no part today/);
  } finally {
    globalThis.Worker = RealWorker;
  }
});

Deno.test("a worker that cannot start does not fail the load while this thread yields", async () => {
  const logged: string[] = [];
  const RealWorker = globalThis.Worker;
  globalThis.Worker = class {
    constructor() {
      throw new Error("no workers here");
    }
  } as unknown as typeof Worker;
  try {
    const seed = { ...SEED, callsPerDay: 6000 };
    const table = await buildGeneratedCalls(seed, {
      threads: 2,
      parallelFrom: 0,
      yieldBetweenBatches: true,
      log: (m) => logged.push(m),
    });
    assert.ok(table.size > 8192, "this thread's part spans several batches (it yields)");
    assert.equal(table.size, [...generateCalls(seed)].length);
    assert.match(logged.join("\n"), /no workers here/);
  } finally {
    globalThis.Worker = RealWorker;
  }
});
