import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { engineFor } from "./embedded_server.ts";
import { DataError } from "./errors.ts";
import { createEmbeddedClient, type EmbeddedDataClient } from "./mcp_client.ts";
import { createMemoryStore } from "./memory_store.ts";
import { openDataClient } from "./open_client.ts";
import { createBudget, QueryTimeoutError } from "./query_budget.ts";
import { createQueryEngine } from "./query_engine.ts";
import type { Document } from "./types.ts";

/** Calls with a number to crunch: each `$reduce` below costs thousands of operator calls. */
function calls(n: number): Document[] {
  return Array.from({ length: n }, (_, i) => ({ _id: i, agent_name: `agent${i % 7}`, k: i % 13 }));
}

/** An expression that takes a few hundred microseconds per document. */
const HEAVY = {
  $reduce: {
    input: { $range: [0, { $add: [1500, "$k"] }] },
    initialValue: 0,
    in: { $add: ["$$value", "$$this"] },
  },
};

const SLOW_PIPELINES: [string, Document[]][] = [
  ["a per-document stage ($project)", [{ $project: { x: HEAVY } }]],
  ["a blocking stage ($group key)", [{ $group: { _id: { $mod: [HEAVY, 7] }, n: { $sum: 1 } } }]],
  ["a filter ($match $expr)", [{ $match: { $expr: { $lt: [HEAVY, 0] } } }]],
];

for (const [name, pipeline] of SLOW_PIPELINES) {
  Deno.test(`security: limits: a slow aggregation with ${name} stops near its maxTimeMS`, async () => {
    // QUERY_MAX_TIME_MS reaches the embedded server through the one opener.
    const config = loadConfig({ QUERY_MAX_TIME_MS: "300" });
    const client = await openDataClient(config, {
      dataset: { calling_cdr: calls(40_000), address_book: [] },
    });
    try {
      const started = performance.now();
      await assert.rejects(
        () => client.aggregate("calling_cdr", pipeline),
        (e: unknown) => e instanceof DataError && /time limit of 300 ms/.test(e.message),
      );
      const tookMs = performance.now() - started;
      console.log(`${name}: stopped after ${tookMs.toFixed(0)} ms (maxTimeMS 300)`);
      assert.ok(tookMs < 1_500, `stopped after ${tookMs} ms`);
    } finally {
      await client.close();
    }
  });
}

Deno.test("security: limits: an AbortSignal ends an engine scan within ~100 ms", async () => {
  const engine = createQueryEngine(createMemoryStore({ c: calls(40_000) }), "ccs_dev");
  for (
    const run of [
      (signal: AbortSignal) =>
        engine.count("c", { $expr: { $gte: [HEAVY, 0] } }, { budget: createBudget({ signal }) }),
      (signal: AbortSignal) =>
        engine.aggregate("c", [{ $project: { x: HEAVY } }], { budget: createBudget({ signal }) }),
    ]
  ) {
    const ac = new AbortController();
    const started = performance.now();
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now();
      ac.abort(new DOMException("Stopped by the user", "AbortError"));
    }, 100);
    await assert.rejects(() => run(ac.signal), /Stopped by the user/);
    const lagMs = performance.now() - abortedAt;
    console.log(
      `abort timer ran at ${(abortedAt - started).toFixed(0)} ms (set for 100); scan ended ${
        lagMs.toFixed(0)
      } ms after the abort`,
    );
    assert.ok(abortedAt > 0, "the abort timer ran during the scan");
    assert.ok(abortedAt - started < 250, "the event loop stayed free for the abort timer");
    assert.ok(lagMs < 100, `ended ${lagMs} ms after the abort`);
  }
  assert.equal(engine.stats.stopped, 2);
});

Deno.test("security: limits: Stop through the MCP client ends the embedded server's scan", async () => {
  const client: EmbeddedDataClient = await createEmbeddedClient(
    { calling_cdr: calls(40_000) },
    { maxTimeMs: 60_000 },
  );
  try {
    const engine = engineFor(client.store, client.database);
    const ac = new AbortController();
    const started = performance.now();
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now();
      ac.abort(new DOMException("Stopped by the user", "AbortError"));
    }, 100);
    await assert.rejects(
      () => client.count("calling_cdr", { $expr: { $gte: [HEAVY, 0] } }, { signal: ac.signal }),
      /Stopped by the user/,
    );
    // The server's side stops too (not only the client's wait).
    while (engine.stats.stopped === 0 && performance.now() - started < 5_000) {
      await new Promise((r) => setTimeout(r, 2));
    }
    const lagMs = performance.now() - abortedAt;
    console.log(
      `abort timer ran at ${(abortedAt - started).toFixed(0)} ms (set for 100); server scan ended ${
        lagMs.toFixed(0)
      } ms after the abort`,
    );
    assert.equal(engine.stats.stopped, 1);
    assert.ok(abortedAt - started < 500, "the event loop stayed free for the abort timer");
    assert.ok(lagMs < 250, `the server stopped ${lagMs} ms after the abort`);
  } finally {
    await client.close();
  }
});

Deno.test("a budget's deadline error names maxTimeMS", () => {
  const budget = createBudget({ maxTimeMs: 0 });
  const later = performance.now() + 5;
  while (performance.now() < later) { /* spin */ }
  assert.throws(() => budget.check(), QueryTimeoutError);
  assert.throws(() => budget.check(), /time limit of 0 ms \(maxTimeMS\)/);
});
