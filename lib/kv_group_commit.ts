/**
 * Group commit for Deno KV: writes that arrive while a commit is in flight go together in
 * the next one. Each commit of a local KV file costs a disk sync (about 0.7 ms here); 200
 * turns starting at once were 200 syncs in a row, and every read queued behind them.
 *
 * A write is its checks and its mutations; it must check every key whose state it relies
 * on. A group is committed as one atomic operation: when it succeeds every write in it
 * succeeded; when a check fails (or the group is over a KV limit), each write is committed
 * again on its own, so each gets its own answer, exactly as if it had been committed alone.
 * Writes that check a key another write of the group checks are never grouped (two turns
 * started in one conversation must not both pass "no turn running"). Writes keep their
 * order.
 */

/** One write: the versions it requires, and what it sets or deletes. */
export interface GroupWrite {
  checks: Deno.AtomicCheck[];
  mutate: (op: Deno.AtomicOperation) => void;
}

/** Options of {@linkcode GroupCommitter}. */
export interface GroupCommitterOptions {
  /** Writes in one group at most (default 24: KV allows 100 checks, 1,000 mutations). */
  maxWrites?: number;
}

interface Pending {
  write: GroupWrite;
  resolve: (ok: boolean) => void;
  reject: (e: unknown) => void;
}

/** Commits writes in groups (see the module). */
export class GroupCommitter {
  #kv: Deno.Kv;
  #max: number;
  #queue: Pending[] = [];
  #running = false;

  constructor(kv: Deno.Kv, options: GroupCommitterOptions = {}) {
    this.#kv = kv;
    this.#max = Math.max(1, options.maxWrites ?? 24);
  }

  /** Commits `write` (alone or with others); true when its checks passed and it applied. */
  commit(write: GroupWrite): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.#queue.push({ write, resolve, reject });
      if (!this.#running) this.#run();
    });
  }

  async #run(): Promise<void> {
    this.#running = true;
    while (this.#queue.length > 0) {
      const group = this.#nextGroup();
      if (group.length === 1 || !await this.#together(group)) {
        for (const p of group) await this.#alone(p);
      }
    }
    this.#running = false;
  }

  /** The first queued writes, up to the limit and the first one checking a key again. */
  #nextGroup(): Pending[] {
    const keys = new Set<string>();
    let n = 0;
    while (n < this.#queue.length && n < this.#max) {
      const own = this.#queue[n].write.checks.map((c) => JSON.stringify(c.key));
      if (n > 0 && own.some((k) => keys.has(k))) break;
      for (const k of own) keys.add(k);
      n++;
    }
    return this.#queue.splice(0, n);
  }

  /** True when the group applied as one (every write resolved); false to retry one by one. */
  async #together(group: Pending[]): Promise<boolean> {
    try {
      const op = this.#kv.atomic();
      for (const p of group) {
        op.check(...p.write.checks);
        p.write.mutate(op);
      }
      if (!(await op.commit()).ok) return false;
    } catch {
      return false;
    }
    for (const p of group) p.resolve(true);
    return true;
  }

  async #alone(p: Pending): Promise<void> {
    try {
      const op = this.#kv.atomic().check(...p.write.checks);
      p.write.mutate(op);
      p.resolve((await op.commit()).ok);
    } catch (e) {
      p.reject(e);
    }
  }
}
