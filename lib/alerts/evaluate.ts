/**
 * Evaluating KPI alert rules once a minute, through the report catalog (the numbers the
 * chat answers with), and delivering their firings.
 *
 * Hysteresis: a rule's state (`ok` / `firing`) is kept in KV. It fires when it crosses
 * into breach (value above, or below, the threshold); while it stays in breach nothing
 * more is sent; it re-arms ("ok") once the value is back on the good side of the
 * threshold by the rule's `recovery_margin` (default 0), or there is no data.
 *
 * Exactly once across instances: each transition is one atomic commit that checks the
 * state's versionstamp and, for a firing, records it, adds the in-app notification and
 * marks its email and webhook deliveries due — so two evaluators at the same minute make
 * one firing. Deliveries are then claimed one attempt at a time (an atomic commit on the
 * firing and its due mark), sent, and logged on the firing (sent / failed with the
 * reason); a failed attempt is due again after a backoff (1 min, then 5 min; 3 attempts)
 * and is picked up by the next minute's tick of any instance.
 *
 * The clock is injected: tests call {@linkcode AlertEvaluator.evaluate} with a frozen
 * instant. One guarded `Deno.cron` ("alerts") per process ticks every started evaluator,
 * as the scheduled reports' runner does.
 */
import type { Config } from "../config.ts";
import type { DataClient } from "../data/types.ts";
import type { Store } from "../kv.ts";
import { runReport } from "../reports/run.ts";
import { type Mailer, smtpMailer } from "../schedules/mailer.ts";
import { firingEmail, firingNotification, postWebhook, webhookPayload } from "./deliver.ts";
import { describeRule } from "./input.ts";
import { type AlertMetric, formatMetricValue, getAlertMetric } from "./metrics.ts";
import {
  type AlertDelivery,
  type AlertFiring,
  type AlertRule,
  type DueAlertDelivery,
  sortableId,
} from "./types.ts";

/** Attempts of one delivery. */
export const DEFAULT_ALERT_MAX_ATTEMPTS = 3;
/** Waits before the 2nd and 3rd attempts. */
export const DEFAULT_ALERT_RETRY_DELAYS_MS = [60_000, 300_000];

/** Options of {@linkcode createAlertEvaluator}. */
export interface AlertEvaluatorOptions {
  store: Store;
  /** Where the metrics are read from. */
  data: DataClient;
  /** IANA business zone ("today"). */
  tz: string;
  /** Sends alert emails; null: email channels fail with a logged reason. */
  mailer: Mailer | null;
  /** The app's URL for links (`APP_URL`), or null. */
  appUrl?: string | null;
  /** The clock of ticks (default: real time). */
  clock?: () => Date;
  /** Accept webhooks on private addresses (`ALERT_WEBHOOK_ALLOW_PRIVATE`). */
  allowPrivateWebhooks?: boolean;
  /** Deadline of one webhook POST (default 10 s). */
  webhookTimeoutMs?: number;
  /** Deadline of one metric query (default 30 s). */
  queryTimeoutMs?: number;
  maxAttempts?: number;
  /** Wait before attempt n+1 is `retryDelaysMs[n-1]` (the last repeats). */
  retryDelaysMs?: number[];
  /** The fetch of webhooks (tests). */
  fetch?: typeof fetch;
  log?: (message: string, error?: unknown) => void;
}

/** The outcome of one evaluation. */
export interface EvaluateResult {
  /** Firings this evaluator recorded (another instance's are not here). */
  fired: AlertFiring[];
  /** Rules this evaluator re-armed. */
  recovered: string[];
  /** Rules that could not be evaluated, with the reason. */
  errors: { rule_id: string; reason: string }[];
  /** Delivery attempts this evaluator made. */
  attempts: number;
}

/** Evaluates alert rules and delivers their firings. */
export interface AlertEvaluator {
  /** Evaluates every enabled rule at `now`, then makes the delivery attempts due. */
  evaluate(now?: Date): Promise<EvaluateResult>;
  /**
   * Evaluates one enabled rule at `now` exactly as {@linkcode evaluate} does (same
   * hysteresis and atomic transition), without making deliveries ("check now": the minute
   * tick sends them).
   */
  evaluateRule(rule: AlertRule, now?: Date): Promise<EvaluateResult>;
  /** Makes the delivery attempts due at `now`; the number made. */
  deliverDue(now?: Date): Promise<number>;
  /** A rule's current value at `now` (null: no data). */
  measure(rule: AlertRule, now: Date): Promise<{ value: number | null; period: string | null }>;
  /** Starts the minute tick where `Deno.cron` exists. */
  start(): void;
  close(): Promise<void>;
}

function reasonOf(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.charAt(0).toUpperCase() + m.slice(1);
}

/** Whether `value` breaches the rule. */
export function inBreach(rule: AlertRule, value: number | null): boolean {
  if (value === null) return false;
  return rule.comparison === "above" ? value > rule.threshold : value < rule.threshold;
}

/** Whether a firing rule has recovered at `value` (back past the threshold by the margin). */
export function recovered(rule: AlertRule, value: number | null): boolean {
  if (value === null) return true;
  const m = rule.recovery_margin ?? 0;
  return rule.comparison === "above" ? value <= rule.threshold - m : value >= rule.threshold + m;
}

let cronAbort: AbortController | null = null;
const ticking = new Set<AlertEvaluator>();

function registerCron(e: AlertEvaluator, log: (m: string, e?: unknown) => void): boolean {
  const cron = (Deno as { cron?: typeof Deno.cron }).cron;
  if (typeof cron !== "function") return false;
  ticking.add(e);
  if (!cronAbort) {
    cronAbort = new AbortController();
    cron("alerts", "* * * * *", { signal: cronAbort.signal }, async () => {
      await Promise.all(
        [...ticking].map((x) =>
          x.evaluate().catch((err) => log("Alerts: the evaluation failed", err))
        ),
      );
    });
  }
  return true;
}

function unregisterCron(e: AlertEvaluator): void {
  if (!ticking.delete(e) || ticking.size > 0) return;
  cronAbort?.abort();
  cronAbort = null;
}

/** Builds the evaluator (see the module). */
export function createAlertEvaluator(opts: AlertEvaluatorOptions): AlertEvaluator {
  const store = opts.store;
  const clock = opts.clock ?? (() => new Date());
  const log = opts.log ?? ((m: string, e?: unknown) => console.error(m, e ?? ""));
  const maxAttempts = Math.max(1, opts.maxAttempts ?? DEFAULT_ALERT_MAX_ATTEMPTS);
  const delays = opts.retryDelaysMs?.length ? opts.retryDelaysMs : DEFAULT_ALERT_RETRY_DELAYS_MS;
  const webhookTimeoutMs = opts.webhookTimeoutMs ?? 10_000;
  const queryTimeoutMs = opts.queryTimeoutMs ?? 30_000;
  const appUrl = opts.appUrl ?? null;
  let closed = false;

  async function measure(rule: AlertRule, now: Date) {
    const metric = getAlertMetric(rule.metric);
    if (!metric) throw new Error(`Unknown metric "${rule.metric}"`);
    const result = await runReport(metric.report, { ...rule.filters, period: rule.window }, {
      client: opts.data,
      tz: opts.tz,
      now,
      signal: AbortSignal.timeout(queryTimeoutMs),
    }, { previewRows: 0 });
    const raw = result.summary[metric.key];
    const value = typeof raw === "number" && Number.isFinite(raw) ? raw : null;
    return { value, period: result.period?.label ?? null, metric };
  }

  function newFiring(
    rule: AlertRule,
    m: { value: number; period: string | null; metric: AlertMetric },
    now: Date,
  ): AlertFiring {
    const deliveries: AlertDelivery[] = [];
    const due = now.toISOString();
    if (rule.channels.email.length) {
      deliveries.push({
        channel: "email",
        target: rule.channels.email.join(", "),
        status: "pending",
        attempts: [],
        next_at: due,
      });
    }
    if (rule.channels.webhook) {
      deliveries.push({
        channel: "webhook",
        target: rule.channels.webhook,
        status: "pending",
        attempts: [],
        next_at: due,
      });
    }
    return {
      id: sortableId("f", now),
      rule_id: rule.id,
      owner: rule.owner,
      description: describeRule(rule),
      metric: rule.metric,
      comparison: rule.comparison,
      threshold: rule.threshold,
      window: rule.window,
      period_label: m.period,
      value: m.value,
      value_text: formatMetricValue(m.metric, m.value),
      threshold_text: formatMetricValue(m.metric, rule.threshold),
      fired_at: due,
      notification_id: null,
      deliveries,
    };
  }

  async function send(due: DueAlertDelivery, firing: AlertFiring, attempt: number) {
    const rule = await store.getAlert(due.rule_id);
    if (!rule) throw Object.assign(new Error("The alert was deleted"), { permanent: true });
    const delivery = firing.deliveries.find((d) => d.channel === due.channel)!;
    if (due.channel === "email") {
      if (!opts.mailer) {
        throw Object.assign(new Error("No SMTP server is configured (SMTP_URL)"), {
          permanent: true,
        });
      }
      const email = firingEmail(firing, rule, { tz: opts.tz, appUrl });
      await opts.mailer.send({
        to: delivery.target.split(", "),
        ...email,
        attachments: [],
      }, { signal: AbortSignal.timeout(60_000) });
      return;
    }
    if (!rule.webhook_secret) {
      throw Object.assign(new Error("The alert has no webhook secret"), { permanent: true });
    }
    await postWebhook({
      url: delivery.target,
      secret: rule.webhook_secret,
      body: JSON.stringify(webhookPayload(firing, rule, appUrl)),
      timeoutMs: webhookTimeoutMs,
      allowPrivate: opts.allowPrivateWebhooks ?? false,
      deliveryId: `${firing.id}:${attempt}`,
      fetch: opts.fetch,
    });
  }

  /** Decides one rule at `now` (fires or re-arms it with one atomic transition), into `out`. */
  async function evaluateOne(rule: AlertRule, now: Date, out: EvaluateResult): Promise<void> {
    try {
      const m = await measure(rule, now);
      const { state, versionstamp } = await store.getAlertState(rule.id);
      const firing = state?.status === "firing";
      if (!firing && inBreach(rule, m.value)) {
        const f = newFiring(rule, { ...m, value: m.value! }, now);
        const note = rule.channels.in_app ? firingNotification(f, rule) : null;
        if (note) f.notification_id = note.id;
        const ok = await store.transitionAlert({
          ruleId: rule.id,
          versionstamp,
          state: { status: "firing", since: f.fired_at, value: m.value, firing_id: f.id },
          firing: f,
          notification: note,
        });
        if (ok) out.fired.push(f);
      } else if (firing && recovered(rule, m.value)) {
        const ok = await store.transitionAlert({
          ruleId: rule.id,
          versionstamp,
          state: { status: "ok", since: now.toISOString(), value: m.value, firing_id: null },
        });
        if (ok) out.recovered.push(rule.id);
      }
    } catch (e) {
      log(`Alerts: cannot evaluate ${rule.id}`, e);
      out.errors.push({ rule_id: rule.id, reason: reasonOf(e) });
    }
  }

  const evaluator: AlertEvaluator = {
    async measure(rule, now) {
      const { value, period } = await measure(rule, now);
      return { value, period };
    },

    async evaluate(now = clock()) {
      const out: EvaluateResult = { fired: [], recovered: [], errors: [], attempts: 0 };
      const rules = (await store.listAllAlerts()).filter((r) => r.enabled);
      for (const rule of rules) {
        if (closed) break;
        await evaluateOne(rule, now, out);
      }
      out.attempts = await evaluator.deliverDue(now);
      return out;
    },

    async evaluateRule(rule, now = clock()) {
      const out: EvaluateResult = { fired: [], recovered: [], errors: [], attempts: 0 };
      if (rule.enabled && !closed) await evaluateOne(rule, now, out);
      return out;
    },

    async deliverDue(now = clock()) {
      let attempts = 0;
      for (const due of await store.listDueAlertDeliveries(now)) {
        if (closed) break;
        const leaseUntil = new Date(now.getTime() + Math.max(webhookTimeoutMs, 60_000) + 60_000);
        const claimed = await store.claimAlertDelivery(due, { at: now, leaseUntil });
        if (!claimed) continue;
        attempts++;
        const { firing, attempt } = claimed;
        const finish = {
          ruleId: due.rule_id,
          firingId: due.firing_id,
          channel: due.channel,
          attempt,
        };
        try {
          await send(due, firing, attempt);
          await store.finishAlertDelivery({ ...finish, at: clock(), status: "sent" });
        } catch (e) {
          const permanent = (e as { permanent?: boolean }).permanent === true;
          const retry = !permanent && attempt < maxAttempts;
          log(`Alerts: ${due.channel} attempt ${attempt} of firing ${due.firing_id} failed`, e);
          await store.finishAlertDelivery({
            ...finish,
            at: clock(),
            status: "failed",
            reason: reasonOf(e),
            retryAt: retry
              ? new Date(now.getTime() + delays[Math.min(attempt - 1, delays.length - 1)])
              : null,
          });
        }
      }
      return attempts;
    },

    start() {
      if (closed) throw new Error("Cannot start a closed alert evaluator");
      registerCron(evaluator, log);
    },

    close() {
      closed = true;
      unregisterCron(evaluator);
      opts.mailer?.close();
      return Promise.resolve();
    },
  };
  return evaluator;
}

/**
 * The app's evaluator from its configuration, started: SMTP when `SMTP_URL` is set, the
 * minute tick where `Deno.cron` exists.
 */
export function startAlertEvaluator(opts: {
  config: Pick<Config, "mail" | "appUrl" | "alerts" | "tz">;
  store: Store;
  data: DataClient;
  clock?: () => Date;
  log?: (message: string, error?: unknown) => void;
}): AlertEvaluator {
  const mail = opts.config.mail;
  const evaluator = createAlertEvaluator({
    store: opts.store,
    data: opts.data,
    tz: opts.config.tz,
    mailer: mail?.smtpUrl
      ? smtpMailer({ url: mail.smtpUrl, from: mail.from, timeoutMs: mail.timeoutMs })
      : null,
    appUrl: opts.config.appUrl ?? null,
    clock: opts.clock,
    allowPrivateWebhooks: opts.config.alerts?.webhookAllowPrivate ?? false,
    webhookTimeoutMs: opts.config.alerts?.webhookTimeoutMs,
    log: opts.log,
  });
  evaluator.start();
  return evaluator;
}
