import assert from "node:assert/strict";
import type { Config } from "../config.ts";
import { loadConfig } from "../config.ts";
import { DataError } from "./errors.ts";
import { createDataClient, stdioEnvironment } from "./mcp_client.ts";

const FAKE_SERVER = new URL("./testdata/fake_stdio_server.ts", import.meta.url).pathname;

/** A stdio MCP config running the fake server (quoted: paths may hold spaces). */
function fakeStdio(over: Partial<Config["mcp"]> = {}): Config["mcp"] {
  return {
    ...loadConfig({}).mcp,
    mode: "stdio",
    command: `"${Deno.execPath()}" run -A --no-check "${FAKE_SERVER}"`,
    timeoutMs: 10_000,
    ...over,
  };
}

const PROCESS_ENV = {
  PATH: Deno.env.get("PATH") ?? "",
  HOME: Deno.env.get("HOME") ?? "/tmp",
  DENO_DIR: Deno.env.get("DENO_DIR") ?? "",
  HTTPS_PROXY: "http://proxy.internal:3128",
  https_proxy: "http://proxy.internal:3128",
  HTTP_PROXY: "http://proxy.internal:3128",
  NO_PROXY: "localhost,127.0.0.1",
  NODE_EXTRA_CA_CERTS: "/etc/ssl/corp-ca.pem",
  SSL_CERT_FILE: "/etc/ssl/corp-bundle.pem",
  npm_config_registry: "https://npm.internal/",
  MDB_MCP_CONNECTION_STRING: "mongodb://db.internal:27017",
  SECRET_NOT_FOR_CHILD: "s3cret",
};

Deno.test("security: mcp: a spawned MCP server gets telemetry off, proxy and CA variables, no secrets", async () => {
  const client = await createDataClient({
    mcp: fakeStdio(),
    processEnv: { ...PROCESS_ENV, DENO_DIR: PROCESS_ENV.DENO_DIR || "" },
    env: { FAKE_MCP_DELAY_MS: "0" },
  });
  try {
    const res = await client.callTool("db-stats", {});
    assert.equal(res.isError, false, res.text);
    const env = (res.structured as { env: Record<string, string | null> }).env;
    assert.equal(env.MDB_MCP_TELEMETRY, "disabled");
    assert.equal(env.DO_NOT_TRACK, "1");
    for (
      const k of [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "NO_PROXY",
        "NODE_EXTRA_CA_CERTS",
        "SSL_CERT_FILE",
        "npm_config_registry",
        "MDB_MCP_CONNECTION_STRING",
      ] as const
    ) {
      assert.equal(env[k], PROCESS_ENV[k], k);
    }
    assert.equal(env.SECRET_NOT_FOR_CHILD, null, "other variables stay in the app");
  } finally {
    await client.close();
  }
});

Deno.test("stdioEnvironment keeps an explicit MDB_MCP_TELEMETRY", () => {
  const env = stdioEnvironment({ MDB_MCP_TELEMETRY: "enabled", OTHER: "x" });
  assert.equal(env.MDB_MCP_TELEMETRY, "enabled");
  assert.equal(env.OTHER, undefined);
  assert.equal(stdioEnvironment({}).MDB_MCP_TELEMETRY, "disabled");
});

Deno.test("security: mcp: the first connect waits MCP_CONNECT_TIMEOUT_MS, not the per-call timeout", async () => {
  // A server that takes 1.5 s to answer (a first `npx` install) connects under a longer
  // connect timeout, although each call times out after 500 ms.
  const slow = { FAKE_MCP_DELAY_MS: "1500" };
  const config = loadConfig({ MCP_CONNECT_TIMEOUT_MS: "20000", MCP_TIMEOUT_MS: "500" });
  assert.equal(config.mcp.connectTimeoutMs, 20_000);
  const client = await createDataClient({
    mcp: fakeStdio({ timeoutMs: config.mcp.timeoutMs, connectTimeoutMs: 20_000 }),
    env: slow,
  });
  try {
    const res = await client.callTool("db-stats", {});
    assert.equal(res.isError, false);
  } finally {
    await client.close();
  }
  // …and the connect timeout is honoured: 300 ms is not enough.
  const started = performance.now();
  await assert.rejects(
    () =>
      createDataClient({
        mcp: fakeStdio({ timeoutMs: 10_000, connectTimeoutMs: 300 }),
        env: slow,
      }),
    (e: unknown) =>
      e instanceof DataError &&
      /no answer within 300 ms \(MCP_CONNECT_TIMEOUT_MS\)/.test(e.message),
  );
  const tookMs = performance.now() - started;
  assert.ok(tookMs < 1_400, `gave up after ${tookMs} ms`);
});

Deno.test("security: mcp: the connect timeout defaults to 120 s", () => {
  assert.equal(loadConfig({}).mcp.connectTimeoutMs, 120_000);
  assert.equal(loadConfig({}).mcp.maxTimeMs, 30_000);
});
