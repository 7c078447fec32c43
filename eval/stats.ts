/**
 * Plain-loop statistics over call rows and the expectations of `check.py`, shared by the
 * question families of the generated evaluation (`expectations.ts`, `guard.ts`).
 */
import type { CallRow } from "./calls.ts";

/** One expectation of `check.py`. */
export type Expectation =
  | { kind: "number"; value: number; rel_tol: number; abs_tol: number; units?: "seconds" }
  | { kind: "percent"; value: number; abs_tol: number }
  | { kind: "text"; any_of: string[] }
  | { kind: "table"; rows: Record<string, number[]>; rel_tol: number; units?: "seconds" }
  | { kind: "report"; rows: number }
  | { kind: "outcome"; any_of: Outcome[] };

/** The `outcome` of a turn in the CLI JSON (`../shared/contract/CLI.md`). */
export type Outcome = "answered" | "clarified" | "refused";

/** Which calls a statistic counts. */
export type Pred = (c: CallRow) => boolean;

/** Calls matching `pred`. */
export function count(calls: readonly CallRow[], pred: Pred): number {
  let n = 0;
  for (const c of calls) if (pred(c)) n++;
  return n;
}

/** Mean of `value` over the calls matching `pred` (NaN when none). */
export function mean(calls: readonly CallRow[], pred: Pred, value: (c: CallRow) => number): number {
  let n = 0;
  let sum = 0;
  for (const c of calls) {
    if (pred(c)) {
      n++;
      sum += value(c);
    }
  }
  return n ? sum / n : NaN;
}

/** Calls matching `pred` per key (calls with a null key are left out). */
export function countBy(calls: readonly CallRow[], pred: Pred, key: (c: CallRow) => string | null) {
  const out = new Map<string, number>();
  for (const c of calls) {
    if (!pred(c)) continue;
    const k = key(c);
    if (k === null) continue;
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

/** Mean of `value` per key over the calls matching `pred`. */
export function meanBy(
  calls: readonly CallRow[],
  pred: Pred,
  key: (c: CallRow) => string | null,
  value: (c: CallRow) => number,
) {
  const sums = new Map<string, [number, number]>();
  for (const c of calls) {
    if (!pred(c)) continue;
    const k = key(c);
    if (k === null) continue;
    const s = sums.get(k) ?? [0, 0];
    s[0] += value(c);
    s[1]++;
    sums.set(k, s);
  }
  return new Map([...sums].map(([k, [sum, n]]) => [k, sum / n]));
}

/** The single key with the largest (or smallest) value, or null on a tie. */
export function uniqueExtreme(
  values: Map<string, number>,
  largest: boolean,
): [string, number] | null {
  const sorted = [...values].sort((a, b) => largest ? b[1] - a[1] : a[1] - b[1]);
  if (sorted.length === 0) return null;
  if (sorted.length > 1 && sorted[0][1] === sorted[1][1]) return null;
  return sorted[0];
}

/** The keys of a map, sorted. */
export function sortedKeys<T>(m: Map<string, T>): string[] {
  return [...m.keys()].sort();
}

/** Status and direction predicates; the handle time of DATA.md (talk + hold + wrap-up). */
export const answered: Pred = (c) => c.status === "answered";
export const incoming: Pred = (c) => c.direction === "incoming";
export const outgoing: Pred = (c) => c.direction === "outgoing";
export const handle = (c: CallRow) => c.talk + c.hold + c.wrap;

/** Calls matching every predicate. */
export function and(...preds: Pred[]): Pred {
  return (call) => preds.every((p) => p(call));
}

// ---------------------------------------------------------------------------------------
// Expectations

/** A number the answer text must show. */
export function n(value: number, relTol = 0.005): Expectation {
  return { kind: "number", value, rel_tol: relTol, abs_tol: 0.0 };
}

/** A duration in seconds the answer text must show (any unit). */
export function seconds(value: number, relTol: number): Expectation {
  return { kind: "number", value, rel_tol: relTol, abs_tol: 0.0, units: "seconds" };
}

/** The percentage `part / whole` the answer text must show. */
export function pct(part: number, whole: number): Expectation {
  return { kind: "percent", value: Math.round(part / whole * 1e6) / 1e4, abs_tol: 0.15 };
}

/** A table with one number per row key. */
export function table(rows: Map<string, number>, relTol = 0.005, units?: "seconds"): Expectation {
  const out: Record<string, number[]> = {};
  for (const [k, v] of rows) out[k] = [v];
  return units ? { kind: "table", rows: out, rel_tol: relTol, units } : {
    kind: "table",
    rows: out,
    rel_tol: relTol,
  };
}

/** The turn's `outcome` must be one of `any_of`. */
export function outcome(...anyOf: Outcome[]): Expectation {
  return { kind: "outcome", any_of: anyOf };
}
