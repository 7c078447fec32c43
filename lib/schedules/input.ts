/**
 * Reading a schedule from JSON (the API, the CLI): validation with readable messages,
 * and the record it makes (next run computed in the business zone).
 */
import { newId } from "../kv.ts";
import { requireReport } from "../reports/catalog.ts";
import { ReportParamError } from "../reports/errors.ts";
import { normalizeParams, type ParamName } from "../reports/params.ts";
import type { ReportParams } from "../reports/types.ts";
import { resolvePeriod } from "../time/periods.ts";
import { nextRunAt, parseRecurrence, RecurrenceError } from "./recurrence.ts";
import { recipientProblem } from "./mailer.ts";
import { SCHEDULE_FORMATS, type ScheduleFormat, type ScheduleRecord } from "./types.ts";

/** Thrown for a schedule that cannot be accepted; the message is safe to show. */
export class ScheduleInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScheduleInputError";
  }
}

/** Most schedules one user may have. */
export const MAX_SCHEDULES_PER_USER = 50;
/** Most recipients of one schedule. */
export const MAX_RECIPIENTS = 20;
/** Longest schedule title. */
export const MAX_SCHEDULE_TITLE = 200;

/** The fields of a schedule a user sets (all of them on create, any of them on update). */
export interface ScheduleInput {
  title?: string;
  report?: { name: string; params: ReportParams };
  format?: ScheduleFormat;
  recipients?: string[];
  recurrence?: ScheduleRecord["recurrence"];
  paused?: boolean;
}

/** What reading a schedule needs to know. */
export interface ScheduleInputOptions {
  /** Recipient domains the administrator allows (`MAIL_ALLOWED_DOMAINS`). */
  allowedDomains: readonly string[];
  /** Business zone and clock, to check that a period can be read. */
  tz: string;
  now: Date;
  /** True for an update: missing fields stay as they are. */
  partial?: boolean;
}

function readReport(v: unknown, opts: ScheduleInputOptions): ScheduleInput["report"] {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new ScheduleInputError(
      'The report must be an object such as {"name": "agent_performance", "params": {"period": "last week"}}',
    );
  }
  const r = v as Record<string, unknown>;
  if (typeof r.name !== "string" || !r.name.trim()) {
    throw new ScheduleInputError('The report needs a "name" from the report catalog');
  }
  try {
    const def = requireReport(r.name);
    const schema = def.parameters as { properties?: Record<string, unknown>; required?: string[] };
    const accepted = Object.keys(schema.properties ?? {}) as ParamName[];
    const raw = (r.params ?? {}) as Record<string, unknown>;
    if (typeof raw !== "object" || Array.isArray(raw)) {
      throw new ReportParamError("Report parameters must be an object");
    }
    const unknown = Object.keys(raw).filter((k) => !accepted.includes(k as ParamName));
    if (unknown.length) {
      throw new ReportParamError(
        `Report "${def.name}" does not take ${unknown.map((k) => `"${k}"`).join(", ")}: ` +
          `it takes ${accepted.join(", ")}`,
      );
    }
    const params = normalizeParams(raw, accepted) as ReportParams;
    for (const k of Object.keys(params) as (keyof ReportParams)[]) {
      if (params[k] === undefined) delete params[k];
    }
    for (const req of schema.required ?? []) {
      if ((params as Record<string, unknown>)[req] === undefined) {
        throw new ReportParamError(`Report "${def.name}" needs the parameter "${req}"`);
      }
    }
    if (params.period && !resolvePeriod(params.period, { tz: opts.tz, now: opts.now })) {
      throw new ReportParamError(
        `Cannot read the period "${params.period}": use words such as yesterday, last week, ` +
          `this month or last 7 days`,
      );
    }
    return { name: def.name, params };
  } catch (e) {
    if (e instanceof ReportParamError) throw new ScheduleInputError(e.message);
    throw e;
  }
}

function readRecipients(v: unknown, opts: ScheduleInputOptions): string[] {
  const list = typeof v === "string" ? v.split(/[,;\s]+/) : v;
  if (!Array.isArray(list)) {
    throw new ScheduleInputError("The recipients must be a list of email addresses");
  }
  const out: string[] = [];
  for (const x of list) {
    if (typeof x !== "string") {
      throw new ScheduleInputError(`Recipient ${JSON.stringify(x)} is not an email address`);
    }
    const a = x.trim().toLowerCase();
    if (!a) continue;
    const problem = recipientProblem(a, opts.allowedDomains);
    if (problem) throw new ScheduleInputError(problem);
    if (!out.includes(a)) out.push(a);
  }
  if (out.length > MAX_RECIPIENTS) {
    throw new ScheduleInputError(`A schedule takes at most ${MAX_RECIPIENTS} recipients`);
  }
  return out;
}

/**
 * Validates a schedule's JSON. All fields but `title`, `recipients` and `paused` are
 * required unless `partial`. Throws a ScheduleInputError saying what is wrong.
 */
export function parseScheduleInput(body: unknown, opts: ScheduleInputOptions): ScheduleInput {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ScheduleInputError("The schedule must be a JSON object");
  }
  const b = body as Record<string, unknown>;
  const known = ["title", "report", "format", "recipients", "recurrence", "paused"];
  const extra = Object.keys(b).filter((k) => !known.includes(k));
  if (extra.length) {
    throw new ScheduleInputError(
      `Unknown field ${extra.map((k) => `"${k}"`).join(", ")}: a schedule has ${known.join(", ")}`,
    );
  }
  const out: ScheduleInput = {};
  const need = (k: string) => {
    if (!opts.partial && b[k] === undefined) {
      throw new ScheduleInputError(`The schedule needs "${k}"`);
    }
    return b[k] !== undefined;
  };
  if (b.title !== undefined) {
    if (typeof b.title !== "string" || b.title.trim().length > MAX_SCHEDULE_TITLE) {
      throw new ScheduleInputError(
        `The title must be text of at most ${MAX_SCHEDULE_TITLE} characters`,
      );
    }
    if (b.title.trim()) out.title = b.title.trim();
  }
  if (need("report")) out.report = readReport(b.report, opts);
  if (need("format")) {
    if (!SCHEDULE_FORMATS.includes(b.format as ScheduleFormat)) {
      throw new ScheduleInputError(
        `Unknown format ${JSON.stringify(b.format)}: use ${SCHEDULE_FORMATS.join(", ")}`,
      );
    }
    out.format = b.format as ScheduleFormat;
  }
  if (b.recipients !== undefined) out.recipients = readRecipients(b.recipients, opts);
  if (need("recurrence")) {
    try {
      out.recurrence = parseRecurrence(b.recurrence);
    } catch (e) {
      if (e instanceof RecurrenceError) throw new ScheduleInputError(e.message);
      throw e;
    }
  }
  if (b.paused !== undefined) {
    if (typeof b.paused !== "boolean") {
      throw new ScheduleInputError('"paused" must be true or false');
    }
    out.paused = b.paused;
  }
  return out;
}

/** A new schedule record from validated input (see {@linkcode parseScheduleInput}). */
export function newSchedule(
  input: ScheduleInput,
  opts: { owner: string; tz: string; now: Date },
): ScheduleRecord {
  if (!input.report || !input.format || !input.recurrence) {
    throw new ScheduleInputError("A new schedule needs report, format and recurrence");
  }
  const paused = input.paused ?? false;
  return {
    id: newId("s"),
    owner: opts.owner,
    title: input.title ?? requireReport(input.report.name).title,
    report: input.report,
    format: input.format,
    recipients: input.recipients ?? [],
    recurrence: input.recurrence,
    tz: opts.tz,
    paused,
    created_at: opts.now.toISOString(),
    updated_at: opts.now.toISOString(),
    next_run_at: paused ? null : nextRunAt(input.recurrence, opts.now, opts.tz).toISOString(),
    last_run_at: null,
  };
}

/**
 * A schedule with an update applied: a new recurrence, or a resume, recomputes the next
 * run from `now`; a pause clears it.
 */
export function updatedSchedule(
  s: ScheduleRecord,
  input: ScheduleInput,
  now: Date,
): ScheduleRecord {
  const next: ScheduleRecord = {
    ...s,
    ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
    updated_at: now.toISOString(),
  };
  if (next.paused) next.next_run_at = null;
  else if (input.recurrence || s.paused || !s.next_run_at) {
    next.next_run_at = nextRunAt(next.recurrence, now, next.tz).toISOString();
  }
  return next;
}

/** A schedule as the API shows it. */
export function scheduleView(s: ScheduleRecord): Record<string, unknown> {
  return {
    id: s.id,
    title: s.title,
    report: s.report,
    format: s.format,
    recipients: s.recipients,
    recurrence: s.recurrence,
    tz: s.tz,
    paused: s.paused,
    next_run_at: s.next_run_at,
    last_run_at: s.last_run_at,
    created_at: s.created_at,
    updated_at: s.updated_at,
  };
}
