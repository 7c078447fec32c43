/**
 * GET /api/schedules → `{schedules: [...]}`, oldest first.
 * POST /api/schedules `{title?, report: {name, params}, format, recipients?, recurrence,
 * paused?}` → 201 with the schedule (its `next_run_at` in the business zone). 400 with a
 * readable message for a bad report, period, recurrence or a recipient whose domain is
 * not allowed (`MAIL_ALLOWED_DOMAINS`).
 */
import { BadRequestError } from "../../../lib/web/errors.ts";
import { audit } from "../../../lib/audit/audit.ts";
import { json, readJsonObject, requireUser } from "../../../lib/web/http.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";
import { MAX_SCHEDULES_PER_USER, newSchedule, scheduleView } from "../../../lib/schedules/input.ts";
import { scheduleInputOrBadRequest } from "../../../lib/schedules/http.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const user = requireUser(ctx.state);
    const list = await ctx.state.app.store.listSchedules(user.id);
    return json({ schedules: list.map(scheduleView) });
  },
  async POST(req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    const input = scheduleInputOrBadRequest(app, await readJsonObject(req), false);
    if ((await app.store.listSchedules(user.id)).length >= MAX_SCHEDULES_PER_USER) {
      throw new BadRequestError(
        `You have ${MAX_SCHEDULES_PER_USER} schedules, the most allowed: delete one first`,
        "too_many_schedules",
      );
    }
    const s = newSchedule(input, { owner: user.id, tz: app.config.tz, now: app.clock() });
    await app.store.saveSchedule(s);
    await audit(app, { kind: "schedule_create", user, target: s.id });
    return json(scheduleView(s), 201);
  },
};
