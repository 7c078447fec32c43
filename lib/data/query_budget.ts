/**
 * A query's time budget, like MongoDB's `maxTimeMS`, checked *inside* the engine: on
 * every document the engine's own scans read, every document that enters a pipeline
 * stage and every expression operator mingo evaluates — not only before and after.
 *
 * The engine's scans also give the event loop a turn every few milliseconds
 * ({@link Budget.pause}), so other requests and timers run meanwhile and an
 * AbortSignal (Stop, a client that went away) is seen within a slice.
 *
 * mingo runs synchronously, so the budget of the query running now is module state:
 * {@link Budget.run} installs it for a synchronous section and restores the previous one.
 *
 * @module
 */

/** Thrown when a query runs past its deadline (MongoDB's `MaxTimeMSExpired`). */
export class QueryTimeoutError extends Error {
  /** The deadline that was exceeded (ms). */
  readonly maxTimeMs: number;

  constructor(maxTimeMs: number) {
    super(
      `The query exceeded its time limit of ${maxTimeMs} ms (maxTimeMS) and was stopped; narrow the period or the filter`,
    );
    this.name = "QueryTimeoutError";
    this.maxTimeMs = maxTimeMs;
  }
}

/** Options of {@link createBudget}. */
export interface BudgetOptions {
  /** Most milliseconds the query may run; default 30 s. */
  maxTimeMs?: number;
  /** Ends the query with the signal's reason. */
  signal?: AbortSignal;
  /** Longest synchronous slice between two turns of the event loop (ms); default 10. */
  sliceMs?: number;
}

/** Checks between this many ticks read the clock. */
const TICKS_PER_CHECK = 64;

let current: Budget | null = null;
let ticks = 0;
let work = 0;

/** A running query's deadline and signal. */
export class Budget {
  readonly maxTimeMs: number;
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
  readonly #sliceMs: number;
  #sliceEnd: number;

  constructor(opts: BudgetOptions = {}) {
    this.maxTimeMs = opts.maxTimeMs ?? 30_000;
    this.signal = opts.signal;
    this.#sliceMs = opts.sliceMs ?? 10;
    const now = performance.now();
    this.deadline = now + this.maxTimeMs;
    this.#sliceEnd = now + this.#sliceMs;
  }

  /** Throws the abort reason or a {@link QueryTimeoutError} when the query must stop. */
  check(now = performance.now()): void {
    this.signal?.throwIfAborted();
    if (now > this.deadline) throw new QueryTimeoutError(this.maxTimeMs);
  }

  /** Runs synchronous `fn` with this budget installed for {@link tick}. */
  run<T>(fn: () => T): T {
    const previous = current;
    current = this;
    try {
      this.check();
      return fn();
    } finally {
      current = previous;
    }
  }

  /** Whether the current slice is used up (time for {@link pause}). */
  sliceOver(): boolean {
    return performance.now() >= this.#sliceEnd;
  }

  /** Gives the event loop a turn when the slice is used up, then checks the budget. */
  async pause(): Promise<void> {
    const now = performance.now();
    if (now < this.#sliceEnd) return this.check(now);
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.#sliceEnd = performance.now() + this.#sliceMs;
    this.check();
  }
}

/** A budget starting now. */
export function createBudget(opts: BudgetOptions = {}): Budget {
  return new Budget(opts);
}

/** Units of work counted by {@link tick} so far (only differences mean anything). */
export function workDone(): number {
  return work;
}

/** Counts one unit of work of the running query; every few, checks its budget. */
export function tick(): void {
  work++;
  if (current === null || ++ticks < TICKS_PER_CHECK) return;
  ticks = 0;
  current.check();
}
