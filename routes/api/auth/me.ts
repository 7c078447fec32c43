/** GET /api/auth/me → `{username}` (401 without a session, from the middleware). */
import { json, requireUser } from "../../../lib/web/http.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";

export const handler: Handlers<unknown, AppState> = {
  GET(_req, ctx) {
    return json({ username: requireUser(ctx.state).username });
  },
};
