/**
 * The form that creates a KPI alert: the metric (those `lib/alerts/metrics.ts` supports),
 * above or below a threshold in the metric's unit, the window (today, last N minutes or
 * hours), filters (queue, direction, agent — only those the metric takes), and channels
 * (in-app, email recipients, a webhook). The values live in the island, so nothing typed
 * is lost when the API refuses the rule; its message shows by the button.
 */
import type { JSX } from "preact";

/** A metric as the page offers it. */
export interface AlertMetricInfo {
  name: string;
  label: string;
  type: "percent" | "seconds" | "count";
  /** The filters it takes (`queue`, `direction`, `agent`…). */
  filters: string[];
}

/** What the form holds (all text, as typed). */
export interface AlertFormValues {
  metric: string;
  comparison: "above" | "below";
  threshold: string;
  windowKind: "today" | "minutes" | "hours";
  windowCount: string;
  queue: string;
  direction: string;
  agent: string;
  inApp: boolean;
  email: string;
  webhook: string;
  name: string;
}

/** The values of an empty form. */
export function initialAlertValues(metrics: AlertMetricInfo[]): AlertFormValues {
  return {
    metric: metrics[0]?.name ?? "abandonment_rate",
    comparison: "above",
    threshold: "",
    windowKind: "today",
    windowCount: "60",
    queue: "",
    direction: "",
    agent: "",
    inApp: true,
    email: "",
    webhook: "",
    name: "",
  };
}

/** The unit a metric's threshold is typed in. */
export function thresholdUnit(type: AlertMetricInfo["type"] | undefined): string {
  return type === "percent" ? "%" : type === "seconds" ? "seconds" : "calls";
}

/** The window in the API's words: "today", "last 30 minutes", "last 2 hours". */
export function windowText(v: Pick<AlertFormValues, "windowKind" | "windowCount">): string {
  if (v.windowKind === "today") return "today";
  return `last ${v.windowCount.trim()} ${v.windowKind}`;
}

/** The `POST /api/alerts` body of the form (the API validates it). */
export function alertBody(
  v: AlertFormValues,
  metrics: AlertMetricInfo[],
): Record<string, unknown> {
  const metric = metrics.find((m) => m.name === v.metric);
  const filters: Record<string, string> = {};
  for (const k of ["queue", "direction", "agent"] as const) {
    if (v[k].trim() && (!metric || metric.filters.includes(k))) filters[k] = v[k].trim();
  }
  return {
    ...(v.name.trim() ? { name: v.name.trim() } : {}),
    metric: v.metric,
    comparison: v.comparison,
    threshold: v.threshold.trim(),
    window: windowText(v),
    filters,
    channels: {
      in_app: v.inApp,
      email: v.email.split(/[,;\s]+/).filter(Boolean),
      webhook: v.webhook.trim() || null,
    },
  };
}

/** Props of {@linkcode AlertForm}. */
export interface AlertFormProps {
  metrics: AlertMetricInfo[];
  values: AlertFormValues;
  onChange: (v: AlertFormValues) => void;
  onSubmit: () => void;
  saving: boolean;
  /** The API's message, shown by the button. */
  error: string | null;
  queues: string[];
  agents: string[];
  directions: string[];
}

/** The create form. */
export function AlertForm(p: AlertFormProps): JSX.Element {
  const v = p.values;
  const set = <K extends keyof AlertFormValues>(k: K, value: AlertFormValues[K]) =>
    p.onChange({ ...v, [k]: value });
  const metric = p.metrics.find((m) => m.name === v.metric);
  const takes = (k: string) => !metric || metric.filters.includes(k);
  const unit = thresholdUnit(metric?.type);
  return (
    <form
      class="alert-form"
      aria-labelledby="alert-form-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        p.onSubmit();
      }}
    >
      <h2 class="sched-section-title" id="alert-form-title">New alert</h2>
      <div class="alert-field">
        <label for="alert-metric">Metric</label>
        <select
          id="alert-metric"
          value={v.metric}
          onChange={(e) => set("metric", e.currentTarget.value)}
        >
          {p.metrics.map((m) => <option key={m.name} value={m.name}>{m.label}</option>)}
        </select>
      </div>
      <div class="alert-row">
        <div class="alert-field">
          <label for="alert-comparison">Condition</label>
          <select
            id="alert-comparison"
            value={v.comparison}
            onChange={(e) => set("comparison", e.currentTarget.value as "above" | "below")}
          >
            <option value="above">Above</option>
            <option value="below">Below</option>
          </select>
        </div>
        <div class="alert-field">
          <label for="alert-threshold">Threshold ({unit})</label>
          <input
            id="alert-threshold"
            inputMode="decimal"
            value={v.threshold}
            placeholder={metric?.type === "percent"
              ? "10"
              : metric?.type === "seconds"
              ? "60"
              : "50"}
            onInput={(e) => set("threshold", e.currentTarget.value)}
          />
        </div>
      </div>
      <div class="alert-row">
        <div class="alert-field">
          <label for="alert-window">Window</label>
          <select
            id="alert-window"
            value={v.windowKind}
            onChange={(e) =>
              set("windowKind", e.currentTarget.value as AlertFormValues["windowKind"])}
          >
            <option value="today">Today so far</option>
            <option value="minutes">Last N minutes</option>
            <option value="hours">Last N hours</option>
          </select>
        </div>
        {v.windowKind !== "today" && (
          <div class="alert-field">
            <label for="alert-window-count">
              {v.windowKind === "minutes" ? "Minutes" : "Hours"}
            </label>
            <input
              id="alert-window-count"
              inputMode="numeric"
              value={v.windowCount}
              onInput={(e) => set("windowCount", e.currentTarget.value)}
            />
          </div>
        )}
      </div>
      <fieldset class="alert-fieldset">
        <legend>Filters (optional)</legend>
        <div class="alert-row">
          {takes("queue") && (
            <div class="alert-field">
              <label for="alert-queue">Queue</label>
              <select
                id="alert-queue"
                value={v.queue}
                onChange={(e) => set("queue", e.currentTarget.value)}
              >
                <option value="">Any queue</option>
                {[...new Set([...p.queues, ...(v.queue ? [v.queue] : [])])].map((q) => (
                  <option key={q} value={q}>{q}</option>
                ))}
              </select>
            </div>
          )}
          {takes("direction") && (
            <div class="alert-field">
              <label for="alert-direction">Direction</label>
              <select
                id="alert-direction"
                value={v.direction}
                onChange={(e) => set("direction", e.currentTarget.value)}
              >
                <option value="">Any direction</option>
                {(p.directions.length ? p.directions : ["incoming", "outgoing"]).map((d) => (
                  <option key={d} value={d}>{d}</option>
                ))}
              </select>
            </div>
          )}
          {takes("agent") && (
            <div class="alert-field">
              <label for="alert-agent">Agent</label>
              <select
                id="alert-agent"
                value={v.agent}
                onChange={(e) => set("agent", e.currentTarget.value)}
              >
                <option value="">Any agent</option>
                {[...new Set([...p.agents, ...(v.agent ? [v.agent] : [])])].map((a) => (
                  <option key={a} value={a}>{a}</option>
                ))}
              </select>
            </div>
          )}
        </div>
      </fieldset>
      <fieldset class="alert-fieldset">
        <legend>Notify me</legend>
        <label class="alert-check">
          <input
            type="checkbox"
            checked={v.inApp}
            onChange={(e) => set("inApp", e.currentTarget.checked)}
          />{" "}
          In the app (the bell)
        </label>
        <div class="alert-field">
          <label for="alert-email">Email recipients</label>
          <input
            id="alert-email"
            type="text"
            autoComplete="off"
            placeholder="sup@example.com, lead@example.com"
            value={v.email}
            onInput={(e) => set("email", e.currentTarget.value)}
          />
        </div>
        <div class="alert-field">
          <label for="alert-webhook">Webhook URL</label>
          <input
            id="alert-webhook"
            type="url"
            placeholder="https://hooks.example.com/alerts"
            value={v.webhook}
            onInput={(e) => set("webhook", e.currentTarget.value)}
          />
          <span class="alert-hint">
            A signed JSON POST (HMAC-SHA256); the secret is shown once after creating.
          </span>
        </div>
      </fieldset>
      <div class="alert-field">
        <label for="alert-name">Name (optional)</label>
        <input
          id="alert-name"
          type="text"
          maxLength={200}
          placeholder="The rule in words"
          value={v.name}
          onInput={(e) => set("name", e.currentTarget.value)}
        />
      </div>
      {p.error && <p class="alert-form-error" role="alert">{p.error}</p>}
      <button type="submit" class="button button-primary" disabled={p.saving}>
        {p.saving ? "Creating…" : "Create alert"}
      </button>
    </form>
  );
}
