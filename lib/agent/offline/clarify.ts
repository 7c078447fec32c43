/**
 * What the offline planner says when it does not answer: a request it declines
 * (`refused`, one line) or a question it asks back (`clarified`): what it could not
 * place, the closest names it knows, and the question it can answer instead.
 */
import type { Interpretation } from "../events.ts";
import { durationLabel } from "../../reports/filters.ts";
import { timeOfDayLabel } from "../../reports/time_of_day.ts";
import { resolvePeriod } from "../../time/periods.ts";
import type { DeclaredOutcome } from "../types.ts";
import type { UnplacedWord } from "./account.ts";
import { suggestions } from "./chat.ts";
import type { Intent } from "./intent.ts";
import { entryOf, reportParams } from "./plan.ts";
import type { Vocabulary } from "./vocabulary.ts";
import { mdText } from "./format.ts";

/** A supervisor decision that ends the turn with a reply and an outcome. */
export interface OutcomeReply {
  kind: "reply";
  text: string;
  outcome: DeclaredOutcome;
}

/** The reason given for questions outside the call data. */
export const OUTSIDE =
  "That is outside what I know: I answer questions about the contact center's calls, agents, queues and customers.";

/** A declined request: its one-line reason, and what can be asked instead. */
export function declined(reason: string, vocab: Vocabulary): OutcomeReply {
  const examples = suggestions(vocab).slice(0, 4).map((s) => `- ${s}`);
  return {
    kind: "reply",
    text: [
      reason,
      "",
      "I can count, list, rank and export calls, agents, queues and customers, for example:",
      "",
      ...examples,
    ].join("\n"),
    outcome: { outcome: "refused", reason },
  };
}

/** A question asked back. */
export function clarified(
  text: string,
  reason: string,
  unplaced: string[],
  understood?: { interpretation: Interpretation; question: string },
): OutcomeReply {
  const outcome: DeclaredOutcome = { outcome: "clarified", reason, unplaced };
  if (understood) {
    outcome.interpretation = understood.interpretation;
    outcome.question = understood.question;
  }
  return { kind: "reply", text, outcome };
}

function listShort(names: string[], max = 12): string {
  const xs = names.map(mdText);
  if (xs.length <= max) return xs.join(", ");
  return `${xs.slice(0, max).join(", ")} and ${xs.length - max} more`;
}

const KNOWN: Record<string, (v: Vocabulary) => string[]> = {
  agent: (v) => v.agents,
  queue: (v) => v.queues,
  city: (v) => v.cities,
  segment: (v) => v.segments,
  disposition: (v) => v.dispositions,
};

const PLURAL: Record<string, string> = {
  agent: "Agents",
  queue: "Queues",
  city: "Cities",
  segment: "Segments",
  disposition: "Dispositions",
};

/** "I could not place “jonathan”: there is no agent of that name. Did you mean …?" */
export function unplacedReply(
  unplaced: UnplacedWord[],
  vocab: Vocabulary,
  without: string | null,
): string {
  const lines: string[] = [];
  const head = unplaced.length === 1
    ? "I could not place one part of the question, so I have not answered it:"
    : "I could not place some parts of the question, so I have not answered it:";
  lines.push(head, "");
  for (const u of unplaced) {
    const text = mdText(u.text);
    let line = u.why
      ? `- **${text}**: ${mdText(u.why)}`
      : u.kind === "customer"
      ? `- **${text}**: no customer of that name or number in the address book.`
      : u.kind
      ? `- **${text}**: there is no ${u.kind} of that name in the data.`
      : `- **${text}**: not a name, period, filter or measure I know in the call data.`;
    if (u.suggestions.length) {
      line += ` Did you mean ${u.suggestions.map((s) => `**${mdText(s)}**`).join(" or ")}?`;
    } else if (u.kind && KNOWN[u.kind]) {
      const known = KNOWN[u.kind](vocab);
      if (known.length) line += ` ${PLURAL[u.kind]}: ${listShort(known)}.`;
    }
    lines.push(line);
  }
  lines.push("");
  if (without) {
    lines.push(
      `Without ${unplaced.length === 1 ? "it" : "them"} the question would be “${
        mdText(without)
      }” — say which you meant, or ask that.`,
    );
  } else {
    lines.push(`You can ask for example: ${suggestions(vocab).slice(0, 3).join(" · ")}`);
  }
  return lines.join("\n");
}

/** "The call data has no NPS: …" and what it can answer instead. */
export function unsupportedReply(name: string, vocab: Vocabulary): string {
  return [
    `The call data has no ${name}: the database holds call records (times, durations, status, ` +
    `queue, agent, disposition) and the customer address book, but no survey or score of that kind.`,
    "",
    "I can answer with what is there, for example the abandonment rate, service level, " +
    "average handle time, answer rate or dispositions (such as resolved or escalated). Try:",
    "",
    ...suggestions(vocab).slice(0, 4).map((s) => `- ${s}`),
  ].join("\n");
}

/** What was understood of a question that is asked back (for the chips). */
export function partialReading(
  i: Intent,
  ctx: { tz: string; now: Date },
  unplaced: string[],
): Interpretation {
  const p = reportParams(i);
  let period: Interpretation["period"] = null;
  if (i.period) {
    try {
      const r = resolvePeriod(i.period, ctx);
      if (r) period = { label: r.label, start: r.start.toISOString(), end: r.end.toISOString() };
    } catch {
      // an unreadable period stays out of the reading
    }
  }
  const filters: Interpretation["filters"] = {};
  for (const k of ["direction", "agent", "queue", "customer", "disposition", "city", "segment"]) {
    const v = (p as Record<string, unknown>)[k];
    if (typeof v === "string") filters[k] = v;
  }
  if (p.status) filters.status = Array.isArray(p.status) ? [...p.status] : p.status;
  if (p.duration) filters.duration = durationLabel(p.duration);
  if (p.time_of_day) filters.time_of_day = timeOfDayLabel(p.time_of_day);
  const entry = entryOf(i);
  return {
    metric: entry,
    metric_label: entry.replaceAll("_", " ").replace(/^./, (c) => c.toUpperCase()),
    period,
    filters,
    group_by: p.group_by ?? null,
    unplaced,
  };
}
