/**
 * The data client the app and the CLI start with: the configured MCP server, or the
 * embedded one over mongoexport files (`DATA_DIR`) or generated demo data.
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
}

/** Connects the data client `config.mcp` describes (loading data for the embedded server). */
export async function openDataClient(
  config: Config,
  opts: OpenDataClientOptions = {},
): Promise<DataClient> {
  if (config.mcp.mode !== "embedded") return await createDataClient({ mcp: config.mcp });
  const dataset = opts.dataset ?? await loadConfiguredDataset(config);
  const store = createMemoryStore({ ...dataset }, { database: config.mcp.database });
  store.buildIndexes();
  return await connectEmbedded(store, {
    database: config.mcp.database,
    timeoutMs: config.mcp.timeoutMs,
  });
}
