/**
 * The catalog's aggregate entries (counts, breakdowns, agent performance and the KPIs of
 * `../shared/contract/DATA.md`), each defined once as a parameterised pipeline.
 */
import type { Document } from "../data/types.ts";
import {
  aggregateEntry,
  countIf,
  eq,
  extremes,
  leadersNote,
  percent,
  round2,
  type SummaryInput,
} from "./aggregate_entry.ts";
import { callsSubject, pick, scalar, type Summary } from "./compiled.ts";
import { col, cols } from "./columns.ts";
import type { ParamName } from "./params.ts";
import type { ReportDefinition } from "./types.ts";

/** Filters every call-level entry accepts. */
export const FILTER_PARAMS: ParamName[] = [
  "period",
  "direction",
  "status",
  "agent",
  "queue",
  "customer",
  "disposition",
  "city",
  "segment",
  "duration",
  "time_of_day",
];
const GROUP_PARAMS: ParamName[] = ["group_by", "limit"];
const without = (...names: ParamName[]) => FILTER_PARAMS.filter((n) => !names.includes(n));

const GROUPING_NOTE =
  " With group_by, one row per group (day = local date, hour = local hour, weekday Mon..Sun)" +
  " and the summary stays overall.";

function group(key: unknown, acc: Document): Document[] {
  return [{ $group: { _id: key, ...acc } }];
}

function overallSummary(keys: string[]) {
  return ({ overall }: SummaryInput): Summary => pick(overall, keys);
}

const DEFAULT_THRESHOLD = 20;

const callCount = aggregateEntry({
  name: "call_count",
  title: "Call count",
  description: "Number of calls matching the filters: both directions and every status unless " +
    "direction or status is given (successful = answered, abandoned = missed). The summary " +
    "also splits the total into incoming, outgoing, answered, missed and failed." +
    GROUPING_NOTE,
  params: [...FILTER_PARAMS, ...GROUP_PARAMS],
  subject: (p) => `Number of ${callsSubject(p).toLowerCase()}`,
  groupStages: (key) =>
    group(key, {
      calls: { $sum: 1 },
      incoming: countIf(eq("direction", "incoming")),
      outgoing: countIf(eq("direction", "outgoing")),
      answered: countIf(eq("status", "answered")),
      missed: countIf(eq("status", "missed")),
      failed: countIf(eq("status", "failed")),
    }),
  empty: { calls: 0, incoming: 0, outgoing: 0, answered: 0, missed: 0, failed: 0 },
  project: {
    calls: "$calls",
    incoming: "$incoming",
    outgoing: "$outgoing",
    answered: "$answered",
    missed: "$missed",
    failed: "$failed",
  },
  columns: cols("calls"),
  sortBy: "calls",
  summarize: overallSummary(["calls", "incoming", "outgoing", "answered", "missed", "failed"]),
});

const callBreakdown = aggregateEntry({
  name: "call_breakdown",
  title: "Call breakdown",
  description: "Calls per group (group_by is required): agent, queue, status, direction, " +
    "disposition, day (local date, oldest first), hour (local hour of day as 11:00–12:00, in " +
    "order), weekday (Mon..Sun), customer (phone), city or segment (address book). Other " +
    "groupings are sorted by calls, most first; limit keeps the first N. Each row has calls, " +
    "answered and missed. The summary names the groups with the most and the fewest calls.",
  params: [...FILTER_PARAMS, ...GROUP_PARAMS],
  required: ["group_by"],
  subject: (p) => callsSubject(p),
  groupStages: (key) =>
    group(key, {
      calls: { $sum: 1 },
      answered: countIf(eq("status", "answered")),
      missed: countIf(eq("status", "missed")),
    }),
  empty: { calls: 0, answered: 0, missed: 0 },
  project: { calls: "$calls", answered: "$answered", missed: "$missed" },
  columns: cols("calls", "answered", "missed"),
  sortBy: "calls",
  summarize: ({ rows, overall, totalRows, dimension }) => {
    const { top, bottom } = extremes(rows, dimension ?? "", "calls");
    return {
      groups: totalRows,
      calls: scalar(overall?.calls) ?? 0,
      top_key: scalar(top?.key),
      top_calls: scalar(top?.value),
      bottom_key: scalar(bottom?.key),
      bottom_calls: scalar(bottom?.value),
    };
  },
});

const agentPerformance = aggregateEntry({
  name: "agent_performance",
  title: "Agent performance",
  description: "Per agent, over answered calls with an agent: calls handled (incoming handled " +
    "and outgoing answered), total and average talk time, AHT (average of talk + hold + " +
    "wrap-up), average hold and wrap-up, in seconds; sorted by calls handled, most first. " +
    "The summary names the top agent and the agents with the lowest and highest AHT. " +
    "Use direction to look at incoming or outgoing work only.",
  params: [...without("status"), "limit"],
  forced: { status: "answered", withAgent: true },
  fixedDimension: "agent",
  groupStages: (key) =>
    group(key, {
      calls_handled: { $sum: 1 },
      incoming_handled: countIf(eq("direction", "incoming")),
      outgoing_answered: countIf(eq("direction", "outgoing")),
      total_talk_seconds: { $sum: "$talk_seconds" },
      avg_talk_seconds: { $avg: "$talk_seconds" },
      aht_seconds: {
        $avg: { $add: ["$talk_seconds", "$hold_seconds", "$wrap_up_seconds"] },
      },
      avg_hold_seconds: { $avg: "$hold_seconds" },
      avg_wrap_up_seconds: { $avg: "$wrap_up_seconds" },
    }),
  empty: {
    calls_handled: 0,
    incoming_handled: 0,
    outgoing_answered: 0,
    total_talk_seconds: 0,
    avg_talk_seconds: null,
    aht_seconds: null,
    avg_hold_seconds: null,
    avg_wrap_up_seconds: null,
  },
  project: {
    calls_handled: "$calls_handled",
    incoming_handled: "$incoming_handled",
    outgoing_answered: "$outgoing_answered",
    total_talk_seconds: "$total_talk_seconds",
    avg_talk_seconds: round2("$avg_talk_seconds"),
    aht_seconds: round2("$aht_seconds"),
    avg_hold_seconds: round2("$avg_hold_seconds"),
    avg_wrap_up_seconds: round2("$avg_wrap_up_seconds"),
  },
  columns: [
    col("agent"),
    ...cols(
      "calls_handled",
      "incoming_handled",
      "outgoing_answered",
      "total_talk_seconds",
      "avg_talk_seconds",
      "aht_seconds",
      "avg_hold_seconds",
      "avg_wrap_up_seconds",
    ),
  ],
  sortBy: "calls_handled",
  summarize: ({ rows, overall, totalRows }) => {
    const handled = extremes(rows, "agent", "calls_handled");
    const aht = extremes(rows, "agent", "aht_seconds");
    return {
      agents: totalRows,
      ...pick(overall, ["calls_handled", "total_talk_seconds", "aht_seconds"]),
      top_agent: scalar(handled.top?.key),
      top_calls_handled: scalar(handled.top?.value),
      lowest_aht_agent: scalar(aht.bottom?.key),
      lowest_aht_seconds: scalar(aht.bottom?.value),
      highest_aht_agent: scalar(aht.top?.key),
      highest_aht_seconds: scalar(aht.top?.value),
    };
  },
});

const DURATION_KEYS = [
  "calls",
  "avg_duration_seconds",
  "min_duration_seconds",
  "max_duration_seconds",
  "total_duration_seconds",
];

const durationStats = aggregateEntry({
  name: "duration_stats",
  title: "Call duration statistics",
  description: "Call duration statistics over answered calls: count, average, minimum, " +
    "maximum and total of duration_seconds (seconds)." + GROUPING_NOTE +
    leadersNote("average duration (avg_duration_seconds)"),
  params: [...without("status"), ...GROUP_PARAMS],
  forced: { status: "answered" },
  groupStages: (key) =>
    group(key, {
      calls: { $sum: 1 },
      avg_duration_seconds: { $avg: "$duration_seconds" },
      min_duration_seconds: { $min: "$duration_seconds" },
      max_duration_seconds: { $max: "$duration_seconds" },
      total_duration_seconds: { $sum: "$duration_seconds" },
    }),
  empty: {
    calls: 0,
    avg_duration_seconds: null,
    min_duration_seconds: null,
    max_duration_seconds: null,
    total_duration_seconds: 0,
  },
  project: {
    calls: "$calls",
    avg_duration_seconds: round2("$avg_duration_seconds"),
    min_duration_seconds: "$min_duration_seconds",
    max_duration_seconds: "$max_duration_seconds",
    total_duration_seconds: "$total_duration_seconds",
  },
  columns: cols(...DURATION_KEYS),
  sortBy: "calls",
  rankBy: "avg_duration_seconds",
  summarize: overallSummary(DURATION_KEYS),
});

const talkTime = aggregateEntry({
  name: "talk_time",
  title: "Talk time",
  description: "Talk time over answered calls: total and average talk_seconds (seconds), " +
    "e.g. the total talk time of an agent; by agent it says who talked the most." +
    GROUPING_NOTE + leadersNote("total talk time (total_talk_seconds)"),
  params: [...without("status"), ...GROUP_PARAMS],
  forced: { status: "answered" },
  groupStages: (key) =>
    group(key, {
      calls: { $sum: 1 },
      total_talk_seconds: { $sum: "$talk_seconds" },
      avg_talk_seconds: { $avg: "$talk_seconds" },
    }),
  empty: { calls: 0, total_talk_seconds: 0, avg_talk_seconds: null },
  project: {
    calls: "$calls",
    total_talk_seconds: "$total_talk_seconds",
    avg_talk_seconds: round2("$avg_talk_seconds"),
  },
  columns: cols("calls", "total_talk_seconds", "avg_talk_seconds"),
  sortBy: "calls",
  rankBy: "total_talk_seconds",
  summarize: overallSummary(["calls", "total_talk_seconds", "avg_talk_seconds"]),
});

const HANDLE_KEYS = [
  "calls",
  "aht_seconds",
  "avg_talk_seconds",
  "avg_hold_seconds",
  "avg_wrap_up_seconds",
];

const handleTime = aggregateEntry({
  name: "handle_time",
  title: "Average handle time",
  description: "AHT, average handle time, over answered calls: mean of talk + hold + wrap-up " +
    "seconds, with average talk, hold and wrap-up (seconds); group_by gives AHT per queue, " +
    "day, hour, agent or any other grouping." + GROUPING_NOTE + leadersNote("AHT (aht_seconds)"),
  params: [...without("status"), ...GROUP_PARAMS],
  forced: { status: "answered" },
  groupStages: (key) =>
    group(key, {
      calls: { $sum: 1 },
      aht_seconds: {
        $avg: { $add: ["$talk_seconds", "$hold_seconds", "$wrap_up_seconds"] },
      },
      avg_talk_seconds: { $avg: "$talk_seconds" },
      avg_hold_seconds: { $avg: "$hold_seconds" },
      avg_wrap_up_seconds: { $avg: "$wrap_up_seconds" },
    }),
  empty: {
    calls: 0,
    aht_seconds: null,
    avg_talk_seconds: null,
    avg_hold_seconds: null,
    avg_wrap_up_seconds: null,
  },
  project: {
    calls: "$calls",
    aht_seconds: round2("$aht_seconds"),
    avg_talk_seconds: round2("$avg_talk_seconds"),
    avg_hold_seconds: round2("$avg_hold_seconds"),
    avg_wrap_up_seconds: round2("$avg_wrap_up_seconds"),
  },
  columns: cols(...HANDLE_KEYS),
  sortBy: "calls",
  rankBy: "aht_seconds",
  summarize: overallSummary(["calls", "aht_seconds"]),
});

const abandonmentRate = aggregateEntry({
  name: "abandonment_rate",
  title: "Abandonment rate",
  description: "Abandonment (missed call) rate: missed incoming calls ÷ all incoming calls, as " +
    "a percentage (incoming calls only)." + GROUPING_NOTE +
    leadersNote("abandonment rate (abandonment_rate_pct)"),
  params: [...without("direction", "status"), ...GROUP_PARAMS],
  forced: { direction: "incoming" },
  groupStages: (key) =>
    group(key, {
      incoming_calls: { $sum: 1 },
      missed_calls: countIf(eq("status", "missed")),
    }),
  empty: { incoming_calls: 0, missed_calls: 0 },
  project: {
    incoming_calls: "$incoming_calls",
    missed_calls: "$missed_calls",
    abandonment_rate_pct: percent("missed_calls", "incoming_calls"),
  },
  columns: cols("incoming_calls", "missed_calls", "abandonment_rate_pct"),
  sortBy: "incoming_calls",
  rankBy: "abandonment_rate_pct",
  summarize: overallSummary(["incoming_calls", "missed_calls", "abandonment_rate_pct"]),
});

const serviceLevel = aggregateEntry({
  name: "service_level",
  title: "Service level",
  description: "Service level: incoming calls answered within threshold_seconds of ringing " +
    `(default ${DEFAULT_THRESHOLD}) ÷ all incoming calls, as a percentage.` + GROUPING_NOTE +
    leadersNote("service level (service_level_pct)"),
  params: [...without("direction", "status"), ...GROUP_PARAMS, "threshold_seconds"],
  forced: { direction: "incoming" },
  groupStages: (key, p) =>
    group(key, {
      incoming_calls: { $sum: 1 },
      answered_within_threshold: countIf({
        $and: [
          eq("status", "answered"),
          { $lte: ["$ring_seconds", p.threshold_seconds ?? DEFAULT_THRESHOLD] },
        ],
      }),
    }),
  empty: { incoming_calls: 0, answered_within_threshold: 0 },
  project: {
    incoming_calls: "$incoming_calls",
    answered_within_threshold: "$answered_within_threshold",
    service_level_pct: percent("answered_within_threshold", "incoming_calls"),
  },
  columns: cols("incoming_calls", "answered_within_threshold", "service_level_pct"),
  sortBy: "incoming_calls",
  rankBy: "service_level_pct",
  summarize: ({ overall, params }) => ({
    ...pick(overall, ["incoming_calls", "answered_within_threshold", "service_level_pct"]),
    threshold_seconds: params.threshold_seconds ?? DEFAULT_THRESHOLD,
  }),
});

const speedOfAnswer = aggregateEntry({
  name: "speed_of_answer",
  title: "Average speed of answer",
  description: "ASA, average speed of answer: mean ring_seconds over answered incoming calls " +
    "(seconds), with the longest wait." + GROUPING_NOTE +
    leadersNote("ASA (asa_seconds; the highest is the slowest to answer)"),
  params: [...without("direction", "status"), ...GROUP_PARAMS],
  forced: { direction: "incoming", status: "answered" },
  groupStages: (key) =>
    group(key, {
      answered_calls: { $sum: 1 },
      asa_seconds: { $avg: "$ring_seconds" },
      max_ring_seconds: { $max: "$ring_seconds" },
    }),
  empty: { answered_calls: 0, asa_seconds: null, max_ring_seconds: null },
  project: {
    answered_calls: "$answered_calls",
    asa_seconds: round2("$asa_seconds"),
    max_ring_seconds: "$max_ring_seconds",
  },
  columns: cols("answered_calls", "asa_seconds", "max_ring_seconds"),
  sortBy: "answered_calls",
  rankBy: "asa_seconds",
  summarize: overallSummary(["answered_calls", "asa_seconds"]),
});

const answerRate = aggregateEntry({
  name: "answer_rate",
  title: "Answer rate",
  description: "Answer rate: answered ÷ all calls of the direction asked about (both " +
    "directions when none), as a percentage; e.g. the share of outgoing calls answered." +
    GROUPING_NOTE + leadersNote("answer rate (answer_rate_pct)"),
  params: [...without("status"), ...GROUP_PARAMS],
  groupStages: (key) =>
    group(key, { calls: { $sum: 1 }, answered: countIf(eq("status", "answered")) }),
  empty: { calls: 0, answered: 0 },
  project: {
    calls: "$calls",
    answered: "$answered",
    answer_rate_pct: percent("answered", "calls"),
  },
  columns: cols("calls", "answered", "answer_rate_pct"),
  sortBy: "calls",
  rankBy: "answer_rate_pct",
  summarize: overallSummary(["calls", "answered", "answer_rate_pct"]),
});

const uniqueCustomers = aggregateEntry({
  name: "unique_customers",
  title: "Unique customers",
  description: "Unique customers: distinct customer_number over the calls matching the " +
    'filters; with direction incoming, the callers who "called us".' + GROUPING_NOTE +
    leadersNote("number of unique customers"),
  params: [...FILTER_PARAMS, ...GROUP_PARAMS],
  groupStages: (key) => [
    { $group: { _id: { k: key, c: "$customer_number" }, calls: { $sum: 1 } } },
    { $group: { _id: "$_id.k", unique_customers: { $sum: 1 }, calls: { $sum: "$calls" } } },
  ],
  empty: { unique_customers: 0, calls: 0 },
  project: { unique_customers: "$unique_customers", calls: "$calls" },
  columns: cols("unique_customers", "calls"),
  sortBy: "unique_customers",
  rankBy: "unique_customers",
  summarize: overallSummary(["unique_customers", "calls"]),
});

/** The aggregate entries, in catalog order. */
export const KPI_ENTRIES: ReportDefinition[] = [
  callCount,
  callBreakdown,
  agentPerformance,
  durationStats,
  talkTime,
  handleTime,
  abandonmentRate,
  serviceLevel,
  speedOfAnswer,
  answerRate,
  uniqueCustomers,
];
