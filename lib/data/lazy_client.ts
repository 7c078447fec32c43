/**
 * A data client that is usable before its data is: the server starts answering (login
 * page, static files) while the real client opens — on Deno Deploy, the demo dataset is
 * generated once per instance this way — and every call waits for it. When opening fails,
 * the calls waiting fail with the reason, and the next call tries again.
 *
 * @module
 */
import { DataConnectionError, DataError } from "./errors.ts";
import { readAll } from "./read_all.ts";
import type {
  CallOptions,
  DataClient,
  Document,
  FindArgs,
  QueryResult,
  ReadBatchesOptions,
  ToolInfo,
  ToolResult,
} from "./types.ts";

/** Options of {@linkcode openLazyDataClient}. */
export interface LazyDataClientOptions {
  /** The database the client will query (known before it opens). */
  database: string;
  /**
   * Start opening at once (default), or only at the first call. Opening starts in a
   * later task either way, so the caller (the server's start) is not held up.
   */
  eager?: boolean;
  /** Told when an attempt to open fails (it is retried at the next call). */
  onError?: (error: unknown) => void;
}

/** A {@linkcode DataClient} that opens in the background; see the module's notes. */
export interface LazyDataClient extends DataClient {
  /** Resolves when the client is open (or rejects with why it is not); opens it if needed. */
  ready(): Promise<void>;
  /** True once the real client is open. */
  readonly isOpen: boolean;
  /** Always there: the real client's own, or pages through `aggregate` when it has none. */
  readBatches(
    collection: string,
    pipeline: Document[],
    opts?: ReadBatchesOptions,
  ): AsyncIterable<Document[]>;
}

/** Documents per batch of {@linkcode LazyDataClient.readBatches} over a client without it. */
const DEFAULT_BATCH = 5_000;

/**
 * A data client whose calls wait for `open()`. Opening starts in the next task (see
 * {@linkcode LazyDataClientOptions.eager}); a failed opening is retried by the next call.
 * A call's `signal` stops its wait. `readBatches` is always there: it streams from the
 * real client's own, or pages through `aggregate` (`readAll`) when it has none.
 */
export function openLazyDataClient(
  open: () => Promise<DataClient>,
  options: LazyDataClientOptions,
): LazyDataClient {
  let client: DataClient | null = null;
  let opening: Promise<DataClient> | null = null;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function attempt(): Promise<DataClient> {
    if (closed) return Promise.reject(new DataError("The data client is closed"));
    if (client) return Promise.resolve(client);
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    opening ??= (async () => {
      try {
        const opened = await open();
        if (closed) {
          await opened.close().catch(() => {});
          throw new DataError("The data client is closed");
        }
        client = opened;
        return opened;
      } catch (e) {
        opening = null; // the next call tries again
        if (!closed) options.onError?.(e);
        if (e instanceof DataError) throw e;
        throw new DataConnectionError(
          `The data source is not available: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    })();
    return opening;
  }

  async function get(opts?: CallOptions): Promise<DataClient> {
    if (client && !closed) return client;
    const signal = opts?.signal;
    if (!signal) return await attempt();
    signal.throwIfAborted();
    const { promise, reject } = Promise.withResolvers<never>();
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      return await Promise.race([attempt(), promise]);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  if (options.eager ?? true) {
    timer = setTimeout(() => {
      timer = undefined;
      attempt().catch(() => {/* told through onError; the next call tries again */});
    }, 0);
  }

  return {
    database: options.database,
    get isOpen() {
      return client !== null && !closed;
    },
    async ready(): Promise<void> {
      await attempt();
    },
    async listTools(opts?: CallOptions): Promise<ToolInfo[]> {
      return await (await get(opts)).listTools(opts);
    },
    async callTool(
      name: string,
      args: Record<string, unknown>,
      opts?: CallOptions,
    ): Promise<ToolResult> {
      return await (await get(opts)).callTool(name, args, opts);
    },
    async find(args: FindArgs, opts?: CallOptions): Promise<QueryResult> {
      return await (await get(opts)).find(args, opts);
    },
    async aggregate(
      collection: string,
      pipeline: Document[],
      opts?: CallOptions,
    ): Promise<QueryResult> {
      return await (await get(opts)).aggregate(collection, pipeline, opts);
    },
    async count(collection: string, query?: Document, opts?: CallOptions): Promise<number> {
      return await (await get(opts)).count(collection, query, opts);
    },
    async *readBatches(
      collection: string,
      pipeline: Document[],
      opts: ReadBatchesOptions = {},
    ): AsyncGenerator<Document[]> {
      const real = await get(opts);
      if (real.readBatches) {
        yield* real.readBatches(collection, pipeline, opts);
        return;
      }
      const size = Math.max(1, opts.batchSize ?? DEFAULT_BATCH);
      let batch: Document[] = [];
      for await (
        const doc of readAll(real, {
          collection,
          pipeline,
          signal: opts.signal,
          timeoutMs: opts.timeoutMs,
        })
      ) {
        batch.push(doc);
        if (batch.length === size) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      const real = client;
      client = null;
      if (real) await real.close();
      else await opening?.catch(() => {}); // closes what it opens itself
    },
  };
}
