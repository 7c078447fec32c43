/**
 * `deno task mcp`: serves the embedded MongoDB MCP server (the same read-only tools
 * as the real one) over Streamable HTTP at http://127.0.0.1:PORT/mcp, or over stdio.
 *
 * Data: mongoexport files from `--data DIR` (or `DATA_DIR`), else generated demo data.
 *
 * Exit status: 0 on a clean stop, 2 on invalid options, 1 when the data cannot be loaded.
 */
import { parseArgs } from "node:util";
// @ts-types="@modelcontextprotocol/sdk/server/stdio"
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { type Config, isValidTimeZone, loadConfig } from "../lib/config.ts";
import { createEmbeddedMcpServer } from "../lib/data/embedded_server.ts";
import { createMcpHttpApp } from "../lib/data/mcp_http.ts";
import { CALLS, CUSTOMERS } from "../lib/data/types.ts";
import { loadConfiguredStore } from "../lib/data/open_client.ts";
import { parseNow } from "../lib/time/zone.ts";

const HELP = `Usage: deno task mcp [options]

Serves the embedded MongoDB MCP server (read-only tools: find, aggregate, count,
list-databases, list-collections, collection-schema, collection-indexes,
collection-storage-size, db-stats) at http://127.0.0.1:PORT/mcp.

Options:
  --port N            port (default 4000; 0 picks a free one)
  --data DIR          mongoexport files (calling_cdr, address_book) to serve (default DATA_DIR);
                      without it, generated demo data
  --token T           require "Authorization: Bearer T" (default MCP_TOKEN)
  --allow-origin O    let browser pages from origin O call the server (repeatable)
  --database NAME     database name (default MONGODB_DATABASE or ccs_dev)
  --days N            demo data: days of calls (default DEMO_DAYS or 60)
  --calls-per-day N   demo data: calls per day (default DEMO_CALLS_PER_DAY or 800)
  --seed N            demo data: random seed (default DEMO_SEED or 42)
  --tz IANA           demo data: business time zone (default BUSINESS_TZ or UTC)
  --now ISO           demo data: last instant (default NOW or the clock)
  --stdio             speak MCP on stdin/stdout instead of HTTP
  -h, --help          show this help
`;

class UsageError extends Error {}

interface Options {
  port: number;
  token: string | null;
  allowedOrigins: string[];
  stdio: boolean;
  config: Config;
}

function int(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) {
    throw new UsageError(
      `Invalid --${name}: must be a whole number from ${min} to ${max}, got "${raw}"`,
    );
  }
  return n;
}

function parse(args: string[]): Options | null {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        port: { type: "string" },
        data: { type: "string" },
        token: { type: "string" },
        "allow-origin": { type: "string", multiple: true },
        database: { type: "string" },
        days: { type: "string" },
        "calls-per-day": { type: "string" },
        seed: { type: "string" },
        tz: { type: "string" },
        now: { type: "string" },
        stdio: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return null;
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (v.tz !== undefined) {
    if (!isValidTimeZone(v.tz)) {
      throw new UsageError(`Invalid --tz: "${v.tz}" is not an IANA time zone`);
    }
    config.tz = v.tz;
  }
  if (v.now !== undefined) {
    try {
      config.now = parseNow(v.now, config.tz);
    } catch (e) {
      throw new UsageError(`Invalid --now: ${(e as Error).message}`);
    }
  }
  if (v.data !== undefined) config.dataDir = v.data;
  if (v.database !== undefined) config.mcp.database = v.database;
  config.demoData = {
    days: int("days", v.days, 1, 3650) ?? config.demoData.days,
    callsPerDay: int("calls-per-day", v["calls-per-day"], 1, 1_000_000) ??
      config.demoData.callsPerDay,
    seed: int("seed", v.seed, 0, 0xffffffff) ?? config.demoData.seed,
  };
  return {
    port: int("port", v.port, 0, 65535) ?? 4000,
    token: v.token ?? config.mcp.token,
    allowedOrigins: v["allow-origin"] ?? [],
    stdio: v.stdio ?? false,
    config,
  };
}

/** Runs the command; null when it keeps serving on stdio until stdin closes. */
async function main(): Promise<number | null> {
  let opts: Options | null;
  try {
    opts = parse(Deno.args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${e.message}\nRun "deno task mcp --help" for the options.`);
    return 2;
  }
  if (!opts) {
    console.log(HELP);
    return 0;
  }
  const { config } = opts;
  const database = config.mcp.database;
  let store;
  try {
    store = (await loadConfiguredStore(config, database)).store;
  } catch (e) {
    console.error((e as Error).message);
    return 1;
  }
  store.buildIndexes();
  const source = config.dataDir ? `files in ${config.dataDir}` : "generated demo data";
  const count = (name: string) =>
    (store.collection(database, name)?.size ?? 0).toLocaleString("en-US");
  const summary = `database ${database}: ${count(CALLS)} calls, ${
    count(CUSTOMERS)
  } customers (${source})`;

  if (opts.stdio) {
    const server = createEmbeddedMcpServer(store, { maxTimeMs: config.mcp.maxTimeMs });
    await server.connect(new StdioServerTransport());
    console.error(`Embedded MongoDB MCP server on stdio, ${summary}`);
    return null;
  }

  const app = createMcpHttpApp(
    () => createEmbeddedMcpServer(store, { maxTimeMs: config.mcp.maxTimeMs }),
    {
      token: opts.token,
      allowedOrigins: opts.allowedOrigins,
    },
  );
  const ac = new AbortController();
  Deno.addSignalListener("SIGINT", () => ac.abort());
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: opts.port,
    signal: ac.signal,
    onListen: ({ hostname, port }) => {
      console.log(`Embedded MongoDB MCP server at http://${hostname}:${port}/mcp`);
      console.log(`  ${summary}`);
      console.log(`  ${opts.token ? "bearer token required" : "no token (local use only)"}`);
    },
  }, app.fetch);
  await server.finished;
  return 0;
}

if (import.meta.main) {
  const code = await main();
  if (code !== null) Deno.exit(code);
}
