/**
 * Excel reports, streamed: exceljs's streaming workbook writer turns an async sequence of
 * rows into an `.xlsx` written straight to a Node `Writable` (a file, an HTTP response)
 * or a web `WritableStream`, committing each row as it goes, so memory stays flat at any
 * row count and nothing touches the disk unless the sink is a file.
 *
 * The first sheet holds one header row and one row per record; a "Summary" sheet
 * follows (title, filters, period, as-of instant, zone, row count, totals).
 *
 * Cell conventions:
 * - datetimes are real Excel dates showing the wall-clock time in the business zone
 *   (Excel has no zones: the instant is shifted by the zone's offset at that instant);
 * - seconds stay the raw number of seconds (format `#,##0" s"`), percents the number
 *   0–100 (format `0.00"%"`), counts plain numbers;
 * - strings beginning with `=`, `+`, `-`, `@`, tab or carriage return get a leading `'`
 *   (OWASP formula-injection rule), so `+9198…` phone numbers read `'+9198…`; real
 *   numbers stay numbers.
 */
import ExcelJS from "exceljs";
import { EJSON } from "bson";
import { once } from "node:events";
import { Writable } from "node:stream";
import { type DataClient, type Document } from "../data/types.ts";
import { readAll } from "../data/read_all.ts";
import { localDateString, zoneOffsetMs } from "../time/zone.ts";
import type { Column, ReportMeta } from "./types.ts";

/** What the workbook says about its rows. */
export interface XlsxReportInfo {
  title: string;
  columns: Column[];
  filters: string[];
  /** Catalog entry, when the report came from the catalog. */
  name?: string | null;
  /** "today (24 Nov 2026)"; null or missing = all data. */
  periodLabel?: string | null;
  /** The period's bounds, when known. */
  period?: { start: Date; end: Date } | null;
  /** The instant bounding the rows. */
  asOf: Date;
  /** Headline figures, when known (`ReportResult.summary`). */
  summary?: Record<string, number | string | null> | null;
}

/** Progress of a write. */
export interface XlsxProgress {
  rows: number;
  elapsedMs: number;
}

/** Options of `writeReportXlsx`. */
export interface WriteXlsxOptions {
  /** IANA business time zone for dates. */
  tz: string;
  /** Called every `progressEvery` rows and once at the end. */
  onProgress?: (p: XlsxProgress) => void;
  /** Rows between progress calls (default 10,000). */
  progressEvery?: number;
  signal?: AbortSignal;
}

/** Where the file goes. */
export type XlsxSink = Writable | WritableStream<Uint8Array>;

const FORMULA_START = /^[=+\-@\t\r]/;
const BATCH = 1000;

/** A string made safe for a spreadsheet cell (formula-injection escaping). */
export function escapeCellText(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/**
 * A safe ASCII file name: the title in snake case and the as-of local date,
 * e.g. `incoming_calls_2026-11-24.xlsx`.
 */
export function reportFileName(title: string, asOf: Date, tz: string): string {
  const slug = title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 60).replace(/_+$/, "");
  return `${slug || "report"}_${localDateString(asOf, tz)}.xlsx`;
}

const QUARTER_HOUR = 900_000;

/** Zone offsets cached per quarter hour (zones change offset on such boundaries). */
function offsetCache(tz: string): (d: Date) => number {
  const cache = new Map<number, number>();
  return (d) => {
    const bucket = Math.floor(d.getTime() / QUARTER_HOUR);
    let off = cache.get(bucket);
    if (off === undefined) {
      if (cache.size > 100_000) cache.clear();
      off = zoneOffsetMs(d, tz);
      cache.set(bucket, off);
    }
    return off;
  };
}

function numFmt(c: Column): string | undefined {
  switch (c.type) {
    case "datetime":
      return "yyyy-mm-dd hh:mm:ss";
    case "date":
      return "yyyy-mm-dd";
    case "seconds":
      return /^(avg_|aht|asa)/.test(c.key) ? '#,##0.00" s"' : '#,##0" s"';
    case "percent":
      return '0.00"%"';
    case "integer":
      return "#,##0";
    case "number":
      return "#,##0.##";
    default:
      return undefined;
  }
}

function widthOf(c: Column): number {
  const byType: Partial<Record<Column["type"], number>> = {
    datetime: 20,
    date: 12,
    seconds: 14,
    percent: 12,
    integer: 11,
    number: 12,
  };
  const byKey: Record<string, number> = {
    call_id: 20,
    customer_number: 17,
    customer_name: 24,
    customer_id: 13,
    hour: 13,
  };
  const base = byKey[c.key] ?? byType[c.type] ?? 14;
  return Math.min(40, Math.max(base, c.label.length + 3));
}

/** Columns whose sum means something (counts and total durations, not averages). */
function isAdditive(c: Column): boolean {
  return (c.type === "integer" || c.type === "seconds") &&
    !/^(avg_|min_|max_|aht|asa|unique_)/.test(c.key);
}

function toDate(v: unknown): Date | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  if (typeof v === "string" || typeof v === "number") {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v;
  if (typeof v === "string") return escapeCellText(v);
  if (v instanceof Date) return v;
  const bsonType = (v as { _bsontype?: unknown })._bsontype;
  if (bsonType === "ObjectId") return String(v);
  if (
    bsonType === "Long" || bsonType === "Int32" || bsonType === "Double" ||
    bsonType === "Decimal128"
  ) {
    const n = Number(String(v));
    return Number.isFinite(n) ? n : String(v);
  }
  return escapeCellText(EJSON.stringify(v as Document, { relaxed: true }));
}

/** Converts one value for its column. Local wall-clock dates need `localize`. */
function cellValue(v: unknown, c: Column, localize: (d: Date) => Date): unknown {
  if (v === null || v === undefined) return null;
  if (c.type === "datetime" || c.type === "date") {
    const d = toDate(v);
    return d ? localize(d) : plain(v);
  }
  return plain(v);
}

function sheetName(title: string): string {
  const name = title.replace(/[[\]:*?/\\]/g, " ").replace(/\s+/g, " ").trim().slice(0, 31).trim();
  return !name || name.toLowerCase() === "summary" ? "Report" : name;
}

function adaptWebSink(ws: WritableStream<Uint8Array>): Writable {
  const writer = ws.getWriter();
  return new Writable({
    write(chunk: Uint8Array, _enc, cb) {
      writer.write(new Uint8Array(chunk)).then(() => cb(), cb);
    },
    final(cb) {
      writer.close().then(() => cb(), cb);
    },
    destroy(err, cb) {
      if (err) writer.abort(err).catch(() => {});
      cb(err);
    },
  });
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new DOMException("The export was cancelled", "AbortError");
}

/** Lets the zip and the sink catch up: waits for `drain` when the sink's buffer is full. */
async function backpressure(out: Writable): Promise<void> {
  await new Promise((r) => setTimeout(r, 0));
  if (out.writableLength >= out.writableHighWaterMark && !out.destroyed) {
    await once(out, "drain");
  }
}

/**
 * Writes an `.xlsx` of `rows` (documents keyed by column key, or arrays in column order)
 * to `sink`, then ends the sink. Resolves with the number of data rows written once the
 * file is complete. On error or abort the sink is destroyed (a file is left incomplete).
 */
export async function writeReportXlsx(
  info: XlsxReportInfo,
  rows: AsyncIterable<Document | unknown[]> | Iterable<Document | unknown[]>,
  sink: XlsxSink,
  opts: WriteXlsxOptions,
): Promise<{ rows: number }> {
  const out = sink instanceof WritableStream ? adaptWebSink(sink) : sink;
  const started = Date.now();
  const every = opts.progressEvery ?? 10_000;
  const localizeOffset = offsetCache(opts.tz);
  const localize = (d: Date) => new Date(d.getTime() + localizeOffset(d));
  const columns = info.columns;
  const totals = new Map<string, number>();
  for (const c of columns) if (isAdditive(c)) totals.set(c.key, 0);
  let count = 0;
  try {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useStyles: true,
      useSharedStrings: false,
    });
    const ws = wb.addWorksheet(sheetName(info.title), {
      views: [{ state: "frozen", ySplit: 1 }],
    });
    ws.columns = columns.map((c) => {
      const fmt = numFmt(c);
      return { header: c.label, key: c.key, width: widthOf(c), style: fmt ? { numFmt: fmt } : {} };
    });
    const header = ws.getRow(1);
    header.font = { bold: true };
    header.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE8EEF4" } };
    header.numFmt = "@";
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
    header.commit();

    for await (const r of rows) {
      if (opts.signal?.aborted) throw abortError(opts.signal);
      const values = new Array(columns.length);
      for (let i = 0; i < columns.length; i++) {
        const c = columns[i];
        const raw = Array.isArray(r) ? r[i] : (r as Document)[c.key];
        values[i] = cellValue(raw, c, localize);
        const t = totals.get(c.key);
        if (t !== undefined && typeof raw === "number") totals.set(c.key, t + raw);
      }
      ws.addRow(values).commit();
      count++;
      if (count % BATCH === 0) await backpressure(out);
      if (opts.onProgress && count % every === 0) {
        opts.onProgress({ rows: count, elapsedMs: Date.now() - started });
      }
    }
    ws.commit();
    writeSummarySheet(wb, info, { rows: count, totals, tz: opts.tz, localize });
    await wb.commit();
    if (!out.writableFinished) await once(out, "finish");
  } catch (e) {
    // The zip may still write into the sink: swallow its late errors, the caller gets `e`.
    out.on("error", () => {});
    out.destroy(e instanceof Error ? e : new Error(String(e)));
    throw e;
  }
  opts.onProgress?.({ rows: count, elapsedMs: Date.now() - started });
  return { rows: count };
}

function writeSummarySheet(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  info: XlsxReportInfo,
  facts: { rows: number; totals: Map<string, number>; tz: string; localize: (d: Date) => Date },
): void {
  const ws = wb.addWorksheet("Summary");
  ws.columns = [{ key: "k", width: 30 }, { key: "v", width: 60 }];
  const add = (label: string, value: unknown, fmt?: string, bold = false) => {
    const row = ws.addRow([escapeCellText(label), value === undefined ? null : value]);
    if (fmt) row.getCell(2).numFmt = fmt;
    if (bold) row.font = { bold: true };
    row.getCell(2).alignment = { horizontal: "left" };
    row.commit();
  };
  const text = (v: string) => escapeCellText(v);
  const dateFmt = "yyyy-mm-dd hh:mm:ss";
  add("Report", text(info.title), undefined, true);
  if (info.name) add("Catalog entry", text(info.name));
  if (info.filters.length) {
    info.filters.forEach((f, i) => add(i === 0 ? "Filters" : "", text(f)));
  } else {
    add("Filters", "none");
  }
  add("Period", text(info.periodLabel ?? "all data"));
  if (info.period) {
    add("Period start (local)", facts.localize(info.period.start), dateFmt);
    add("Period end (local, excluded)", facts.localize(info.period.end), dateFmt);
  }
  add("As of (local)", facts.localize(info.asOf), dateFmt);
  add("As of (UTC)", info.asOf.toISOString());
  add("Time zone", text(facts.tz));
  add("Rows", facts.rows, "#,##0");
  if (facts.totals.size) {
    add("", null);
    add("Totals of the rows", null, undefined, true);
    for (const c of info.columns) {
      const t = facts.totals.get(c.key);
      if (t !== undefined) add(text(c.label), t, numFmt(c));
    }
  }
  const summary = Object.entries(info.summary ?? {});
  if (summary.length) {
    add("", null);
    add("Summary figures", null, undefined, true);
    for (const [k, v] of summary) add(text(k), typeof v === "string" ? text(v) : v);
  }
  ws.commit();
}

/** Options of `exportReport`. */
export interface ExportOptions {
  signal?: AbortSignal;
  onProgress?: (p: XlsxProgress) => void;
  progressEvery?: number;
  /** Documents per `aggregate` call while reading (readAll's default when missing). */
  pageSize?: number;
}

/**
 * Produces a saved report's `.xlsx`: reruns its pipeline (bounded by `as_of`, so the same
 * rows come out every time) through `readAll` and streams the rows into `sink`.
 */
export async function exportReport(
  meta: ReportMeta,
  client: DataClient,
  sink: XlsxSink,
  opts: ExportOptions = {},
): Promise<{ rows: number }> {
  const pipeline = EJSON.parse(meta.pipeline_ejson) as Document[];
  if (!Array.isArray(pipeline)) {
    throw new Error(`Cannot export report "${meta.id}": its pipeline is not an array`);
  }
  const rows = readAll(client, {
    collection: meta.collection,
    pipeline,
    pageSize: opts.pageSize,
    signal: opts.signal,
  });
  return await writeReportXlsx(
    {
      title: meta.title,
      columns: meta.columns,
      filters: meta.filters,
      name: meta.name,
      periodLabel: meta.period_label,
      asOf: new Date(meta.as_of),
    },
    rows,
    sink,
    {
      tz: meta.tz,
      signal: opts.signal,
      onProgress: opts.onProgress,
      progressEvery: opts.progressEvery,
    },
  );
}
