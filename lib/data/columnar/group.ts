/**
 * `$group` over selected rows of a {@link ColumnTable}, with mingo's results: groups in
 * order of their first row, a null or missing key grouped as null, `$sum` ignoring
 * non-numbers, `$avg` null without numbers, `$min` / `$max` skipping null and missing.
 *
 * Keys: a literal, `"$field"`, or a document of `"$field"`s (`{k: "$a", c: "$b"}`; a
 * missing part is kept as undefined, as mingo does). Accumulators: `$sum`, `$avg`,
 * `$min`, `$max` over compiled expressions (`expression.ts`) and `$count`.
 *
 * @module
 */
import type { Budget } from "../query_budget.ts";
import type { Document } from "../types.ts";
import { type Column, type ColumnTable, Kind } from "./column_table.ts";
import {
  ColumnarUnsupported,
  columnReader,
  compileExpression,
  fieldPath,
  type RowValue,
} from "./expression.ts";

/** Rows handled between two looks at the budget. */
export const CHUNK_ROWS = 32_768;
/** Rows a `$group` folds between two looks at the budget (each row costs more). */
const GROUP_CHUNK_ROWS = 8192;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null &&
    (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
}

/** Maps a row to a dense group id and a group id to its key. */
interface KeyPlan {
  /** Group id of a row; new ids count up from 0 in order of first appearance. */
  id(row: number): number;
  /** Number of groups so far. */
  count(): number;
  /** The `_id` of a group. */
  key(gid: number): unknown;
  /** Work before the rows are folded (e.g. evaluating date keys per time bucket). */
  prepare?(rows: Int32Array): void;
}

/** Evaluates an expression over documents with mingo (the engine's operators). */
export type Evaluate = (expr: unknown, docs: Document[]) => unknown[];

/** One accumulator: folds rows into per-group state, then reads each group's result. */
interface AccPlan {
  add(gid: number, row: number): void;
  result(gid: number, size: number): unknown;
}

/** A compiled `$group` stage. */
export interface GroupPlan {
  run(rows: Int32Array, budget: Budget): Promise<Document[]>;
}

/**
 * Compiles a `$group` spec, or returns null when it is outside the vocabulary. Date keys
 * (`$dateToString`, `$hour`… of a date field) need `evaluate`.
 */
export function compileGroup(
  table: ColumnTable,
  spec: unknown,
  evaluate?: Evaluate,
): GroupPlan | null {
  if (!isPlainObject(spec) || !("_id" in spec)) return null;
  const makeKey = keyPlan(table, spec._id) ??
    (evaluate ? dateKey(table, spec._id, evaluate) : null);
  if (!makeKey) return null;
  const names: string[] = [];
  const makers: (() => AccPlan)[] = [];
  for (const [name, acc] of Object.entries(spec)) {
    if (name === "_id") continue;
    if (name.includes(".") || name.startsWith("$")) return null;
    const make = accumulator(table, acc);
    if (!make) return null;
    names.push(name);
    makers.push(make);
  }
  return {
    async run(rows, budget) {
      const key = makeKey();
      const accs = makers.map((m) => m());
      const sizes: number[] = [];
      if (key.prepare) budget.run(() => key.prepare!(rows));
      for (let from = 0; from < rows.length; from += GROUP_CHUNK_ROWS) {
        budget.check();
        const to = Math.min(rows.length, from + GROUP_CHUNK_ROWS);
        for (let i = from; i < to; i++) {
          const row = rows[i];
          const gid = key.id(row);
          if (gid === sizes.length) sizes.push(1);
          else sizes[gid]++;
          for (let a = 0; a < accs.length; a++) accs[a].add(gid, row);
        }
        await budget.pause();
      }
      const out: Document[] = [];
      for (let g = 0; g < key.count(); g++) {
        const doc: Document = { _id: key.key(g) };
        for (let a = 0; a < accs.length; a++) doc[names[a]] = accs[a].result(g, sizes[g]);
        out.push(doc);
      }
      return out;
    },
  };
}

/** Dense ids for the values of one column: null and missing apart, or merged. */
interface Encoder {
  id(row: number): number;
  value(id: number): unknown;
  /** Every id is below this (a column of dictionary strings, nulls and booleans), if known. */
  bound?: number;
}

function encoder(col: Column | undefined, mergeMissing: boolean): Encoder | null {
  if (!col) {
    return {
      id: () => (mergeMissing ? 1 : 0),
      value: (id) => (id === 1 ? null : undefined),
      bound: 2,
    };
  }
  if (!col.scalar) return null;
  const { kinds, codes, nums } = col;
  const base = 4 + col.dict.length;
  const extra = new Map<string, number>();
  const values: unknown[] = [];
  const other = (row: number): number => {
    const kind = kinds[row];
    let k: string;
    if (kind === Kind.NUMBER || kind === Kind.DATE) k = `${kind}:${nums![row]}`;
    else if (kind === Kind.STRING) k = `s:${col.raw!.at(row)}`;
    else if (kind === Kind.OBJECT_ID) k = `o:${col.hexAt(row)}`;
    else throw new ColumnarUnsupported("this group key");
    let id = extra.get(k);
    if (id === undefined) {
      id = base + values.length;
      extra.set(k, id);
      values.push(col.value(row));
    }
    return id;
  };
  const bounded = !col.raw && !col.has(Kind.NUMBER, Kind.DATE, Kind.OBJECT_ID, Kind.OTHER);
  return {
    bound: bounded ? base : undefined,
    id(row) {
      switch (kinds[row]) {
        case Kind.STRING:
          return codes ? 4 + codes[row] : other(row);
        case Kind.MISSING:
          return mergeMissing ? 1 : 0;
        case Kind.NULL:
          return 1;
        case Kind.TRUE:
          return 2;
        case Kind.FALSE:
          return 3;
        default:
          return other(row);
      }
    },
    value(id) {
      if (id === 0) return undefined;
      if (id === 1) return null;
      if (id === 2) return true;
      if (id === 3) return false;
      if (id < base) return col.dict[id - 4];
      return values[id - base];
    },
  };
}

function keyPlan(table: ColumnTable, idExpr: unknown): (() => KeyPlan) | null {
  if (typeof idExpr === "string" && idExpr.startsWith("$")) return fieldKey(table, idExpr);
  if (idExpr === null || typeof idExpr === "string" || typeof idExpr === "boolean") {
    return constantKey(idExpr);
  }
  if (typeof idExpr === "number") return Number.isNaN(idExpr) ? null : constantKey(idExpr);
  if (!isPlainObject(idExpr)) return null;
  const parts = Object.entries(idExpr);
  const isLiteral = (v: unknown) =>
    v === null || typeof v === "number" || typeof v === "boolean" ||
    (typeof v === "string" && !v.startsWith("$"));
  if (
    parts.length === 0 ||
    parts.some(([k, v]) => k.startsWith("$") || (fieldPath(v) === null && !isLiteral(v)))
  ) {
    return null;
  }
  const cols = parts.map(([, v]) => (isLiteral(v) ? undefined : table.column(fieldPath(v)!)));
  if (cols.some((c) => c && !c.scalar)) return null;
  const names = parts.map(([k]) => k);
  return () => {
    const encs = cols.map((c, i): Encoder => {
      const v = parts[i][1];
      return isLiteral(v) ? { id: () => 0, value: () => v, bound: 1 } : encoder(c, false)!;
    });
    const groups = new Map<number | string, number>();
    const keys: number[][] = [];
    const two = encs.length === 2 ? encs : null;
    // Two parts with few values each: group ids straight from a table of id pairs.
    const width = two?.[1].bound;
    const table = two && two[0].bound && width && two[0].bound * width <= 1 << 22
      ? new Int32Array(two[0].bound * width).fill(-1)
      : null;
    const id = (row: number): number => {
      let k: number | string;
      let ids: number[] | null = null;
      if (table) {
        const a = two![0].id(row), b = two![1].id(row);
        const cell = a * width! + b;
        const g = table[cell];
        if (g >= 0) return g;
        table[cell] = keys.length;
        keys.push([a, b]);
        return keys.length - 1;
      }
      if (two) {
        const a = two[0].id(row), b = two[1].id(row);
        if (a < 2 ** 26 && b < 2 ** 26) k = a * 2 ** 26 + b;
        else k = `${a},${b}`;
        const g = groups.get(k);
        if (g !== undefined) return g;
        ids = [a, b];
      } else {
        ids = encs.map((e) => e.id(row));
        k = ids.join(",");
      }
      let g = groups.get(k);
      if (g === undefined) {
        g = keys.length;
        groups.set(k, g);
        keys.push(ids);
      }
      return g;
    };
    return {
      id,
      count: () => keys.length,
      key(gid) {
        const out: Document = {};
        names.forEach((n, i) => (out[n] = encs[i].value(keys[gid][i])));
        return out;
      },
    };
  };
}

function constantKey(value: unknown): () => KeyPlan {
  return () => {
    let seen = false;
    return {
      id: () => {
        seen = true;
        return 0;
      },
      count: () => (seen ? 1 : 0),
      key: () => value,
    };
  };
}

function fieldKey(table: ColumnTable, path: string): (() => KeyPlan) | null {
  const f = fieldPath(path);
  if (f === null) return null;
  const col = table.column(f);
  if (col && !col.scalar) return null;
  return () => {
    const enc = encoder(col, true)!;
    // Group id by encoder id: a typed array for dictionary codes, a map past them.
    const direct = new Int32Array(4 + (col?.dict.length ?? 0)).fill(-1);
    const more = new Map<number, number>();
    const ids: number[] = [];
    return {
      id(row) {
        const e = enc.id(row);
        if (e < direct.length) {
          const g = direct[e];
          if (g >= 0) return g;
          direct[e] = ids.length;
        } else {
          const g = more.get(e);
          if (g !== undefined) return g;
          more.set(e, ids.length);
        }
        ids.push(e);
        return ids.length - 1;
      },
      count: () => ids.length,
      key: (gid) => enc.value(ids[gid]),
    };
  };
}

function isNumber(v: unknown): v is number {
  return typeof v === "number" && !Number.isNaN(v);
}

function accumulator(table: ColumnTable, acc: unknown): (() => AccPlan) | null {
  if (!isPlainObject(acc)) return null;
  const keys = Object.keys(acc);
  if (keys.length !== 1) return null;
  const op = keys[0];
  const arg = acc[op];
  if (op === "$count") {
    if (!isPlainObject(arg) || Object.keys(arg).length > 0) return null;
    return () => ({ add() {}, result: (_g, size) => size });
  }
  if (op === "$sum" && isNumber(arg)) {
    return () => ({ add() {}, result: (_g, size) => size * arg });
  }
  const value = numericReader(table, arg) ?? compileExpression(table, arg);
  if (!value) return null;
  switch (op) {
    case "$sum":
      return () => {
        const sums: number[] = [];
        return {
          add(g, row) {
            const v = value(row);
            if (sums.length <= g) sums.push(0);
            if (isNumber(v)) sums[g] += v;
          },
          result: (g) => sums[g] ?? 0,
        };
      };
    case "$avg":
      return () => {
        const sums: number[] = [], counts: number[] = [];
        return {
          add(g, row) {
            const v = value(row);
            if (sums.length <= g) {
              sums.push(0);
              counts.push(0);
            }
            if (isNumber(v)) {
              sums[g] += v;
              counts[g]++;
            }
          },
          result: (g) => (counts[g] ? sums[g] / counts[g] : null),
        };
      };
    case "$min":
    case "$max": {
      const better = op === "$min"
        ? (a: number, b: number) => a < b
        : (a: number, b: number) => a > b;
      return () => {
        const best: (number | null)[] = [];
        return {
          add(g, row) {
            const v = value(row);
            if (best.length <= g) best.push(null);
            if (v === null || v === undefined) return;
            if (!isNumber(v)) throw new ColumnarUnsupported(`${op} of non-numbers`);
            const b = best[g];
            if (b === null || better(v, b)) best[g] = v;
          },
          result: (g) => best[g] ?? null,
        };
      };
    }
    default:
      return null;
  }
}

/** A fast reader for `"$field"` on a column of numbers, nulls and missing values. */
function numericReader(table: ColumnTable, arg: unknown): RowValue | null {
  const f = fieldPath(arg);
  if (f === null) return null;
  const col = table.column(f);
  if (!col || !col.scalar) return null;
  return columnReader(col);
}

/**
 * `$group` over plain documents for the shape a distinct count uses after a first
 * `$group`: key `"$_id.part"`, `"$field"` or a literal, giving primitive values;
 * accumulators `$sum` of a number or of a `"$field"`. Null when outside that shape or
 * a key is not a primitive (the caller leaves the stage to mingo).
 */
export function groupDocs(docs: Document[], spec: unknown): Document[] | null {
  if (!isPlainObject(spec) || !("_id" in spec)) return null;
  const idExpr = spec._id;
  let keyOf: (d: Document) => unknown;
  if (typeof idExpr === "string" && idExpr.startsWith("$")) {
    const path = idExpr.slice(1).split(".");
    if (path.length > 2 || path.some((p) => p === "" || p.startsWith("$"))) return null;
    keyOf = (d) => {
      let v: unknown = d;
      for (const p of path) v = isPlainObject(v) ? v[p] : undefined;
      return v;
    };
  } else if (idExpr === null || ["string", "number", "boolean"].includes(typeof idExpr)) {
    keyOf = () => idExpr;
  } else return null;
  const accs: [string, number | string][] = [];
  for (const [name, acc] of Object.entries(spec)) {
    if (name === "_id") continue;
    if (!isPlainObject(acc) || Object.keys(acc).length !== 1 || !("$sum" in acc)) return null;
    const arg = acc.$sum;
    if (isNumber(arg)) accs.push([name, arg]);
    else if (fieldPath(arg) !== null) accs.push([name, fieldPath(arg)!]);
    else return null;
  }
  const groups = new Map<unknown, { doc: Document; size: number }>();
  for (const d of docs) {
    const key = keyOf(d) ?? null;
    if (key !== null && typeof key === "object") return null;
    if (typeof key === "number" && (Number.isNaN(key) || Object.is(key, -0))) return null;
    let g = groups.get(key);
    if (!g) {
      g = { doc: { _id: key }, size: 0 };
      for (const [name] of accs) g.doc[name] = 0;
      groups.set(key, g);
    }
    g.size++;
    for (const [name, arg] of accs) {
      if (typeof arg === "string") {
        const v = d[arg];
        if (isNumber(v)) (g.doc[name] as number) += v;
      }
    }
  }
  // mingo's $sum of a number is the group size times that number.
  return [...groups.values()].map((g) => {
    for (const [name, arg] of accs) if (typeof arg === "number") g.doc[name] = g.size * arg;
    return g.doc;
  });
}

/** Date parts constant over a quarter hour (every zone's offset is a multiple of 15 min). */
const DATE_PART_OPS = new Set([
  "$dateToString",
  "$hour",
  "$isoDayOfWeek",
  "$dayOfWeek",
  "$dayOfMonth",
  "$dayOfYear",
  "$month",
  "$year",
  "$isoWeek",
  "$isoWeekYear",
  "$week",
]);
const QUARTER_HOUR = 900_000;

/**
 * A key that is a date part of a date field in a time zone, e.g. `{$hour: {date:
 * "$start_time", timezone}}`: evaluated by mingo once per quarter hour that holds
 * selected rows, since such parts do not change within one (from 1970 on).
 */
function dateKey(table: ColumnTable, idExpr: unknown, evaluate: Evaluate): (() => KeyPlan) | null {
  if (!isPlainObject(idExpr) || Object.keys(idExpr).length !== 1) return null;
  const op = Object.keys(idExpr)[0];
  const arg = idExpr[op];
  if (!DATE_PART_OPS.has(op) || !isPlainObject(arg)) return null;
  const allowed = op === "$dateToString" ? ["date", "format", "timezone"] : ["date", "timezone"];
  if (!Object.keys(arg).every((k) => allowed.includes(k))) return null;
  if (op === "$dateToString") {
    // Only parts that hold for a whole quarter hour.
    if (typeof arg.format !== "string" || /%[^YmdHjuwGVUaA%]/.test(arg.format)) return null;
  }
  if (arg.timezone !== undefined && typeof arg.timezone !== "string") return null;
  const f = fieldPath(arg.date);
  const col = f === null ? undefined : table.column(f);
  if (!col || !col.scalar || col.has(Kind.MISSING, Kind.NULL) || !col.has(Kind.DATE)) return null;
  const field = f!;
  return () => {
    const gidOfBucket = new Map<number, number>();
    const keys: unknown[] = [];
    const { kinds, nums } = col;
    return {
      prepare(rows) {
        const buckets = new Set<number>();
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i];
          if (kinds[r] !== Kind.DATE || !(nums![r] >= 0)) {
            throw new ColumnarUnsupported("this date key");
          }
          buckets.add(Math.floor(nums![r] / QUARTER_HOUR));
        }
        const list = [...buckets];
        const values = evaluate(
          idExpr,
          list.map((b) => ({ [field]: new Date(b * QUARTER_HOUR) })),
        );
        const gidOfValue = new Map<unknown, number>();
        const pending = new Map<number, unknown>();
        list.forEach((b, i) => {
          const v = values[i] ?? null;
          if (v !== null && typeof v === "object") throw new ColumnarUnsupported("this date key");
          pending.set(b, v);
        });
        // Group ids in order of first row, as mingo creates groups.
        for (let i = 0; i < rows.length; i++) {
          const b = Math.floor(nums![rows[i]] / QUARTER_HOUR);
          if (gidOfBucket.has(b)) continue;
          const v = pending.get(b);
          let g = gidOfValue.get(v);
          if (g === undefined) {
            g = keys.length;
            keys.push(v);
            gidOfValue.set(v, g);
          }
          gidOfBucket.set(b, g);
        }
      },
      id: (row) => gidOfBucket.get(Math.floor(nums![row] / QUARTER_HOUR))!,
      count: () => keys.length,
      key: (gid) => keys[gid],
    };
  };
}
