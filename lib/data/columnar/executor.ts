/**
 * Runs the head of an aggregation pipeline over a {@link ColumnTable}: the leading
 * `$match` stages become a selection of rows (`filter.ts`), then `$count`, `$group`
 * (`group.ts`) and `$facet` (each sub-pipeline on the same selection) run on the
 * columns. What follows, or a stage the executor does not model, is left to mingo over
 * the (small) intermediate result or over the selected rows, materialised.
 *
 * The results are exactly mingo's: rows are visited in collection order, so groups
 * come out in the order mingo would create them.
 *
 * @module
 */
import type { SortedIndex } from "../memory_store.ts";
import type { Budget } from "../query_budget.ts";
import { compareAt, type KeyColumn, positionComparator } from "../sort_keys.ts";
import type { Document } from "../types.ts";
import type { ColumnTable } from "./column_table.ts";
import { ColumnarUnsupported } from "./expression.ts";
import { compileFilter, type RowTest } from "./filter.ts";
import { CHUNK_ROWS, compileGroup, groupDocs } from "./group.ts";

/** Options of {@link runColumnar}. */
export interface ColumnarOptions {
  budget: Budget;
  /**
   * Rows (ascending) that can match the leading `$match`, e.g. from an index; default
   * all. A function is called only when the selection is not cached.
   */
  candidates?: Int32Array | null | (() => Int32Array | null);
  /** Selections of earlier queries by filter key (the store is read-only), and this key. */
  selections?: { cache: Map<string, Int32Array>; key: string; max: number };
  /** Encoded sort keys of a field (cached by the collection), or null when not encodable. */
  keyColumn?: (field: string) => KeyColumn | null;
  /** A usable ascending index whose first field is `field`, if any. */
  indexOn?: (field: string) => SortedIndex | null;
  /**
   * Ranges of `index`'s positions (ascending, disjoint) holding every row the leading
   * filter can match, from its conditions on the index's first field; null when it has
   * none. A sorted page is then read by walking them, without the whole selection.
   */
  intervalsOn?: (index: SortedIndex) => { lo: number; hi: number }[] | null;
  /** Runs stages over documents with mingo (the engine's operator context and budget). */
  finish: (stages: Document[], docs: Document[]) => Document[];
}

/** What the executor computed (`docs`) and the stages left for mingo (`rest`). */
export interface ColumnarResult {
  docs: Document[];
  rest: Document[];
  /** Whether the executor computed more than the selection (a count, group or facet). */
  aggregated: boolean;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null &&
    (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
}

function stageName(stage: unknown): string | null {
  if (!isPlainObject(stage)) return null;
  const keys = Object.keys(stage);
  return keys.length === 1 ? keys[0] : null;
}

/** The leading `$match` stages of `pipeline` as one filter, and where the rest starts. */
export function leadingFilter(pipeline: Document[]): { filter: Document; next: number } {
  const filters: Document[] = [];
  let i = 0;
  while (i < pipeline.length && stageName(pipeline[i]) === "$match") {
    filters.push(pipeline[i].$match as Document);
    i++;
  }
  const filter = filters.length === 0 ? {} : filters.length === 1 ? filters[0] : { $and: filters };
  return { filter, next: i };
}

/** Rows (ascending) of `candidates` (default: all rows) that pass `test`. */
export async function selectRows(
  table: ColumnTable,
  test: RowTest,
  candidates: Int32Array | null,
  budget: Budget,
): Promise<Int32Array> {
  const total = candidates ? candidates.length : table.size;
  const out = new Int32Array(total);
  let n = 0;
  for (let from = 0; from < total; from += CHUNK_ROWS) {
    budget.check();
    const to = Math.min(total, from + CHUNK_ROWS);
    if (candidates) {
      for (let k = from; k < to; k++) if (test(candidates[k])) out[n++] = candidates[k];
    } else {
      for (let r = from; r < to; r++) if (test(r)) out[n++] = r;
    }
    await budget.pause();
  }
  return n === total ? out : out.slice(0, n);
}

/** The rows the leading filter selects, from the cache of earlier selections when there. */
async function cachedSelection(
  table: ColumnTable,
  test: RowTest,
  opts: ColumnarOptions,
): Promise<Int32Array> {
  const sel = opts.selections;
  const hit = sel?.cache.get(sel.key);
  if (sel && hit) {
    sel.cache.delete(sel.key);
    sel.cache.set(sel.key, hit);
    return hit;
  }
  const c = typeof opts.candidates === "function" ? opts.candidates() : opts.candidates;
  const rows = await selectRows(table, test, c ?? null, opts.budget);
  if (sel) {
    sel.cache.set(sel.key, rows);
    while (sel.cache.size > sel.max) sel.cache.delete(sel.cache.keys().next().value!);
  }
  return rows;
}

/** The documents at `rows`, materialised in chunks under the budget. */
export async function materialise(
  table: ColumnTable,
  rows: Int32Array,
  budget: Budget,
): Promise<Document[]> {
  const out = new Array<Document>(rows.length);
  for (let from = 0; from < rows.length; from += CHUNK_ROWS / 8) {
    budget.check();
    const to = Math.min(rows.length, from + CHUNK_ROWS / 8);
    for (let k = from; k < to; k++) out[k] = table.doc(rows[k]);
    await budget.pause();
  }
  return out;
}

/**
 * Runs the head of `pipeline` on the columns, or returns null when its leading `$match`
 * is outside the compiled vocabulary (or a value turns out not to be modelled): the
 * caller then runs the pipeline as before.
 */
export async function runColumnar(
  table: ColumnTable,
  pipeline: Document[],
  opts: ColumnarOptions,
): Promise<ColumnarResult | null> {
  const { filter, next } = leadingFilter(pipeline);
  const test = compileFilter(table, filter);
  if (!test) return null;
  const distinct = distinctStrings(table, filter, pipeline[next]);
  if (distinct) return { docs: distinct, rest: pipeline.slice(next + 1), aggregated: true };
  try {
    const page = await indexPage(table, test, pipeline.slice(next), opts);
    if (page) return page;
    const rows = await cachedSelection(table, test, opts);
    return await runOnRows(table, rows, pipeline.slice(next), opts);
  } catch (e) {
    if (e instanceof ColumnarUnsupported) return null;
    throw e;
  }
}

/** Runs what it can of `stages` over the selected `rows`. */
async function runOnRows(
  table: ColumnTable,
  rows: Int32Array,
  stages: Document[],
  opts: ColumnarOptions,
): Promise<ColumnarResult> {
  const { budget } = opts;
  const name = stageName(stages[0]);
  const spec = name ? stages[0][name] : undefined;
  if (name === "$match") {
    const test = compileFilter(table, spec);
    if (test) {
      const kept = await selectRows(table, test, rows, budget);
      return runOnRows(table, kept, stages.slice(1), opts);
    }
  } else if ((name === "$skip" || name === "$limit") && isCount(spec)) {
    const kept = name === "$skip"
      ? rows.subarray(Math.min(spec, rows.length))
      : rows.subarray(0, spec);
    return runOnRows(table, kept, stages.slice(1), opts);
  } else if (name === "$count" && typeof spec === "string" && /^[^$.][^.]*$/.test(spec)) {
    return { docs: [{ [spec]: rows.length }], rest: stages.slice(1), aggregated: true };
  } else if (name === "$group") {
    const plan = compileGroup(
      table,
      spec,
      (expr, docs) => opts.finish([{ $project: { _id: 0, k: expr } }], docs).map((d) => d.k),
    );
    if (plan) {
      let docs = await plan.run(rows, budget);
      let next = 1;
      // A second $group over the groups (distinct counts): plain JS, mingo's results.
      while (stageName(stages[next]) === "$group") {
        const again = budget.run(() => groupDocs(docs, stages[next].$group));
        if (!again) break;
        docs = again;
        next++;
      }
      return { docs, rest: stages.slice(next), aggregated: true };
    }
  } else if (name === "$sort" && opts.keyColumn) {
    const sorted = await sortStage(table, rows, stages, opts);
    if (sorted) return sorted;
  } else if (name === "$facet" && isFacet(spec)) {
    const out: Document = {};
    for (const [key, sub] of Object.entries(spec)) {
      const part = await runOnRows(table, rows, sub, opts);
      out[key] = part.rest.length ? opts.finish(part.rest, part.docs) : part.docs;
    }
    return { docs: [out], rest: stages.slice(1), aggregated: true };
  }
  const projection = inclusionProjection(stages[0]);
  if (projection) {
    return {
      docs: await materialiseProjected(table, rows, projection, budget),
      rest: stages.slice(1),
      aggregated: true,
    };
  }
  return { docs: await materialise(table, rows, budget), rest: stages, aggregated: false };
}

/** The fields a top-level inclusion `$project` keeps, in the order mingo writes them. */
interface Projection {
  /** Included fields (`_id` among them when named), sorted as mingo orders its output. */
  fields: string[];
  /** `_id` was not named: mingo adds it last when the document has one. */
  idLast: boolean;
}

/**
 * The plan of a `$project` of plain top-level inclusions (`{a: 1, b: true, _id: 0}`), or
 * null for anything else (computed fields, paths, exclusions, integer-like names). mingo
 * writes the kept fields in code-unit order of their names, missing ones left out, then
 * `_id` when the projection does not name it (checked by the differential tests).
 */
export function inclusionProjection(stage: Document | undefined): Projection | null {
  if (stageName(stage) !== "$project") return null;
  const spec = stage!.$project;
  if (!isPlainObject(spec)) return null;
  const fields: string[] = [];
  let idLast = true;
  for (const [k, v] of Object.entries(spec)) {
    if (k === "" || k.startsWith("$") || k.includes(".") || /^\d+$/.test(k)) return null;
    if (k === "_id") {
      idLast = false;
      if (v === 1 || v === true) fields.push(k);
      else if (v !== 0 && v !== false) return null;
    } else if (v === 1 || v === true) fields.push(k);
    else return null;
  }
  if (fields.length === 0 || (fields.length === 1 && fields[0] === "_id")) return null;
  return { fields: fields.sort(), idLast };
}

/** The projected documents at `rows`, read field by field from the columns. */
async function materialiseProjected(
  table: ColumnTable,
  rows: ArrayLike<number>,
  projection: Projection,
  budget: Budget,
): Promise<Document[]> {
  const columns = projection.fields.map((f) => [f, table.column(f)] as const);
  const id = projection.idLast ? table.column("_id") : undefined;
  const out = new Array<Document>(rows.length);
  for (let from = 0; from < rows.length; from += CHUNK_ROWS / 8) {
    budget.check();
    const to = Math.min(rows.length, from + CHUNK_ROWS / 8);
    for (let k = from; k < to; k++) {
      const row = rows[k];
      const doc: Document = {};
      for (const [f, col] of columns) {
        const v = col?.value(row);
        if (v !== undefined) doc[f] = v;
      }
      const v = id?.value(row);
      if (v !== undefined) doc._id = v;
      out[k] = doc;
    }
    await budget.pause();
  }
  return out;
}

function isFacet(spec: unknown): spec is Record<string, Document[]> {
  return isPlainObject(spec) && Object.keys(spec).length > 0 &&
    Object.values(spec).every((sub) => Array.isArray(sub));
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}

/** A `$sort` the columns can order by, with the `$skip` and `$limit` right after it. */
interface SortPlan {
  /** First sort field, and its direction. */
  field: string;
  dir: 1 | -1;
  compare: (a: number, b: number) => number;
  skip: number;
  limit: number;
  /** Index of the first stage after the plan. */
  next: number;
}

/** The plan of `stages[at]` (a `$sort`) and the paging after it, or null. */
function sortPlan(stages: Document[], at: number, opts: ColumnarOptions): SortPlan | null {
  const spec = stages[at]?.$sort;
  if (stageName(stages[at]) !== "$sort" || !opts.keyColumn) return null;
  if (!isPlainObject(spec) || Object.keys(spec).length === 0) return null;
  const fields = Object.keys(spec);
  const dirs = Object.values(spec) as (1 | -1)[];
  if (dirs.some((d) => d !== 1 && d !== -1)) return null;
  const cols: KeyColumn[] = [];
  for (const f of fields) {
    const col = opts.keyColumn(f);
    if (!col) return null;
    cols.push(col);
  }
  let next = at + 1, skip = 0, limit = Infinity;
  if (stageName(stages[next]) === "$skip" && isCount(stages[next].$skip)) {
    skip = stages[next++].$skip as number;
  }
  if (stageName(stages[next]) === "$limit" && isCount(stages[next].$limit)) {
    limit = stages[next++].$limit as number;
  }
  const compare = positionComparator(cols, dirs);
  return { field: fields[0], dir: dirs[0], compare, skip, limit, next };
}

/** `rows` in the plan's order, after its skip and limit. */
async function orderRows(
  table: ColumnTable,
  rows: Int32Array,
  plan: SortPlan,
  opts: ColumnarOptions,
): Promise<Int32Array> {
  const index = opts.indexOn?.(plan.field) ?? null;
  const need = Math.min(rows.length, plan.skip + plan.limit);
  const order = index
    ? Int32Array.from(
      await indexOrder(
        index,
        rows,
        table.size,
        { need, dir: plan.dir, compare: plan.compare },
        opts,
      ),
    )
    : Int32Array.from(rows).sort(plan.compare);
  return order.subarray(Math.min(plan.skip, order.length), need);
}

/** `[$sort, $skip?, $limit?, …]` on the selection: ordered rows, only the page materialised. */
async function sortStage(
  table: ColumnTable,
  rows: Int32Array,
  stages: Document[],
  opts: ColumnarOptions,
): Promise<ColumnarResult | null> {
  const plan = sortPlan(stages, 0, opts);
  if (!plan) return null;
  return await pageResult(table, await orderRows(table, rows, plan, opts), stages, plan, opts);
}

/**
 * `[$sort, $skip?, $limit, …]` whose first sort field has an index the filter bounds, when
 * the selection is not cached: the index's ranges walked in sort order, each row tested,
 * until the page is full — a page of the newest calls reads about a page of rows, not the
 * month. Null when that does not apply (no limit, no index or bounds, a cached selection).
 */
async function indexPage(
  table: ColumnTable,
  test: RowTest,
  stages: Document[],
  opts: ColumnarOptions,
): Promise<ColumnarResult | null> {
  const plan = sortPlan(stages, 0, opts);
  if (!plan || !Number.isFinite(plan.limit)) return null;
  if (opts.selections?.cache.has(opts.selections.key)) return null;
  const index = opts.indexOn?.(plan.field) ?? null;
  const ranges = index ? opts.intervalsOn?.(index) ?? null : null;
  if (!index || !ranges) return null;
  const need = plan.skip + plan.limit;
  const order = await walkRanges(index, ranges, test, { ...plan, need }, opts);
  const page = Int32Array.from(order).subarray(Math.min(plan.skip, order.length), need);
  return await pageResult(table, page, stages, plan, opts);
}

/**
 * Rows in `ranges` of `index` that pass `test`, in the plan's order: the ranges walked
 * forwards or backwards, each run of equal first keys sorted by `compare`, until `need`.
 */
async function walkRanges(
  index: SortedIndex,
  ranges: { lo: number; hi: number }[],
  test: RowTest,
  how: { need: number; dir: 1 | -1; compare: (a: number, b: number) => number },
  opts: ColumnarOptions,
): Promise<number[]> {
  const positions = index.positions;
  const col = index.columns[0];
  const ordered = how.dir === 1 ? ranges : [...ranges].reverse();
  const out: number[] = [];
  let run: number[] = [];
  let runKey = -1;
  let seen = 0;
  const flush = () => {
    if (run.length > 1) run.sort(how.compare);
    for (const p of run) out.push(p);
    run = [];
  };
  for (const { lo, hi } of ordered) {
    for (let k = 0; k < hi - lo; k++) {
      const p = positions[how.dir === 1 ? lo + k : hi - 1 - k];
      if (runKey < 0 || compareAt(col, runKey, p) !== 0) {
        flush();
        if (out.length >= how.need) return out;
        runKey = p;
      }
      if (test(p)) run.push(p);
      if (++seen % CHUNK_ROWS === 0) {
        opts.budget.check();
        await opts.budget.pause();
      }
    }
  }
  flush();
  return out;
}

/** The result of an ordered page: the page materialised (projected when it can be). */
async function pageResult(
  table: ColumnTable,
  page: Int32Array,
  stages: Document[],
  plan: SortPlan,
  opts: ColumnarOptions,
): Promise<ColumnarResult> {
  const projection = inclusionProjection(stages[plan.next]);
  if (projection) {
    return {
      docs: await materialiseProjected(table, page, projection, opts.budget),
      rest: stages.slice(plan.next + 1),
      aggregated: true,
    };
  }
  return {
    docs: await materialise(table, page, opts.budget),
    rest: stages.slice(plan.next),
    aggregated: true,
  };
}

/**
 * The selected rows in sort order, walking an index on the first sort field (forwards or
 * backwards) and sorting each run of equal first keys by `compare`, until `need` rows.
 */
async function indexOrder(
  index: SortedIndex,
  rows: Int32Array,
  size: number,
  how: { need: number; dir: 1 | -1; compare: (a: number, b: number) => number },
  opts: ColumnarOptions,
): Promise<number[]> {
  const marks = new Uint8Array(size);
  for (let k = 0; k < rows.length; k++) marks[rows[k]] = 1;
  const positions = index.positions;
  const col = index.columns[0];
  const out: number[] = [];
  const n = positions.length;
  let e = how.dir === 1 ? 0 : n - 1;
  let handled = 0;
  while (out.length < how.need && e >= 0 && e < n) {
    const start = e;
    const run: number[] = [];
    while (e >= 0 && e < n && compareAt(col, positions[start], positions[e]) === 0) {
      if (marks[positions[e]]) run.push(positions[e]);
      e += how.dir;
    }
    if (run.length > 1) run.sort(how.compare);
    for (const p of run) out.push(p);
    handled += Math.abs(e - start);
    if (handled >= CHUNK_ROWS) {
      handled = 0;
      opts.budget.check();
      await opts.budget.pause();
    }
  }
  return out;
}

/**
 * `[{$match: {f: {$type: "string"}}}, {$group: {_id: "$f"}}]` over a whole dictionary
 * column: the dictionary itself, whose codes are given in order of first appearance,
 * which is the order mingo creates the groups in. Null for any other shape.
 */
function distinctStrings(table: ColumnTable, filter: Document, stage: unknown): Document[] | null {
  const keys = Object.keys(filter);
  if (keys.length !== 1 || stageName(stage) !== "$group") return null;
  const field = keys[0];
  const cond = filter[field];
  if (!isPlainObject(cond) || Object.keys(cond).length !== 1 || cond.$type !== "string") {
    return null;
  }
  const group = (stage as Document).$group;
  if (!isPlainObject(group) || Object.keys(group).length !== 1 || group._id !== `$${field}`) {
    return null;
  }
  const col = table.column(field);
  if (!col) return [];
  if (!col.scalar || col.raw) return null;
  return col.dict.map((s) => ({ _id: s }));
}

/** Stages that turn each document into exactly one document, keeping the order. */
const PER_DOCUMENT = new Set(["$project", "$addFields", "$set", "$unset"]);

/** A listing in sort order: every selected row, ordered once, and the stages per row. */
export interface OrderedListing {
  /** Row positions in the listing's order (after its `$skip` and `$limit`). */
  rows: Int32Array;
  /** Per-document stages to run on each slice of rows. */
  rest: Document[];
}

/**
 * `[$match?, $sort, $skip?, $limit?, per-document stages…]` on the columns: the selected
 * rows in sort order, computed once and not materialised, so a reader can turn them into
 * documents slice by slice ({@link listingSlice}). Null for any other shape or a filter
 * the columns do not serve.
 */
export async function orderListing(
  table: ColumnTable,
  pipeline: Document[],
  opts: ColumnarOptions,
): Promise<OrderedListing | null> {
  const { filter, next } = leadingFilter(pipeline);
  const test = compileFilter(table, filter);
  const plan = sortPlan(pipeline, next, opts);
  if (!test || !plan) return null;
  const rest = pipeline.slice(plan.next);
  if (!rest.every((s) => PER_DOCUMENT.has(stageName(s) ?? ""))) return null;
  try {
    const rows = await cachedSelection(table, test, opts);
    return { rows: await orderRows(table, rows, plan, opts), rest };
  } catch (e) {
    if (e instanceof ColumnarUnsupported) return null;
    throw e;
  }
}

/** The documents of `rows` (a slice of an {@link OrderedListing}) through its stages. */
export async function listingSlice(
  table: ColumnTable,
  rows: Int32Array,
  rest: Document[],
  opts: Pick<ColumnarOptions, "budget" | "finish">,
): Promise<Document[]> {
  const projection = inclusionProjection(rest[0]);
  const docs = projection
    ? await materialiseProjected(table, rows, projection, opts.budget)
    : await materialise(table, rows, opts.budget);
  const stages = projection ? rest.slice(1) : rest;
  return stages.length ? opts.finish(stages, docs) : docs;
}
