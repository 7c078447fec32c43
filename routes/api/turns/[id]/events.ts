/**
 * GET /api/turns/{turn_id}/events → `text/event-stream` of the turn's events, resuming after
 * `Last-Event-ID` (header, or `?last_event_id=`); ends after `final` or `error`.
 */
import { NotFoundError } from "../../../../lib/web/errors.ts";
import { requireUser } from "../../../../lib/web/http.ts";
import { resumeAfter, turnEventStream } from "../../../../lib/web/sse.ts";
import type { AppState } from "../../../../lib/web/state.ts";
import type { Handlers } from "../../../../lib/web/types.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    const afterSeq = resumeAfter(req, ctx.url);
    const turn = await app.store.getTurn(user.id, ctx.params.id);
    if (!turn) throw new NotFoundError("Turn not found");
    return turnEventStream({
      store: app.store,
      turns: app.turns,
      owner: user.id,
      turnId: turn.id,
      afterSeq,
      heartbeatMs: app.heartbeatMs,
      signal: req.signal,
      log: app.log,
    });
  },
};
