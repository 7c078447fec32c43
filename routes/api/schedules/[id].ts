/**
 * GET /api/schedules/{id} → the schedule; PATCH with any of its fields (`{paused: true}`
 * pauses, `{paused: false}` resumes and recomputes the next run) → 200 with it; DELETE →
 * 204 (its delivery log goes too). Another user's schedule is a 404.
 */
import { audit } from "../../../lib/audit/audit.ts";
import { json, readJsonObject, requireUser } from "../../../lib/web/http.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";
import { NotFoundError } from "../../../lib/web/errors.ts";
import { scheduleView, updatedSchedule } from "../../../lib/schedules/input.ts";
import { ownSchedule, scheduleInputOrBadRequest } from "../../../lib/schedules/http.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const user = requireUser(ctx.state);
    return json(scheduleView(await ownSchedule(ctx.state.app, user.id, ctx.params.id)));
  },
  async PATCH(req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    const s = await ownSchedule(app, user.id, ctx.params.id);
    const input = scheduleInputOrBadRequest(app, await readJsonObject(req), true);
    const next = updatedSchedule(s, input, app.clock());
    await app.store.saveSchedule(next);
    await audit(app, { kind: "schedule_update", user, target: next.id });
    return json(scheduleView(next));
  },
  async DELETE(_req, ctx) {
    const user = requireUser(ctx.state);
    if (!await ctx.state.app.store.deleteSchedule(user.id, ctx.params.id)) {
      throw new NotFoundError("Schedule not found");
    }
    await audit(ctx.state.app, { kind: "schedule_delete", user, target: ctx.params.id });
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  },
};
