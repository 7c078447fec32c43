/**
 * Least-significant-digit radix sorts for building indexes: typed arrays and counting
 * passes instead of comparator or float sorts.
 *
 * @module
 */

const TWO_26 = 2 ** 26;
const DIGIT_BITS = 13;
const DIGIT_MASK = (1 << DIGIT_BITS) - 1;

/**
 * Positions 0…n-1 ordered by their integer `keys` (each in [min, min + span], span <
 * 2^53), ties by position: a stable counting sort per 13-bit digit of `key - min`, lowest
 * digit first; digits every key shares are skipped.
 */
export function integerOrder(
  keys: Float64Array,
  min: number,
  span: number,
  n: number,
): Int32Array {
  if (!(span >= 0 && span < 2 ** 53)) throw new RangeError("Radix keys must span less than 2^53");
  const lo = new Int32Array(n), hi = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = keys[i] - min;
    const h = Math.floor(v / TWO_26);
    hi[i] = h;
    lo[i] = v - h * TWO_26;
  }
  let bits = 0;
  while (bits < 53 && 2 ** bits <= span) bits++;
  let order: Int32Array | null = null;
  const count = new Int32Array(DIGIT_MASK + 2);
  for (let shift = 0; shift < bits; shift += DIGIT_BITS) {
    // A digit never straddles the two halves: 26 is a multiple of 13.
    const src = shift < 26 ? lo : hi;
    const sh = shift < 26 ? shift : shift - 26;
    count.fill(0);
    for (let i = 0; i < n; i++) count[((src[i] >>> sh) & DIGIT_MASK) + 1]++;
    if (count.includes(n)) continue;
    for (let b = 0; b <= DIGIT_MASK; b++) count[b + 1] += count[b];
    const out = new Int32Array(n);
    for (let j = 0; j < n; j++) {
      const i = order === null ? j : order[j];
      out[count[(src[i] >>> sh) & DIGIT_MASK]++] = i;
    }
    order = out;
  }
  return order ?? identity(n);
}

/**
 * `order` (every position 0…n-1; null: in that order) stably reordered by the ranks `d`
 * (integers in [0, n)), descending when `flip`: one counting sort, O(n + distinct ranks).
 */
export function countingOrder(
  order: Int32Array | null,
  d: Float64Array,
  flip: boolean,
  n: number,
): Int32Array {
  let k = 0;
  for (let i = 0; i < n; i++) if (d[i] >= k) k = d[i] + 1;
  const starts = new Int32Array(k + 1);
  for (let i = 0; i < n; i++) starts[(flip ? k - 1 - d[i] : d[i]) + 1]++;
  for (let b = 0; b < k; b++) starts[b + 1] += starts[b];
  const out = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const i = order === null ? j : order[j];
    out[starts[flip ? k - 1 - d[i] : d[i]]++] = i;
  }
  return out;
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
