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
import { type ColumnTable, Kind } from "./column_table.ts";

/**
 * The encoded keys of a top-level `field` of `table`, or null when some value cannot be
 * ordered by the encoding (other types, NaN, invalid dates, dotted paths).
 */
export function keyColumnOf(table: ColumnTable, field: string): KeyColumn | null {
  const n = table.size;
  const ranks = new Uint16Array(n);
  const nums = new Float64Array(n);
  const strs: string[] = new Array(n).fill("");
  if (field.includes(".")) return null;
  const col = table.column(field);
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
        strs[i] = col.dict[col.codes![i]];
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
