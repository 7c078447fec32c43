/**
 * Helpers for JSON API routes: reading and validating bodies, answering JSON.
 */
import {
  type ConversationAccess,
  readableConversation,
  readableReport,
  readableTable,
} from "../team/access.ts";
import type { ReportMeta } from "../reports/types.ts";
import type { TableMeta } from "../reports/tables.ts";
import {
  BadRequestError,
  ForbiddenError,
  HttpError,
  NotFoundError,
  UnauthorizedError,
} from "./errors.ts";
import type { AppState, SessionUser } from "./state.ts";

/** Largest JSON body accepted (bytes); the server's body limit (hono/body-limit) enforces it. */
export const MAX_JSON_BYTES = 64 * 1024;

/** A JSON response (`Cache-Control: no-store`). */
export function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set("Content-Type", "application/json; charset=utf-8");
  if (!h.has("Cache-Control")) h.set("Cache-Control", "no-store");
  return new Response(JSON.stringify(body), { status, headers: h });
}

/**
 * Reads a JSON object body. An empty body is `{}` when `optional`; anything but a JSON
 * object in valid UTF-8 is a 400 with a message that says what is wrong. (Bodies over
 * {@linkcode MAX_JSON_BYTES} never get here: the server answers 413.)
 */
export async function readJsonObject(
  req: Request,
  options: { optional?: boolean } = {},
): Promise<Record<string, unknown>> {
  const type = req.headers.get("content-type") ?? "";
  const bytes = await req.arrayBuffer();
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new BadRequestError("Request body is not valid UTF-8");
  }
  if (text.trim() === "") {
    if (options.optional) return {};
    throw new BadRequestError("Request body is empty: send a JSON object");
  }
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type.trim())) {
    throw new HttpError(
      415,
      "unsupported_media_type",
      "Request body must be JSON (Content-Type: application/json)",
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequestError("Request body is not valid JSON");
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new BadRequestError("Request body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

/** Options of {@linkcode stringField}. */
export interface StringFieldOptions {
  required?: boolean;
  /** Longest accepted length (characters). */
  max?: number;
  /** Trim and refuse blank (default true). */
  nonBlank?: boolean;
}

/** A string field of a body, validated; undefined when optional and absent. */
export function stringField(
  body: Record<string, unknown>,
  name: string,
  options: StringFieldOptions = {},
): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) {
    if (options.required) throw new BadRequestError(`"${name}" is required`);
    return undefined;
  }
  if (typeof v !== "string") throw new BadRequestError(`"${name}" must be a string`);
  const s = options.nonBlank === false ? v : v.trim();
  if (options.nonBlank !== false && s === "") {
    throw new BadRequestError(`"${name}" must not be empty`);
  }
  if (options.max !== undefined && [...s].length > options.max) {
    throw new BadRequestError(`"${name}" is longer than ${options.max} characters`);
  }
  return s;
}

/** The signed-in user, or a 401 (the middleware normally answers first). */
export function requireUser(state: AppState): SessionUser {
  if (!state.user) throw new UnauthorizedError();
  return state.user;
}

/** The signed-in user when an admin; a supervisor gets a 403 (no session: 401). */
export function requireAdmin(state: AppState): SessionUser {
  const user = requireUser(state);
  if (user.role !== "admin") {
    throw new ForbiddenError("Only an admin can manage users and read the audit log", "admin_only");
  }
  return user;
}

/**
 * Read access, in one place: a conversation, saved report or table is readable by its
 * owner and by the teammates its conversation is shared with (`lib/team/access.ts`);
 * anyone else gets the stranger's 404. Only reads go through here: writes keep their owner
 * checks.
 */
export const sharedRead = {
  /** A conversation the user owns or was shared; 404 otherwise. */
  async conversation(state: AppState, id: string): Promise<ConversationAccess> {
    const user = requireUser(state);
    const access = await readableConversation(state.app.store, user.id, id);
    if (!access) throw new NotFoundError("Conversation not found");
    return access;
  },
  /** A saved report the user owns or sees in a shared conversation; 404 otherwise. */
  async report(state: AppState, id: string): Promise<ReportMeta> {
    const user = requireUser(state);
    const meta = await readableReport(state.app.store, user.id, id);
    if (!meta) throw new NotFoundError("Report not found");
    return meta;
  },
  /** A saved table the user owns or sees in a shared conversation; 404 otherwise. */
  async table(state: AppState, id: string): Promise<TableMeta> {
    const user = requireUser(state);
    const meta = await readableTable(state.app.store, user.id, id);
    if (!meta) throw new NotFoundError("Table not found");
    return meta;
  },
};
