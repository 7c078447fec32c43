/**
 * Grouping dimensions of the catalog as MongoDB expressions over `calling_cdr`.
 * Local day / hour / weekday are computed in the business zone with the `timezone`
 * argument of the date operators, never in the server's zone.
 */
import { CUSTOMERS, type Document } from "../data/types.ts";
import type { Column, Dimension } from "./types.ts";

/** How one dimension groups, labels and orders its rows. */
export interface DimensionSpec {
  key: Dimension;
  label: string;
  /** Label of the group whose key is null or missing. */
  nullLabel: string;
  /** Time dimensions sort by their key ascending; others by the main count, descending. */
  timeOrder: boolean;
  /** Needs the caller's address-book record (`_customer`) joined first. */
  needsCustomer: boolean;
  /** The grouping key. */
  keyExpr(timezone: string): unknown;
  /** The displayed value, from the group key (`$_id`). */
  labelExpr(): unknown;
}

const WEEKDAY_NAMES = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const HOUR_LABELS = Array.from(
  { length: 24 },
  (_, h) => `${String(h).padStart(2, "0")}:00–${String(h + 1).padStart(2, "0")}:00`,
);

function field(
  key: Dimension,
  label: string,
  path: string,
  nullLabel: string,
  needsCustomer = false,
): DimensionSpec {
  return {
    key,
    label,
    nullLabel,
    timeOrder: false,
    needsCustomer,
    keyExpr: () => path,
    labelExpr: () => ({ $ifNull: ["$_id", nullLabel] }),
  };
}

const SPECS: Record<Dimension, DimensionSpec> = {
  agent: field("agent", "Agent", "$agent_name", "(no agent)"),
  queue: field("queue", "Queue", "$queue", "(none)"),
  status: field("status", "Status", "$status", "(none)"),
  direction: field("direction", "Direction", "$direction", "(none)"),
  disposition: field("disposition", "Disposition", "$disposition", "(none)"),
  customer: field("customer", "Customer", "$customer_number", "(none)"),
  city: field("city", "City", "$_customer.city", "(unknown)", true),
  segment: field("segment", "Segment", "$_customer.segment", "(unknown)", true),
  day: {
    key: "day",
    label: "Day",
    nullLabel: "(none)",
    timeOrder: true,
    needsCustomer: false,
    keyExpr: (timezone) => ({
      $dateToString: { format: "%Y-%m-%d", date: "$start_time", timezone },
    }),
    labelExpr: () => ({ $ifNull: ["$_id", "(none)"] }),
  },
  hour: {
    key: "hour",
    label: "Hour",
    nullLabel: "(none)",
    timeOrder: true,
    needsCustomer: false,
    keyExpr: (timezone) => ({ $hour: { date: "$start_time", timezone } }),
    labelExpr: () => ({ $arrayElemAt: [HOUR_LABELS, "$_id"] }),
  },
  weekday: {
    key: "weekday",
    label: "Weekday",
    nullLabel: "(none)",
    timeOrder: true,
    needsCustomer: false,
    keyExpr: (timezone) => ({ $isoDayOfWeek: { date: "$start_time", timezone } }),
    labelExpr: () => ({ $arrayElemAt: [WEEKDAY_NAMES, "$_id"] }),
  },
};

/** The spec of a dimension. */
export function dimensionSpec(d: Dimension): DimensionSpec {
  return SPECS[d];
}

/** The first column of a report grouped by `d`. */
export function dimensionColumn(d: Dimension): Column {
  return { key: d, label: SPECS[d].label, type: "string" };
}

/**
 * Stages joining each call's address-book record as `_customer` (by phone), for the
 * city / segment dimensions.
 */
export function customerJoinStages(): Document[] {
  return [
    {
      $lookup: {
        from: CUSTOMERS,
        localField: "customer_number",
        foreignField: "phone",
        as: "_customer",
      },
    },
    { $addFields: { _customer: { $arrayElemAt: ["$_customer", 0] } } },
  ];
}
