import assert from "node:assert/strict";
import { countingOrder, integerOrder } from "./radix.ts";

/** A seeded pseudo-random generator (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The expected order: by key, ties by position. */
function reference(keys: ArrayLike<number>): number[] {
  return Array.from({ length: keys.length }, (_, i) => i).sort((a, b) =>
    keys[a] - keys[b] || a - b
  );
}

Deno.test("integerOrder orders by key with ties by position, for narrow to 53-bit spans", () => {
  const random = rng(7);
  for (const span of [0, 1, 5, 8191, 8192, 2 ** 26 + 3, 2 ** 33, 2 ** 45, 2 ** 53 - 1]) {
    for (const min of [0, -1_700_000_000_000, 1_700_000_000_000]) {
      if (!Number.isSafeInteger(min + span)) continue;
      const n = 5000;
      // Few distinct keys, so ties are frequent, spread over the whole span.
      const choices = Array.from({ length: 40 }, () => min + Math.floor(random() * (span + 1)));
      choices.push(min, min + span);
      const keys = Float64Array.from({ length: n }, () => choices[Math.floor(random() * 42)]);
      let lo = Infinity, hi = -Infinity;
      for (const k of keys) [lo, hi] = [Math.min(lo, k), Math.max(hi, k)];
      assert.deepEqual(
        Array.from(integerOrder(keys, lo, hi - lo, n)),
        reference(keys),
        `span ${span}, min ${min}`,
      );
    }
  }
});

Deno.test("integerOrder refuses a span it cannot split exactly", () => {
  assert.throws(() => integerOrder(new Float64Array(2), 0, 2 ** 53, 2), RangeError);
});

Deno.test("countingOrder reorders stably by ranks, ascending or descending", () => {
  const random = rng(11);
  const n = 3000;
  const d = Float64Array.from({ length: n }, () => Math.floor(random() * 50));
  const start = Int32Array.from(reference(Float64Array.from({ length: n }, () => random())));
  for (const flip of [false, true]) {
    const got = Array.from(countingOrder(start, d, flip, n));
    const want = [...start].map((i, at) => ({ i, at })).sort((a, b) =>
      (flip ? d[b.i] - d[a.i] : d[a.i] - d[b.i]) || a.at - b.at
    ).map((x) => x.i);
    assert.deepEqual(got, want, flip ? "descending" : "ascending");
  }
  assert.deepEqual(Array.from(countingOrder(null, d, false, n)), reference(d));
});
