import assert from "node:assert/strict";
import { ObjectId } from "bson";
import { Query } from "mingo";
import { compileFilter, createMatcher } from "./fast_filter.ts";
import type { Document } from "./types.ts";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const OIDS = [1, 2, 3].map((i) => new ObjectId(String(i).padStart(24, "0")));
const DATES = [0, 1, 2].map((i) => new Date(Date.UTC(2026, 0, 1 + i)));
const SCALARS: unknown[] = [
  null,
  0,
  1,
  2,
  -1,
  1.5,
  "",
  "a",
  "b",
  "B",
  true,
  false,
  ...DATES,
  ...OIDS,
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

function randomDoc(r: () => number): Document {
  const doc: Document = {};
  for (const f of ["a", "b", "c"]) {
    const x = r();
    if (x < 0.15) continue; // missing
    if (x < 0.22) doc[f] = [pick(r, SCALARS), pick(r, SCALARS)];
    else if (x < 0.25) doc[f] = { x: pick(r, SCALARS) };
    else if (x < 0.27) doc[f] = new Date(NaN);
    else doc[f] = pick(r, SCALARS);
  }
  return doc;
}

function randomCondition(r: () => number): unknown {
  const x = r();
  if (x < 0.3) return pick(r, SCALARS);
  const ops = ["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists"];
  const cond: Record<string, unknown> = {};
  const n = 1 + Math.floor(r() * 2);
  for (let i = 0; i < n; i++) {
    const op = pick(r, ops);
    cond[op] = op === "$in" || op === "$nin"
      ? [pick(r, SCALARS), pick(r, SCALARS)]
      : op === "$exists"
      ? r() < 0.5
      : pick(r, SCALARS);
  }
  return cond;
}

function randomFilter(r: () => number, depth = 0): Document {
  const f: Document = {};
  const n = 1 + Math.floor(r() * 2);
  for (let i = 0; i < n; i++) {
    const x = r();
    if (depth < 2 && x < 0.2) {
      f[pick(r, ["$and", "$or", "$nor"])] = [
        randomFilter(r, depth + 1),
        randomFilter(r, depth + 1),
      ];
    } else {
      f[pick(r, ["a", "b", "c"])] = randomCondition(r);
    }
  }
  return f;
}

Deno.test("compiled filters agree with mingo on random filters and documents", () => {
  const r = rng(12345);
  const docs = Array.from({ length: 300 }, () => randomDoc(r));
  let compiled = 0, decided = 0;
  for (let i = 0; i < 400; i++) {
    const filter = randomFilter(r);
    const q = new Query(filter);
    const test = createMatcher(filter, () => q);
    const fast = compileFilter(filter);
    if (fast) compiled++;
    for (const doc of docs) {
      const expected = q.test(doc);
      assert.equal(test(doc), expected, `${JSON.stringify(filter)} on ${JSON.stringify(doc)}`);
      if (fast && fast(doc) !== undefined) {
        decided++;
        assert.equal(fast(doc), expected);
      }
    }
  }
  assert.ok(compiled > 350, `${compiled} filters compiled`);
  assert.ok(decided > 80_000, `${decided} documents decided without mingo`);
});

Deno.test("filters with other operators are left to mingo", () => {
  assert.equal(compileFilter({ a: /x/ }), null);
  assert.equal(compileFilter({ a: { $regex: "x" } }), null);
  assert.equal(compileFilter({ "a.b": 1 }), null);
  assert.equal(compileFilter({ $expr: { $gt: ["$a", 1] } }), null);
  assert.equal(compileFilter({ a: { x: 1 } }), null);
  assert.equal(compileFilter({ a: [1, 2] }), null);
  assert.equal(compileFilter({ a: { $not: { $gt: 1 } } }), null);
  assert.ok(compileFilter({}));
  assert.equal(compileFilter({})!({ a: 1 }), true);
});
