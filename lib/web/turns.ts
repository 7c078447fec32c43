/**
 * The turn manager: runs turns in the background, one AbortController per turn, and turns
 * whatever the runner emits into the turn's durable event log in KV. Every turn ends with
 * exactly one `final` or `error` event, whatever the runner does (returns, throws, ignores
 * the abort). When the last event-stream client of a running turn goes away and none comes
 * back within the grace period, the turn is cancelled.
 */
import type { AgentEvent, ErrorCode } from "../agent/events.ts";
import type { TurnOutcome } from "../agent/types.ts";
import type { ReportParams } from "../reports/types.ts";
import type { Store, TurnRecord, TurnStatus } from "../kv.ts";
import { newId } from "../kv.ts";

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
  log?: (message: string, error?: unknown) => void;
}

interface Running {
  controller: AbortController;
  /** Appends in order. */
  chain: Promise<unknown>;
  terminal: boolean;
  done: Promise<void>;
  subscribers: number;
  graceTimer: ReturnType<typeof setTimeout> | null;
  forceTimer: ReturnType<typeof setTimeout> | null;
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

  constructor(options: TurnManagerOptions) {
    this.#store = options.store;
    this.#runner = options.runner;
    this.#graceMs = options.graceMs ?? 10_000;
    this.#cancelWaitMs = options.cancelWaitMs ?? 3_000;
    this.#log = options.log ?? ((m, e) => console.error(m, e ?? ""));
    this.#slots = new Slots(options.maxRunning ?? 4);
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
  }): Promise<TurnRecord | "busy" | "not_found"> {
    if (this.#closed) throw new Error("Cannot start a turn: the server is shutting down");
    const id = newId("t");
    // The turn and its first event are stored in one commit: its stream opens at once.
    const turn = await this.#store.createTurn({
      id,
      owner: input.owner,
      conversation_id: input.conversationId,
    }, {
      type: "turn_started",
      turn_id: id,
      conversation_id: input.conversationId,
      question: input.question,
    });
    if (typeof turn === "string") return turn;
    const controller = new AbortController();
    let resolveDone!: () => void;
    const r: Running = {
      controller,
      chain: Promise.resolve(),
      terminal: false,
      done: new Promise<void>((res) => resolveDone = res),
      subscribers: 0,
      graceTimer: null,
      forceTimer: null,
    };
    this.#running.set(turn.id, r);
    const append = (event: AgentEvent): Promise<void> => {
      const p = r.chain.then(async () => {
        if (r.terminal) return;
        const finish = terminalStatus(event);
        if (finish) r.terminal = true;
        await this.#store.appendEvent(turn.id, event, { finish });
      });
      r.chain = p.catch((e) => this.#log(`Cannot store an event of turn ${turn.id}`, e));
      return r.chain.then(() => {});
    };
    const emit = (event: AgentEvent): Promise<void> => {
      // The manager announces the turn itself (the runner does not know the turn id).
      if (event.type === "turn_started") return Promise.resolve();
      return append(event);
    };
    const finish = async (outcome: TurnOutcome | null, thrown: unknown) => {
      if (r.forceTimer !== null) clearTimeout(r.forceTimer);
      if (r.graceTimer !== null) clearTimeout(r.graceTimer);
      await r.chain;
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

  /** Cancels a turn running in this process; false when it is not running here. */
  cancel(turnId: string, reason = "Cancelled by the user"): boolean {
    const r = this.#running.get(turnId);
    if (!r) return false;
    if (!r.controller.signal.aborted) {
      r.controller.abort(new DOMException(reason, "AbortError"));
    }
    return true;
  }

  /** True while the turn runs in this process. */
  isRunning(turnId: string): boolean {
    return this.#running.has(turnId);
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
   * disconnects. A running turn without clients for the grace period is cancelled.
   */
  attach(turnId: string): () => void {
    const r = this.#running.get(turnId);
    if (!r) return () => {};
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
      if (r.graceTimer !== null) clearTimeout(r.graceTimer);
      r.graceTimer = setTimeout(() => {
        r.graceTimer = null;
        if (r.subscribers === 0) this.cancel(turnId, "The client went away");
      }, this.#graceMs);
    };
  }

  /**
   * Ends turns the store still marks running but no process runs (left by a crash or a
   * restart): each gets an `error` event. Call once at start, before serving.
   */
  async recover(): Promise<number> {
    let n = 0;
    for (const turn of await this.#store.listRunningTurns()) {
      if (this.#running.has(turn.id)) continue;
      const events = await this.#store.listEvents(turn.id, 0);
      const last = events[events.length - 1]?.event;
      if (last?.type !== "final" && last?.type !== "error") {
        const message = "The turn was interrupted by a server restart";
        await this.#store.appendEvent(turn.id, { type: "error", code: "internal", message });
        await this.#keepInterrupted(turn, events.map((e) => e.event), message).catch((e) =>
          this.#log(`Cannot keep the interrupted turn ${turn.id} in its conversation`, e)
        );
      }
      await this.#store.finishTurn(turn.id, last?.type === "final" ? "done" : "error");
      n++;
    }
    return n;
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
    const all = [...this.#running.entries()];
    for (const [id] of all) this.cancel(id, "The server is shutting down");
    await Promise.all(all.map(([, r]) => r.done));
  }
}

/**
 * A line of work with a bounded number of places: `run` starts `work` when a place is free
 * (in arrival order, always on a later macrotask, so the request that queued it answers
 * first) and rejects at once with the signal's reason when it aborts while waiting.
 */
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
