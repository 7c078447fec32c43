/**
 * Compiles a `$match` filter into a test over the rows of a {@link ColumnTable}, with
 * mingo's query semantics, for the shapes the app uses: equality, `$in`, `$nin`,
 * `$ne`, ranges (`$gt`, `$gte`, `$lt`, `$lte`) on numbers, strings and dates,
 * `$exists`, `$type` (string, number, date, null, bool), `$and`, `$or`, `$nor`.
 * Anything else (dotted paths, regexes, arrays or documents as operands, columns
 * holding arrays or documents…) does not compile, and the caller leaves the filter to
 * mingo.
 *
 * @module
 */
import { type Column, type ColumnTable, Kind } from "./column_table.ts";

/** A test of one row. */
export type RowTest = (row: number) => boolean;

const ALWAYS: RowTest = () => true;
const NEVER: RowTest = () => false;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null &&
    (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
}

/** A scalar operand the compiler models, or undefined. */
type Scalar = null | number | string | boolean | Date;

function isScalar(v: unknown): v is Scalar {
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return !Number.isNaN(v);
  return v instanceof Date && !Number.isNaN(v.getTime());
}

/**
 * A test for `filter` over `table`'s rows, or null when the filter is outside the
 * compiled vocabulary (the caller then uses mingo).
 */
export function compileFilter(table: ColumnTable, filter: unknown): RowTest | null {
  if (!isPlainObject(filter)) return null;
  const tests: RowTest[] = [];
  for (const [key, value] of Object.entries(filter)) {
    let t: RowTest | null;
    if (key === "$and" || key === "$or" || key === "$nor") {
      t = compileLogical(table, key, value);
    } else if (key.startsWith("$") || key.includes(".") || key === "") {
      return null;
    } else {
      t = compileField(table, key, value);
    }
    if (!t) return null;
    tests.push(t);
  }
  return all(tests);
}

function all(tests: RowTest[]): RowTest {
  const ts = tests.filter((t) => t !== ALWAYS);
  if (ts.includes(NEVER)) return NEVER;
  if (ts.length === 0) return ALWAYS;
  if (ts.length === 1) return ts[0];
  if (ts.length === 2) {
    const [a, b] = ts;
    return (r) => a(r) && b(r);
  }
  if (ts.length === 3) {
    const [a, b, c] = ts;
    return (r) => a(r) && b(r) && c(r);
  }
  return (r) => {
    for (const t of ts) if (!t(r)) return false;
    return true;
  };
}

function any(tests: RowTest[]): RowTest {
  const ts = tests.filter((t) => t !== NEVER);
  if (ts.includes(ALWAYS)) return ALWAYS;
  if (ts.length === 0) return NEVER;
  if (ts.length === 1) return ts[0];
  return (r) => {
    for (const t of ts) if (t(r)) return true;
    return false;
  };
}

function not(t: RowTest): RowTest {
  if (t === ALWAYS) return NEVER;
  if (t === NEVER) return ALWAYS;
  return (r) => !t(r);
}

function compileLogical(table: ColumnTable, op: string, value: unknown): RowTest | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const subs: RowTest[] = [];
  for (const sub of value) {
    const t = compileFilter(table, sub);
    if (!t) return null;
    subs.push(t);
  }
  if (op === "$and") return all(subs);
  if (op === "$or") return any(subs);
  return not(any(subs));
}

function compileField(table: ColumnTable, field: string, cond: unknown): RowTest | null {
  const col = table.column(field);
  if (col && !col.scalar) return null;
  if (!isPlainObject(cond) || !Object.keys(cond).some((k) => k.startsWith("$"))) {
    return isScalar(cond) ? equals(col, cond) : null;
  }
  const tests: RowTest[] = [];
  for (const [op, v] of Object.entries(cond)) {
    const t = compileOperator(col, op, v);
    if (!t) return null;
    tests.push(t);
  }
  return all(tests);
}

function compileOperator(col: Column | undefined, op: string, v: unknown): RowTest | null {
  switch (op) {
    case "$eq":
      return isScalar(v) ? equals(col, v) : null;
    case "$ne":
      return isScalar(v) ? not(equals(col, v)) : null;
    case "$in":
      return Array.isArray(v) && v.every(isScalar) ? any(v.map((x) => equals(col, x))) : null;
    case "$nin":
      return Array.isArray(v) && v.every(isScalar) ? not(any(v.map((x) => equals(col, x)))) : null;
    case "$gt":
    case "$gte":
    case "$lt":
    case "$lte":
      return range(col, op, v);
    case "$exists":
      if (typeof v !== "boolean") return null;
      return v ? not(kindIs(col, Kind.MISSING)) : kindIs(col, Kind.MISSING);
    case "$type":
      return typeTest(col, v);
    default:
      return null;
  }
}

function kindIs(col: Column | undefined, kind: number): RowTest {
  if (!col) return kind === Kind.MISSING ? ALWAYS : NEVER;
  if (!col.has(kind)) return NEVER;
  const kinds = col.kinds;
  return (r) => kinds[r] === kind;
}

/** mingo's `$eq` on a top-level scalar field: equal values, or both null / missing. */
function equals(col: Column | undefined, v: Scalar): RowTest {
  if (!col) return v === null ? ALWAYS : NEVER;
  const kinds = col.kinds;
  if (v === null) {
    if (!col.has(Kind.NULL, Kind.MISSING)) return NEVER;
    return (r) => kinds[r] <= Kind.NULL;
  }
  if (typeof v === "boolean") return kindIs(col, v ? Kind.TRUE : Kind.FALSE);
  if (typeof v === "string") {
    if (col.raw) {
      const same = col.raw.matcher(v);
      return (r) => kinds[r] === Kind.STRING && same(r);
    }
    const code = col.codeOf(v);
    if (code < 0) return NEVER;
    const codes = col.codes!;
    return (r) => kinds[r] === Kind.STRING && codes[r] === code;
  }
  const kind = typeof v === "number" ? Kind.NUMBER : Kind.DATE;
  if (!col.has(kind)) return NEVER;
  const x = typeof v === "number" ? v : v.getTime();
  const nums = col.nums!;
  return (r) => kinds[r] === kind && nums[r] === x;
}

/** mingo's range operators: only values of the operand's type compare. */
function range(col: Column | undefined, op: string, v: unknown): RowTest | null {
  if (!isScalar(v) || v === null || typeof v === "boolean") return null;
  if (!col) return NEVER;
  const kinds = col.kinds;
  if (typeof v === "string") {
    if (!col.has(Kind.STRING)) return NEVER;
    if (col.raw) {
      const raw = col.raw;
      return (r) => kinds[r] === Kind.STRING && compareOp(op, raw.at(r), v);
    }
    // Which dictionary entries pass, decided once per entry.
    const pass = Uint8Array.from(col.dict, (s) => (compareOp(op, s, v) ? 1 : 0));
    const codes = col.codes!;
    return (r) => kinds[r] === Kind.STRING && pass[codes[r]] === 1;
  }
  const kind = typeof v === "number" ? Kind.NUMBER : Kind.DATE;
  if (!col.has(kind)) return NEVER;
  const x = typeof v === "number" ? v : v.getTime();
  const nums = col.nums!;
  switch (op) {
    case "$gt":
      return (r) => kinds[r] === kind && nums[r] > x;
    case "$gte":
      return (r) => kinds[r] === kind && nums[r] >= x;
    case "$lt":
      return (r) => kinds[r] === kind && nums[r] < x;
    default:
      return (r) => kinds[r] === kind && nums[r] <= x;
  }
}

function compareOp(op: string, a: string, b: string): boolean {
  switch (op) {
    case "$gt":
      return a > b;
    case "$gte":
      return a >= b;
    case "$lt":
      return a < b;
    default:
      return a <= b;
  }
}

const TYPE_KINDS: Record<string, number[]> = {
  string: [Kind.STRING],
  date: [Kind.DATE],
  null: [Kind.NULL],
  bool: [Kind.TRUE, Kind.FALSE],
  boolean: [Kind.TRUE, Kind.FALSE],
};

function typeTest(col: Column | undefined, t: unknown): RowTest | null {
  if (t === "number") {
    if (!col || !col.has(Kind.NUMBER)) return NEVER;
    const kinds = col.kinds, nums = col.nums!;
    return (r) => kinds[r] === Kind.NUMBER && !Number.isNaN(nums[r]);
  }
  const wanted = typeof t === "string" ? TYPE_KINDS[t] : undefined;
  if (!wanted) return null;
  return any(wanted.map((k) => kindIs(col, k)));
}
