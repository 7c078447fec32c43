import assert from "node:assert/strict";
import { ObjectId } from "bson";
import { loadConfig } from "../../config.ts";
import { DataError } from "../errors.ts";
import { openDataClient } from "../open_client.ts";
import { readAll } from "../read_all.ts";
import type { DataClient, Document } from "../types.ts";
import { openWorkerDataClient } from "./worker_client.ts";

const ENV = {
  DEMO_DAYS: "6",
  DEMO_CALLS_PER_DAY: "150",
  DEMO_SEED: "7",
  NOW: "2026-11-24T09:00:00Z",
  BUSINESS_TZ: "Asia/Kolkata",
};

/** Both clients over the same generated data: in a worker, and in process. */
async function pair(): Promise<{ worker: DataClient; local: DataClient; close(): Promise<void> }> {
  const config = loadConfig(ENV);
  const worker = await openDataClient(config);
  const local = await openDataClient(config, { worker: false });
  return {
    worker,
    local,
    async close() {
      await worker.close();
      await local.close();
    },
  };
}

/** MCP paging only: the client without its `readBatches`. */
function pagesOnly(client: DataClient): Pick<DataClient, "aggregate"> {
  return { aggregate: client.aggregate.bind(client) };
}

async function collect(it: AsyncIterable<Document>): Promise<Document[]> {
  const out: Document[] = [];
  for await (const d of it) out.push(d);
  return out;
}

Deno.test("the worker client answers like the in-process one", async () => {
  const { worker, local, close } = await pair();
  try {
    assert.ok("documents" in worker && (worker.documents as number) > 500);
    assert.ok(!("documents" in local));
    assert.deepEqual(await worker.listTools(), await local.listTools());
    assert.equal(await worker.count("calling_cdr"), await local.count("calling_cdr"));
    const query = { status: { $in: ["missed", "abandoned"] } };
    assert.equal(
      await worker.count("calling_cdr", query),
      await local.count("calling_cdr", query),
    );
    const find = {
      collection: "calling_cdr",
      filter: { start_time: { $gte: new Date("2026-11-21T00:00:00Z") } },
      sort: { start_time: -1 as const },
      limit: 30,
    };
    const a = await worker.find(find);
    assert.equal(a.documents.length, 30);
    assert.ok(a.documents[0]._id instanceof ObjectId);
    assert.ok(a.documents[0].start_time instanceof Date);
    assert.deepEqual(a, await local.find(find));
    const pipeline = [
      { $group: { _id: "$status", n: { $sum: 1 }, last: { $max: "$start_time" } } },
      { $sort: { _id: 1 } },
    ];
    const g = await worker.aggregate("calling_cdr", pipeline);
    assert.ok(g.documents.length >= 2);
    assert.ok(g.documents[0].last instanceof Date);
    assert.deepEqual(g, await local.aggregate("calling_cdr", pipeline));
    const schema = await worker.callTool("collection-schema", { collection: "address_book" });
    assert.equal(schema.isError, false);
    assert.deepEqual(
      schema.structured,
      (await local.callTool("collection-schema", { collection: "address_book" })).structured,
    );
    // The read-only guard still runs on the app's side.
    const refused = await worker.callTool("insert-many", {
      collection: "calling_cdr",
      documents: [{}],
    });
    assert.equal(refused.isError, true);
    await assert.rejects(
      worker.aggregate("calling_cdr", [{ $out: "stolen" }]),
      (e: unknown) => e instanceof DataError && /\$out/.test(e.message),
    );
  } finally {
    await close();
  }
});

Deno.test("readBatches reads what readAll pages through MCP, in order", async () => {
  const { worker, local, close } = await pair();
  try {
    assert.ok(worker.readBatches && local.readBatches);
    const cases: { pipeline: Document[]; mode?: "skip" }[] = [
      {
        pipeline: [
          { $match: { start_time: { $gte: new Date("2026-11-20T00:00:00Z") } } },
          { $sort: { start_time: 1 } },
          { $project: { call_id: 1, start_time: 1, status: 1, agent_name: 1 } },
        ],
      },
      { pipeline: [{ $sort: { agent_name: -1 } }, { $limit: 333 }] },
      { pipeline: [{ $group: { _id: "$customer_number", n: { $sum: 1 } } }] },
      { pipeline: [{ $match: { status: "answered" } }], mode: "skip" },
    ];
    for (const { pipeline, mode } of cases) {
      const paged = await collect(
        readAll(pagesOnly(worker), { collection: "calling_cdr", pipeline, mode }),
      );
      assert.ok(paged.length > 100, `${JSON.stringify(pipeline)} reads several pages`);
      for (const client of [worker, local]) {
        let batches = 0;
        const read = await collect(
          readAll(client, {
            collection: "calling_cdr",
            pipeline,
            mode,
            batchSize: 64,
            onProgress: () => batches++,
          }),
        );
        assert.deepEqual(read, paged, JSON.stringify(pipeline));
        assert.equal(batches, Math.ceil(paged.length / 64));
      }
    }
    const [first] = await collect(
      readAll(worker, { collection: "address_book", pipeline: [{ $limit: 1 }] }),
    );
    assert.ok(first._id instanceof ObjectId);
    assert.ok(Object.values(first).some((v) => v instanceof Date));
  } finally {
    await close();
  }
});

Deno.test("readBatches passes the read-only guard and stops early without leaks", async () => {
  const { worker, close } = await pair();
  try {
    for (const stage of [{ $out: "x" }, { $merge: { into: "x" } }]) {
      assert.throws(
        () => worker.readBatches!("calling_cdr", [stage]),
        (e: unknown) => e instanceof DataError && /\$out|\$merge/.test(e.message),
      );
    }
    assert.throws(
      () => worker.readBatches!("calling_cdr", [{ $match: { $where: "true" } }]),
      (e: unknown) => e instanceof DataError,
    );
    // Leaving after the first batch cancels the rest in the worker; the client stays usable.
    for await (const batch of worker.readBatches!("calling_cdr", [], { batchSize: 10 })) {
      assert.equal(batch.length, 10);
      break;
    }
    assert.ok(await worker.count("calling_cdr") > 0);
  } finally {
    await close();
  }
});

Deno.test("a load failure of the worker is a clear error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "worker_client_test_" });
  await Deno.remove(dir);
  const config = loadConfig({ DATA_DIR: dir });
  await assert.rejects(
    openDataClient(config),
    (e: unknown) =>
      e instanceof DataError && e.message.startsWith("Cannot load the embedded data") &&
      e.message.includes(dir),
  );
});

Deno.test("close terminates the worker: calls after it fail", async () => {
  const client = await openWorkerDataClient({
    source: {
      dataDir: null,
      demoData: { days: 2, callsPerDay: 10, seed: 1 },
      tz: "UTC",
      now: new Date("2026-01-02T12:00:00Z"),
    },
    database: "ccs_dev",
    timeoutMs: 5_000,
  });
  const calls = await client.count("calling_cdr");
  assert.ok(calls > 0 && calls < client.documents);
  await client.close();
  await assert.rejects(client.count("calling_cdr"), DataError);
  assert.throws(() => client.readBatches("calling_cdr", []), DataError);
  await client.close();
});
