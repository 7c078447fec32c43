/**
 * GET /api/alerts → `{alerts: [...]}` (oldest first, each with its `state`: ok or firing).
 * POST /api/alerts `{name?, metric, comparison: above|below, threshold, window: "today" |
 * "last N minutes" | "last N hours", filters?: {queue, direction, …}, recovery_margin?,
 * channels?: {in_app, email: [...], webhook: url}, enabled?}` → 201 with the rule; with a
 * webhook, its HMAC secret (`webhook_secret`) is in this answer only. 400 with a readable
 * message for an unknown metric, a threshold that is not a number, a bad window, filter,
 * recipient or webhook URL.
 */
import { BadRequestError } from "../../../lib/web/errors.ts";
import { audit } from "../../../lib/audit/audit.ts";
import { json, readJsonObject, requireUser } from "../../../lib/web/http.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";
import { alertView, MAX_ALERTS_PER_USER, newAlertRule } from "../../../lib/alerts/input.ts";
import { alertInputOrBadRequest } from "../../../lib/alerts/http.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const user = requireUser(ctx.state);
    const store = ctx.state.app.store;
    const rules = await store.listAlerts(user.id);
    const states = await Promise.all(rules.map((r) => store.getAlertState(r.id)));
    return json({
      alerts: rules.map((r, i) => alertView(r, { state: states[i].state?.status })),
    });
  },
  async POST(req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    const input = alertInputOrBadRequest(app, await readJsonObject(req), { partial: false });
    if ((await app.store.listAlerts(user.id)).length >= MAX_ALERTS_PER_USER) {
      throw new BadRequestError(
        `You have ${MAX_ALERTS_PER_USER} alerts, the most allowed: delete one first`,
        "too_many_alerts",
      );
    }
    const rule = newAlertRule(input, { owner: user.id, now: app.clock() });
    await app.store.saveAlert(rule);
    await audit(app, { kind: "alert_create", user, target: rule.id });
    return json(alertView(rule, { withSecret: true }), 201);
  },
};
