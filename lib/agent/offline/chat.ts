/**
 * What the offline planner says when there is no data question: greetings, help, and
 * "I did not understand" with questions it can answer (named with the data's own
 * queues and agents, so the examples work on any dataset).
 */
import type { Vocabulary } from "./vocabulary.ts";

/** Example questions, 5 or 6, using names from the data when there are any. */
export function suggestions(vocab: Vocabulary): string[] {
  const queue = vocab.queues[0];
  const agent = vocab.agents[0];
  const out = [
    "How many calls were made today?",
    "What was the abandonment rate yesterday?",
    "Show me agent performance for last week",
    queue ? `Missed calls for the ${queue} queue yesterday` : "Missed calls yesterday",
    agent
      ? `How many calls did agent ${agent} handle this month?`
      : "Which agent handled the most calls this month?",
    "Export all outgoing calls from last week to Excel",
  ];
  return out;
}

function bullets(xs: string[]): string {
  return xs.map((x) => `- ${x}`).join("\n");
}

/** The reply to a greeting. */
export function greetingReply(vocab: Vocabulary): string {
  return `Hello! I answer questions about the contact center's calls, agents, queues and customers, ` +
    `with tables, charts and Excel reports. Try for example:\n\n${bullets(suggestions(vocab))}`;
}

/** The reply to thanks. */
export function thanksReply(): string {
  return "You're welcome! Ask me anything else about calls, agents, queues or customers.";
}

/** What the assistant can do. */
export function helpReply(vocab: Vocabulary): string {
  return [
    "I answer questions about the calls in the contact-center database:",
    "",
    "- **Counts and listings**: calls today, missed calls yesterday, calls of an agent, calls from a customer (by number or name), calls with customers from a city",
    "- **KPIs**: abandonment rate, service level, average speed of answer, answer rate, average handle time, talk time, call duration statistics, unique customers",
    "- **Breakdowns and rankings**: per agent, queue, status, disposition, day or hour; the busiest hour; the agent with the most calls; top customers",
    "- **Excel reports**: say *export … to Excel* or *generate … report*",
    "",
    "Follow-ups work too (*And outgoing?*, *same for last month*, *break it down by queue*). Examples:",
    "",
    bullets(suggestions(vocab)),
  ].join("\n");
}

/** The reply when the question is not understood. */
export function notUnderstoodReply(question: string, vocab: Vocabulary): string {
  const q = question.trim().replace(/\s+/g, " ");
  const shown = q.length > 80 ? `${q.slice(0, 77)}…` : q;
  return `I did not understand “${shown}”. I can answer questions about calls, agents, queues and ` +
    `customers: counts, KPIs, breakdowns, listings and Excel reports. For example:\n\n${
      bullets(suggestions(vocab))
    }`;
}
