/**
 * Typed HTTP errors. Handlers throw them; the islands layer maps them in one place
 * (`errorResponse`) to `{"error": {"code", "message"}}` JSON for `/api/*` and to a plain
 * error page otherwise. Anything else thrown becomes a 500 with a generic message; the
 * details are logged on the server, never sent.
 */

/** An error whose message is safe to show to the client. */
export class HttpError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** Machine-readable code (`not_found`, `bad_request`…). */
  readonly code: string;
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** 400: the request is malformed (bad JSON, wrong types, too long…). */
export class BadRequestError extends HttpError {
  constructor(message = "Bad request", code = "bad_request") {
    super(400, code, message);
    this.name = "BadRequestError";
  }
}

/** 401: no valid session, or bad credentials. */
export class UnauthorizedError extends HttpError {
  constructor(message = "Sign in required", code = "unauthorized") {
    super(401, code, message);
    this.name = "UnauthorizedError";
  }
}

/** 403: the request is not allowed (e.g. cross-site). */
export class ForbiddenError extends HttpError {
  constructor(message = "Forbidden", code = "forbidden") {
    super(403, code, message);
    this.name = "ForbiddenError";
  }
}

/** 404: nothing here, or it belongs to someone else. */
export class NotFoundError extends HttpError {
  constructor(message = "Not found", code = "not_found") {
    super(404, code, message);
    this.name = "NotFoundError";
  }
}

/** 405: the route exists but not for this method. */
export class MethodNotAllowedError extends HttpError {
  constructor(allow: string[]) {
    super(405, "method_not_allowed", "Method not allowed", { Allow: allow.join(", ") });
    this.name = "MethodNotAllowedError";
  }
}

/** 409: the request conflicts with the current state (e.g. a turn already running). */
export class ConflictError extends HttpError {
  constructor(message = "Conflict", code = "conflict") {
    super(409, code, message);
    this.name = "ConflictError";
  }
}

/** 413: the body is too large. */
export class PayloadTooLargeError extends HttpError {
  constructor(message = "Request body is too large", code = "payload_too_large") {
    super(413, code, message);
    this.name = "PayloadTooLargeError";
  }
}

/** 429: slow down; `retryAfterSeconds` goes to the `Retry-After` header. */
export class TooManyRequestsError extends HttpError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, message = "Too many requests, try again later") {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(429, "rate_limited", message, { "Retry-After": String(seconds) });
    this.name = "TooManyRequestsError";
    this.retryAfterSeconds = seconds;
  }
}

/** Options of {@linkcode errorResponse}. */
export interface ErrorResponseOptions {
  /** JSON (for `/api/*`) or an HTML page. */
  json: boolean;
  /** Where unexpected errors are logged (defaults to `console.error`). */
  log?: (message: string, error: unknown) => void;
  /** A label for the log line (method and path). */
  where?: string;
}

/** The status, code and client-safe message for any thrown value. */
export function describeError(error: unknown): {
  status: number;
  code: string;
  message: string;
  headers: Record<string, string>;
  expected: boolean;
} {
  if (error instanceof HttpError) {
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      headers: error.headers,
      expected: true,
    };
  }
  return {
    status: 500,
    code: "internal",
    message: "Something went wrong on the server",
    headers: {},
    expected: false,
  };
}

/** Maps a thrown value to a response: the one place where errors meet HTTP. */
export function errorResponse(error: unknown, options: ErrorResponseOptions): Response {
  const d = describeError(error);
  if (!d.expected) {
    (options.log ?? defaultLog)(
      `Unexpected error${options.where ? ` in ${options.where}` : ""}`,
      error,
    );
  }
  const headers = new Headers(d.headers);
  headers.set("Cache-Control", "no-store");
  if (options.json) {
    headers.set("Content-Type", "application/json; charset=utf-8");
    return new Response(JSON.stringify({ error: { code: d.code, message: d.message } }), {
      status: d.status,
      headers,
    });
  }
  headers.set("Content-Type", "text/html; charset=utf-8");
  return new Response(errorPage(d.status, d.message), { status: d.status, headers });
}

function defaultLog(message: string, error: unknown): void {
  console.error(message + ":", error);
}

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Sign in required",
  403: "Forbidden",
  404: "Page not found",
  405: "Method not allowed",
  409: "Conflict",
  413: "Request too large",
  429: "Too many requests",
  500: "Something went wrong",
};

/** Escapes text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A plain error page (no scripts; the app stylesheet when present). */
export function errorPage(status: number, message: string): string {
  const title = TITLES[status] ?? (status >= 500 ? "Something went wrong" : "Error");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/styles.css">
</head>
<body class="error-page">
<main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
<p><a href="/">Back to the assistant</a></p>
</main>
</body>
</html>
`;
}
