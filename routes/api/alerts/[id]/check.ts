/**
 * POST /api/alerts/{id}/check → `{state, since, value, value_text, threshold_text,
 * period_label, fired, firing_id}`: evaluates the rule at once through the alert evaluator
 * (the same hysteresis and atomic transition as the minute tick, so a breach fires once
 * and notifies in the bell); email and webhook deliveries of a firing go out with the next
 * tick. A disabled rule is measured but not decided. Another user's rule is a 404; 503
 * without a data source.
 */
import { clock } from "../../../../lib/config.ts";
import { HttpError } from "../../../../lib/web/errors.ts";
import { json, requireUser } from "../../../../lib/web/http.ts";
import type { AppState } from "../../../../lib/web/state.ts";
import type { Handlers } from "../../../../lib/web/types.ts";
import { ownAlert } from "../../../../lib/alerts/http.ts";
import { createAlertEvaluator } from "../../../../lib/alerts/evaluate.ts";
import { formatMetricValue, getAlertMetric } from "../../../../lib/alerts/metrics.ts";

export const handler: Handlers<unknown, AppState> = {
  async POST(_req, ctx) {
    const user = requireUser(ctx.state);
    const app = ctx.state.app;
    const rule = await ownAlert(app, user.id, ctx.params.id);
    if (!app.data) throw new HttpError(503, "no_data", "The data source is not available");
    // The data's clock (`NOW` in a demo), as the minute tick's.
    const dataClock = clock(app.config);
    const now = dataClock();
    const evaluator = createAlertEvaluator({
      store: app.store,
      data: app.data,
      tz: app.config.tz,
      // Deliveries are left due for the minute tick, which has the mailer.
      mailer: null,
      clock: dataClock,
      log: app.log,
    });
    try {
      const result = await evaluator.evaluateRule(rule, now);
      if (result.errors.length) {
        throw new HttpError(
          502,
          "check_failed",
          `The alert cannot be checked: ${result.errors[0].reason}`,
        );
      }
      const fired = result.fired[0] ?? null;
      const { state } = await app.store.getAlertState(rule.id);
      const measured = fired
        ? { value: fired.value, period: fired.period_label }
        : await evaluator.measure(rule, now);
      const metric = getAlertMetric(rule.metric)!;
      return json({
        state: state?.status ?? "ok",
        since: state?.since ?? null,
        enabled: rule.enabled,
        value: measured.value,
        value_text: measured.value === null ? null : formatMetricValue(metric, measured.value),
        threshold_text: formatMetricValue(metric, rule.threshold),
        period_label: measured.period,
        fired: fired !== null,
        firing_id: fired?.id ?? state?.firing_id ?? null,
      });
    } finally {
      await evaluator.close();
    }
  },
};
