/**
 * What the admin page and `/api/admin/*` share: the view of a user, the audit filters read
 * from a query string, and the one mapping of user-operation errors to HTTP statuses.
 */
import { AUDIT_KINDS, type AuditKind } from "../audit/audit.ts";
import {
  LastAdminError,
  NameTakenError,
  NoSuchUserError,
  roleOf,
  UserError,
} from "../auth/users.ts";
import type { AuditQuery, Store, UserRecord, UserRole } from "../kv.ts";
import { BadRequestError, ConflictError, NotFoundError } from "../web/errors.ts";

/** A user as admins see it (never the password hash). */
export interface UserView {
  username: string;
  role: UserRole;
  disabled: boolean;
  created_at: string;
  last_login_at: string | null;
}

/** The view of a user record. */
export function userView(u: UserRecord): UserView {
  return {
    username: u.username,
    role: roleOf(u),
    disabled: u.disabled === true,
    created_at: u.created_at,
    last_login_at: u.last_login_at ?? null,
  };
}

/**
 * Maps an error of `lib/auth/users.ts` to its HTTP error: no such user 404, name taken and
 * last admin 409, anything else the operation refused (a weak password…) 400. Other
 * errors pass through unchanged.
 */
export function userHttpError(e: unknown): unknown {
  if (e instanceof NoSuchUserError) return new NotFoundError(e.message, "no_such_user");
  if (e instanceof LastAdminError) return new ConflictError(e.message, "last_admin");
  if (e instanceof NameTakenError) return new ConflictError(e.message, "name_taken");
  if (e instanceof UserError) return new BadRequestError(e.message);
  return e;
}

/** Runs a user operation, mapping its errors with {@linkcode userHttpError}. */
export async function userOperation<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    throw userHttpError(e);
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function instant(value: string, name: string, endOfDay: boolean): Date {
  const d = DAY.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
  if (Number.isNaN(d.getTime())) {
    throw new BadRequestError(`"${name}" must be a date (YYYY-MM-DD) or an ISO instant`);
  }
  // A day as `to` includes that whole day (UTC).
  return endOfDay && DAY.test(value) ? new Date(d.getTime() + 86_400_000) : d;
}

/** The most entries one request returns. */
export const MAX_AUDIT_ENTRIES = 10_000;

/**
 * The audit filters of a query string: `from`, `to` (days, UTC, or instants; `to` day
 * inclusive), `user` (a username), `kind`, `limit`. 400 for a bad value. An unknown
 * username matches nothing (`userId` is then a value no user has).
 */
export async function auditQuery(
  store: Store,
  params: URLSearchParams,
  defaultLimit: number,
): Promise<AuditQuery> {
  const q: AuditQuery = { limit: defaultLimit };
  const from = params.get("from")?.trim();
  const to = params.get("to")?.trim();
  if (from) q.from = instant(from, "from", false);
  if (to) q.to = instant(to, "to", true);
  if (q.from && q.to && q.from >= q.to) {
    throw new BadRequestError('"from" must be before "to"');
  }
  const kind = params.get("kind")?.trim();
  if (kind) {
    if (!(AUDIT_KINDS as readonly string[]).includes(kind)) {
      throw new BadRequestError(`"kind" must be one of ${AUDIT_KINDS.join(", ")}`);
    }
    q.kind = kind as AuditKind;
  }
  const user = params.get("user")?.trim();
  if (user) q.userId = (await store.getUserByName(user))?.id ?? "-none-";
  const limit = params.get("limit");
  if (limit) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > MAX_AUDIT_ENTRIES) {
      throw new BadRequestError(`"limit" must be a whole number from 1 to ${MAX_AUDIT_ENTRIES}`);
    }
    q.limit = n;
  }
  return q;
}
