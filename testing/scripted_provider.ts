/**
 * A scripted model for tests: replays assistant messages and tool calls in order and
 * records every request it received.
 */
import { cancelledError } from "../lib/agent/errors.ts";
import type {
  DeclaredOutcome,
  ModelProvider,
  ModelRequest,
  ModelResponse,
  ToolCall,
} from "../lib/agent/types.ts";

/** A tool call in a script; `arguments` may be an object (serialised) or raw text. */
export interface ScriptedToolCall {
  id?: string;
  name: string;
  arguments?: string | Record<string, unknown>;
}

/** One scripted model answer. */
export interface ScriptedStep {
  /** Answer text, streamed through `onText` in a few pieces. */
  text?: string;
  tool_calls?: ScriptedToolCall[];
  usage?: { input_tokens: number; output_tokens: number };
  /** Throw this instead of answering. */
  error?: Error;
  /** Wait until the request is aborted (to test cancellation). */
  hang?: boolean;
  /** An outcome declared on the response (as the offline planner does). */
  outcome?: DeclaredOutcome;
}

/** A step, or a function of the request that returns one. */
export type Script = ScriptedStep | ((request: ModelRequest) => ScriptedStep);

/** The scripted provider and what it recorded. */
export interface ScriptedProvider extends ModelProvider {
  /** Every request received, in order (messages copied at call time). */
  readonly requests: ModelRequest[];
}

/**
 * Creates a provider that answers request N with `steps[N]`. Running past the end of
 * the script throws. Default usage: 100 input and 10 output tokens per call.
 */
export function createScriptedProvider(steps: Script[], name = "scripted"): ScriptedProvider {
  const requests: ModelRequest[] = [];
  let next = 0;
  return {
    name,
    requests,
    async complete(request: ModelRequest): Promise<ModelResponse> {
      requests.push({ ...request, messages: structuredClone(request.messages) });
      if (request.signal.aborted) throw cancelledError();
      const entry = steps[next++];
      if (!entry) {
        throw new Error(`Scripted model has no step ${next} (script has ${steps.length})`);
      }
      const step = typeof entry === "function" ? entry(request) : entry;
      if (step.hang) {
        await new Promise<never>((_, reject) => {
          request.signal.addEventListener("abort", () => reject(cancelledError()), {
            once: true,
          });
        });
      }
      if (step.error) throw step.error;
      const text = step.text ?? "";
      if (text && request.onText) {
        const half = Math.ceil(text.length / 2);
        request.onText(text.slice(0, half));
        if (text.length > half) request.onText(text.slice(half));
      }
      const toolCalls: ToolCall[] | undefined = step.tool_calls?.map((c, i) => ({
        id: c.id ?? `call_${next}_${i}`,
        name: c.name,
        arguments: typeof c.arguments === "string"
          ? c.arguments
          : JSON.stringify(c.arguments ?? {}),
      }));
      return {
        message: {
          role: "assistant",
          content: text || null,
          ...(toolCalls?.length ? { tool_calls: toolCalls } : {}),
        },
        usage: step.usage ?? { input_tokens: 100, output_tokens: 10 },
        ...(step.outcome ? { outcome: step.outcome } : {}),
      };
    },
  };
}
