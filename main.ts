/**
 * The web app: `deno task start` (after `deno task build`). Reads the configuration, opens
 * KV and the data source, picks the model, and serves the islands app on `PORT`.
 */
import { dirname } from "node:path";
import { clock, type Config, ConfigError, loadConfig } from "./lib/config.ts";
import { openDataClient } from "./lib/agent/data_source.ts";
import { createProvider } from "./lib/agent/provider.ts";
import { ensureDemoUser } from "./lib/auth/users.ts";
import { CALLS } from "./lib/data/types.ts";
import { openStore } from "./lib/kv.ts";
import { exportReport } from "./lib/reports/excel.ts";
import { agentRunner } from "./lib/web/agent_runner.ts";
import { createApp } from "./lib/web/app.ts";
import "./fresh.gen.ts";

function fail(message: string): never {
  console.error(message);
  Deno.exit(1);
}

function describeSource(config: Config): string {
  if (config.mcp.mode === "http") return `MongoDB MCP server at ${config.mcp.url}`;
  if (config.mcp.mode === "stdio") return `MongoDB MCP server (${config.mcp.command})`;
  return config.dataDir
    ? `embedded MCP server over ${config.dataDir}`
    : `embedded MCP server over generated demo data (${config.demoData.days} days)`;
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  if (config.kvPath !== ":memory:") {
    await Deno.mkdir(dirname(config.kvPath), { recursive: true });
  }
  const store = await openStore(config.kvPath);
  let demoLine: string | null;
  try {
    demoLine = await ensureDemoUser(store, config.auth);
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  const now = clock(config);
  let data;
  try {
    data = await openDataClient(config, { tz: config.tz, now: now() });
  } catch (e) {
    fail(`Cannot open the data source: ${e instanceof Error ? e.message : String(e)}`);
  }
  let provider;
  try {
    provider = createProvider(config, { tz: config.tz, now, client: data });
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  const app = await createApp({
    config,
    store,
    data,
    exportReport,
    runner: agentRunner({
      provider,
      client: data,
      conversations: store,
      reports: store,
      config: {
        tz: config.tz,
        now,
        maxToolRounds: config.model.maxToolRounds,
        contextTokenBudget: config.model.contextTokenBudget,
        modelTimeoutMs: config.model.timeoutMs,
        toolTimeoutMs: config.mcp.timeoutMs,
      },
    }),
  });
  let calls = "";
  try {
    const n = await data.count(CALLS, {}, { timeoutMs: 10_000 });
    calls = `${n.toLocaleString("en-US")} calls, `;
  } catch { /* the summary is best effort */ }

  const server = Deno.serve({
    port: config.port,
    onListen: ({ port }) => {
      console.log(`Listening on http://localhost:${port}`);
      if (demoLine) console.log(demoLine);
      console.log(`Data: ${calls}${describeSource(config)}, business zone ${config.tz}`);
      console.log(`Model: ${provider.name}`);
    },
  }, app.fetch);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    await server.shutdown();
    await data.close().catch(() => {});
    store.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
}

if (import.meta.main) await main();
