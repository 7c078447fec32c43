import assert from "node:assert/strict";
import { loadConfig } from "../../config.ts";
import { openDataClient } from "../open_client.ts";
import type { DataClient, Document } from "../types.ts";

/** A scan whose every document costs about a millisecond of expression work. */
const HEAVY: Document[] = [
  {
    $match: {
      $expr: {
        $gt: [
          {
            $reduce: {
              input: { $range: [0, 3000] },
              initialValue: 0,
              in: { $add: ["$$value", "$$this"] },
            },
          },
          -1,
        ],
      },
    },
  },
  { $count: "n" },
];

/**
 * A group whose accumulator costs about a millisecond per document: mingo runs it in one
 * synchronous stretch, which in process would hold the event loop for seconds.
 */
const BLOCKING: Document[] = [
  {
    $group: {
      _id: "$call_id",
      x: {
        $sum: {
          $reduce: {
            input: { $range: [0, 3000] },
            initialValue: 0,
            in: { $add: ["$$value", "$$this"] },
          },
        },
      },
    },
  },
];

/** The `p`th percentile of `values`. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function heavyClient(): Promise<DataClient> {
  return await openDataClient(
    loadConfig({
      DEMO_DAYS: "10",
      DEMO_CALLS_PER_DAY: "400",
      NOW: "2026-11-24T09:00:00Z",
      QUERY_MAX_TIME_MS: "120000",
      MCP_TIMEOUT_MS: "120000",
    }),
  );
}

/** Settles to true when `p` settles within `ms`. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((r) => timer = setTimeout(() => r(false), ms));
  try {
    return await Promise.race([p.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("Stop ends a heavy query in the data worker within ~100 ms", async () => {
  const client = await heavyClient();
  try {
    const stop = new AbortController();
    const query = client.aggregate("calling_cdr", HEAVY, { signal: stop.signal });
    query.catch(() => {});
    // Running, not finished, after 600 ms.
    assert.equal(await settlesWithin(query, 600), false, "the query is heavy enough");
    const t0 = performance.now();
    stop.abort(new Error("stopped by the user"));
    await assert.rejects(query, /stopped by the user/);
    const rejectMs = performance.now() - t0;
    // The worker has stopped the scan: a small query answers at once.
    const t1 = performance.now();
    assert.ok(await client.count("address_book") > 0);
    const nextMs = performance.now() - t1;
    assert.ok(rejectMs < 100, `the call rejected ${rejectMs.toFixed(0)} ms after Stop`);
    assert.ok(nextMs < 200, `the next query answered ${nextMs.toFixed(0)} ms after Stop`);

    // A bulk read stops the same way.
    const reads = new AbortController();
    const read = (async () => {
      for await (const _ of client.readBatches!("calling_cdr", HEAVY, { signal: reads.signal })) {
        // Nothing: the scan is what takes the time.
      }
    })();
    read.catch(() => {});
    assert.equal(await settlesWithin(read, 600), false);
    const t2 = performance.now();
    reads.abort(new Error("export cancelled"));
    await assert.rejects(read, /export cancelled/);
    assert.ok(await client.count("address_book") > 0);
    const readStopMs = performance.now() - t2;
    assert.ok(readStopMs < 200, `the worker was free ${readStopMs.toFixed(0)} ms after cancel`);
  } finally {
    await client.close();
  }
});

Deno.test("the app's event loop stays responsive while the worker runs a heavy query", async () => {
  const client = await heavyClient();
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    () => new Response("ok"),
  );
  const url = `http://127.0.0.1:${server.addr.port}/`;
  try {
    const query = client.aggregate("calling_cdr", BLOCKING);
    query.catch(() => {});
    const timers: number[] = [], fetches: number[] = [];
    const until = performance.now() + 1_500;
    while (performance.now() < until) {
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, 0));
      timers.push(performance.now() - t0);
      const t1 = performance.now();
      assert.equal(await (await fetch(url)).text(), "ok");
      fetches.push(performance.now() - t1);
    }
    assert.equal(await settlesWithin(query, 0), false, "the query was running throughout");
    assert.ok(fetches.length > 20, `${fetches.length} fetches answered in 1.5 s`);
    const timer = percentile(timers, 0.95), fetched = percentile(fetches, 0.95);
    assert.ok(timer < 50, `setTimeout(0) took ${timer.toFixed(1)} ms (95th percentile)`);
    assert.ok(fetched < 100, `a local fetch took ${fetched.toFixed(1)} ms (95th percentile)`);
    // (close() below ends the worker, group and all.)
  } finally {
    await server.shutdown();
    await client.close();
  }
});
