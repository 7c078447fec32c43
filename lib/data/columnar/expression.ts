/**
 * Aggregation expressions compiled over the rows of a {@link ColumnTable}, with mingo's
 * semantics, for what `$group` accumulators use: field paths, literals, `$cond`,
 * `$eq`, `$ne`, `$gt`, `$gte`, `$lt`, `$lte`, `$and`, `$or`, `$not`, `$add`, `$ifNull`.
 * Anything else does not compile; a value the compiled form does not model at run
 * time throws {@link ColumnarUnsupported}, and the caller leaves the query to mingo.
 *
 * @module
 */
import { isEqual, isNil } from "mingo/util";
import { type Column, type ColumnTable, Kind } from "./column_table.ts";

/** Thrown when a compiled plan meets a value it does not model; the caller falls back. */
export class ColumnarUnsupported extends Error {
  constructor(what: string) {
    super(`The columnar executor does not model ${what}`);
    this.name = "ColumnarUnsupported";
  }
}

/** The value of an expression at a row. */
export type RowValue = (row: number) => unknown;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null &&
    (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
}

/** The top-level field a `"$field"` path names, or null for other strings. */
export function fieldPath(v: unknown): string | null {
  if (typeof v !== "string" || !v.startsWith("$") || v.startsWith("$$")) return null;
  const f = v.slice(1);
  return f.length > 0 && !f.includes(".") && !f.startsWith("$") ? f : null;
}

/** Reads a column's value at a row (undefined when missing). */
export function columnReader(col: Column | undefined): RowValue | null {
  if (!col) return () => undefined;
  if (!col.scalar) return null;
  const { kinds } = col;
  if (!col.has(Kind.STRING, Kind.DATE, Kind.TRUE, Kind.FALSE, Kind.OBJECT_ID)) {
    const nums = col.nums;
    return (r) => {
      const k = kinds[r];
      return k === Kind.NUMBER ? nums![r] : k === Kind.NULL ? null : undefined;
    };
  }
  return (r) => col.value(r);
}

/** Compiles `expr`, or returns null when it is outside the vocabulary. */
export function compileExpression(table: ColumnTable, expr: unknown): RowValue | null {
  if (typeof expr === "string") {
    if (!expr.startsWith("$")) return () => expr;
    const f = fieldPath(expr);
    return f === null ? null : columnReader(table.column(f));
  }
  if (expr === null || typeof expr === "number" || typeof expr === "boolean") return () => expr;
  if (!isPlainObject(expr)) return null;
  const keys = Object.keys(expr);
  if (keys.length !== 1 || !keys[0].startsWith("$")) return null;
  const op = keys[0];
  const arg = expr[op];
  if (op === "$literal") {
    return arg === null || ["number", "string", "boolean"].includes(typeof arg) ? () => arg : null;
  }
  if (op === "$cond") return compileCond(table, arg);
  if ((op === "$eq" || op === "$ne") && Array.isArray(arg) && arg.length === 2) {
    const fast = fieldEquals(table, arg[0], arg[1]);
    if (fast) return op === "$eq" ? fast : (r) => !fast(r);
  }
  const args = Array.isArray(arg) ? arg : [arg];
  const fns: RowValue[] = [];
  for (const a of args) {
    const f = compileExpression(table, a);
    if (!f) return null;
    fns.push(f);
  }
  return operator(op, fns, Array.isArray(arg));
}

function compileCond(table: ColumnTable, arg: unknown): RowValue | null {
  let parts: unknown[];
  if (Array.isArray(arg) && arg.length === 3) parts = arg;
  else if (
    isPlainObject(arg) && Object.keys(arg).every((k) => ["if", "then", "else"].includes(k))
  ) {
    parts = [arg.if, arg.then, arg.else];
  } else return null;
  const [c, t, e] = parts.map((p) => compileExpression(table, p));
  if (!c || !t || !e) return null;
  if (typeof parts[1] === "number" && typeof parts[2] === "number") {
    const [x, y] = [parts[1], parts[2]];
    return (r) => (truthy(c(r)) ? x : y);
  }
  return (r) => (truthy(c(r)) ? t(r) : e(r));
}

/**
 * `{$eq: ["$field", literal]}` on the codes and numbers of a column, for a string,
 * number or null literal; null for other shapes.
 */
function fieldEquals(table: ColumnTable, a: unknown, b: unknown): ((r: number) => boolean) | null {
  const f = fieldPath(a);
  if (f === null) return null;
  if (!(b === null || typeof b === "number" || (typeof b === "string" && !b.startsWith("$")))) {
    return null;
  }
  if (typeof b === "number" && Number.isNaN(b)) return null;
  const col = table.column(f);
  if (!col) return () => b === null;
  if (!col.scalar) return null;
  const kinds = col.kinds;
  if (b === null) return (r) => kinds[r] <= Kind.NULL;
  if (typeof b === "number") {
    const nums = col.nums;
    if (!nums) return () => false;
    return (r) => kinds[r] === Kind.NUMBER && nums[r] === b;
  }
  if (col.raw) {
    const same = col.raw.matcher(b);
    return (r) => kinds[r] === Kind.STRING && same(r);
  }
  const code = col.codeOf(b);
  if (code < 0) return () => false;
  const codes = col.codes!;
  return (r) => kinds[r] === Kind.STRING && codes[r] === code;
}

/** mingo's truthiness in strict mode: the empty string counts as true. */
function truthy(v: unknown): boolean {
  return !!v || v === "";
}

const TYPES_COMPARED = new Set(["number", "string", "boolean"]);

/** mingo's aggregation comparison: false unless both sides have the same type. */
function compareValues(a: unknown, b: unknown): number | null {
  if (isNil(a) || isNil(b)) {
    if (a === b) return 0;
    return null;
  }
  if (a instanceof Date && b instanceof Date) {
    const x = a.getTime(), y = b.getTime();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const t = typeof a;
  if (t !== typeof b || !TYPES_COMPARED.has(t)) {
    if (typeof a === "object" || typeof b === "object") {
      throw new ColumnarUnsupported("comparisons of this type");
    }
    return null;
  }
  if (t === "number" && (Number.isNaN(a) || Number.isNaN(b))) {
    throw new ColumnarUnsupported("NaN in comparisons");
  }
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function comparison(test: (c: number) => boolean, fns: RowValue[]): RowValue | null {
  if (fns.length !== 2) return null;
  const [a, b] = fns;
  return (r) => {
    const c = compareValues(a(r), b(r));
    return c !== null && test(c);
  };
}

function equalValues(a: unknown, b: unknown): boolean {
  return isEqual(a, b) || (isNil(a) && isNil(b));
}

function operator(op: string, fns: RowValue[], wasArray: boolean): RowValue | null {
  switch (op) {
    case "$eq":
    case "$ne": {
      if (fns.length !== 2) return null;
      const [a, b] = fns;
      return op === "$eq" ? (r) => equalValues(a(r), b(r)) : (r) => !equalValues(a(r), b(r));
    }
    case "$gt":
      return comparison((c) => c > 0, fns);
    case "$gte":
      return comparison((c) => c >= 0, fns);
    case "$lt":
      return comparison((c) => c < 0, fns);
    case "$lte":
      return comparison((c) => c <= 0, fns);
    case "$and":
      return wasArray ? (r) => fns.every((f) => truthy(f(r))) : null;
    case "$or":
      return wasArray ? (r) => fns.some((f) => truthy(f(r))) : null;
    case "$not":
      return fns.length === 1 ? (r) => !truthy(fns[0](r)) : null;
    case "$add":
      return wasArray ? add(fns) : null;
    case "$ifNull":
      if (!wasArray || fns.length < 2) return null;
      return (r) => {
        for (let i = 0; i < fns.length - 1; i++) {
          const v = fns[i](r);
          if (!isNil(v)) return v;
        }
        return fns[fns.length - 1](r);
      };
    default:
      return null;
  }
}

/** mingo's `$add`: null when any argument is null or missing; one date allowed. */
function add(fns: RowValue[]): RowValue {
  return (r) => {
    let sum = 0;
    let date = false;
    for (const f of fns) {
      const v = f(r);
      if (isNil(v)) return null;
      if (typeof v === "number") sum += v;
      else if (v instanceof Date && !date) {
        date = true;
        sum += v.getTime();
      } else throw new ColumnarUnsupported("$add of this value");
    }
    return date ? new Date(sum) : sum;
  };
}
