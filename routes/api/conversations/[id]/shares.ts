/**
 * GET /api/conversations/{id}/shares → `{shares: [{username, created_at}]}`: the teammates
 * the conversation is shared with (read-only).
 * POST `{username}` → 201 `{username, created_at}`: shares it with that teammate.
 *
 * Only the owner: a teammate it is shared with gets 403 (no sharing further), anyone else
 * 404. An unknown (or disabled) username is a 400 "No teammate named …": the caller is a
 * signed-in member of the same team, who may see the team's names anyway, so this tells
 * them nothing an outsider could use (strangers never get here: 401).
 */
import { audit } from "../../../../lib/audit/audit.ts";
import { readOnlyError, sharedWith } from "../../../../lib/team/access.ts";
import { BadRequestError, NotFoundError } from "../../../../lib/web/errors.ts";
import { json, readJsonObject, requireUser, stringField } from "../../../../lib/web/http.ts";
import type { AppState, SessionUser } from "../../../../lib/web/state.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

/** The conversation when `user` owns it; 403 for a teammate it is shared with, else 404. */
export async function ownConversation(state: AppState, user: SessionUser, id: string) {
  const store = state.app.store;
  const c = await store.getConversation(user.id, id);
  if (c) return c;
  const share = await sharedWith(store, user.id, id);
  throw share ? readOnlyError(share) : new NotFoundError("Conversation not found");
}

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const user = requireUser(ctx.state);
    const c = await ownConversation(ctx.state, user, ctx.params.id);
    const shares = await ctx.state.app.store.listConversationShares(user.id, c.id);
    return json({
      shares: shares.map((s) => ({ username: s.username, created_at: s.created_at })),
    });
  },
  async POST(req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    const body = await readJsonObject(req);
    const username = stringField(body, "username", { required: true, max: 64 })!;
    const c = await ownConversation(ctx.state, user, ctx.params.id);
    const mate = await app.store.getUserByName(username);
    if (!mate || mate.disabled) {
      throw new BadRequestError(`No teammate named "${username}"`, "unknown_teammate");
    }
    if (mate.id === user.id) {
      throw new BadRequestError("This conversation is yours already; share it with a teammate");
    }
    const created_at = app.clock().toISOString();
    const ok = await app.store.shareConversation({
      owner: user.id,
      owner_username: user.username,
      conversation_id: c.id,
      user_id: mate.id,
      username: mate.username,
      created_at,
    });
    if (!ok) throw new NotFoundError("Conversation not found");
    await audit(app, { kind: "share", user, target: c.id, detail: `with ${mate.username}` });
    return json({ username: mate.username, created_at }, 201);
  },
};
