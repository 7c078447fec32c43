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
import { integerOrder } from "./radix.ts";

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

/**
 * The order of each row's ObjectId among the column's (rows without one: 0): rows by a
 * radix sort of the ids' 4-byte timestamps, the few ids of one second then ordered by
 * all their bytes.
 */
function objectIdRanks(col: Column, n: number): Float64Array {
  const o = col.oids!;
  const { kinds } = col;
  let m = 0;
  for (let i = 0; i < n; i++) if (kinds[i] === Kind.OBJECT_ID) m++;
  const rows = new Int32Array(m);
  const ts = new Float64Array(m);
  let min = Infinity, max = -Infinity;
  for (let i = 0, k = 0; i < n; i++) {
    if (kinds[i] !== Kind.OBJECT_ID) continue;
    const b = i * 12;
    const t = ((o[b] * 256 + o[b + 1]) * 256 + o[b + 2]) * 256 + o[b + 3];
    rows[k] = i;
    ts[k++] = t;
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const out = new Float64Array(n);
  if (m === 0) return out;
  const order = integerOrder(ts, min, max - min, m);
  const sorted = new Int32Array(m);
  for (let k = 0; k < m; k++) sorted[k] = rows[order[k]];
  const byBytes = (a: number, b: number) => compareOidBytes(o, a * 12, b * 12);
  for (let start = 0; start < m;) {
    const t = ts[order[start]];
    let end = start + 1;
    while (end < m && ts[order[end]] === t) end++;
    if (end - start > 1) sorted.subarray(start, end).sort(byBytes);
    start = end;
  }
  let r = 0;
  for (let k = 0; k < m; k++) {
    if (k > 0 && compareOidBytes(o, sorted[k - 1] * 12, sorted[k] * 12) !== 0) r++;
    out[sorted[k]] = r;
  }
  return out;
}

/** Compares the 12-byte ids at byte offsets `a` and `b` of `o`, byte by byte. */
function compareOidBytes(o: Uint8Array, a: number, b: number): number {
  for (let j = 0; j < 12; j++) {
    const d = o[a + j] - o[b + j];
    if (d !== 0) return d;
  }
  return 0;
}
