/**
 * Conversation memory for a turn: the stored messages, with the older part summarised
 * once the conversation grows past a token budget (the last few messages stay verbatim).
 */
import type { ChatMessage, ConversationRepository, MemoryMessage } from "./types.ts";

/** Messages always kept verbatim at the end of the history. */
export const KEEP_RECENT = 4;

/** Rough token estimate: ≈ 4 characters a token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Tokens a stored message costs in the prompt (its text and its context note). */
export function messageTokens(m: MemoryMessage): number {
  return estimateTokens(m.content) + (m.context ? estimateTokens(JSON.stringify(m.context)) : 0) +
    4;
}

/** Summarises older messages, given the previous summary (null when none). */
export type Summarizer = (previous: string | null, messages: MemoryMessage[]) => Promise<string>;

/** The memory a turn starts from. */
export interface PreparedMemory {
  /** Every stored message (for providers that plan from structure). */
  all: MemoryMessage[];
  /** Summary of `all.slice(0, covers)`, or null. */
  summary: string | null;
  /** Messages after the summary, verbatim. */
  recent: MemoryMessage[];
  /** True when this call wrote a new summary. */
  summarised: boolean;
}

/**
 * Loads a conversation's memory; when the unsummarised part is over `budget` tokens,
 * summarises all but the last {@link KEEP_RECENT} messages and stores the summary.
 */
export async function prepareMemory(opts: {
  conversations: ConversationRepository;
  owner: string;
  conversationId: string;
  budget: number;
  summarize?: Summarizer;
  keepRecent?: number;
}): Promise<PreparedMemory> {
  const { conversations, owner, conversationId } = opts;
  const keep = opts.keepRecent ?? KEEP_RECENT;
  const [all, stored] = await Promise.all([
    conversations.listMessages(owner, conversationId),
    conversations.getSummary(owner, conversationId),
  ]);
  let covers = stored && stored.covers <= all.length ? stored.covers : 0;
  let summary = covers ? stored!.text : null;
  const cost = (from: number) =>
    (summary ? estimateTokens(summary) : 0) +
    all.slice(from).reduce((n, m) => n + messageTokens(m), 0);
  if (cost(covers) <= opts.budget || all.length - covers <= keep) {
    return { all, summary, recent: all.slice(covers), summarised: false };
  }
  let upTo = all.length - keep;
  while (upTo > covers && all[upTo]?.role !== "user") upTo--;
  if (upTo <= covers) return { all, summary, recent: all.slice(covers), summarised: false };
  const summarize = opts.summarize ??
    ((prev, msgs) => Promise.resolve(extractiveSummary(prev, msgs, opts.budget)));
  summary = await summarize(summary, all.slice(covers, upTo));
  covers = upTo;
  await conversations.setSummary(owner, conversationId, { text: summary, covers });
  return { all, summary, recent: all.slice(covers), summarised: true };
}

/**
 * A deterministic summary: one line per question with the first sentence of its answer
 * and the context it ran with; the oldest lines go first when over half the budget.
 */
export function extractiveSummary(
  previous: string | null,
  messages: MemoryMessage[],
  budget: number,
): string {
  const lines = previous ? previous.split("\n").filter((l) => l.startsWith("- ")) : [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m.role !== "user") continue;
    const answer = messages[i + 1]?.role === "assistant" ? messages[i + 1] : null;
    let line = `- Asked: "${clip(m.content, 160)}"`;
    if (answer) {
      line += ` → ${clip(firstSentence(answer.content), 200)}`;
      const note = contextNote(answer.context);
      if (note) line += ` ${note}`;
    }
    lines.push(line);
  }
  const header = "Earlier in this conversation:";
  const max = Math.max(200, Math.floor(budget / 2));
  while (lines.length > 1 && estimateTokens([header, ...lines].join("\n")) > max) lines.shift();
  return [header, ...lines].join("\n");
}

/** "[context: question "…"; report call_count {"period":"today"}]" or "". */
export function contextNote(context: Record<string, unknown> | undefined): string {
  if (!context) return "";
  const parts: string[] = [];
  if (typeof context.question === "string") parts.push(`question "${context.question}"`);
  const report = context.report as { name?: string; params?: unknown } | undefined;
  if (report?.name) parts.push(`report ${report.name} ${JSON.stringify(report.params ?? {})}`);
  return parts.length ? `[context: ${parts.join("; ")}]` : "";
}

/** The history as chat messages: the summary (as a system note), then the recent messages. */
export function historyMessages(memory: Pick<PreparedMemory, "summary" | "recent">): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (memory.summary) out.push({ role: "system", content: memory.summary });
  for (const m of memory.recent) {
    if (m.role === "user") out.push({ role: "user", content: m.content });
    else {
      const note = contextNote(m.context);
      out.push({ role: "assistant", content: note ? `${m.content}\n\n${note}` : m.content });
    }
  }
  return out;
}

function firstSentence(text: string): string {
  const plain = text.replace(/[*_`#>|]/g, "").replace(/\s+/g, " ").trim();
  const m = plain.match(/^(.+?[.!?])(\s|$)/);
  return m ? m[1] : plain;
}

function clip(text: string, n: number): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}
