/**
 * The Alerts page (`/alerts`): the signed-in user's KPI alert rules with their state, and
 * the form that creates one. Rendered with the rules, the metrics and the business zone,
 * so it is complete at first paint.
 */
import type { JSX } from "preact";
import type { AlertMetricInfo } from "../components/alert_form.tsx";
import type { AlertView } from "../components/alert_list.tsx";
import Alerts from "../islands/Alerts.tsx";
import { alertView } from "../lib/alerts/input.ts";
import { ALERT_METRICS, metricFilterParams } from "../lib/alerts/metrics.ts";
import type { AppState } from "../lib/web/state.ts";
import type { Handlers, PageProps } from "../lib/web/types.ts";

interface AlertsData {
  username: string;
  isAdmin: boolean;
  timeZone: string;
  metrics: AlertMetricInfo[];
  alerts: AlertView[];
}

/** The metrics the form offers, with the filters each takes. */
export function alertMetricInfo(): AlertMetricInfo[] {
  return ALERT_METRICS.map((m) => ({
    name: m.name,
    label: m.label,
    type: m.type,
    filters: metricFilterParams(m),
  }));
}

/** GET: the page, or a redirect to sign in (the middleware normally does it first). */
export const handler: Handlers<AlertsData, AppState> = {
  async GET(_req, ctx) {
    const user = ctx.state.user;
    if (!user) {
      return new Response(null, { status: 303, headers: { Location: "/login?next=/alerts" } });
    }
    const store = ctx.state.app.store;
    const rules = await store.listAlerts(user.id);
    const states = await Promise.all(rules.map((r) => store.getAlertState(r.id)));
    return ctx.render({
      username: user.username,
      isAdmin: user.role === "admin",
      timeZone: ctx.state.app.config.tz,
      metrics: alertMetricInfo(),
      alerts: rules.map((r, i) => ({
        ...(alertView(r, { state: states[i].state?.status }) as unknown as AlertView),
        since: states[i].state?.since ?? null,
      })),
    });
  },
};

/** Renders the Alerts page. */
export default function AlertsPage({ data }: PageProps<AlertsData, AppState>): JSX.Element {
  return <Alerts {...data} />;
}
