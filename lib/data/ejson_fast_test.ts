import assert from "node:assert/strict";
import { Decimal128, EJSON, Long, ObjectId } from "bson";
import { fromRelaxedEjson, toRelaxedEjson } from "./ejson_fast.ts";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const LEAVES: (() => unknown)[] = [
  () => null,
  () => undefined,
  () => true,
  () => "text ✓",
  () => "",
  () => 42,
  () => -7.25,
  () => -0,
  () => 2 ** 53,
  () => NaN,
  () => Infinity,
  () => new Date(Date.UTC(2026, 10, 24, 9, 30)),
  () => new Date(Date.UTC(2026, 10, 24, 9, 30, 1, 123)),
  () => new Date(-86_400_000),
  () => new Date(Date.UTC(12000, 0, 1)),
  () => new ObjectId("65a000000000000000000001"),
  () => /ab+c/i,
  () => Decimal128.fromString("1.10"),
  () => Long.fromNumber(123),
  () => ({ $weird: 1 }),
];

function randomValue(r: () => number, depth: number): unknown {
  const x = r();
  if (depth < 3 && x < 0.15) {
    return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  }
  if (depth < 3 && x < 0.3) return randomDoc(r, depth + 1);
  return LEAVES[Math.floor(r() * LEAVES.length)]();
}

function randomDoc(r: () => number, depth = 0): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  const n = 1 + Math.floor(r() * 6);
  for (let i = 0; i < n; i++) doc[`f${i}`] = randomValue(r, depth);
  return doc;
}

Deno.test("toRelaxedEjson and fromRelaxedEjson equal bson's EJSON in relaxed mode", () => {
  const r = rng(99);
  for (let i = 0; i < 600; i++) {
    const doc = randomDoc(r);
    const expected = EJSON.serialize(doc, { relaxed: true });
    const actual = toRelaxedEjson(doc);
    assert.deepEqual(actual, expected, `serialize ${EJSON.stringify(doc)}`);
    assert.deepEqual(
      fromRelaxedEjson(expected),
      EJSON.deserialize(expected, { relaxed: true }),
      `deserialize ${JSON.stringify(expected)}`,
    );
  }
});

Deno.test("documents round-trip with their dates and ObjectIds", () => {
  const doc = {
    _id: new ObjectId(),
    at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    n: [1, { s: "x" }],
  };
  const back = fromRelaxedEjson(toRelaxedEjson([doc])) as typeof doc[];
  assert.deepEqual(back, [doc]);
  assert.ok(back[0]._id instanceof ObjectId);
  assert.deepEqual(toRelaxedEjson(doc.at), { $date: "2026-01-02T03:04:05Z" });
});
