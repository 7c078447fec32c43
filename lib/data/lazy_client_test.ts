import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { DataConnectionError, DataError } from "./errors.ts";
import { openLazyDataClient } from "./lazy_client.ts";
import { openDataClient } from "./open_client.ts";
import { readAll } from "./read_all.ts";
import { fixtureDataset } from "../../testing/data_fixture.ts";
import type { DataClient } from "./types.ts";

const config = loadConfig({ NOW: "2026-11-24T09:00:00Z" });

/** The fixture's embedded client, opened when `release` is called. */
function gatedOpen() {
  const gate = Promise.withResolvers<void>();
  let opens = 0;
  return {
    get opens() {
      return opens;
    },
    release: () => gate.resolve(),
    open: async (): Promise<DataClient> => {
      opens++;
      await gate.promise;
      return await openDataClient(config, { dataset: fixtureDataset() });
    },
  };
}

Deno.test("a lazy client answers once its data is open; calls made before wait for it", async () => {
  const gated = gatedOpen();
  const client = openLazyDataClient(gated.open, { database: "ccs_dev" });
  try {
    assert.equal(client.database, "ccs_dev");
    assert.equal(client.isOpen, false);
    const counted = client.count("calling_cdr");
    let settled = false;
    counted.then(() => settled = true, () => settled = true);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(settled, false, "the call waits while the data is opening");
    assert.equal(gated.opens, 1, "opening started by itself");
    gated.release();
    assert.equal(await counted, 20);
    assert.equal(client.isOpen, true);
    const found = await client.find({ collection: "calling_cdr", limit: 2 });
    assert.equal(found.documents.length, 2);
    assert.equal(gated.opens, 1, "opened once");
  } finally {
    await client.close();
  }
});

Deno.test("a lazy client does not hold up its creator: opening starts in a later task", async () => {
  let started = false;
  const client = openLazyDataClient(() => {
    started = true;
    return openDataClient(config, { dataset: fixtureDataset() });
  }, { database: "ccs_dev" });
  try {
    assert.equal(started, false);
    await client.ready();
    assert.equal(started, true);
    assert.equal(client.isOpen, true);
  } finally {
    await client.close();
  }
  const idle = openLazyDataClient(() => {
    throw new Error("not called");
  }, { database: "x", eager: false });
  await new Promise((r) => setTimeout(r, 5));
  await idle.close();
});

Deno.test("a failed opening fails the waiting calls with its reason, and the next call tries again", async () => {
  let attempts = 0;
  const errors: unknown[] = [];
  const client = openLazyDataClient(async () => {
    attempts++;
    if (attempts === 1) throw new Error("generation ran out of memory");
    return await openDataClient(config, { dataset: fixtureDataset() });
  }, { database: "ccs_dev", eager: false, onError: (e) => errors.push(e) });
  try {
    await assert.rejects(
      () => client.count("calling_cdr"),
      (e: unknown) =>
        e instanceof DataConnectionError &&
        e.message === "The data source is not available: generation ran out of memory",
    );
    assert.equal(errors.length, 1);
    assert.equal(await client.count("calling_cdr"), 20);
    assert.equal(attempts, 2);
  } finally {
    await client.close();
  }
});

Deno.test("a lazy call's signal stops its wait", async () => {
  const gated = gatedOpen();
  const client = openLazyDataClient(gated.open, { database: "ccs_dev" });
  try {
    const controller = new AbortController();
    const pending = client.count("calling_cdr", {}, { signal: controller.signal });
    controller.abort(new Error("user pressed Stop"));
    await assert.rejects(() => pending, /user pressed Stop/);
    gated.release();
    assert.equal(await client.count("calling_cdr"), 20);
  } finally {
    await client.close();
  }
});

Deno.test("closing a lazy client while it opens closes what it opened; later calls fail", async () => {
  const gated = gatedOpen();
  let closedInner = false;
  const client = openLazyDataClient(async () => {
    const inner = await gated.open();
    const close = inner.close.bind(inner);
    return Object.assign(inner, {
      close: async () => {
        closedInner = true;
        await close();
      },
    });
  }, { database: "ccs_dev" });
  await new Promise((r) => setTimeout(r, 5));
  const closing = client.close();
  gated.release();
  await closing;
  assert.equal(closedInner, true);
  await assert.rejects(() => client.count("calling_cdr"), DataError);
});

Deno.test("readBatches streams through the real client's batches, or pages when it has none", async () => {
  const embedded = openLazyDataClient(
    () => openDataClient(config, { dataset: fixtureDataset() }),
    { database: "ccs_dev" },
  );
  const paged = openLazyDataClient(async () => {
    const inner = await openDataClient(config, { dataset: fixtureDataset() });
    // An MCP server's client: no readBatches.
    return {
      database: inner.database,
      listTools: inner.listTools.bind(inner),
      callTool: inner.callTool.bind(inner),
      find: inner.find.bind(inner),
      aggregate: inner.aggregate.bind(inner),
      count: inner.count.bind(inner),
      close: inner.close.bind(inner),
    };
  }, { database: "ccs_dev" });
  try {
    const pipeline = [{ $sort: { start_time: 1 } }, { $project: { call_id: 1 } }];
    const ids = async (client: DataClient) => {
      const out: unknown[] = [];
      for await (const doc of readAll(client, { collection: "calling_cdr", pipeline })) {
        out.push(doc.call_id);
      }
      return out;
    };
    const a = await ids(embedded);
    const b = await ids(paged);
    assert.equal(a.length, 20);
    assert.deepEqual(b, a);
    const sizes: number[] = [];
    for await (
      const batch of paged.readBatches("calling_cdr", [{ $sort: { _id: 1 } }], { batchSize: 8 })
    ) sizes.push(batch.length);
    assert.deepEqual(sizes, [8, 8, 4]);
  } finally {
    await embedded.close();
    await paged.close();
  }
});
