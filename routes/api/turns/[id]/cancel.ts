/**
 * POST /api/turns/{turn_id}/cancel → 202; the turn ends with an `error` event `cancelled`,
 * whichever instance runs it (see `TurnManager.stop`).
 */
import { NotFoundError } from "../../../../lib/web/errors.ts";
import { json, requireUser } from "../../../../lib/web/http.ts";
import type { AppState } from "../../../../lib/web/state.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers<unknown, AppState> = {
  async POST(_req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    const turn = await app.store.getTurn(user.id, ctx.params.id);
    if (!turn) throw new NotFoundError("Turn not found");
    const cancelling = await app.turns.stop(turn);
    return json({ turn_id: turn.id, status: cancelling ? "cancelling" : turn.status }, 202);
  },
};
