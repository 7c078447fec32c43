/**
 * Password login, limited three ways:
 *
 * 1. Every attempt is counted *before* its password is hashed, in one KV check-and-increment
 *    per account (`loginMaxAttempts`) and per client address (`loginMaxAttemptsPerAddress`)
 *    within `loginWindowMinutes`, so parallel requests cannot all slip in before the first
 *    failure is recorded. A success clears the account's count and gives the address its
 *    attempt back.
 * 2. Hashing runs in a small {@linkcode LoginPool}: a few at once, one per address, short
 *    queues; beyond them the login is refused at once (429 for the address, 503 for the
 *    server) instead of queueing CPU work.
 * 3. Unknown users, wrong passwords and disabled accounts get the same answer and cost the
 *    same hashing time.
 */
import type { Config } from "../config.ts";
import type { Store, UserRecord } from "../kv.ts";
import { addressKey } from "./client_address.ts";
import { LoginPool } from "./login_pool.ts";
import { PBKDF2_ITERATIONS, verifyDummy, verifyPassword } from "./password.ts";

/** The outcome of a login attempt. */
export type LoginResult =
  | { ok: true; user: UserRecord }
  | { ok: false; reason: "invalid" }
  | {
    ok: false;
    /** Too many failures in the window (`account`/`address`). */
    reason: "rate_limited";
    scope: "account" | "address";
    retryAfterSeconds: number;
  }
  | {
    ok: false;
    /** Too many logins being checked right now (`address`: from this client). */
    reason: "busy";
    scope: "address" | "server";
    retryAfterSeconds: number;
  };

/** The limits of {@linkcode attemptLogin} (from the configuration). */
export type LoginPolicy = Pick<
  Config["auth"],
  "loginMaxAttempts" | "loginMaxAttemptsPerAddress" | "loginWindowMinutes"
>;

/** What is tried: the credentials and where they come from. */
export interface LoginAttempt {
  username: string;
  password: string;
  /** The client's address (lib/auth/client_address.ts), or null when unknown. */
  address: string | null;
}

/** Options of {@linkcode attemptLogin}. */
export interface LoginOptions {
  now: Date;
  policy: LoginPolicy;
  /** The app's hashing pool. */
  pool: LoginPool;
  /** PBKDF2 iterations spent for unknown users (default: OWASP's). */
  dummyIterations?: number;
}

/** Longest username and password accepted at login (longer ones fail like wrong ones). */
export const MAX_CREDENTIAL_LENGTH = 1024;

/** A pool for an app's configuration. */
export function loginPool(auth: Pick<Config["auth"], "loginConcurrency" | "loginQueue">) {
  return new LoginPool({ concurrency: auth.loginConcurrency, queue: auth.loginQueue });
}

/** Checks a username and password. */
export async function attemptLogin(
  store: Store,
  attempt: LoginAttempt,
  options: LoginOptions,
): Promise<LoginResult> {
  const { now, policy, pool } = options;
  const name = attempt.username.trim();
  const password = attempt.password;
  const address = attempt.address === null ? null : addressKey(attempt.address);
  const admission = pool.admit(address ?? "unknown");
  if (!admission.ok) {
    return {
      ok: false,
      reason: "busy",
      scope: admission.scope,
      retryAfterSeconds: admission.retryAfterSeconds,
    };
  }
  try {
    const reserved = await store.reserveLoginAttempt({
      username: name,
      address,
      maxPerAccount: policy.loginMaxAttempts,
      maxPerAddress: policy.loginMaxAttemptsPerAddress,
      windowMs: policy.loginWindowMinutes * 60_000,
    }, now);
    if (!reserved.ok) {
      return {
        ok: false,
        reason: "rate_limited",
        scope: reserved.scope,
        retryAfterSeconds: Math.max(1, Math.ceil(reserved.retryAfterMs / 1000)),
      };
    }
    await admission.ticket.ready;
    const user = name && name.length <= MAX_CREDENTIAL_LENGTH
      ? await store.getUserByName(name)
      : null;
    const ok = user && password.length <= MAX_CREDENTIAL_LENGTH
      ? await verifyPassword(password, user.password)
      : await verifyDummy(
        password.slice(0, MAX_CREDENTIAL_LENGTH),
        options.dummyIterations ?? PBKDF2_ITERATIONS,
      );
    admission.ticket.release();
    // A disabled user is refused exactly as a wrong password (after the same hashing).
    if (!ok || !user || user.disabled) return { ok: false, reason: "invalid" };
    await store.settleLoginSuccess(name, address, now);
    await store.recordLogin(user.id, now);
    return { ok: true, user };
  } finally {
    admission.ticket.release();
  }
}
