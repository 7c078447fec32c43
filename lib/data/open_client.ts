/**
 * The one opener of the data client, for the app, the CLI and the scripts: the
 * configured MCP server, or the embedded one over mongoexport files (`DATA_DIR`, or a
 * directory given by a command) or generated demo data.
 *
 * The embedded server over configured data runs in a Web Worker (`worker/`), off the
 * app's event loop, unless `DATA_WORKER=off` or the runtime has no workers (Deno
 * Deploy, say), where it runs in process. A dataset given in memory is served in
 * process. Generating demo data yields to the event loop between batches, so a server
 * opening it in the background (`lib/data/lazy_client.ts`, on Deploy) keeps answering.
 *
 * @module
 */
import type { Config } from "../config.ts";
import { type Dataset, loadDatasetColumnar } from "./ejson_loader.ts";
import { connectEmbedded, createDataClient } from "./mcp_client.ts";
import { buildGeneratedCalls } from "./generated_calls.ts";
import { createMemoryStore, type MemoryStore } from "./memory_store.ts";
import { generateCustomers } from "./seed.ts";
import { CALLS, CUSTOMERS } from "./types.ts";
import type { DataClient } from "./types.ts";
import {
  openWorkerDataClient,
  workersAvailable,
  WorkerUnavailableError,
} from "./worker/worker_client.ts";

/**
 * Builds the embedded store of the configured source without holding the calls as objects:
 * mongoexport files and generated demo data are streamed into columns. Returns the store
 * and how many documents it holds; its indexes are built on first use, or by
 * `store.buildIndexes()`.
 */
export async function loadConfiguredStore(
  config: Pick<Config, "dataDir" | "demoData" | "tz" | "now">,
  database: string,
): Promise<{ store: MemoryStore; documents: number }> {
  let collections;
  if (config.dataDir) collections = await loadDatasetColumnar(config.dataDir);
  else {
    const seed = {
      days: config.demoData.days,
      callsPerDay: config.demoData.callsPerDay,
      seed: config.demoData.seed,
      now: config.now ?? new Date(),
      tz: config.tz,
    };
    // Made here in batches that let the event loop run (a server opening its data in the
    // background keeps answering), with workers making parts of a large set meanwhile.
    const calls = await buildGeneratedCalls(seed, {
      yieldBetweenBatches: true,
      log: (m) => console.error(m),
    });
    collections = { calling_cdr: calls, address_book: [...generateCustomers(seed)] };
  }
  const store = createMemoryStore(collections, { database });
  const documents = (store.collection(database, CALLS)?.size ?? 0) +
    (store.collection(database, CUSTOMERS)?.size ?? 0);
  return { store, documents };
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
  /** Run the embedded server in a worker; default `config.dataWorker` (on). */
  worker?: boolean;
}

/**
 * Connects the data client `config.mcp` describes, or the embedded server over
 * `opts.dataset` / `opts.dataDir` when given (indexes built, per-call timeout and
 * per-query deadline from the configuration). The embedded server over loaded or
 * generated data runs in a worker when it can (see the module's notes); there, a load
 * failure rejects with a `DataError` naming the problem.
 */
export async function openDataClient(
  config: Config,
  opts: OpenDataClientOptions = {},
): Promise<DataClient> {
  const explicit = opts.dataset !== undefined || !!opts.dataDir;
  if (config.mcp.mode !== "embedded" && !explicit) {
    return await createDataClient({ mcp: config.mcp });
  }
  const database = config.mcp.database;
  const inWorker = opts.dataset === undefined && (opts.worker ?? config.dataWorker ?? true) &&
    workersAvailable();
  if (inWorker) {
    try {
      return await openWorkerDataClient({
        source: {
          dataDir: opts.dataDir || config.dataDir,
          demoData: config.demoData,
          tz: opts.tz ?? config.tz,
          now: opts.now ?? config.now,
        },
        database,
        timeoutMs: config.mcp.timeoutMs,
        maxTimeMs: config.mcp.maxTimeMs,
      });
    } catch (e) {
      // No workers here after all: serve in process.
      if (!(e instanceof WorkerUnavailableError)) throw e;
    }
  }
  let store: MemoryStore;
  if (opts.dataset) {
    store = createMemoryStore({ ...opts.dataset }, { database });
    store.buildIndexes();
  } else {
    store = (await loadConfiguredStore({
      ...config,
      dataDir: opts.dataDir || config.dataDir,
      tz: opts.tz ?? config.tz,
      now: opts.now ?? config.now,
    }, database)).store;
    store.buildIndexes();
  }
  return await connectEmbedded(store, {
    database,
    timeoutMs: config.mcp.timeoutMs,
    maxTimeMs: config.mcp.maxTimeMs,
  });
}
