/**
 * KPI alerts from the chat: the supervisor's tools `create_alert`, `list_alerts` and
 * `cancel_alert`, over a narrow owner-scoped view of the alert store
 * ({@linkcode AlertAccess}). Input is validated by `lib/alerts/input.ts`, as the Alerts API
 * does; an unknown metric, a bad window, filter, recipient or webhook comes back to the
 * model as a tool error. Both model paths use them, as the schedule tools
 * (`schedule_tools.ts`): the OpenAI model calls them by itself, the offline planner plans
 * the same calls. A created (or cancelled) alert is shown as a reading with an `alert`
 * chip: the rule in words.
 */
import {
  AlertInputError,
  alertView,
  describeRule,
  MAX_ALERTS_PER_USER,
  newAlertRule,
  parseAlertInput,
} from "../alerts/input.ts";
import { ALERT_METRICS, getAlertMetric } from "../alerts/metrics.ts";
import type { AlertRule } from "../alerts/types.ts";
import type { EmitEvent, Interpretation } from "./events.ts";
import type { ToolExecutor, ToolOutput } from "./loop.ts";
import type { ToolDefinition } from "./types.ts";

/** One user's alert rules, as the chat may touch them (never another user's). */
export interface AlertAccess {
  /** Recipient domains the administrator allows (`MAIL_ALLOWED_DOMAINS`). */
  readonly allowedDomains: readonly string[];
  /** Accept webhooks on private addresses (`ALERT_WEBHOOK_ALLOW_PRIVATE`). */
  readonly allowPrivateWebhooks: boolean;
  /** The user's rules, oldest first (the numbers the chat shows). */
  list(): Promise<AlertRule[]>;
  /** Saves a new rule of the user. */
  create(rule: AlertRule): Promise<void>;
  /** Deletes the user's rule `id`; false when there is none of theirs. */
  remove(id: string): Promise<boolean>;
}

/** Opens a user's {@linkcode AlertAccess}; given to a turn as `TurnDeps.alerts`. */
export type AlertAccessFor = (owner: string) => AlertAccess;

/** The store methods alerts from the chat need (`lib/kv.ts` Store has them). */
export interface AlertStore {
  saveAlert(rule: AlertRule): Promise<void>;
  listAlerts(owner: string): Promise<AlertRule[]>;
  deleteAlert(owner: string, id: string): Promise<boolean>;
}

/** True when `v` has the store methods of {@linkcode AlertStore}. */
export function isAlertStore(v: unknown): v is AlertStore {
  const s = v as AlertStore;
  return typeof v === "object" && v !== null && typeof s.saveAlert === "function" &&
    typeof s.listAlerts === "function" && typeof s.deleteAlert === "function";
}

/** Owner-scoped access over an alert store. */
export function alertAccessFor(
  store: AlertStore,
  opts: {
    allowedDomains: readonly string[];
    allowPrivateWebhooks?: boolean;
    /** Told of each alert created or deleted from the chat (the audit log). */
    onChange?: (change: { owner: string; kind: "create" | "delete"; id: string }) => void;
  },
): AlertAccessFor {
  return (owner) => ({
    allowedDomains: opts.allowedDomains,
    allowPrivateWebhooks: opts.allowPrivateWebhooks ?? false,
    list: async () =>
      (await store.listAlerts(owner)).sort((a, b) =>
        a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id)
      ),
    create: async (r) => {
      if (r.owner !== owner) throw new Error("An alert can only be created for its owner");
      await store.saveAlert(r);
      opts.onChange?.({ owner, kind: "create", id: r.id });
    },
    remove: async (id) => {
      const removed = await store.deleteAlert(owner, id);
      if (removed) opts.onChange?.({ owner, kind: "delete", id });
      return removed;
    },
  });
}

/** The supervisor's tool that creates a KPI alert. */
export const CREATE_ALERT: ToolDefinition = {
  name: "create_alert",
  description:
    'Creates a KPI alert for the user ("alert me when the abandonment rate is above 10% in the last hour"): checked every minute, it notifies once when the metric crosses the threshold and again only after it recovers. Only for the metrics listed; never pick a different metric than the user named — if theirs is not listed, ask. The result gives the rule in words; confirm it and say it can be changed on the Alerts page or cancelled by asking.',
  parameters: {
    type: "object",
    properties: {
      metric: {
        type: "string",
        enum: ALERT_METRICS.map((m) => m.name),
        description: ALERT_METRICS.map((m) => `${m.name}: ${m.label} (${m.type})`).join("; "),
      },
      comparison: { type: "string", enum: ["above", "below"] },
      threshold: {
        type: "number",
        description: "In the metric's unit: percent 0–100, seconds, or a count.",
      },
      window: {
        type: "string",
        description: '"today" (the business day so far), "last N minutes" or "last N hours".',
      },
      filters: {
        type: "object",
        description: 'Catalog filters, e.g. {"queue": "support", "direction": "incoming"}.',
      },
      channels: {
        type: "object",
        description:
          'Default {"in_app": true}. Email only to addresses the user wrote: {"email": ["a@b.com"]}; a webhook URL only when given.',
        properties: {
          in_app: { type: "boolean" },
          email: { type: "array", items: { type: "string" } },
          webhook: { type: "string" },
        },
      },
      name: { type: "string", description: "Optional name (default: the rule in words)." },
    },
    required: ["metric", "comparison", "threshold", "window"],
  },
};

/** The supervisor's tool that lists the user's alerts. */
export const LIST_ALERTS: ToolDefinition = {
  name: "list_alerts",
  description:
    "Lists the user's KPI alerts (number, id, the rule in words, enabled, channels). Call it before cancel_alert when the user names an alert by its metric or number.",
  parameters: { type: "object", properties: {} },
};

/** The supervisor's tool that deletes one of the user's alerts. */
export const CANCEL_ALERT: ToolDefinition = {
  name: "cancel_alert",
  description:
    "Deletes one of the user's KPI alerts: pass its id from list_alerts (or its number in that list). When several alerts could be meant, ask the user which instead of calling this.",
  parameters: {
    type: "object",
    properties: {
      id: { type: "string", description: 'The alert id ("al_…") or its number in the list.' },
    },
    required: ["id"],
  },
};

/** The alert tools' names. */
export const ALERT_TOOL_NAMES: ReadonlySet<string> = new Set([
  CREATE_ALERT.name,
  LIST_ALERTS.name,
  CANCEL_ALERT.name,
]);

/** Options of {@linkcode createAlertTools}. */
export interface AlertToolsOptions {
  access: AlertAccess;
  /** The user the alerts belong to. */
  owner: string;
  /** The wall clock of the records. */
  now: () => Date;
  emit: EmitEvent;
}

/** The alert tools: definitions for the model and one executor. */
export interface AlertTools {
  definitions: ToolDefinition[];
  execute: ToolExecutor;
}

/** Builds the alert tools of one turn. */
export function createAlertTools(opts: AlertToolsOptions): AlertTools {
  return {
    definitions: [CREATE_ALERT, LIST_ALERTS, CANCEL_ALERT],
    execute: async (call) => {
      switch (call.name) {
        case CREATE_ALERT.name:
          return await createAlertTool(opts, call.args);
        case LIST_ALERTS.name:
          return await listAlertsTool(opts);
        case CANCEL_ALERT.name:
          return await cancelAlertTool(opts, call.args);
        default:
          throw new Error(`Unknown tool "${call.name}"`);
      }
    },
  };
}

async function createAlertTool(
  opts: AlertToolsOptions,
  args: Record<string, unknown>,
): Promise<ToolOutput> {
  const body: Record<string, unknown> = {};
  for (const k of ["metric", "comparison", "threshold", "window", "filters", "name"]) {
    if (args[k] !== undefined && args[k] !== null) body[k] = args[k];
  }
  body.channels = args.channels ?? { in_app: true };
  let rule: AlertRule;
  try {
    const input = parseAlertInput(body, {
      allowedDomains: opts.access.allowedDomains,
      allowPrivateWebhooks: opts.access.allowPrivateWebhooks,
    });
    rule = newAlertRule(input, { owner: opts.owner, now: opts.now() });
  } catch (e) {
    if (e instanceof AlertInputError) throw new Error(`Cannot create that alert: ${e.message}`);
    throw e;
  }
  const existing = await opts.access.list();
  if (existing.length >= MAX_ALERTS_PER_USER) {
    throw new Error(
      `Cannot create that alert: you have ${MAX_ALERTS_PER_USER} alerts, the most allowed; cancel one first`,
    );
  }
  await opts.access.create(rule);
  await opts.emit({ type: "interpretation", ...alertInterpretation(rule) });
  return {
    result: {
      created: true,
      alert: alertSummary(rule, existing.length + 1),
      ...(rule.webhook_secret
        ? { webhook_secret_note: "The webhook's signing secret is shown on the Alerts page." }
        : {}),
      next_step:
        "Confirm the rule in words (metric, above/below the threshold, window, filters, channels); say it is checked every minute, notifies once per crossing, and can be changed on the Alerts page (/alerts) or cancelled by asking (e.g. “stop alert N”).",
    },
    summary: `alert created: ${describeRule(rule)}`,
  };
}

async function listAlertsTool(opts: AlertToolsOptions): Promise<ToolOutput> {
  const list = await opts.access.list();
  return {
    result: { alerts: list.map((r, i) => alertSummary(r, i + 1)), total: list.length },
    summary: list.length === 1 ? "1 alert" : `${list.length} alerts`,
  };
}

async function cancelAlertTool(
  opts: AlertToolsOptions,
  args: Record<string, unknown>,
): Promise<ToolOutput> {
  const raw = typeof args.id === "number" ? String(args.id) : args.id;
  if (typeof raw !== "string" || !raw.trim()) {
    throw new Error('Missing id: pass {"id": "al_…"} from list_alerts');
  }
  const key = raw.trim().replace(/^#/, "");
  const list = await opts.access.list();
  const n = /^\d{1,3}$/.test(key) ? Number(key) : NaN;
  const target = list.find((r) => r.id === key) ?? (n >= 1 ? list[n - 1] : undefined);
  if (!target) {
    throw new Error(
      list.length
        ? `No alert "${key}": the user's alerts are ${
          list.map((r, i) => `${i + 1}. ${r.id} (${r.name})`).join("; ")
        }`
        : `No alert "${key}": the user has no alerts`,
    );
  }
  if (!await opts.access.remove(target.id)) throw new Error(`No alert "${key}"`);
  await opts.emit({ type: "interpretation", ...alertInterpretation(target, { cancelled: true }) });
  return {
    result: { cancelled: true, alert: alertSummary(target, list.indexOf(target) + 1) },
    summary: `alert cancelled: ${target.name}`,
  };
}

/** An alert as the tools show it to a model (and the offline planner reads it back). */
export function alertSummary(r: AlertRule, number: number): Record<string, unknown> {
  const { id, name, metric, comparison, threshold, window, filters, channels, enabled } = alertView(
    r,
  ) as unknown as AlertRule;
  return {
    number,
    id,
    name,
    description: describeRule(r),
    metric,
    comparison,
    threshold,
    window,
    filters,
    channels,
    enabled,
  };
}

/** An alert as a reading: its metric, its filters, and the rule in words as an `alert` chip. */
export function alertInterpretation(
  r: AlertRule,
  opts: { cancelled?: boolean } = {},
): Interpretation {
  const filters: Interpretation["filters"] = {};
  for (const [k, v] of Object.entries(r.filters)) {
    if (typeof v === "string") filters[k] = v;
    else if (Array.isArray(v) && v.length) filters[k] = v.map(String);
  }
  const metric = getAlertMetric(r.metric);
  const rule = describeRule(r);
  return {
    metric: metric?.report ?? r.metric,
    metric_label: metric?.label ?? r.metric,
    period: null,
    filters,
    group_by: null,
    unplaced: [],
    alert: opts.cancelled ? `cancelled: ${rule}` : rule,
  };
}
