/** POST /api/auth/login `{username, password}` → 200 `{username}` and the session cookie. */
import { attemptLogin } from "../../../lib/auth/login.ts";
import {
  cookieSecure,
  createSession,
  hashToken,
  readCookie,
  SESSION_COOKIE,
  sessionCookie,
} from "../../../lib/auth/session.ts";
import { TooManyRequestsError, UnauthorizedError } from "../../../lib/web/errors.ts";
import { json, readJsonObject, stringField } from "../../../lib/web/http.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";

export const handler: Handlers<unknown, AppState> = {
  async POST(req, ctx) {
    const app = ctx.state.app;
    const body = await readJsonObject(req);
    const username = stringField(body, "username", { required: true, max: 1024 })!;
    const password = stringField(body, "password", { required: true, nonBlank: false })!;
    const now = app.clock();
    const result = await attemptLogin(app.store, username, password, {
      now,
      policy: app.config.auth,
      dummyIterations: app.passwordIterations,
    });
    if (!result.ok) {
      if (result.reason === "rate_limited") {
        throw new TooManyRequestsError(
          result.retryAfterSeconds,
          "Too many failed sign-ins for this account; try again later",
        );
      }
      throw new UnauthorizedError("Wrong username or password", "invalid_credentials");
    }
    // A new session for every login (no fixation); the old one, if any, ends.
    const old = readCookie(req, SESSION_COOKIE);
    if (old) await app.store.deleteSession(await hashToken(old));
    const { token } = await createSession(app.store, result.user.id, now, app.config.auth);
    const cookie = sessionCookie(
      token,
      app.config.auth.sessionMaxHours * 3600,
      cookieSecure(req, app.config.auth.cookieSecure),
    );
    return json({ username: result.user.username }, 200, { "Set-Cookie": cookie });
  },
};
