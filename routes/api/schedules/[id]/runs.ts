/**
 * GET /api/schedules/{id}/runs → `{runs: [{id, due_at, trigger, status, attempts: [{n, at,
 * status, reason?, finished_at?}], period_label, delivered_to, created_at, finished_at}]}`,
 * newest first: the schedule's delivery log. Another user's schedule is a 404.
 */
import { json, requireUser } from "../../../../lib/web/http.ts";
import type { AppState } from "../../../../lib/web/state.ts";
import type { Handlers } from "../../../../lib/web/types.ts";
import { ownSchedule } from "../../../../lib/schedules/http.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const user = requireUser(ctx.state);
    const s = await ownSchedule(ctx.state.app, user.id, ctx.params.id);
    const runs = await ctx.state.app.store.listScheduleRuns(s.id);
    return json({
      runs: runs.map(({ owner: _owner, schedule_id: _s, ...run }) => run),
    });
  },
};
