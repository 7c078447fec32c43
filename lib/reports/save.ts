/**
 * Saving reports: a report is its query (pipeline, columns, as-of instant), not its rows.
 */
import { EJSON } from "bson";
import { reportFileName } from "./excel.ts";
import type { CompiledReport, ReportMeta, ReportParams, ReportRepository } from "./types.ts";

/** A random report id: `r_` and 128 random bits in base64url (22 characters). */
export function newReportId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return `r_${btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

/** Options of `saveReportFromCompiled`. */
export interface SaveReportOptions {
  /** The owning user's id. */
  owner: string;
  repo: ReportRepository;
  /** Number of data rows the report has (`ReportResult.total_rows`). */
  rows: number;
  /** Catalog parameters, when it came from the catalog. */
  params?: ReportParams | null;
  /** IANA business zone the report is read in. */
  tz: string;
  /** When it was saved (default: the real clock). */
  createdAt?: Date;
}

/** Builds the metadata of a compiled report (nothing is stored). */
export function reportMetaFromCompiled(
  compiled: CompiledReport,
  opts: Omit<SaveReportOptions, "repo">,
): ReportMeta {
  return {
    id: newReportId(),
    owner: opts.owner,
    title: compiled.title,
    name: compiled.name || null,
    params: opts.params ?? null,
    collection: compiled.collection,
    pipeline_ejson: EJSON.stringify(compiled.pipeline, { relaxed: true }),
    columns: compiled.columns.map((c) => ({ ...c })),
    filters: [...compiled.filters],
    period_label: compiled.period?.label ?? null,
    tz: opts.tz,
    as_of: compiled.asOf.toISOString(),
    rows: opts.rows,
    file_name: reportFileName(compiled.title, {
      tz: opts.tz,
      asOf: compiled.asOf,
      period: compiled.period ?? null,
    }),
    created_at: (opts.createdAt ?? new Date()).toISOString(),
  };
}

/** Saves a compiled report's metadata in `repo` and returns it. */
export async function saveReportFromCompiled(
  compiled: CompiledReport,
  opts: SaveReportOptions,
): Promise<ReportMeta> {
  const meta = reportMetaFromCompiled(compiled, opts);
  await opts.repo.saveReport(meta);
  return meta;
}
