/**
 * Scheduled reports from the chat: the supervisor's tools `create_schedule`,
 * `list_schedules` and `cancel_schedule`, over a narrow owner-scoped view of the schedule
 * store ({@linkcode ScheduleAccess}). Input is validated by `lib/schedules/input.ts`, as
 * the Schedules API does; a bad report name, period, time or recipient comes back to the
 * model as a tool error. Both model paths use them: the OpenAI model calls them by
 * itself, the offline planner plans the same calls.
 *
 * A created (or cancelled) schedule is shown as a reading: the report as the metric, its
 * relative period as the first run will read it, its filters, and the recurrence as a
 * `schedule` chip.
 */
import { durationLabel } from "../reports/filters.ts";
import { requireReport } from "../reports/catalog.ts";
import {
  MAX_SCHEDULES_PER_USER,
  newSchedule,
  parseScheduleInput,
  ScheduleInputError,
} from "../schedules/input.ts";
import { describeRecurrence } from "../schedules/recurrence.ts";
import { SCHEDULE_FORMATS, type ScheduleRecord } from "../schedules/types.ts";
import { resolvePeriod } from "../time/periods.ts";
import { localParts } from "../time/zone.ts";
import { WEEKDAY_NAMES } from "../time/words.ts";
import type { EmitEvent, Interpretation } from "./events.ts";
import type { ToolExecutor, ToolOutput } from "./loop.ts";
import type { ToolDefinition } from "./types.ts";

/** One user's schedules, as the chat may touch them (never another user's). */
export interface ScheduleAccess {
  /** Recipient domains the administrator allows (`MAIL_ALLOWED_DOMAINS`). */
  readonly allowedDomains: readonly string[];
  /** The user's schedules, oldest first (the numbers the chat shows). */
  list(): Promise<ScheduleRecord[]>;
  /** Saves a new schedule of the user. */
  create(schedule: ScheduleRecord): Promise<void>;
  /** Deletes the user's schedule `id`; false when there is none of theirs. */
  remove(id: string): Promise<boolean>;
}

/** Opens a user's {@linkcode ScheduleAccess}; given to a turn as `TurnDeps.schedules`. */
export type ScheduleAccessFor = (owner: string) => ScheduleAccess;

/** The store methods schedules from the chat need (`lib/kv.ts` Store has them). */
export interface ScheduleStore {
  saveSchedule(schedule: ScheduleRecord): Promise<void>;
  listSchedules(owner: string): Promise<ScheduleRecord[]>;
  deleteSchedule(owner: string, id: string): Promise<boolean>;
}

/** True when `v` has the store methods of {@linkcode ScheduleStore}. */
export function isScheduleStore(v: unknown): v is ScheduleStore {
  const s = v as ScheduleStore;
  return typeof v === "object" && v !== null && typeof s.saveSchedule === "function" &&
    typeof s.listSchedules === "function" && typeof s.deleteSchedule === "function";
}

/** Owner-scoped access over a schedule store. */
export function scheduleAccessFor(
  store: ScheduleStore,
  opts: {
    allowedDomains: readonly string[];
    /** Told of each schedule created or deleted from the chat (the audit log). */
    onChange?: (change: { owner: string; kind: "create" | "delete"; id: string }) => void;
  },
): ScheduleAccessFor {
  return (owner) => ({
    allowedDomains: opts.allowedDomains,
    list: async () =>
      (await store.listSchedules(owner)).sort((a, b) =>
        a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id)
      ),
    create: async (s) => {
      if (s.owner !== owner) throw new Error("A schedule can only be created for its owner");
      await store.saveSchedule(s);
      opts.onChange?.({ owner, kind: "create", id: s.id });
    },
    remove: async (id) => {
      const removed = await store.deleteSchedule(owner, id);
      if (removed) opts.onChange?.({ owner, kind: "delete", id });
      return removed;
    },
  });
}

/** The supervisor's tool that creates a schedule. */
export const CREATE_SCHEDULE: ToolDefinition = {
  name: "create_schedule",
  description:
    'Schedules a catalog report to be delivered on a recurrence ("email me the agent performance report every Monday at 9"). Use a RELATIVE period ("last week" for weekly, "yesterday" for daily, "last month" for monthly unless the user names one). Without an email address in the request the report goes to the user\'s in-app inbox (recipients: []). Times are in the business time zone. The result says when it runs next; confirm it in words.',
  parameters: {
    type: "object",
    properties: {
      report: {
        type: "object",
        description:
          'Catalog entry and parameters, as for run_report: {"name": "agent_performance", "params": {"period": "last week"}}.',
        properties: {
          name: { type: "string" },
          params: { type: "object" },
        },
        required: ["name"],
      },
      recurrence: {
        type: "object",
        description:
          '{"kind": "daily", "time": "08:00"} | {"kind": "weekly", "weekdays": [1], "time": "09:00"} (1 = Monday … 7 = Sunday) | {"kind": "monthly", "day": 1, "time": "09:00"}; time is 24-hour HH:MM.',
        properties: {
          kind: { type: "string", enum: ["daily", "weekly", "monthly"] },
          time: { type: "string" },
          weekdays: { type: "array", items: { type: "integer" } },
          day: { type: "integer" },
        },
        required: ["kind", "time"],
      },
      format: {
        type: "string",
        enum: [...SCHEDULE_FORMATS],
        description: "Attachment: xlsx (default), pdf or both.",
      },
      recipients: {
        type: "array",
        items: { type: "string" },
        description: "Email addresses written in the request; [] for the user's in-app inbox.",
      },
      title: { type: "string", description: "Optional name (default: the report's title)." },
    },
    required: ["report", "recurrence"],
  },
};

/** The supervisor's tool that lists the user's schedules. */
export const LIST_SCHEDULES: ToolDefinition = {
  name: "list_schedules",
  description:
    "Lists the user's scheduled reports (number, id, report, recurrence, next run, format, recipients). Call it before cancel_schedule when the user names a schedule by its report, day or number.",
  parameters: { type: "object", properties: {} },
};

/** The supervisor's tool that cancels (deletes) one of the user's schedules. */
export const CANCEL_SCHEDULE: ToolDefinition = {
  name: "cancel_schedule",
  description:
    "Cancels one of the user's scheduled reports: pass its id from list_schedules (or its number in that list). When several schedules could be meant, ask the user which instead of calling this.",
  parameters: {
    type: "object",
    properties: {
      id: { type: "string", description: 'The schedule id ("s_…") or its number in the list.' },
    },
    required: ["id"],
  },
};

/** The schedule tools' names. */
export const SCHEDULE_TOOL_NAMES: ReadonlySet<string> = new Set([
  CREATE_SCHEDULE.name,
  LIST_SCHEDULES.name,
  CANCEL_SCHEDULE.name,
]);

/** Options of {@linkcode createScheduleTools}. */
export interface ScheduleToolsOptions {
  access: ScheduleAccess;
  /** The user the schedules belong to. */
  owner: string;
  /** IANA business zone. */
  tz: string;
  now: () => Date;
  emit: EmitEvent;
}

/** The schedule tools: definitions for the model and one executor. */
export interface ScheduleTools {
  definitions: ToolDefinition[];
  execute: ToolExecutor;
}

/** Builds the schedule tools of one turn. */
export function createScheduleTools(opts: ScheduleToolsOptions): ScheduleTools {
  return {
    definitions: [CREATE_SCHEDULE, LIST_SCHEDULES, CANCEL_SCHEDULE],
    execute: async (call) => {
      switch (call.name) {
        case CREATE_SCHEDULE.name:
          return await createScheduleTool(opts, call.args);
        case LIST_SCHEDULES.name:
          return await listSchedulesTool(opts);
        case CANCEL_SCHEDULE.name:
          return await cancelScheduleTool(opts, call.args);
        default:
          throw new Error(`Unknown tool "${call.name}"`);
      }
    },
  };
}

async function createScheduleTool(
  opts: ScheduleToolsOptions,
  args: Record<string, unknown>,
): Promise<ToolOutput> {
  const now = opts.now();
  const body: Record<string, unknown> = {
    report: args.report,
    recurrence: args.recurrence,
    format: args.format ?? "xlsx",
    recipients: readRecipients(args.recipients),
  };
  if (typeof args.title === "string" && args.title.trim()) body.title = args.title;
  let record: ScheduleRecord;
  try {
    const input = parseScheduleInput(body, {
      allowedDomains: opts.access.allowedDomains,
      tz: opts.tz,
      now,
    });
    record = newSchedule(input, { owner: opts.owner, tz: opts.tz, now });
  } catch (e) {
    if (e instanceof ScheduleInputError) throw new Error(`Cannot schedule that: ${e.message}`);
    throw e;
  }
  const existing = await opts.access.list();
  if (existing.length >= MAX_SCHEDULES_PER_USER) {
    throw new Error(
      `Cannot schedule that: you have ${MAX_SCHEDULES_PER_USER} schedules, the most allowed; cancel one first`,
    );
  }
  await opts.access.create(record);
  await opts.emit({ type: "interpretation", ...scheduleInterpretation(record) });
  const number = (await opts.access.list()).findIndex((s) => s.id === record.id) + 1;
  return {
    result: {
      created: true,
      schedule: scheduleSummary(record, number || existing.length + 1),
      next_step:
        "Confirm in words: the report, its period and filters, the recurrence with the next run, the format, where it goes, and that the user can cancel it by asking (e.g. “cancel schedule N”) or on the Schedules page.",
    },
    summary: `scheduled ${record.title}, ${describeRecurrence(record.recurrence, record.tz)}`,
  };
}

async function listSchedulesTool(opts: ScheduleToolsOptions): Promise<ToolOutput> {
  const list = await opts.access.list();
  return {
    result: {
      schedules: list.map((s, i) => scheduleSummary(s, i + 1)),
      total: list.length,
    },
    summary: list.length === 1 ? "1 schedule" : `${list.length} schedules`,
  };
}

async function cancelScheduleTool(
  opts: ScheduleToolsOptions,
  args: Record<string, unknown>,
): Promise<ToolOutput> {
  const raw = typeof args.id === "number" ? String(args.id) : args.id;
  if (typeof raw !== "string" || !raw.trim()) {
    throw new Error('Missing id: pass {"id": "s_…"} from list_schedules');
  }
  const key = raw.trim().replace(/^#/, "");
  const list = await opts.access.list();
  const n = /^\d{1,3}$/.test(key) ? Number(key) : NaN;
  const target = list.find((s) => s.id === key) ?? (n >= 1 ? list[n - 1] : undefined);
  if (!target) {
    throw new Error(
      list.length
        ? `No schedule "${key}": the user's schedules are ${
          list.map((s, i) => `${i + 1}. ${s.id} (${s.title})`).join("; ")
        }`
        : `No schedule "${key}": the user has no schedules`,
    );
  }
  if (!await opts.access.remove(target.id)) throw new Error(`No schedule "${key}"`);
  await opts.emit({
    type: "interpretation",
    ...scheduleInterpretation(target, { cancelled: true }),
  });
  return {
    result: { cancelled: true, schedule: scheduleSummary(target, list.indexOf(target) + 1) },
    summary: `cancelled ${target.title}`,
  };
}

/** A schedule as the tools show it to a model (and the offline planner reads it back). */
export function scheduleSummary(s: ScheduleRecord, number: number): Record<string, unknown> {
  const period = typeof s.report.params.period === "string" ? s.report.params.period : null;
  return {
    number,
    id: s.id,
    title: s.title,
    report: s.report,
    period,
    recurrence: s.recurrence,
    recurrence_text: describeRecurrence(s.recurrence, s.tz),
    next_run_at: s.next_run_at,
    next_run_local: s.next_run_at ? localRunText(new Date(s.next_run_at), s.tz) : null,
    first_period: period && s.next_run_at ? periodAt(period, s.next_run_at, s.tz)?.label : null,
    format: s.format,
    recipients: s.recipients,
    delivered_to: s.recipients.length ? s.recipients.join(", ") : "your in-app inbox",
    paused: s.paused,
  };
}

/** An instant in the business zone, in words: "Monday 30 Nov 2026, 09:00 (Asia/Kolkata)". */
export function localRunText(d: Date, tz: string): string {
  const p = localParts(d, tz);
  const weekday =
    WEEKDAY_NAMES[(new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay() + 6) % 7];
  const month = new Date(Date.UTC(p.year, p.month - 1, 1)).toLocaleString("en-GB", {
    month: "short",
    timeZone: "UTC",
  });
  const hh = String(p.hour).padStart(2, "0");
  const mm = String(p.minute).padStart(2, "0");
  return `${weekday} ${p.day} ${month} ${p.year}, ${hh}:${mm} (${tz})`;
}

function periodAt(period: string, at: string, tz: string) {
  try {
    return resolvePeriod(period, { tz, now: new Date(at) });
  } catch {
    return null;
  }
}

/**
 * A schedule as a reading: the report, its period as the next run reads it, its filters,
 * and the recurrence (with "cancelled" for a cancelled one).
 */
export function scheduleInterpretation(
  s: ScheduleRecord,
  opts: { cancelled?: boolean } = {},
): Interpretation {
  const params = s.report.params;
  const period = typeof params.period === "string" && s.next_run_at
    ? periodAt(params.period, s.next_run_at, s.tz)
    : null;
  const filters: Interpretation["filters"] = {};
  for (const k of ["direction", "status", "agent", "queue", "customer", "disposition"] as const) {
    const v = params[k];
    if (typeof v === "string") filters[k] = v;
    else if (Array.isArray(v) && v.length) filters[k] = v.map(String);
  }
  for (const k of ["city", "segment"] as const) {
    const v = params[k];
    if (typeof v === "string") filters[k] = v;
    else if (Array.isArray(v) && v.length) filters[k] = v.map(String);
  }
  if (params.duration) filters.duration = durationLabel(params.duration);
  let title = s.title;
  try {
    title = requireReport(s.report.name).title;
  } catch {
    // a report gone from the catalog keeps the schedule's title
  }
  const when = describeRecurrence(s.recurrence, s.tz);
  return {
    metric: s.report.name,
    metric_label: title,
    period: period
      ? {
        label: `${period.label}, relative to each run`,
        start: period.start.toISOString(),
        end: period.end.toISOString(),
      }
      : null,
    filters,
    group_by: typeof params.group_by === "string" ? params.group_by : null,
    unplaced: [],
    schedule: opts.cancelled ? `cancelled: ${when}` : when,
  };
}

function readRecipients(v: unknown): unknown {
  if (v === undefined || v === null) return [];
  const list = typeof v === "string" ? v.split(/[,;\s]+/) : v;
  if (!Array.isArray(list)) return list;
  // "me" is the user: their in-app inbox (no address needed).
  return list.filter((x) => !(typeof x === "string" && /^\s*(?:me|myself|inbox)\s*$/i.test(x)));
}
