/**
 * Formatting of values for the chat: table cells by column type, durations, counts,
 * relative times. Pure functions, the same on the server and in the browser.
 */

import { COLUMN_TYPES, type ColumnType } from "../lib/reports/types.ts";

const LOCALE = "en-US";
const integerFormat = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const numberFormat = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 });
const percentFormat = new Intl.NumberFormat(LOCALE, {
  minimumFractionDigits: 1,
  maximumFractionDigits: 2,
});

/** Column types a table may declare: the report catalog's column types. */
export type CellType = ColumnType;

const CELL_TYPES: readonly CellType[] = COLUMN_TYPES;

/** Formats a count with thousands separators: `4079` → `4,079`. */
export function formatCount(n: number): string {
  return integerFormat.format(n);
}

/** Formats a number with up to two decimals and thousands separators. */
export function formatNumber(n: number): string {
  return numberFormat.format(n);
}

/**
 * Formats seconds as `m:ss`, or `h:mm:ss` from one hour up: `265` → `4:25`.
 * Fractions are rounded to whole seconds; negative values keep their sign.
 */
export function formatSeconds(seconds: number): string {
  const sign = seconds < 0 ? "-" : "";
  let s = Math.round(Math.abs(seconds));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, "0")}:${ss}` : `${sign}${m}:${ss}`;
}

/** Formats a percentage given on a 0–100 scale: `12.345` → `12.35%`. */
export function formatPercent(value: number): string {
  return `${percentFormat.format(value)}%`;
}

/**
 * Shows an ISO date-time as the wall time it carries (`2026-11-24T09:05:00+05:30` →
 * `2026-11-24 09:05`); the server already expresses it in the business zone. A UTC
 * instant (`…Z`) keeps a `UTC` suffix. Anything else is returned unchanged.
 */
export function formatDateTime(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/
    .exec(value);
  if (!m) return value;
  return m[3] === "Z" ? `${m[1]} ${m[2]} UTC` : `${m[1]} ${m[2]}`;
}

/** Shows an ISO date (or the date part of a date-time) as `YYYY-MM-DD`. */
export function formatDate(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:$|T)/.exec(value);
  return m ? m[1] : value;
}

/** Narrows a declared column type to the known ones; unknown types read as strings. */
export function toCellType(type: string | undefined): CellType | null {
  if (type === undefined) return null;
  return (CELL_TYPES as readonly string[]).includes(type) ? type as CellType : "string";
}

/**
 * Guesses a column type from its values (used when a table declares no types): numeric
 * columns are numbers (integers when every value is whole), the rest strings.
 */
export function inferCellType(values: readonly unknown[]): CellType {
  let seen = false;
  let whole = true;
  for (const v of values) {
    if (v === null || v === undefined || v === "") continue;
    if (typeof v !== "number" || !Number.isFinite(v)) return "string";
    seen = true;
    if (!Number.isInteger(v)) whole = false;
  }
  if (!seen) return "string";
  return whole ? "integer" : "number";
}

/** True for types whose cells are right-aligned. */
export function isNumericType(type: CellType): boolean {
  return type === "integer" || type === "number" || type === "percent" || type === "seconds";
}

/** Formats one table cell for display. `null`/`undefined` show as an em dash. */
export function formatCell(value: unknown, type: CellType): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return String(value);
    switch (type) {
      case "integer":
        return formatCount(value);
      case "number":
        return formatNumber(value);
      case "percent":
        return formatPercent(value);
      case "seconds":
        return formatSeconds(value);
      case "string":
      case "datetime":
      case "date":
        return formatNumber(value);
    }
  }
  if (typeof value === "string") {
    if (type === "datetime") return formatDateTime(value);
    if (type === "date") return formatDate(value);
    return value;
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  return JSON.stringify(value);
}

/** Cuts text to `max` characters at a word boundary when possible, adding `…`. */
export function truncate(text: string, max: number): string {
  const clean = text.replace(/\s+/g, " ").trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  if (clean[max - 1] === " ") return `${cut.trimEnd()}…`;
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Says how long ago an instant was, briefly: `just now`, `5 min ago`, `3 h ago`, `2 d ago`, or a date. */
export function relativeTime(iso: string, now: Date): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "";
  const seconds = Math.max(0, Math.round((now.getTime() - t) / 1000));
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 7) return `${days} d ago`;
  return new Date(t).toISOString().slice(0, 10);
}

/** Formats an instant as local `HH:MM` for message timestamps. */
export function clockTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleTimeString(LOCALE, { hour: "2-digit", minute: "2-digit", hour12: false });
}

/** Formats milliseconds briefly: `850 ms`, `1.2 s`, `1:05 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${formatSeconds(ms / 1000)} min`;
}

/**
 * Summarises tool arguments in one short line: `collection: calls · pipeline: [3 stages]`.
 */
export function summarizeArgs(args: Record<string, unknown>, max = 120): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(args)) {
    let shown: string;
    if (Array.isArray(value)) {
      shown = key === "pipeline" ? `[${value.length} stages]` : `[${value.length} items]`;
    } else if (value !== null && typeof value === "object") {
      shown = JSON.stringify(value);
    } else {
      shown = String(value);
    }
    parts.push(`${key}: ${shown}`);
  }
  return truncate(parts.join(" · "), max);
}

/**
 * Formats a half-open period `[start, end)` of ISO instants for a tooltip, in `timeZone`
 * (the browser's when omitted): `Mon 9 Nov 2026, 00:00 – Mon 16 Nov 2026, 00:00 (GMT+5:30)`.
 * The zone name is said once when both ends share it. Unparseable input comes back as given.
 */
export function formatInstantRange(start: string, end: string, timeZone?: string): string {
  const a = new Date(start);
  const b = new Date(end);
  if (Number.isNaN(a.getTime()) || Number.isNaN(b.getTime())) return `${start} – ${end}`;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat("en-GB", {
      weekday: "short",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
      timeZone,
    });
  } catch {
    return `${start} – ${end}`;
  }
  const split = (d: Date) => {
    const parts = fmt.formatToParts(d);
    const zone = parts.find((p) => p.type === "timeZoneName")?.value ?? "";
    const text = parts.filter((p) => p.type !== "timeZoneName").map((p) => p.value).join("")
      .replace(/\s+$/, "");
    return { text, zone };
  };
  const from = split(a);
  const to = split(b);
  return from.zone === to.zone
    ? `${from.text} – ${to.text} (${from.zone})`
    : `${from.text} (${from.zone}) – ${to.text} (${to.zone})`;
}

/** Shows an ISO instant as exact UTC: `2026-11-08T18:30:00.000Z` → `2026-11-08 18:30 UTC`. */
export function formatUtcInstant(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const s = d.toISOString();
  const seconds = s.slice(17, 23) === "00.000" ? "" : `:${s.slice(17, 19)}`;
  return `${s.slice(0, 10)} ${s.slice(11, 16)}${seconds} UTC`;
}

/** The exact value of a seconds cell, for its tooltip: `363.16` → `363.16 s`. */
export function secondsTitle(seconds: number): string {
  return `${formatNumber(seconds)} s`;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Text made safe for a spreadsheet (CSV formula injection, OWASP): a value beginning with
 * `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`, unless it is a plain
 * number (`+919812345678`, `-42`, `-3.5`), which a spreadsheet reads as a number anyway.
 */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A cell as CSV text: numbers as plain numbers (seconds stay seconds, percents 0–100),
 * dates as the table holds them (local wall time), missing values empty, text
 * neutralised against formulas.
 */
export function csvValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "yes" : "no";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return csvField(neutralizeFormula(text));
}

/** A table as CSV text: a header row of `columns`, then `rows`, lines ending in CRLF. */
export function toCsv(columns: string[], rows: unknown[][]): string {
  const lines = [columns.map((c) => csvField(neutralizeFormula(c))).join(",")];
  for (const row of rows) lines.push(columns.map((_, i) => csvValue(row[i])).join(","));
  return lines.join("\r\n") + "\r\n";
}
