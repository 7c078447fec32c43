/**
 * The tool-calling loop: ask the model, run the tools it calls, feed the results back,
 * until it answers. Tool failures go back to the model as error results; model
 * failures, cancellation and the round limit end the run with an {@link AgentError}.
 */
import { ATTR, type Attributes, markError, SPAN, type Span, withSpan } from "../telemetry.ts";
import { DataConnectionError } from "../data/errors.ts";
import { AgentError, cancelledError, isAbortError } from "./errors.ts";
import { wrapToolError, wrapToolResult } from "./envelope.ts";
import type { EmitEvent, Usage } from "./events.ts";
import type {
  ChatMessage,
  MemoryMessage,
  ModelProvider,
  ModelResponse,
  ToolCall,
  ToolDefinition,
} from "./types.ts";

/** A tool call as an executor receives it (arguments parsed). */
export interface ToolInvocation {
  id: string;
  name: string;
  args: Record<string, unknown>;
  /** Aborts on cancellation and on the per-call timeout. */
  signal: AbortSignal;
}

/** What a tool returns: the result for the model (enveloped by the loop) and a short summary. */
export interface ToolOutput {
  result: Record<string, unknown>;
  /** For `tool_end`: "12 rows", "468 calls"… */
  summary: string;
}

/** Runs one tool call; throws on failure (the loop turns it into an error result). */
export type ToolExecutor = (call: ToolInvocation) => Promise<ToolOutput>;

/** One executed tool call. */
export interface ToolRun {
  call: ToolCall;
  args: Record<string, unknown>;
  ok: boolean;
  output?: ToolOutput;
  error?: string;
}

/** Options of {@link runAgent}. */
export interface RunAgentOptions {
  provider: ModelProvider;
  /** The conversation to start from (system prompt, history, question). */
  messages: ChatMessage[];
  tools: ToolDefinition[];
  executeTool: ToolExecutor;
  emit: EmitEvent;
  signal: AbortSignal;
  /** Maximum rounds of tool calls; asking for more ends with `too_many_rounds`. */
  maxRounds: number;
  /** Stored conversation, passed to providers that plan from it. */
  memory?: MemoryMessage[];
  /** Receives answer text as it streams. */
  onText?: (delta: string) => void;
  /** Accumulates model calls and tokens (shared between agents of a turn). */
  usage?: Usage;
  /** Per tool call timeout in ms (a number, or per tool name); none when undefined. */
  toolTimeoutMs?: number | ((name: string) => number | undefined);
  /** Per model call timeout in ms; none when undefined. */
  modelTimeoutMs?: number;
  /**
   * Called after each round of tool calls: returning true ends the run there, without
   * another model call (e.g. the supervisor passing the data agent's answer through).
   */
  endAfterTools?: (runs: ToolRun[]) => boolean;
  /** Names the agent in traces (`gen_ai.agent.name`), e.g. "supervisor". */
  agentName?: string;
}

/** The outcome of {@link runAgent}. */
export interface RunAgentResult {
  /** The final assistant text (empty when the run ended after tools). */
  text: string;
  /** The whole conversation, including tool calls and results. */
  messages: ChatMessage[];
  usage: Usage;
  /** Tool rounds performed. */
  rounds: number;
  /** Every tool call executed, in order. */
  toolRuns: ToolRun[];
  /** "answer": the model answered; "tools": `endAfterTools` ended the run. */
  ended: "answer" | "tools";
}

/** A fresh usage counter. */
export function emptyUsage(): Usage {
  return { model_calls: 0, input_tokens: 0, output_tokens: 0 };
}

/**
 * Runs the model with tools until it answers without calling any.
 * @throws AgentError `cancelled`, `too_many_rounds`, `timeout` or a provider's error.
 */
export async function runAgent(opts: RunAgentOptions): Promise<RunAgentResult> {
  const { tools, signal } = opts;
  const usage = opts.usage ?? emptyUsage();
  const messages = [...opts.messages];
  const toolRuns: ToolRun[] = [];
  const toolNames = new Set(tools.map((t) => t.name));
  for (let round = 0;; round++) {
    if (signal.aborted) throw cancelledError();
    const response = await withSpan(
      SPAN.modelCall,
      modelCallAttributes(opts.provider, { round, agentName: opts.agentName }),
      async (span) => {
        const response = await callModel(opts, messages);
        span.setAttributes(modelUsageAttributes(response));
        return response;
      },
    );
    usage.model_calls += 1;
    usage.input_tokens += response.usage.input_tokens;
    usage.output_tokens += response.usage.output_tokens;
    if (response.outcome) await opts.emit({ type: "outcome", ...response.outcome });
    const message = response.message;
    const calls = message.tool_calls ?? [];
    messages.push(
      calls.length
        ? { role: "assistant", content: message.content, tool_calls: calls }
        : { role: "assistant", content: message.content },
    );
    if (!calls.length) {
      return {
        text: message.content ?? "",
        messages,
        usage,
        rounds: round,
        toolRuns,
        ended: "answer",
      };
    }
    if (round >= opts.maxRounds) {
      throw new AgentError(
        "too_many_rounds",
        `The assistant needed more than ${opts.maxRounds} rounds of tool calls and stopped`,
      );
    }
    const runs: ToolRun[] = [];
    for (const call of calls) {
      const run = await withSpan(
        SPAN.toolCall,
        {
          [ATTR.operation]: "execute_tool",
          [ATTR.toolName]: call.name,
          [ATTR.toolCallId]: call.id,
          [ATTR.argsLength]: call.arguments.length,
        },
        (span) => runTool(opts, call, toolNames, span),
      );
      runs.push(run);
      toolRuns.push(run);
      messages.push({
        role: "tool",
        tool_call_id: call.id,
        content: run.ok
          ? wrapToolResult(call.name, run.output!.result)
          : wrapToolError(call.name, run.error!),
      });
    }
    if (signal.aborted) throw cancelledError();
    if (opts.endAfterTools?.(runs)) {
      return { text: "", messages, usage, rounds: round + 1, toolRuns, ended: "tools" };
    }
  }
}

async function callModel(opts: RunAgentOptions, messages: ChatMessage[]): Promise<ModelResponse> {
  const { signal } = opts;
  const timeout = opts.modelTimeoutMs ? AbortSignal.timeout(opts.modelTimeoutMs) : null;
  const callSignal = timeout ? AbortSignal.any([signal, timeout]) : signal;
  try {
    return await raceSignal(
      opts.provider.complete({
        messages: [...messages],
        tools: opts.tools,
        signal: callSignal,
        onText: opts.onText,
        memory: opts.memory,
      }),
      callSignal,
    );
  } catch (e) {
    if (signal.aborted) throw cancelledError();
    if (timeout?.aborted) {
      throw new AgentError(
        "timeout",
        `The model did not answer within ${Math.round(opts.modelTimeoutMs! / 1000)} s`,
      );
    }
    if (e instanceof AgentError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new AgentError("model_error", `The model call failed: ${message}`, { cause: e });
  }
}

async function runTool(
  opts: RunAgentOptions,
  call: ToolCall,
  toolNames: Set<string>,
  span: Span,
): Promise<ToolRun> {
  const { signal, emit } = opts;
  const started = performance.now();
  const parsed = parseArguments(call.arguments);
  const args = parsed.ok ? parsed.args : { _raw: call.arguments.slice(0, 500) };
  await emit({ type: "tool_start", call_id: call.id, tool: call.name, args });
  let run: ToolRun;
  if (!toolNames.has(call.name)) {
    run = {
      call,
      args,
      ok: false,
      error: `Unknown tool "${call.name}". Available tools: ${[...toolNames].join(", ")}`,
    };
  } else if (!parsed.ok) {
    run = {
      call,
      args,
      ok: false,
      error: `Invalid arguments for ${call.name}: ${parsed.error}. Send a JSON object.`,
    };
  } else {
    run = await executeWithTimeout(opts, call, parsed.args);
  }
  if (signal.aborted) throw cancelledError();
  const durationMs = Math.round(performance.now() - started);
  traceToolRun(span, run, durationMs);
  await emit({
    type: "tool_end",
    call_id: call.id,
    tool: call.name,
    ok: run.ok,
    summary: run.ok ? run.output!.summary : run.error!,
    duration_ms: durationMs,
  });
  return run;
}

/**
 * The attributes of a model call span known before the call (names and counts only).
 * `gen_ai.request.model` is set when the provider exposes a `model` string.
 */
export function modelCallAttributes(
  provider: ModelProvider,
  o: { round?: number; agentName?: string; purpose?: string },
): Attributes {
  const attributes: Attributes = {
    [ATTR.operation]: "chat",
    [ATTR.system]: provider.name,
  };
  const model = provider.model;
  if (typeof model === "string" && model) attributes[ATTR.model] = model;
  if (o.round !== undefined) attributes[ATTR.round] = o.round;
  if (o.agentName) attributes[ATTR.agentName] = o.agentName;
  if (o.purpose) attributes[ATTR.purpose] = o.purpose;
  return attributes;
}

/** The attributes of a model call span known after the call: tokens and tool calls asked. */
export function modelUsageAttributes(response: ModelResponse): Attributes {
  return {
    [ATTR.inputTokens]: response.usage.input_tokens,
    [ATTR.outputTokens]: response.usage.output_tokens,
    [ATTR.toolCallCount]: response.message.tool_calls?.length ?? 0,
  };
}

/** Records a tool run's outcome on its span: ok, duration, rows (never values). */
function traceToolRun(span: Span, run: ToolRun, durationMs: number): void {
  if (!span.isRecording()) return;
  span.setAttributes({ [ATTR.toolOk]: run.ok, [ATTR.durationMs]: durationMs });
  const rows = run.output ? resultRows(run.output.result) : undefined;
  if (rows !== undefined) span.setAttribute(ATTR.rows, rows);
  if (!run.ok) markError(span, "tool_error");
}

/** The row count a tool result reports (`total_rows`, else `rows_in_file`), if any. */
function resultRows(result: Record<string, unknown>): number | undefined {
  for (const key of ["total_rows", "rows_in_file"]) {
    const v = result[key];
    if (typeof v === "number" && Number.isFinite(v)) return v;
  }
  return undefined;
}

async function executeWithTimeout(
  opts: RunAgentOptions,
  call: ToolCall,
  args: Record<string, unknown>,
): Promise<ToolRun> {
  const { signal } = opts;
  const ms = typeof opts.toolTimeoutMs === "function"
    ? opts.toolTimeoutMs(call.name)
    : opts.toolTimeoutMs;
  const timeout = ms ? AbortSignal.timeout(ms) : null;
  const callSignal = timeout ? AbortSignal.any([signal, timeout]) : signal;
  try {
    const output = await raceSignal(
      opts.executeTool({ id: call.id, name: call.name, args, signal: callSignal }),
      callSignal,
    );
    return { call, args, ok: true, output };
  } catch (e) {
    if (signal.aborted) throw cancelledError();
    if (e instanceof AgentError && e.fatal) throw e;
    // The data source went away (not the query): no other call can do better this turn.
    if (e instanceof DataConnectionError) {
      throw new AgentError("tool_error", `${e.message}. Ask again: the next question reconnects.`, {
        cause: e,
        fatal: true,
      });
    }
    if (timeout?.aborted) {
      return { call, args, ok: false, error: `${call.name} timed out after ${ms} ms` };
    }
    const message = e instanceof Error ? e.message : String(e);
    return { call, args, ok: false, error: message || `${call.name} failed` };
  }
}

/** Parses tool-call arguments: empty text is `{}`; anything but an object is an error. */
export function parseArguments(
  raw: string,
): { ok: true; args: Record<string, unknown> } | { ok: false; error: string } {
  if (!raw || !raw.trim()) return { ok: true, args: {} };
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    return { ok: false, error: `not valid JSON (${(e as Error).message})` };
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) {
    return { ok: false, error: "not a JSON object" };
  }
  return { ok: true, args: v as Record<string, unknown> };
}

/** Settles with `promise`, or rejects as soon as `signal` aborts (for callees that ignore it). */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason ?? cancelledError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(isAbortError(signal.reason) ? signal.reason : cancelledError());
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
