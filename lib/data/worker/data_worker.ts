/**
 * The data worker: the embedded MongoDB MCP server, its store and its engine, off the
 * app's event loop. Started by {@link ./worker_client.ts}; loads its own data (so a
 * million documents never cross the boundary), then serves MCP over the port it was
 * given and bulk reads over a port per read.
 *
 * Messages in: `init` (once), then `batches` (one per bulk read). Messages out:
 * `ready` or `failed` (a load error, as text).
 *
 * @module
 */
/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
import { createEmbeddedMcpServer } from "../embedded_server.ts";
import type { MemoryStore } from "../memory_store.ts";
import { loadConfiguredStore } from "../open_client.ts";
import { engineBatches } from "./batches.ts";
import { serveBatches } from "./batches.ts";
import { decodePipeline } from "./clone_codec.ts";
import { PortTransport } from "./port_transport.ts";
import type { BatchesMessage, InitMessage, WorkerReply } from "./protocol.ts";

let store: MemoryStore | null = null;
let database = "";

async function init(msg: InitMessage): Promise<WorkerReply> {
  try {
    database = msg.database;
    const loaded = await loadConfiguredStore(msg.source, database);
    store = loaded.store;
    const server = createEmbeddedMcpServer(store, msg.server);
    await server.connect(new PortTransport(msg.port));
    // The app may listen now; the indexes are built next, before the first query runs.
    setTimeout(() => store?.buildIndexes(), 0);
    return { type: "ready", documents: loaded.documents };
  } catch (e) {
    msg.port.close();
    return { type: "failed", message: e instanceof Error ? e.message : String(e) };
  }
}

function batches(msg: BatchesMessage): void {
  const controller = new AbortController();
  const port = msg.port;
  if (!store) {
    port.postMessage({ type: "error", message: "The data worker has no data loaded" });
    port.close();
    return;
  }
  let source: AsyncGenerator<unknown[]>;
  try {
    source = engineBatches(store, msg.collection, decodePipeline(msg.pipeline), {
      database,
      batchSize: msg.batchSize,
      maxTimeMs: msg.maxTimeMs,
      signal: controller.signal,
    }) as AsyncGenerator<unknown[]>;
  } catch (e) {
    port.postMessage({ type: "error", message: e instanceof Error ? e.message : String(e) });
    port.close();
    return;
  }
  void serveBatches(port, source as AsyncGenerator<Record<string, unknown>[]>, controller);
}

self.onmessage = async (e: MessageEvent<InitMessage | BatchesMessage>) => {
  const msg = e.data;
  if (msg.type === "init") self.postMessage(await init(msg));
  else if (msg.type === "batches") batches(msg);
};
