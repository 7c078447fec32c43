/**
 * How a report result is shown to the user: the metric asked is the metric shown. Its
 * column comes right after the name, the rows are sorted by it (time series stay in time
 * order unless another order is asked for), and the chart draws it. Rows whose period is
 * not over yet (today so far) are marked.
 *
 * Pure functions over a result: the table and chart events, the saved table query and
 * the CLI all read the same presentation.
 */
import type { Column, ResolvedPeriod } from "../reports/types.ts";
import { localDate, localDateString, localParts, startOfDay, weekdayOf } from "../time/zone.ts";

/** Column types shown as numbers. */
export const NUMERIC_TYPES: ReadonlySet<string> = new Set([
  "integer",
  "number",
  "percent",
  "seconds",
]);

/** Groupings whose rows are periods of time, kept in time order by default. */
export const TIME_DIMENSIONS: ReadonlySet<string> = new Set(["day", "hour", "weekday"]);

/** The headline column of each catalog entry: what it measures. */
export const MAIN_COLUMN: Readonly<Record<string, string>> = {
  call_count: "calls",
  call_breakdown: "calls",
  talk_time: "total_talk_seconds",
  duration_stats: "avg_duration_seconds",
  speed_of_answer: "asa_seconds",
  service_level: "service_level_pct",
  answer_rate: "answer_rate_pct",
  abandonment_rate: "abandonment_rate_pct",
  handle_time: "aht_seconds",
  unique_customers: "unique_customers",
  agent_performance: "calls_handled",
  top_customers: "calls",
};

/** An order asked for: a column key and a direction. */
export interface SortRequest {
  key: string;
  order: "asc" | "desc";
}

/** What a result is, for presenting it. */
export interface PresentInput {
  /** Catalog entry ("" for custom results). */
  name: string;
  kind: "listing" | "aggregate";
  columns: Column[];
  rows: unknown[][];
  total_rows: number;
  period?: ResolvedPeriod;
}

/** Options of {@link presentResult}. */
export interface PresentOptions {
  /** The dimension rows are grouped by (`params.group_by`). */
  groupBy?: string;
  /** An order asked for (run_report's `sort_by` / `sort_order`). */
  sort?: SortRequest | null;
  /** The clock of the run: what is not over at `now` is partial. */
  now: Date;
  /** IANA business zone. */
  tz: string;
}

/** A result as shown. */
export interface Presentation {
  /** Columns in the order shown. */
  columns: Column[];
  /** `order[i]` is the result's column shown at position i. */
  order: number[];
  /** Rows in the order shown, cells in the order of `columns`. */
  rows: unknown[][];
  /** Rows in chart order (time order for time series), cells in the order of `columns`. */
  chartRows: unknown[][];
  /** Index (in `columns`) of the metric asked: shown second, charted. */
  focus: number;
  /** How `rows` are ordered, when known. */
  sort?: { column: number; order: "asc" | "desc" };
  /** True when the rows were put in another order than the result's own. */
  resorted: boolean;
  /** Indices of `rows` whose period is not over at `now`. */
  partial_rows: number[];
  /** Indices of `chartRows` whose period is not over at `now`. */
  partial_chart_rows: number[];
  /** The whole period is still running at `now` (today, this week, last 7 days…). */
  so_far: boolean;
}

/** True for columns shown as numbers. */
export function isNumericColumn(c: Pick<Column, "type">): boolean {
  return NUMERIC_TYPES.has(c.type);
}

/**
 * Reads run_report's `sort_by` and `sort_order` arguments: null when absent, else the
 * column and direction (descending unless "asc"). Throws when `sort_by` names no column.
 */
export function readSortArgs(
  sortBy: unknown,
  sortOrder: unknown,
  columns: Pick<Column, "key">[],
): SortRequest | null {
  if (sortBy === undefined || sortBy === null || sortBy === "") return null;
  if (typeof sortBy !== "string") throw new Error("Invalid sort_by: pass a column key");
  const key = sortBy.trim();
  if (!columns.some((c) => c.key === key)) {
    throw new Error(
      `Cannot sort by "${key}": the report's columns are ${columns.map((c) => c.key).join(", ")}`,
    );
  }
  let order: "asc" | "desc" = "desc";
  if (sortOrder !== undefined && sortOrder !== null && sortOrder !== "") {
    const o = String(sortOrder).trim().toLowerCase();
    if (o === "asc" || o === "ascending" || o === "min") order = "asc";
    else if (o !== "desc" && o !== "descending" && o !== "max") {
      throw new Error(`Invalid sort_order "${sortOrder}": use "desc" or "asc"`);
    }
  }
  return { key, order };
}

/** Number of leading label columns (names, dates…): everything before the first number. */
export function labelCount(columns: Pick<Column, "type">[]): number {
  const i = columns.findIndex(isNumericColumn);
  return i < 0 ? columns.length : i;
}

/**
 * The column of the metric asked: the sort asked for when it is numeric, else the entry's
 * headline column, else the first percentage, else the first number. -1 when none.
 */
export function focusIndex(
  name: string,
  columns: Pick<Column, "key" | "type">[],
  sort?: SortRequest | null,
): number {
  if (sort) {
    const i = columns.findIndex((c) => c.key === sort.key);
    if (i >= 0 && isNumericColumn(columns[i])) return i;
  }
  const main = MAIN_COLUMN[name];
  if (main) {
    const i = columns.findIndex((c) => c.key === main);
    if (i >= 0) return i;
  }
  const pct = columns.findIndex((c) => c.type === "percent");
  if (pct >= 0) return pct;
  return columns.findIndex(isNumericColumn);
}

/**
 * Compares two cells for sorting: numbers by value, text case-insensitively with numbers
 * inside read as numbers; missing values (null, "") always last.
 */
export function compareCells(a: unknown, b: unknown, order: "asc" | "desc" = "asc"): number {
  const am = a === null || a === undefined || a === "";
  const bm = b === null || b === undefined || b === "";
  if (am || bm) return am && bm ? 0 : am ? 1 : -1;
  let c: number;
  if (typeof a === "number" && typeof b === "number") c = a - b;
  else c = TEXT.compare(String(a), String(b));
  return order === "asc" ? c : -c;
}

const TEXT = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** `rows` sorted by column `index` (stable; missing values last in either direction). */
export function sortRows(rows: unknown[][], index: number, order: "asc" | "desc"): unknown[][] {
  return rows
    .map((row, i) => ({ row, i }))
    .sort((x, y) => compareCells(x.row[index], y.row[index], order) || x.i - y.i)
    .map((x) => x.row);
}

/** True when a result holds every row (a listing's preview or a cut aggregate does not). */
function complete(r: PresentInput): boolean {
  return r.rows.length >= r.total_rows;
}

/** Presents a result: column order, row order, and what is not over yet. */
export function presentResult(result: PresentInput, opts: PresentOptions): Presentation {
  const cols = result.columns;
  const listing = result.kind === "listing";
  const focus = listing ? -1 : focusIndex(result.name, cols, opts.sort);
  const labels = labelCount(cols);
  const order = cols.map((_, i) => i);
  if (focus > labels) {
    order.splice(focus, 1);
    order.splice(labels, 0, focus);
  }
  const shownColumns = order.map((i) => cols[i]);
  const reorder = (row: unknown[]): unknown[] => order.map((i) => row[i] ?? null);
  const timeSeries = Boolean(opts.groupBy && TIME_DIMENSIONS.has(opts.groupBy));
  const rows = result.rows.map(reorder);
  const chartRows = rows;
  let shown = rows;
  let sort: Presentation["sort"];
  let resorted = false;
  const sortKey = opts.sort?.key ?? null;
  const sortAt = sortKey ? shownColumns.findIndex((c) => c.key === sortKey) : -1;
  if (sortAt >= 0 && complete(result)) {
    shown = sortRows(rows, sortAt, opts.sort!.order);
    sort = { column: sortAt, order: opts.sort!.order };
    resorted = true;
  } else if (sortAt >= 0) {
    // The rows were read in this order already (a listing page, a cut aggregate).
    sort = { column: sortAt, order: opts.sort!.order };
  } else if (timeSeries) {
    sort = { column: 0, order: "asc" };
  } else if (!listing && focus >= 0 && complete(result) && rows.length > 1) {
    const at = order.indexOf(focus);
    shown = sortRows(rows, at, "desc");
    sort = { column: at, order: "desc" };
    resorted = shown.some((r, i) => r !== rows[i]);
  } else if (listing) {
    const start = shownColumns.findIndex((c) => c.key === "start_time");
    if (start >= 0 && result.name === "call_list") sort = { column: start, order: "asc" };
  }
  const partialOf = partialRowTest(result, opts, shownColumns);
  const marks = (list: unknown[][]) =>
    partialOf ? list.flatMap((r, i) => (partialOf(r) ? [i] : [])) : [];
  return {
    columns: shownColumns,
    order,
    rows: shown,
    chartRows: timeSeries ? chartRows : shown,
    focus: focus < 0 ? -1 : order.indexOf(focus),
    sort,
    resorted,
    partial_rows: marks(shown),
    partial_chart_rows: marks(timeSeries ? chartRows : shown),
    so_far: isRunning(result.period, opts),
  };
}

/**
 * True when `period` is still running at `now`: it was cut at `now` (today, this week,
 * last 7 days…) and `now` is not a local midnight (then nothing of today is in it).
 */
export function isRunning(period: ResolvedPeriod | undefined, opts: PresentOptions): boolean {
  if (!period) return false;
  const now = opts.now.getTime();
  return period.end.getTime() >= now && period.start.getTime() < now && !atMidnight(opts);
}

function atMidnight(opts: PresentOptions): boolean {
  return startOfDay(localDate(opts.now, opts.tz), opts.tz).getTime() === opts.now.getTime();
}

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const DAY_MS = 86_400_000;

/**
 * The test that says whether a shown row covers time not over at `now`, or null when no
 * row can: a local day that is today; an hour of day that is the current hour when the
 * period is one local day; a weekday that is today when the period is at most a week.
 */
function partialRowTest(
  result: PresentInput,
  opts: PresentOptions,
  columns: Column[],
): ((row: unknown[]) => boolean) | null {
  const dim = opts.groupBy;
  if (!dim || !TIME_DIMENSIONS.has(dim) || result.kind !== "aggregate") return null;
  const at = columns.findIndex((c) => c.key === dim);
  if (at < 0 || atMidnight(opts)) return null;
  const now = opts.now;
  const end = result.period && result.period.end.getTime() < now.getTime()
    ? result.period.end
    : now;
  if (end.getTime() < now.getTime()) return null;
  const today = localDateString(now, opts.tz);
  if (dim === "day") return (row) => row[at] === today;
  const start = result.period?.start;
  if (!start) return null;
  if (dim === "hour") {
    if (localDateString(start, opts.tz) !== today) return null;
    const p = localParts(now, opts.tz);
    if (p.minute === 0 && p.second === 0) return null;
    const prefix = `${String(p.hour).padStart(2, "0")}:00`;
    return (row) => typeof row[at] === "string" && (row[at] as string).startsWith(prefix);
  }
  if (now.getTime() - start.getTime() > 7 * DAY_MS) return null;
  const weekday = WEEKDAYS[weekdayOf(localDate(now, opts.tz)) - 1];
  return (row) => row[at] === weekday;
}
