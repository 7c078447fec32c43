/**
 * The control tools a network model declares a turn's outcome with (the offline planner
 * declares it on its response instead):
 *
 * - `decline_request` (supervisor): writes, changes or deletes of any data, actions
 *   (messages, calls), topics outside the call data → outcome `refused`.
 * - `ask_user_to_clarify` (data agent): a name that matches nothing, a metric the data
 *   does not hold, words that could change the result → outcome `clarified`.
 *
 * Each emits its `outcome` event and returns what the model should write next.
 */
import type { EmitEvent, Interpretation } from "./events.ts";
import type { ToolOutput } from "./loop.ts";
import type { ToolDefinition } from "./types.ts";

/** The supervisor's tool for requests it may not carry out. */
export const DECLINE_REQUEST: ToolDefinition = {
  name: "decline_request",
  description:
    "Declines a request the assistant may not carry out: writing, changing or deleting any data (calls, customers, agents, reports); actions such as sending messages, emailing or calling customers; topics outside the contact-center call data. Reports and Excel exports are reading, not writing: never decline them. After it, answer in one line.",
  parameters: {
    type: "object",
    properties: {
      reason: {
        type: "string",
        description:
          'One line: what cannot be done and why ("I can only read call data; I cannot delete calls.").',
      },
    },
    required: ["reason"],
  },
};

/** The data agent's tool for questions it cannot place in the data. */
export const ASK_USER_TO_CLARIFY: ToolDefinition = {
  name: "ask_user_to_clarify",
  description:
    "Asks the user back instead of answering a different question: a name that matches no agent, queue, city, segment or customer; a metric the data does not hold (CSAT, NPS, sentiment, revenue…); words that could change the result and that you cannot place. After it, write the question to the user; run no report that drops or replaces those words.",
  parameters: {
    type: "object",
    properties: {
      reason: {
        type: "string",
        description: 'One line: what could not be placed ("No agent is named zorro.").',
      },
      unplaced: {
        type: "array",
        items: { type: "string" },
        description: 'The words of the question exactly as written ("zorro", "CSAT").',
      },
      suggestions: {
        type: "array",
        items: { type: "string" },
        description:
          "The closest matches the data holds (names a tool offered, metrics that exist).",
      },
    },
    required: ["reason", "unplaced"],
  },
};

/** The control tools' names. */
export const CONTROL_TOOL_NAMES: ReadonlySet<string> = new Set([
  DECLINE_REQUEST.name,
  ASK_USER_TO_CLARIFY.name,
]);

/**
 * Runs `decline_request`: emits outcome `refused` with the reason.
 * @throws Error when the reason is missing (the model gets it back as an error result).
 */
export async function declineRequest(
  args: Record<string, unknown>,
  emit: EmitEvent,
): Promise<ToolOutput> {
  const reason = oneLine(args.reason);
  if (!reason) throw new Error('Missing reason: pass {"reason": "one line"}');
  await emit({ type: "outcome", outcome: "refused", reason });
  return {
    result: {
      declined: true,
      reason,
      next_step:
        "Answer the user now in one line: the reason, then what you can do instead (questions about calls, agents, queues and customers; tables, charts, Excel reports). Call no other tool.",
    },
    summary: `declined: ${reason}`,
  };
}

/**
 * Runs `ask_user_to_clarify`: emits outcome `clarified` with the reason, the unplaced
 * words and `understood` (the reading so far, if a report already ran).
 * @throws Error when the reason or the unplaced words are missing.
 */
export async function askUserToClarify(
  args: Record<string, unknown>,
  emit: EmitEvent,
  understood?: Interpretation,
): Promise<ToolOutput> {
  const reason = oneLine(args.reason);
  if (!reason) throw new Error('Missing reason: pass {"reason": "one line", "unplaced": [...]}');
  const unplaced = words(args.unplaced);
  if (!unplaced.length) {
    throw new Error(
      'Missing unplaced: pass the words of the question you could not place ({"unplaced": ["zorro"]})',
    );
  }
  const suggestions = words(args.suggestions);
  await emit({
    type: "outcome",
    outcome: "clarified",
    reason,
    unplaced,
    ...(understood ? { interpretation: understood } : {}),
  });
  return {
    result: {
      clarifying: true,
      reason,
      unplaced,
      suggestions,
      next_step:
        "Write to the user now, in two or three short lines: exactly what you could not place, the closest matches (the suggestions), and what you can answer instead; ask which they mean. Run no report that drops or replaces those words.",
    },
    summary: `asked back about ${unplaced.join(", ")}`,
  };
}

/** A string argument as one trimmed line ("" when missing). */
function oneLine(v: unknown): string {
  return typeof v === "string" ? v.replace(/\s+/g, " ").trim().slice(0, 300) : "";
}

/** A string or string-array argument as distinct non-empty strings. */
function words(v: unknown): string[] {
  const list = Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
  const out: string[] = [];
  for (const w of list) {
    const s = oneLine(w);
    if (s && !out.includes(s)) out.push(s);
  }
  return out.slice(0, 20);
}
