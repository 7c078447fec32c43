/**
 * POST /api/schedules/{id}/run → 202 `{run_id, status: "queued"}`: runs the schedule now
 * (its next scheduled run does not move). The queue listener delivers it; its outcome
 * shows in `GET /api/schedules/{id}/runs`. Another user's schedule is a 404.
 */
import { json, requireUser } from "../../../../lib/web/http.ts";
import type { AppState } from "../../../../lib/web/state.ts";
import type { Handlers } from "../../../../lib/web/types.ts";
import { NotFoundError } from "../../../../lib/web/errors.ts";
import { queueRunNow } from "../../../../lib/schedules/runner.ts";

export const handler: Handlers<unknown, AppState> = {
  async POST(_req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    const run = await queueRunNow(app.store, {
      id: ctx.params.id,
      owner: user.id,
      now: app.clock(),
    });
    if (!run) throw new NotFoundError("Schedule not found");
    return json({ run_id: run.id, status: run.status }, 202);
  },
};
