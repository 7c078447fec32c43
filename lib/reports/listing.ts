/**
 * Catalog entries that list records: every call matching the filters, and the top
 * customers by number of calls.
 */
import { CALLS, CUSTOMERS, type Document } from "../data/types.ts";
import { countIf, eq } from "./aggregate_entry.ts";
import { callsSubject, reportTitle, scalar, withExtras } from "./compiled.ts";
import { cols } from "./columns.ts";
import { buildFilters } from "./filters.ts";
import { FILTER_PARAMS } from "./kpi.ts";
import { normalizeParams, paramsSchema } from "./params.ts";
import type { ReportDefinition } from "./types.ts";

/** The call list's columns: one per field of a call, in the export's order. */
export const CALL_COLUMNS = cols(
  "start_time",
  "call_id",
  "direction",
  "status",
  "queue",
  "agent_name",
  "customer_number",
  "customer_id",
  "duration_seconds",
  "ring_seconds",
  "talk_seconds",
  "hold_seconds",
  "wrap_up_seconds",
  "disposition",
  "hangup_by",
);

/** `call_list`: one row per call, oldest first. */
export const callList: ReportDefinition = {
  name: "call_list",
  title: "Call list",
  description: "One row per call matching the filters, oldest first: start time (local), " +
    "call id, direction, status, queue, agent, customer, durations in seconds, disposition. " +
    "Use it for reports and exports (e.g. the incoming call report for today, all missed " +
    "calls, calls from a customer); the chat sees a preview and the total count.",
  parameters: paramsSchema(FILTER_PARAMS),
  kind: "listing",
  async compile(params, ctx) {
    const p = normalizeParams(params, FILTER_PARAMS);
    const built = await buildFilters(p, ctx);
    const project: Document = { _id: 0 };
    for (const c of CALL_COLUMNS) project[c.key] = 1;
    const compiled = {
      name: "call_list",
      title: reportTitle(callsSubject(p), p),
      collection: CALLS,
      pipeline: [
        { $match: built.match },
        { $sort: { start_time: 1, _id: 1 } },
        { $project: project },
      ],
      columns: CALL_COLUMNS,
      kind: "listing" as const,
      filters: built.filters,
      period: built.period,
      asOf: built.asOf,
    };
    return withExtras(compiled, {
      countPipeline: [{ $match: built.match }, { $count: "n" }],
      summarize: (_rows, _overall, totalRows) => ({ calls: totalRows }),
    });
  },
};

const TOP_PARAMS = [...FILTER_PARAMS, "limit" as const];
const DEFAULT_TOP = 10;

/** `top_customers`: customers by number of calls, most first. */
export const topCustomers: ReportDefinition = {
  name: "top_customers",
  title: "Top customers",
  description: "Customers by number of calls, most first (limit, default 10), with the name " +
    "from the address book (null when the number is not in it), answered calls and total " +
    "talk time in seconds.",
  parameters: paramsSchema(TOP_PARAMS),
  kind: "aggregate",
  async compile(params, ctx) {
    const p = normalizeParams(params, TOP_PARAMS);
    const built = await buildFilters(p, ctx);
    const compiled = {
      name: "top_customers",
      title: reportTitle("Top customers", p, { showDirection: true, showStatus: true }),
      collection: CALLS,
      pipeline: [
        { $match: built.match },
        {
          $group: {
            _id: "$customer_number",
            calls: { $sum: 1 },
            answered: countIf(eq("status", "answered")),
            total_talk_seconds: { $sum: "$talk_seconds" },
          },
        },
        { $sort: { calls: -1, _id: 1 } },
        { $limit: p.limit ?? DEFAULT_TOP },
        {
          $lookup: { from: CUSTOMERS, localField: "_id", foreignField: "phone", as: "_customer" },
        },
        {
          $project: {
            _id: 0,
            customer_number: "$_id",
            customer_name: { $ifNull: [{ $arrayElemAt: ["$_customer.name", 0] }, null] },
            calls: "$calls",
            answered: "$answered",
            total_talk_seconds: "$total_talk_seconds",
          },
        },
      ],
      columns: cols("customer_number", "customer_name", "calls", "answered", "total_talk_seconds"),
      kind: "aggregate" as const,
      filters: built.filters,
      period: built.period,
      asOf: built.asOf,
    };
    return withExtras(compiled, {
      summarize: (rows) => ({
        top_number: scalar(rows[0]?.customer_number),
        top_name: scalar(rows[0]?.customer_name),
        top_calls: scalar(rows[0]?.calls),
      }),
    });
  },
};
