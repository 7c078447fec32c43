/**
 * Turns what a question says ({@link Parsed}) into a complete {@link Intent}: defaults
 * for standalone questions, and for follow-ups ("And outgoing?", "same for last month",
 * "which of them…") the previous turn's intent with the new words laid over it: new
 * explicit filters override, the others carry over.
 */
import {
  CALL_SET_METRICS,
  dimensionFilter,
  FILTER_KEYS,
  type Filters,
  GROUPABLE,
  type Intent,
  type Parsed,
} from "./intent.ts";

/** True when the question leans on the previous turn rather than standing alone. */
export function isFollowUp(p: Parsed): boolean {
  if (p.chat) return false;
  if (p.followUpCue) return true;
  // Only filters, a period, a grouping or "as Excel": elliptical. "How many were busy?"
  // asks a count without naming calls: of the calls just counted.
  return !p.metric && !p.subject && !p.share && !p.per &&
    (!p.form || p.form === "count" && !p.groupBy && !p.rank);
}

/** The intent of a standalone question; null when it asks nothing about calls. */
export function resolveStandalone(p: Parsed): Intent | null {
  if (p.chat) return null;
  const filters: Filters = { ...p.filters };
  let metric = p.metric;
  if (!metric) {
    if (p.share) metric = "share";
    else if (p.groupBy || p.compare) metric = "breakdown";
    else if (p.form) metric = p.form;
    else if (p.excel) metric = "list";
    else if (p.subject || Object.keys(filters).length || p.periods.length) metric = "list";
    else return null;
  }
  const intent: Intent = {
    metric,
    period: p.periods[0],
    comparePeriod: p.periods[1],
    filters,
    groupBy: p.groupBy,
    rank: p.rank,
    focus: p.focus,
    limit: p.limit,
    compare: p.compare,
    share: p.share,
    threshold: p.threshold,
    per: p.per,
    excel: p.excel,
  };
  return normalize(intent);
}

/** The intent of a follow-up, built on the previous turn's intent. */
export function resolveFollowUp(p: Parsed, prev: Intent): Intent | null {
  if (p.chat) return null;
  const i: Intent = structuredClone(prev);
  i.compare = undefined;
  i.comparePeriod = undefined;
  if (p.per) i.per = p.per;
  else if (p.metric || p.groupBy || p.share) i.per = undefined;
  if (p.metric) {
    i.metric = p.metric;
    i.focus = p.focus;
    i.share = p.share;
    i.threshold = p.threshold ?? (prev.metric === p.metric ? prev.threshold : undefined);
    i.rank = p.rank;
    i.limit = p.limit ?? (prev.metric === p.metric ? prev.limit : undefined);
    const carryGroup = GROUPABLE.has(p.metric) && p.metric !== "breakdown";
    i.groupBy = p.groupBy ?? (carryGroup ? prev.groupBy : undefined);
  } else if (p.share) {
    i.metric = "share";
    i.share = p.share;
    i.groupBy = undefined;
    i.rank = undefined;
  } else if (
    !p.rank && p.superlative &&
    (prev.rank || prev.groupBy || prev.metric === "agent_performance" ||
      prev.metric === "top_customers")
  ) {
    i.rank = { order: p.superlative };
    if (p.groupBy) i.groupBy = p.groupBy;
  } else if (p.rank || p.groupBy) {
    if (p.groupBy && p.groupBy !== prev.groupBy) i.rank = undefined;
    if (p.rank) i.rank = p.rank;
    if (p.groupBy) i.groupBy = p.groupBy;
    if (p.focus) i.focus = p.focus;
    if (!GROUPABLE.has(i.metric) && i.metric !== "agent_performance") i.metric = "breakdown";
    else if (
      i.metric === "agent_performance" && i.groupBy && i.groupBy !== "agent" &&
      !HANDLE_FOCUS.has(i.focus)
    ) {
      i.metric = "breakdown";
      i.focus = undefined;
    }
  } else if (p.form) {
    if (CALL_SET_METRICS.has(i.metric) || p.form === "list") {
      i.metric = p.form;
      i.groupBy = undefined;
      i.rank = undefined;
    }
  }
  if (p.limit !== undefined) i.limit = p.limit;

  // Filters: new ones override, cleared ones go, the rest carry over.
  for (const key of FILTER_KEYS) {
    const v = p.filters[key];
    if (v !== undefined) (i.filters as Record<string, unknown>)[key] = v;
  }
  for (const c of p.clear) {
    if (c === "period") i.period = undefined;
    else if (c === "group_by") {
      i.groupBy = undefined;
      i.rank = undefined;
    } else delete i.filters[c];
  }
  // A new grouping spreads over the dimension a carried filter held to one value.
  const spread = p.groupBy ?? p.compare?.dim;
  if (spread) {
    const key = dimensionFilter(spread);
    if (key && p.filters[key] === undefined) delete i.filters[key];
  }
  // A new filter on the grouped dimension narrows to one group: a plain count instead.
  if (i.groupBy && i.metric === "breakdown") {
    const key = dimensionFilter(i.groupBy);
    if (key && p.filters[key] !== undefined) {
      i.metric = "count";
      i.groupBy = undefined;
      i.rank = undefined;
    }
  }
  if (p.compare) i.compare = p.compare;
  if (p.periods.length >= 2) {
    i.period = p.periods[0];
    i.comparePeriod = p.periods[1];
  } else if (p.periods.length === 1) {
    if (p.compareCue && prev.period && p.periods[0] !== prev.period) {
      i.comparePeriod = p.periods[0];
    } else {
      i.period = p.periods[0];
    }
  }
  i.excel = p.excel || (prev.excel && !p.metric && !p.form);
  if (p.metric === undefined && p.form === undefined && p.excel && i.metric === "count") {
    i.metric = "list";
  }
  return normalize(i);
}

/**
 * True when a question ranks what the previous turn measured, naming no period or other
 * scope of its own: "Who had the lowest AHT?" after last week's agent performance asks
 * about last week's agents.
 */
export function isRefinement(p: Parsed, prev: Intent): boolean {
  if (p.chat || p.periods.length || p.clear.length || p.compare || p.excel) return false;
  if (!p.rank && !p.superlative) return false;
  const alone = resolveStandalone(p);
  return alone !== null && alone.metric === prev.metric &&
    (alone.groupBy === undefined || prev.groupBy === undefined || alone.groupBy === prev.groupBy);
}

/** Resolves a question against the previous intent (when it is a follow-up). */
export function resolveIntent(p: Parsed, prev: Intent | null): Intent | null {
  if (prev && (isFollowUp(p) || isRefinement(p, prev))) return resolveFollowUp(p, prev);
  return resolveStandalone(p);
}

/** Foci of agent performance that the handle_time entry also gives per queue, day, hour… */
const HANDLE_FOCUS: ReadonlySet<Intent["focus"]> = new Set<Intent["focus"]>([
  "aht",
  "hold",
  "wrap",
]);

/** Makes an intent consistent with what its metric's catalog entry can do. */
export function normalize(i: Intent): Intent {
  // A comparison of values of one dimension is a grouping by it.
  if (i.compare) {
    const key = dimensionFilter(i.compare.dim);
    if (key) delete i.filters[key];
    i.groupBy = i.compare.dim;
    if (!GROUPABLE.has(i.metric) && i.metric !== "agent_performance") i.metric = "breakdown";
  }
  if (
    i.metric === "agent_performance" && HANDLE_FOCUS.has(i.focus) && i.groupBy &&
    i.groupBy !== "agent"
  ) {
    // AHT (hold, wrap-up) per queue, day, hour…: agent performance is per agent only.
    i.metric = "handle_time";
  }
  if (i.metric === "handle_time") {
    delete i.filters.status;
    if (!HANDLE_FOCUS.has(i.focus)) i.focus = "aht";
  }
  if (i.per) {
    // An average per day, hour, agent or week is a count divided by the units.
    i.metric = "count";
    i.groupBy = undefined;
    i.rank = undefined;
    i.compare = undefined;
  }
  if (i.metric === "share" && !i.share) i.metric = "count";
  if (i.metric !== "share") i.share = undefined;
  // Rankings and groupings the metric cannot do.
  if (i.rank && !i.groupBy) {
    if (i.metric === "duration") {
      i.focus = i.rank.order === "max" ? "max" : "min";
      i.rank = undefined;
    } else if (i.metric !== "agent_performance" && i.metric !== "top_customers") {
      i.rank = undefined;
    }
  }
  if ((i.metric === "count" || i.metric === "list") && i.groupBy) i.metric = "breakdown";
  if (i.metric === "breakdown" && !i.groupBy) i.metric = "count";
  if (i.metric === "breakdown" && i.groupBy === "agent" && i.rank?.order === "max" && !i.compare) {
    // "Which agent handled the most calls": calls handled are answered calls.
    const st = i.filters.status;
    if (st?.length === 1 && st[0] === "answered" && !i.filters.direction) {
      i.metric = "agent_performance";
      i.focus ??= "calls";
    }
  }
  if (
    i.metric === "agent_performance" && i.rank?.order === "min" &&
    (i.focus === undefined || i.focus === "calls")
  ) {
    // The fewest calls handled: the breakdown's summary names the bottom agent (agent
    // performance rows come most calls first, and only the first ones are read).
    i.metric = "breakdown";
    i.groupBy = "agent";
    i.focus = undefined;
    i.filters.status = ["answered"];
  }
  if (i.metric === "agent_performance") {
    delete i.filters.status;
    if (i.rank) {
      i.focus ??= "calls";
      i.groupBy = undefined;
    }
  }
  if (i.metric === "breakdown" && i.groupBy === "customer" && i.rank?.order === "max") {
    // "Which 5 numbers had the most calls": the top customers (with their names).
    i.metric = "top_customers";
  }
  if (i.metric === "top_customers") {
    i.groupBy = undefined;
    i.rank = undefined;
  }
  if (
    i.metric === "abandonment" || i.metric === "service_level" || i.metric === "asa" ||
    i.metric === "answer_rate"
  ) {
    delete i.filters.status;
  }
  if (i.metric === "abandonment" || i.metric === "service_level" || i.metric === "asa") {
    if (i.filters.direction === "incoming") delete i.filters.direction;
  }
  if (i.metric !== "service_level") i.threshold = undefined;
  if (i.metric === "list" || i.metric === "count") {
    i.rank = undefined;
    i.limit = i.metric === "list" ? i.limit : undefined;
  }
  if (i.filters.status && i.filters.status.length === 0) delete i.filters.status;
  if (i.comparePeriod && i.comparePeriod === i.period) i.comparePeriod = undefined;
  if (i.comparePeriod && i.metric === "list") i.metric = "count";
  return stripUndefined(i);
}

function stripUndefined(i: Intent): Intent {
  const out = {} as Record<string, unknown>;
  for (const [k, v] of Object.entries(i)) if (v !== undefined) out[k] = v;
  const f = {} as Record<string, unknown>;
  for (const [k, v] of Object.entries(i.filters)) if (v !== undefined) f[k] = v;
  out.filters = f;
  return out as unknown as Intent;
}
