/**
 * Opens the data client the agent queries: mongoexport files from a directory (embedded
 * server), or whatever the configuration says (embedded over `DATA_DIR` or generated demo
 * data, a Streamable HTTP MCP server, or a stdio command).
 */
import type { Config } from "../config.ts";
import { loadDataset } from "../data/ejson_loader.ts";
import { createDataClient, createEmbeddedClient } from "../data/mcp_client.ts";
import { generateDataset } from "../data/seed.ts";
import type { DataClient } from "../data/types.ts";

/** Options of {@link openDataClient}. */
export interface OpenDataOptions {
  /** Load this directory's mongoexport files instead of the configured source. */
  dataDir?: string | null;
  /** Business zone and clock, for generated demo data. */
  tz: string;
  now: Date;
}

/** Opens the data client (loading the dataset once). */
export async function openDataClient(config: Config, opts: OpenDataOptions): Promise<DataClient> {
  const database = config.mcp.database;
  const dir = opts.dataDir ?? (config.mcp.mode === "embedded" ? config.dataDir : null);
  if (dir) return await createEmbeddedClient({ ...await loadDataset(dir) }, { database });
  if (config.mcp.mode === "embedded") {
    const dataset = generateDataset({ ...config.demoData, now: opts.now, tz: opts.tz });
    return await createEmbeddedClient({ ...dataset }, { database });
  }
  return await createDataClient({ mcp: config.mcp });
}
