/**
 * GET /api/notifications → `{notifications: [...], unread}`: the user's notifications,
 * newest first (`?limit=`, default 50, at most 200), and how many are unread.
 */
import { BadRequestError } from "../../../lib/web/errors.ts";
import { json, requireUser } from "../../../lib/web/http.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const user = requireUser(ctx.state);
    const store = ctx.state.app.store;
    const raw = ctx.url.searchParams.get("limit");
    const limit = raw === null ? 50 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
      throw new BadRequestError("limit must be a whole number from 1 to 200");
    }
    const [notifications, unread] = await Promise.all([
      store.listNotifications(user.id, { limit }),
      store.countUnreadNotifications(user.id),
    ]);
    return json({ notifications, unread });
  },
};
