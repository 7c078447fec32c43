/**
 * Benchmark of `readAll` over the embedded server (not a test: prints figures).
 *
 *   deno run -A bench/read_all_bench.ts [calls=250000]
 *
 * @module
 */
import { createEmbeddedClient } from "../lib/data/mcp_client.ts";
import { readAll } from "../lib/data/read_all.ts";
import type { Document } from "../lib/data/types.ts";
import { syntheticCalls } from "../testing/synthetic_calls.ts";

async function time(label: string, run: () => AsyncGenerator<Document>, pages: () => number) {
  const t0 = performance.now();
  let n = 0;
  for await (const _ of run()) n++;
  const s = (performance.now() - t0) / 1000;
  const p = pages();
  console.log(
    `${label}: ${n.toLocaleString("en-US")} docs in ${s.toFixed(2)} s — ${
      Math.round(n / s).toLocaleString("en-US")
    } docs/s, ${p} pages, ${Math.round(p / s)} pages/s`,
  );
}

if (import.meta.main) {
  const n = Number(Deno.args[0] ?? 250_000);
  const t0 = performance.now();
  const client = await createEmbeddedClient({ calling_cdr: syntheticCalls(n) });
  console.log(
    `store of ${n.toLocaleString("en-US")} calls built in ${
      (performance.now() - t0).toFixed(0)
    } ms`,
  );
  let pages = 0;
  const counting = () => (pages = 0, (p: number) => void p);
  const onProgress = () => pages++;
  counting();
  await time("keyset, listing sorted by start_time desc", () =>
    readAll(client, {
      collection: "calling_cdr",
      pipeline: [{ $sort: { start_time: -1 } }, {
        $project: { _id: 0, call_id: 1, start_time: 1 },
      }],
      onProgress,
    }), () => pages);
  counting();
  await time("keyset, filtered listing (answered)", () =>
    readAll(client, {
      collection: "calling_cdr",
      pipeline: [{ $match: { status: "answered" } }, { $sort: { start_time: 1 } }],
      onProgress,
    }), () => pages);
  counting();
  await time("skip, same listing forced", () =>
    readAll(client, {
      collection: "calling_cdr",
      pipeline: [{ $sort: { start_time: -1 } }, {
        $project: { _id: 0, call_id: 1, start_time: 1 },
      }],
      mode: "skip",
      onProgress,
    }), () => pages);
  counting();
  await time("skip, group by customer", () =>
    readAll(client, {
      collection: "calling_cdr",
      pipeline: [{ $group: { _id: "$customer_number", calls: { $sum: 1 } } }, {
        $sort: { calls: -1 },
      }],
      onProgress,
    }), () => pages);
  await client.close();
}
