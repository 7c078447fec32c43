import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/inMemory"
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { Config } from "../config.ts";
import { createEmbeddedMcpServer } from "./embedded_server.ts";
import {
  createDataClient,
  createEmbeddedClient,
  DataError,
  READ_TOOLS,
  splitCommand,
  structuredFromText,
} from "./mcp_client.ts";
import { createMemoryStore } from "./memory_store.ts";
import { fixtureDataset } from "../../testing/data_fixture.ts";

const EMBEDDED: Config["mcp"] = {
  mode: "embedded",
  url: null,
  token: null,
  command: null,
  database: "ccs_dev",
  timeoutMs: 5_000,
};

/** The embedded server behind a transport that records every message the client sends. */
async function spiedClient() {
  const server = createEmbeddedMcpServer(createMemoryStore(fixtureDataset()));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const sent: {
    method?: string;
    params?: { name?: string; arguments?: Record<string, unknown> };
  }[] = [];
  const send = clientSide.send.bind(clientSide);
  clientSide.send = (message, options) => {
    sent.push(message as (typeof sent)[number]);
    return send(message, options);
  };
  const client = await createDataClient({ mcp: EMBEDDED, transport: clientSide });
  return {
    client,
    calls: () => sent.filter((m) => m.method === "tools/call"),
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

Deno.test("tools outside the read allow-list are refused before reaching the server", async () => {
  const spy = await spiedClient();
  try {
    for (
      const name of [
        "connect",
        "export",
        "insert-many",
        "delete-many",
        "drop-collection",
        "update-many",
        "drop-database",
        "create-index",
        "rename-collection",
        "list-connections",
      ]
    ) {
      const res = await spy.client.callTool(name, { collection: "calling_cdr", documents: [{}] });
      assert.equal(res.isError, true, name);
      assert.match(res.text, new RegExp(`Tool "${name}" is not allowed`));
    }
    assert.equal(spy.calls().length, 0);
    // The spy does see calls that are allowed.
    assert.equal(await spy.client.count("calling_cdr"), 20);
    assert.equal(spy.calls().length, 1);
    assert.equal(spy.calls()[0].params?.name, "count");
  } finally {
    await spy.close();
  }
});

Deno.test("connectionId and database are filled in and pinned", async () => {
  const spy = await spiedClient();
  try {
    await spy.client.callTool("find", {
      collection: "calling_cdr",
      connectionId: "other",
      database: "admin",
      filter: { start_time: { $gte: new Date("2026-11-21T00:00:00Z") } },
    });
    const args = spy.calls()[0].params?.arguments ?? {};
    assert.equal(args.connectionId, "preconfigured");
    assert.equal(args.database, "ccs_dev");
    assert.deepEqual(args.filter, { start_time: { $gte: { $date: "2026-11-21T00:00:00Z" } } });
    await spy.client.callTool("list-databases", {});
    const listArgs = spy.calls()[1].params?.arguments ?? {};
    assert.deepEqual(Object.keys(listArgs).sort(), ["connectionId"]);
  } finally {
    await spy.close();
  }
});

Deno.test("listTools shows allowed tools without connectionId and database", async () => {
  const client = await createEmbeddedClient(fixtureDataset());
  try {
    const tools = await client.listTools();
    assert.ok(tools.length >= 9);
    for (const t of tools) {
      assert.ok(READ_TOOLS.has(t.name));
      const schema = t.inputSchema as { properties?: Record<string, unknown>; required?: string[] };
      assert.ok(!("connectionId" in (schema.properties ?? {})), t.name);
      assert.ok(!("database" in (schema.properties ?? {})), t.name);
      assert.ok(!(schema.required ?? []).includes("connectionId"), t.name);
      assert.ok(!(schema.required ?? []).includes("database"), t.name);
    }
    const find = tools.find((t) => t.name === "find")!;
    assert.deepEqual((find.inputSchema as { required?: string[] }).required, ["collection"]);
    assert.equal(find.description, "Run a find query against a MongoDB collection");
  } finally {
    await client.close();
  }
});

/** A server whose `find` takes `ms` to answer. */
function slowServer(ms: number): McpServer {
  const server = new McpServer({ name: "slow", version: "1" });
  server.registerTool("find", {
    description: "slow find",
    inputSchema: { connectionId: z.string(), database: z.string(), collection: z.string() },
  }, async (_args: unknown, extra: { signal: AbortSignal }) => {
    await new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      extra.signal.addEventListener("abort", () => {
        clearTimeout(t);
        resolve(null);
      });
    });
    return { content: [{ type: "text" as const, text: "late" }] };
  });
  return server;
}

Deno.test("security: limits: calls time out with a DataError", async () => {
  const client = await createDataClient({
    mcp: { ...EMBEDDED, timeoutMs: 100 },
    server: slowServer(2_000),
  });
  try {
    await assert.rejects(() => client.find({ collection: "calling_cdr" }), (e: unknown) => {
      assert.ok(e instanceof DataError);
      assert.match(e.message, /timed out after 100 ms/);
      return true;
    });
    await assert.rejects(
      () => client.find({ collection: "calling_cdr" }, { timeoutMs: 50 }),
      /timed out after 50 ms/,
    );
  } finally {
    await client.close();
  }
});

Deno.test("security: limits: an AbortSignal cancels a call", async () => {
  const client = await createDataClient({ mcp: EMBEDDED, server: slowServer(2_000) });
  try {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    const t0 = performance.now();
    await assert.rejects(
      () => client.find({ collection: "calling_cdr" }, { signal: ac.signal }),
      (e: unknown) => e instanceof DOMException && e.name === "AbortError",
    );
    assert.ok(performance.now() - t0 < 1_500);
    const already = AbortSignal.abort();
    await assert.rejects(() => client.count("calling_cdr", {}, { signal: already }), DOMException);
  } finally {
    await client.close();
  }
});

/** A server like older MongoDB MCP servers: text only, no structured content. */
function textOnlyServer(): McpServer {
  const server = new McpServer({ name: "old", version: "1" });
  const args = { connectionId: z.string(), database: z.string(), collection: z.string() };
  const wrap = (intro: string, data: string) => [
    { type: "text" as const, text: intro },
    {
      type: "text" as const,
      text: `Some warning <untrusted-user-data-1234> and </untrusted-user-data-1234>:\n\n` +
        `<untrusted-user-data-1234>\n${data}\n</untrusted-user-data-1234>\n\nUse the information above.`,
    },
  ];
  server.registerTool("find", { inputSchema: { ...args, filter: z.any().optional() } }, () => ({
    content: wrap(
      `Query on collection "calling_cdr" resulted in 250 documents. Returning 1 documents while respecting the applied limits of server's configured - maxDocumentsPerQuery.`,
      `[{"_id":{"$oid":"65a000000000000000000001"},"start_time":{"$date":"2026-11-20T04:00:00Z"},"n":{"$numberLong":"7"}}]`,
    ),
  }));
  server.registerTool(
    "aggregate",
    { inputSchema: { ...args, pipeline: z.array(z.any()) } },
    () => ({
      content: wrap(
        `The aggregation resulted in 2 documents. Returning 2 documents.`,
        `[{"_id":"a","n":1},{"_id":"b","n":2}]`,
      ),
    }),
  );
  server.registerTool("count", { inputSchema: { ...args, query: z.any().optional() } }, () => ({
    content: [{
      type: "text" as const,
      text: `Found 42 documents in the collection "calling_cdr"`,
    }],
  }));
  return server;
}

Deno.test("results are decoded from text when a server sends no structured content", async () => {
  const client = await createDataClient({ mcp: EMBEDDED, server: textOnlyServer() });
  try {
    const found = await client.find({ collection: "calling_cdr" });
    assert.equal(found.documents.length, 1);
    assert.ok(found.documents[0].start_time instanceof Date);
    assert.equal(found.documents[0].n, 7);
    assert.equal(found.total, 250);
    assert.deepEqual(found.appliedLimits, ["config.maxDocumentsPerQuery"]);
    const agg = await client.aggregate("calling_cdr", [{ $match: {} }]);
    assert.deepEqual(agg.documents, [{ _id: "a", n: 1 }, { _id: "b", n: 2 }]);
    assert.equal(agg.total, 2);
    assert.equal(await client.count("calling_cdr"), 42);
    // Tools the server does not offer are errors too.
    const missing = await client.callTool("db-stats", {});
    assert.equal(missing.isError, true);
  } finally {
    await client.close();
  }
});

Deno.test("structuredFromText reads the newer limit wording too", () => {
  const s = structuredFromText("aggregate", [
    "The aggregation resulted in 300 documents. Returning 100 documents while respecting the applied limits of the server's configured maximum number of documents, the responseBytesLimit parameter.",
  ]);
  assert.deepEqual(s, {
    documents: [],
    count: 300,
    appliedLimits: ["config.maxDocumentsPerQuery", "tool.responseBytesLimit"],
  });
});

Deno.test("tool errors throw DataError from find, aggregate and count", async () => {
  const client = await createEmbeddedClient(fixtureDataset());
  try {
    await assert.rejects(
      () => client.aggregate("calling_cdr", [{ $out: "x" }]),
      (e: unknown) => e instanceof DataError && /\$out/.test(e.message) && e.tool === "aggregate",
    );
    await assert.rejects(() => client.count("calling_cdr", { $where: "1" }), DataError);
    await assert.rejects(
      () => client.find({ collection: "calling_cdr", filter: { a: { $nope: 1 } } }),
      DataError,
    );
  } finally {
    await client.close();
  }
});

Deno.test("security: faults: unreachable servers fail with a clear DataError", async () => {
  await assert.rejects(
    () =>
      createDataClient({
        mcp: { ...EMBEDDED, mode: "http", url: "http://127.0.0.1:9/mcp", timeoutMs: 2_000 },
      }),
    /Cannot connect to the MCP server at http:\/\/127\.0\.0\.1:9\/mcp/,
  );
  await assert.rejects(
    () =>
      createDataClient({
        mcp: {
          ...EMBEDDED,
          mode: "stdio",
          command: "/nonexistent/mcp-server --readOnly",
          timeoutMs: 2_000,
        },
      }),
    /Cannot connect to the MCP server command/,
  );
});

Deno.test("splitCommand honours quotes", () => {
  assert.deepEqual(splitCommand("npx -y mongodb-mcp-server@3 --readOnly"), [
    "npx",
    "-y",
    "mongodb-mcp-server@3",
    "--readOnly",
  ]);
  assert.deepEqual(splitCommand(`node "my server.js" --opt='a b' --x="c \\"d\\""`), [
    "node",
    "my server.js",
    "--opt=a b",
    '--x=c "d"',
  ]);
});

Deno.test("stdio: the client drives `deno task mcp --stdio` in a child process", async () => {
  const script = new URL("../../scripts/mcp.ts", import.meta.url).pathname;
  const config = new URL("../../deno.json", import.meta.url).pathname;
  const client = await createDataClient({
    mcp: {
      ...EMBEDDED,
      mode: "stdio",
      command:
        `${Deno.execPath()} run -A --config ${config} ${script} --stdio --days 2 --calls-per-day 30 --now 2026-11-24T09:00:00Z --tz Asia/Kolkata`,
      timeoutMs: 60_000,
    },
  });
  try {
    const total = await client.count("calling_cdr");
    assert.ok(total > 0);
    const first = await client.find({
      collection: "calling_cdr",
      sort: { start_time: 1 },
      limit: 3,
    });
    assert.equal(first.documents.length, 3);
    assert.ok(first.documents[0].start_time instanceof Date);
    const refused = await client.callTool("insert-many", {});
    assert.equal(refused.isError, true);
  } finally {
    await client.close();
  }
});
