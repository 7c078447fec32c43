/**
 * Sort-key columns (`sort_keys.ts`) read straight from a {@link ColumnTable}, without
 * materialising documents: what a columnar collection's indexes are built from.
 *
 * @module
 */
import {
  type KeyColumn,
  RANK_BOOLEAN,
  RANK_DATE,
  RANK_NULL,
  RANK_NUMBER,
  RANK_OBJECT_ID,
  RANK_STRING,
} from "../sort_keys.ts";
import { type Column, type ColumnTable, Kind } from "./column_table.ts";

/**
 * The encoded keys of a top-level `field` of `table`, or null when some value cannot be
 * ordered by the encoding (other types, NaN, invalid dates, dotted paths).
 */
export function keyColumnOf(table: ColumnTable, field: string): KeyColumn | null {
  const n = table.size;
  if (field.includes(".")) return null;
  const col = table.column(field);
  if (col && col.scalar && !col.raw && !col.has(Kind.NUMBER, Kind.DATE, Kind.TRUE, Kind.FALSE)) {
    return rankedColumn(col, n);
  }
  if (col && !col.scalar) return null;
  const ranks = new Uint16Array(n);
  const nums = new Float64Array(n);
  // Strings are only read for string and ObjectId keys.
  const strs: string[] = col?.has(Kind.STRING, Kind.OBJECT_ID) ? new Array(n).fill("") : [];
  if (!col) {
    ranks.fill(RANK_NULL);
    return { ranks, nums, strs, uniformRank: n > 0 ? RANK_NULL : -1 };
  }
  let uniformRank = n > 0 ? -2 : -1;
  const { kinds } = col;
  for (let i = 0; i < n; i++) {
    let rank: number;
    switch (kinds[i]) {
      case Kind.MISSING:
      case Kind.NULL:
        rank = RANK_NULL;
        break;
      case Kind.NUMBER:
      case Kind.DATE: {
        const v = col.nums![i];
        if (Number.isNaN(v)) return null;
        nums[i] = v;
        rank = kinds[i] === Kind.NUMBER ? RANK_NUMBER : RANK_DATE;
        break;
      }
      case Kind.STRING:
        strs[i] = col.raw ? col.raw.at(i) : col.dict[col.codes![i]];
        rank = RANK_STRING;
        break;
      case Kind.TRUE:
      case Kind.FALSE:
        nums[i] = kinds[i] === Kind.TRUE ? 1 : 0;
        rank = RANK_BOOLEAN;
        break;
      case Kind.OBJECT_ID:
        strs[i] = col.hexAt(i);
        rank = RANK_OBJECT_ID;
        break;
      default:
        return null;
    }
    ranks[i] = rank;
    if (uniformRank === -2) uniformRank = rank;
    else if (uniformRank !== rank) uniformRank = -1;
  }
  return { ranks, nums, strs, uniformRank };
}

/**
 * Keys of a column of strings, ObjectIds, nulls and missing values, with `nums` holding
 * each value's order among the column's values: dictionary strings are ranked once,
 * ObjectIds by sorting their bytes (as two 48-bit numbers), so that building an index
 * compares numbers, not strings.
 */
function rankedColumn(col: Column, n: number): KeyColumn {
  const ranks = new Uint16Array(n);
  const nums = new Float64Array(n);
  const { kinds, codes } = col;
  let dictRank: Float64Array | null = null;
  if (col.has(Kind.STRING)) {
    const order = col.dict.map((_, i) => i).sort((a, b) =>
      col.dict[a] < col.dict[b] ? -1 : col.dict[a] > col.dict[b] ? 1 : 0
    );
    dictRank = new Float64Array(col.dict.length);
    order.forEach((code, r) => (dictRank![code] = r));
  }
  const oidRank = col.has(Kind.OBJECT_ID) ? objectIdRanks(col, n) : null;
  let uniformRank = n > 0 ? -2 : -1;
  for (let i = 0; i < n; i++) {
    const k = kinds[i];
    let rank: number;
    if (k === Kind.STRING) {
      rank = RANK_STRING;
      nums[i] = dictRank![codes![i]];
    } else if (k === Kind.OBJECT_ID) {
      rank = RANK_OBJECT_ID;
      nums[i] = oidRank![i];
    } else rank = RANK_NULL;
    ranks[i] = rank;
    if (uniformRank === -2) uniformRank = rank;
    else if (uniformRank !== rank) uniformRank = -1;
  }
  const strAt = (i: number): string =>
    kinds[i] === Kind.STRING
      ? col.dict[codes![i]]
      : kinds[i] === Kind.OBJECT_ID
      ? col.hexAt(i)
      : "";
  return { ranks, nums, strs: [], uniformRank, ranked: true, strAt };
}

/** The order of each row's ObjectId among the column's (rows without one: 0). */
function objectIdRanks(col: Column, n: number): Float64Array {
  const o = col.oids!;
  const hi = new Float64Array(n), lo = new Float64Array(n);
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    if (col.kinds[i] !== Kind.OBJECT_ID) continue;
    const b = i * 12;
    hi[i] = ((o[b] * 256 + o[b + 1]) * 256 + o[b + 2]) * 2 ** 24 +
      (o[b + 3] * 256 + o[b + 4]) * 256 + o[b + 5];
    lo[i] = ((o[b + 6] * 256 + o[b + 7]) * 256 + o[b + 8]) * 2 ** 24 +
      (o[b + 9] * 256 + o[b + 10]) * 256 + o[b + 11];
    rows.push(i);
  }
  const byBytes = (a: number, b: number) => hi[a] - hi[b] || lo[a] - lo[b];
  const sorted = byTimestamp(o, rows, byBytes) ?? Int32Array.from(rows).sort(byBytes);
  const out = new Float64Array(n);
  let r = 0;
  for (let k = 0; k < sorted.length; k++) {
    const i = sorted[k];
    if (k > 0) {
      const p = sorted[k - 1];
      if (hi[p] !== hi[i] || lo[p] !== lo[i]) r++;
    }
    out[i] = r;
  }
  return out;
}

/**
 * `rows` ordered by their ObjectIds: a numeric sort on the 4-byte timestamp (ties by row),
 * then the few ids of one second ordered by all their bytes; null when the timestamps
 * span too much for one exact number per row (the caller then sorts with `byBytes`).
 */
function byTimestamp(
  o: Uint8Array,
  rows: number[],
  byBytes: (a: number, b: number) => number,
): Int32Array | null {
  const m = rows.length;
  const ts = new Float64Array(m);
  let min = Infinity, max = -Infinity;
  for (let k = 0; k < m; k++) {
    const b = rows[k] * 12;
    const t = ((o[b] * 256 + o[b + 1]) * 256 + o[b + 2]) * 256 + o[b + 3];
    ts[k] = t;
    if (t < min) min = t;
    if (t > max) max = t;
  }
  if (m === 0 || (max - min + 1) * m > 2 ** 53) return null;
  const keys = new Float64Array(m);
  for (let k = 0; k < m; k++) keys[k] = (ts[k] - min) * m + k;
  keys.sort();
  const out = new Int32Array(m);
  for (let k = 0; k < m; k++) out[k] = rows[keys[k] % m];
  // Ids of the same second: order by every byte (runs are short).
  for (let start = 0; start < m;) {
    const t = ts[keys[start] % m];
    let end = start + 1;
    while (end < m && ts[keys[end] % m] === t) end++;
    if (end - start > 1) out.subarray(start, end).sort(byBytes);
    start = end;
  }
  return out;
}
