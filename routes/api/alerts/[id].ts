/**
 * GET /api/alerts/{id} → the rule with its `state`; PATCH with any of its fields
 * (`{enabled: false}` disables, `{rotate_secret: true}` makes a new webhook secret,
 * shown in that answer only) → 200; DELETE → 204 (its state and firings go too). Another
 * user's rule is a 404.
 */
import { audit } from "../../../lib/audit/audit.ts";
import { json, readJsonObject, requireUser } from "../../../lib/web/http.ts";
import type { AppState } from "../../../lib/web/state.ts";
import type { Handlers } from "../../../lib/web/types.ts";
import { NotFoundError } from "../../../lib/web/errors.ts";
import { alertView, updateAlertRule } from "../../../lib/alerts/input.ts";
import { alertInputOrBadRequest, ownAlert } from "../../../lib/alerts/http.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    const rule = await ownAlert(app, user.id, ctx.params.id);
    const { state } = await app.store.getAlertState(rule.id);
    return json(alertView(rule, { state: state?.status }));
  },
  async PATCH(req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    const rule = await ownAlert(app, user.id, ctx.params.id);
    const input = alertInputOrBadRequest(app, await readJsonObject(req), {
      partial: true,
      currentMetric: rule.metric,
    });
    const { rule: next, secretShown } = updateAlertRule(rule, input, app.clock());
    await app.store.saveAlert(next);
    await audit(app, { kind: "alert_update", user, target: next.id });
    const { state } = await app.store.getAlertState(rule.id);
    return json(alertView(next, { state: state?.status, withSecret: secretShown }));
  },
  async DELETE(_req, ctx) {
    const user = requireUser(ctx.state);
    if (!await ctx.state.app.store.deleteAlert(user.id, ctx.params.id)) {
      throw new NotFoundError("Alert not found");
    }
    await audit(ctx.state.app, { kind: "alert_delete", user, target: ctx.params.id });
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  },
};
