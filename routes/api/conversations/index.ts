/**
 * GET /api/conversations → `{conversations: [{id, title, updated_at}], shared_with_me:
 * [{id, title, updated_at, shared_by}]}`, newest first (the second: conversations
 * teammates shared read-only, newest share first).
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
    const store = ctx.state.app.store;
    const list = await store.listConversations(user.id);
    const shared = [];
    for (const s of await store.listSharedWith(user.id)) {
      const c = await store.getConversation(s.owner, s.conversation_id);
      if (c) {
        shared.push({
          id: c.id,
          title: c.title,
          updated_at: c.updated_at,
          shared_by: s.owner_username,
        });
      }
    }
    return json({
      conversations: list.map((c) => ({ id: c.id, title: c.title, updated_at: c.updated_at })),
      shared_with_me: shared,
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
