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
import type { Budget } from "../query_budget.ts";
import type { Document } from "../types.ts";
import type { ColumnTable } from "./column_table.ts";
import { ColumnarUnsupported } from "./expression.ts";
import { compileFilter, type RowTest } from "./filter.ts";
import { CHUNK_ROWS, compileGroup } from "./group.ts";

/** Options of {@link runColumnar}. */
export interface ColumnarOptions {
  budget: Budget;
  /** Rows (ascending) that can match the leading `$match`, e.g. from an index; default all. */
  candidates?: Int32Array | null;
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
  try {
    const rows = await selectRows(table, test, opts.candidates ?? null, opts.budget);
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
  } else if (name === "$count" && typeof spec === "string" && /^[^$.][^.]*$/.test(spec)) {
    return { docs: [{ [spec]: rows.length }], rest: stages.slice(1), aggregated: true };
  } else if (name === "$group") {
    const plan = compileGroup(table, spec);
    if (plan) {
      return { docs: await plan.run(rows, budget), rest: stages.slice(1), aggregated: true };
    }
  } else if (name === "$facet" && isFacet(spec)) {
    const out: Document = {};
    for (const [key, sub] of Object.entries(spec)) {
      const part = await runOnRows(table, rows, sub, opts);
      out[key] = part.rest.length ? opts.finish(part.rest, part.docs) : part.docs;
    }
    return { docs: [out], rest: stages.slice(1), aggregated: true };
  }
  return { docs: await materialise(table, rows, budget), rest: stages, aggregated: false };
}

function isFacet(spec: unknown): spec is Record<string, Document[]> {
  return isPlainObject(spec) && Object.keys(spec).length > 0 &&
    Object.values(spec).every((sub) => Array.isArray(sub));
}
