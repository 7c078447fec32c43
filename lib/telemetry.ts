/**
 * Tracing through OpenTelemetry: spans per chat turn, model call and tool call.
 *
 * Spans are made with `@opentelemetry/api`. Deno's built-in OpenTelemetry registers its
 * tracer provider and context manager with that API when the process starts with
 * `OTEL_DENO=true`, and exports the spans over OTLP to `OTEL_EXPORTER_OTLP_ENDPOINT`
 * (Langfuse, Jaeger, Grafana Tempo, any collector). Without it nothing is registered and
 * the API is a no-op: spans do not record, attributes are dropped, nothing is exported,
 * and the traced code behaves exactly as untraced.
 *
 * Attributes carry names, ids, sizes and counts only — never the question text, tool
 * argument values or results, which are customer data.
 */
import { type Attributes, type Span, SpanStatusCode, trace } from "@opentelemetry/api";

export type { Attributes, Span };

/** The instrumentation scope the spans are reported under. */
export const TRACER_NAME = "contact-center-assistant";

/** Span names. */
export const SPAN = {
  turn: "agent.turn",
  modelCall: "agent.model_call",
  toolCall: "agent.tool_call",
} as const;

/**
 * Attribute names: the OpenTelemetry GenAI semantic conventions where one fits, else
 * `agent.*`.
 */
export const ATTR = {
  operation: "gen_ai.operation.name",
  system: "gen_ai.system",
  model: "gen_ai.request.model",
  agentName: "gen_ai.agent.name",
  conversationId: "gen_ai.conversation.id",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
  toolName: "gen_ai.tool.name",
  toolCallId: "gen_ai.tool.call.id",
  errorType: "error.type",
  turnId: "agent.turn.id",
  questionLength: "agent.question.length",
  outcome: "agent.turn.outcome",
  answerLength: "agent.answer.length",
  modelCalls: "agent.model_calls",
  purpose: "agent.model_call.purpose",
  round: "agent.round",
  toolCallCount: "agent.tool_call.count",
  argsLength: "agent.tool.args.length",
  toolOk: "agent.tool.ok",
  durationMs: "agent.tool.duration_ms",
  rows: "agent.tool.rows",
} as const;

const tracer = trace.getTracer(TRACER_NAME);

/**
 * Runs `fn` inside a new active span (a child of the current one), and ends the span
 * when `fn` settles. A thrown error is recorded on the span (type and message), marks it
 * as failed, and is rethrown unchanged.
 *
 * @param name Span name, e.g. {@link SPAN.turn}.
 * @param attributes Attributes known at the start (names, ids, sizes, counts only).
 * @param fn The work; gets the span to add attributes known at the end.
 */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return await tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      recordError(span, e);
      throw e;
    } finally {
      span.end();
    }
  });
}

/**
 * Marks a span as failed: sets `error.type` and the error status, and records the
 * exception when one is given.
 */
export function markError(span: Span, type: string, error?: unknown): void {
  if (!span.isRecording()) return;
  span.setAttribute(ATTR.errorType, type);
  const message = error instanceof Error ? error.message : type;
  if (error !== undefined) {
    span.recordException(
      error instanceof Error
        ? { name: type, message: error.message, stack: error.stack }
        : { name: type, message: String(error) },
    );
  }
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/** The type of a thrown error: its `code` when it has a string one, else its name. */
export function errorType(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code) return code;
  return e instanceof Error ? e.name : typeof e;
}

function recordError(span: Span, e: unknown): void {
  markError(span, errorType(e), e);
}
