/**
 * GET /api/conversations → `{conversations: [{id, title, updated_at}]}`, newest first.
 * POST /api/conversations `{title?}` → 201 `{id, title}`.
 */
import { json, readJsonObject, requireUser, stringField } from "../../../lib/web/http.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";

/** Longest conversation title. */
export const MAX_TITLE = 200;

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const user = requireUser(ctx.state);
    const list = await ctx.state.app.store.listConversations(user.id);
    return json({
      conversations: list.map((c) => ({ id: c.id, title: c.title, updated_at: c.updated_at })),
    });
  },
  async POST(req, ctx) {
    const user = requireUser(ctx.state);
    const body = await readJsonObject(req, { optional: true });
    const title = stringField(body, "title", { max: MAX_TITLE, nonBlank: false })?.trim() ?? "";
    const c = await ctx.state.app.store.createConversation(user.id, title);
    return json({ id: c.id, title: c.title, updated_at: c.updated_at }, 201);
  },
};
