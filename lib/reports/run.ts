/**
 * Running catalog reports for the chat and the CLI: compile, query through the data
 * client, and return bounded rows with headline figures. Also the text form of values.
 *
 * Row values: numbers are numbers, strings strings, missing values null, and datetime
 * columns hold `Date` objects (they serialise to ISO instants in JSON; `renderValue`
 * shows them in the business zone).
 */
import type { Document } from "../data/types.ts";
import { readAll } from "../data/read_all.ts";
import { formatLocal, localDateString } from "../time/zone.ts";
import { requireReport } from "./catalog.ts";
import { extrasOf, type Summary } from "./compiled.ts";
import { MAX_LIMIT } from "./params.ts";
import type { Column, CompiledReport, ReportContext, ReportParams, ReportResult } from "./types.ts";

/** Options of `runReport`. */
export interface RunReportOptions {
  /** Rows of a listing to preview (default 10). */
  previewRows?: number;
  /** Most rows of an aggregate to keep (default and at most 1,000). */
  maxRows?: number;
}

/** A document as an array of values in `columns` order (missing → null). */
export function rowValues(doc: Document, columns: Column[]): unknown[] {
  return columns.map((c) => doc[c.key] ?? null);
}

/**
 * Compiles and runs catalog entry `name`. Listings return a preview (`previewRows`) and
 * the full count; aggregates return all rows up to 1,000 (more are counted in
 * `total_rows`). Throws a ReportParamError for an unknown name or bad parameters.
 */
export async function runReport(
  name: string,
  params: ReportParams,
  ctx: ReportContext,
  opts: RunReportOptions = {},
): Promise<ReportResult> {
  const compiled = await requireReport(name).compile(params, ctx);
  return await runCompiled(compiled, ctx, opts);
}

/** Runs an already compiled report (see `runReport`). */
export async function runCompiled(
  compiled: CompiledReport,
  ctx: ReportContext,
  opts: RunReportOptions = {},
): Promise<ReportResult> {
  const extras = extrasOf(compiled);
  const callOpts = { signal: ctx.signal };
  let docs: Document[] = [];
  let total = 0;
  let overall: Document | null = null;
  let leaders: Document | null = null;
  if (compiled.kind === "listing") {
    const preview = Math.max(0, Math.min(opts.previewRows ?? 10, MAX_LIMIT));
    const countPipeline = extras?.countPipeline ?? [...compiled.pipeline, { $count: "n" }];
    const [counted, first] = await Promise.all([
      ctx.client.aggregate(compiled.collection, countPipeline, callOpts),
      preview > 0
        ? ctx.client.aggregate(compiled.collection, withLimit(compiled.pipeline, preview), callOpts)
        : Promise.resolve({ documents: [] as Document[] }),
    ]);
    total = Number(counted.documents[0]?.n ?? 0);
    docs = first.documents.slice(0, preview);
  } else {
    const max = Math.max(1, Math.min(opts.maxRows ?? MAX_LIMIT, MAX_LIMIT));
    for await (
      const doc of readAll(ctx.client, {
        collection: compiled.collection,
        pipeline: compiled.pipeline,
        signal: ctx.signal,
      })
    ) {
      total++;
      if (docs.length < max) docs.push(doc);
    }
    const partial = Boolean(extras?.limited) || total > docs.length;
    const [summaryRes, leadersRes] = await Promise.all([
      extras?.summaryPipeline
        ? ctx.client.aggregate(compiled.collection, extras.summaryPipeline, callOpts)
        : undefined,
      extras?.leadersPipeline && partial
        ? ctx.client.aggregate(compiled.collection, extras.leadersPipeline, callOpts)
        : undefined,
    ]);
    if (summaryRes) overall = summaryRes.documents[0] ?? null;
    else if (!extras?.summaryPipeline && docs.length === 1) overall = docs[0];
    leaders = leadersRes ? leadersRes.documents[0] ?? null : null;
  }
  const summary: Summary = extras
    ? extras.summarize(docs, overall, total, leaders)
    : { rows: total };
  return {
    ...compiled,
    rows: docs.map((d) => rowValues(d, compiled.columns)),
    total_rows: total,
    summary,
  };
}

const ONE_TO_ONE = new Set(["$project", "$addFields", "$set", "$unset", "$lookup"]);

/**
 * `pipeline` limited to its first `n` documents. The `$limit` goes right after the last
 * `$sort` when only one-in-one-out stages follow it, so that an index on the sort keys
 * serves the page (as MongoDB's optimiser would reorder it).
 */
export function withLimit(pipeline: Document[], n: number): Document[] {
  const names = pipeline.map((s) => Object.keys(s)[0]);
  const sortAt = names.lastIndexOf("$sort");
  if (sortAt >= 0 && names.slice(sortAt + 1).every((name) => ONE_TO_ONE.has(name))) {
    return [...pipeline.slice(0, sortAt + 1), { $limit: n }, ...pipeline.slice(sortAt + 1)];
  }
  return [...pipeline, { $limit: n }];
}

/** Seconds in words: `45s`, `13.82s`, `4m 25s`, `2h 03m 10s`. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const sign = seconds < 0 ? "-" : "";
  const s = Math.abs(seconds);
  if (s < 60) return `${sign}${Number(s.toFixed(2))}s`;
  const whole = Math.round(s);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const sec = whole % 60;
  return h > 0 ? `${sign}${h}h ${String(m).padStart(2, "0")}m ${sec}s` : `${sign}${m}m ${sec}s`;
}

const integerFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const numberFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/**
 * A value as text for a person: seconds → "4m 25s", percent → "9.90%", datetime → local
 * "2026-11-24 14:05" in `tz`, date → "2026-11-24", counts with thousands separators,
 * missing → "—".
 */
export function renderValue(value: unknown, column: Column, tz: string): string {
  if (value === null || value === undefined || value === "") return "—";
  switch (column.type) {
    case "datetime":
    case "date": {
      const d = value instanceof Date ? value : new Date(String(value));
      if (Number.isNaN(d.getTime())) return String(value);
      return column.type === "date" ? localDateString(d, tz) : formatLocal(d, tz);
    }
    case "seconds":
      return typeof value === "number" ? formatSeconds(value) : String(value);
    case "percent":
      return typeof value === "number" ? `${value.toFixed(2)}%` : String(value);
    case "integer":
      return typeof value === "number" ? integerFormat.format(value) : String(value);
    case "number":
      return typeof value === "number" ? numberFormat.format(value) : String(value);
    default:
      return String(value);
  }
}
