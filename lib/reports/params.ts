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
  type ReportParams,
} from "./types.ts";

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

/** Parameters after validation: enums resolved, statuses as a list, blanks dropped. */
export type NormalizedParams = Omit<ReportParams, "status"> & { status?: CallStatus[] };

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
  for (const name of ["agent", "queue", "customer", "disposition", "city", "segment"] as const) {
    if (ok.has(name)) {
      const v = text(p, name);
      if (v !== undefined) out[name] = v;
    }
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
  agent: { type: "string", description: "Agent login name (agent_name), case-insensitive." },
  queue: { type: "string", description: "Queue name, e.g. support, sales, billing." },
  customer: {
    type: "string",
    description:
      "A customer's phone number (E.164, e.g. +919812345678) or name as in the address book.",
  },
  disposition: {
    type: "string",
    description: "Outcome set by the agent, e.g. resolved, follow_up, sale, no_sale.",
  },
  city: { type: "string", description: "Customer city from the address book, e.g. Mumbai." },
  segment: {
    type: "string",
    description: "Customer segment from the address book, e.g. retail, business, vip.",
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
