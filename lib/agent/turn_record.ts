/**
 * What every kind of turn records as it runs (a typed question through the agents, or a
 * report run from the chips): its events in order, the tables, charts and reports it
 * showed, how the question was read and how the turn ended, its steps for the history,
 * and the messages it leaves in the conversation — saved the same way for both.
 */
import { AgentError, toAgentError } from "./errors.ts";
import type {
  AgentEvent,
  ChartSpec,
  EmitEvent,
  Interpretation,
  Outcome,
  ReportRef,
  TableSpec,
  Usage,
} from "./events.ts";
import type { ConversationRepository, MemoryMessage, StoredStep, TurnOutcome } from "./types.ts";

/** Options of {@link TurnRecord}. */
export interface TurnRecordOptions {
  turnId: string;
  /** The question as the user's message records it. */
  question: string;
  owner: string;
  conversationId: string;
  conversations: ConversationRepository;
  /** Receives every event, one at a time, in order. */
  emit: EmitEvent;
  /** The wall clock for message times (never the data's frozen clock). */
  clock?: () => Date;
  /** Model calls and tokens, shared with the agents of the turn. */
  usage: Usage;
}

/** A turn being recorded: its events, results, reading, steps and messages. */
export class TurnRecord {
  readonly events: AgentEvent[] = [];
  readonly tables: TableSpec[] = [];
  readonly charts: ChartSpec[] = [];
  readonly reports: ReportRef[] = [];
  readonly reading = new ReadingTracker();
  readonly steps = new StepLog();
  readonly usage: Usage;
  readonly #o: TurnRecordOptions;
  readonly #clock: () => Date;
  readonly #askedAt: string;
  #queue: Promise<void> = Promise.resolve();
  #userSaved = false;

  constructor(o: TurnRecordOptions) {
    this.#o = o;
    this.usage = o.usage;
    this.#clock = o.clock ?? (() => new Date());
    this.#askedAt = this.#clock().toISOString();
  }

  /** Sends an event as is, after the ones before it; resolves when it is delivered. */
  send(event: AgentEvent): Promise<void> {
    this.events.push(event);
    this.#queue = this.#queue.then(() => this.#o.emit(event));
    return this.#queue;
  }

  /** Records what an event shows (results, reading, steps), then sends it. */
  record(event: AgentEvent): Promise<void> {
    if (event.type === "table") this.tables.push(stripType(event));
    if (event.type === "chart") this.charts.push(stripType(event));
    if (event.type === "report") this.reports.push(stripType(event));
    this.reading.see(event);
    this.steps.see(event);
    return this.send(event);
  }

  /** Announces the turn and checks its conversation exists. */
  async start(): Promise<void> {
    const o = this.#o;
    await this.record({
      type: "turn_started",
      turn_id: o.turnId,
      conversation_id: o.conversationId,
      question: o.question,
    });
    const conversation = await o.conversations.getConversation(o.owner, o.conversationId);
    if (!conversation) throw new AgentError("internal", "Conversation not found");
  }

  /** Saves the user's question (once). */
  async saveQuestion(): Promise<void> {
    const o = this.#o;
    await o.conversations.appendMessage(o.owner, o.conversationId, {
      role: "user",
      content: o.question,
      turn_id: o.turnId,
      created_at: this.#askedAt,
    });
    this.#userSaved = true;
  }

  /** The assistant's message with what the turn showed and the context for follow-ups. */
  #assistantMessage(content: string, context?: MemoryMessage["context"]): MemoryMessage {
    const m: MemoryMessage = {
      role: "assistant",
      content,
      turn_id: this.#o.turnId,
      created_at: this.#clock().toISOString(),
    };
    if (this.steps.items.length) m.steps = this.steps.finished();
    if (this.tables.length) m.tables = this.tables;
    if (this.charts.length) m.charts = this.charts;
    if (this.reports.length) m.reports = this.reports;
    if (context) m.context = context;
    return m;
  }

  /** Saves the answer with its outcome and reading, sends `final`, and returns the outcome. */
  async finish(answer: string, context?: MemoryMessage["context"]): Promise<TurnOutcome> {
    const o = this.#o;
    const outcome = this.reading.outcome;
    const interpretation = this.reading.interpretation();
    await o.conversations.appendMessage(o.owner, o.conversationId, {
      ...this.#assistantMessage(answer, context),
      outcome,
      interpretation,
    });
    const usage = { ...this.usage };
    await this.record({ type: "final", answer, usage, outcome, interpretation });
    return { answer, usage, outcome, interpretation, events: this.events, error: null };
  }

  /**
   * Ends the turn with an error: the question and the partial answer are kept (a failed
   * turn leaves the conversation intact), an `error` event is sent, and the outcome says
   * what happened. Never throws.
   */
  async fail(
    e: unknown,
    o: { signal: AbortSignal; partial: string; context?: MemoryMessage["context"] },
  ): Promise<TurnOutcome> {
    const err = toAgentError(e, o.signal);
    const t = this.#o;
    try {
      if (!this.#userSaved) await this.saveQuestion();
      const note = `_(No complete answer: ${err.message}.)_`;
      await t.conversations.appendMessage(t.owner, t.conversationId, {
        ...this.#assistantMessage(o.partial ? `${o.partial}\n\n${note}` : note, o.context),
        error: { code: err.code, message: err.message },
      });
    } catch {
      // the store is unavailable: the error event still tells the user
    }
    this.#queue = this.#queue.catch(() => {});
    try {
      await this.record({ type: "error", code: err.code, message: err.message });
    } catch {
      // the listener failed; the outcome still carries the error
    }
    return {
      answer: o.partial,
      usage: { ...this.usage },
      outcome: this.reading.outcome,
      interpretation: this.reading.interpretation(),
      events: this.events,
      error: { code: err.code, message: err.message },
    };
  }
}

/**
 * Follows a turn's `interpretation` and `outcome` events to how it ended: the last word
 * wins (a data result after a question asked back means the assistant went on to answer).
 * Several readings of one metric over two periods are one reading with a compared period.
 */
export class ReadingTracker {
  outcome: Outcome = "answered";
  #readings: Interpretation[] = [];
  #partial: Interpretation | null = null;
  #unplaced: string[] = [];

  see(event: AgentEvent): void {
    if (event.type === "interpretation") {
      if (this.outcome !== "answered") this.#reset("answered");
      this.#readings.push(stripType(event));
    } else if (event.type === "outcome") {
      if (event.outcome !== "answered") {
        this.#reset(event.outcome);
        this.#partial = event.interpretation ?? null;
      }
      for (const w of event.unplaced ?? []) if (!this.#unplaced.includes(w)) this.#unplaced.push(w);
    }
  }

  #reset(outcome: Outcome): void {
    this.outcome = outcome;
    this.#readings = [];
    this.#partial = null;
    this.#unplaced = [];
  }

  /** The reading to show; null for declined turns and turns that read no data. */
  interpretation(): Interpretation | null {
    if (this.outcome === "refused") return null;
    const base = this.outcome === "clarified" ? this.#partial : this.#readings[0] ?? null;
    if (!base) return null;
    const out: Interpretation = { ...base, filters: { ...base.filters } };
    const other = this.#readings.find((r) =>
      r.metric === base.metric && r.period?.label !== base.period?.label
    );
    if (other && !out.compare_period) out.compare_period = other.period;
    const unplaced = [...base.unplaced];
    for (const w of this.#unplaced) if (!unplaced.includes(w)) unplaced.push(w);
    out.unplaced = unplaced;
    return out;
  }
}

/** Most steps kept with an answer; tool arguments are kept up to this JSON size. */
const MAX_STORED_STEPS = 60;
const MAX_STORED_ARGS = 400;

/** The steps and tool calls of a turn, compact, for the history. */
export class StepLog {
  items: StoredStep[] = [];
  #open = new Map<string, number>();

  see(event: AgentEvent): void {
    if (event.type === "step") {
      this.#add({ type: "step", text: event.text });
    } else if (event.type === "tool_start") {
      const step: StoredStep = {
        type: "tool",
        tool: event.tool,
        ok: null,
        summary: null,
        duration_ms: null,
      };
      const args = event.args ?? {};
      if (Object.keys(args).length && JSON.stringify(args).length <= MAX_STORED_ARGS) {
        step.args = args;
      }
      if (this.#add(step)) this.#open.set(event.call_id, this.items.length - 1);
    } else if (event.type === "tool_end") {
      const i = this.#open.get(event.call_id);
      this.#open.delete(event.call_id);
      const ended = {
        ok: event.ok,
        summary: event.summary,
        duration_ms: Math.round(event.duration_ms),
      };
      if (i !== undefined) Object.assign(this.items[i], ended);
      else this.#add({ type: "tool", tool: event.tool, ...ended });
    }
  }

  /** The steps as kept: copies, tool calls that never reported back stay `ok: null`. */
  finished(): StoredStep[] {
    return this.items.map((s) => ({ ...s }));
  }

  #add(step: StoredStep): boolean {
    if (this.items.length >= MAX_STORED_STEPS) return false;
    this.items.push(step);
    return true;
  }
}

/** An event without its `type`, as tables, charts and readings are kept. */
export function stripType<T extends { type: string }>(event: T): Omit<T, "type"> {
  const { type: _type, ...rest } = event;
  return rest;
}
