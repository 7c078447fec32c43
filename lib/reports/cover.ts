/**
 * What a report file says about its rows before the rows: the title, the period in
 * words, the filters, the row count, when the data was read and the file generated (in
 * the business zone), the totals of additive columns and the headline figures. The Excel
 * "Summary" sheet and the PDF cover block are both drawn from {@link reportCover}, so
 * the two files word these the same way.
 */
import type { Column } from "./types.ts";

/** What a report file knows about its rows (the Excel writer's `XlsxReportInfo`). */
export interface ReportInfo {
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

/** One fact of the cover: a label and its value as a person reads it. */
export interface CoverField {
  label: string;
  /** The value for a spreadsheet cell: a number (the row count) or text. */
  value: string | number;
  /** The value in words. */
  text: string;
}

/** One total of an additive column. */
export interface CoverTotal {
  column: Column;
  /** The column's label without its unit suffix. */
  label: string;
  value: number;
  /** Counts with thousands separators, durations as h:mm:ss. */
  text: string;
}

/** One headline figure (`ReportInfo.summary`). */
export interface CoverFigure {
  key: string;
  /** The key in words: `total_talk_seconds` → `Total talk`, `aht` → `AHT`. */
  label: string;
  value: number | string | null;
  text: string;
}

/** What {@link reportCover} is told about the rows besides the report itself. */
export interface CoverFacts {
  /** Data rows the file has. */
  rows: number;
  /** Sums of the additive columns (see {@link isAdditive}), by column key. */
  totals: Map<string, number>;
  /** The data sheets the rows span (Excel only; more than one past Excel's row limit). */
  sheets?: { name: string; rows: number }[];
  /** IANA business zone. */
  tz: string;
  /** When the file is made. */
  generatedAt: Date;
}

/** The cover of a report file, in reading order. */
export interface ReportCover {
  title: string;
  /** The period in words, capitalised: "Today (24 Nov 2026)", or "All data". */
  period: string;
  /** Covers, filters (one a line, the first labelled), rows, sheets, as of, generated, entry. */
  fields: CoverField[];
  /** Totals of additive columns, in column order. */
  totals: CoverTotal[];
  /** Headline figures, when known. */
  headline: CoverFigure[];
}

/** Columns whose sum means something (counts and total durations, not averages). */
export function isAdditive(c: Column): boolean {
  return (c.type === "integer" || c.type === "seconds") &&
    !/^(avg_|min_|max_|aht|asa|unique_)/.test(c.key);
}

/** `24 Nov 2026, 14:30` in `tz`. */
export function wordsDateTime(d: Date, tz: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: tz,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(d);
}

/** `total_talk_seconds` → `Total talk` (durations show as h:mm:ss), `aht` → `AHT`. */
export function humanKey(key: string): string {
  const words = key.replace(/_seconds$/, "").replace(/_pct$/, "_(%)").split("_")
    .map((w) => /^(aht|asa)$/.test(w) ? w.toUpperCase() : w).join(" ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Seconds as `h:mm:ss` (hours past 24 stay hours), as Excel's `[h]:mm:ss` shows them. */
export function hms(seconds: number): string {
  const sign = seconds < 0 ? "-" : "";
  const s = Math.round(Math.abs(seconds));
  const two = (n: number) => String(n).padStart(2, "0");
  return `${sign}${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

const COUNT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const NUMBER = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/** A headline figure in words, read from its key (durations h:mm:ss, `_pct` as percent). */
export function figureText(key: string, v: number | string | null): string {
  if (typeof v === "string") return v;
  if (typeof v !== "number" || !Number.isFinite(v)) return "—";
  if (/(_seconds$|^aht$|^asa$)/.test(key)) return hms(v);
  if (/_pct$/.test(key)) return `${v.toFixed(2)}%`;
  return Number.isInteger(v) ? COUNT.format(v) : NUMBER.format(v);
}

/** A column's label without its unit suffix: "Talk (s)" → "Talk". */
function plainLabel(c: Column): string {
  return c.label.replace(/\s*\((s|sec|seconds)\)\s*$/i, "");
}

/**
 * The cover of a report file: the title and period in words, then what the rows are
 * (filters, count, as-of and generated instants in the business zone), their totals
 * (durations as h:mm:ss) and headline figures.
 */
export function reportCover(info: ReportInfo, facts: CoverFacts): ReportCover {
  const label = info.periodLabel ?? "All data";
  const fields: CoverField[] = [];
  const field = (label: string, value: string | number, text = String(value)) =>
    fields.push({ label, value, text });
  if (info.period) {
    // The rows stop at the as-of instant when the period reaches past it ("today").
    const end = Math.min(info.period.end.getTime(), info.asOf.getTime());
    const from = wordsDateTime(info.period.start, facts.tz);
    field("Covers", `${from} – ${wordsDateTime(new Date(end), facts.tz)} (${facts.tz})`);
  }
  // The period is the subtitle; the other filters follow, one a line.
  const filters = info.filters.filter((f) => !/^period:/i.test(f));
  if (filters.length) filters.forEach((f, i) => field(i === 0 ? "Filters" : "", f));
  else field("Filters", "none");
  field("Rows", facts.rows, COUNT.format(facts.rows));
  const sheets = facts.sheets ?? [];
  if (sheets.length > 1) {
    // Past Excel's row limit the rows continue on further sheets: say where.
    field(
      "Sheets",
      `The rows span ${sheets.length} sheets: ` +
        sheets.map((s) => `"${s.name}" (${COUNT.format(s.rows)} rows)`).join(", "),
    );
  }
  field("Data as of", `${wordsDateTime(info.asOf, facts.tz)} (${facts.tz})`);
  field("Generated", `${wordsDateTime(facts.generatedAt, facts.tz)} (${facts.tz})`);
  if (info.name) field("Catalog report", info.name);
  const totals: CoverTotal[] = [];
  for (const c of info.columns) {
    const t = facts.totals.get(c.key);
    if (t === undefined) continue;
    const text = c.type === "seconds" ? hms(t) : c.type === "integer" ? COUNT.format(t) : NUMBER
      .format(t);
    totals.push({ column: c, label: plainLabel(c), value: t, text });
  }
  const headline = Object.entries(info.summary ?? {}).map(([key, value]): CoverFigure => ({
    key,
    label: humanKey(key),
    value,
    text: figureText(key, value),
  }));
  return {
    title: info.title,
    period: label.charAt(0).toUpperCase() + label.slice(1),
    fields,
    totals,
    headline,
  };
}
