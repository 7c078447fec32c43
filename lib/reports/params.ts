/**
 * Validation and normalisation of report parameters, and their JSON schemas. Parameters
 * come from the model, the offline planner, the CLI and the chat's quick actions, so the
 * common synonyms ("inbound", "abandoned", "date") are accepted and mapped to the enums.
 */
import { ReportParamError } from "./errors.ts";
import {
  CALL_STATUSES,
  type CallStatus,
  type Dimension,
  DIMENSIONS,
  type Direction,
  DIRECTIONS,
  DURATION_BOUNDS,
  type DurationRange,
  type ReportParams,
  type TimeOfDay,
} from "./types.ts";
import { clockMinutes, clockText } from "./clock.ts";

/** Every parameter name a catalog entry may accept. */
export type ParamName = keyof ReportParams;

const DIRECTION_SYNONYMS: Record<string, Direction> = {
  incoming: "incoming",
  inbound: "incoming",
  in: "incoming",
  outgoing: "outgoing",
  outbound: "outgoing",
  out: "outgoing",
};

const STATUS_SYNONYMS: Record<string, CallStatus> = {
  answered: "answered",
  successful: "answered",
  success: "answered",
  connected: "answered",
  completed: "answered",
  missed: "missed",
  abandoned: "missed",
  failed: "failed",
  failure: "failed",
  busy: "busy",
  no_answer: "no_answer",
  noanswer: "no_answer",
  unanswered: "no_answer",
  not_answered: "no_answer",
};

const DIMENSION_SYNONYMS: Record<string, Dimension> = {
  agent: "agent",
  agents: "agent",
  agent_name: "agent",
  queue: "queue",
  queues: "queue",
  status: "status",
  direction: "direction",
  disposition: "disposition",
  outcome: "disposition",
  day: "day",
  date: "day",
  days: "day",
  daily: "day",
  hour: "hour",
  hours: "hour",
  hourly: "hour",
  hour_of_day: "hour",
  weekday: "weekday",
  day_of_week: "weekday",
  dow: "weekday",
  customer: "customer",
  customers: "customer",
  customer_number: "customer",
  caller: "customer",
  city: "city",
  segment: "segment",
};

/** The largest `limit` and the most rows an aggregate returns to the chat. */
export const MAX_LIMIT = 1000;

function key(s: string): string {
  return s.trim().toLowerCase().replace(/[\s-]+/g, "_");
}

function text(params: Record<string, unknown>, name: ParamName): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number") return String(v);
  if (typeof v !== "string") {
    throw new ReportParamError(`Parameter "${name}" must be a string, got ${typeof v}`, name);
  }
  const t = v.trim();
  return t === "" ? undefined : t;
}

function wholeNumber(
  params: Record<string, unknown>,
  name: ParamName,
  min: number,
  max: number,
): number | undefined {
  const v = params[name];
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "string" ? Number(v.trim()) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    throw new ReportParamError(
      `Parameter "${name}" must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`,
      name,
    );
  }
  return n;
}

/** Reads a direction ("inbound" → "incoming"), or throws a ReportParamError. */
export function parseDirection(v: string): Direction {
  const d = DIRECTION_SYNONYMS[key(v)];
  if (!d) {
    throw new ReportParamError(
      `Unknown direction "${v}": use one of ${DIRECTIONS.join(", ")}`,
      "direction",
    );
  }
  return d;
}

/** Reads a status ("abandoned" → "missed"), or throws a ReportParamError. */
export function parseStatus(v: string): CallStatus {
  const s = STATUS_SYNONYMS[key(v)];
  if (!s) {
    throw new ReportParamError(
      `Unknown status "${v}": use one of ${CALL_STATUSES.join(", ")}`,
      "status",
    );
  }
  return s;
}

/** Reads a dimension ("date" → "day"), or throws a ReportParamError. */
export function parseDimension(v: string): Dimension {
  const d = DIMENSION_SYNONYMS[key(v)];
  if (!d) {
    throw new ReportParamError(
      `Unknown grouping "${v}": use one of ${DIMENSIONS.join(", ")}`,
      "group_by",
    );
  }
  return d;
}

/** The longest call duration a bound may name, in seconds (a week). */
export const MAX_DURATION_SECONDS = 7 * 86_400;

/**
 * Reads a duration range (`{gt: 600}`, `{gte: 60, lte: 180}`): an object with at least
 * one of gt, gte, lt, lte, each a whole number of seconds from 0; not both gt and gte
 * (nor lt and lte); and a range some call could fall in. Bounds given as digits ("600")
 * are read as numbers. Throws a ReportParamError saying what is wrong.
 */
export function parseDurationRange(v: unknown): DurationRange {
  const fail = (why: string) =>
    new ReportParamError(
      `Parameter "duration" ${why}: pass seconds as {gt, gte, lt, lte}, e.g. {"gt": 600} ` +
        `for longer than 10 minutes or {"gte": 60, "lte": 180} for 1 to 3 minutes`,
      "duration",
    );
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw fail(`must be an object, got ${JSON.stringify(v)}`);
  }
  const raw = v as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((k) =>
    !(DURATION_BOUNDS as readonly string[]).includes(k)
  );
  if (unknown.length) throw fail(`has unknown bound ${unknown.map((k) => `"${k}"`).join(", ")}`);
  const out: DurationRange = {};
  for (const b of DURATION_BOUNDS) {
    const x = raw[b];
    if (x === undefined || x === null || x === "") continue;
    const n = typeof x === "string" && /^\s*\d+\s*$/.test(x) ? Number(x) : x;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > MAX_DURATION_SECONDS) {
      throw fail(
        `bound "${b}" must be a whole number of seconds from 0 to ${MAX_DURATION_SECONDS}, ` +
          `got ${JSON.stringify(x)}`,
      );
    }
    out[b] = n;
  }
  if (!Object.keys(out).length) throw fail("needs at least one bound");
  if (out.gt !== undefined && out.gte !== undefined) throw fail('takes "gt" or "gte", not both');
  if (out.lt !== undefined && out.lte !== undefined) throw fail('takes "lt" or "lte", not both');
  const low = out.gt !== undefined ? out.gt + 1 : out.gte ?? 0;
  const high = out.lt !== undefined ? out.lt - 1 : out.lte ?? Infinity;
  if (low > high) throw fail(`is an empty range (${JSON.stringify(out)}): no call can match it`);
  return out;
}

/** Parameters after validation: enums resolved, statuses as a list, blanks dropped. */
export type NormalizedParams = Omit<ReportParams, "status"> & { status?: CallStatus[] };

/** The name parameters that take one value or a list of values (any of them matches). */
export const MULTI_VALUE_PARAMS = ["agent", "queue", "disposition", "city", "segment"] as const;
/** A name parameter that takes one value or a list. */
export type MultiValueParam = typeof MULTI_VALUE_PARAMS[number];

/** Most values a list parameter may hold. */
export const MAX_LIST_VALUES = 50;

/**
 * Reads a name parameter given as a string or a list of strings: trimmed, blanks
 * dropped, each value once (ignoring case). One value stays a string; several make a
 * list. Throws a ReportParamError on anything but strings (numbers are read as text).
 */
function nameValues(
  params: Record<string, unknown>,
  name: MultiValueParam,
): string | string[] | undefined {
  const v = params[name];
  if (!Array.isArray(v)) return text(params, name);
  if (v.length > MAX_LIST_VALUES) {
    throw new ReportParamError(
      `Parameter "${name}" takes at most ${MAX_LIST_VALUES} values, got ${v.length}`,
      name,
    );
  }
  const out: string[] = [];
  for (const x of v) {
    if (typeof x !== "string" && typeof x !== "number") {
      throw new ReportParamError(
        `Parameter "${name}" must be a name or a list of names, got ${JSON.stringify(x)}`,
        name,
      );
    }
    const t = String(x).trim();
    if (t !== "" && !out.some((o) => o.toLowerCase() === t.toLowerCase())) out.push(t);
  }
  if (out.length === 0) return undefined;
  return out.length === 1 ? out[0] : out;
}

/** The values of a name parameter as a list (empty when it is not set). */
export function paramValues(v: string | readonly string[] | null | undefined): string[] {
  if (v === undefined || v === null) return [];
  return (typeof v === "string" ? [v] : [...v]).filter((x) => x.trim() !== "");
}

/** Values as the filter text writes them: "priya or rohit". */
export function orList(values: readonly string[]): string {
  return values.join(" or ");
}

/**
 * Validates `params` for an entry that accepts the names in `accepted`; parameters it
 * does not accept are ignored. Throws a ReportParamError on a bad value.
 */
export function normalizeParams(
  params: ReportParams | Record<string, unknown> | null | undefined,
  accepted: readonly ParamName[],
): NormalizedParams {
  if (params !== undefined && params !== null && typeof params !== "object") {
    throw new ReportParamError("Report parameters must be an object");
  }
  const p = (params ?? {}) as Record<string, unknown>;
  const ok = new Set<string>(accepted);
  const out: NormalizedParams = {};
  if (ok.has("period")) out.period = text(p, "period");
  if (ok.has("direction")) {
    const d = text(p, "direction");
    if (d !== undefined && !["any", "all", "both"].includes(key(d))) {
      out.direction = parseDirection(d);
    }
  }
  if (ok.has("status") && p.status !== undefined && p.status !== null) {
    const raw = Array.isArray(p.status) ? p.status : [p.status];
    const list: CallStatus[] = [];
    for (const s of raw) {
      if (typeof s !== "string") {
        throw new ReportParamError(
          `Parameter "status" must be a status or a list of statuses, got ${JSON.stringify(s)}`,
          "status",
        );
      }
      if (s.trim() === "" || ["any", "all"].includes(key(s))) continue;
      const st = parseStatus(s);
      if (!list.includes(st)) list.push(st);
    }
    if (list.length) out.status = list;
  }
  if (ok.has("customer")) out.customer = text(p, "customer");
  for (const name of MULTI_VALUE_PARAMS) {
    if (ok.has(name)) out[name] = nameValues(p, name);
  }
  if (ok.has("duration") && p.duration !== undefined && p.duration !== null) {
    out.duration = parseDurationRange(p.duration);
  }
  if (ok.has("time_of_day") && p.time_of_day !== undefined && p.time_of_day !== null) {
    out.time_of_day = parseTimeOfDay(p.time_of_day);
  }
  if (ok.has("group_by")) {
    const g = text(p, "group_by");
    if (g !== undefined && !["none", "total"].includes(key(g))) out.group_by = parseDimension(g);
  }
  if (ok.has("limit")) out.limit = wholeNumber(p, "limit", 1, MAX_LIMIT);
  if (ok.has("threshold_seconds")) {
    out.threshold_seconds = wholeNumber(p, "threshold_seconds", 0, 86_400);
  }
  return out;
}

/**
 * Reads a time-of-day window (`{from: "14:00", to: "16:00"}`, also "2pm", 14, "noon"):
 * both ends, different from each other; "24:00" only as `to`. Normalised to "HH:MM".
 * Throws a ReportParamError saying what is wrong.
 */
export function parseTimeOfDay(v: unknown): TimeOfDay {
  const fail = (why: string) =>
    new ReportParamError(
      `Parameter "time_of_day" ${why}: pass local clock times as {from, to}, e.g. ` +
        `{"from": "14:00", "to": "16:00"} for 2 pm to 4 pm, or {"from": "22:00", "to": "06:00"} ` +
        `for the night`,
      "time_of_day",
    );
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw fail(`must be an object, got ${JSON.stringify(v)}`);
  }
  const raw = v as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((k) => k !== "from" && k !== "to");
  if (unknown.length) throw fail(`has unknown field ${unknown.map((k) => `"${k}"`).join(", ")}`);
  const from = clockMinutes(raw.from);
  const to = clockMinutes(raw.to, true);
  if (from === null) throw fail(`needs "from" as a clock time, got ${JSON.stringify(raw.from)}`);
  if (to === null) throw fail(`needs "to" as a clock time, got ${JSON.stringify(raw.to)}`);
  if (from === to % 1440) throw fail("covers the whole day (from equals to); leave it out");
  return { from: clockText(from), to: clockText(to) };
}

/** The schema of a name parameter: one name, or a list of names any of which matches. */
function oneOrMany(description: string): Record<string, unknown> {
  return {
    anyOf: [
      { type: "string" },
      { type: "array", items: { type: "string" }, minItems: 1, maxItems: MAX_LIST_VALUES },
    ],
    description: `${description} One value or a list (any of them matches).`,
  };
}

const SCHEMAS: Record<ParamName, Record<string, unknown>> = {
  period: {
    type: "string",
    description:
      "Period in words, read in the business time zone: today, yesterday, this week, last week, " +
      "this month, last month, last 7 days, 2026-11-20, 20 Nov, from 5 Nov to 13 Nov. " +
      "Omit for all data.",
  },
  direction: {
    type: "string",
    enum: [...DIRECTIONS],
    description: "incoming (customer called us) or outgoing (agent dialled). Omit for both.",
  },
  status: {
    anyOf: [
      { type: "string", enum: [...CALL_STATUSES] },
      { type: "array", items: { type: "string", enum: [...CALL_STATUSES] } },
    ],
    description:
      "answered = successful, missed = abandoned incoming, failed = technical failure, " +
      "busy / no_answer = outgoing only. One status or a list.",
  },
  agent: oneOrMany("Agent login name (agent_name), case-insensitive."),
  queue: oneOrMany("Queue name, e.g. support, sales, billing."),
  customer: {
    type: "string",
    description:
      "A customer's phone number (E.164, e.g. +919812345678) or name as in the address book.",
  },
  disposition: oneOrMany("Outcome set by the agent, e.g. resolved, follow_up, sale, no_sale."),
  city: oneOrMany("Customer city from the address book, e.g. Mumbai."),
  segment: oneOrMany("Customer segment from the address book, e.g. retail, business, vip."),
  duration: {
    type: "object",
    description: "Calls whose duration_seconds is in this range, e.g. {gt: 600} for longer " +
      "than 10 minutes, {lt: 30} under 30 seconds, {gte: 60, lte: 180} between 1 and 3 " +
      "minutes. Seconds, whole numbers; at least one bound.",
    properties: {
      gt: { type: "integer", minimum: 0, description: "Longer than this many seconds." },
      gte: { type: "integer", minimum: 0, description: "At least this many seconds." },
      lt: { type: "integer", minimum: 0, description: "Shorter than this many seconds." },
      lte: { type: "integer", minimum: 0, description: "At most this many seconds." },
    },
    additionalProperties: false,
    minProperties: 1,
  },
  time_of_day: {
    type: "object",
    description: "Calls that started within this local clock window on each day of the " +
      'period, in the business time zone: {from: "14:00", to: "16:00"} for between 2 and 4 ' +
      'pm, {from: "18:00", to: "24:00"} after 6 pm, {from: "00:00", to: "09:00"} before 9 ' +
      'am, {from: "22:00", to: "06:00"} overnight. 24-hour "HH:MM"; from inclusive, to ' +
      "exclusive.",
    properties: {
      from: { type: "string", pattern: "^([01]\\d|2[0-3]):[0-5]\\d$" },
      to: { type: "string", pattern: "^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$" },
    },
    required: ["from", "to"],
    additionalProperties: false,
  },
  group_by: {
    type: "string",
    enum: [...DIMENSIONS],
    description:
      "One row per group: day = local date, hour = local hour of day, weekday = Mon..Sun, " +
      "customer = phone number, city/segment from the address book.",
  },
  limit: {
    type: "integer",
    minimum: 1,
    maximum: MAX_LIMIT,
    description: "Keep only the first N rows.",
  },
  threshold_seconds: {
    type: "integer",
    minimum: 0,
    default: 20,
    description: "Service-level threshold: answered within this many seconds of ringing.",
  },
};

/** The JSON schema of an entry accepting `names` (`required` lists mandatory ones). */
export function paramsSchema(
  names: readonly ParamName[],
  opts: { required?: ParamName[]; overrides?: Partial<Record<ParamName, unknown>> } = {},
): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const n of names) properties[n] = opts.overrides?.[n] ?? SCHEMAS[n];
  const schema: Record<string, unknown> = {
    type: "object",
    properties,
    additionalProperties: false,
  };
  if (opts.required?.length) schema.required = opts.required;
  return schema;
}
