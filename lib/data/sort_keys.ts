/**
 * Sort keys that order values exactly as mingo's `$sort` does, precomputed into
 * typed columns so that sorting and index scans need no per-comparison type checks.
 *
 * mingo orders values by type first (null and missing together, then numbers,
 * strings, booleans, dates, then other classes such as ObjectId) and within a type
 * by value. Only these scalar types are encoded; anything else (arrays, embedded
 * documents, NaN, invalid dates, other BSON classes) makes a column unencodable and
 * the caller falls back to mingo.
 *
 * @module
 */
import { resolve } from "mingo/util";

/** Type ranks of mingo's order (null and missing together, then numbers, strings…). */
export const RANK_NULL = 2;
/** Rank of numbers. */
export const RANK_NUMBER = 3;
/** Rank of strings. */
export const RANK_STRING = 4;
/** Rank of booleans. */
export const RANK_BOOLEAN = 9;
/** Rank of dates. */
export const RANK_DATE = 10;
/** Rank of ObjectIds. */
export const RANK_OBJECT_ID = 1000;

/** One encoded value: its type rank and its numeric or string payload. */
export interface EncodedKey {
  rank: number;
  num: number;
  str: string;
}

/** A column of encoded keys, one per document position. */
export interface KeyColumn {
  ranks: Uint16Array;
  nums: Float64Array;
  strs: string[];
  /** The rank every key has, or -1 when ranks differ. */
  uniformRank: number;
  /**
   * When true, `nums` of string and ObjectId keys hold their order among the column's
   * values (equal values, equal numbers), so positions compare by number alone; `strAt`
   * then gives the string of a position (and `strs` may be empty).
   */
  ranked?: boolean;
  /** The string payload at a position, for ranked columns. */
  strAt?: (i: number) => string;
}

function isObjectId(v: object): v is { toHexString(): string } {
  return (v as { _bsontype?: unknown })._bsontype === "ObjectId" &&
    typeof (v as { toHexString?: unknown }).toHexString === "function";
}

/** Encodes one value, or returns null when mingo's order for it is not modelled. */
export function encodeKey(v: unknown): EncodedKey | null {
  switch (typeof v) {
    case "undefined":
      return { rank: RANK_NULL, num: 0, str: "" };
    case "number":
      return Number.isNaN(v) ? null : { rank: RANK_NUMBER, num: v, str: "" };
    case "string":
      return { rank: RANK_STRING, num: 0, str: v };
    case "boolean":
      return { rank: RANK_BOOLEAN, num: v ? 1 : 0, str: "" };
    case "object": {
      if (v === null) return { rank: RANK_NULL, num: 0, str: "" };
      if (v instanceof Date) {
        const t = v.getTime();
        return Number.isNaN(t) ? null : { rank: RANK_DATE, num: t, str: "" };
      }
      if (isObjectId(v)) return { rank: RANK_OBJECT_ID, num: 0, str: v.toHexString() };
      return null;
    }
    default:
      return null;
  }
}

function valueOf(doc: unknown, field: string): unknown {
  if (doc === null || typeof doc !== "object") return undefined;
  return field.includes(".")
    ? resolve(doc as Record<string, unknown>, field)
    : (doc as Record<string, unknown>)[field];
}

/**
 * Encodes `field` of every document, or returns null when some value cannot be
 * encoded (the caller then leaves the work to mingo).
 */
export function encodeColumn(docs: ArrayLike<unknown>, field: string): KeyColumn | null {
  const n = docs.length;
  const ranks = new Uint16Array(n);
  const nums = new Float64Array(n);
  const strs: string[] = new Array(n);
  let uniformRank = n > 0 ? -2 : -1;
  for (let i = 0; i < n; i++) {
    const k = encodeKey(valueOf(docs[i], field));
    if (k === null) return null;
    ranks[i] = k.rank;
    nums[i] = k.num;
    strs[i] = k.str;
    if (uniformRank === -2) uniformRank = k.rank;
    else if (uniformRank !== k.rank) uniformRank = -1;
  }
  return { ranks, nums, strs, uniformRank };
}

/** Compares the keys at positions `a` and `b` of a column (ascending). */
export function compareAt(col: KeyColumn, a: number, b: number): number {
  const ra = col.ranks[a], rb = col.ranks[b];
  if (ra !== rb) return ra < rb ? -1 : 1;
  if ((ra === RANK_STRING || ra === RANK_OBJECT_ID) && !col.ranked) {
    const sa = col.strs[a], sb = col.strs[b];
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  }
  const na = col.nums[a], nb = col.nums[b];
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Compares the key at position `a` of a column with an encoded key (ascending). */
export function compareWith(col: KeyColumn, a: number, key: EncodedKey): number {
  const ra = col.ranks[a];
  if (ra !== key.rank) return ra < key.rank ? -1 : 1;
  if (ra === RANK_STRING || ra === RANK_OBJECT_ID) {
    const sa = col.strAt ? col.strAt(a) : col.strs[a];
    return sa < key.str ? -1 : sa > key.str ? 1 : 0;
  }
  const na = col.nums[a];
  return na < key.num ? -1 : na > key.num ? 1 : 0;
}

function isStringRank(rank: number): boolean {
  return rank === RANK_STRING || rank === RANK_OBJECT_ID;
}

/** Compares positions on one column in one direction, specialised when its ranks are uniform. */
function columnComparator(col: KeyColumn, dir: 1 | -1): (a: number, b: number) => number {
  if (col.uniformRank >= 0 && isStringRank(col.uniformRank) && !col.ranked) {
    const strs = col.strs;
    return dir === 1
      ? (a, b) => (strs[a] < strs[b] ? -1 : strs[a] > strs[b] ? 1 : 0)
      : (a, b) => (strs[a] < strs[b] ? 1 : strs[a] > strs[b] ? -1 : 0);
  }
  if (col.uniformRank >= 0) {
    const nums = col.nums;
    return dir === 1
      ? (a, b) => (nums[a] < nums[b] ? -1 : nums[a] > nums[b] ? 1 : 0)
      : (a, b) => (nums[a] < nums[b] ? 1 : nums[a] > nums[b] ? -1 : 0);
  }
  return dir === 1 ? (a, b) => compareAt(col, a, b) : (a, b) => compareAt(col, b, a);
}

/** Orders positions by the columns (each in its direction), ties by position. */
export function positionComparator(
  cols: KeyColumn[],
  dirs: (1 | -1)[],
): (a: number, b: number) => number {
  const fns = cols.map((c, i) => columnComparator(c, dirs[i]));
  if (fns.length === 1) {
    const [f0] = fns;
    return (a, b) => f0(a, b) || a - b;
  }
  if (fns.length === 2) {
    const [f0, f1] = fns;
    return (a, b) => f0(a, b) || f1(a, b) || a - b;
  }
  return (a, b) => {
    for (const f of fns) {
      const c = f(a, b);
      if (c !== 0) return c;
    }
    return a - b;
  };
}

/**
 * The order of `docs` under a sort spec, stable (ties keep their input order), as
 * mingo's `$sort` would produce it; null when a key cannot be encoded.
 */
export function sortOrder(
  docs: ArrayLike<unknown>,
  spec: [field: string, direction: 1 | -1][],
): Int32Array | null {
  const cols: KeyColumn[] = [];
  for (const [field] of spec) {
    const col = encodeColumn(docs, field);
    if (!col) return null;
    cols.push(col);
  }
  const order = new Int32Array(docs.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort(positionComparator(cols, spec.map(([, d]) => d)));
  return order;
}
