/**
 * The turn manager: runs turns in the background, one AbortController per turn, and turns
 * whatever the runner emits into the turn's durable event log in KV. Every turn ends with
 * exactly one `final` or `error` event, whatever the runner does (returns, throws, ignores
 * the abort). When the last event-stream client of a running turn goes away and none comes
 * back within the grace period, the turn is cancelled.
 *
 * Several app instances share one KV. Each instance holds a lease (a heartbeat key renewed
 * every third of `leaseMs`); every turn it runs names it, so the turn's lease lives as long
 * as its instance does. Any instance fails the running turns whose lease expired (at start
 * and on every sweep), one of them winning the atomic commit. Stop from any instance is a
 * KV write the running instance sees through `kv.watch` (where KV can watch other writers)
 * or its poll of stop requests (`stopPollMs`). A stream following the turn on another
 * instance marks it followed in KV, which keeps the grace period from cancelling it.
 */
import type { AgentEvent, ErrorCode } from "../agent/events.ts";
import type { TurnOutcome } from "../agent/types.ts";
import type { ReportParams } from "../reports/types.ts";
import type { Store, StoredEvent, TurnRecord, TurnStatus } from "../kv.ts";
import { newId, TurnEndedError } from "../kv.ts";

/** What a runner gets for one turn. */
export interface TurnInput {
  turnId: string;
  question: string;
  /**
   * A catalog report to run as the turn, with no model call (a reading changed with its
   * chips, or a report built with Explore); `question` is then its question in words.
   */
  report?: { name: string; params: ReportParams };
  /** The user id. */
  owner: string;
  conversationId: string;
  signal: AbortSignal;
  /** Appends an event to the log (in order, also when not awaited). */
  emit: (event: AgentEvent) => Promise<void>;
}

/** Runs one turn (the agent's `runTurn` in the app, a scripted runner in tests). */
export type TurnRunner = (input: TurnInput) => Promise<TurnOutcome>;

/** Options of {@linkcode TurnManager}. */
export interface TurnManagerOptions {
  store: Store;
  runner: TurnRunner;
  /** Cancel a running turn this long after its last event-stream client left (default 10 s). */
  graceMs?: number;
  /** After a cancel, wait this long for the runner to stop before ending the turn (default 3 s). */
  cancelWaitMs?: number;
  /**
   * Runners working at once (default 4); later turns wait in line, in arrival order. Their
   * `turn_started` event is stored at once, so their streams open without waiting.
   */
  maxRunning?: number;
  /**
   * Lease of this instance's turns (default 15 s): renewed every third of it; turns of an
   * instance silent this long are failed by whichever instance sweeps first.
   */
  leaseMs?: number;
  /** How often Stop requests written by other instances are read (default 500 ms). */
  stopPollMs?: number;
  /** This instance's id (default: a new random one). */
  instanceId?: string;
  log?: (message: string, error?: unknown) => void;
}

interface Running {
  controller: AbortController;
  /** Events waiting for the next group commit, in order. */
  pending: { event: AgentEvent; resolve: () => void }[];
  /** The commit loop while one runs. */
  flushing: Promise<void> | null;
  terminal: boolean;
  done: Promise<void>;
  subscribers: number;
  graceTimer: ReturnType<typeof setTimeout> | null;
  forceTimer: ReturnType<typeof setTimeout> | null;
  /** The events committed so far, in order: what streams on this instance read. */
  log: StoredEvent[];
  /** Streams waiting for the next committed event (or the end of the run here). */
  listeners: Set<() => void>;
}

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  "cancelled",
  "timeout",
  "model_error",
  "rate_limited",
  "quota_exceeded",
  "tool_error",
  "too_many_rounds",
  "internal",
]);

/** The status a terminal event ends a turn with, or undefined for other events. */
export function terminalStatus(event: AgentEvent): Exclude<TurnStatus, "running"> | undefined {
  if (event.type === "final") return "done";
  if (event.type === "error") return event.code === "cancelled" ? "cancelled" : "error";
  return undefined;
}

/** Starts, tracks and cancels turns. */
export class TurnManager {
  #store: Store;
  #runner: TurnRunner;
  #graceMs: number;
  #cancelWaitMs: number;
  #log: (message: string, error?: unknown) => void;
  #running = new Map<string, Running>();
  #closed = false;
  #slots: Slots;
  #leaseMs: number;
  #stopPollMs: number;
  #timers: ReturnType<typeof setInterval>[] = [];
  #unwatch: (() => void) | null = null;
  #sweeping = false;
  #readingStops = false;
  /** This instance: the lease its turns hold. */
  readonly instanceId: string;

  constructor(options: TurnManagerOptions) {
    this.#store = options.store;
    this.#runner = options.runner;
    this.#graceMs = options.graceMs ?? 10_000;
    this.#cancelWaitMs = options.cancelWaitMs ?? 3_000;
    this.#log = options.log ?? ((m, e) => console.error(m, e ?? ""));
    this.#slots = new Slots(options.maxRunning ?? 4);
    this.#leaseMs = options.leaseMs ?? 15_000;
    this.#stopPollMs = options.stopPollMs ?? 500;
    this.instanceId = options.instanceId ?? newId("i");
  }

  /**
   * Starts a turn in a conversation of `owner`: "busy" when one is running there,
   * "not_found" when the conversation is not theirs.
   */
  async start(input: {
    owner: string;
    conversationId: string;
    question: string;
    /** Run this catalog report instead of asking the model (see {@link TurnInput.report}). */
    report?: { name: string; params: ReportParams };
    /** The conversation's title, set in the same commit while it has the default one. */
    title?: string;
  }): Promise<TurnRecord | "busy" | "not_found"> {
    if (this.#closed) throw new Error("Cannot start a turn: the server is shutting down");
    const id = newId("t");
    // The turn and its first event are stored in one commit: its stream opens at once.
    const started: AgentEvent = {
      type: "turn_started",
      turn_id: id,
      conversation_id: input.conversationId,
      question: input.question,
    };
    const turn = await this.#store.createTurn(
      {
        id,
        owner: input.owner,
        conversation_id: input.conversationId,
        instance: this.instanceId,
      },
      started,
      { title: input.title },
    );
    if (typeof turn === "string") return turn;
    const controller = new AbortController();
    let resolveDone!: () => void;
    const r: Running = {
      controller,
      pending: [],
      flushing: null,
      terminal: false,
      done: new Promise<void>((res) => resolveDone = res),
      subscribers: 0,
      graceTimer: null,
      forceTimer: null,
      log: [{ seq: turn.last_seq, event: started }],
      listeners: new Set(),
    };
    this.#running.set(turn.id, r);
    const append = (event: AgentEvent): Promise<void> => {
      if (r.terminal) return Promise.resolve();
      if (terminalStatus(event)) r.terminal = true;
      return new Promise<void>((resolve) => {
        r.pending.push({ event, resolve });
        // The loop clears `flushing` itself as it ends: no gap for an event to wait in.
        r.flushing ??= this.#flush(turn.id, r);
      });
    };
    const emit = (event: AgentEvent): Promise<void> => {
      // The manager announces the turn itself (the runner does not know the turn id).
      if (event.type === "turn_started") return Promise.resolve();
      return append(event);
    };
    const finish = async (outcome: TurnOutcome | null, thrown: unknown) => {
      if (r.forceTimer !== null) clearTimeout(r.forceTimer);
      if (r.graceTimer !== null) clearTimeout(r.graceTimer);
      while (r.flushing) await r.flushing;
      if (!r.terminal) {
        if (controller.signal.aborted) {
          await append({ type: "error", code: "cancelled", message: "The turn was cancelled" });
        } else if (thrown !== undefined) {
          this.#log(`Turn ${turn.id} failed`, thrown);
          await append({
            type: "error",
            code: "internal",
            message: "The assistant failed unexpectedly; please try again",
          });
        } else if (outcome?.error) {
          const code =
            (ERROR_CODES.has(outcome.error.code) ? outcome.error.code : "internal") as ErrorCode;
          await append({ type: "error", code, message: outcome.error.message });
        } else {
          await append({
            type: "final",
            answer: outcome?.answer ?? "",
            usage: outcome?.usage ?? { model_calls: 0, input_tokens: 0, output_tokens: 0 },
            outcome: outcome?.outcome ?? "answered",
            interpretation: outcome?.interpretation ?? null,
          });
        }
      }
      // The terminal event ended the turn in KV; this covers a failed append.
      const stored = await this.#store.getTurn(input.owner, turn.id).catch(() => null);
      if (stored?.status === "running") {
        await this.#store.finishTurn(turn.id, "error").catch((e) =>
          this.#log(`Cannot finish turn ${turn.id}`, e)
        );
      }
      this.#running.delete(turn.id);
      wakeAll(r.listeners);
      resolveDone();
    };
    let settled = false;
    controller.signal.addEventListener("abort", () => {
      r.forceTimer = setTimeout(() => {
        if (!settled) {
          settled = true;
          finish(null, undefined);
        }
      }, this.#cancelWaitMs);
    }, { once: true });
    this.#slots.run(controller.signal, () =>
      this.#runner({
        turnId: turn.id,
        question: input.question,
        ...(input.report ? { report: input.report } : {}),
        owner: input.owner,
        conversationId: input.conversationId,
        signal: controller.signal,
        emit,
      }))
      .then(
        (outcome) => {
          if (!settled) {
            settled = true;
            return finish(outcome, undefined);
          }
        },
        (e) => {
          if (!settled) {
            settled = true;
            return finish(null, e ?? new Error("The runner failed"));
          }
        },
      );
    return turn;
  }

  /**
   * Commits the turn's pending events, as many as fit in one commit at a time (a group
   * commit: events that arrive while a commit is in flight go together in the next).
   */
  async #flush(turnId: string, r: Running): Promise<void> {
    // `flushing` is cleared in the same step that finds nothing pending: an event appended
    // by a runner woken by this commit always finds either this loop or none.
    while (r.pending.length > 0) {
      const batch = takeBatch(r.pending);
      try {
        const last = await this.#store.appendEvents(turnId, batch.map((b) => b.event), {
          finish: terminalStatus(batch[batch.length - 1].event),
        });
        const first = last - batch.length + 1;
        batch.forEach((b, i) => r.log.push({ seq: first + i, event: b.event }));
        wakeAll(r.listeners);
      } catch (e) {
        if (e instanceof TurnEndedError) {
          // Another instance ended it (this one was taken for dead): stop working on it.
          r.terminal = true;
          for (const p of r.pending.splice(0)) p.resolve();
          if (!r.controller.signal.aborted) {
            r.controller.abort(new DOMException("The turn was ended elsewhere", "AbortError"));
          }
        } else this.#log(`Cannot store an event of turn ${turnId}`, e);
      }
      for (const b of batch) b.resolve();
    }
    r.flushing = null;
  }

  /** Cancels a turn running in this process; false when it is not running here. */
  cancel(turnId: string, reason = "Cancelled by the user"): boolean {
    const r = this.#running.get(turnId);
    if (!r) return false;
    if (!r.controller.signal.aborted) {
      r.controller.abort(new DOMException(reason, "AbortError"));
    }
    return true;
  }

  /**
   * Stops a turn (as its owner read it) wherever it runs: at once in this process, else by
   * a Stop request in KV that the running instance honours within `stopPollMs` (sooner
   * where KV can watch). False when the turn is not running.
   */
  async stop(turn: TurnRecord, reason = "Cancelled by the user"): Promise<boolean> {
    if (this.cancel(turn.id, reason)) return true;
    if (turn.status !== "running") return false;
    await this.#store.requestStop(turn.id, reason);
    return true;
  }

  /** True while the turn runs in this process. */
  isRunning(turnId: string): boolean {
    return this.#running.has(turnId);
  }

  /**
   * The committed events after `afterSeq` of a turn running in this process, read from
   * memory (no KV read); null when it runs elsewhere or has ended here (read KV then).
   */
  eventsAfter(turnId: string, afterSeq: number): StoredEvent[] | null {
    const log = this.#running.get(turnId)?.log;
    if (!log) return null;
    let i = log.length;
    while (i > 0 && log[i - 1].seq > afterSeq) i--;
    return log.slice(i);
  }

  /**
   * Resolves true once a turn running here has committed an event after `afterSeq` or no
   * longer runs here, false after `timeoutMs` or on abort.
   */
  waitForEvents(
    turnId: string,
    afterSeq: number,
    options: { signal?: AbortSignal; timeoutMs: number },
  ): Promise<boolean> {
    const r = this.#running.get(turnId);
    if (!r || r.log[r.log.length - 1].seq > afterSeq) return Promise.resolve(true);
    if (options.signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (woke: boolean) => {
        clearTimeout(timer);
        r.listeners.delete(wake);
        options.signal?.removeEventListener("abort", onAbort);
        resolve(woke);
      };
      const wake = () => finish(true);
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(false), options.timeoutMs);
      r.listeners.add(wake);
      options.signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Resolves when the turn has ended (at once when it is not running here). */
  async wait(turnId: string): Promise<void> {
    await this.#running.get(turnId)?.done;
  }

  /** Cancels the turn running in a conversation, if any, and waits for it to end. */
  async cancelConversation(conversationId: string): Promise<void> {
    for (const turn of await this.#store.listRunningTurns()) {
      if (turn.conversation_id === conversationId && this.cancel(turn.id, "Conversation deleted")) {
        await this.wait(turn.id);
      }
    }
  }

  /**
   * Registers an event-stream client of a turn; call the returned function when it
   * disconnects. A running turn without clients for the grace period is cancelled; a client
   * on another instance keeps it followed through a mark in KV, renewed while it stays.
   */
  attach(turnId: string): () => void {
    const r = this.#running.get(turnId);
    if (!r) return this.#followElsewhere(turnId);
    r.subscribers++;
    if (r.graceTimer !== null) {
      clearTimeout(r.graceTimer);
      r.graceTimer = null;
    }
    let detached = false;
    return () => {
      if (detached) return;
      detached = true;
      r.subscribers--;
      if (r.subscribers > 0 || !this.#running.has(turnId)) return;
      this.#armGrace(turnId, r, this.#graceMs);
    };
  }

  /** Cancels the turn after `ms` unless a client is back here or follows it elsewhere. */
  #armGrace(turnId: string, r: Running, ms: number): void {
    if (r.graceTimer !== null) clearTimeout(r.graceTimer);
    r.graceTimer = setTimeout(async () => {
      r.graceTimer = null;
      if (r.subscribers > 0 || !this.#running.has(turnId)) return;
      const until = await this.#store.followedUntil(turnId).catch(() => 0);
      const left = until + this.#graceMs - Date.now();
      if (until > 0 && left > 0) return this.#armGrace(turnId, r, left);
      if (r.subscribers === 0) this.cancel(turnId, "The client went away");
    }, ms);
  }

  /** Keeps a turn running on another instance marked followed while a client is here. */
  #followElsewhere(turnId: string): () => void {
    const every = Math.max(250, Math.min(this.#graceMs, this.#leaseMs) / 3);
    const mark = () =>
      this.#store.markFollowed(turnId, Date.now() + every * 3).catch((e) =>
        this.#log(`Cannot mark turn ${turnId} followed`, e)
      );
    mark();
    const timer = setInterval(mark, every);
    return () => clearInterval(timer);
  }

  /**
   * Takes this instance's lease and starts its heartbeat, its sweep of expired leases and
   * its reading of Stop requests; ends, at once, the running turns whose lease has expired
   * (left by a crash, a restart or an instance that went away): each gets an `error`
   * event. Call once at start, before serving; returns how many turns it ended.
   */
  async recover(): Promise<number> {
    await this.#store.beatInstance(this.instanceId, this.#leaseMs);
    if (this.#timers.length > 0) return await this.#sweep();
    const every = (ms: number, f: () => unknown) => {
      const id = setInterval(f, ms);
      Deno.unrefTimer(id);
      this.#timers.push(id);
    };
    every(
      this.#leaseMs / 3,
      () =>
        this.#store.beatInstance(this.instanceId, this.#leaseMs).catch((e) =>
          this.#log("Cannot renew this instance's lease", e)
        ),
    );
    every(this.#leaseMs / 3, () => this.#sweep());
    every(this.#stopPollMs, () => this.#readStops());
    this.#unwatch = this.#store.watchInbox(this.instanceId, () => this.#readStops());
    return await this.#sweep();
  }

  /** Fails the running turns whose lease expired; cancels local turns nobody follows. */
  async #sweep(): Promise<number> {
    if (this.#sweeping || this.#closed) return 0;
    this.#sweeping = true;
    let n = 0;
    try {
      // Turns started before the list is read (a later one may be missing from it).
      const mine = [...this.#running.entries()];
      const running = await this.#store.listRunningTurns();
      // A turn of this instance that KV no longer has running was ended elsewhere (this
      // instance was taken for dead): stop working on it.
      const listed = new Set(running.map((t) => t.id));
      for (const [id, r] of mine) {
        if (!listed.has(id) && !r.terminal && !r.controller.signal.aborted) {
          r.terminal = true;
          r.controller.abort(new DOMException("The turn was ended elsewhere", "AbortError"));
        }
      }
      for (const turn of running) {
        if (this.#running.has(turn.id)) continue;
        if (turn.instance && await this.#store.instanceAlive(turn.instance)) continue;
        const message = "The turn was interrupted: the server running it stopped";
        const events = await this.#store.listEvents(turn.id, 0);
        if (!await this.#store.failOrphanedTurn(turn.id, message)) continue;
        await this.#keepInterrupted(turn, events.map((e) => e.event), message).catch((e) =>
          this.#log(`Cannot keep the interrupted turn ${turn.id} in its conversation`, e)
        );
        n++;
      }
    } catch (e) {
      this.#log("Cannot sweep turns of expired leases", e);
    } finally {
      this.#sweeping = false;
    }
    return n;
  }

  /** Honours the Stop requests for turns of this instance. */
  async #readStops(): Promise<void> {
    if (this.#readingStops || this.#closed || this.#running.size === 0) return;
    this.#readingStops = true;
    try {
      for (const stop of await this.#store.listStops()) {
        if (this.cancel(stop.turn_id, stop.reason)) await this.#store.clearStop(stop.turn_id);
      }
    } catch (e) {
      this.#log("Cannot read Stop requests", e);
    } finally {
      this.#readingStops = false;
    }
  }

  /**
   * Keeps an interrupted turn in its conversation as a failed answer would be: the question
   * (when the turn had not saved it yet) and an answer with what was written of it, the
   * failure note and `error`, so a reload shows how it ended.
   */
  async #keepInterrupted(turn: TurnRecord, events: AgentEvent[], message: string): Promise<void> {
    const messages = await this.#store.listMessages(turn.owner, turn.conversation_id);
    const mine = messages.filter((m) => m.turn_id === turn.id);
    if (mine.some((m) => m.role === "assistant")) return;
    const now = new Date().toISOString();
    if (!mine.some((m) => m.role === "user")) {
      const started = events.find((e) => e.type === "turn_started");
      if (started?.type !== "turn_started" || !started.question) return;
      await this.#store.appendMessage(turn.owner, turn.conversation_id, {
        role: "user",
        content: started.question,
        turn_id: turn.id,
        created_at: turn.created_at,
      });
    }
    const partial = events.map((e) => e.type === "text" ? e.delta : "").join("").trim();
    const note = `_(No complete answer: ${message}.)_`;
    await this.#store.appendMessage(turn.owner, turn.conversation_id, {
      role: "assistant",
      content: partial ? `${partial}\n\n${note}` : note,
      turn_id: turn.id,
      created_at: now,
      error: { code: "internal", message },
    });
  }

  /** Cancels every running turn and waits for them to end. */
  async shutdown(): Promise<void> {
    this.#closed = true;
    for (const id of this.#timers.splice(0)) clearInterval(id);
    this.#unwatch?.();
    const all = [...this.#running.entries()];
    for (const [id] of all) this.cancel(id, "The server is shutting down");
    await Promise.all(all.map(([, r]) => r.done));
    await this.#store.endInstance(this.instanceId).catch(() => {});
  }
}

/**
 * A line of work with a bounded number of places: `run` starts `work` when a place is free
 * (in arrival order, always on a later macrotask, so the request that queued it answers
 * first) and rejects at once with the signal's reason when it aborts while waiting.
 */
/** Calls (and forgets) every listener of `set`. */
function wakeAll(set: Set<() => void>): void {
  const all = [...set];
  set.clear();
  for (const f of all) f();
}

class Slots {
  #free: number;
  /** Starts of the runs waiting for a place, in arrival order. */
  #waiting: (() => void)[] = [];

  constructor(places: number) {
    this.#free = Math.max(1, places);
  }

  run<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        signal.removeEventListener("abort", drop);
        setTimeout(() => {
          Promise.resolve().then(work).then(resolve, reject).finally(() => this.#release());
        }, 0);
      };
      const drop = () => {
        this.#waiting = this.#waiting.filter((w) => w !== start);
        reject(signal.reason ?? new DOMException("Cancelled", "AbortError"));
      };
      if (signal.aborted) return drop();
      if (this.#free > 0) {
        this.#free--;
        return start();
      }
      signal.addEventListener("abort", drop, { once: true });
      this.#waiting.push(start);
    });
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}

/** The first pending events that go in one commit: at most 32 and about 256 KB. */
function takeBatch<T extends { event: AgentEvent }>(pending: T[]): T[] {
  let bytes = 0;
  let n = 0;
  while (n < pending.length && n < 32) {
    const size = JSON.stringify(pending[n].event).length;
    if (n > 0 && bytes + size > 256_000) break;
    bytes += size;
    n++;
  }
  return pending.splice(0, n);
}
