/**
 * Password login with a per-account rate limit: after `loginMaxAttempts` failures within
 * `loginWindowMinutes` the account answers "rate limited" until the window ends. Unknown
 * users and wrong passwords get the same answer and cost the same hashing time.
 */
import type { Config } from "../config.ts";
import type { Store, UserRecord } from "../kv.ts";
import { PBKDF2_ITERATIONS, verifyDummy, verifyPassword } from "./password.ts";

/** The outcome of a login attempt. */
export type LoginResult =
  | { ok: true; user: UserRecord }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

/** Options of {@linkcode attemptLogin}. */
export interface LoginOptions {
  now: Date;
  policy: Pick<Config["auth"], "loginMaxAttempts" | "loginWindowMinutes">;
  /** PBKDF2 iterations spent for unknown users (default: OWASP's). */
  dummyIterations?: number;
}

/** Longest username and password accepted at login (longer ones fail like wrong ones). */
export const MAX_CREDENTIAL_LENGTH = 1024;

/** Checks a username and password. */
export async function attemptLogin(
  store: Store,
  username: string,
  password: string,
  options: LoginOptions,
): Promise<LoginResult> {
  const { now, policy } = options;
  const name = username.trim();
  const attempts = await store.getLoginAttempts(name, now);
  if (attempts && attempts.count >= policy.loginMaxAttempts) {
    return {
      ok: false,
      reason: "rate_limited",
      retryAfterSeconds: Math.max(1, Math.ceil((attempts.reset_at - now.getTime()) / 1000)),
    };
  }
  const user = name && name.length <= MAX_CREDENTIAL_LENGTH
    ? await store.getUserByName(name)
    : null;
  const ok = user && password.length <= MAX_CREDENTIAL_LENGTH
    ? await verifyPassword(password, user.password)
    : await verifyDummy(
      password.slice(0, MAX_CREDENTIAL_LENGTH),
      options.dummyIterations ?? PBKDF2_ITERATIONS,
    );
  if (!ok || !user) {
    if (name) await store.recordLoginFailure(name, now, policy.loginWindowMinutes * 60_000);
    return { ok: false, reason: "invalid" };
  }
  if (attempts) await store.clearLoginAttempts(name);
  return { ok: true, user };
}
