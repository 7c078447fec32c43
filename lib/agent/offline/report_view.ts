/**
 * Tool results as the answer writer reads them (tolerant of shapes), and the phrases
 * and helpers every answer uses: periods, the calls counted, groups and their extremes.
 */
import type { Dimension } from "../../reports/types.ts";
import { andList, mdText, toNumber } from "./format.ts";
import type { Filters, Intent } from "./intent.ts";
import { callsPhrase, DIM_NAME } from "./render.ts";

/** One tool call of the data agent and what came back. */
export interface ToolOutcome {
  tool: string;
  args: Record<string, unknown>;
  ok: boolean;
  error?: string;
  /** The tool result (the envelope's fields). */
  result: Record<string, unknown>;
}

/** A report result as read from a tool result (tolerant of shapes). */
export interface ReportView {
  name: string;
  title: string;
  /** Period label, or null for all data. */
  period: string | null;
  filters: string[];
  keys: string[];
  rows: unknown[][];
  total: number;
  summary: Record<string, unknown>;
  /** The column the rows are sorted by (run_report's `sort_by`), and how. */
  sortedBy?: { key: string; order: "asc" | "desc" };
  /** Groups whose period is not over yet (today's row of a day series): figures so far. */
  notOver?: string[];
}

/** Reads a run_report / make_excel_report result. */
export function readReport(o: Pick<ToolOutcome, "args" | "result">): ReportView {
  const r =
    (o.result.result && typeof o.result.result === "object" ? o.result.result : o.result) as Record<
      string,
      unknown
    >;
  const keys = Array.isArray(r.columns)
    ? r.columns.map((c) => {
      if (typeof c === "string") return c.replace(/\s*\(.*$/, "").trim();
      const obj = c as Record<string, unknown>;
      return String(obj.key ?? obj.label ?? "");
    })
    : [];
  const rawRows = Array.isArray(r.rows) ? r.rows : [];
  // Text from the data goes into answers: inert for markdown from here on.
  const inert = (x: unknown) => typeof x === "string" ? mdText(x) : x;
  const rows = rawRows.map((row) =>
    (Array.isArray(row) ? row : keys.map((k) => (row as Record<string, unknown>)?.[k] ?? null))
      .map(inert)
  );
  const p = r.period;
  let period: string | null = null;
  if (typeof p === "string") period = p;
  else if (p && typeof p === "object" && typeof (p as { label?: unknown }).label === "string") {
    period = (p as { label: string }).label;
  } else if (typeof r.period_label === "string") period = r.period_label;
  if (period && /^all\s+data$/i.test(period.trim())) period = null;
  const name = typeof r.report === "string"
    ? r.report
    : typeof o.args.name === "string"
    ? o.args.name
    : typeof r.name === "string"
    ? r.name
    : "";
  const total = toNumber(r.total_rows) ?? toNumber(r.rows_total) ?? rows.length;
  return {
    name,
    title: typeof r.title === "string" ? r.title : name,
    period,
    filters: Array.isArray(r.filters) ? r.filters.map(String) : [],
    keys,
    rows,
    total,
    summary: r.summary && typeof r.summary === "object"
      ? Object.fromEntries(Object.entries(r.summary).map(([k, x]) => [k, inert(x)]))
      : {},
    ...(Array.isArray(r.not_over) ? { notOver: r.not_over.map((k) => String(k)) } : {}),
    ...(typeof r.sorted_by === "string"
      ? { sortedBy: { key: r.sorted_by, order: r.sort_order === "asc" ? "asc" : "desc" } }
      : {}),
  };
}

/** A cell of a row by column key. */
export function cell(v: ReportView, row: unknown[], key: string): unknown {
  const i = v.keys.indexOf(key);
  return i >= 0 ? row[i] : undefined;
}

/** A summary figure, or the single row's value. */
export function figure(v: ReportView, key: string): number | null {
  const s = toNumber(v.summary[key]);
  if (s !== null) return s;
  if (v.rows.length === 1) return toNumber(cell(v, v.rows[0], key));
  return null;
}

// ---------------------------------------------------------------------------------------
// Phrases

/** "yesterday (23 Nov 2026)", "on 2026-11-20", "in all data". */
export function periodPhrase(label: string | null): string {
  if (!label) return "in all data";
  const l = label.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(l)) return `on ${l}`;
  if (/^(?:mon|tues|wednes|thurs|fri|satur|sun)day\b/i.test(l)) return `on ${l}`;
  if (/^[A-Z][a-z]+ \d{4}$/.test(l) || /^\d{4}$/.test(l)) return `in ${l}`;
  if (/^\d/.test(l) && /\s[–-]\s/.test(l)) {
    const [a, b] = l.split(/\s[–-]\s/);
    return `between ${a} and ${b}`;
  }
  if (/^\d/.test(l)) return `on ${l}`;
  return l;
}

/** The calls a result is about, in words ("calls handled by agent aditya"). */
export function describeCalls(filters: Filters): string {
  const f = inertFilters(filters);
  const st = f.status;
  if (f.agent && st?.length === 1 && st[0] === "answered" && !f.direction) {
    const rest = callsPhrase({ ...f, status: undefined, agent: undefined });
    return `${rest} handled by agent ${f.agent}`.replace(/^calls /, "calls ");
  }
  if (f.agent && f.direction === "outgoing" && !st?.length) {
    const rest = callsPhrase({ ...f, direction: undefined, agent: undefined });
    return `${rest.replace(/^calls/, "outgoing calls")} made by agent ${f.agent}`;
  }
  return callsPhrase(f);
}

/** The filters with their names made inert for markdown. */
function inertFilters(f: Filters): Filters {
  const out: Filters = { ...f };
  for (const k of ["agent", "queue", "customer", "disposition", "city", "segment"] as const) {
    const v = out[k];
    if (typeof v === "string") out[k] = mdText(v);
  }
  return out;
}

/** Markdown bold. */
export function bold(s: string): string {
  return `**${s}**`;
}

/** A dimension in words ("queue", "queues"). */
export function dimName(d: Dimension | undefined, n = 1): string {
  if (!d) return n === 1 ? "group" : "groups";
  return DIM_NAME[d][n === 1 ? 0 : 1];
}

/** A group key as text ("(none)" when missing). */
export function keyText(k: unknown): string {
  if (k === null || k === undefined || k === "") return "(none)";
  return String(k);
}

/** " so far" after the figures of a group whose period is not over yet, else "". */
export function soFar(v: ReportView, key: string): string {
  return v.notOver?.includes(key) ? " so far" : "";
}

/** Tidies spaces and capitalises the first letter. */
export function sentence(s: string): string {
  const t = s.replace(/\s+/g, " ").replace(/\s+([.,;:])/g, "$1").trim();
  return t ? t[0].toUpperCase() + t.slice(1) : t;
}

// ---------------------------------------------------------------------------------------
// Groups

/** One group of a grouped result. */
export interface Group {
  key: string;
  value: number;
  row: unknown[];
}

/** Rows as (key, value) for a grouped result; the key is the first column. */
export function groups(v: ReportView, valueKey: string): Group[] {
  const keyCol = v.keys[0];
  const out: Group[] = [];
  for (const row of v.rows) {
    const value = toNumber(cell(v, row, valueKey));
    if (value === null) continue;
    out.push({ key: keyText(cell(v, row, keyCol)), value, row });
  }
  return out;
}

/** True when every row of the result is here (not only a preview). */
export function complete(v: ReportView): boolean {
  return v.rows.length >= v.total;
}

/**
 * True when the rows here come first in the order of a ranking by `key` (highest first
 * for "max"): the groups at that end of the ranking are among them.
 */
export function rankedBy(v: ReportView, key: string, order: "max" | "min" | undefined): boolean {
  return Boolean(order) && v.sortedBy?.key === key &&
    v.sortedBy.order === (order === "min" ? "asc" : "desc");
}

/** The group with the largest or smallest value. */
export function extreme(gs: Group[], order: "max" | "min"): Group | null {
  let best: Group | null = null;
  for (const g of gs) {
    if (!best || (order === "max" ? g.value > best.value : g.value < best.value)) best = g;
  }
  return best;
}

/**
 * The keys of the groups whose value is `g`'s, `g`'s first: all such groups when the rows
 * here hold that end of the ranking (every row, or sorted by `valueKey` that way), else
 * `g`'s alone. `more` when every row here ties and more rows exist (there may be others).
 */
export function tiedKeys(
  v: ReportView,
  gs: Group[],
  g: { key: string; value: number },
  opts: { order: "max" | "min"; valueKey: string },
): { keys: string[]; more: boolean } {
  if (!complete(v) && !rankedBy(v, opts.valueKey, opts.order)) {
    return { keys: [g.key], more: false };
  }
  const others = gs.filter((x) => x.value === g.value && x.key !== g.key).map((x) => x.key);
  const keys = [g.key, ...others];
  return { keys, more: keys.length > 1 && !complete(v) && keys.length >= gs.length };
}

/** Tied keys in bold as a list: "**a**", "**a** and **b**", "**a**, **b** and others". */
export function tiedNames(t: { keys: string[]; more: boolean }): string {
  const names = t.keys.map((k) => bold(k));
  return t.more ? `${names.join(", ")} and others` : andList(names);
}

/** Groups sorted by value, largest or smallest first. */
export function sortGroups(gs: Group[], order: "max" | "min"): Group[] {
  return [...gs].sort((a, b) => order === "max" ? b.value - a.value : a.value - b.value);
}

/** " of outgoing calls in the billing queue", or "" for all calls. */
export function scopeOf(f: Filters): string {
  const p = describeCalls(f);
  return p === "calls" ? "" : ` of ${p}`;
}

/** Writes the answer for one report result. */
export type Fmt = (i: Intent, v: ReportView) => string;
