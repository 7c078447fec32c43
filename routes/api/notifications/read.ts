/**
 * POST /api/notifications/read `{ids: [...]}` or `{all: true}` → `{marked, unread}`:
 * marks the user's notifications read (ids of other users' notifications are ignored);
 * open streams get the new unread count.
 */
import { BadRequestError } from "../../../lib/web/errors.ts";
import { json, readJsonObject, requireUser } from "../../../lib/web/http.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";

export const handler: Handlers<unknown, AppState> = {
  async POST(req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    const body = await readJsonObject(req);
    let ids: string[] | "all";
    if (body.all === true && body.ids === undefined) ids = "all";
    else if (
      Array.isArray(body.ids) && body.ids.length <= 500 &&
      body.ids.every((x) => typeof x === "string" && x.length > 0 && x.length <= 100)
    ) ids = body.ids as string[];
    else {
      throw new BadRequestError(
        'Send {"ids": ["n_…", …]} (at most 500) or {"all": true}',
        "invalid_request",
      );
    }
    const marked = await app.store.markNotificationsRead(user.id, ids, app.clock());
    return json({ marked, unread: await app.store.countUnreadNotifications(user.id) });
  },
};
