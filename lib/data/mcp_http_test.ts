import assert from "node:assert/strict";
import { createEmbeddedMcpServer } from "./embedded_server.ts";
import { createDataClient, DataError } from "./mcp_client.ts";
import { createMcpHttpApp, type McpHttpOptions } from "./mcp_http.ts";
import { createMemoryStore } from "./memory_store.ts";
import { fixtureDataset } from "../../testing/data_fixture.ts";

async function withServer(opts: McpHttpOptions, fn: (url: string) => Promise<void>): Promise<void> {
  const store = createMemoryStore(fixtureDataset());
  const app = createMcpHttpApp(() => createEmbeddedMcpServer(store), opts);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  try {
    await fn(`http://127.0.0.1:${server.addr.port}/mcp`);
  } finally {
    await server.shutdown();
  }
}

const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "t", version: "1" },
  },
});

function post(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: INITIALIZE,
  });
}

Deno.test("HTTP: a client reaches the embedded server by URL and runs find", async () => {
  await withServer({ token: "s3cret" }, async (url) => {
    const client = await createDataClient({
      mcp: {
        mode: "http",
        url,
        token: "s3cret",
        command: null,
        database: "ccs_dev",
        timeoutMs: 10_000,
      },
    });
    try {
      const res = await client.find({
        collection: "calling_cdr",
        filter: { status: "missed" },
        sort: { start_time: 1 },
      });
      assert.deepEqual(res.documents.map((d) => d.call_id), ["C03", "C10", "C14", "C19"]);
      assert.ok(res.documents[0].start_time instanceof Date);
      assert.equal(await client.count("calling_cdr"), 20);
      const tools = await client.listTools();
      assert.ok(tools.some((t) => t.name === "aggregate"));
    } finally {
      await client.close();
    }
  });
});

Deno.test("HTTP: without the token the server answers 401 and the client fails clearly", async () => {
  await withServer({ token: "s3cret" }, async (url) => {
    const missing = await post(url);
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get("www-authenticate") ?? "", /^Bearer/);
    await missing.body?.cancel();
    const wrong = await post(url, { authorization: "Bearer nope" });
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
    await assert.rejects(
      () =>
        createDataClient({
          mcp: {
            mode: "http",
            url,
            token: null,
            command: null,
            database: "ccs_dev",
            timeoutMs: 5_000,
          },
        }),
      DataError,
    );
  });
});

Deno.test("HTTP: browser requests from other origins get 403", async () => {
  await withServer({ allowedOrigins: ["https://app.example.com"] }, async (url) => {
    const evil = await post(url, { origin: "https://evil.example.com" });
    assert.equal(evil.status, 403);
    await evil.body?.cancel();
    const local = await post(url, { origin: new URL(url).origin });
    assert.equal(local.status, 403);
    await local.body?.cancel();
    const allowed = await post(url, { origin: "https://app.example.com" });
    assert.equal(allowed.status, 200);
    const body = await allowed.json();
    assert.equal(body.result.serverInfo.name, "contact-center embedded MongoDB MCP server");
    const noOrigin = await post(url);
    assert.equal(noOrigin.status, 200);
    await noOrigin.body?.cancel();
  });
});

Deno.test("HTTP: other paths are 404", async () => {
  await withServer({}, async (url) => {
    const res = await fetch(url.replace("/mcp", "/other"));
    assert.equal(res.status, 404);
    await res.body?.cancel();
  });
});
