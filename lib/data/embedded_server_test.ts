import assert from "node:assert/strict";
import { ObjectId } from "bson";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/inMemory"
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { createEmbeddedMcpServer } from "./embedded_server.ts";
import { createEmbeddedClient, type EmbeddedDataClient } from "./mcp_client.ts";
import { createMemoryStore } from "./memory_store.ts";
import { fixtureDataset, fixturePhone } from "../../testing/data_fixture.ts";
import type { Document } from "./types.ts";

async function withClient(fn: (c: EmbeddedDataClient) => Promise<void>, opts = {}) {
  const client = await createEmbeddedClient(fixtureDataset(), opts);
  try {
    await fn(client);
  } finally {
    await client.close();
  }
}

/** A raw SDK client on the embedded server (no allow-list, no argument filling). */
async function rawClient(docs: Record<string, Document[]> = fixtureDataset()) {
  const server = createEmbeddedMcpServer(createMemoryStore(docs));
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  const client = new Client({ name: "test", version: "1" });
  await client.connect(a);
  return {
    call: (name: string, args: Record<string, unknown>) =>
      client.callTool({ name, arguments: args }) as Promise<{
        isError?: boolean;
        content: { type: string; text: string }[];
        structuredContent?: Record<string, unknown>;
      }>,
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

Deno.test("count answers hand-computed totals", async () => {
  await withClient(async (c) => {
    assert.equal(await c.count("calling_cdr"), 20);
    assert.equal(await c.count("calling_cdr", { status: "answered" }), 12);
    assert.equal(await c.count("calling_cdr", { direction: "incoming", status: "missed" }), 4);
    assert.equal(await c.count("calling_cdr", { direction: "outgoing" }), 6);
    assert.equal(await c.count("address_book", { name: "Meera Nair" }), 2);
    assert.equal(
      await c.count("calling_cdr", { start_time: { $gte: new Date("2026-11-21T00:00:00Z") } }),
      10,
    );
  });
});

Deno.test("find filters, sorts, projects and decodes dates and ObjectIds", async () => {
  await withClient(async (c) => {
    const missed = await c.find({
      collection: "calling_cdr",
      filter: { status: "missed" },
      sort: { start_time: 1 },
    });
    assert.deepEqual(missed.documents.map((d) => d.call_id), ["C03", "C10", "C14", "C19"]);
    assert.equal(missed.total, 4);
    assert.deepEqual(missed.appliedLimits, []);
    assert.ok(missed.documents[0].start_time instanceof Date);
    assert.ok(missed.documents[0]._id instanceof ObjectId);
    assert.equal(missed.documents[0].agent_name, null);

    const projected = await c.find({
      collection: "calling_cdr",
      projection: { _id: 0, call_id: 1 },
      sort: { call_id: -1 },
      limit: 3,
    });
    assert.deepEqual(projected.documents, [{ call_id: "C20" }, { call_id: "C19" }, {
      call_id: "C18",
    }]);

    const byCustomer = await c.find({
      collection: "calling_cdr",
      filter: { customer_number: fixturePhone(1) },
      sort: { start_time: 1 },
    });
    assert.deepEqual(byCustomer.documents.map((d) => d.call_id), ["C01", "C05", "C10", "C15"]);
  });
});

Deno.test("find returns 10 documents by default, like the real server", async () => {
  await withClient(async (c) => {
    const res = await c.find({ collection: "calling_cdr" });
    assert.equal(res.documents.length, 10);
    assert.equal(res.total, 10);
    assert.deepEqual(res.appliedLimits, []);
  });
});

Deno.test("aggregate groups, uses local hours and joins the address book", async () => {
  await withClient(async (c) => {
    const perAgent = await c.aggregate("calling_cdr", [
      { $match: { status: "answered" } },
      { $group: { _id: "$agent_name", calls: { $sum: 1 }, talk: { $sum: "$talk_seconds" } } },
      { $sort: { _id: 1 } },
    ]);
    assert.deepEqual(perAgent.documents, [
      { _id: "asha", calls: 7, talk: 945 },
      { _id: "ravi", calls: 5, talk: 810 },
    ]);
    assert.equal(perAgent.total, 2);

    const hours = await c.aggregate("calling_cdr", [
      { $match: { status: "answered", direction: "incoming" } },
      {
        $group: {
          _id: { $hour: { date: "$start_time", timezone: "Asia/Kolkata" } },
          n: { $sum: 1 },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    assert.deepEqual(hours.documents, [
      { _id: 9, n: 3 },
      { _id: 10, n: 1 },
      { _id: 12, n: 1 },
      { _id: 13, n: 1 },
      { _id: 14, n: 2 },
      { _id: 18, n: 1 },
    ]);

    const asa = await c.aggregate("calling_cdr", [
      { $match: { status: "answered", direction: "incoming" } },
      { $group: { _id: null, asa: { $avg: "$ring_seconds" } } },
    ]);
    assert.equal(Math.round((asa.documents[0].asa as number) * 1000), 13889);

    const joined = await c.aggregate("calling_cdr", [
      { $match: { status: "missed" } },
      { $sort: { start_time: 1 } },
      {
        $lookup: {
          from: "address_book",
          localField: "customer_number",
          foreignField: "phone",
          as: "c",
        },
      },
      { $project: { _id: 0, call_id: 1, name: { $first: "$c.name" } } },
    ]);
    assert.deepEqual(joined.documents, [
      { call_id: "C03", name: "Meera Nair" },
      { call_id: "C10", name: "Meera Nair" },
      { call_id: "C14", name: "Kabir Shah" },
      { call_id: "C19", name: "Meera Nair" },
    ]);
  });
});

Deno.test("metadata tools describe the database", async () => {
  await withClient(async (c) => {
    const dbs = await c.callTool("list-databases", {});
    assert.equal(dbs.isError, false);
    const databases = dbs.structured?.databases as { name: string; size: number }[];
    assert.deepEqual(databases.map((d) => d.name), ["ccs_dev"]);
    assert.ok(databases[0].size > 0);

    const colls = await c.callTool("list-collections", {});
    assert.deepEqual(colls.structured, {
      collections: [{ name: "address_book" }, { name: "calling_cdr" }],
      totalCount: 2,
    });

    const idx = await c.callTool("collection-indexes", { collection: "calling_cdr" });
    assert.deepEqual(
      (idx.structured?.classicIndexes as { name: string }[]).map((i) => i.name),
      ["_id_", "start_time_1__id_1", "agent_name_1_start_time_1", "customer_number_1_start_time_1"],
    );
    assert.equal(idx.structured?.classicIndexesCount, 4);

    const schema = await c.callTool("collection-schema", { collection: "calling_cdr" });
    const fields = schema.structured?.schema as Record<string, { types: { bsonType: string }[] }>;
    assert.equal(schema.structured?.fieldsCount, 18);
    assert.deepEqual(fields.agent_name.types.map((t) => t.bsonType).sort(), ["Null", "String"]);
    assert.deepEqual(fields.start_time.types, [{ bsonType: "Date" }]);
    assert.deepEqual(fields._id.types, [{ bsonType: "ObjectId" }]);
    assert.deepEqual(fields.talk_seconds.types, [{ bsonType: "Int32" }]);

    const size = await c.callTool("collection-storage-size", { collection: "calling_cdr" });
    assert.ok((size.structured?.size as number) > 0);
    assert.match(size.structured?.units as string, /^(bytes|KB)$/);

    const stats = await c.callTool("db-stats", {});
    const s = stats.structured?.stats as Record<string, number>;
    assert.equal(s.collections, 2);
    assert.equal(s.objects, 24);
  });
});

Deno.test("find and aggregate cap results at 100 documents and report it", async () => {
  const many = Array.from({ length: 250 }, (_, i) => ({ _id: i, n: i, pad: "x".repeat(100) }));
  const client = await createEmbeddedClient({ calling_cdr: many });
  try {
    const found = await client.find({ collection: "calling_cdr", limit: 500, sort: { n: 1 } });
    assert.equal(found.documents.length, 100);
    assert.equal(found.total, 250);
    assert.deepEqual(found.appliedLimits, ["config.maxDocumentsPerQuery"]);
    assert.equal(found.documents[99].n, 99);

    const agg = await client.aggregate("calling_cdr", [{ $match: { n: { $gte: 10 } } }]);
    assert.equal(agg.documents.length, 100);
    assert.equal(agg.total, 240);
    assert.deepEqual(agg.appliedLimits, ["config.maxDocumentsPerQuery"]);

    const small = await client.callTool("aggregate", {
      collection: "calling_cdr",
      pipeline: [{ $sort: { n: 1 } }],
      responseBytesLimit: 2000,
    });
    const docs = small.structured?.documents as Document[];
    assert.ok(docs.length > 0 && docs.length < 20, `got ${docs.length} documents`);
    assert.deepEqual(small.structured?.appliedLimits, [
      "config.maxDocumentsPerQuery",
      "tool.responseBytesLimit",
    ]);
    assert.equal(small.structured?.count, 250);
    assert.match(small.text, /responseBytesLimit/);
  } finally {
    await client.close();
  }
});

const FORBIDDEN: [string, string, Record<string, unknown>, RegExp][] = [
  ["$out at top level", "aggregate", { pipeline: [{ $match: {} }, { $out: "x" }] }, /\$out/],
  ["$merge at top level", "aggregate", { pipeline: [{ $merge: { into: "x" } }] }, /\$merge/],
  ["$out inside $facet", "aggregate", { pipeline: [{ $facet: { a: [{ $out: "x" }] } }] }, /\$out/],
  ["$merge inside $lookup.pipeline", "aggregate", {
    pipeline: [{
      $lookup: { from: "address_book", as: "c", pipeline: [{ $merge: { into: "x" } }] },
    }],
  }, /\$merge/],
  ["$out inside $unionWith.pipeline", "aggregate", {
    pipeline: [{ $unionWith: { coll: "address_book", pipeline: [{ $out: "x" }] } }],
  }, /\$out/],
  ["$where inside $match", "aggregate", {
    pipeline: [{ $match: { $where: "this.talk_seconds > 1" } }],
  }, /\$where/],
  ["$where nested in $and", "aggregate", {
    pipeline: [{ $match: { $and: [{ status: "answered" }, { $where: "true" }] } }],
  }, /\$where/],
  ["$function in an expression", "aggregate", {
    pipeline: [{
      $project: { x: { $function: { body: "function() { return 1 }", args: [], lang: "js" } } },
    }],
  }, /\$function/],
  ["$accumulator in $group", "aggregate", {
    pipeline: [{
      $group: {
        _id: null,
        x: {
          $accumulator: {
            init: "function() { return 0 }",
            accumulate: "function(s) { return s }",
            accumulateArgs: [],
            merge: "function(a) { return a }",
            lang: "js",
          },
        },
      },
    }],
  }, /\$accumulator/],
  ["$where in a find filter", "find", { filter: { $where: "true" } }, /\$where/],
  ["$where in a count query", "count", { query: { $where: "true" } }, /\$where/],
];

for (const [name, tool, args, pattern] of FORBIDDEN) {
  Deno.test(`security: read-only: ${name} is rejected`, async () => {
    await withClient(async (c) => {
      const res = await c.callTool(tool, { collection: "calling_cdr", ...args });
      assert.equal(res.isError, true);
      assert.match(res.text, pattern);
      assert.match(res.text, /^Error running /);
      assert.doesNotMatch(res.text, /\n\s+at /);
      assert.equal(await c.count("calling_cdr"), 20);
      assert.deepEqual(c.store.collections("ccs_dev").map((x) => x.name), [
        "address_book",
        "calling_cdr",
      ]);
    });
  });
}

Deno.test("security: input: bad input and unknown connections are tool errors, not protocol errors", async () => {
  const raw = await rawClient();
  try {
    const unknown = await raw.call("find", {
      connectionId: "abc",
      database: "ccs_dev",
      collection: "calling_cdr",
    });
    assert.equal(unknown.isError, true);
    assert.match(unknown.content[0].text, /Unknown connectionId "abc"/);

    const missing = await raw.call("find", { connectionId: "preconfigured", database: "ccs_dev" });
    assert.equal(missing.isError, true);
    assert.match(missing.content[0].text, /collection/);

    const badOp = await raw.call("find", {
      connectionId: "preconfigured",
      database: "ccs_dev",
      collection: "calling_cdr",
      filter: { talk_seconds: { $bogus: 1 } },
    });
    assert.equal(badOp.isError, true);
    assert.match(badOp.content[0].text, /^Error running find: .*\$bogus/);

    const noTool = await raw.call("insert-many", { connectionId: "preconfigured" });
    assert.equal(noTool.isError, true);

    const ok = await raw.call("find", {
      connectionId: "preconfigured",
      database: "ccs_dev",
      collection: "calling_cdr",
      filter: { call_id: "C07" },
    });
    assert.equal(ok.isError, undefined);
    assert.match(ok.content[0].text, /resulted in 1 documents/);
    assert.match(ok.content[1].text, /<untrusted-user-data-[0-9a-f-]+>\n\[\{"_id":\{"\$oid"/);
    const doc = (ok.structuredContent?.documents as Record<string, unknown>[])[0];
    assert.deepEqual(doc.start_time, { $date: "2026-11-20T07:00:00Z" });
  } finally {
    await raw.close();
  }
});

Deno.test("the embedded tools have the real server's names, arguments and required arguments", async () => {
  const contractUrl = new URL(
    "../../../shared/contract/mongodb-mcp-server-3.0.4.tools.json",
    import.meta.url,
  );
  const contract = JSON.parse(await Deno.readTextFile(contractUrl)) as {
    tools: {
      name: string;
      inputSchema: { properties: Record<string, unknown>; required?: string[] };
    }[];
  };
  const real = new Map(contract.tools.map((t) => [t.name, t]));
  const raw = await rawClient();
  try {
    const { tools } = await raw.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), [
      "aggregate",
      "collection-indexes",
      "collection-schema",
      "collection-storage-size",
      "count",
      "db-stats",
      "find",
      "list-collections",
      "list-databases",
    ]);
    for (const tool of tools) {
      const expected = real.get(tool.name);
      assert.ok(expected, `${tool.name} is not a real server tool`);
      assert.deepEqual(
        Object.keys(tool.inputSchema.properties ?? {}).sort(),
        Object.keys(expected.inputSchema.properties).sort(),
        `arguments of ${tool.name}`,
      );
      assert.deepEqual(
        [...(tool.inputSchema.required ?? [])].sort(),
        [...(expected.inputSchema.required ?? [])].sort(),
        `required arguments of ${tool.name}`,
      );
      assert.equal(tool.annotations?.readOnlyHint, true);
      assert.ok(tool.outputSchema, `${tool.name} has an output schema`);
    }
  } finally {
    await raw.close();
  }
});
