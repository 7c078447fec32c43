/**
 * The shape shared by the catalog's aggregate entries: filters → (optional grouping by a
 * dimension) → accumulators → output fields. Ungrouped, an entry always yields exactly
 * one row, even over no calls (counts 0, averages null).
 */
import { CALLS, type Document } from "../data/types.ts";
import { reportTitle, scalar, type Summary, withExtras } from "./compiled.ts";
import { customerJoinStages, dimensionColumn, dimensionSpec } from "./dimensions.ts";
import { ReportParamError } from "./errors.ts";
import { buildFilters, type ForcedFilters } from "./filters.ts";
import { type NormalizedParams, normalizeParams, type ParamName, paramsSchema } from "./params.ts";
import { type Column, type Dimension, DIMENSIONS, type ReportDefinition } from "./types.ts";

/** What the summary of an aggregate entry is made from. */
export interface SummaryInput {
  /** Rows read (at most 1,000), as documents keyed by column. */
  rows: Document[];
  /** The overall figures (one document), whatever the grouping. */
  overall: Document | null;
  totalRows: number;
  params: NormalizedParams;
  /** The dimension the rows are grouped by, if any. */
  dimension: Dimension | undefined;
}

/** The definition of an aggregate entry. */
export interface AggregateSpec {
  name: string;
  title: string;
  description: string;
  /** Parameters it accepts; `group_by` / `limit` make it groupable. */
  params: ParamName[];
  required?: ParamName[];
  forced?: ForcedFilters;
  /** Always grouped by this dimension (agent performance is per agent). */
  fixedDimension?: Dimension;
  /** Title subject; default `title`. */
  subject?: (p: NormalizedParams) => string;
  /** Stages producing one document per group key (`_id`) with the accumulated fields. */
  groupStages(key: unknown, p: NormalizedParams): Document[];
  /** The accumulated fields over no calls at all. */
  empty: Document;
  /** Output fields, computed from the accumulated ones. */
  project: Document;
  /** Metric columns (the dimension column comes first when grouped). */
  columns: Column[];
  /** Accumulated field that orders non-time groups (descending). */
  sortBy: string;
  /**
   * The KPI column whose leaders a grouped summary names: `ranked_by`, `top_key` /
   * `top_value` (the group with the highest value) and `bottom_key` / `bottom_value`
   * (the lowest), over every group (not only the rows kept by `limit`).
   */
  rankBy?: string;
  summarize(input: SummaryInput): Summary;
}

/** The summary keys naming the leaders of a grouped KPI entry, for its description. */
export function leadersNote(what: string): string {
  return ` With group_by, the summary also names the groups with the highest and the lowest ${what} ` +
    "over all groups, not only the rows shown: top_key / top_value and bottom_key / " +
    "bottom_value (ranked_by names the column).";
}

/**
 * `expr` rounded to 2 decimals with MongoDB's `$round` (half to even on the exact value;
 * the embedded engine follows MongoDB here); null stays null.
 */
export function round2(expr: unknown): Document {
  return { $round: [expr, 2] };
}

/** A percentage 0–100 with 2 decimals of `num / den`, null when `den` is 0. */
export function percent(num: string, den: string): Document {
  return {
    $cond: [
      { $gt: [`$${den}`, 0] },
      round2({ $multiply: [{ $divide: [`$${num}`, `$${den}`] }, 100] }),
      null,
    ],
  };
}

/** Counts the documents where `cond` holds. */
export function countIf(cond: unknown): Document {
  return { $sum: { $cond: [cond, 1, 0] } };
}

/** `{$eq: ["$field", value]}` */
export function eq(field: string, value: unknown): Document {
  return { $eq: [`$${field}`, value] };
}

/** The group with the most and the fewest `valueKey` among `rows` (first wins on ties). */
export function extremes(
  rows: Document[],
  labelKey: string,
  valueKey: string,
): { top: Document | null; bottom: Document | null } {
  let top: Document | null = null;
  let bottom: Document | null = null;
  for (const r of rows) {
    const v = r[valueKey];
    if (typeof v !== "number") continue;
    if (!top || v > (top[valueKey] as number)) top = r;
    if (!bottom || v < (bottom[valueKey] as number)) bottom = r;
  }
  return {
    top: top && { key: top[labelKey], value: top[valueKey] },
    bottom: bottom && { key: bottom[labelKey], value: bottom[valueKey] },
  };
}

function overallPipeline(match: Document, spec: AggregateSpec, p: NormalizedParams): Document[] {
  return [
    { $match: match },
    { $facet: { r: spec.groupStages(null, p) } },
    {
      $replaceRoot: {
        newRoot: {
          $ifNull: [{ $arrayElemAt: ["$r", 0] }, { $literal: { _id: null, ...spec.empty } }],
        },
      },
    },
    { $project: { _id: 0, ...spec.project } },
  ];
}

/** How the rows of a grouped entry are ordered. */
function rowOrder(spec: AggregateSpec, dimension: Dimension): Record<string, 1 | -1> {
  return dimensionSpec(dimension).timeOrder ? { _id: 1 } : { [spec.sortBy]: -1, _id: 1 };
}

function groupedPipeline(
  match: Document,
  spec: AggregateSpec,
  p: NormalizedParams,
  dimension: Dimension,
  timezone: string,
): Document[] {
  const d = dimensionSpec(dimension);
  return [
    { $match: match },
    ...(d.needsCustomer ? customerJoinStages() : []),
    ...spec.groupStages(d.keyExpr(timezone), p),
    { $sort: rowOrder(spec, dimension) },
    ...(p.limit ? [{ $limit: p.limit }] : []),
    { $project: { _id: 0, [dimension]: d.labelExpr(), ...spec.project } },
  ];
}

/**
 * One document `{top: [row], bottom: [row]}`: over every group, the row with the highest
 * and the lowest `rankBy`, ties going to the row that comes first in the report's order
 * (as {@link extremes} picks them from the rows).
 */
function leadersPipeline(
  match: Document,
  spec: AggregateSpec & { rankBy: string },
  p: NormalizedParams,
  dimension: Dimension,
  timezone: string,
): Document[] {
  const d = dimensionSpec(dimension);
  const order = rowOrder(spec, dimension);
  delete order[spec.rankBy];
  const by = (dir: 1 | -1) => [{ $sort: { [spec.rankBy]: dir, ...order } }, { $limit: 1 }];
  return [
    { $match: match },
    ...(d.needsCustomer ? customerJoinStages() : []),
    ...spec.groupStages(d.keyExpr(timezone), p),
    { $project: { _id: 1, [dimension]: d.labelExpr(), ...spec.project } },
    { $match: { [spec.rankBy]: { $type: "number" } } },
    { $facet: { top: by(-1), bottom: by(1) } },
  ];
}

/** The leader keys of a grouped summary, from the leaders document or else the rows. */
function leaderSummary(
  rankBy: string,
  dimension: Dimension,
  rows: Document[],
  leaders: Document | null | undefined,
): Summary {
  let top: Document | null, bottom: Document | null;
  if (leaders) {
    const first = (v: unknown) => (Array.isArray(v) && v.length ? v[0] as Document : null);
    const t = first(leaders.top), b = first(leaders.bottom);
    top = t && { key: t[dimension], value: t[rankBy] };
    bottom = b && { key: b[dimension], value: b[rankBy] };
  } else {
    ({ top, bottom } = extremes(rows, dimension, rankBy));
  }
  return {
    ranked_by: rankBy,
    top_key: scalar(top?.key),
    top_value: scalar(top?.value),
    bottom_key: scalar(bottom?.key),
    bottom_value: scalar(bottom?.value),
  };
}

/** Builds the catalog entry described by `spec`. */
export function aggregateEntry(spec: AggregateSpec): ReportDefinition {
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    parameters: paramsSchema(spec.params, { required: spec.required }),
    kind: "aggregate",
    async compile(params, ctx) {
      const p = normalizeParams(params, spec.params);
      const dimension = spec.fixedDimension ?? p.group_by;
      if (spec.required?.includes("group_by") && !dimension) {
        throw new ReportParamError(
          `Report "${spec.name}" needs group_by: one of ${DIMENSIONS.join(", ")}`,
          "group_by",
        );
      }
      const built = await buildFilters(p, ctx, spec.forced);
      const overall = overallPipeline(built.match, spec, p);
      const pipeline = dimension
        ? groupedPipeline(built.match, spec, p, dimension, ctx.tz)
        : overall;
      const subject = spec.subject?.(p) ?? spec.title;
      const compiled = {
        name: spec.name,
        title: titleOf(subject, p, spec),
        collection: CALLS,
        pipeline,
        columns: dimension && !spec.fixedDimension
          ? [dimensionColumn(dimension), ...spec.columns]
          : spec.columns,
        kind: "aggregate" as const,
        filters: built.filters,
        period: built.period,
        asOf: built.asOf,
      };
      const rankBy = dimension && !spec.fixedDimension ? spec.rankBy : undefined;
      return withExtras(compiled, {
        summaryPipeline: dimension ? overall : undefined,
        leadersPipeline: rankBy && dimension
          ? leadersPipeline(built.match, { ...spec, rankBy }, p, dimension, ctx.tz)
          : undefined,
        limited: Boolean(p.limit),
        summarize: (rows, overallDoc, totalRows, leaders) => {
          const summary = spec.summarize({
            rows,
            overall: overallDoc,
            totalRows,
            params: p,
            dimension,
          });
          return rankBy && dimension
            ? { ...summary, ...leaderSummary(rankBy, dimension, rows, leaders) }
            : summary;
        },
      });
    },
  };
}

function titleOf(subject: string, p: NormalizedParams, spec: AggregateSpec): string {
  const shown = { ...p, group_by: spec.fixedDimension ? undefined : p.group_by };
  return reportTitle(subject, shown, {
    showDirection: !spec.forced?.direction && !spec.subject,
    showStatus: !spec.forced?.status && !spec.subject,
  });
}
