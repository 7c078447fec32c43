import assert from "node:assert/strict";
import type { ObjectId } from "bson";
import { createEmbeddedClient, type EmbeddedDataClient } from "./mcp_client.ts";
import { createQueryEngine } from "./query_engine.ts";
import { analyseListing, readAll, type ReadAllOptions, totalOrderPipeline } from "./read_all.ts";
import { syntheticCalls } from "../../testing/synthetic_calls.ts";
import type { DataClient, Document } from "./types.ts";

/**
 * Wraps a client to record every aggregate pipeline it sends, without its `readBatches`:
 * paging through MCP, as with a real server.
 */
function recording(client: DataClient): { client: DataClient; pipelines: Document[][] } {
  const pipelines: Document[][] = [];
  return {
    pipelines,
    client: {
      ...client,
      readBatches: undefined,
      aggregate: (collection, pipeline, opts) => {
        pipelines.push(pipeline);
        return client.aggregate(collection, pipeline, opts);
      },
    },
  };
}

async function collect(client: DataClient, opts: ReadAllOptions): Promise<Document[]> {
  const out: Document[] = [];
  for await (const doc of readAll(client, opts)) out.push(doc);
  return out;
}

function hex(d: Document): string {
  return (d._id as ObjectId).toHexString();
}

// 250,000 calls; the server allows 1,000 documents per query here to keep the test quick
// (the 100-document default is exercised below on smaller data).
const BIG = 250_000;
let big: EmbeddedDataClient | null = null;
async function bigClient(): Promise<EmbeddedDataClient> {
  big ??= await createEmbeddedClient({ calling_cdr: syntheticCalls(BIG) }, {
    maxDocumentsPerQuery: 1000,
  });
  return big;
}

Deno.test("keyset: 250,000 calls come out once each, in total order", async () => {
  const client = await bigClient();
  const rec = recording(client);
  let progress = 0;
  let n = 0;
  const seen = new Set<string>();
  let prev: [number, string] | null = null;
  for await (
    const doc of readAll(rec.client, {
      collection: "calling_cdr",
      pipeline: [{ $sort: { start_time: -1 } }, { $project: { call_id: 1, start_time: 1 } }],
      pageSize: 1000,
      onProgress: (read) => (progress = read),
    })
  ) {
    n++;
    seen.add(doc.call_id as string);
    assert.equal("__read_all_key" in doc, false);
    const key: [number, string] = [(doc.start_time as Date).getTime(), hex(doc)];
    if (prev) {
      assert.ok(
        key[0] < prev[0] || (key[0] === prev[0] && key[1] < prev[1]),
        "strictly descending",
      );
    }
    prev = key;
  }
  assert.equal(n, BIG);
  assert.equal(seen.size, BIG);
  assert.equal(progress, BIG);
  assert.ok(rec.pipelines.every((p) => !p.some((s) => "$skip" in s)), "no $skip page");
  // 250 full pages, one empty page, one count to confirm the end.
  assert.equal(rec.pipelines.length, BIG / 1000 + 2);
  assert.ok(rec.pipelines[rec.pipelines.length - 1].some((s) => "$count" in s));
});

Deno.test("skip: 250,000 calls come out once each", async () => {
  const client = await bigClient();
  const rec = recording(client);
  const seen = new Set<string>();
  let n = 0;
  let prev = "";
  for await (
    const doc of readAll(rec.client, {
      collection: "calling_cdr",
      pipeline: [{ $project: { call_id: 1 } }],
      pageSize: 1000,
      mode: "skip",
    })
  ) {
    n++;
    seen.add(doc.call_id as string);
    assert.ok(hex(doc) > prev, "ascending _id");
    prev = hex(doc);
  }
  assert.equal(n, BIG);
  assert.equal(seen.size, BIG);
  assert.ok(rec.pipelines.every((p) => p.some((s) => "$skip" in s)));
});

Deno.test("a filtered listing with a limit returns exactly the first documents", async () => {
  const client = await bigClient();
  const pipeline = [
    { $match: { status: "answered", direction: "incoming" } },
    { $sort: { start_time: 1 } },
    { $limit: 2345 },
    { $project: { _id: 0, call_id: 1 } },
  ];
  const got = await collect(client, { collection: "calling_cdr", pipeline, pageSize: 1000 });
  const engine = createQueryEngine(client.store, "ccs_dev");
  const expected = await engine.aggregate("calling_cdr", [
    pipeline[0],
    { $sort: { start_time: 1, _id: 1 } },
    pipeline[2],
    pipeline[3],
  ]);
  assert.equal(got.length, 2345);
  assert.deepEqual(got, expected);
});

Deno.test("the page size adapts to the server's 100-document cap", async () => {
  const client = await createEmbeddedClient({ calling_cdr: syntheticCalls(1_000) });
  try {
    const rec = recording(client);
    const got = await collect(rec.client, {
      collection: "calling_cdr",
      pipeline: [{ $match: { direction: "outgoing" } }, { $sort: { talk_seconds: -1 } }],
      pageSize: 250,
    });
    const expected = await createQueryEngine(client.store, "ccs_dev").aggregate("calling_cdr", [
      { $match: { direction: "outgoing" } },
      { $sort: { talk_seconds: -1, _id: -1 } },
    ]);
    assert.deepEqual(got.map(hex), expected.map(hex));
    const limits = rec.pipelines
      .filter((p) => p.some((s) => "$limit" in s))
      .map((p) => (p.find((s) => "$limit" in s) as { $limit: number }).$limit);
    assert.equal(limits[0], 250);
    assert.ok(limits.slice(1).every((l) => l === 100), `asked ${limits.join(",")}`);
  } finally {
    await client.close();
  }
});

Deno.test("pages shrink when documents are too big for one response", async () => {
  const docs = Array.from({ length: 300 }, (_, i) => ({ _id: i, i, blob: "x".repeat(20_000) }));
  const client = await createEmbeddedClient({ calling_cdr: docs });
  try {
    const rec = recording(client);
    const got = await collect(rec.client, {
      collection: "calling_cdr",
      pipeline: [{ $sort: { i: 1 } }],
    });
    assert.deepEqual(got.map((d) => d.i), docs.map((d) => d.i));
    assert.ok(rec.pipelines.length > 6, `${rec.pipelines.length} pages`);
  } finally {
    await client.close();
  }
});

Deno.test("sort keys with several types and nulls fall back to $skip without loss", async () => {
  const docs = Array.from({ length: 700 }, (_, i) => ({
    _id: 10_000 - i,
    v: i % 7 === 0
      ? null
      : i % 3 === 0
      ? `s${i % 50}`
      : i % 2 === 0
      ? i % 40
      : new Date(Date.UTC(2026, 0, 1 + (i % 30))),
  }));
  const client = await createEmbeddedClient({ calling_cdr: docs });
  try {
    const rec = recording(client);
    for (const dir of [1, -1] as const) {
      const got = await collect(rec.client, {
        collection: "calling_cdr",
        pipeline: [{ $sort: { v: dir } }],
        pageSize: 40,
      });
      const expected = await createQueryEngine(client.store, "ccs_dev").aggregate("calling_cdr", [
        { $sort: { v: dir, _id: dir } },
      ]);
      assert.deepEqual(got.map((d) => d._id), expected.map((d) => d._id));
    }
    assert.ok(rec.pipelines.some((p) => p.some((s) => "$skip" in s)), "fell back to $skip");
  } finally {
    await client.close();
  }
});

Deno.test("grouped pipelines page with $skip over a total order", async () => {
  const client = await createEmbeddedClient({ calling_cdr: syntheticCalls(3_000) });
  try {
    const rec = recording(client);
    const pipeline = [
      { $group: { _id: "$customer_number", calls: { $sum: 1 } } },
      { $sort: { calls: -1 } },
      { $project: { customer: "$_id", calls: 1 } },
    ];
    const got = await collect(rec.client, { collection: "calling_cdr", pipeline, pageSize: 100 });
    const expected = await createQueryEngine(client.store, "ccs_dev").aggregate("calling_cdr", [
      pipeline[0],
      { $sort: { calls: -1, _id: -1 } },
      pipeline[2],
    ]);
    assert.ok(got.length > 1000);
    assert.deepEqual(got, expected);
    assert.equal(new Set(got.map((d) => d.customer)).size, got.length);
    assert.ok(rec.pipelines.every((p) => p.some((s) => "$skip" in s)));
  } finally {
    await client.close();
  }
});

Deno.test("reading stops when the signal aborts", async () => {
  const client = await bigClient();
  const ac = new AbortController();
  let n = 0;
  await assert.rejects(async () => {
    for await (
      const _ of readAll(client, {
        collection: "calling_cdr",
        pipeline: [{ $sort: { start_time: 1 } }],
        pageSize: 100,
        signal: ac.signal,
      })
    ) {
      if (++n === 150) ac.abort();
    }
  }, (e: unknown) => e instanceof DOMException && e.name === "AbortError");
  assert.ok(n >= 150 && n <= 200);
  await client.close();
  big = null;
});

Deno.test("analyseListing and totalOrderPipeline", () => {
  assert.deepEqual(
    analyseListing([
      { $match: { a: 1 } },
      { $match: { b: 2 } },
      { $sort: { t: -1 } },
      { $limit: 5 },
      {
        $project: { x: 1 },
      },
    ]),
    {
      filter: { $and: [{ a: 1 }, { b: 2 }] },
      sort: [["t", -1]],
      limit: 5,
      rest: [{ $project: { x: 1 } }],
    },
  );
  assert.equal(analyseListing([{ $group: { _id: "$a" } }]), null);
  assert.equal(analyseListing([{ $sort: { t: 1 } }, { $unwind: "$x" }]), null);
  assert.equal(analyseListing([{ $sort: { score: { $meta: "textScore" } } }]), null);

  assert.deepEqual(
    totalOrderPipeline([{ $group: { _id: "$a", n: { $sum: 1 } } }, { $sort: { n: -1 } }, {
      $project: { n: 1 },
    }]),
    [{ $group: { _id: "$a", n: { $sum: 1 } } }, { $sort: { n: -1, _id: -1 } }, {
      $project: { n: 1 },
    }],
  );
  assert.deepEqual(
    totalOrderPipeline([{ $sort: { n: 1 } }, { $group: { _id: "$a" } }]),
    [{ $sort: { n: 1 } }, { $group: { _id: "$a" } }, { $sort: { _id: 1 } }],
  );
  assert.deepEqual(totalOrderPipeline([{ $sort: { _id: 1, n: 1 } }]), [{ $sort: { _id: 1 } }]);
});

Deno.test("readAll reads a client's readBatches in total order, with the same documents", async () => {
  const client = await createEmbeddedClient({ calling_cdr: syntheticCalls(3_000) });
  try {
    const asked: Document[][] = [];
    const spy: DataClient = {
      ...client,
      readBatches: (collection, pipeline, opts) => {
        asked.push(pipeline);
        return client.readBatches(collection, pipeline, opts);
      },
    };
    const cases: [Document[], ReadAllOptions["mode"]][] = [
      [
        [{ $match: { direction: "outgoing" } }, { $sort: { talk_seconds: -1 } }, { $limit: 900 }],
        "auto",
      ],
      [[{ $group: { _id: "$agent_name", n: { $sum: 1 } } }], "auto"],
      [[{ $match: { status: "answered" } }, { $project: { call_id: 1 } }], "skip"],
    ];
    for (const [pipeline, mode] of cases) {
      const progress: number[] = [];
      const got = await collect(spy, {
        collection: "calling_cdr",
        pipeline,
        mode,
        batchSize: 250,
        onProgress: (n) => progress.push(n),
      });
      const paged = await collect(recording(client).client, {
        collection: "calling_cdr",
        pipeline,
        mode,
      });
      assert.ok(got.length > 0);
      assert.deepEqual(got, paged);
      assert.equal(progress.at(-1), got.length);
      assert.ok(progress.length >= Math.ceil(got.length / 250));
    }
    assert.deepEqual(asked[0], [
      { $match: { direction: "outgoing" } },
      { $sort: { talk_seconds: -1, _id: -1 } },
      { $limit: 900 },
    ]);
    assert.deepEqual(asked[1].at(-1), { $sort: { _id: 1 } });
    await assert.rejects(
      collect(spy, { collection: "calling_cdr", pipeline: asked[1].slice(0, 1), mode: "keyset" }),
      /not a listing/,
    );
    assert.equal(asked.length, 3);
  } finally {
    await client.close();
  }
});
