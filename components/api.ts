/**
 * The browser side of the HTTP API (`contract/API.md`): JSON requests with the session
 * cookie, errors as {@linkcode ApiError} carrying the API's message.
 */

/** An API request that failed: the HTTP status and the server's code and message. */
export class ApiError extends Error {
  /** HTTP status (0 when the server could not be reached). */
  readonly status: number;
  readonly code: string;
  /** Seconds from `Retry-After`, when the server sent it. */
  readonly retryAfter: number | null;

  constructor(status: number, code: string, message: string, retryAfter: number | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

/** Options of {@linkcode api}. */
export interface ApiOptions {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
}

function fallbackMessage(status: number): string {
  if (status === 401) return "Your session has ended. Sign in again.";
  if (status === 404) return "Not found.";
  if (status === 429) return "Too many requests. Try again in a moment.";
  if (status >= 500) return "The server ran into a problem. Try again.";
  return `The request failed (HTTP ${status}).`;
}

/** Reads `Retry-After` (seconds or an HTTP date) as whole seconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  const n = Number(value);
  if (Number.isFinite(n)) return Math.max(0, Math.ceil(n));
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : Math.max(0, Math.ceil((t - now) / 1000));
}

/** Turns a failed response into an ApiError with the API's `{"error": {code, message}}`. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let code = "http_error";
  let message = fallbackMessage(res.status);
  try {
    const body = await res.json();
    if (body?.error?.message) message = String(body.error.message);
    if (body?.error?.code) code = String(body.error.code);
  } catch {
    // Not JSON: keep the generic message.
  }
  return new ApiError(res.status, code, message, parseRetryAfter(res.headers.get("Retry-After")));
}

/**
 * Calls the API and returns the parsed JSON body (undefined for 204). Throws ApiError on
 * a non-2xx status or when the server cannot be reached.
 */
export async function api<T>(path: string, options: ApiOptions = {}): Promise<T> {
  const headers: Record<string, string> = { "Accept": "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(path, {
      method: options.method ?? "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(0, "network", "Cannot reach the server. Check your connection.");
  }
  if (!res.ok) throw await errorFromResponse(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
