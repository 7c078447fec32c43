/**
 * The chat's view model: a conversation is a list of turns (a question and what the
 * assistant did and said). `applyEvent` folds one agent event into a turn; it is pure, so
 * the live stream, a replayed stream and the tests all go through the same code.
 */
import {
  type AgentEvent,
  type AgentEventType,
  assertNever,
  type ChartSpec,
  type Interpretation,
  type Outcome,
  type ReportRef,
  type TableSpec,
  type Usage,
} from "../lib/agent/events.ts";

/** A step the assistant reported, or a tool call with its outcome. */
export type StepItem =
  | { kind: "step"; text: string }
  | {
    kind: "tool";
    call_id: string;
    tool: string;
    args: Record<string, unknown>;
    /** `stopped`: the turn ended before the tool reported back. */
    status: "running" | "ok" | "error" | "stopped";
    summary: string | null;
    duration_ms: number | null;
  };

/** A thumbs up or down on an answer, with an optional comment. */
export interface Feedback {
  rating: "up" | "down";
  comment: string;
}

/** A step as the history keeps it (`GET /api/conversations/{id}`, assistant messages). */
export type HistoryStep =
  | { type: "step"; text: string }
  | {
    type: "tool";
    tool: string;
    args?: Record<string, unknown>;
    ok: boolean | null;
    summary: string | null;
    duration_ms: number | null;
  };

/** Where a turn stands. `pending`: asked, not yet accepted by the server. */
export type TurnStatus = "pending" | "running" | "done" | "error" | "cancelled";

/** One question and its answer as the page shows it. */
export interface TurnView {
  /** Stable key for rendering; it never changes for the life of the view. */
  key: string;
  turn_id: string | null;
  question: string;
  /** ISO instant the question was asked, when known. */
  asked_at: string | null;
  status: TurnStatus;
  steps: StepItem[];
  /** The answer so far (text deltas), then the final answer. */
  answer: string;
  tables: TableSpec[];
  charts: ChartSpec[];
  reports: ReportRef[];
  /** Why the turn failed; also set for `cancelled`. Codes beyond ErrorCode are client-side. */
  error: { code: string; message: string } | null;
  usage: Usage | null;
  /**
   * How the question was read (shown as chips above the answer): the final event's, or
   * while streaming the latest `interpretation` event (or a clarified turn's partial
   * reading). null when nothing was read or the question was declined.
   */
  interpretation: Interpretation | null;
  /**
   * How the turn ended: the final event's; while streaming, only a `clarified` or
   * `refused` outcome event sets it (an answer is known as such when it ends).
   */
  outcome: Outcome | null;
  /** ISO instant the answer finished, when known. */
  finished_at: string | null;
  /** The user's thumbs up/down on the answer, once given. */
  feedback: Feedback | null;
  /** Highest SSE event id applied (events at or below it are duplicates). */
  last_event_id: number;
}

/** A conversation as listed in the sidebar. */
export interface ConversationSummary {
  id: string;
  title: string;
  updated_at: string;
}

/** A stored message as `GET /api/conversations/{id}` returns it. */
export interface HistoryMessage {
  role: "user" | "assistant";
  content: string;
  turn_id?: string;
  tables?: TableSpec[];
  charts?: ChartSpec[];
  reports?: ReportRef[];
  /** How the question was read (assistant messages, when stored). */
  interpretation?: Interpretation | null;
  /** How the turn ended (assistant messages, when stored). */
  outcome?: Outcome;
  /** When the question was asked (user) or the answer ended (assistant). */
  created_at?: string;
  /** What the assistant did (assistant messages). */
  steps?: HistoryStep[];
  /** Why the turn ended without a complete answer (stopped or failed). */
  error?: { code: string; message: string };
  /** The user's feedback on the answer (assistant messages). */
  feedback?: Feedback;
}

/** Every event type, for subscribing to named SSE events. Exhaustive by construction. */
const EVENT_TYPE_SET: Record<AgentEventType, true> = {
  turn_started: true,
  step: true,
  tool_start: true,
  tool_end: true,
  text: true,
  table: true,
  chart: true,
  report: true,
  interpretation: true,
  outcome: true,
  final: true,
  error: true,
};

/** The SSE event names the page listens to. */
export const EVENT_TYPES = Object.keys(EVENT_TYPE_SET) as AgentEventType[];

let keySeq = 0;

/** A new turn for a question the user just asked. */
export function newTurn(question: string, askedAt: string | null): TurnView {
  keySeq += 1;
  return {
    key: `local-${keySeq}`,
    turn_id: null,
    question,
    asked_at: askedAt,
    status: "pending",
    steps: [],
    answer: "",
    tables: [],
    charts: [],
    reports: [],
    error: null,
    usage: null,
    interpretation: null,
    outcome: null,
    finished_at: null,
    feedback: null,
    last_event_id: 0,
  };
}

/** True while the turn can still change (asked or running). */
export function isActive(turn: TurnView): boolean {
  return turn.status === "pending" || turn.status === "running";
}

function stopRunningTools(steps: StepItem[]): StepItem[] {
  return steps.map((s) =>
    s.kind === "tool" && s.status === "running" ? { ...s, status: "stopped" } : s
  );
}

function withoutType<T extends { type: string }>(event: T): Omit<T, "type"> {
  const { type: _type, ...rest } = event;
  return rest;
}

/**
 * Folds one agent event into a turn and returns the new turn (the input is not changed).
 * `now` stamps the finish time of `final`/`error`.
 */
export function applyEvent(turn: TurnView, event: AgentEvent, now?: string): TurnView {
  switch (event.type) {
    case "turn_started":
      return {
        ...turn,
        turn_id: event.turn_id,
        question: turn.question || event.question,
        status: isActive(turn) ? "running" : turn.status,
      };
    case "step":
      return {
        ...turn,
        status: activeStatus(turn),
        steps: [...turn.steps, { kind: "step", text: event.text }],
      };
    case "tool_start":
      return {
        ...turn,
        status: activeStatus(turn),
        steps: [...turn.steps, {
          kind: "tool",
          call_id: event.call_id,
          tool: event.tool,
          args: event.args ?? {},
          status: "running",
          summary: null,
          duration_ms: null,
        }],
      };
    case "tool_end": {
      const i = turn.steps.findIndex((s) => s.kind === "tool" && s.call_id === event.call_id);
      const ended: StepItem = {
        kind: "tool",
        call_id: event.call_id,
        tool: event.tool,
        args: i >= 0 && turn.steps[i].kind === "tool" ? turn.steps[i].args : {},
        status: event.ok ? "ok" : "error",
        summary: event.summary,
        duration_ms: event.duration_ms,
      };
      const steps = i >= 0 ? turn.steps.map((s, j) => j === i ? ended : s) : [...turn.steps, ended];
      return { ...turn, status: activeStatus(turn), steps };
    }
    case "text":
      return { ...turn, status: activeStatus(turn), answer: turn.answer + event.delta };
    case "table":
      return { ...turn, tables: [...turn.tables, withoutType(event)] };
    case "chart":
      return { ...turn, charts: [...turn.charts, withoutType(event)] };
    case "report":
      return { ...turn, reports: [...turn.reports, withoutType(event)] };
    case "interpretation":
      return { ...turn, ...readingSeen(turn, withoutType(event)) };
    case "outcome": {
      if (event.outcome === "answered") {
        const extra = event.unplaced ?? [];
        return turn.interpretation && extra.length
          ? { ...turn, interpretation: withUnplaced(turn.interpretation, extra) }
          : turn;
      }
      const partial = event.outcome === "clarified" ? event.interpretation ?? null : null;
      return {
        ...turn,
        status: activeStatus(turn),
        outcome: event.outcome,
        interpretation: partial && withUnplaced(partial, event.unplaced ?? []),
      };
    }
    case "final":
      return {
        ...turn,
        status: "done",
        answer: event.answer || turn.answer,
        usage: event.usage,
        outcome: event.outcome ?? turn.outcome,
        interpretation: event.interpretation === undefined
          ? turn.interpretation
          : event.interpretation,
        error: null,
        steps: stopRunningTools(turn.steps),
        finished_at: now ?? turn.finished_at,
      };
    case "error":
      return {
        ...turn,
        status: event.code === "cancelled" ? "cancelled" : "error",
        error: { code: event.code, message: event.message },
        steps: stopRunningTools(turn.steps),
        finished_at: now ?? turn.finished_at,
      };
    default:
      return assertNever(event);
  }
}

/** A copy of `i` whose unplaced words also hold `extra` (no duplicates). */
function withUnplaced(i: Interpretation, extra: readonly string[]): Interpretation {
  const unplaced = [...i.unplaced];
  for (const w of extra) if (!unplaced.includes(w)) unplaced.push(w);
  return { ...i, filters: { ...i.filters }, unplaced };
}

/**
 * The reading while streaming, after an `interpretation` event: a data result after a
 * question asked back means the assistant went on to answer; a second reading of the same
 * metric over another period is shown as the compared period; otherwise the latest wins.
 */
function readingSeen(
  turn: TurnView,
  reading: Interpretation,
): Pick<TurnView, "interpretation" | "outcome"> {
  const cur = turn.outcome === "clarified" || turn.outcome === "refused"
    ? null
    : turn.interpretation;
  if (cur && cur.metric === reading.metric && reading.period) {
    const label = reading.period.label;
    if (cur.compare_period?.label === label) return { interpretation: cur, outcome: null };
    if (cur.period?.label === label) {
      const compare = cur.compare_period ?? reading.compare_period;
      return {
        interpretation: compare ? { ...reading, compare_period: compare } : reading,
        outcome: null,
      };
    }
    if (!cur.compare_period) {
      return { interpretation: { ...cur, compare_period: reading.period }, outcome: null };
    }
  }
  return { interpretation: reading, outcome: null };
}

function activeStatus(turn: TurnView): TurnStatus {
  return turn.status === "pending" ? "running" : turn.status;
}

/**
 * Applies an event received over SSE with its id; events already applied (id at or below
 * the last one) are ignored, so a replay after reconnecting changes nothing.
 */
export function applyStreamEvent(
  turn: TurnView,
  event: AgentEvent,
  id: number | null,
  now?: string,
): TurnView {
  if (id !== null && id <= turn.last_event_id) return turn;
  const next = applyEvent(turn, event, now);
  return id === null ? next : { ...next, last_event_id: id };
}

/** Marks a turn failed with a client-side reason (network, HTTP error). */
export function failTurn(turn: TurnView, code: string, message: string, now?: string): TurnView {
  return {
    ...turn,
    status: "error",
    error: { code, message },
    steps: stopRunningTools(turn.steps),
    finished_at: now ?? turn.finished_at,
  };
}

/** True when the event ends the turn's stream. */
export function isTerminal(event: AgentEvent): boolean {
  return event.type === "final" || event.type === "error";
}

/** The note the server adds to a stopped or failed answer (shown as a notice instead). */
const NO_ANSWER_NOTE = /(?:^|\n\n)_\(No complete answer: [^\n]*\)_\s*$/;

/** A stored step as the steps block shows it. */
export function stepFromHistory(step: HistoryStep, index: number): StepItem {
  if (step.type === "step") return { kind: "step", text: step.text };
  return {
    kind: "tool",
    call_id: `h${index}`,
    tool: step.tool,
    args: step.args ?? {},
    status: step.ok === true ? "ok" : step.ok === false ? "error" : "stopped",
    summary: step.summary,
    duration_ms: step.duration_ms,
  };
}

/**
 * Rebuilds turns from stored messages: each user message opens a turn and the assistant
 * message after it answers it, with its steps, times, reading and feedback; a stopped or
 * failed answer comes back stopped or failed (with what it found). A question with no
 * stored answer but a turn id is `running` (the page re-attaches to its event stream,
 * which also replays how it ended); one with neither is an error the user can retry.
 */
export function turnsFromHistory(messages: readonly HistoryMessage[]): TurnView[] {
  const turns: TurnView[] = [];
  let open: TurnView | null = null;
  const close = () => {
    if (open === null) return;
    if (open.turn_id) {
      open.status = "running";
    } else {
      open.status = "error";
      open.error = { code: "no_answer", message: "This question has no saved answer." };
    }
    turns.push(open);
    open = null;
  };
  for (const m of messages) {
    if (m.role === "user") {
      close();
      open = newTurn(m.content, m.created_at ?? null);
      if (m.turn_id) {
        open.turn_id = m.turn_id;
        open.key = m.turn_id;
      }
    } else {
      const t: TurnView = open ?? newTurn("", null);
      open = null;
      t.status = "done";
      t.answer = m.content;
      if (m.error) {
        t.status = m.error.code === "cancelled" ? "cancelled" : "error";
        t.error = { code: m.error.code, message: m.error.message };
        t.answer = m.content.replace(NO_ANSWER_NOTE, "").trim();
      }
      t.steps = (m.steps ?? []).map(stepFromHistory);
      t.feedback = m.feedback ?? null;
      t.tables = m.tables ?? [];
      t.charts = m.charts ?? [];
      t.reports = m.reports ?? [];
      t.interpretation = m.interpretation ?? null;
      t.outcome = m.outcome ?? null;
      t.finished_at = m.created_at ?? null;
      if (m.turn_id && !t.turn_id) {
        t.turn_id = m.turn_id;
        t.key = m.turn_id;
      }
      turns.push(t);
    }
  }
  close();
  return turns;
}

/** Longest automatic conversation title (characters). */
export const TITLE_LENGTH = 60;

const TITLE_LEAD_INS = [
  /^(?:hi|hello|hey|ok(?:ay)?|so|well)\b[\s,!.:-]*/i,
  /^(?:please|pls|kindly)\b[\s,]*/i,
  /^(?:can|could|would|will) you(?: please)?\s+(?=\S)/i,
  /^(?:show|tell|give|get|find) me\s+(?=\S)/i,
  /^i (?:want|need|would like|'d like) (?:to (?:see|know)\s+)?(?=\S)/i,
];

/**
 * A short conversation title from its first question, without a model: the first line,
 * polite lead-ins dropped ("Hi, can you please show me calls…" → "Calls…"), the first
 * letter capitalised, cut at a word to {@linkcode TITLE_LENGTH} characters.
 */
export function titleFromQuestion(question: string): string {
  const line = question.split("\n").find((l) => l.trim())?.replace(/\s+/g, " ").trim() ?? "";
  let title = line;
  for (let changed = true; changed;) {
    changed = false;
    for (const re of TITLE_LEAD_INS) {
      const next = title.replace(re, "");
      if (next !== title && next.trim()) {
        title = next.trim();
        changed = true;
      }
    }
  }
  if (!/[A-Za-z0-9]/.test(title)) title = line;
  title = title.charAt(0).toUpperCase() + title.slice(1);
  const chars = [...title];
  if (chars.length <= TITLE_LENGTH) return title;
  const cut = chars.slice(0, TITLE_LENGTH - 1).join("");
  const space = cut.lastIndexOf(" ");
  return `${(space > TITLE_LENGTH * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, "")}…`;
}

/** Moves a conversation to the top of the list with a new `updated_at` (adding it if new). */
export function touchConversation(
  list: readonly ConversationSummary[],
  conversation: ConversationSummary,
): ConversationSummary[] {
  return [conversation, ...list.filter((c) => c.id !== conversation.id)];
}
