/**
 * The two places where the Excel export reaches past exceljs's public API, kept in this one
 * file and pinned to exceljs 4.4.0 (`xlsx_sheet_rows_test.ts` fails when the version or the
 * internals below change):
 *
 * 1. **Row rendering.** exceljs's streaming `WorksheetWriter` turns every row into a `Row`,
 *    one `Cell` and `Value` object per cell, a fresh style object per cell (so the style
 *    cache of `StylesXform.addStyleModel` is keyed on a new object each time), a row model
 *    and an `XmlStream`, then joins the pieces: most of the export's CPU went there (see the
 *    profile in `bench/excel.ts --profile`). `DirectRowWriter` writes the same XML
 *    (byte for byte, checked against exceljs's own `addRow().commit()` in the test) for data
 *    rows of plain values straight into the worksheet's stream, with one style id per
 *    column resolved once through exceljs's style registry.
 * 2. **Backpressure.** The worksheet's stream (exceljs `StreamBuf`) writes into the zip
 *    (archiver) through a `PassThrough` whose `write()` result it ignores, so when the
 *    sink is slower than the producer the sheet's XML piles up there, off the JS heap, with
 *    no bound. `zipQueue` reads how much is queued in that `PassThrough` and waits for its
 *    `drain`, so the producer stops until the zip (and behind it the sink) catches up.
 *
 * @module
 */
import type ExcelJS from "exceljs";

/** The exceljs version whose internals this file relies on. */
export const EXCELJS_VERSION = "4.4.0";

/** A value the direct renderer takes: what `cellValue` produces for exceljs. */
export type PlainCell = string | number | boolean | Date | null;

/** exceljs's `utils.xmlEncode`: escapes markup and drops characters XML 1.0 forbids. */
// deno-lint-ignore no-control-regex -- the control characters are what it finds.
const XML_SPECIAL = /[<>&'"\x7F\x00-\x08\x0B-\x0C\x0E-\x1F]/;

/** The XML text of `s` exactly as exceljs 4.4.0 writes it. */
export function xmlEncode(s: string): string {
  const m = XML_SPECIAL.exec(s);
  if (!m) return s;
  let out = "";
  let last = 0;
  let i = m.index;
  for (; i < s.length; i++) {
    const code = s.charCodeAt(i);
    let escape: string;
    switch (code) {
      case 34:
        escape = "&quot;";
        break;
      case 38:
        escape = "&amp;";
        break;
      case 39:
        escape = "&apos;";
        break;
      case 60:
        escape = "&lt;";
        break;
      case 62:
        escape = "&gt;";
        break;
      case 127:
        escape = "";
        break;
      default:
        if (code <= 31 && (code <= 8 || (code >= 11 && code !== 13))) {
          escape = "";
          break;
        }
        continue;
    }
    if (last !== i) out += s.substring(last, i);
    last = i + 1;
    out += escape;
  }
  return last !== i ? out + s.substring(last, i) : out;
}

/** `A`, `B`, …, `Z`, `AA`, … for column 1, 2, …. */
function columnLetters(n: number): string {
  let s = "";
  for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** exceljs's `Enums.ValueType` numbers of the types rendered here. */
const VALUE_TYPE = { null: 0, number: 2, string: 3, date: 4, boolean: 9 } as const;

interface StyleRegistry {
  addStyleModel(model: object, cellType?: number): number;
}

interface StreamBufLike {
  write(data: string): unknown;
  pipes?: unknown[];
}

/** Milliseconds per day and the Excel serial of 1970-01-01 (exceljs `dateToExcel`). */
const DAY_MS = 24 * 3600 * 1000;
const EXCEL_UNIX_EPOCH = 25569;

/** Bytes of XML gathered before one write into the worksheet's stream. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Writes data rows of plain values (`PlainCell`) into an exceljs streaming worksheet, after
 * its header row has been committed, exactly as `worksheet.addRow(values).commit()` would
 * when each column's cells share one style object (`styles[i]`).
 */
export class DirectRowWriter {
  #stream: StreamBufLike;
  #registry: StyleRegistry;
  #styles: object[];
  #styleIds: (number | undefined)[];
  #refs: string[];
  #spans: string;
  #next: number;
  #buf = "";

  /**
   * @param ws a worksheet of a `WorkbookWriter`, its header row committed
   * @param styles one style object per column (the same objects for every row)
   * @param firstRow the row number of the first data row
   */
  constructor(ws: ExcelJS.Worksheet, styles: object[], firstRow: number) {
    const internals = ws as unknown as {
      stream: StreamBufLike;
      _workbook: { styles: StyleRegistry };
      startedData?: boolean;
    };
    if (!internals.startedData) {
      throw new Error("Commit the header row before writing rows directly");
    }
    this.#stream = internals.stream;
    this.#registry = internals._workbook.styles;
    this.#styles = styles;
    this.#styleIds = styles.map(() => undefined);
    this.#refs = styles.map((_, i) => `<c r="${columnLetters(i + 1)}`);
    this.#spans = `" spans="1:${styles.length}" x14ac:dyDescent="0.25">`;
    this.#next = firstRow;
  }

  /** The number the next row gets. */
  get nextRow(): number {
    return this.#next;
  }

  #styleAttr(i: number, type: number): string {
    let id = this.#styleIds[i];
    // exceljs caches a style id per style object (the first cell's type decides).
    if (id === undefined) {
      id = this.#styleIds[i] = this.#registry.addStyleModel(this.#styles[i], type);
    }
    return id ? `" s="${id}` : "";
  }

  /** Adds one row (one value per column, in column order). */
  add(values: PlainCell[]): void {
    const r = this.#next++;
    let cells = "";
    let any = false;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null) {
        const s = this.#styleAttr(i, VALUE_TYPE.null);
        if (s) cells += `${this.#refs[i]}${r}${s}"/>`;
        continue;
      }
      any = true;
      switch (typeof v) {
        case "string":
          cells += `${this.#refs[i]}${r}${this.#styleAttr(i, VALUE_TYPE.string)}" t="str"><v>${
            xmlEncode(v)
          }</v></c>`;
          break;
        case "number":
          cells += `${this.#refs[i]}${r}${this.#styleAttr(i, VALUE_TYPE.number)}"><v>${v}</v></c>`;
          break;
        case "boolean":
          cells += `${this.#refs[i]}${r}${this.#styleAttr(i, VALUE_TYPE.boolean)}" t="b"><v>${
            v ? 1 : 0
          }</v></c>`;
          break;
        default:
          cells += `${this.#refs[i]}${r}${this.#styleAttr(i, VALUE_TYPE.date)}"><v>${
            EXCEL_UNIX_EPOCH + v.getTime() / DAY_MS
          }</v></c>`;
      }
    }
    // exceljs skips a row without values (its number stays used).
    if (!any) return;
    this.#buf += `<row r="${r}${this.#spans}${cells}</row>`;
    if (this.#buf.length >= CHUNK_CHARS) this.flush();
  }

  /** Hands the rows gathered so far to the worksheet's stream. */
  flush(): void {
    if (!this.#buf) return;
    this.#stream.write(this.#buf);
    this.#buf = "";
  }
}

interface QueueState {
  length: number;
}
interface PassThroughLike {
  _writableState: QueueState;
  _readableState: QueueState;
  once(event: string, fn: () => void): unknown;
  removeListener(event: string, fn: () => void): unknown;
}

/** How much of a worksheet's XML waits, uncompressed, in front of the zip. */
export interface ZipQueue {
  /** Bytes queued now (0 when the internals are not the expected ones). */
  queued(): number;
  /** Resolves once the queue has drained (at once if nothing is queued). */
  drained(): Promise<void>;
  /** Whether the internals were found (false: only the sink's own backpressure applies). */
  readonly tracked: boolean;
}

/**
 * The queue between a worksheet's stream and the zip: the `PassThrough` archiver puts in
 * front of the exceljs `StreamBuf` it was given (archiver-utils `normalizeInputSource`).
 */
export function zipQueue(ws: ExcelJS.Worksheet): ZipQueue {
  const stream = (ws as unknown as { stream?: StreamBufLike }).stream;
  const pipe = stream?.pipes?.length === 1 ? stream.pipes[0] as PassThroughLike : null;
  const ok = !!pipe && typeof pipe._writableState?.length === "number" &&
    typeof pipe._readableState?.length === "number" && typeof pipe.once === "function";
  if (!ok) {
    return { queued: () => 0, drained: () => Promise.resolve(), tracked: false };
  }
  const queued = () => pipe._writableState.length + pipe._readableState.length;
  return {
    tracked: true,
    queued,
    drained: () =>
      pipe._writableState.length === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => pipe.once("drain", resolve)),
  };
}
