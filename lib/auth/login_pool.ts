/**
 * A small bounded pool for password hashing at login. PBKDF2 at OWASP's 600,000 iterations
 * costs about 0.3 s of a core, so a flood of logins could starve the server; the pool runs
 * at most `concurrency` hashes at once and at most `perAddress` for one client address,
 * serves waiting addresses round robin (a flood from one address cannot push a real user
 * from another to the back), and refuses outright beyond short queues, so the caller can
 * answer 429/503 with `Retry-After` instead of piling work up.
 */

/** Options of {@linkcode LoginPool}. */
export interface LoginPoolOptions {
  /** Hashes running at once (default 2). */
  concurrency?: number;
  /** Hashes running at once for one client address (default 1). */
  perAddress?: number;
  /** Logins waiting in all (default 16). */
  queue?: number;
  /** Logins waiting for one client address (default 2). */
  queuePerAddress?: number;
}

/** A place in the pool: wait for `ready`, then `release()` when done (or to give up). */
export interface LoginTicket {
  /** Resolves when the holder may hash. */
  ready: Promise<void>;
  /** Frees the slot, or leaves the queue; idempotent. */
  release(): void;
}

/** The outcome of {@linkcode LoginPool.admit}. */
export type LoginAdmission =
  | { ok: true; ticket: LoginTicket }
  | { ok: false; scope: "address" | "server"; retryAfterSeconds: number };

interface AddressState {
  running: number;
  waiting: Waiter[];
  /** When this address last started a hash (a counter), for round robin. */
  servedAt: number;
}

interface Waiter {
  state: "waiting" | "running" | "done";
  /** performance.now() when it started running. */
  startedAt: number;
  resolve: () => void;
}

/** The login hashing pool of one app. */
export class LoginPool {
  readonly #concurrency: number;
  readonly #perAddress: number;
  readonly #queue: number;
  readonly #queuePerAddress: number;
  #running = 0;
  #waiting = 0;
  /** Running + waiting, by address (entries go when both are 0). */
  #byAddress = new Map<string, AddressState>();
  #starts = 0;
  /** Moving average of how long a slot is held (s), for Retry-After. */
  #holdSeconds = 0.3;

  constructor(options: LoginPoolOptions = {}) {
    this.#concurrency = Math.max(1, options.concurrency ?? 2);
    this.#perAddress = Math.max(1, options.perAddress ?? 1);
    this.#queue = Math.max(0, options.queue ?? 16);
    this.#queuePerAddress = Math.max(0, options.queuePerAddress ?? 2);
  }

  /** Hashes running now. */
  get running(): number {
    return this.#running;
  }

  /** Logins waiting now. */
  get waiting(): number {
    return this.#waiting;
  }

  /** Asks for a slot for `address`; refused when its queue or the pool's is full. */
  admit(address: string): LoginAdmission {
    const mine = this.#byAddress.get(address) ?? { running: 0, waiting: [], servedAt: -1 };
    if (mine.running + mine.waiting.length >= this.#perAddress + this.#queuePerAddress) {
      return { ok: false, scope: "address", retryAfterSeconds: this.#retryAfter(1) };
    }
    const canStart = this.#running < this.#concurrency && mine.running < this.#perAddress;
    if (!canStart && this.#waiting >= this.#queue) {
      return {
        ok: false,
        scope: "server",
        retryAfterSeconds: this.#retryAfter(this.#waiting / this.#concurrency + 1),
      };
    }
    this.#byAddress.set(address, mine);
    let resolve!: () => void;
    const ready = new Promise<void>((r) => resolve = r);
    const waiter: Waiter = { state: "waiting", startedAt: 0, resolve };
    if (canStart) {
      this.#begin(waiter, mine);
    } else {
      mine.waiting.push(waiter);
      this.#waiting++;
    }
    return {
      ok: true,
      ticket: {
        ready,
        release: () => {
          if (waiter.state === "done") return;
          if (waiter.state === "waiting") {
            mine.waiting.splice(mine.waiting.indexOf(waiter), 1);
            this.#waiting--;
          } else {
            this.#running--;
            mine.running--;
            const held = (performance.now() - waiter.startedAt) / 1000;
            this.#holdSeconds = 0.8 * this.#holdSeconds + 0.2 * held;
          }
          waiter.state = "done";
          if (mine.running === 0 && mine.waiting.length === 0) this.#byAddress.delete(address);
          this.#schedule();
        },
      },
    };
  }

  #begin(waiter: Waiter, mine: AddressState): void {
    this.#running++;
    mine.running++;
    mine.servedAt = this.#starts++;
    waiter.state = "running";
    waiter.startedAt = performance.now();
    waiter.resolve();
  }

  /** Starts waiters while slots are free: the address served longest ago goes first. */
  #schedule(): void {
    while (this.#running < this.#concurrency) {
      let next: AddressState | null = null;
      for (const state of this.#byAddress.values()) {
        if (state.waiting.length === 0 || state.running >= this.#perAddress) continue;
        if (!next || state.servedAt < next.servedAt) next = state;
      }
      if (!next) return;
      this.#waiting--;
      this.#begin(next.waiting.shift()!, next);
    }
  }

  #retryAfter(rounds: number): number {
    return Math.max(1, Math.ceil(rounds * this.#holdSeconds));
  }
}
