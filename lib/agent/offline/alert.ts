/**
 * KPI alerts in the offline planner: reading a request to create, list or cancel an alert
 * ("alert me when the abandonment rate is above 10% in the last hour", "what alerts do I
 * have", "stop the abandonment alert"), and writing the answer from the alert tools'
 * results (`../alert_tools.ts`). Every word of a create request must be placed — the
 * metric, above/below, the threshold, the window, a queue, agent or direction — anything
 * left over is asked back, never read as a different rule.
 */
import { ALERT_METRICS } from "../../alerts/metrics.ts";
import { mdText } from "./format.ts";
import type { Vocabulary } from "./vocabulary.ts";

/** An alert request as read. */
export type AlertRequest =
  | { kind: "list" }
  | { kind: "cancel"; number?: number; words: string[] }
  | { kind: "create"; args: Record<string, unknown> }
  | { kind: "unclear"; reason: string; unplaced: string[]; text: string };

const ALERT_WORD = /\balerts?\b/u;
const CREATE =
  /^(?:please\s+)?(?:(?:can\s+you|could\s+you)\s+)?(?:alert|notify|warn|tell|ping|let)\s+(?:me|us)\s+(?:know\s+)?(?:when|if|once|whenever)\b/u;
const SET_UP = /\b(?:set\s+up|create|add|make)\s+(?:an?\s+)?alert\b/u;
const CANCEL = /\b(?:stop|cancel|delete|remove|disable|turn\s+off|drop)\b/u;

/** Phrases of each metric, longest first when matched. */
const METRIC_PHRASES: [string, string][] = [
  ["abandonment rate", "abandonment_rate"],
  ["abandon rate", "abandonment_rate"],
  ["abandonment", "abandonment_rate"],
  ["abandoned rate", "abandonment_rate"],
  ["service level", "service_level"],
  ["average speed of answer", "asa"],
  ["speed of answer", "asa"],
  ["asa", "asa"],
  ["answer rate", "answer_rate"],
  ["average handle time", "aht"],
  ["handle time", "aht"],
  ["aht", "aht"],
  ["missed calls", "missed_calls"],
  ["missed", "missed_calls"],
  ["average talk time", "avg_talk_time"],
  ["talk time", "avg_talk_time"],
  ["average call duration", "avg_duration"],
  ["call duration", "avg_duration"],
  ["unique customers", "unique_customers"],
  ["calls", "call_count"],
  ["call volume", "call_count"],
];

const ABOVE =
  /\b(?:is\s+|are\s+|goes\s+|go\s+|gets\s+|rises\s+|climbs\s+)?(?:above|over|more\s+than|greater\s+than|higher\s+than|exceeds?|exceeding|>)\s*/u;
const BELOW =
  /\b(?:is\s+|are\s+|goes\s+|go\s+|gets\s+|drops\s+|falls\s+|dips\s+)?(?:below|under|less\s+than|fewer\s+than|lower\s+than|<)\s*/u;

/** Words that carry no meaning of their own in an alert request. */
const FILLER = new Set(
  ("alert notify warn tell ping let me us know when if once whenever please can could you the " +
    "is are a an of in for on than there be gets get goes go rate there's theres any " +
    "set up create add make alert").split(/\s+/),
);

/** True when a question is about KPI alerts (create, list or cancel). */
export function isAlertRequest(question: string): boolean {
  const t = ` ${question.toLowerCase().trim()} `;
  if (ALERT_WORD.test(t) || SET_UP.test(t)) return true;
  // "tell me when …" is an alert only with a threshold ("tell me when the busiest hour was" is not).
  return CREATE.test(t.trim()) && (ABOVE.test(t) || BELOW.test(t)) && /\d/.test(t);
}

function unclear(reason: string, unplaced: string[], text: string): AlertRequest {
  return { kind: "unclear", reason, unplaced, text };
}

const HOW = 'For example: "alert me when the abandonment rate is above 10% in the last hour", ' +
  '"notify me if ASA goes over 60 s today in queue support", or "tell me when more than 50 ' +
  'missed calls today". You can also set one up on the [Alerts page](/alerts).';

/** Reads an alert request (create, list, cancel), or says what could not be read. */
export function readAlertRequest(question: string, vocab: Vocabulary): AlertRequest {
  let t = ` ${question.toLowerCase().replace(/[?!.,;]+(?=\s|$)/g, " ").replace(/\s+/g, " ")} `;
  const creating = CREATE.test(t.trim()) || SET_UP.test(t);
  if (!creating) {
    if (CANCEL.test(t)) {
      const n = /\b(?:alert|number|#)\s*#?(\d{1,3})\b/u.exec(t);
      const words = t.replace(CANCEL, " ").split(/\s+/).filter((w) =>
        w && !FILLER.has(w) && !/^(?:alerts?|my|all|\d+|#\d+|that|this|one|it)$/.test(w)
      );
      return { kind: "cancel", ...(n ? { number: Number(n[1]) } : {}), words };
    }
    return { kind: "list" };
  }
  const args: Record<string, unknown> = {};
  // Metric.
  let metric: string | null = null;
  for (const [phrase, name] of METRIC_PHRASES) {
    const re = new RegExp(`\\b${phrase}\\b`, "u");
    if (re.test(t)) {
      metric = name;
      t = t.replace(re, " ");
      break;
    }
  }
  // Window.
  let window: string | null = null;
  const w =
    /\b(?:in\s+|over\s+|for\s+|during\s+)?(?:the\s+)?(?:last|past)\s+(?:(\d+)\s+)?(minutes?|mins?|hours?|hrs?)\b/u
      .exec(t);
  if (w) {
    const n = Number(w[1] ?? 1);
    window = `last ${n} ${/^h/.test(w[2]) ? "hours" : "minutes"}`;
    t = t.replace(w[0], " ");
  } else if (/\b(?:for\s+|so\s+far\s+)?today(?:\s+so\s+far)?\b/u.test(t)) {
    window = "today";
    t = t.replace(/\b(?:for\s+|so\s+far\s+)?today(?:\s+so\s+far)?\b/u, " ");
  }
  // Comparison and threshold.
  let comparison: string | null = null;
  let threshold: number | null = null;
  const num = String
    .raw`(\d+(?:\.\d+)?)\s*(%|percent|per\s+cent|s|sec|secs|seconds?|m|mins?|minutes?)?(?=\s)`;
  for (const [word, re] of [["above", ABOVE], ["below", BELOW]] as const) {
    const m = new RegExp(re.source + num, "u").exec(t);
    if (m) {
      comparison = word;
      threshold = Number(m[1]);
      if (m[2] && /^m/.test(m[2])) threshold *= 60;
      t = t.replace(m[0], " ");
      break;
    }
  }
  // "more than 50 missed calls": the metric after the number was already taken out.
  // Filters: a queue, an agent, a direction.
  const filters: Record<string, string> = {};
  for (const q of vocab.queues) {
    const re = new RegExp(
      `\\b(?:(?:in|for|on)\\s+)?(?:the\\s+)?(?:queue\\s+)?${
        escape(q.toLowerCase())
      }(?:\\s+queue)?\\b`,
      "u",
    );
    if (re.test(t)) {
      filters.queue = q;
      t = t.replace(re, " ");
      break;
    }
  }
  for (const a of vocab.agents) {
    const re = new RegExp(
      `\\b(?:(?:for|of|by)\\s+)?(?:agent\\s+)?${escape(a.toLowerCase())}\\b`,
      "u",
    );
    if (re.test(t)) {
      filters.agent = a;
      t = t.replace(re, " ");
      break;
    }
  }
  const dir = /\b(?:for\s+|on\s+)?(incoming|inbound|outgoing|outbound)(?:\s+calls)?\b/u.exec(t);
  if (dir) {
    filters.direction = /^(?:incoming|inbound)$/.test(dir[1]) ? "incoming" : "outgoing";
    t = t.replace(dir[0], " ");
  }
  const left = t.split(/\s+/).filter((x) => x && !FILLER.has(x));
  const missing: string[] = [];
  if (!metric) missing.push("which figure to watch");
  if (!comparison || threshold === null) missing.push("above or below which threshold");
  if (left.length || missing.length) {
    const parts: string[] = [];
    if (left.length) {
      parts.push(`I could not place ${left.map((x) => `“${mdText(x)}”`).join(", ")}`);
    }
    if (missing.length) parts.push(`I need ${missing.join(" and ")}`);
    return unclear(
      left.length ? `Could not place ${left.join(", ")}` : `Missing ${missing.join(" and ")}`,
      left,
      `${parts.join("; ")}, so I have not created an alert. I can watch ${
        ALERT_METRICS.map((m) => m.label.toLowerCase()).join(", ")
      }. ${HOW}`,
    );
  }
  args.metric = metric;
  args.comparison = comparison;
  args.threshold = threshold;
  args.window = window ?? "today";
  args.filters = filters;
  args.channels = { in_app: true };
  return { kind: "create", args };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** An alert as the tools list it. */
export interface ListedAlert {
  number: number;
  id: string;
  name: string;
  description: string;
  metric: string;
  window: string;
  enabled: boolean;
  channels: { in_app: boolean; email: string[]; webhook: string | null };
}

function line(a: ListedAlert): string {
  const named = a.name !== a.description ? ` — ${mdText(a.description)}` : "";
  return `${a.number}. **${mdText(a.name)}**${named}${a.enabled ? "" : " (disabled)"}`;
}

/** The alerts a cancel request names: by number, else by the words of their rule. */
export function matchAlerts(
  r: Extract<AlertRequest, { kind: "cancel" }>,
  list: ListedAlert[],
): ListedAlert[] {
  if (r.number !== undefined) return list.filter((a) => a.number === r.number);
  if (!r.words.length) return list;
  return list.filter((a) => {
    const text = `${a.name} ${a.description} ${a.metric.replaceAll("_", " ")}`.toLowerCase();
    return r.words.every((w) => text.includes(w) || text.includes(w.replace(/s$/, "")));
  });
}

/** The answer after `create_alert`. */
export function createdAlertAnswer(a: ListedAlert): string {
  const where = [
    a.channels.in_app ? "the bell in the app" : null,
    a.channels.email.length ? `email to ${a.channels.email.map(mdText).join(", ")}` : null,
    a.channels.webhook ? "the webhook" : null,
  ].filter(Boolean).join(" and ");
  return [
    `Alert set: **${mdText(a.description)}**.`,
    "",
    `It is checked every minute and notifies you through ${where} once when the value crosses ` +
    `the threshold, then again only after it recovers.`,
    "",
    `Change it (threshold, window, email or webhook) on the [Alerts page](/alerts), or say ` +
    `“stop alert ${a.number}” to cancel it.`,
  ].join("\n");
}

/** The answer after `list_alerts`. */
export function listAlertsAnswer(list: ListedAlert[]): string {
  if (!list.length) {
    return `You have no alerts. ${HOW}`;
  }
  return [
    list.length === 1 ? "You have 1 alert:" : `You have ${list.length} alerts:`,
    "",
    ...list.map(line),
    "",
    "Manage them on the [Alerts page](/alerts), or say “stop alert N” to cancel one.",
  ].join("\n");
}

/** The answer after `cancel_alert`. */
export function cancelledAlertAnswer(a: ListedAlert): string {
  return `Alert cancelled: **${mdText(a.name)}**. You will get no more notifications from it.`;
}

/** The question asked back when a cancel request names none or several alerts. */
export function whichAlertAnswer(matches: ListedAlert[], list: ListedAlert[]): string {
  if (!list.length) return "You have no alerts, so there is nothing to stop.";
  const shown = matches.length ? matches : list;
  return [
    matches.length
      ? `${matches.length} alerts match — which one should I stop?`
      : "No alert matches that — which one should I stop?",
    "",
    ...shown.map(line),
    "",
    "Say “stop alert N” with its number.",
  ].join("\n");
}
