/**
 * GET /api/alerts/{id}/firings → `{firings: [...]}`, newest first (up to 100): the value,
 * threshold, window and time of each crossing, with the delivery log of its email and
 * webhook (each attempt sent or failed with its reason). Another user's rule is a 404.
 */
import { json, requireUser } from "../../../../lib/web/http.ts";
import type { AppState } from "../../../../lib/web/state.ts";
import type { Handlers } from "../../../../lib/web/types.ts";
import { ownAlert } from "../../../../lib/alerts/http.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    const rule = await ownAlert(app, user.id, ctx.params.id);
    return json({ firings: await app.store.listAlertFirings(rule.id, 100) });
  },
};
