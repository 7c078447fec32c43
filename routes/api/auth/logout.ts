/** POST /api/auth/logout → 204; the session is deleted server-side and the cookie cleared. */
import {
  cookieSecure,
  hashToken,
  readCookie,
  SESSION_COOKIE,
  sessionCookie,
} from "../../../lib/auth/session.ts";
import { audit } from "../../../lib/audit/audit.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";

export const handler: Handlers<unknown, AppState> = {
  async POST(req, ctx) {
    const app = ctx.state.app;
    const token = readCookie(req, SESSION_COOKIE);
    if (token) await app.store.deleteSession(hashToken(token));
    if (ctx.state.user) await audit(app, { kind: "logout", user: ctx.state.user });
    return new Response(null, {
      status: 204,
      headers: {
        "Set-Cookie": sessionCookie("", 0, cookieSecure(req, app.config.auth.cookieSecure)),
        "Cache-Control": "no-store",
      },
    });
  },
};
