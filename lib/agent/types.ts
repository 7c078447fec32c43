/**
 * Contracts of the agent: chat messages, model providers, tools and the turn runner.
 */
import type { AgentEvent, EmitEvent, Interpretation, Outcome, Usage } from "./events.ts";

/** A tool call requested by the model. `arguments` is the raw JSON text. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A message of the model conversation (OpenAI Chat Completions shape). */
export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string }
  | { role: "assistant"; content: string | null; tool_calls?: ToolCall[] }
  | { role: "tool"; tool_call_id: string; content: string };

/** A tool offered to the model (JSON-schema parameters). */
export interface ToolDefinition {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** One model request. */
export interface ModelRequest {
  messages: ChatMessage[];
  tools: ToolDefinition[];
  signal: AbortSignal;
  /**
   * Called with each piece of answer text as it streams. The turn runner's returns a
   * promise that settles once the piece is delivered; providers that produce text faster
   * than it can be delivered (the offline planner) await it between pieces.
   */
  onText?: (delta: string) => void;
  /**
   * The conversation so far as stored (with each assistant message's `context`), for
   * providers that plan from structure (the offline planner). OpenAI ignores it.
   */
  memory?: MemoryMessage[];
}

/** One model response: the assistant message (text and/or tool calls) and its usage. */
export interface ModelResponse {
  message: Extract<ChatMessage, { role: "assistant" }>;
  usage: { input_tokens: number; output_tokens: number };
  /**
   * How the turn ends, where the provider decided it itself (the offline planner asks
   * back or declines without a tool call). Network models declare it through tools.
   */
  outcome?: DeclaredOutcome;
}

/** An outcome a provider or a tool declares, with its one-line reason. */
export interface DeclaredOutcome {
  outcome: Outcome;
  reason: string;
  /** Words of the question that could not be placed. */
  unplaced?: string[];
  /** What was understood, where a part of the question was (clarified turns). */
  interpretation?: Interpretation;
  /** The question as far as it was understood, standalone (for the follow-up). */
  question?: string;
}

/** A chat model: OpenAI-compatible, offline planner, or a scripted stand-in for tests. */
export interface ModelProvider {
  readonly name: string;
  /** The model's name, where the provider has one (traces report it). */
  readonly model?: string;
  complete(request: ModelRequest): Promise<ModelResponse>;
}

/** A message kept in conversation memory (what the user and the assistant said). */
export interface MemoryMessage {
  role: "user" | "assistant";
  content: string;
  turn_id?: string;
  /** Tables, charts and reports the turn produced (assistant messages). */
  tables?: import("./events.ts").TableSpec[];
  charts?: import("./events.ts").ChartSpec[];
  reports?: import("./events.ts").ReportRef[];
  /** How the turn ended (assistant messages of finished turns). */
  outcome?: Outcome;
  /** How the question was read; null when declined or no data was read. */
  interpretation?: Interpretation | null;
  /** ISO instant: when the question was asked (user) or the answer ended (assistant). */
  created_at?: string;
  /** What the assistant did (assistant messages), compact, in order. */
  steps?: StoredStep[];
  /** Why the turn ended without a complete answer (assistant messages of failed turns). */
  error?: { code: string; message: string };
  /**
   * Machine-readable context for follow-ups, written by the turn runner:
   * `{ question: <standalone question>, report?: { name, params } }` (the last catalog call).
   */
  context?: Record<string, unknown>;
}

/**
 * A step of a turn as kept with its answer (for the history): a note of what the assistant
 * did, or a tool call with how it went. `args` only when small.
 */
export type StoredStep =
  | { type: "step"; text: string }
  | {
    type: "tool";
    tool: string;
    args?: Record<string, unknown>;
    /** null: the turn ended before the tool reported back. */
    ok: boolean | null;
    summary: string | null;
    duration_ms: number | null;
  };

/** The outcome of a turn. */
export interface TurnOutcome {
  answer: string;
  /** "answered", "clarified" or "refused" (see CLI.md). */
  outcome: Outcome;
  /** How the question was read; null for declined turns and turns that read no data. */
  interpretation: Interpretation | null;
  usage: Usage;
  events: AgentEvent[];
  error: { code: string; message: string } | null;
}

export type { AgentEvent, EmitEvent, Usage };

/** A conversation as listed. */
export interface ConversationInfo {
  id: string;
  owner: string;
  title: string;
  /** ISO instants. */
  created_at: string;
  updated_at: string;
}

/**
 * Conversation memory per user (implemented over Deno KV in `lib/kv.ts`). Every method
 * checks the owner: another user's conversation behaves as if it did not exist.
 */
export interface ConversationRepository {
  createConversation(owner: string, title: string): Promise<ConversationInfo>;
  getConversation(owner: string, id: string): Promise<ConversationInfo | null>;
  listConversations(owner: string): Promise<ConversationInfo[]>;
  renameConversation(owner: string, id: string, title: string): Promise<boolean>;
  deleteConversation(owner: string, id: string): Promise<boolean>;
  appendMessage(owner: string, conversationId: string, message: MemoryMessage): Promise<void>;
  listMessages(owner: string, conversationId: string): Promise<MemoryMessage[]>;
  /** Summary of the older part of a long conversation, and how many messages it covers. */
  getSummary(
    owner: string,
    conversationId: string,
  ): Promise<{ text: string; covers: number } | null>;
  setSummary(
    owner: string,
    conversationId: string,
    summary: { text: string; covers: number },
  ): Promise<void>;
}
