import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/inMemory"
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { z } from "zod";
import { loadConfig } from "../config.ts";
import { MemoryStore } from "../agent/memory_store.ts";
import { fakeCatalog, fakeDataClient } from "../../testing/agent_doubles.ts";
import { createDataTools } from "../agent/tools.ts";
import * as agentDataSource from "../agent/data_source.ts";
import { createEmbeddedMcpServer } from "./embedded_server.ts";
import { createDataClient } from "./mcp_client.ts";
import { createMemoryStore } from "./memory_store.ts";
import * as openClient from "./open_client.ts";
import {
  assertReadOnly,
  assertReadOnlyCall,
  findForbiddenOperator,
  READ_TOOLS,
  ReadOnlyError,
} from "./read_only_guard.ts";
import { fixtureDataset } from "../../testing/data_fixture.ts";
import type { Document } from "./types.ts";

/** Pipelines that write or run JavaScript, each hidden at some depth. */
const WRITES: [string, Document[]][] = [
  ["$out at the end", [{ $match: {} }, { $out: "copy" }]],
  ["$merge in a $facet branch", [{ $facet: { a: [{ $merge: { into: "copy" } }] } }]],
  ["$out in $lookup.pipeline", [{
    $lookup: { from: "address_book", as: "c", pipeline: [{ $out: "copy" }] },
  }]],
  ["$merge in $unionWith in $facet", [{
    $facet: { a: [{ $unionWith: { coll: "x", pipeline: [{ $merge: { into: "y" } }] } }] },
  }]],
  ["$function in $project", [{
    $project: { x: { $function: { body: "function() { return 1 }", args: [], lang: "js" } } },
  }]],
  ["$accumulator in $group", [{
    $group: { _id: null, x: { $accumulator: { init: "function() {}", lang: "js" } } },
  }]],
  ["$where under $and in $match", [{ $match: { $and: [{ a: 1 }, { $where: "true" }] } }]],
];

Deno.test("security: read-only: the read-only guard finds writes and JavaScript at any depth", () => {
  for (const [name, pipeline] of WRITES) {
    assert.throws(() => assertReadOnly(pipeline), ReadOnlyError, name);
  }
  assert.doesNotThrow(() =>
    assertReadOnly([{ $match: { out: "$out" } }, { $group: { _id: "$merge" } }])
  );
  // A cyclic value cannot hang it.
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  assert.equal(findForbiddenOperator(cyclic), null);
  // Tools outside the read allow-list are refused by name.
  for (const tool of ["insert-many", "drop-collection", "export", "connect", "update-many"]) {
    assert.throws(() => assertReadOnlyCall(tool, {}), /not allowed/, tool);
  }
  assert.doesNotThrow(() => assertReadOnlyCall("aggregate", { pipeline: [{ $match: {} }] }));
  assert.ok(READ_TOOLS.has("find") && !READ_TOOLS.has("insert-many"));
});

Deno.test("security: read-only: the MCP client refuses writes before they reach any server", async () => {
  // A server that would run anything: records what it receives.
  const received: unknown[] = [];
  const server = new McpServer({ name: "any", version: "1" }, { capabilities: { tools: {} } });
  for (const name of ["aggregate", "find", "count", "insert-many"]) {
    server.registerTool(name, {
      inputSchema: {
        collection: z.string().optional(),
        pipeline: z.array(z.looseObject({})).optional(),
        filter: z.looseObject({}).optional(),
        query: z.looseObject({}).optional(),
        documents: z.array(z.looseObject({})).optional(),
      },
    }, (args) => {
      received.push({ name, args });
      return {
        content: [{ type: "text", text: "done" }],
        structuredContent: { documents: [], count: 0 },
      };
    });
  }
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = await createDataClient({ mcp: loadConfig({}).mcp, transport: clientSide });
  try {
    for (const [name, pipeline] of WRITES) {
      const res = await client.callTool("aggregate", { collection: "calling_cdr", pipeline });
      assert.equal(res.isError, true, name);
      assert.match(res.text, /read-only|not allowed/, name);
    }
    const find = await client.callTool("find", { collection: "c", filter: { $where: "1" } });
    assert.equal(find.isError, true);
    const insert = await client.callTool("insert-many", { collection: "c", documents: [{}] });
    assert.equal(insert.isError, true);
    assert.match(insert.text, /not allowed/);
    assert.deepEqual(received, [], "nothing reached the server");
    // Reads still pass.
    await client.callTool("aggregate", { collection: "c", pipeline: [{ $match: {} }] });
    assert.equal(received.length, 1);
  } finally {
    await client.close();
    await server.close();
  }
});

Deno.test("security: read-only: the embedded server refuses writes sent past the client", async () => {
  const store = createMemoryStore({ ...fixtureDataset() });
  const server = createEmbeddedMcpServer(store);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const raw = new Client({ name: "raw", version: "1" });
  await raw.connect(clientSide);
  try {
    for (const [name, pipeline] of WRITES) {
      const res = await raw.callTool({
        name: "aggregate",
        arguments: {
          connectionId: "preconfigured",
          database: "ccs_dev",
          collection: "x",
          pipeline,
        },
      }) as { isError?: boolean; content: { text: string }[] };
      assert.equal(res.isError, true, name);
      assert.match(res.content[0].text, /read-only|not allowed/, name);
    }
    assert.deepEqual(store.collections("ccs_dev").map((c) => c.name).sort(), [
      "address_book",
      "calling_cdr",
    ]);
  } finally {
    await raw.close();
    await server.close();
  }
});

Deno.test("security: read-only: the agent's custom Excel pipelines use the same guard", async () => {
  const client = fakeDataClient();
  const events: unknown[] = [];
  const tools = await createDataTools({
    client,
    catalog: fakeCatalog(),
    reports: new MemoryStore(),
    owner: "u1",
    tz: "UTC",
    now: () => new Date("2030-01-01T00:00:00Z"),
    emit: (e) => {
      events.push(e);
    },
  });
  const signal = new AbortController().signal;
  for (const [name, pipeline] of WRITES) {
    await assert.rejects(
      () =>
        tools.execute({
          id: "1",
          name: "make_excel_report",
          args: { title: "x", collection: "calling_cdr", pipeline },
          signal,
        }),
      ReadOnlyError,
      name,
    );
  }
  assert.deepEqual(client.log.aggregates, [], "no query ran");
});

Deno.test("security: read-only: one openDataClient: the agent's is the data layer's, and --data DIR is embedded", async () => {
  assert.equal(agentDataSource.openDataClient, openClient.openDataClient);
  // An explicit directory is served by the embedded server even when MCP_MODE says http.
  const dir = await Deno.makeTempDir({ prefix: "guard_test_" });
  try {
    await Deno.writeTextFile(
      `${dir}/calling_cdr.jsonl`,
      `{"_id":1,"call_id":"X","start_time":{"$date":"2030-01-01T00:00:00Z"}}\n`,
    );
    const config = loadConfig({ MCP_MODE: "http", MCP_URL: "http://127.0.0.1:9/mcp" });
    const client = await openClient.openDataClient(config, { dataDir: dir });
    try {
      assert.equal(await client.count("calling_cdr"), 1);
      const res = await client.aggregate("calling_cdr", [{ $out: "copy" }]).catch((e) => e);
      assert.match(String(res), /read-only/);
    } finally {
      await client.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
