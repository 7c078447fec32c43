/**
 * The generated demo calls as a column table, made on several threads when there are
 * many: the calls are cut into consecutive parts of the seed's stream, the first made
 * here while Web Workers make the others, and the parts are put together in order (see
 * `ColumnTableBuilder.appendData`). The table equals the one made on one thread.
 *
 * @module
 */
import { type ColumnTable, ColumnTableBuilder, type TableData } from "./columnar/column_table.ts";
import { type CallRange, countCalls, generateCalls, type SeedOptions } from "./seed.ts";
import type { Document } from "./types.ts";
import { workersAvailable } from "./worker/worker_client.ts";

/** Calls from which a part is made by a worker. */
export const PARALLEL_FROM = 100_000;
const BATCH = 4096;

/** Options of {@link buildGeneratedCalls}. */
export interface BuildGeneratedOptions {
  /** Threads to use, this one included (default: the CPUs, at most 4; 1 without workers). */
  threads?: number;
  /** Let the event loop run between batches made here (a server opening its data). */
  yieldBetweenBatches?: boolean;
  /** Calls from which workers make parts (default {@link PARALLEL_FROM}). */
  parallelFrom?: number;
  /** Where a worker's failure is reported (its part is then made here). */
  log?: (message: string) => void;
}

/** The calls of `seed` (its `now` fixed first, so every part sees the same clock). */
export async function buildGeneratedCalls(
  seed: SeedOptions,
  opts: BuildGeneratedOptions = {},
): Promise<ColumnTable> {
  const fixed: SeedOptions = { ...seed, now: seed.now ?? new Date() };
  const total = countCalls(fixed);
  const threads = total < (opts.parallelFrom ?? PARALLEL_FROM) || !workersAvailable()
    ? 1
    : Math.max(1, Math.min(opts.threads ?? navigator.hardwareConcurrency ?? 1, 4));
  const ranges: CallRange[] = [];
  for (let t = 0; t < threads; t++) {
    ranges.push({
      from: Math.floor((total * t) / threads),
      to: Math.floor((total * (t + 1)) / threads),
    });
  }
  // A failure is kept as a value at once: a worker may fail while this thread still works.
  const parts = ranges.slice(1).map((range) =>
    makeInWorker(fixed, range).catch((e) => e instanceof Error ? e : new Error(String(e)))
  );
  const builder = new ColumnTableBuilder({ capacity: total });
  await appendGenerated(builder, fixed, ranges[0], opts.yieldBetweenBatches ?? false);
  for (let p = 0; p < parts.length; p++) {
    const part = await parts[p];
    if (part instanceof Error) {
      opts.log?.(`A worker could not make part of the demo calls (made here): ${part.message}`);
      await appendGenerated(builder, fixed, ranges[p + 1], opts.yieldBetweenBatches ?? false);
    } else builder.appendData(part);
  }
  return builder.finish();
}

/** Appends the calls of `range` to `builder` in batches (letting the loop run between them). */
export async function appendGenerated(
  builder: ColumnTableBuilder,
  seed: SeedOptions,
  range: CallRange,
  yieldBetween: boolean,
): Promise<void> {
  let batch: Document[] = [];
  for (const call of generateCalls(seed, range)) {
    batch.push(call);
    if (batch.length === BATCH) {
      builder.append(batch);
      batch = [];
      if (yieldBetween) await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  builder.append(batch);
}

function makeInWorker(seed: SeedOptions, range: CallRange): Promise<TableData> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL("./worker/calls_part_worker.ts", import.meta.url), {
        type: "module",
        name: "calls-part",
      });
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    worker.onmessage = (e: MessageEvent<{ table?: TableData; error?: string }>) => {
      worker.terminate();
      if (e.data.table) resolve(e.data.table);
      else reject(new Error(e.data.error ?? "The worker sent no table"));
    };
    worker.onerror = (e) => {
      e.preventDefault();
      worker.terminate();
      reject(new Error(e.message || "The worker failed"));
    };
    worker.postMessage({ seed, range });
  });
}
