/**
 * The OpenAI-compatible model provider: Chat Completions, streamed, with tools. Works
 * with any endpoint that speaks that API by base URL (OpenAI, Azure OpenAI v1, Ollama,
 * vLLM). Retries 429/5xx/network errors a bounded number of times with exponential
 * backoff and jitter, honouring `Retry-After`; never retries `insufficient_quota`, and
 * never retries once the answer has begun to stream (a broken stream is a `model_error`).
 */
import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from "openai";
import { AgentError, cancelledError, sleep } from "../errors.ts";
import type { ErrorCode } from "../events.ts";
import type {
  ChatMessage,
  ModelProvider,
  ModelRequest,
  ModelResponse,
  ToolCall,
} from "../types.ts";

/** Options of {@link createOpenAIProvider}. */
export interface OpenAIProviderOptions {
  /** API key; may be null for local servers that need none (Ollama, vLLM). */
  apiKey: string | null;
  /** Base URL of an OpenAI-compatible API, e.g. `http://localhost:11434/v1`. */
  baseUrl?: string | null;
  /** Model name, e.g. `gpt-5-mini`. */
  model: string;
  /** Sent only when set. */
  temperature?: number | null;
  /** Sent only when set. */
  reasoningEffort?: "minimal" | "low" | "medium" | "high" | null;
  /** Timeout of one attempt (request and whole stream), ms. Default 120,000. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 3. */
  maxRetries?: number;
  /** First backoff delay, ms (doubles each retry, with jitter). Default 500. */
  retryBaseMs?: number;
  /** Longest wait before a retry, ms; a longer `Retry-After` is not waited for. Default 30,000. */
  retryMaxMs?: number;
  /** Custom fetch (tests, proxies). */
  fetch?: typeof fetch;
}

/** A classified provider failure. */
interface Failure {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
}

/** Creates the OpenAI-compatible provider. */
export function createOpenAIProvider(opts: OpenAIProviderOptions): ModelProvider {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const maxRetries = opts.maxRetries ?? 3;
  const retryBaseMs = opts.retryBaseMs ?? 500;
  const retryMaxMs = opts.retryMaxMs ?? 30_000;
  const baseURL = opts.baseUrl ?? undefined;
  const client = new OpenAI({
    apiKey: opts.apiKey ?? "not-needed",
    baseURL,
    maxRetries: 0,
    timeout: timeoutMs,
    fetch: opts.fetch,
    defaultHeaders: isAzure(baseURL) && opts.apiKey ? { "api-key": opts.apiKey } : undefined,
  });

  async function attempt(
    request: ModelRequest,
    state: { streaming: boolean },
  ): Promise<ModelResponse> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([request.signal, timeout]);
    const params: Record<string, unknown> = {
      model: opts.model,
      messages: request.messages.map(toOpenAIMessage),
      stream: true,
      stream_options: { include_usage: true },
    };
    if (request.tools.length) {
      params.tools = request.tools.map((t) => ({
        type: "function",
        function: { name: t.name, description: t.description, parameters: t.parameters },
      }));
    }
    if (opts.temperature !== null && opts.temperature !== undefined) {
      params.temperature = opts.temperature;
    }
    if (opts.reasoningEffort) params.reasoning_effort = opts.reasoningEffort;
    try {
      // deno-lint-ignore no-explicit-any
      const stream = await client.chat.completions.create(params as any, {
        signal,
      }) as unknown as AsyncIterable<StreamChunk>;
      state.streaming = true;
      let text = "";
      let finish: string | null = null;
      let usage: { prompt_tokens?: number; completion_tokens?: number } | null = null;
      const calls = new Map<number, { id: string; name: string; arguments: string }>();
      for await (const chunk of stream) {
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        const delta = choice.delta ?? {};
        if (typeof delta.content === "string" && delta.content) {
          text += delta.content;
          request.onText?.(delta.content);
        }
        for (const tc of delta.tool_calls ?? []) {
          const index = tc.index ?? calls.size;
          let entry = calls.get(index);
          if (!entry) {
            entry = { id: "", name: "", arguments: "" };
            calls.set(index, entry);
          }
          if (tc.id) entry.id = tc.id;
          if (tc.function?.name && !entry.name) entry.name = tc.function.name;
          if (tc.function?.arguments) entry.arguments += tc.function.arguments;
        }
        if (choice.finish_reason) finish = choice.finish_reason;
      }
      if (request.signal.aborted) throw cancelledError();
      if (timeout.aborted) throw timeoutFailure(timeoutMs);
      if (!finish) {
        throw new AgentError(
          "model_error",
          "The model's answer stream broke off before it finished",
        );
      }
      if (finish === "content_filter") {
        throw new AgentError("model_error", "The model provider filtered the answer");
      }
      const toolCalls: ToolCall[] = [...calls.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([i, c]) => ({
          id: c.id || `call_${i}_${crypto.randomUUID().slice(0, 8)}`,
          name: c.name,
          arguments: c.arguments,
        }));
      return {
        message: {
          role: "assistant",
          content: text || null,
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
        usage: {
          input_tokens: usage?.prompt_tokens ?? estimateTokens(JSON.stringify(params.messages)),
          output_tokens: usage?.completion_tokens ??
            estimateTokens(text + toolCalls.map((c) => c.name + c.arguments).join("")),
        },
      };
    } catch (e) {
      if (request.signal.aborted) throw cancelledError();
      if (e instanceof AgentError) throw e;
      if (timeout.aborted) throw timeoutFailure(timeoutMs);
      throw e;
    }
  }

  return {
    name: "openai",
    model: opts.model,
    async complete(request: ModelRequest): Promise<ModelResponse> {
      for (let retry = 0;; retry++) {
        const state = { streaming: false };
        try {
          return await attempt(request, state);
        } catch (e) {
          if (request.signal.aborted) throw cancelledError();
          const failure = e instanceof AgentError
            ? { code: e.code, message: e.message, retryable: e.code === "timeout" }
            : classifyError(e);
          if (state.streaming && !(e instanceof AgentError)) {
            throw new AgentError(
              "model_error",
              `The model's answer stream broke off: ${failure.message}`,
              { cause: e },
            );
          }
          const wait = failure.retryAfterMs ?? backoff(retry, retryBaseMs, retryMaxMs);
          if (
            !failure.retryable || state.streaming || retry >= maxRetries || wait > retryMaxMs
          ) {
            throw e instanceof AgentError
              ? e
              : new AgentError(failure.code, failure.message, { cause: e });
          }
          await sleep(wait, request.signal);
        }
      }
    },
  };
}

interface StreamChunk {
  choices?: {
    delta?: {
      content?: string | null;
      tool_calls?: {
        index?: number;
        id?: string;
        function?: { name?: string; arguments?: string };
      }[];
    };
    finish_reason?: string | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

function toOpenAIMessage(m: ChatMessage): Record<string, unknown> {
  switch (m.role) {
    case "assistant":
      return m.tool_calls?.length
        ? {
          role: "assistant",
          content: m.content,
          tool_calls: m.tool_calls.map((c) => ({
            id: c.id,
            type: "function",
            function: { name: c.name, arguments: c.arguments },
          })),
        }
        : { role: "assistant", content: m.content ?? "" };
    case "tool":
      return { role: "tool", tool_call_id: m.tool_call_id, content: m.content };
    default:
      return { role: m.role, content: m.content };
  }
}

function timeoutFailure(ms: number): AgentError {
  return new AgentError("timeout", `The model did not answer within ${Math.round(ms / 1000)} s`);
}

/** Exponential backoff with jitter: a random delay in [½, 1] × base × 2^retry, capped. */
export function backoff(retry: number, baseMs: number, maxMs: number): number {
  const full = Math.min(maxMs, baseMs * 2 ** retry);
  return Math.round(full / 2 + Math.random() * full / 2);
}

/** Reads `retry-after-ms` or `Retry-After` (seconds or an HTTP date) as milliseconds. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = headers?.get("retry-after-ms");
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const v = headers?.get("retry-after")?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Classifies an error from the OpenAI SDK or fetch into an error code and retry advice. */
export function classifyError(e: unknown): Failure {
  if (e instanceof APIUserAbortError) {
    return { code: "cancelled", message: "The turn was cancelled", retryable: false };
  }
  if (e instanceof APIConnectionTimeoutError) {
    return { code: "timeout", message: "The model request timed out", retryable: true };
  }
  if (e instanceof APIConnectionError) {
    return {
      code: "model_error",
      message: `Cannot reach the model provider: ${e.message}`,
      retryable: true,
    };
  }
  if (e instanceof APIError) {
    const status = e.status ?? 0;
    const body = (e.error ?? {}) as { code?: string; type?: string; message?: string };
    const detail = body.message ?? e.message;
    if (e.code === "insufficient_quota" || body.type === "insufficient_quota") {
      return {
        code: "quota_exceeded",
        message: `The model provider's quota is used up: ${detail}`,
        retryable: false,
      };
    }
    if (status === 429) {
      return {
        code: "rate_limited",
        message: `The model provider is rate-limiting requests: ${detail}`,
        retryable: true,
        retryAfterMs: retryAfterMs(e.headers),
      };
    }
    if (status === 408 || status === 409 || status >= 500) {
      return {
        code: "model_error",
        message: `The model provider failed (HTTP ${status}): ${detail}`,
        retryable: true,
        retryAfterMs: retryAfterMs(e.headers),
      };
    }
    if (status === 401 || status === 403) {
      return {
        code: "model_error",
        message: `The model provider refused the API key (HTTP ${status}): ${detail}`,
        retryable: false,
      };
    }
    return {
      code: "model_error",
      message: status
        ? `The model provider rejected the request (HTTP ${status}): ${detail}`
        : `The model provider reported an error: ${detail}`,
      retryable: false,
    };
  }
  if (e instanceof TypeError) {
    return {
      code: "model_error",
      message: `Cannot reach the model provider: ${e.message}`,
      retryable: true,
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: "model_error", message: `The model call failed: ${message}`, retryable: false };
}

function isAzure(baseUrl: string | undefined): boolean {
  if (!baseUrl) return false;
  try {
    const host = new URL(baseUrl).hostname;
    return host.endsWith(".azure.com") || host.endsWith(".azure-api.net");
  } catch {
    return false;
  }
}

/** Rough token estimate (≈ 4 characters a token) for servers that send no usage. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
