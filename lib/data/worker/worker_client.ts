/**
 * The data client of the embedded server run in a Web Worker (`data_worker.ts`): the
 * worker loads the data and runs the store, the engine and the MCP server, so a heavy
 * query never holds up the app's event loop (HTTP, SSE, timers). The app's side is the
 * usual read-only MCP client (`createDataClient`, every tool call through its guard)
 * over a {@link PortTransport}, plus {@link DataClient.readBatches} over a channel of
 * its own per read.
 *
 * Stop works as for any MCP server: an aborted call sends `notifications/cancelled`,
 * the server aborts the handler's signal, and the engine, which gives the worker's
 * event loop a turn every few milliseconds of a scan, stops at its next turn.
 *
 * @module
 */
import { DataError } from "../errors.ts";
import {
  asDataErrors,
  assertReadOnlyBatches,
  createDataClient,
  embeddedMcpConfig,
} from "../mcp_client.ts";
import type { DataClient, Document, ReadBatchesOptions } from "../types.ts";
import { receiveBatches } from "./batches.ts";
import { encodePipeline } from "./clone_codec.ts";
import { PortTransport } from "./port_transport.ts";
import type { BatchesMessage, InitMessage, WorkerDataSource, WorkerReply } from "./protocol.ts";

export type { WorkerDataSource };

/** Thrown when this runtime cannot start a Web Worker (the caller may run in process). */
export class WorkerUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "WorkerUnavailableError";
  }
}

/** Whether this runtime has Web Workers. */
export function workersAvailable(): boolean {
  return typeof globalThis.Worker === "function" && typeof globalThis.MessageChannel === "function";
}

/** Options of {@link openWorkerDataClient}. */
export interface WorkerClientOptions {
  /** The data the worker loads (`config.dataDir`, else demo data). */
  source: WorkerDataSource;
  /** Database the data is served as. */
  database: string;
  /** Per-call timeout (ms); also the deadline of each engine query of a bulk read. */
  timeoutMs: number;
  /** Deadline of one find, aggregate or count (ms), like `maxTimeMS`; default 30 s. */
  maxTimeMs?: number;
  /** The worker module; default `data_worker.ts` beside this file. */
  workerUrl?: URL;
}

/** A data client whose embedded server runs in a worker. */
export interface WorkerDataClient extends DataClient {
  /** Documents the worker loaded. */
  readonly documents: number;
  readBatches(
    collection: string,
    pipeline: Document[],
    opts?: ReadBatchesOptions,
  ): AsyncIterable<Document[]>;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Starts the data worker, waits for it to load its data, and connects a read-only data
 * client to it. A load failure (a bad `DATA_DIR`, say) rejects with a {@link DataError}
 * naming the problem; a runtime without workers with a {@link WorkerUnavailableError}.
 * `close()` terminates the worker.
 */
export async function openWorkerDataClient(opts: WorkerClientOptions): Promise<WorkerDataClient> {
  if (!workersAvailable()) throw new WorkerUnavailableError("Web Workers are not available");
  let worker: Worker;
  try {
    worker = new Worker(opts.workerUrl ?? new URL("./data_worker.ts", import.meta.url), {
      type: "module",
      name: "data",
    });
  } catch (e) {
    throw new WorkerUnavailableError(`Cannot start the data worker: ${message(e)}`, { cause: e });
  }
  const channel = new MessageChannel();
  const loaded = Promise.withResolvers<WorkerReply>();
  let transport: PortTransport | null = null;
  let crashed: string | null = null;
  worker.onmessage = (e: MessageEvent<WorkerReply>) => loaded.resolve(e.data);
  worker.onmessageerror = () => loaded.reject(new Error("an unreadable message"));
  worker.onerror = (e: ErrorEvent) => {
    // Handled here: an error in the worker must not end the app.
    e.preventDefault();
    crashed = e.message || "the data worker failed";
    loaded.reject(new Error(crashed));
    void transport?.close();
  };
  const stop = () => {
    channel.port1.close();
    worker.terminate();
  };
  const init: InitMessage = {
    type: "init",
    source: opts.source,
    database: opts.database,
    server: { maxTimeMs: opts.maxTimeMs },
    port: channel.port2,
  };
  let reply: WorkerReply;
  try {
    worker.postMessage(init, [channel.port2]);
    reply = await loaded.promise;
  } catch (e) {
    stop();
    throw new DataError(`Cannot start the data worker: ${message(e)}`);
  }
  worker.onmessage = null;
  if (reply.type === "failed") {
    stop();
    const where = opts.source.dataDir ? ` from DATA_DIR "${opts.source.dataDir}"` : "";
    throw new DataError(`Cannot load the embedded data${where}: ${reply.message}`);
  }
  transport = new PortTransport(channel.port1);
  let client: DataClient;
  try {
    client = await createDataClient({
      mcp: embeddedMcpConfig({
        database: opts.database,
        timeoutMs: opts.timeoutMs,
        connectTimeoutMs: opts.timeoutMs,
      }),
      transport,
    });
  } catch (e) {
    stop();
    throw e;
  }
  let closed = false;
  const closeClient = client.close;
  return Object.assign(client, {
    documents: reply.documents,
    readBatches(
      collection: string,
      pipeline: Document[],
      callOpts: ReadBatchesOptions = {},
    ): AsyncIterable<Document[]> {
      if (closed) throw new DataError("The data client is closed");
      if (crashed) throw new DataError(`The data worker has stopped: ${crashed}`);
      assertReadOnlyBatches(collection, pipeline);
      const reads = new MessageChannel();
      const msg: BatchesMessage = {
        type: "batches",
        collection,
        pipeline: encodePipeline(pipeline),
        batchSize: callOpts.batchSize,
        maxTimeMs: callOpts.timeoutMs ?? opts.timeoutMs,
        port: reads.port2,
      };
      worker.postMessage(msg, [reads.port2]);
      return asDataErrors(
        receiveBatches(reads.port1, { signal: callOpts.signal, collection }),
        callOpts.signal,
      );
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await closeClient();
      stop();
    },
  });
}
