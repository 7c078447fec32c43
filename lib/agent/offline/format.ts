/**
 * Number formats of the offline planner's answers: whole numbers with thousands
 * separators, rates with two decimals, durations in seconds plus m:ss (or h:mm:ss).
 */

/** A number from a cell or summary value, or null. */
export function toNumber(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** "36,241". */
export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** "1,234.5" with at most `digits` decimals. */
export function fmtNum(n: number, digits = 2): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: digits });
}

/**
 * Text from the data (names, queues, cities, any string cell) made inert for markdown:
 * characters that would start a link, image, emphasis, code, table cell, heading or HTML
 * are escaped, line breaks become spaces and the ends are trimmed (so `**name**` stays bold
 * and shows no stray asterisks), so the text shows as written.
 */
export function mdText(s: string): string {
  // Data text never starts a line in an answer (line breaks become spaces), so line-start
  // markers (#, -, 1.) cannot take effect; what can, mid-line, is escaped.
  return s
    .replace(/\s*[\r\n\t\u2028\u2029]+\s*/g, " ")
    .trim()
    .replace(/[\\`*[\]<>|~]/g, "\\$&")
    .replace(/(^|[^\p{L}\p{N}])_|_(?=$|[^\p{L}\p{N}])/gu, (m) => m.replace("_", "\\_"));
}

/** "9.90%" (the value is already a percentage, 0–100). */
export function fmtPct(n: number): string {
  return `${n.toFixed(2)}%`;
}

/** "4:36", "53:37:19" (rounded to the second). */
export function clock(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** "276.32 s (4:36)", "193,039 s (53:37:19)". */
export function fmtSeconds(n: number): string {
  return `${fmtNum(n, 2)} s (${clock(n)})`;
}

/** "1 call", "2 calls". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${fmtInt(n)} ${n === 1 ? one : many}`;
}

/** "a, b and c". */
export function andList(xs: string[]): string {
  if (xs.length <= 1) return xs.join("");
  return `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`;
}
