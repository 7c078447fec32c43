/**
 * POST /api/auth/login `{username, password}` → 200 `{username}` and the session cookie;
 * 401 on bad credentials; 429 with `Retry-After` when the account or the client address has
 * used up its attempts (or has logins being checked already); 503 with `Retry-After` when
 * the server is checking too many logins at once.
 */
import { type LoginPool } from "../../../lib/auth/login_pool.ts";
import { attemptLogin, loginPool } from "../../../lib/auth/login.ts";
import { clientAddress, compileTrustedProxies } from "../../../lib/auth/client_address.ts";
import {
  cookieSecure,
  createSession,
  hashToken,
  readCookie,
  SESSION_COOKIE,
  sessionCookie,
} from "../../../lib/auth/session.ts";
import { audit } from "../../../lib/audit/audit.ts";
import { HttpError, TooManyRequestsError, UnauthorizedError } from "../../../lib/web/errors.ts";
import { json, readJsonObject, stringField } from "../../../lib/web/http.ts";
import { remoteAddress } from "../../../lib/web/server.ts";
import type { AppContext, AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";

const MESSAGES = {
  account: "Too many failed sign-ins for this account; try again later",
  address: "Too many failed sign-ins from your network; try again later",
  busy: "Sign-ins from your network are already being checked; try again in a moment",
};

/** Each app's hashing pool and proxy trust (one app per context; tests build many). */
const perApp = new WeakMap<
  AppContext,
  { pool: LoginPool; trust: ReturnType<typeof compileTrustedProxies> }
>();

function loginLimits(app: AppContext) {
  let limits = perApp.get(app);
  if (!limits) {
    limits = {
      pool: loginPool(app.config.auth),
      trust: compileTrustedProxies(app.config.trustedProxies),
    };
    perApp.set(app, limits);
  }
  return limits;
}

export const handler: Handlers<unknown, AppState> = {
  async POST(req, ctx) {
    const app = ctx.state.app;
    const body = await readJsonObject(req);
    const username = stringField(body, "username", { required: true, max: 1024 })!;
    const password = stringField(body, "password", { required: true, nonBlank: false })!;
    const now = app.clock();
    const { pool, trust } = loginLimits(app);
    const address = clientAddress(req, remoteAddress(req), trust);
    const result = await attemptLogin(app.store, { username, password, address }, {
      now,
      policy: app.config.auth,
      pool,
      dummyIterations: app.passwordIterations,
    });
    if (!result.ok) {
      await audit(app, {
        kind: "login_failed",
        username: username.trim(),
        address,
        detail: result.reason,
      });
      if (result.reason === "rate_limited") {
        throw new TooManyRequestsError(result.retryAfterSeconds, MESSAGES[result.scope]);
      }
      if (result.reason === "busy" && result.scope === "address") {
        throw new TooManyRequestsError(result.retryAfterSeconds, MESSAGES.busy);
      }
      if (result.reason === "busy") {
        throw new HttpError(
          503,
          "server_busy",
          "The server is checking too many sign-ins right now; try again in a moment",
          { "Retry-After": String(result.retryAfterSeconds) },
        );
      }
      throw new UnauthorizedError("Wrong username or password", "invalid_credentials");
    }
    // A new session for every login (no fixation); the old one, if any, ends.
    const old = readCookie(req, SESSION_COOKIE);
    if (old) await app.store.deleteSession(hashToken(old));
    const { token } = await createSession(app.store, result.user.id, now, app.config.auth);
    await audit(app, { kind: "login", user: result.user, address });
    const cookie = sessionCookie(
      token,
      app.config.auth.sessionMaxHours * 3600,
      cookieSecure(req, app.config.auth.cookieSecure),
    );
    return json({ username: result.user.username }, 200, { "Set-Cookie": cookie });
  },
};
