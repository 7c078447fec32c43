/**
 * A report turn: a catalog entry run with parameters the user chose (a reading's chips
 * changed, or a report built with Explore), answered without any model call. The events
 * are those of a typed question (the same data tools emit the table, chart and reading),
 * the answer is written by the offline planner's answer writer, and the conversation
 * remembers the turn as a question in words with its report, so a typed follow-up ("and
 * last month?") continues it.
 */
import { durationLabel, readPeriod } from "../reports/filters.ts";
import {
  MULTI_VALUE_PARAMS,
  normalizeParams,
  orList,
  type ParamName,
  paramValues,
} from "../reports/params.ts";
import { ReportParamError } from "../reports/errors.ts";
import type { DurationRange, ReportDefinition, ReportParams, TimeOfDay } from "../reports/types.ts";
import { timeOfDayLabel } from "../reports/time_of_day.ts";
import { ATTR, markError, SPAN, withSpan } from "../telemetry.ts";
import { realCatalog } from "./catalog_api.ts";
import { cancelledError } from "./errors.ts";
import type { EmitEvent } from "./events.ts";
import { emptyUsage, raceSignal, type ToolOutput } from "./loop.ts";
import { composeAnswer } from "./offline/answer.ts";
import type { Intent } from "./offline/intent.ts";
import { answerPieces, intentFromReport } from "./offline/planner.ts";
import { renderQuestion } from "./offline/render.ts";
import { type CatalogApi, type CatalogCall, createDataTools } from "./tools.ts";
import type { TurnDeps } from "./turn.ts";
import { TurnRecord } from "./turn_record.ts";
import type { TurnOutcome } from "./types.ts";

/** The tool a report turn runs (as a typed question's data agent would). */
export const REPORT_TOOL = "run_report";

/** What a report turn needs to know about the catalog. */
export type CatalogEntries = Pick<CatalogApi, "listReports" | "getReport">;

/** The parameter names an entry accepts (from its JSON schema). */
export function acceptedParams(def: Pick<ReportDefinition, "parameters">): ParamName[] {
  const props = (def.parameters as { properties?: Record<string, unknown> }).properties ?? {};
  return Object.keys(props) as ParamName[];
}

/**
 * Checks a report request `{name, params}` from a client: a catalog entry, parameters
 * of names the catalog knows, valid values (the entry's required ones present, a
 * readable period). Returns the request with only the parameters the entry takes, blanks
 * dropped; throws a ReportParamError saying what is wrong.
 */
export function checkReportRequest(
  raw: unknown,
  opts: { catalog?: CatalogEntries; tz: string; now: Date },
): CatalogCall {
  const catalog = opts.catalog ?? realCatalog;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ReportParamError('"report" must be an object such as {"name": "call_count"}');
  }
  const { name, params } = raw as { name?: unknown; params?: unknown };
  if (typeof name !== "string" || !name.trim()) {
    throw new ReportParamError('"report.name" must name a catalog report');
  }
  const def = catalog.getReport(name.trim());
  if (!def) {
    const names = catalog.listReports().map((r) => r.name).join(", ");
    throw new ReportParamError(`Unknown report "${name}": use one of ${names}`);
  }
  if (params !== undefined && params !== null) {
    if (typeof params !== "object" || Array.isArray(params)) {
      throw new ReportParamError('"report.params" must be an object such as {"period": "today"}');
    }
  }
  const given = (params ?? {}) as Record<string, unknown>;
  const known = new Set<string>(catalog.listReports().flatMap(acceptedParams));
  const unknown = Object.keys(given).filter((k) => !known.has(k));
  if (unknown.length) {
    throw new ReportParamError(
      `Unknown parameter ${unknown.map((k) => `"${k}"`).join(", ")}: reports take ${
        [...known].join(", ")
      }`,
      unknown[0],
    );
  }
  const accepted = acceptedParams(def);
  const normalized = normalizeParams(given, accepted);
  const required = (def.parameters as { required?: string[] }).required ?? [];
  for (const r of required) {
    if ((normalized as Record<string, unknown>)[r] === undefined) {
      throw new ReportParamError(`Report "${def.name}" needs "${r}"`, r);
    }
  }
  if (normalized.period) readPeriod(normalized.period, { tz: opts.tz, now: opts.now });
  const out: ReportParams = {};
  for (const k of accepted) {
    const v = given[k];
    if (v === undefined || v === null || v === "") continue;
    if ((normalized as Record<string, unknown>)[k] === undefined) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return { name: def.name, params: out };
}

/**
 * The offline planner's intent for a report (for its question in words and its answer),
 * lists of names written "priya or rohit"; null for an entry it does not know.
 */
export function reportIntent(report: CatalogCall): Intent | null {
  const intent = intentFromReport(report);
  if (!intent) return null;
  for (const k of MULTI_VALUE_PARAMS) {
    const values = paramValues(report.params[k]);
    if (values.length > 1) intent.filters[k] = orList(k === "agent" ? lower(values) : values);
  }
  return intent;
}

function lower(values: string[]): string[] {
  return [...new Set(values.map((v) => v.toLowerCase()))];
}

/**
 * The question a report answers, in words ("How many incoming calls were there last
 * week?"), or the report's title with its parameters when the planner has no words for
 * it.
 */
export function reportQuestion(report: CatalogCall, catalog: CatalogEntries = realCatalog): string {
  const intent = reportIntent(report);
  if (intent) return renderQuestion(intent);
  const title = catalog.getReport(report.name)?.title ?? report.name;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(report.params)) {
    if (v === undefined || v === null || v === "") continue;
    const text = Array.isArray(v)
      ? orList(v.map(String))
      : k === "time_of_day"
      ? timeOfDayLabel(v as TimeOfDay)
      : typeof v === "object"
      ? durationLabel(v as DurationRange)
      : String(v);
    parts.push(`${k.replaceAll("_", " ")}: ${text}`);
  }
  return parts.length ? `${title} (${parts.join(", ")})` : title;
}

/** Options of {@link runReportTurn}. */
export interface RunReportTurnOptions {
  /** The catalog entry and parameters (checked with {@link checkReportRequest}). */
  report: CatalogCall;
  /** The user the conversation and reports belong to. */
  owner: string;
  conversationId: string;
  /** The app's turn services; the model provider is never called. */
  deps: TurnDeps;
  signal: AbortSignal;
  emit: EmitEvent;
  /** Id of the turn (generated when missing). */
  turnId?: string;
  /** The question recorded for the user (default: {@link reportQuestion}). */
  question?: string;
}

/**
 * Runs a report turn; never throws (failures end with an `error` event and outcome).
 * Traced as an `agent.turn` span with no model call under it.
 */
export async function runReportTurn(opts: RunReportTurnOptions): Promise<TurnOutcome> {
  const turnId = opts.turnId ?? `t_${crypto.randomUUID().replaceAll("-", "")}`;
  const catalog = opts.deps.catalog ?? realCatalog;
  const question = opts.question ?? reportQuestion(opts.report, catalog);
  return await withSpan(
    SPAN.turn,
    {
      [ATTR.operation]: "invoke_agent",
      [ATTR.conversationId]: opts.conversationId,
      [ATTR.turnId]: turnId,
      [ATTR.system]: "catalog",
      [ATTR.questionLength]: question.length,
    },
    async (span) => {
      const outcome = await executeReportTurn(opts, { turnId, question, catalog });
      if (span.isRecording()) {
        span.setAttributes({
          [ATTR.outcome]: outcome.error?.code ?? outcome.outcome,
          [ATTR.answerLength]: outcome.answer.length,
          [ATTR.modelCalls]: 0,
        });
        if (outcome.error && outcome.error.code !== "cancelled") {
          markError(span, outcome.error.code);
        }
      }
      return outcome;
    },
  );
}

async function executeReportTurn(
  opts: RunReportTurnOptions,
  o: { turnId: string; question: string; catalog: CatalogApi },
): Promise<TurnOutcome> {
  const { owner, conversationId, deps, signal, report } = opts;
  const { turnId, question, catalog } = o;
  const turn = new TurnRecord({
    turnId,
    question,
    owner,
    conversationId,
    conversations: deps.conversations,
    emit: opts.emit,
    clock: deps.clock,
    usage: emptyUsage(),
  });
  let ran: CatalogCall | undefined;
  let clarifyReason: string | null = null;
  let answer = "";
  const emit: EmitEvent = (event) => {
    if (event.type === "outcome" && event.outcome === "clarified") clarifyReason = event.reason;
    return turn.record(event);
  };
  const followUp = () => ({ question, report: ran ?? report });

  try {
    await turn.start();
    await turn.saveQuestion();
    await emit({ type: "step", text: `Looking into: ${question}` });
    const tools = await createDataTools({
      client: deps.client,
      catalog,
      reports: deps.reports,
      owner,
      tz: deps.config.tz,
      now: deps.config.now,
      emit,
      onCatalogCall: (c) => ran = c,
    });
    const callId = `c_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
    const args = { name: report.name, params: report.params };
    await emit({ type: "tool_start", call_id: callId, tool: REPORT_TOOL, args });
    const started = performance.now();
    const ms = deps.config.toolTimeoutMs;
    const timeout = ms ? AbortSignal.timeout(ms) : null;
    const callSignal = timeout ? AbortSignal.any([signal, timeout]) : signal;
    let output: ToolOutput | null = null;
    let failure: string | null = null;
    try {
      output = await raceSignal(
        tools.execute({ id: callId, name: REPORT_TOOL, args, signal: callSignal }),
        callSignal,
      );
    } catch (e) {
      if (signal.aborted) throw cancelledError();
      failure = timeout?.aborted
        ? `${REPORT_TOOL} timed out after ${ms} ms`
        : (e instanceof Error ? e.message : String(e)) || `${REPORT_TOOL} failed`;
    }
    await emit({
      type: "tool_end",
      call_id: callId,
      tool: REPORT_TOOL,
      ok: output !== null,
      summary: output ? output.summary : failure!,
      duration_ms: Math.round(performance.now() - started),
    });
    if (signal.aborted) throw cancelledError();

    if (clarifyReason !== null) {
      answer = `${clarifyReason}. Choose one of the values the picker lists, or ask in words.`;
    } else {
      const outcomes = [{
        tool: REPORT_TOOL,
        args,
        ok: output !== null,
        error: failure ?? undefined,
        result: output ? { tool: REPORT_TOOL, ok: true, ...output.result } : {},
      }];
      const intent = reportIntent(report) ?? { metric: "list" as const, filters: {}, excel: false };
      answer = composeAnswer(intent, outcomes, { tz: deps.config.tz, now: deps.config.now() })
        .trim();
    }
    for (const piece of answerPieces(answer)) {
      if (signal.aborted) throw cancelledError();
      await emit({ type: "text", delta: piece });
    }
    return await turn.finish(answer, followUp());
  } catch (e) {
    return await turn.fail(e, { signal, partial: answer, context: followUp() });
  }
}
