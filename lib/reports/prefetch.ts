/**
 * Bounded read-ahead: the reading side of an export runs ahead of the writer by a few
 * batches, so that while the writer renders one batch the source (a query in a worker, a
 * remote server) is already producing the next one.
 *
 * @module
 */

/** Options of {@link prefetchBatches}. */
export interface PrefetchOptions {
  /** Items per batch handed to the consumer (default 1,000). */
  batchSize?: number;
  /** Complete batches held ready at most, besides the one being filled (default 2). */
  ahead?: number;
}

/**
 * Reads `source` ahead of its consumer, in batches of `batchSize`, holding at most `ahead`
 * complete batches that the consumer has not taken: the reader pauses when that many wait
 * and resumes as soon as one is taken. The order is the source's. An error of the source
 * reaches the consumer after the batches read before it; when the consumer stops early
 * (break, throw) the source is closed (`return()`).
 */
export async function* prefetchBatches<T>(
  source: AsyncIterable<T> | Iterable<T>,
  opts: PrefetchOptions = {},
): AsyncGenerator<T[]> {
  const size = Math.max(1, opts.batchSize ?? 1000);
  const ahead = Math.max(1, opts.ahead ?? 2);
  if (!(Symbol.asyncIterator in source)) {
    // Nothing to overlap with: a synchronous source is read as the consumer goes.
    let batch: T[] = [];
    for (const x of source) {
      batch.push(x);
      if (batch.length >= size) yield batch, batch = [];
    }
    if (batch.length) yield batch;
    return;
  }
  const it = source[Symbol.asyncIterator]();
  const ready: T[][] = [];
  let done = false;
  let failure: { error: unknown } | null = null;
  let stopped = false;
  /** Who waits: the consumer for a batch or the end, the reader for room. */
  const waiting: { consumer: (() => void) | null; reader: (() => void) | null } = {
    consumer: null,
    reader: null,
  };
  const wake = (who: "consumer" | "reader") => {
    const w = waiting[who];
    waiting[who] = null;
    w?.();
  };

  const reader = (async () => {
    try {
      let batch: T[] = [];
      while (!stopped) {
        const r = await it.next();
        if (r.done) break;
        batch.push(r.value);
        if (batch.length < size) continue;
        ready.push(batch);
        batch = [];
        wake("consumer");
        while (ready.length >= ahead && !stopped) {
          await new Promise<void>((resolve) => waiting.reader = resolve);
        }
      }
      if (batch.length && !stopped) ready.push(batch);
    } catch (e) {
      failure = { error: e };
    } finally {
      done = true;
      wake("consumer");
    }
  })();

  try {
    while (true) {
      if (ready.length) {
        const batch = ready.shift()!;
        wake("reader");
        yield batch;
        continue;
      }
      if (done) {
        if (failure) throw (failure as { error: unknown }).error;
        return;
      }
      await new Promise<void>((resolve) => waiting.consumer = resolve);
    }
  } finally {
    if (!done) {
      stopped = true;
      wake("reader");
      // Close the source once the read in flight settles (a generator cannot be closed
      // while it runs).
      await reader;
      await it.return?.();
    }
  }
}
