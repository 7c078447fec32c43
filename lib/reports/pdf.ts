/**
 * PDF reports, streamed: pdfkit draws a saved report on A4 landscape pages and its bytes
 * go to a web `WritableStream` page by page (no disk, no browser, only pdfkit's bundled
 * standard fonts, so it runs on Deno Deploy).
 *
 * Page 1 opens with the cover block (title, period in words, filters, rows, as-of and
 * generated instants in the business zone: `reportCover`, shared with the Excel Summary
 * sheet) and KPI tiles (the row count and the totals of additive columns, or the values
 * of a one-row report). Breakdowns and rankings get a bar chart (a line chart for a day
 * series), picked as the chat picks one (`chartFor`) and drawn as vector graphics. The
 * table follows, its header row repeated on every page, every page numbered "Page x of
 * y". Aggregates are drawn in full; listings up to a cap ({@link PDF_ROW_CAP}), with a
 * line saying how many rows there are and pointing to the Excel file.
 *
 * Text is drawn as text (never interpreted), in Helvetica, whose encoding is WinAnsi:
 * characters outside it become their unaccented letters or `?`. Cells longer than their
 * column end with an ellipsis.
 */
import PDFDocument from "pdfkit";
import { EJSON } from "bson";
import type { DataClient, Document } from "../data/types.ts";
import { readAll } from "../data/read_all.ts";
import { chartFor } from "../agent/charts.ts";
import type { ChartSpec } from "../agent/events.ts";
import { getReport } from "./catalog.ts";
import { isAdditive, reportCover, type ReportInfo } from "./cover.ts";
import { renderValue, rowValues } from "./run.ts";
import type { Column, ReportMeta } from "./types.ts";

/** MIME type of `.pdf`. */
export const PDF_TYPE = "application/pdf";

/** Rows of a listing drawn in a PDF; the Excel file has them all. */
export const PDF_ROW_CAP = 2_000;

/** What a PDF shows: the report, its rows (at most the cap for a listing) and their facts. */
export interface PdfReportInput {
  info: ReportInfo;
  /** A listing is cut at the cap; an aggregate is drawn in full. */
  kind: "listing" | "aggregate";
  /** The dimension a breakdown groups by (`params.group_by`): a day series draws a line. */
  groupBy?: string | null;
  /** The rows to draw, as arrays in column order. */
  rows: unknown[][];
  /** Rows the report has (more than `rows.length` when a listing was cut). */
  totalRows: number;
  /** Sums of the additive columns over all the report's rows, by column key. */
  totals: Map<string, number>;
  /** The Excel file's name, for the line pointing to it. */
  excelFileName?: string;
}

/** Options of {@link writeReportPdf}. */
export interface WritePdfOptions {
  /** IANA business zone for dates. */
  tz: string;
  /** When the file is made (default: the real clock). */
  generatedAt?: Date;
  signal?: AbortSignal;
}

/** What was written. */
export interface PdfResult {
  /** Table rows drawn. */
  rows: number;
  pages: number;
}

// The subset of pdfkit's API used here (the package ships no types).
interface PdfDoc {
  page: { width: number; height: number; margins: { bottom: number } };
  info: Record<string, unknown>;
  font(name: string): PdfDoc;
  fontSize(size: number): PdfDoc;
  fillColor(color: string): PdfDoc;
  strokeColor(color: string): PdfDoc;
  lineWidth(w: number): PdfDoc;
  dash(length: number, opts?: { space: number }): PdfDoc;
  undash(): PdfDoc;
  text(text: string, x: number, y: number, opts?: Record<string, unknown>): PdfDoc;
  widthOfString(text: string): number;
  rect(x: number, y: number, w: number, h: number): PdfDoc;
  roundedRect(x: number, y: number, w: number, h: number, r: number): PdfDoc;
  circle(x: number, y: number, r: number): PdfDoc;
  moveTo(x: number, y: number): PdfDoc;
  lineTo(x: number, y: number): PdfDoc;
  fill(color?: string): PdfDoc;
  stroke(): PdfDoc;
  addPage(opts?: Record<string, unknown>): PdfDoc;
  end(): void;
  on(event: string, fn: (arg: never) => void): PdfDoc;
}

const PAGE = { size: "A4", layout: "landscape", margin: 36 } as const;
const MARGIN = 36;
const FOOTER_SPACE = 22;
const ROW_H = 14;
const HEADER_H = 26;
const CELL_PAD = 4;
const BODY_SIZE = 8;
const INK = "#1f2933";
const MUTED = "#52606d";
const RULE = "#cbd2d9";
const HEADER_FILL = "#e8eef4";
const TILE_FILL = "#f0f4f8";
const BAR = "#2f6fae";
const ELLIPSIS = "\u2026";

/** Code points outside Latin-1 that WinAnsi (Windows-1252) has. */
const WIN_ANSI_EXTRA = new Set(
  "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ".split("").map((c) => c.codePointAt(0)!),
);

function winAnsiChar(c: string): boolean {
  const code = c.codePointAt(0)!;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) ||
    WIN_ANSI_EXTRA.has(code);
}

/**
 * `s` in characters Helvetica can draw (WinAnsi): control characters become spaces,
 * others their letters without accents (`ő` → `o`) or `?` (`漢`, emoji).
 */
export function toWinAnsi(s: string): string {
  let out = "";
  for (const c of s) {
    if (winAnsiChar(c)) out += c;
    else if (/[\p{Cc}\p{Zl}\p{Zp}]/u.test(c)) out += " ";
    else {
      const base = c.normalize("NFKD").replace(/\p{M}/gu, "");
      out += base && [...base].every(winAnsiChar) ? base : "?";
    }
  }
  return out;
}

/** `text` cut to fit `width` points in the current font, ending in an ellipsis when cut. */
function fit(doc: PdfDoc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (doc.widthOfString(chars.slice(0, mid).join("") + ELLIPSIS) <= width) lo = mid;
    else hi = mid - 1;
  }
  return chars.slice(0, lo).join("").trimEnd() + ELLIPSIS;
}

/** A value as the table shows it (`renderValue`), objects as relaxed EJSON. */
function cellText(v: unknown, c: Column, tz: string): string {
  if (v && typeof v === "object" && !(v instanceof Date)) {
    const bson = (v as { _bsontype?: unknown })._bsontype;
    v = bson ? String(v) : EJSON.stringify(v as Document, { relaxed: true });
  }
  return toWinAnsi(renderValue(v, c, tz));
}

function isNumeric(c: Column): boolean {
  return c.type === "integer" || c.type === "number" || c.type === "percent" ||
    c.type === "seconds";
}

/**
 * Column widths filling `inner` points: each column's natural width (its widest cell
 * among the first rows, or its header's longest word), and when they do not all fit, the
 * widest columns are narrowed to a common width (their cells end in an ellipsis).
 */
function columnWidths(doc: PdfDoc, cols: Column[], texts: string[][], inner: number): number[] {
  doc.font("Helvetica-Bold").fontSize(BODY_SIZE);
  const floor = cols.map((c) =>
    Math.max(...toWinAnsi(c.label).split(/\s+/).map((w) => doc.widthOfString(w))) + 2 * CELL_PAD
  );
  doc.font("Helvetica").fontSize(BODY_SIZE);
  const natural = cols.map((_, i) => {
    let w = floor[i];
    for (let r = 0; r < Math.min(texts.length, 300); r++) {
      w = Math.max(w, doc.widthOfString(texts[r][i]) + 2 * CELL_PAD);
    }
    return Math.min(w, inner / 2);
  });
  const total = natural.reduce((a, b) => a + b, 0);
  if (total <= inner) return natural.map((w) => w + (inner - total) / cols.length);
  // Water-filling: the widest columns share what the narrower ones leave.
  const sorted = [...natural].sort((a, b) => a - b);
  let left = inner;
  let cap = inner / cols.length;
  for (let i = 0; i < sorted.length; i++) {
    const share = left / (sorted.length - i);
    if (sorted[i] > share) {
      cap = share;
      break;
    }
    left -= sorted[i];
    cap = sorted[i];
  }
  const widths = natural.map((w) => Math.min(w, cap));
  const sum = widths.reduce((a, b) => a + b, 0);
  return widths.map((w) => w * inner / sum);
}

/** Where the table's rows go: one slice of rows per page, from `y` on that page. */
interface TablePlan {
  /** Page index (0 = the first page) and first y of each slice. */
  slices: { page: number; y: number; from: number; to: number }[];
  /** Page and y of the note after the table. */
  note: { page: number; y: number };
  pages: number;
}

/** Lays the table out from `y` on page 0; pure, so the page count is known before drawing. */
function planTable(
  rows: number,
  y: number,
  pageHeight: number,
  noteHeight: number,
): TablePlan {
  const bottom = pageHeight - MARGIN - FOOTER_SPACE;
  const fits = (top: number) => Math.floor((bottom - top - HEADER_H) / ROW_H);
  let page = 0;
  // A table that would start with fewer than three rows starts on the next page.
  if (rows > 0 && fits(y) < Math.min(3, rows)) {
    page++;
    y = MARGIN;
  }
  const slices: TablePlan["slices"] = [];
  let from = 0;
  if (rows === 0) {
    slices.push({ page, y, from: 0, to: 0 });
    y += HEADER_H + ROW_H;
  }
  while (from < rows) {
    const to = Math.min(rows, from + Math.max(1, fits(y)));
    slices.push({ page, y, from, to });
    y += HEADER_H + (to - from) * ROW_H;
    from = to;
    if (from < rows) {
      page++;
      y = MARGIN;
    }
  }
  y += 8;
  if (noteHeight > 0 && y + noteHeight > bottom) {
    page++;
    y = MARGIN;
  }
  return { slices, note: { page, y }, pages: page + 1 };
}

/** A step of 1, 2 or 5 × 10^n giving about five ticks over `range`. */
function niceAxis(range: number): { step: number } {
  if (!(range > 0)) return { step: 1 };
  const raw = range / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return { step: [1, 2, 5, 10].map((m) => m * mag).find((m) => m >= raw) ?? 10 * mag };
}

/** An axis tick in the chart's unit: seconds as m:ss, percents with `%`. */
function tickText(v: number, unit: string | undefined): string {
  if (unit === "s") {
    const s = Math.round(v);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }
  const n = Number.isInteger(v) ? v.toLocaleString("en-US") : String(Number(v.toFixed(2)));
  return unit === "%" ? `${n}%` : n;
}

/** Most categories a chart draws (the first ones, in the report's order). */
const CHART_MAX_POINTS = 60;

/** Draws `spec` (bars, or a line for a series) in the box; returns the box's bottom. */
function drawChart(
  doc: PdfDoc,
  spec: ChartSpec,
  box: { x: number; y: number; w: number; h: number },
): number {
  const labels = spec.labels.slice(0, CHART_MAX_POINTS);
  const data = spec.series[0].data.slice(0, CHART_MAX_POINTS);
  const cut = spec.labels.length > labels.length
    ? ` (first ${labels.length} of ${spec.labels.length})`
    : "";
  doc.font("Helvetica-Bold").fontSize(10).fillColor(INK);
  doc.text(fit(doc, toWinAnsi(spec.title + cut), box.w), box.x, box.y, { lineBreak: false });
  const axisW = 46;
  const plot = { x: box.x + axisW, y: box.y + 20, w: box.w - axisW - 4, h: box.h - 20 - 30 };
  const values = data.filter((v): v is number => v !== null);
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const { step } = niceAxis(hi - lo);
  const min = lo < 0 ? -Math.ceil(-lo / step - 1e-9) * step : 0;
  const max = Math.max(step, Math.ceil(hi / step - 1e-9) * step);
  const span = max - min;
  const ticks = Math.round(span / step);
  const yOf = (v: number) => plot.y + plot.h - ((v - min) / span) * plot.h;
  doc.font("Helvetica").fontSize(7);
  for (let i = 0; i <= ticks; i++) {
    const v = min + step * i;
    const y = yOf(v);
    doc.lineWidth(0.4).strokeColor(RULE).moveTo(plot.x, y).lineTo(plot.x + plot.w, y).stroke();
    doc.fillColor(MUTED).text(tickText(v, spec.unit), box.x, y - 3, {
      width: axisW - 4,
      align: "right",
      lineBreak: false,
    });
  }
  if (spec.y_label) {
    doc.fillColor(MUTED).text(fit(doc, toWinAnsi(spec.y_label), 200), plot.x, plot.y - 9, {
      lineBreak: false,
    });
  }
  const slot = plot.w / Math.max(1, labels.length);
  const partial = spec.partial ?? [];
  if (spec.kind === "line") {
    let drawing = false;
    doc.lineWidth(1.5).strokeColor(BAR);
    data.forEach((v, i) => {
      const x = plot.x + slot * (i + 0.5);
      if (v === null) {
        if (drawing) doc.stroke();
        drawing = false;
        return;
      }
      if (drawing) doc.lineTo(x, yOf(v));
      else doc.moveTo(x, yOf(v));
      drawing = true;
    });
    if (drawing) doc.stroke();
    data.forEach((v, i) => {
      if (v !== null) doc.circle(plot.x + slot * (i + 0.5), yOf(v), 2).fill(BAR);
    });
  } else {
    const barW = Math.max(1, slot * 0.7);
    data.forEach((v, i) => {
      if (v === null) return;
      const x = plot.x + slot * i + (slot - barW) / 2;
      const top = yOf(Math.max(v, 0));
      const h = Math.max(0.5, Math.abs(yOf(v) - yOf(0)));
      doc.rect(x, top, barW, h).fill(partial[i] ? "#9dbbd9" : BAR);
    });
  }
  doc.lineWidth(0.8).strokeColor(MUTED).moveTo(plot.x, yOf(0)).lineTo(plot.x + plot.w, yOf(0))
    .stroke();
  // Category labels: as many as fit side by side, evenly spaced.
  doc.font("Helvetica").fontSize(7).fillColor(INK);
  const every = Math.max(1, Math.ceil(42 / slot));
  labels.forEach((label, i) => {
    if (i % every) return;
    const w = slot * every - 2;
    doc.text(
      fit(doc, toWinAnsi(label), w),
      plot.x + slot * i + slot / 2 - w / 2,
      plot.y + plot.h + 4,
      {
        width: w,
        align: "center",
        lineBreak: false,
      },
    );
  });
  if (spec.x_label) {
    doc.fillColor(MUTED).text(toWinAnsi(spec.x_label), plot.x, plot.y + plot.h + 16, {
      width: plot.w,
      align: "center",
      lineBreak: false,
    });
  }
  return box.y + box.h;
}

/** KPI tiles: the values of a one-row report, else the row count and the totals. */
function kpiTiles(
  input: PdfReportInput,
  cover: ReturnType<typeof reportCover>,
  tz: string,
): { label: string; text: string }[] {
  const { info, rows } = input;
  if (rows.length === 1 && input.totalRows === 1) {
    const tiles = info.columns.flatMap((c, i) =>
      isNumeric(c) ? [{ label: c.label, text: cellText(rows[0][i], c, tz) }] : []
    );
    if (tiles.length) return tiles;
  }
  const rowsField = cover.fields.find((f) => f.label === "Rows");
  return [
    { label: "Rows", text: rowsField?.text ?? String(input.totalRows) },
    ...cover.totals.map((t) => ({
      label: /^total\b/i.test(t.label) ? t.label : `Total ${t.label.toLowerCase()}`,
      text: t.text,
    })),
    ...cover.headline.map((h) => ({ label: h.label, text: h.text })),
  ];
}

const MAX_TILES = 6;

/**
 * Writes the PDF of `input` to `sink` (then closes it), page by page; on error or abort
 * the sink is aborted. Resolves with the rows drawn and the page count.
 */
export async function writeReportPdf(
  input: PdfReportInput,
  sink: WritableStream<Uint8Array>,
  opts: WritePdfOptions,
): Promise<PdfResult> {
  const { info } = input;
  const tz = opts.tz;
  const writer = sink.getWriter();
  let failure: unknown = null;
  const doc = new PDFDocument({
    ...PAGE,
    compress: true,
    info: { Title: info.title, Creator: "Contact center assistant" },
  }) as unknown as PdfDoc;
  const ended = new Promise<void>((resolve, reject) => {
    doc.on("end", () => resolve());
    doc.on("error", (e: never) => reject(e));
  });
  doc.on("data", (chunk: never) => {
    writer.write(new Uint8Array(chunk as Uint8Array)).catch((e) => failure ??= e);
  });
  const check = async () => {
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error("The export was cancelled");
    if (failure) throw failure;
    await writer.ready;
  };
  try {
    const W = doc.page.width;
    const H = doc.page.height;
    const inner = W - 2 * MARGIN;
    const cover = reportCover(info, {
      rows: input.totalRows,
      totals: input.totals,
      tz,
      generatedAt: opts.generatedAt ?? new Date(),
    });
    const shown = input.rows.length;
    const cut = input.kind === "listing" && input.totalRows > shown;
    const count = (n: number) => n.toLocaleString("en-US");
    const excel = input.excelFileName ? ` (${toWinAnsi(input.excelFileName)})` : "";
    const note = cut
      ? `This PDF shows the first ${count(shown)} of ${count(input.totalRows)} rows. ` +
        `Download the Excel file${excel} for all ${count(input.totalRows)} rows.`
      : "";

    // Cover block: title, period, facts on the left, KPI tiles on the right.
    let y = MARGIN;
    doc.font("Helvetica-Bold").fontSize(20).fillColor(INK);
    doc.text(fit(doc, toWinAnsi(cover.title), inner), MARGIN, y, { lineBreak: false });
    y += 26;
    doc.font("Helvetica").fontSize(13).fillColor(MUTED);
    doc.text(fit(doc, toWinAnsi(cover.period), inner), MARGIN, y, { lineBreak: false });
    y += 24;
    const factsW = inner * 0.5;
    let fy = y;
    doc.fontSize(9);
    for (const f of cover.fields) {
      doc.font("Helvetica-Bold").fillColor(MUTED).text(toWinAnsi(f.label), MARGIN, fy, {
        lineBreak: false,
      });
      doc.font("Helvetica").fillColor(INK);
      doc.text(fit(doc, toWinAnsi(f.text), factsW - 90), MARGIN + 90, fy, { lineBreak: false });
      fy += 13;
    }
    const tiles = kpiTiles(input, cover, tz).slice(0, MAX_TILES);
    const tileX = MARGIN + factsW + 10;
    const perRow = 3;
    const tileW = (inner - factsW - 10 - (perRow - 1) * 8) / perRow;
    const tileH = 44;
    tiles.forEach((t, i) => {
      const x = tileX + (i % perRow) * (tileW + 8);
      const ty = y + Math.floor(i / perRow) * (tileH + 8);
      doc.roundedRect(x, ty, tileW, tileH, 4).fill(TILE_FILL);
      doc.font("Helvetica").fontSize(7.5).fillColor(MUTED);
      doc.text(fit(doc, toWinAnsi(t.label), tileW - 12), x + 6, ty + 6, { lineBreak: false });
      doc.font("Helvetica-Bold").fontSize(15).fillColor(INK);
      doc.text(fit(doc, t.text, tileW - 12), x + 6, ty + 20, { lineBreak: false });
    });
    const tilesBottom = y + Math.ceil(tiles.length / perRow) * (tileH + 8);
    y = Math.max(fy, tilesBottom) + 10;

    // The chart, when the report is a breakdown or ranking.
    const spec = chartFor(
      {
        name: info.name ?? "",
        kind: input.kind,
        columns: info.columns,
        rows: input.rows,
        title: info.title,
        ...(info.periodLabel ? { period: { label: info.periodLabel } } : {}),
      },
      input.groupBy ?? undefined,
    );
    if (spec) y = drawChart(doc, spec, { x: MARGIN, y, w: inner, h: 210 }) + 12;

    // The table: widths by column kind, the header repeated on every page.
    const cols = info.columns;
    const texts = input.rows.map((row) => cols.map((c, i) => cellText(row[i], c, tz)));
    const widths = columnWidths(doc, cols, texts, inner);
    const xs = widths.map((_, i) => MARGIN + widths.slice(0, i).reduce((a, b) => a + b, 0));
    const plan = planTable(shown, y, H, note ? 30 : 0);
    let page = 0;
    const footer = () => {
      // No bottom margin while writing below it, or pdfkit would open a page.
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc.font("Helvetica").fontSize(8).fillColor(MUTED);
      const fyy = H - MARGIN - 8;
      doc.lineWidth(0.5).strokeColor(RULE).moveTo(MARGIN, fyy - 5).lineTo(W - MARGIN, fyy - 5)
        .stroke();
      doc.text(fit(doc, toWinAnsi(`${cover.title} - ${cover.period}`), inner - 120), MARGIN, fyy, {
        lineBreak: false,
      });
      doc.text(`Page ${page + 1} of ${plan.pages}`, W - MARGIN - 110, fyy, {
        width: 110,
        align: "right",
        lineBreak: false,
      });
      doc.page.margins.bottom = bottom;
    };
    const toPage = async (target: number) => {
      while (page < target) {
        footer();
        doc.addPage(PAGE);
        page++;
        await check();
      }
    };
    const header = (ty: number) => {
      doc.rect(MARGIN, ty, inner, HEADER_H).fill(HEADER_FILL);
      doc.font("Helvetica-Bold").fontSize(BODY_SIZE).fillColor(INK);
      cols.forEach((c, i) => {
        doc.text(toWinAnsi(c.label), xs[i] + CELL_PAD, ty + 3, {
          width: widths[i] - 2 * CELL_PAD,
          height: HEADER_H - 4,
          ellipsis: true,
          align: isNumeric(c) ? "right" : "left",
        });
      });
    };
    await check();
    for (const slice of plan.slices) {
      await toPage(slice.page);
      header(slice.y);
      let ry = slice.y + HEADER_H;
      doc.font("Helvetica").fontSize(BODY_SIZE).fillColor(INK);
      if (shown === 0) {
        doc.fillColor(MUTED).text("No rows.", MARGIN + CELL_PAD, ry + 3, { lineBreak: false });
      }
      for (let r = slice.from; r < slice.to; r++) {
        if (r % 2 === 1) doc.rect(MARGIN, ry, inner, ROW_H).fill("#f7f9fb");
        doc.fillColor(INK);
        cols.forEach((c, i) => {
          const w = widths[i] - 2 * CELL_PAD;
          doc.text(fit(doc, texts[r][i], w), xs[i] + CELL_PAD, ry + 3.5, {
            width: w,
            align: isNumeric(c) ? "right" : "left",
            lineBreak: false,
          });
        });
        ry += ROW_H;
      }
      doc.lineWidth(0.5).strokeColor(RULE).moveTo(MARGIN, ry).lineTo(W - MARGIN, ry).stroke();
    }
    if (note) {
      await toPage(plan.note.page);
      doc.font("Helvetica-Bold").fontSize(9).fillColor(INK);
      doc.text(note, MARGIN, plan.note.y, { width: inner, lineBreak: true });
    }
    footer();
    doc.end();
    await ended;
    if (failure) throw failure;
    await writer.close();
    return { rows: shown, pages: plan.pages };
  } catch (e) {
    await writer.abort(e).catch(() => {});
    throw e;
  }
}

/** Options of {@link exportReportPdf}. */
export interface ExportPdfOptions {
  signal?: AbortSignal;
  /** When the file is made (default: the real clock). */
  generatedAt?: Date;
  /** Rows of a listing drawn (default {@link PDF_ROW_CAP}). */
  cap?: number;
  /** Documents per `aggregate` call while reading (readAll's default when missing). */
  pageSize?: number;
}

/**
 * Produces a saved report's PDF: reruns its pipeline (bounded by `as_of`, so the rows
 * match the Excel file's) and streams the pages into `sink`. A listing is read up to the
 * cap; past it, one more query counts its rows and sums its additive columns.
 */
export async function exportReportPdf(
  meta: ReportMeta,
  client: DataClient,
  sink: WritableStream<Uint8Array>,
  opts: ExportPdfOptions = {},
): Promise<PdfResult> {
  const pipeline = EJSON.parse(meta.pipeline_ejson) as Document[];
  if (!Array.isArray(pipeline)) {
    throw new Error(`Cannot export report "${meta.id}": its pipeline is not an array`);
  }
  const kind = (meta.name ? getReport(meta.name)?.kind : undefined) ?? "listing";
  const cap = kind === "listing" ? Math.max(1, opts.cap ?? PDF_ROW_CAP) : Infinity;
  const additive = meta.columns.filter(isAdditive);
  const sums = additive.map(() => 0);
  const rows: unknown[][] = [];
  let more = false;
  for await (
    const doc of readAll(client, {
      collection: meta.collection,
      pipeline,
      pageSize: opts.pageSize,
      signal: opts.signal,
    })
  ) {
    if (rows.length >= cap) {
      more = true;
      break;
    }
    rows.push(rowValues(doc, meta.columns));
    additive.forEach((c, i) => {
      const v = doc[c.key];
      if (typeof v === "number") sums[i] += v;
    });
  }
  let totalRows = rows.length;
  if (more) {
    // The rows past the cap still count in the cover and the tiles.
    const group: Document = { _id: null, n: { $sum: 1 } };
    additive.forEach((c, i) => group[`t${i}`] = { $sum: `$${c.key}` });
    const res = await client.aggregate(meta.collection, [...pipeline, { $group: group }], {
      signal: opts.signal,
    });
    const d = res.documents[0] ?? {};
    totalRows = Number(d.n ?? rows.length);
    additive.forEach((_, i) => sums[i] = Number(d[`t${i}`] ?? 0));
  }
  return await writeReportPdf(
    {
      info: {
        title: meta.title,
        columns: meta.columns,
        filters: meta.filters,
        name: meta.name,
        periodLabel: meta.period_label,
        asOf: new Date(meta.as_of),
      },
      kind,
      groupBy: meta.params?.group_by ?? null,
      rows,
      totalRows,
      totals: new Map(additive.map((c, i) => [c.key, sums[i]])),
      excelFileName: meta.file_name,
    },
    sink,
    { tz: meta.tz, signal: opts.signal, generatedAt: opts.generatedAt },
  );
}

/** The PDF's file name: the Excel file's, ending in `.pdf`. */
export function pdfFileName(meta: Pick<ReportMeta, "file_name" | "title">): string {
  const base = meta.file_name || meta.title || "report";
  return `${base.replace(/\.xlsx$/i, "")}.pdf`;
}
