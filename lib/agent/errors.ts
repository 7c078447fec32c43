/**
 * Errors that end an agent turn, each with an {@link ErrorCode} the `error` event carries.
 */
import type { ErrorCode } from "./events.ts";

/** An error that ends the turn (or, for `tool_error`, one tool call). */
export class AgentError extends Error {
  /** What kind of failure it is. */
  readonly code: ErrorCode;

  readonly #fatal: boolean | undefined;

  /** `fatal` overrides the code's default (a tool error that must end the turn). */
  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; fatal?: boolean },
  ) {
    super(message, options);
    this.name = "AgentError";
    this.code = code;
    this.#fatal = options?.fatal;
  }

  /**
   * True when the whole turn must end: by default every code but `tool_error` and
   * `too_many_rounds` (those go back to the model instead).
   */
  get fatal(): boolean {
    return this.#fatal ?? (this.code !== "tool_error" && this.code !== "too_many_rounds");
  }
}

/** The error a cancelled turn ends with. */
export function cancelledError(): AgentError {
  return new AgentError("cancelled", "The turn was cancelled");
}

/** True for the errors `fetch`, streams and `AbortSignal` raise when aborted. */
export function isAbortError(e: unknown): boolean {
  return e instanceof DOMException && (e.name === "AbortError" || e.name === "TimeoutError") ||
    (e instanceof Error && (e.name === "AbortError" || e.name === "APIUserAbortError"));
}

/**
 * Turns anything thrown during a turn into an AgentError: `cancelled` when `signal`
 * was aborted, the error itself when it already is one, else `internal`.
 */
export function toAgentError(e: unknown, signal?: AbortSignal): AgentError {
  if (signal?.aborted) return cancelledError();
  if (e instanceof AgentError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new AgentError("internal", `The turn failed: ${message}`, { cause: e });
}

/** Resolves after `ms` milliseconds, or rejects with `cancelled` when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
