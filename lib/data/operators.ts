/**
 * Expression operators where mingo 7 answers differently from MongoDB, rewritten to
 * MongoDB's documented semantics for the engine's operator context:
 *
 * - `$round: [number, place]` rounds half to even, on the number's exact value (a double
 *   is read as a decimal of 34 significant digits, as MongoDB does): `[2.5, 0]` → 2,
 *   `[3.5, 0]` → 4, `[29.5454, 2]` → 29.55, `[1234.5678, -2]` → 1200. mingo rounds
 *   29.5454 to 29.54.
 * - `$trunc: [number, place]` truncates toward zero the same way (mingo turns
 *   `[2.99999, 2]` into 3).
 * - `$indexOfCP: [string, substring, start?, end?]` (missing from mingo): the code-point
 *   index of the first match that starts in [start, end), or -1.
 *
 * @module
 */
import { evalExpr } from "mingo/core";
import type { Any, AnyObject, ExpressionOperator, Options } from "mingo/types";

const MIN_PLACE = -20;
const MAX_PLACE = 100;
/** Significant digits of a Decimal128, the precision MongoDB reads a double with. */
const DECIMAL128_DIGITS = 34;

type Rounding = "half_even" | "toward_zero";

const powers = new Map<string, bigint>();

/** `base ** exp` as a BigInt, cached. */
function power(base: 5n | 10n, exp: number): bigint {
  const key = `${base}^${exp}`;
  let p = powers.get(key);
  if (p === undefined) {
    p = base ** BigInt(exp);
    if (powers.size > 4096) powers.clear();
    powers.set(key, p);
  }
  return p;
}

/** `n / d` for non-negative `n`, rounded by `mode`. */
function divide(n: bigint, d: bigint, mode: Rounding): bigint {
  const q = n / d;
  if (mode === "toward_zero") return q;
  const twice = 2n * (n % d);
  if (twice > d || (twice === d && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** The exact value of a finite, non-zero `|x|` as `digits × 10^-scale`. */
function exactDecimal(x: number): { digits: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = hi >>> 20;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exp2 = (biased === 0 ? 1 : biased) - 1075;
  if (exp2 >= 0) return { digits: mantissa << BigInt(exp2), scale: 0 };
  // m × 2^-k = m × 5^k × 10^-k
  return { digits: mantissa * power(5n, -exp2), scale: -exp2 };
}

/**
 * `x` rounded (half to even) or truncated at decimal `place` (negative: left of the
 * point), as MongoDB computes it for a double: the exact value is taken to 34
 * significant digits, then to `place`, then back to the nearest double.
 */
export function roundDecimal(x: number, place: number, mode: Rounding = "half_even"): number {
  if (!Number.isFinite(x) || x === 0) return x;
  let { digits, scale } = exactDecimal(x);
  const length = digits.toString().length;
  if (length > DECIMAL128_DIGITS) {
    const drop = length - DECIMAL128_DIGITS;
    digits = divide(digits, power(10n, drop), "half_even");
    scale -= drop;
  }
  if (scale <= place) return x;
  digits = divide(digits, power(10n, scale - place), mode);
  const magnitude = Number(`${digits}e${-place}`);
  return x < 0 ? -magnitude : magnitude;
}

function fail(message: string): never {
  throw new Error(message);
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (v instanceof Date) return "date";
  return typeof v;
}

const isNullish = (v: unknown) => v === null || v === undefined;

/** `$round` / `$trunc` with MongoDB's arguments, errors and rounding. */
function roundOperator(name: string, mode: Rounding): ExpressionOperator {
  return (obj: AnyObject, expr: Any, options: Options): Any => {
    const args = Array.isArray(expr) ? expr : [expr];
    if (args.length < 1 || args.length > 2) {
      fail(`Expression ${name} takes at least 1 argument, and at most 2, got ${args.length}`);
    }
    const values = evalExpr(obj, args, options) as unknown[];
    const n = values[0];
    if (isNullish(n)) return null;
    if (typeof n !== "number") fail(`${name} only supports numeric types, not ${typeName(n)}`);
    let place = 0;
    if (args.length > 1) {
      const p = values[1];
      if (isNullish(p)) return null;
      if (typeof p !== "number" || !Number.isInteger(p)) {
        fail(`precision argument to ${name} must be a integral value`);
      }
      if (p < MIN_PLACE || p > MAX_PLACE) {
        fail(`cannot apply ${name} with precision value ${p} value must be in [-20, 100]`);
      }
      place = p;
    }
    return roundDecimal(n, place, mode);
  };
}

/** MongoDB's `$round`: half to even at decimal `place` (default 0). */
export const $round: ExpressionOperator = roundOperator("$round", "half_even");

/** MongoDB's `$trunc`: toward zero at decimal `place` (default 0). */
export const $trunc: ExpressionOperator = roundOperator("$trunc", "toward_zero");

function indexArgument(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isInteger(v)) {
    fail(`$indexOfCP requires an integral ${what}, found a value of type: ${typeName(v)}`);
  }
  if (v < 0) fail(`$indexOfCP requires a nonnegative ${what}, found: ${v}`);
  return v;
}

/**
 * MongoDB's `$indexOfCP`: the code-point index in the string of the first occurrence of
 * the substring that starts at or after `start` and before `end` (the match itself may
 * run past `end`), or -1; null when the string is null or missing.
 */
export const $indexOfCP: ExpressionOperator = (
  obj: AnyObject,
  expr: Any,
  options: Options,
): Any => {
  if (!Array.isArray(expr) || expr.length < 2 || expr.length > 4) {
    fail("Expression $indexOfCP takes at least 2 arguments, and at most 4");
  }
  const values = evalExpr(obj, expr, options) as unknown[];
  const [input, token] = values;
  if (isNullish(input)) return null;
  if (typeof input !== "string") {
    fail(`$indexOfCP requires a string as the first argument, found: ${typeName(input)}`);
  }
  if (typeof token !== "string") {
    fail(`$indexOfCP requires a string as the second argument, found: ${typeName(token)}`);
  }
  const start = values.length > 2 ? indexArgument(values[2], "starting index") : 0;
  // UTF-16 offset of each code point.
  const offsets: number[] = [];
  for (let i = 0; i < input.length;) {
    offsets.push(i);
    const c = input.codePointAt(i)!;
    i += c > 0xffff ? 2 : 1;
  }
  const length = offsets.length;
  const end = values.length > 3
    ? Math.min(length, indexArgument(values[3], "ending index"))
    : length;
  if (end < start) return -1;
  if (start === 0 && input === "" && token === "") return 0;
  for (let cp = start; cp < end; cp++) {
    if (input.startsWith(token, offsets[cp])) return cp;
  }
  return -1;
};

/** The operators of this module, for an operator context's `expression` overrides. */
export const mongoExpressionOperators: Record<string, ExpressionOperator> = {
  $round,
  $trunc,
  $indexOfCP,
};
