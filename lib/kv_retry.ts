/**
 * Writes that survive SQLite's lock when several processes share one local KV file.
 *
 * Deno KV's SQLite backend runs an atomic operation with checks as a read-then-write
 * transaction; when another process committed in between, SQLite refuses it at once with
 * "database is locked" (a busy timeout cannot help a snapshot that is already stale). The
 * commit did not apply, so it is safe to run again: {@linkcode retryLocked} retries such
 * writes with a short random backoff until a deadline. Other errors, and failed checks
 * (`{ok: false}`), are returned as they are. Remote KV (KV Connect, Deploy) never raises it.
 */

/** Options of {@linkcode retryLocked}. */
export interface RetryLockedOptions {
  /** Give up (rethrow) after this long (default 10 s). */
  deadlineMs?: number;
}

/** True for SQLite's "database is locked" / "database table is locked" errors. */
export function isLockedError(e: unknown): boolean {
  return e instanceof Error && /database (table )?is locked|SQLITE_BUSY/i.test(e.message);
}

/** Runs `write`, again after a short random pause while it fails with a lock error. */
export async function whileLocked<T>(write: () => Promise<T>, deadlineMs = 10_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (let attempt = 0;; attempt++) {
    try {
      return await write();
    } catch (e) {
      if (!isLockedError(e) || Date.now() >= end) throw e;
      const cap = Math.min(50, 2 << Math.min(attempt, 5));
      await new Promise((r) => setTimeout(r, 1 + Math.random() * cap));
    }
  }
}

/** `kv` with its atomic commits, `set` and `delete` retried on lock errors (see the module). */
export function retryLocked(kv: Deno.Kv, options: RetryLockedOptions = {}): Deno.Kv {
  const deadline = options.deadlineMs ?? 10_000;
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "atomic") {
        return () => {
          const op = target.atomic();
          const commit = op.commit.bind(op);
          op.commit = () => whileLocked(commit, deadline);
          return op;
        };
      }
      if (prop === "set" || prop === "delete") {
        const write = Reflect.get(target, prop, target) as (...a: unknown[]) => Promise<unknown>;
        return (...args: unknown[]) => whileLocked(() => write.apply(target, args), deadline);
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
