/**
 * Reading an alert rule from JSON (the API): validation with readable messages, the
 * record it makes (with a webhook secret generated once), the rule in words, and what the
 * API shows of a rule (never the secret, except once when it is made).
 */
import ipaddr from "ipaddr.js";
import { newId } from "../kv.ts";
import { ReportParamError } from "../reports/errors.ts";
import { describeParams } from "./words.ts";
import { normalizeParams } from "../reports/params.ts";
import type { ReportParams } from "../reports/types.ts";
import { recipientProblem } from "../schedules/mailer.ts";
import {
  ALERT_METRICS,
  type AlertMetric,
  formatMetricValue,
  getAlertMetric,
  metricFilterParams,
} from "./metrics.ts";
import {
  ALERT_COMPARISONS,
  type AlertChannels,
  type AlertComparison,
  type AlertRule,
} from "./types.ts";

/** Thrown for a rule that cannot be accepted; the message is safe to show. */
export class AlertInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AlertInputError";
  }
}

/** Most rules one user may have. */
export const MAX_ALERTS_PER_USER = 50;
/** Most email recipients of one rule. */
export const MAX_ALERT_RECIPIENTS = 20;
/** Longest rule name. */
export const MAX_ALERT_NAME = 200;

/** The fields of a rule a user sets (all required ones on create, any on update). */
export interface AlertInput {
  name?: string;
  metric?: string;
  comparison?: AlertComparison;
  threshold?: number;
  window?: string;
  filters?: ReportParams;
  recovery_margin?: number;
  channels?: AlertChannels;
  enabled?: boolean;
  /** Update only: make a new webhook secret (shown once). */
  rotate_secret?: boolean;
}

/** What reading a rule needs to know. */
export interface AlertInputOptions {
  /** Recipient domains the administrator allows (`MAIL_ALLOWED_DOMAINS`). */
  allowedDomains: readonly string[];
  /** Accept webhook URLs on loopback and private addresses (`ALERT_WEBHOOK_ALLOW_PRIVATE`). */
  allowPrivateWebhooks: boolean;
  /** The metric of the rule being updated (filters are checked against it). */
  currentMetric?: string;
  /** True for an update: missing fields stay as they are. */
  partial?: boolean;
}

const FIELDS = [
  "name",
  "metric",
  "comparison",
  "threshold",
  "window",
  "filters",
  "recovery_margin",
  "channels",
  "enabled",
];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function readNumber(v: unknown, what: string): number {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() ? Number(v) : NaN;
  if (!Number.isFinite(n)) {
    throw new AlertInputError(`The ${what} must be a number, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** The metric called `name`, or an AlertInputError listing the metrics. */
export function requireMetric(name: unknown): AlertMetric {
  const m = typeof name === "string" ? getAlertMetric(name) : undefined;
  if (!m) {
    throw new AlertInputError(
      `Unknown metric ${JSON.stringify(name ?? null)}: use one of ${
        ALERT_METRICS.map((x) => x.name).join(", ")
      }`,
    );
  }
  return m;
}

/**
 * A window in canonical words: "today", "last N minutes" (1–1440) or "last N hours"
 * (1–168). Accepts "last hour", "last 30 min", "past 2 hours", "1h", "15m".
 */
export function parseWindow(v: unknown): string {
  const text = typeof v === "string" ? v.trim().toLowerCase().replace(/\s+/g, " ") : "";
  if (text === "today") return "today";
  const m = /^(?:(?:last|past) )?(\d+)? ?(minutes?|mins?|m|hours?|hrs?|h)$/.exec(text);
  if (m && (m[1] !== undefined || /^(?:last|past) /.test(text))) {
    const n = Number(m[1] ?? 1);
    const hours = m[2].startsWith("h");
    const max = hours ? 168 : 1440;
    if (Number.isInteger(n) && n >= 1 && n <= max) {
      return `last ${n} ${hours ? (n === 1 ? "hour" : "hours") : (n === 1 ? "minute" : "minutes")}`;
    }
  }
  throw new AlertInputError(
    `Cannot read the window ${JSON.stringify(v ?? null)}: use "today", "last N minutes" ` +
      `(up to 1440) or "last N hours" (up to 168)`,
  );
}

/** Whether `host` (a URL's hostname) is loopback, private, link-local or otherwise not public. */
export function isPrivateHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase().replace(/\.$/, "");
  if (h === "localhost" || h.endsWith(".localhost") || h.endsWith(".local")) return true;
  if (h.endsWith(".internal") || h === "") return true;
  if (!ipaddr.isValid(h)) return false;
  return ipaddr.process(h).range() !== "unicast";
}

/** A webhook URL: http(s), no private host unless allowed. */
export function readWebhookUrl(v: unknown, allowPrivate: boolean): string {
  let u: URL | null = null;
  try {
    u = typeof v === "string" ? new URL(v.trim()) : null;
  } catch { /* reported below */ }
  if (!u || (u.protocol !== "http:" && u.protocol !== "https:") || !u.hostname) {
    throw new AlertInputError(
      `The webhook must be an http(s) URL such as https://hooks.example.com/alerts, got ${
        JSON.stringify(v ?? null)
      }`,
    );
  }
  if (u.username || u.password) {
    throw new AlertInputError("The webhook URL must not carry a user name or password");
  }
  if (!allowPrivate && isPrivateHost(u.hostname)) {
    throw new AlertInputError(
      `The webhook ${u.hostname} is a loopback or private address: use a public address ` +
        `(the administrator can allow private ones with ALERT_WEBHOOK_ALLOW_PRIVATE=true)`,
    );
  }
  return u.toString();
}

function readChannels(v: unknown, opts: AlertInputOptions): AlertChannels {
  if (!isObject(v)) {
    throw new AlertInputError(
      'The channels must be an object such as {"in_app": true, "email": ["sup@example.com"], ' +
        '"webhook": "https://hooks.example.com/alerts"}',
    );
  }
  const unknown = Object.keys(v).filter((k) => !["in_app", "email", "webhook"].includes(k));
  if (unknown.length) {
    throw new AlertInputError(
      `Unknown channel ${JSON.stringify(unknown[0])}: use in_app, email, webhook`,
    );
  }
  if (v.in_app !== undefined && typeof v.in_app !== "boolean") {
    throw new AlertInputError("channels.in_app must be true or false");
  }
  const rawEmail = v.email ?? [];
  const list = typeof rawEmail === "string" ? rawEmail.split(/[,;\s]+/) : rawEmail;
  if (!Array.isArray(list) || list.some((a) => typeof a !== "string")) {
    throw new AlertInputError("channels.email must be a list of email addresses");
  }
  const email: string[] = [];
  for (const raw of list as string[]) {
    const a = raw.trim().toLowerCase();
    if (!a || email.includes(a)) continue;
    const problem = recipientProblem(a, opts.allowedDomains);
    if (problem) throw new AlertInputError(problem.replace("send reports to", "email alerts to"));
    email.push(a);
  }
  if (email.length > MAX_ALERT_RECIPIENTS) {
    throw new AlertInputError(`An alert takes at most ${MAX_ALERT_RECIPIENTS} email recipients`);
  }
  const webhook = v.webhook === undefined || v.webhook === null || v.webhook === ""
    ? null
    : readWebhookUrl(v.webhook, opts.allowPrivateWebhooks);
  const channels = { in_app: v.in_app ?? true, email, webhook };
  if (!channels.in_app && email.length === 0 && !webhook) {
    throw new AlertInputError("The alert needs at least one channel: in_app, email or webhook");
  }
  return channels;
}

function readFilters(v: unknown, metric: AlertMetric): ReportParams {
  if (!isObject(v)) {
    throw new AlertInputError('The filters must be an object such as {"queue": "support"}');
  }
  const accepted = metricFilterParams(metric);
  const unknown = Object.keys(v).filter((k) => !accepted.includes(k as typeof accepted[number]));
  if (unknown.length) {
    throw new AlertInputError(
      `The metric ${metric.name} cannot be filtered by ${
        unknown.map((k) => `"${k}"`).join(", ")
      }: use ${accepted.join(", ")}`,
    );
  }
  try {
    const params = normalizeParams(v, accepted) as ReportParams;
    for (const k of Object.keys(params) as (keyof ReportParams)[]) {
      if (params[k] === undefined) delete params[k];
    }
    return params;
  } catch (e) {
    if (e instanceof ReportParamError) throw new AlertInputError(e.message);
    throw e;
  }
}

/**
 * Validates a rule's JSON. On create, `metric`, `comparison`, `threshold` and `window`
 * are required; everything is checked, and unknown fields are refused.
 */
export function parseAlertInput(body: unknown, opts: AlertInputOptions): AlertInput {
  if (!isObject(body)) throw new AlertInputError("The alert must be a JSON object");
  const known = opts.partial ? [...FIELDS, "rotate_secret"] : FIELDS;
  const unknown = Object.keys(body).find((k) => !known.includes(k));
  if (unknown) {
    throw new AlertInputError(`Unknown field "${unknown}": use ${known.join(", ")}`);
  }
  if (!opts.partial) {
    for (const k of ["metric", "comparison", "threshold", "window"]) {
      if (body[k] === undefined || body[k] === null) {
        throw new AlertInputError(`The alert needs "${k}"`);
      }
    }
  }
  const out: AlertInput = {};
  if (body.name !== undefined) {
    if (typeof body.name !== "string" || body.name.trim().length > MAX_ALERT_NAME) {
      throw new AlertInputError(`The name must be text of at most ${MAX_ALERT_NAME} characters`);
    }
    out.name = body.name.trim();
  }
  let metric: AlertMetric | undefined;
  if (body.metric !== undefined) {
    metric = requireMetric(body.metric);
    out.metric = metric.name;
  } else if (opts.currentMetric) metric = getAlertMetric(opts.currentMetric);
  if (body.comparison !== undefined) {
    const c = typeof body.comparison === "string" ? body.comparison.trim().toLowerCase() : "";
    const word = ({ over: "above", ">": "above", under: "below", "<": "below" } as Record<
      string,
      string
    >)[c] ?? c;
    if (!ALERT_COMPARISONS.includes(word as AlertComparison)) {
      throw new AlertInputError(
        `Unknown comparison ${JSON.stringify(body.comparison)}: use above or below`,
      );
    }
    out.comparison = word as AlertComparison;
  }
  if (body.threshold !== undefined) out.threshold = readNumber(body.threshold, "threshold");
  if (body.recovery_margin !== undefined) {
    const m = readNumber(body.recovery_margin, "recovery margin");
    if (m < 0) throw new AlertInputError("The recovery margin must be zero or more");
    out.recovery_margin = m;
  }
  if (body.window !== undefined) out.window = parseWindow(body.window);
  if (body.filters !== undefined && body.filters !== null) {
    out.filters = readFilters(body.filters, metric ?? requireMetric(opts.currentMetric));
  } else if (out.metric && opts.partial) {
    out.filters = undefined;
  }
  if (body.channels !== undefined) out.channels = readChannels(body.channels, opts);
  if (body.enabled !== undefined) {
    if (typeof body.enabled !== "boolean") {
      throw new AlertInputError("enabled must be true or false");
    }
    out.enabled = body.enabled;
  }
  if (body.rotate_secret !== undefined) {
    if (typeof body.rotate_secret !== "boolean") {
      throw new AlertInputError("rotate_secret must be true or false");
    }
    out.rotate_secret = body.rotate_secret;
  }
  if (metric?.type === "percent") {
    const t = out.threshold;
    if (t !== undefined && (t < 0 || t > 100)) {
      throw new AlertInputError(
        `The threshold of ${metric.name} is a percentage from 0 to 100, got ${t}`,
      );
    }
  }
  return out;
}

/** A new HMAC key for a rule's webhook: 32 random bytes, hex. */
export function newWebhookSecret(): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(32)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

/** The rule in words: "Abandonment rate above 10% (last 60 minutes, queue: support)". */
export function describeRule(
  rule: Pick<AlertRule, "metric" | "comparison" | "threshold" | "window" | "filters">,
): string {
  const metric = requireMetric(rule.metric);
  const filters = describeParams(rule.filters);
  const scope = [rule.window, ...filters].join(", ");
  return `${metric.label} ${rule.comparison} ${
    formatMetricValue(metric, rule.threshold)
  } (${scope})`;
}

/** The record a validated create makes. */
export function newAlertRule(
  input: AlertInput,
  opts: { owner: string; now: Date },
): AlertRule {
  const metric = requireMetric(input.metric);
  const channels = input.channels ?? { in_app: true, email: [], webhook: null };
  const base = {
    metric: metric.name,
    comparison: input.comparison!,
    threshold: input.threshold!,
    window: input.window!,
    filters: input.filters ?? {},
  };
  return {
    id: newId("al"),
    owner: opts.owner,
    name: input.name || describeRule(base),
    ...base,
    recovery_margin: input.recovery_margin ?? 0,
    channels,
    webhook_secret: channels.webhook ? newWebhookSecret() : null,
    enabled: input.enabled ?? true,
    created_at: opts.now.toISOString(),
    updated_at: opts.now.toISOString(),
  };
}

/**
 * The rule after a validated update. A webhook added to a rule without a secret, or
 * `rotate_secret`, makes a new secret (`secret_shown`: the caller shows it once).
 */
export function updateAlertRule(
  rule: AlertRule,
  input: AlertInput,
  now: Date,
): { rule: AlertRule; secretShown: boolean } {
  const named = rule.name !== describeRule(rule);
  const next: AlertRule = {
    ...rule,
    ...(input.metric !== undefined ? { metric: input.metric, filters: input.filters ?? {} } : {}),
    ...(input.filters !== undefined ? { filters: input.filters } : {}),
    ...(input.comparison !== undefined ? { comparison: input.comparison } : {}),
    ...(input.threshold !== undefined ? { threshold: input.threshold } : {}),
    ...(input.window !== undefined ? { window: input.window } : {}),
    ...(input.recovery_margin !== undefined ? { recovery_margin: input.recovery_margin } : {}),
    ...(input.channels !== undefined ? { channels: input.channels } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
    updated_at: now.toISOString(),
  };
  if (input.name !== undefined) next.name = input.name || describeRule(next);
  else if (!named) next.name = describeRule(next);
  let secretShown = false;
  if (!next.channels.webhook) next.webhook_secret = null;
  else if (!next.webhook_secret || input.rotate_secret) {
    next.webhook_secret = newWebhookSecret();
    secretShown = true;
  }
  return { rule: next, secretShown };
}

/** What the API shows of a rule: everything but the webhook secret (unless `withSecret`). */
export function alertView(
  rule: AlertRule,
  extra: { state?: string | null; withSecret?: boolean } = {},
): Record<string, unknown> {
  const { webhook_secret, ...rest } = rule;
  return {
    ...rest,
    description: describeRule(rule),
    state: extra.state ?? "ok",
    ...(extra.withSecret && webhook_secret ? { webhook_secret } : {}),
  };
}
