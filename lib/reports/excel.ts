/**
 * Excel reports, streamed: exceljs's streaming workbook writer turns an async sequence of
 * rows into an `.xlsx` written straight to a Node `Writable` (a file, an HTTP response)
 * or a web `WritableStream`, committing each row as it goes, so memory stays flat at any
 * row count and nothing touches the disk unless the sink is a file.
 *
 * The first sheet holds one header row and one row per record; a "Summary" sheet
 * follows that reads like a cover page (title, period in words, filters, row count, when
 * it was generated in the business zone, totals with durations as h:mm:ss). Both sheets
 * print landscape/portrait fitted to the page width, the data sheet repeating its header
 * row on every page, with page numbers in the footer.
 *
 * Cell conventions:
 * - datetimes are real Excel dates showing the wall-clock time in the business zone
 *   (Excel has no zones: the instant is shifted by the zone's offset at that instant);
 * - seconds stay the raw number of seconds (format `#,##0" s"`), percents the number
 *   0–100 (format `0.00"%"`), counts plain numbers;
 * - text is a string cell (never evaluated when the file opens) in a Text-formatted
 *   (`@`) column, so Excel keeps it text when someone edits and re-enters it: an E.164
 *   phone number such as `+919812345678`, or `-42`, stays exactly those characters with
 *   no visible apostrophe;
 * - only text that a spreadsheet would read as a formula once typed in or exported to CSV
 *   (see `isFormulaLike`: `=…`, `@…`, or a sign followed by anything but a plain number,
 *   like `+A1*2` or `-2+3`) gets a leading `'`, the OWASP formula-injection guard. The
 *   guard is written into the value rather than as the `quotePrefix` cell style because
 *   exceljs 4.4 cannot write that style (the attribute is absent from its `xf` writer;
 *   exceljs PR #2809 adding it is unmerged) and because a style does not survive a "Save
 *   as CSV", where the value alone decides whether the cell becomes live again.
 */
import ExcelJS from "exceljs";
import { EJSON } from "bson";
import { once } from "node:events";
import { Writable } from "node:stream";
import { type DataClient, type Document } from "../data/types.ts";
import { readAll } from "../data/read_all.ts";
import { prefetchBatches } from "./prefetch.ts";
import { DirectRowWriter, type PlainCell, type ZipQueue, zipQueue } from "./xlsx_sheet_rows.ts";
import {
  civilString,
  daysInMonth,
  localDate,
  localDateString,
  zoneOffsetMs,
} from "../time/zone.ts";
import type { Column, ReportMeta } from "./types.ts";
import { isAdditive, reportCover, type ReportInfo } from "./cover.ts";

/** What the workbook says about its rows (see `cover.ts`). */
export type XlsxReportInfo = ReportInfo;

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
  /** When the file is made, shown on the summary sheet (default: the real clock). */
  generatedAt?: Date;
  /** Deflate level of the zip, 0–9 (default `DEFAULT_DEFLATE_LEVEL`). */
  deflateLevel?: number;
  /**
   * Data rows per sheet before the rows continue on the next sheet (default and maximum
   * `EXCEL_MAX_ROWS - 1`, Excel's limit less the header row; smaller values are for tests).
   */
  sheetRowLimit?: number;
  /**
   * How data rows become XML: `direct` (default) renders them in `xlsx_sheet_rows.ts`,
   * `exceljs` through exceljs's own `addRow().commit()` (the reference the direct renderer
   * is tested against, and the benchmark's comparison).
   */
  rowRenderer?: "direct" | "exceljs";
  /** Batches of 1,000 rows read ahead of the writer (default 2). */
  prefetch?: number;
}

/** Where the file goes. */
export type XlsxSink = Writable | WritableStream<Uint8Array>;

/** Rows per sheet in Excel, header row included (2^20). */
export const EXCEL_MAX_ROWS = 1_048_576;

/**
 * Deflate level of the zip: 1, the fastest. The call list at 1M rows, writer alone
 * (`deno run -A bench/excel.ts --rows 1000000 --levels 1,3,6`, 2 cores): level 1 118k rows/s
 * and 128 MB, level 3 87k rows/s and 91 MB, level 6 52k rows/s and 79 MB. Deflate is the
 * largest cost left in the writer; level 1 keeps the whole export about 11× openpyxl's speed.
 */
export const DEFAULT_DEFLATE_LEVEL = 1;

/** Uncompressed XML allowed to wait in front of the zip before the writer pauses. */
const ZIP_QUEUE_LIMIT = 1024 * 1024;

const BATCH = 1000;
/** Whitespace a spreadsheet or CSV reader may drop before reading the rest. */
const LEADING_SPACE = /^[\s\p{Cc}]+/u;
/** Starts a formula outright (full-width forms too: an IME may turn them into ASCII). */
const FORMULA_START = /^[=@\uff1d\uff20]/;
/** A sign: a formula unless a plain number follows. */
const SIGN_START = /^[+\-\uff0b\uff0d]/;
/** What Excel reads as a number after a typed sign: `42`, `1,234.5`, `.5`, `1e5`, `5%`. */
const SIGNED_NUMBER = /^[+-](?:\d+(?:,\d{3})*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?$/;

/**
 * Whether a spreadsheet would read `s` as a formula if it were typed into a cell or
 * opened from a CSV export: it starts (after any leading whitespace or control
 * characters, which CSV readers may trim) with `=` or `@`, or with `+`/`-` followed by
 * anything but a plain number. `+919812345678`, `-42`, `-` and `a=b` are plain text;
 * `=HYPERLINK(…)`, `@SUM(A1)`, `+A1*2`, `-2+3` and `+91 tricky` are formulas.
 */
export function isFormulaLike(s: string): boolean {
  const t = s.replace(LEADING_SPACE, "");
  if (FORMULA_START.test(t)) return true;
  if (!SIGN_START.test(t) || t.length === 1) return false;
  return !SIGNED_NUMBER.test(t);
}

/**
 * A string made safe for a spreadsheet cell: formula-like text (`isFormulaLike`) gets a
 * leading apostrophe; everything else, phone numbers included, stays as it is.
 */
export function escapeCellText(s: string): string {
  // Fast path: text starting with an ASCII letter or digit is never formula-like.
  const c = s.charCodeAt(0);
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return s;
  return isFormulaLike(s) ? `'${s}` : s;
}

/** What a report file covers: its period (end excluded) and the as-of instant. */
export interface FileNameCover {
  /** IANA business zone the days are read in. */
  tz: string;
  /** The instant bounding the rows. */
  asOf: Date;
  /** The period, when the report has one (null or missing = all data until `asOf`). */
  period?: { start: Date; end: Date } | null;
}

/**
 * A safe ASCII file name: the title in snake case and the local days the rows cover,
 * e.g. `incoming_calls_2026-11-30.xlsx` for yesterday, `missed_calls_2026-11` for a whole
 * month, `talk_time_2026-11-23_to_2026-11-29.xlsx` for a range, or
 * `call_list_until_2026-11-24.xlsx` for all data up to the as-of day.
 */
export function reportFileName(title: string, cover: FileNameCover): string {
  const slug = title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 60).replace(/_+$/, "");
  return `${slug || "report"}_${coveredDays(cover)}.xlsx`;
}

function coveredDays({ tz, asOf, period }: FileNameCover): string {
  if (!period) return `until_${localDateString(new Date(asOf.getTime() - 1), tz)}`;
  // The rows end at the period's end or the as-of instant, whichever comes first.
  const end = Math.min(period.end.getTime(), asOf.getTime());
  const first = localDate(period.start, tz);
  const last = end > period.start.getTime() ? localDate(new Date(end - 1), tz) : first;
  const from = civilString(first);
  const to = civilString(last);
  if (from === to) return from;
  const wholeMonth = first.day === 1 && first.year === last.year &&
    first.month === last.month && last.day === daysInMonth(last.year, last.month);
  return wholeMonth ? from.slice(0, 7) : `${from}_to_${to}`;
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
    case "string":
      return "@";
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

/**
 * The conversion of a column's values, chosen once per column kind: the common type of
 * each kind (a number in a numeric column, a string in a text column) takes a short path,
 * anything else goes through `cellValue`.
 */
function columnConverter(c: Column, localize: (d: Date) => Date): (v: unknown) => PlainCell {
  const general = (v: unknown) => cellValue(v, c, localize) as PlainCell;
  switch (c.type) {
    case "datetime":
    case "date":
      return (v) => v instanceof Date && !Number.isNaN(v.getTime()) ? localize(v) : general(v);
    case "string":
      return (v) => typeof v === "string" ? escapeCellText(v) : general(v);
    case "seconds":
    case "percent":
    case "integer":
    case "number":
      return (v) => typeof v === "number" ? (Number.isFinite(v) ? v : null) : general(v);
    default:
      return general;
  }
}

/**
 * A valid sheet name: no `[]:*?/\`, at most 31 characters, and no apostrophe (exceljs
 * quotes the name in the print-titles reference without doubling one, which Excel would
 * reject as a damaged file), so `'` becomes `’`.
 */
function sheetName(title: string): string {
  const name = title.replace(/[[\]:*?/\\]/g, " ").replace(/'/g, "\u2019").replace(/\s+/g, " ")
    .trim().slice(0, 31).trim();
  return !name || name.toLowerCase() === "summary" ? "Report" : name;
}

/** Page margins in inches: narrow, leaving room for the header and footer lines. */
const MARGINS = { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 };

/** Text for a print header or footer section (`&` starts a code there). */
function headerText(s: string): string {
  return s.replace(/&/g, "&&").replace(/[\r\n]+/g, " ");
}

/** Print setup: fitted to one page wide (as many pages tall as it takes), page numbers. */
function printSetup(
  orientation: "landscape" | "portrait",
  header: { left: string; right: string },
) {
  return {
    pageSetup: {
      orientation,
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      margins: MARGINS,
      horizontalCentered: false,
    },
    headerFooter: {
      oddHeader: `&L${headerText(header.left)}&R${headerText(header.right)}`,
      oddFooter: "&CPage &P of &N",
    },
  };
}

/** Bytes gathered for the web sink before its writes wait for it (its backpressure). */
const WEB_SINK_LIMIT = 1024 * 1024;

/**
 * A Node `Writable` in front of a web `WritableStream`. Each chunk is copied at once into
 * one staging buffer, reused for the whole file, and the sink gets the staged bytes as a
 * fresh array, one write at a time, whenever its previous write is done. Handing the zip's
 * chunks straight to an asynchronous sink would keep them (and ~1 MB more in the zip's
 * own buffer) waiting until the writer yields to the event loop: long enough for V8 to
 * promote them to the old generation, where their memory stays until the next full GC,
 * hundreds of MB over a large export. Copied at once, the zip's chunks die young.
 */
function adaptWebSink(ws: WritableStream<Uint8Array>): Writable {
  const writer = ws.getWriter();
  let staged = new Uint8Array(256 * 1024);
  let length = 0;
  let writing = false;
  let failure: unknown = null;
  /** Callbacks held back while the staged bytes exceed the limit, or until all is written. */
  let waiting: ((err?: Error | null) => void)[] = [];
  /** Ends the sink once every staged byte is written (set by `final`). */
  let closing: (() => void) | null = null;
  const settle = () => {
    const w = waiting;
    waiting = [];
    for (const cb of w) cb(failure as Error | null);
  };
  const pump = () => {
    if (writing || failure) return;
    if (length === 0) {
      settle();
      return;
    }
    const chunk = staged.slice(0, length);
    length = 0;
    writing = true;
    writer.write(chunk).then(
      () => {
        writing = false;
        if (length <= WEB_SINK_LIMIT) settle();
        pump();
        if (!writing && length === 0 && closing) closing();
      },
      (e) => {
        failure = e ?? new Error("The sink failed");
        settle();
        closing?.();
      },
    );
  };
  return new Writable({
    write(chunk: Uint8Array, _enc, cb) {
      if (failure) return cb(failure as Error);
      if (length + chunk.length > staged.length) {
        const grown = new Uint8Array(Math.max(staged.length * 2, length + chunk.length));
        grown.set(staged.subarray(0, length));
        staged = grown;
      }
      staged.set(chunk, length);
      length += chunk.length;
      pump();
      if (length > WEB_SINK_LIMIT) waiting.push(cb);
      else cb();
    },
    final(cb) {
      closing = () => {
        closing = null;
        if (failure) cb(failure as Error);
        else writer.close().then(() => cb(), cb);
      };
      pump();
      if (!writing && length === 0) closing?.();
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

/** Lets the sink catch up: waits for `drain` when its buffer is full. */
async function sinkBackpressure(out: Writable): Promise<void> {
  await new Promise((r) => setTimeout(r, 0));
  if (out.writableLength >= out.writableHighWaterMark && !out.destroyed) {
    await once(out, "drain");
  }
}

/** The name of the `part`-th data sheet (1-based): `Calls`, `Calls (2)`, …. */
function partName(base: string, part: number): string {
  if (part === 1) return base;
  const suffix = ` (${part})`;
  return `${base.slice(0, 31 - suffix.length).trim()}${suffix}`;
}

/** The style of every data row (none), one object so exceljs resolves it once. */
const ROW_STYLE: Partial<ExcelJS.Style> = {};

/** One data sheet being written. */
interface DataSheet {
  ws: ExcelJS.Worksheet;
  add(values: PlainCell[]): void;
  /** Bytes of XML waiting in front of the zip, and its drain. */
  queue: ZipQueue;
  commit(): void;
}

/**
 * Adds a data sheet: columns with their formats, the header row (bold, filled, frozen,
 * filtered, repeated on printed pages), committed so the data rows can follow.
 */
function addDataSheet(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  info: XlsxReportInfo,
  styles: Partial<ExcelJS.Style>[],
  renderer: "direct" | "exceljs",
): DataSheet {
  const columns = info.columns;
  const print = printSetup("landscape", {
    left: info.title,
    right: info.periodLabel ?? "All data",
  });
  const ws = wb.addWorksheet(name, {
    views: [{ state: "frozen", ySplit: 1 }],
    // The header row repeats on every printed page.
    pageSetup: { ...print.pageSetup, printTitlesRow: "1:1" },
    headerFooter: print.headerFooter,
  });
  ws.columns = columns.map((c, i) => ({
    header: c.label,
    key: c.key,
    width: widthOf(c),
    style: styles[i],
  }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE8EEF4" } };
  header.numFmt = "@";
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  header.commit();
  const queue = zipQueue(ws);
  if (renderer === "direct") {
    const direct = new DirectRowWriter(ws, styles, 2);
    return {
      ws,
      queue,
      add: (values) => direct.add(values),
      commit() {
        direct.flush();
        ws.commit();
      },
    };
  }
  return {
    ws,
    queue,
    add(values) {
      const row = ws.addRow(values);
      // One style object per column, and one for all rows, so exceljs's style cache
      // (keyed by object) hits.
      (row as unknown as { style: object }).style = ROW_STYLE;
      for (let i = 0; i < styles.length; i++) row.getCell(i + 1).style = styles[i];
      row.commit();
    },
    commit: () => ws.commit(),
  };
}

/**
 * Writes an `.xlsx` of `rows` (documents keyed by column key, or arrays in column order)
 * to `sink`, then ends the sink. Resolves with the number of data rows written once the
 * file is complete. On error or abort the sink is destroyed (a file is left incomplete).
 *
 * Rows past Excel's limit (`EXCEL_MAX_ROWS`, header included) continue on a second sheet
 * (`<sheet> (2)`, then `(3)`…) with the same header row and column formats; the summary
 * sheet names the sheets the rows span. The rows are read ahead of the writer in batches
 * (`prefetch`), and the writer pauses while more than 1 MB of XML waits for the zip, so a
 * slow sink holds the export back instead of filling memory.
 */
export async function writeReportXlsx(
  info: XlsxReportInfo,
  rows: AsyncIterable<Document | unknown[]> | Iterable<Document | unknown[]>,
  sink: XlsxSink,
  opts: WriteXlsxOptions,
): Promise<{ rows: number }> {
  const web = sink instanceof WritableStream;
  const out = web ? adaptWebSink(sink) : sink;
  const started = Date.now();
  const every = opts.progressEvery ?? 10_000;
  const perSheet = Math.min(opts.sheetRowLimit ?? EXCEL_MAX_ROWS - 1, EXCEL_MAX_ROWS - 1);
  if (!(perSheet >= 1)) throw new RangeError("The sheet row limit must be at least 1");
  const localizeOffset = offsetCache(opts.tz);
  const localize = (d: Date) => new Date(d.getTime() + localizeOffset(d));
  const columns = info.columns;
  const keys = columns.map((c) => c.key);
  const convert = columns.map((c) => columnConverter(c, localize));
  const additive = columns.flatMap((c, i) => isAdditive(c) ? [i] : []);
  const sums = additive.map(() => 0);
  // One style object per column, shared by all its cells on every data sheet.
  const styles = columns.map((c): Partial<ExcelJS.Style> => {
    const fmt = numFmt(c);
    return fmt ? { numFmt: fmt } : {};
  });
  const renderer = opts.rowRenderer ?? "direct";
  let count = 0;
  const sheetNames: { name: string; rows: number }[] = [];
  // Settles when the sink or the zip fails, so that no wait for a drain outlives them.
  let onFailure: (e: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => onFailure = reject);
  failed.catch(() => {});
  const fail = (e: unknown) => onFailure(e);
  const closedEarly = () => {
    if (!out.writableFinished) onFailure(new Error("The sink closed before the file was complete"));
  };
  out.on("error", fail);
  out.on("close", closedEarly);
  try {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useStyles: true,
      useSharedStrings: false,
      zip: { zlib: { level: opts.deflateLevel ?? DEFAULT_DEFLATE_LEVEL } },
    });
    (wb as unknown as { zip: Writable }).zip.on("error", fail);
    const base = sheetName(info.title);
    const open = () => {
      const name = partName(base, sheetNames.length + 1);
      sheetNames.push({ name, rows: 0 });
      return addDataSheet(wb, name, info, styles, renderer);
    };
    let sheet = open();
    let inSheet = 0;
    const values: PlainCell[] = new Array(columns.length);
    const n = columns.length;
    for await (const batch of prefetchBatches(rows, { batchSize: BATCH, ahead: opts.prefetch })) {
      for (const r of batch) {
        if (opts.signal?.aborted) throw abortError(opts.signal);
        if (inSheet === perSheet) {
          sheet.commit();
          sheetNames[sheetNames.length - 1].rows = inSheet;
          sheet = open();
          inSheet = 0;
        }
        if (Array.isArray(r)) {
          for (let i = 0; i < n; i++) values[i] = convert[i](r[i]);
          for (let a = 0; a < additive.length; a++) {
            const raw = r[additive[a]];
            if (typeof raw === "number") sums[a] += raw;
          }
        } else {
          const doc = r as Document;
          for (let i = 0; i < n; i++) values[i] = convert[i](doc[keys[i]]);
          for (let a = 0; a < additive.length; a++) {
            const raw = doc[keys[additive[a]]];
            if (typeof raw === "number") sums[a] += raw;
          }
        }
        sheet.add(renderer === "direct" ? values : values.slice());
        inSheet++;
        count++;
        if (opts.onProgress && count % every === 0) {
          opts.onProgress({ rows: count, elapsedMs: Date.now() - started });
        }
      }
      // A turn of the event loop per batch lets the sink's writes complete while their
      // bytes are young (see `adaptWebSink`).
      if (web) await Promise.race([new Promise((r) => setTimeout(r, 0)), failed]);
      if (!sheet.queue.tracked) await Promise.race([sinkBackpressure(out), failed]);
      else if (sheet.queue.queued() > ZIP_QUEUE_LIMIT) {
        await Promise.race([sheet.queue.drained(), failed]);
      }
    }
    sheet.commit();
    sheetNames[sheetNames.length - 1].rows = inSheet;
    const totals = new Map<string, number>();
    additive.forEach((i, a) => totals.set(keys[i], sums[a]));
    writeSummarySheet(wb, info, {
      rows: count,
      totals,
      sheets: sheetNames,
      tz: opts.tz,
      generatedAt: opts.generatedAt ?? new Date(),
    });
    await Promise.race([wb.commit(), failed]);
    if (!out.writableFinished) await Promise.race([once(out, "finish"), failed]);
  } catch (e) {
    // The zip may still write into the sink: swallow its late errors, the caller gets `e`.
    out.on("error", () => {});
    out.destroy(e instanceof Error ? e : new Error(String(e)));
    throw e;
  } finally {
    out.off("error", fail);
    out.off("close", closedEarly);
  }
  opts.onProgress?.({ rows: count, elapsedMs: Date.now() - started });
  return { rows: count };
}

/** A duration cell: Excel keeps time as days, shown as `[h]:mm:ss` (hours past 24). */
const DURATION_FMT = "[h]:mm:ss";

/** A headline figure's cell value and format, read from its key. */
function figureCell(key: string, v: number | string | null): { value: unknown; fmt?: string } {
  if (typeof v === "string") return { value: escapeCellText(v) };
  if (typeof v !== "number" || !Number.isFinite(v)) return { value: v ?? "—" };
  if (/(_seconds$|^aht$|^asa$)/.test(key)) return { value: v / 86_400, fmt: DURATION_FMT };
  if (/_pct$/.test(key)) return { value: v, fmt: '0.00"%"' };
  return { value: v, fmt: Number.isInteger(v) ? "#,##0" : "#,##0.##" };
}

/**
 * The cover page: the title and period in words on top, then what the rows are (filters,
 * count, as-of and generated instants in the business zone) and their totals, durations
 * as h:mm:ss.
 */
function writeSummarySheet(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  info: XlsxReportInfo,
  facts: {
    rows: number;
    totals: Map<string, number>;
    sheets: { name: string; rows: number }[];
    tz: string;
    generatedAt: Date;
  },
): void {
  const print = printSetup("portrait", { left: info.title, right: info.periodLabel ?? "All data" });
  const ws = wb.addWorksheet("Summary", {
    pageSetup: print.pageSetup,
    headerFooter: print.headerFooter,
    views: [{ showGridLines: false }],
  });
  ws.columns = [{ key: "k", width: 26 }, { key: "v", width: 64 }];
  const text = (v: string) => escapeCellText(v);
  const line = (
    cells: [unknown, unknown],
    style: { fmt?: string; font?: Partial<ExcelJS.Font> } = {},
  ) => {
    const row = ws.addRow(cells);
    if (style.fmt) row.getCell(2).numFmt = style.fmt;
    if (style.font) row.font = style.font;
    row.getCell(1).alignment = { vertical: "top" };
    row.getCell(2).alignment = { horizontal: "left", vertical: "top", wrapText: true };
    row.commit();
  };
  const field = (label: string, value: unknown, fmt?: string) =>
    line([label, value ?? null], { fmt });
  const heading = (label: string) => line([label, null], { font: { bold: true, size: 12 } });

  const cover = reportCover(info, facts);
  line([text(cover.title), null], { font: { bold: true, size: 16 } });
  line([text(cover.period), null], { font: { size: 12, color: { argb: "FF44546A" } } });
  line([null, null]);
  for (const f of cover.fields) {
    field(
      f.label,
      typeof f.value === "number" ? f.value : text(f.value),
      typeof f.value === "number" ? "#,##0" : undefined,
    );
  }
  if (cover.totals.length) {
    line([null, null]);
    heading("Totals");
    for (const t of cover.totals) {
      if (t.column.type === "seconds") field(text(t.label), t.value / 86_400, DURATION_FMT);
      else field(text(t.label), t.value, numFmt(t.column));
    }
  }
  if (cover.headline.length) {
    line([null, null]);
    heading("Headline figures");
    for (const h of cover.headline) {
      const { value, fmt } = figureCell(h.key, h.value);
      field(text(h.label), value, fmt);
    }
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
  /** When the file is made (default: the real clock). */
  generatedAt?: Date;
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
      generatedAt: opts.generatedAt,
    },
  );
}
