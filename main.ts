/**
 * The web app: `deno task start` (after `deno task build`). Reads the configuration, opens
 * KV and the data source, picks the model, and serves the islands app on `PORT`.
 */
import { type Config, ConfigError, loadConfig } from "./lib/config.ts";
import { checkIndexes, missingIndexesWarning } from "./lib/data/index_check.ts";
import { CALLS } from "./lib/data/types.ts";
import { assembleApp, StartupError } from "./lib/web/assemble.ts";
import { listen } from "./lib/web/listen.ts";
import manifest from "./fresh.gen.ts";

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
  let app;
  try {
    config = loadConfig();
    app = await assembleApp(config, { manifest });
  } catch (e) {
    if (e instanceof ConfigError || e instanceof StartupError) fail(e.message);
    throw e;
  }
  let calls = "";
  try {
    const n = await app.data.count(CALLS, {}, { timeoutMs: 10_000 });
    calls = `${n.toLocaleString("en-US")} calls, `;
  } catch { /* the summary is best effort */ }
  if (config.mcp.mode !== "embedded") {
    // Without the expected indexes every report scans whole collections: say so, once.
    checkIndexes(app.data, { signal: AbortSignal.timeout(10_000) }).then((r) => {
      const warning = missingIndexesWarning(r);
      if (warning) console.warn(warning);
    }, () => {/* best effort, like the summary */});
  }

  // Deno.serve behind a guard with header, keep-alive and idle timeouts (lib/web/listen.ts).
  const server = listen(app.fetch, {
    port: config.port,
    headersTimeoutMs: config.http.headersTimeoutMs,
    keepAliveTimeoutMs: config.http.keepAliveTimeoutMs,
    idleTimeoutMs: config.http.idleTimeoutMs,
    onListen: ({ port }) => {
      console.log(`Listening on http://localhost:${port}`);
      if (app.demoLine) console.log(app.demoLine);
      console.log(`Data: ${calls}${describeSource(config)}, business zone ${config.tz}`);
      console.log(`Model: ${app.provider.name}`);
    },
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.shutdown();
    await app.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
}

if (import.meta.main) await main();
