/**
 * The offline planner: the embedded default model. It implements `ModelProvider` with
 * rules instead of a network model, so the same agent loop, events and memory serve it.
 *
 * - Supervisor role (tools include `ask_data_agent`): answers small talk itself, or
 *   resolves the question against the conversation (follow-ups) and hands one
 *   standalone question to the data agent.
 * - Data-agent role (tools include `run_report`): plans catalog calls for the question,
 *   then writes the answer from their results.
 */
import { CALLS, CUSTOMERS, type DataClient } from "../../data/types.ts";
import type { Dimension, ReportParams } from "../../reports/types.ts";
import { parseToolResult } from "../envelope.ts";
import type {
  ChatMessage,
  DeclaredOutcome,
  MemoryMessage,
  ModelProvider,
  ModelRequest,
  ModelResponse,
  ToolCall,
} from "../types.ts";
import { composeAnswer, type ToolOutcome } from "./answer.ts";
import { greetingReply, helpReply, notUnderstoodReply, thanksReply } from "./chat.ts";
import type { Filters, Intent, Metric } from "./intent.ts";
import { planCalls, planSort } from "./plan.ts";
import { renderQuestion } from "./render.ts";
import {
  isFollowUp,
  isRefinement,
  normalize,
  resolveIntent,
  resolveStandalone,
} from "./resolve.ts";
import { escapeRegExp } from "./text.ts";
import { hasContent, type ParseContext, parseQuestion } from "./understand.ts";
import { accountFor, correctTypos, refusalOf, unsupportedMetricOf } from "./account.ts";
import {
  clarified,
  declined,
  OUTSIDE,
  partialReading,
  unplacedReply,
  unsupportedReply,
} from "./clarify.ts";
import { createVocabularyCache, type Vocabulary, vocabularyFor } from "./vocabulary.ts";
import {
  cancelledAnswer,
  createdAnswer,
  isScheduleRequest,
  listAnswer,
  type ListedSchedule,
  matchSchedules,
  readScheduleRequest,
  type ScheduleRequest,
  whichScheduleAnswer,
} from "./schedule.ts";
import {
  type AlertRequest,
  cancelledAlertAnswer,
  createdAlertAnswer,
  isAlertRequest,
  listAlertsAnswer,
  type ListedAlert,
  matchAlerts,
  readAlertRequest,
  whichAlertAnswer,
} from "./alert.ts";

/** Options of {@link createOfflineProvider}. */
export interface OfflineProviderOptions {
  /** IANA business time zone. */
  tz: string;
  /** The clock (frozen in tests and demos). */
  now: () => Date;
  /** Where agent names, queues, customers… are read from. */
  client: DataClient;
  /** How long the data vocabulary is cached (default 10 minutes). */
  vocabularyTtlMs?: number;
}

/** What the planner decided for one supervisor turn (for tests and tools). */
export type SupervisorDecision =
  | { kind: "reply"; text: string; outcome?: DeclaredOutcome }
  | { kind: "ask"; question: string; intent: Intent; unused: string[] }
  | { kind: "schedule"; request: Exclude<ScheduleRequest, { kind: "unclear" }> }
  | { kind: "alert"; request: Exclude<AlertRequest, { kind: "unclear" }> };

/** What the offline planner says when alerts cannot be reached (the CLI has no store). */
export const ALERTS_NEED_APP =
  "KPI alerts are made in the web app: here I cannot create, list or cancel them.";

/** What the offline planner says when schedules cannot be reached (the CLI has no store). */
export const SCHEDULES_NEED_APP =
  "Scheduled reports are made in the web app: here I cannot create, list or cancel them.";

/** The offline planner as a model provider (name "offline"). */
export function createOfflineProvider(opts: OfflineProviderOptions): ModelProvider {
  const planner = createOfflinePlanner(opts);
  return {
    name: "offline",
    complete: (request) => planner.complete(request),
  };
}

/** The planner with its parts exposed (for tests). */
export interface OfflinePlanner extends ModelProvider {
  /** The supervisor's decision for a question in a conversation. */
  decide(
    question: string,
    history: { memory?: MemoryMessage[]; messages?: ChatMessage[] },
    signal?: AbortSignal,
  ): Promise<SupervisorDecision>;
  /** The intent of a standalone question (null when not understood). */
  understand(question: string, signal?: AbortSignal): Promise<Intent | null>;
}

/** Creates the offline planner. */
export function createOfflinePlanner(opts: OfflineProviderOptions): OfflinePlanner {
  // The client's shared cache (also read by the name checks and pickers), unless a test
  // asks for its own lifetime.
  const vocabulary = opts.vocabularyTtlMs === undefined
    ? vocabularyFor(opts.client)
    : createVocabularyCache(opts.client, { ttlMs: opts.vocabularyTtlMs });
  const names = createNameCache(opts.client);
  const nameLookup = (candidates: string[], signal?: AbortSignal) => names(candidates, signal);
  let seq = 0;
  const callId = () => `call_offline_${Date.now().toString(36)}_${++seq}`;

  async function context(signal?: AbortSignal): Promise<ParseContext> {
    let vocab: Vocabulary;
    try {
      vocab = await vocabulary.get(signal);
    } catch (e) {
      if (signal?.aborted) throw e;
      vocab = {
        agents: [],
        queues: [],
        dispositions: [],
        cities: [],
        segments: [],
      };
    }
    return {
      vocab,
      tz: opts.tz,
      now: opts.now(),
      lookupPhone: (digits) => lookupPhone(opts.client, digits, signal),
      lookupCustomerNames: (names) => nameLookup(names, signal),
    };
  }

  async function understand(question: string, signal?: AbortSignal): Promise<Intent | null> {
    const ctx = await context(signal);
    return resolveStandalone(await parseQuestion(question, ctx));
  }

  async function previousIntent(
    ctx: ParseContext,
    memory: MemoryMessage[] | undefined,
    messages: ChatMessage[] | undefined,
  ): Promise<Intent | null> {
    for (let k = (memory?.length ?? 0) - 1; k >= 0; k--) {
      const m = memory![k];
      if (m.role !== "assistant" || !m.context) continue;
      const q = m.context.question;
      if (typeof q === "string" && q.trim()) {
        const intent = resolveStandalone(await parseQuestion(q, ctx));
        if (intent) return intent;
      }
      const fromReport = intentFromReport(m.context.report);
      if (fromReport) return fromReport;
    }
    if (memory?.length) return null;
    // No stored memory: replay the user's earlier messages.
    const users = (messages ?? []).filter((m) => m.role === "user").slice(0, -1);
    let intent: Intent | null = null;
    for (const m of users.slice(-6)) {
      const p = await parseQuestion(m.content as string, ctx);
      intent = resolveIntent(p, intent) ?? intent;
    }
    return intent;
  }

  async function decide(
    question: string,
    history: { memory?: MemoryMessage[]; messages?: ChatMessage[] },
    signal?: AbortSignal,
  ): Promise<SupervisorDecision> {
    const ctx = await context(signal);
    if (isScheduleRequest(question)) {
      const request = await readScheduleRequest(question, ctx);
      if (request.kind !== "unclear") return { kind: "schedule", request };
      return clarified(
        request.text,
        request.reason,
        request.unplaced,
        request.interpretation ? { interpretation: request.interpretation, question } : undefined,
      );
    }
    if (isAlertRequest(question)) {
      const request = readAlertRequest(question, ctx.vocab);
      if (request.kind !== "unclear") return { kind: "alert", request };
      return clarified(request.text, request.reason, request.unplaced);
    }
    const refusal = refusalOf(question);
    if (refusal) return declined(refusal, ctx.vocab);
    const { text } = correctTypos(question, ctx.vocab);
    const parsed = await parseQuestion(text, ctx);
    if (parsed.chat === "greeting") return { kind: "reply", text: greetingReply(ctx.vocab) };
    if (parsed.chat === "thanks") return { kind: "reply", text: thanksReply() };
    if (parsed.chat === "help") return { kind: "reply", text: helpReply(ctx.vocab) };
    const unsupported = unsupportedMetricOf(question);
    if (unsupported) {
      return clarified(unsupportedReply(unsupported, ctx.vocab), `No ${unsupported} in the data`, [
        unsupported,
      ]);
    }
    const prev = await previousIntent(ctx, history.memory, history.messages);
    const followUp = !!prev && (isFollowUp(parsed) || isRefinement(parsed, prev));
    const account = accountFor(parsed, ctx.vocab, { followUp });
    if (account.unplaced.length && !hasContent(parsed) && !parsed.followUpCue) {
      return declined(OUTSIDE, ctx.vocab);
    }
    const intent = resolveIntent(parsed, prev);
    if (account.unplaced.length) {
      const words = account.unplaced.map((u) => u.text);
      const inverts = account.unplaced.some((u) => u.inverts);
      return clarified(
        unplacedReply(
          account.unplaced,
          ctx.vocab,
          intent && !inverts ? renderQuestion(intent) : null,
        ),
        `Could not place ${words.map((w) => `“${w}”`).join(", ")}`,
        words,
        intent
          ? { interpretation: partialReading(intent, ctx, words), question: renderQuestion(intent) }
          : undefined,
      );
    }
    if (!intent) {
      return clarified(
        notUnderstoodReply(question, ctx.vocab),
        "The question was not understood",
        [],
      );
    }
    return { kind: "ask", question: renderQuestion(intent), intent, unused: account.harmless };
  }

  async function supervisor(req: ModelRequest): Promise<ModelResponse> {
    const last = req.messages[req.messages.length - 1];
    if (last?.role === "tool" && SCHEDULE_TOOLS.has(parseToolResult(last.content)?.tool ?? "")) {
      return await scheduleStep(req);
    }
    if (last?.role === "tool" && ALERT_TOOLS.has(parseToolResult(last.content)?.tool ?? "")) {
      return await alertStep(req);
    }
    if (last?.role === "tool") {
      // The data agent's answer normally ends the turn; this runs only when it did not.
      const env = parseToolResult(last.content);
      const answer = typeof env?.answer === "string" ? env.answer.trim() : "";
      if (env?.ok && answer) return await reply(answer, undefined);
      const why = env?.error ?? "the data agent gave no answer";
      return await reply(`Sorry, I could not answer that: ${why}`, req.onText);
    }
    const question = lastUserText(req.messages);
    const d = await decide(question, { memory: req.memory, messages: req.messages }, req.signal);
    if (d.kind === "reply") return { ...await reply(d.text, req.onText), outcome: d.outcome };
    if (d.kind === "schedule") {
      if (!req.tools.some((t) => t.name === "create_schedule")) {
        return {
          ...await reply(
            `${SCHEDULES_NEED_APP} Open the chat or the Schedules page of the web app to set one up.`,
            req.onText,
          ),
          outcome: { outcome: "refused", reason: SCHEDULES_NEED_APP },
        };
      }
      const r = d.request;
      return r.kind === "create"
        ? toolCalls([{ name: "create_schedule", args: r.args }])
        : toolCalls([{ name: "list_schedules", args: {} }]);
    }
    if (d.kind === "alert") {
      if (!req.tools.some((t) => t.name === "create_alert")) {
        return {
          ...await reply(`${ALERTS_NEED_APP} Open the web app to set one up.`, req.onText),
          outcome: { outcome: "refused", reason: ALERTS_NEED_APP },
        };
      }
      const r = d.request;
      return r.kind === "create"
        ? toolCalls([{ name: "create_alert", args: r.args }])
        : toolCalls([{ name: "list_alerts", args: {} }]);
    }
    const res = toolCalls([{ name: "ask_data_agent", args: { question: d.question } }]);
    if (d.unused.length) res.outcome = { outcome: "answered", reason: "", unplaced: d.unused };
    return res;
  }

  /** The next step of a schedule request, after a schedule tool answered. */
  async function scheduleStep(req: ModelRequest): Promise<ModelResponse> {
    const last = req.messages[req.messages.length - 1] as Extract<ChatMessage, { role: "tool" }>;
    const env = parseToolResult(last.content)!;
    if (!env.ok) {
      const why = env.error ?? "the schedule could not be saved";
      return {
        ...await reply(`I have not changed any schedule: ${why}`, req.onText),
        outcome: { outcome: "clarified", reason: why.slice(0, 300), unplaced: [] },
      };
    }
    if (env.tool === "create_schedule") {
      return await reply(createdAnswer(env.schedule as ListedSchedule), req.onText);
    }
    if (env.tool === "cancel_schedule") {
      return await reply(cancelledAnswer(env.schedule as ListedSchedule), req.onText);
    }
    const list = (env.schedules ?? []) as ListedSchedule[];
    const ctx = await context(req.signal);
    const request = await readScheduleRequest(lastUserText(req.messages), ctx);
    if (request.kind !== "cancel") return await reply(listAnswer(list), req.onText);
    const matches = matchSchedules(request, list);
    if (matches.length === 1) {
      return toolCalls([{ name: "cancel_schedule", args: { id: matches[0].id } }]);
    }
    const unplaced = matches.length ? [] : request.words;
    return {
      ...await reply(whichScheduleAnswer(request, matches, list), req.onText),
      outcome: {
        outcome: "clarified",
        reason: !list.length
          ? "There are no schedules to cancel"
          : matches.length
          ? `${matches.length} schedules match`
          : "No schedule matches",
        unplaced,
      },
    };
  }

  /** The next step of an alert request, after an alert tool answered. */
  async function alertStep(req: ModelRequest): Promise<ModelResponse> {
    const last = req.messages[req.messages.length - 1] as Extract<ChatMessage, { role: "tool" }>;
    const env = parseToolResult(last.content)!;
    if (!env.ok) {
      const why = env.error ?? "the alert could not be saved";
      return {
        ...await reply(`I have not changed any alert: ${why}`, req.onText),
        outcome: { outcome: "clarified", reason: why.slice(0, 300), unplaced: [] },
      };
    }
    if (env.tool === "create_alert") {
      return await reply(createdAlertAnswer(env.alert as ListedAlert), req.onText);
    }
    if (env.tool === "cancel_alert") {
      return await reply(cancelledAlertAnswer(env.alert as ListedAlert), req.onText);
    }
    const list = (env.alerts ?? []) as ListedAlert[];
    const ctx = await context(req.signal);
    const request = readAlertRequest(lastUserText(req.messages), ctx.vocab);
    if (request.kind !== "cancel") return await reply(listAlertsAnswer(list), req.onText);
    const matches = matchAlerts(request, list);
    if (matches.length === 1) {
      return toolCalls([{ name: "cancel_alert", args: { id: matches[0].id } }]);
    }
    return {
      ...await reply(whichAlertAnswer(matches, list), req.onText),
      outcome: {
        outcome: "clarified",
        reason: !list.length
          ? "There are no alerts to stop"
          : matches.length
          ? `${matches.length} alerts match`
          : "No alert matches",
        unplaced: matches.length ? [] : request.words,
      },
    };
  }

  async function dataAgent(req: ModelRequest): Promise<ModelResponse> {
    const msgs = req.messages;
    const userIdx = msgs.map((m) => m.role).lastIndexOf("user");
    const question = userIdx >= 0 ? String(msgs[userIdx].content ?? "") : "";
    const after = msgs.slice(userIdx + 1);
    const intent = await understand(question, req.signal);
    if (after.some((m) => m.role === "tool")) {
      const outcomes = collectOutcomes(after);
      const actx = { tz: opts.tz, now: opts.now() };
      const text = intent
        ? composeAnswer(intent, outcomes, actx)
        : composeAnswer({ metric: "list", filters: {}, excel: false }, outcomes, actx);
      return await reply(text, req.onText);
    }
    if (!intent) {
      const ctx = await context(req.signal);
      return await reply(notUnderstoodReply(question, ctx.vocab), req.onText);
    }
    const available = new Set(req.tools.map((t) => t.name));
    const planned = planCalls(intent).filter((c) => available.has(c.tool));
    const sort = planSort(intent);
    if (!planned.length) {
      return await reply(
        "I cannot run reports here: the report tools are not available.",
        req.onText,
      );
    }
    return toolCalls(
      planned.map((c) => ({
        name: c.tool,
        args: {
          name: c.name,
          params: c.params,
          ...(c.measure ? { measure: c.measure } : {}),
          ...(sort && c.name === sort.entry ? { sort_by: sort.key, sort_order: sort.order } : {}),
        },
      })),
    );
  }

  function toolCalls(calls: { name: string; args: Record<string, unknown> }[]): ModelResponse {
    const tool_calls: ToolCall[] = calls.map((c) => ({
      id: callId(),
      name: c.name,
      arguments: JSON.stringify(c.args),
    }));
    return {
      message: { role: "assistant", content: null, tool_calls },
      usage: { input_tokens: 0, output_tokens: 0 },
    };
  }

  return {
    name: "offline",
    decide,
    understand,
    async complete(req: ModelRequest): Promise<ModelResponse> {
      if (req.signal.aborted) throw req.signal.reason ?? new DOMException("Aborted", "AbortError");
      const names = new Set(req.tools.map((t) => t.name));
      if (names.has("ask_data_agent")) return await supervisor(req);
      if (names.has("run_report")) return await dataAgent(req);
      // No tools (e.g. a summary request): say what was asked last, plainly.
      const ctx = await context(req.signal);
      return await reply(helpReply(ctx.vocab), req.onText);
    },
  };
}

const SCHEDULE_TOOLS = new Set(["create_schedule", "list_schedules", "cancel_schedule"]);
const ALERT_TOOLS = new Set(["create_alert", "list_alerts", "cancel_alert"]);

function lastUserText(messages: ChatMessage[]): string {
  for (let k = messages.length - 1; k >= 0; k--) {
    const m = messages[k];
    if (m.role === "user") return m.content;
  }
  return "";
}

/** About how many characters each streamed piece of an answer holds. */
const PIECE_CHARS = 24;

/**
 * Splits an answer into small pieces at word boundaries (each about
 * {@linkcode PIECE_CHARS} characters, whitespace and line breaks kept), so that joined
 * they give the text back exactly.
 */
export function answerPieces(text: string): string[] {
  const words = text.match(/\s*\S+\s*|\s+/g) ?? [];
  const pieces: string[] = [];
  let cur = "";
  for (const w of words) {
    cur += w;
    if (cur.length >= PIECE_CHARS || w.includes("\n")) {
      pieces.push(cur);
      cur = "";
    }
  }
  if (cur) pieces.push(cur);
  return pieces;
}

/**
 * An answer, streamed through `onText` in small word pieces (when given). Between pieces
 * it waits for the piece to be delivered (when `onText` returns a promise), so each one
 * reaches the page on its own; the planner itself adds no delay.
 */
async function reply(
  text: string,
  onText: ((d: string) => void) | undefined,
): Promise<ModelResponse> {
  if (onText) {
    for (const p of answerPieces(text)) await onText(p);
  }
  return {
    message: { role: "assistant", content: text },
    usage: { input_tokens: 0, output_tokens: 0 },
  };
}

/** The tool calls after the question and what each returned. */
function collectOutcomes(after: ChatMessage[]): ToolOutcome[] {
  const results = new Map<string, string>();
  for (const m of after) if (m.role === "tool") results.set(m.tool_call_id, m.content);
  const out: ToolOutcome[] = [];
  for (const m of after) {
    if (m.role !== "assistant" || !m.tool_calls) continue;
    for (const c of m.tool_calls) {
      const content = results.get(c.id);
      if (content === undefined) continue;
      let args: Record<string, unknown> = {};
      try {
        args = JSON.parse(c.arguments || "{}");
      } catch {
        // keep {}
      }
      const env = parseToolResult(content);
      let result: Record<string, unknown> = {};
      if (env) result = env as Record<string, unknown>;
      else {
        try {
          const v = JSON.parse(content);
          if (v && typeof v === "object") result = v;
        } catch {
          result = { text: content };
        }
      }
      const ok = env ? env.ok : !("error" in result);
      out.push({
        tool: c.name,
        args,
        ok,
        error: ok ? undefined : String(result.error ?? "failed"),
        result,
      });
    }
  }
  return out;
}

const ENTRY_METRIC: Record<string, Metric> = {
  call_count: "count",
  call_list: "list",
  call_breakdown: "breakdown",
  agent_performance: "agent_performance",
  duration_stats: "duration",
  talk_time: "talk_time",
  handle_time: "handle_time",
  abandonment_rate: "abandonment",
  service_level: "service_level",
  speed_of_answer: "asa",
  answer_rate: "answer_rate",
  unique_customers: "unique_customers",
  top_customers: "top_customers",
};

/** An intent from a remembered catalog call `{name, params}` (when its question is unreadable). */
export function intentFromReport(report: unknown): Intent | null {
  if (!report || typeof report !== "object") return null;
  const { name, params } = report as { name?: unknown; params?: unknown };
  const metric = typeof name === "string" ? ENTRY_METRIC[name] : undefined;
  if (!metric) return null;
  const p = (params && typeof params === "object" ? params : {}) as ReportParams;
  const filters: Filters = {};
  if (p.direction) filters.direction = p.direction;
  if (p.status) filters.status = Array.isArray(p.status) ? [...p.status] : [p.status];
  for (const k of ["agent", "queue", "customer", "disposition", "city", "segment"] as const) {
    const v = p[k];
    if (typeof v === "string") filters[k] = v;
    else if (Array.isArray(v) && v.length && k !== "customer") {
      (filters as Record<string, unknown>)[k] = v.length === 1 ? v[0] : [...v];
    }
  }
  if (p.duration && typeof p.duration === "object") filters.duration = { ...p.duration };
  if (p.time_of_day && typeof p.time_of_day === "object") {
    filters.time_of_day = { ...p.time_of_day };
  }
  return normalize({
    metric,
    period: typeof p.period === "string" ? p.period : undefined,
    filters,
    groupBy: p.group_by as Dimension | undefined,
    limit: typeof p.limit === "number" ? p.limit : undefined,
    threshold: typeof p.threshold_seconds === "number" ? p.threshold_seconds : undefined,
    excel: false,
  });
}

async function lookupPhone(
  client: DataClient,
  digits: string,
  signal?: AbortSignal,
): Promise<string | null> {
  const d = digits.replace(/\D/g, "");
  if (d.length < 7) return null;
  const filter = { customer_number: { $regex: `${d}$` } };
  const res = await client.find(
    { collection: CALLS, filter, projection: { customer_number: 1 }, limit: 1 },
    { signal },
  );
  const n = res.documents[0]?.customer_number;
  if (typeof n === "string") return n;
  const book = await client.find(
    { collection: CUSTOMERS, filter: { phone: { $regex: `${d}$` } }, limit: 1 },
    { signal },
  );
  const p = book.documents[0]?.phone;
  return typeof p === "string" ? p : null;
}

/** Most remembered name look-ups (candidate phrase → name or none). */
const NAME_CACHE_SIZE = 2_000;

/**
 * Looks candidate phrases up in `address_book.name` (case-insensitive, whole name), in
 * one query per question; answers are remembered (bounded).
 */
function createNameCache(
  client: DataClient,
): (candidates: string[], signal?: AbortSignal) => Promise<Map<string, string>> {
  const cache = new Map<string, string | null>();
  return async (candidates, signal) => {
    const out = new Map<string, string>();
    const todo: string[] = [];
    for (const c of candidates) {
      const k = c.trim().toLowerCase().replace(/\s+/g, " ");
      if (!k) continue;
      if (cache.has(k)) {
        const v = cache.get(k);
        if (v) out.set(k, v);
      } else todo.push(k);
    }
    if (!todo.length) return out;
    const alternatives = todo.map((k) => escapeRegExp(k).replace(/ /g, "\\s+")).join("|");
    const res = await client.find(
      {
        collection: CUSTOMERS,
        filter: { name: { $regex: `^\\s*(?:${alternatives})\\s*$`, $options: "i" } },
        projection: { name: 1 },
        limit: 100,
      },
      { signal },
    );
    const hits = new Map<string, string>();
    for (const d of res.documents) {
      if (typeof d.name !== "string") continue;
      const k = d.name.trim().toLowerCase().replace(/\s+/g, " ");
      if (!hits.has(k)) hits.set(k, d.name.trim());
    }
    for (const k of todo) {
      const v = hits.get(k) ?? null;
      if (cache.size >= NAME_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(k, v);
      if (v) out.set(k, v);
    }
    return out;
  };
}
