/**
 * DELETE /api/conversations/{id}/shares/{username} → 204: the teammate can no longer read
 * the conversation (at once: their next request is a 404, as for a stranger). 404 when it
 * was not shared with them; only the owner (a teammate gets 403, anyone else 404).
 */
import { audit } from "../../../../../lib/audit/audit.ts";
import { NotFoundError } from "../../../../../lib/web/errors.ts";
import { requireUser } from "../../../../../lib/web/http.ts";
import type { AppState } from "../../../../../lib/web/state.ts";
import type { Handlers } from "../../../../../lib/web/types.ts";
import { ownConversation } from "../shares.ts";

export const handler: Handlers<unknown, AppState> = {
  async DELETE(_req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    const c = await ownConversation(ctx.state, user, ctx.params.id);
    const mate = await app.store.getUserByName(ctx.params.username);
    if (!mate || !await app.store.unshareConversation(user.id, c.id, mate.id)) {
      throw new NotFoundError("This conversation is not shared with that teammate");
    }
    await audit(app, { kind: "unshare", user, target: c.id, detail: `with ${mate.username}` });
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  },
};
