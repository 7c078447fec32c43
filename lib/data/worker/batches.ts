/**
 * Bulk reads of the embedded engine, in big batches: the engine side
 * ({@link engineBatches}), and the two ends of the message channel that carries them
 * from the data worker ({@link serveBatches}, {@link receiveBatches}).
 *
 * The channel is credit-based: the reader posts `pull` for each batch it wants (two
 * ahead at most), and the worker runs the engine for the next batch only when it holds
 * a credit, so at most two batches are ever in flight and memory stays flat however
 * big the result. `cancel` (the reader's signal aborted, or it stopped early) aborts
 * the engine query where it is.
 *
 * Deadlines: exports may run for minutes, so a bulk read has no overall deadline; each
 * engine query behind it (one per batch of a listing) has the per-call timeout as its
 * `maxTimeMs` (`MCP_TIMEOUT_MS`, or the call's `timeoutMs`), and the signal.
 *
 * @module
 */
import { engineFor } from "../embedded_server.ts";
import { DataError } from "../errors.ts";
import type { MemoryStore } from "../memory_store.ts";
import { createBudget } from "../query_budget.ts";
import { analyseListing, readAll } from "../read_all.ts";
import { assertReadOnly } from "../read_only_guard.ts";
import type { Document, QueryResult } from "../types.ts";
import { decodeBatch, encodeForClone } from "./clone_codec.ts";

/** Default documents per batch of a bulk read. */
export const DEFAULT_BATCH_SIZE = 5_000;
/** Most documents per batch. */
export const MAX_BATCH_SIZE = 100_000;

/** Options of {@link engineBatches}. */
export interface EngineBatchOptions {
  /** Database of the collection. */
  database: string;
  /** Documents per batch (default {@link DEFAULT_BATCH_SIZE}). */
  batchSize?: number;
  /** Deadline of each engine query (ms). */
  maxTimeMs: number;
  /** Stops the query where it is. */
  signal?: AbortSignal;
}

/** A batch size within bounds. */
export function clampBatchSize(n: number | undefined): number {
  const size = Math.floor(n ?? DEFAULT_BATCH_SIZE);
  return Number.isFinite(size) ? Math.max(1, Math.min(size, MAX_BATCH_SIZE)) : DEFAULT_BATCH_SIZE;
}

/** Whether an index of `collection` leads with the listing's first sort field. */
function sortIndexed(
  store: MemoryStore,
  database: string,
  collection: string,
  sort: [string, 1 | -1][],
): boolean {
  const coll = store.collection(database, collection);
  if (!coll) return true; // Nothing to scan.
  const first = sort.length ? sort[0][0] : "_id";
  return coll.indexes.some((index) => Object.keys(index.key)[0] === first);
}

/**
 * Runs `pipeline` on the engine over `store` and yields its documents in batches, in
 * the pipeline's order. A listing sorted on an indexed field is read by keyset pages
 * of one batch each (each page an index range scan, so memory holds one batch);
 * anything else runs once and is cut into batches. The pipeline passes the read-only
 * guard first.
 */
export async function* engineBatches(
  store: MemoryStore,
  collection: string,
  pipeline: Document[],
  opts: EngineBatchOptions,
): AsyncGenerator<Document[]> {
  assertReadOnly(pipeline);
  const engine = engineFor(store, opts.database);
  const batchSize = clampBatchSize(opts.batchSize);
  const budget = () => createBudget({ maxTimeMs: opts.maxTimeMs, signal: opts.signal });
  // A columnar collection orders the listing once and materialises one batch at a time.
  const direct = await engine.listingBatches(collection, pipeline, { batchSize, budget });
  if (direct) {
    yield* direct;
    return;
  }
  const listing = analyseListing(pipeline);
  if (listing && sortIndexed(store, opts.database, collection, listing.sort)) {
    const source = {
      async aggregate(coll: string, p: Document[]): Promise<QueryResult> {
        const documents = await engine.aggregate(coll, p, { budget: budget() });
        return { documents, total: undefined, appliedLimits: [] };
      },
    };
    let batch: Document[] = [];
    for await (
      const doc of readAll(source, {
        collection,
        pipeline,
        pageSize: batchSize,
        signal: opts.signal,
      })
    ) {
      batch.push(doc);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
    return;
  }
  const docs = await engine.aggregate(collection, pipeline, { budget: budget() });
  for (let from = 0; from < docs.length; from += batchSize) {
    opts.signal?.throwIfAborted();
    yield docs.slice(from, from + batchSize);
  }
}

// ---------------------------------------------------------------------------------------
// The channel

/** Reader → worker. */
type Request = { type: "pull" } | { type: "cancel" };
/** Worker → reader. */
type Reply =
  | { type: "batch"; docs: unknown[] }
  | { type: "done" }
  | { type: "error"; message: string };

/**
 * Worker side: sends the batches of `source` over `port` as the reader pulls them, and
 * aborts `controller` when the reader cancels. Resolves when the stream ends.
 */
export function serveBatches(
  port: MessagePort,
  source: AsyncIterator<Document[]>,
  controller: AbortController,
): Promise<void> {
  let credits = 0;
  let busy = false;
  let finished = false;
  const { promise, resolve } = Promise.withResolvers<void>();
  const finish = (last?: Reply) => {
    if (finished) return;
    finished = true;
    if (last) {
      try {
        port.postMessage(last);
      } catch {
        // The reader is gone.
      }
    }
    port.onmessage = null;
    port.close();
    resolve();
  };
  const pump = async () => {
    if (busy || finished) return;
    busy = true;
    try {
      while (credits > 0 && !finished) {
        const step = await source.next();
        if (finished) break;
        if (step.done) return finish({ type: "done" });
        credits--;
        port.postMessage(
          { type: "batch", docs: encodeForClone(step.value) as unknown[] } satisfies Reply,
        );
      }
    } catch (e) {
      finish({ type: "error", message: e instanceof Error ? e.message : String(e) });
    } finally {
      busy = false;
    }
  };
  port.onmessage = (e: MessageEvent<Request>) => {
    if (e.data?.type === "pull") {
      credits++;
      void pump();
    } else if (e.data?.type === "cancel") {
      controller.abort(new DOMException("The reader cancelled the read", "AbortError"));
      void source.return?.(undefined).catch(() => {});
      finish();
    }
  };
  return promise;
}

/** Options of {@link receiveBatches}. */
export interface ReceiveBatchesOptions {
  /** Stops the read: the worker is told, and the iteration throws the signal's reason. */
  signal?: AbortSignal;
  /** Batches asked for ahead of the one being read (default 1: two in flight at most). */
  ahead?: number;
  /** Names what is read, in error messages. */
  collection: string;
}

/**
 * Reader side: yields the batches the worker sends over `port` (documents decoded,
 * ObjectIds restored), asking for each next one as the previous is taken.
 */
export async function* receiveBatches(
  port: MessagePort,
  opts: ReceiveBatchesOptions,
): AsyncGenerator<Document[]> {
  const queue: Reply[] = [];
  let wake: (() => void) | null = null;
  let ended = false;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  port.onmessage = (e: MessageEvent<Reply>) => {
    queue.push(e.data);
    notify();
  };
  const onAbort = () => notify();
  opts.signal?.addEventListener("abort", onAbort);
  try {
    opts.signal?.throwIfAborted();
    for (let i = 0; i <= (opts.ahead ?? 1); i++) port.postMessage({ type: "pull" });
    while (true) {
      while (queue.length === 0) {
        opts.signal?.throwIfAborted();
        await new Promise<void>((resolve) => wake = resolve);
      }
      opts.signal?.throwIfAborted();
      const reply = queue.shift()!;
      if (reply.type === "done") {
        ended = true;
        return;
      }
      if (reply.type === "error") {
        ended = true;
        throw new DataError(`Error running aggregate: ${reply.message}`, "aggregate");
      }
      port.postMessage({ type: "pull" });
      yield decodeBatch(reply.docs as Document[]);
    }
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    if (!ended) {
      try {
        port.postMessage({ type: "cancel" });
      } catch {
        // The worker is gone.
      }
    }
    port.onmessage = null;
    port.close();
  }
}
