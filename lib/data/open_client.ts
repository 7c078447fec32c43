/**
 * The one opener of the data client, for the app, the CLI and the scripts: the
 * configured MCP server, or the embedded one over mongoexport files (`DATA_DIR`, or a
 * directory given by a command) or generated demo data.
 *
 * @module
 */
import type { Config } from "../config.ts";
import { type Dataset, loadDataset } from "./ejson_loader.ts";
import { connectEmbedded, createDataClient } from "./mcp_client.ts";
import { createMemoryStore } from "./memory_store.ts";
import { generateDataset } from "./seed.ts";
import type { DataClient } from "./types.ts";

/** The embedded server's data: `config.dataDir`'s files, or demo data ending at `now`. */
export async function loadConfiguredDataset(
  config: Pick<Config, "dataDir" | "demoData" | "tz" | "now">,
): Promise<Dataset> {
  if (config.dataDir) return await loadDataset(config.dataDir);
  return generateDataset({
    days: config.demoData.days,
    callsPerDay: config.demoData.callsPerDay,
    seed: config.demoData.seed,
    now: config.now ?? new Date(),
    tz: config.tz,
  });
}

/** Options of {@link openDataClient}. */
export interface OpenDataClientOptions {
  /** Data for the embedded server, instead of loading or generating it. */
  dataset?: Dataset;
  /**
   * mongoexport files to serve from the embedded server, whatever `config.mcp.mode`
   * says (`deno task ask --data DIR`).
   */
  dataDir?: string | null;
  /** Business zone of generated demo data; default `config.tz`. */
  tz?: string;
  /** Last instant of generated demo data; default `config.now`, else the clock. */
  now?: Date;
}

/**
 * Connects the data client `config.mcp` describes, or the embedded server over
 * `opts.dataset` / `opts.dataDir` when given (indexes built, per-call timeout and
 * per-query deadline from the configuration).
 */
export async function openDataClient(
  config: Config,
  opts: OpenDataClientOptions = {},
): Promise<DataClient> {
  const explicit = opts.dataset !== undefined || !!opts.dataDir;
  if (config.mcp.mode !== "embedded" && !explicit) {
    return await createDataClient({ mcp: config.mcp });
  }
  const dataset = opts.dataset ??
    (opts.dataDir ? await loadDataset(opts.dataDir) : await loadConfiguredDataset({
      ...config,
      tz: opts.tz ?? config.tz,
      now: opts.now ?? config.now,
    }));
  const database = config.mcp.database;
  const store = createMemoryStore({ ...dataset }, { database });
  store.buildIndexes();
  return await connectEmbedded(store, {
    database,
    timeoutMs: config.mcp.timeoutMs,
    maxTimeMs: config.mcp.maxTimeMs,
  });
}
