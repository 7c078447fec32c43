/**
 * The web app: `deno task start` (after `deno task build`). Reads the configuration, opens
 * KV and the data source, picks the model, and serves the islands app on `PORT`.
 *
 * It runs unchanged on Deno Deploy (`DENO_DEPLOYMENT_ID` set): there the managed KV is the
 * default, the server is Deploy's `Deno.serve` (no local listener, no signals), and the
 * data opens in the background so the first request does not wait for the demo data.
 */
import { type Config, ConfigError, loadConfig } from "./lib/config.ts";
import { checkIndexes, missingIndexesWarning } from "./lib/data/index_check.ts";
import type { DataClient } from "./lib/data/types.ts";
import { CALLS } from "./lib/data/types.ts";
import { onDeploy, onStopSignals } from "./lib/runtime.ts";
import { assembleApp, StartupError } from "./lib/web/assemble.ts";
import { listen } from "./lib/web/listen.ts";
import manifest from "./fresh.gen.ts";

/** Stops the start with `message`: exit status 1 on a machine; on Deploy the isolate fails. */
function fail(message: string): never {
  console.error(message);
  // deploy-check: local-only — an isolate on Deploy cannot exit: it fails by the throw below
  if (!onDeploy()) Deno.exit(1);
  throw new Error(message);
}

async function countCalls(data: DataClient, timeoutMs: number): Promise<string> {
  try {
    const n = await data.count(CALLS, {}, { timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
    return `${n.toLocaleString("en-US")} calls, `;
  } catch {
    return ""; // the summary is best effort
  }
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
  const deploy = config.deploy ?? false;
  // Locally the start waits for the data and says how much there is; on Deploy the data
  // opens in the background (assembleApp) and the count is printed when it is ready.
  const calls = deploy ? "" : await countCalls(app.data, 10_000);
  if (config.mcp.mode !== "embedded") {
    // Without the expected indexes every report scans whole collections: say so, once.
    checkIndexes(app.data, { signal: AbortSignal.timeout(10_000) }).then((r) => {
      const warning = missingIndexesWarning(r);
      if (warning) console.warn(warning);
    }, () => {/* best effort, like the summary */});
  }

  const printStart = (url: string) => {
    console.log(`Listening on ${url}`);
    if (app.demoLine) console.log(app.demoLine);
    console.log(`Data: ${calls}${describeSource(config)}, business zone ${config.tz}`);
    console.log(`Model: ${app.provider.name}`);
  };

  if (deploy) {
    // Deploy routes requests to Deno.serve itself (its own port, TLS and connection limits).
    Deno.serve({
      port: config.port,
      onListen: ({ hostname, port }) => printStart(`http://${hostname}:${port}`),
    }, (req, info) => app.fetch(req, info));
    countCalls(app.data, 120_000).then((n) => {
      if (n) console.log(`Data ready: ${n.slice(0, -2)}`);
    });
    return;
  }

  let server: ReturnType<typeof listen> | null = null;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server?.shutdown();
    await app.close();
    // deploy-check: local-only — reached by a stop signal, only off Deploy (returned above)
    Deno.exit(0);
  };
  // SIGINT/SIGTERM where the runtime has them; none on Deploy, and never a crash. Installed
  // before listening, so a stop right after "Listening on …" is a clean one.
  onStopSignals(() => void stop(), { deploy });

  // Deno.serve behind a guard with header, keep-alive and idle timeouts (lib/web/listen.ts).
  server = listen(app.fetch, {
    port: config.port,
    headersTimeoutMs: config.http.headersTimeoutMs,
    keepAliveTimeoutMs: config.http.keepAliveTimeoutMs,
    idleTimeoutMs: config.http.idleTimeoutMs,
    onListen: ({ port }) => printStart(`http://localhost:${port}`),
  });
}

if (import.meta.main) await main();
