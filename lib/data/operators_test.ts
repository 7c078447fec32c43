import assert from "node:assert/strict";
import { createEmbeddedClient } from "./mcp_client.ts";
import { createMemoryStore } from "./memory_store.ts";
import { roundDecimal } from "./operators.ts";
import { createQueryEngine } from "./query_engine.ts";
import { fixtureDataset } from "../../testing/data_fixture.ts";
import type { Document } from "./types.ts";

// [number, place, $round, $trunc] as MongoDB computes them (docs and server tests).
const ROUNDING: [number, number, number, number][] = [
  [2.5, 0, 2, 2],
  [3.5, 0, 4, 3],
  [-2.5, 0, -2, -2],
  [-3.5, 0, -4, -3],
  [10.5, 0, 10, 10],
  [11.5, 0, 12, 11],
  [29.5454, 2, 29.55, 29.54],
  [1234.5678, 2, 1234.57, 1234.56],
  [1234.5678, 0, 1235, 1234],
  [1234.5678, -2, 1200, 1200],
  [1234.5678, -4, 0, 0],
  [19.25, 1, 19.2, 19.2],
  [28.73, 1, 28.7, 28.7],
  [-45.39, 1, -45.4, -45.3],
  [19.25, -1, 20, 10],
  [-45.39, -1, -50, -40],
  [25, -1, 20, 20],
  [35, -1, 40, 30],
  [1.298, 0, 1, 1],
  [1.298, 1, 1.3, 1.2],
  [23.298, -1, 20, 20],
  [1.298, 100, 1.298, 1.298],
  [2147483647, -1, 2147483650, 2147483640],
  // The exact binary value decides: 2.675 is 2.67499999…, 0.125 is an exact tie.
  [2.675, 2, 2.67, 2.67],
  [0.125, 2, 0.12, 0.12],
  [0.375, 2, 0.38, 0.37],
  [2.99999, 2, 3, 2.99],
  [66.66666666666667, 2, 66.67, 66.66],
  [0.30000000000000004, 1, 0.3, 0.3],
  [1e300, 2, 1e300, 1e300],
];

Deno.test("roundDecimal rounds half to even and truncates as MongoDB does", () => {
  for (const [x, place, round, trunc] of ROUNDING) {
    assert.equal(roundDecimal(x, place), round, `$round [${x}, ${place}]`);
    assert.equal(roundDecimal(x, place, "toward_zero"), trunc, `$trunc [${x}, ${place}]`);
  }
  assert.ok(Object.is(roundDecimal(-0.4, 0), -0), "the sign of zero is kept");
  assert.ok(Number.isNaN(roundDecimal(NaN, 2)));
  assert.equal(roundDecimal(-Infinity, 2), -Infinity);
});

function engineOver(docs: Document[]) {
  return createQueryEngine(createMemoryStore({ t: docs }), "ccs_dev");
}

Deno.test("the engine's $round and $trunc give MongoDB's answers, nulls and errors", async () => {
  const docs = ROUNDING.map(([x, place], i) => ({ _id: i, x, place }));
  const engine = engineOver(docs);
  const out = await engine.aggregate("t", [
    { $sort: { _id: 1 } },
    {
      $project: {
        r: { $round: ["$x", "$place"] },
        t: { $trunc: ["$x", "$place"] },
      },
    },
  ]);
  assert.deepEqual(
    out.map((d) => [d.r, d.t]),
    ROUNDING.map(([, , r, t]) => [r, t]),
  );
  const [one] = await engineOver([{ _id: 1, x: 2.5, s: "a" }]).aggregate("t", [{
    $project: {
      _id: 0,
      single: { $round: "$x" },
      oneArg: { $round: ["$x"] },
      missing: { $round: ["$nope", 2] },
      nullPlace: { $round: ["$x", null] },
      literal: { $round: [29.5454, 2] },
      pct: { $round: [{ $multiply: [{ $divide: [13, 44] }, 100] }, 2] },
    },
  }]);
  assert.deepEqual(one, {
    single: 2,
    oneArg: 2,
    missing: null,
    nullPlace: null,
    literal: 29.55,
    pct: 29.55,
  });
  const bad: [unknown, RegExp][] = [
    [{ $round: ["$s", 0] }, /only supports numeric types, not string/],
    [{ $round: ["$x", 1.5] }, /must be a integral value/],
    [{ $round: ["$x", 101] }, /must be in \[-20, 100\]/],
    [{ $trunc: ["$x", -21] }, /must be in \[-20, 100\]/],
    [{ $round: [1, 2, 3] }, /at most 2/],
  ];
  for (const [expr, message] of bad) {
    await assert.rejects(
      () => engineOver([{ _id: 1, x: 2.5, s: "a" }]).aggregate("t", [{ $project: { v: expr } }]),
      message,
      JSON.stringify(expr),
    );
  }
});

// [args, MongoDB's answer]
const INDEX_OF_CP: [unknown[], number | null][] = [
  [["cafeteria", "e"], 3],
  [["cafétéria", "é"], 3],
  [["cafétéria", "e"], -1],
  [["cafétéria", "t"], 4],
  [["foo.bar.fi", ".", 5], 7],
  [["vanilla", "ll", 0, 2], -1],
  [["vanilla", "ll", 12], -1],
  [["vanilla", "ll", 5, 2], -1],
  [["vanilla", "nilla", 3], -1],
  [["vanilla", "ll", 0, 4], -1],
  // The match starts before the end and may run past it.
  [["vanilla", "ll", 0, 5], 4],
  [["vanilla", "ll", 0, 100], 4],
  [["a😀b😀c", "b"], 2],
  [["a😀b😀c", "😀", 2], 3],
  [["a😀b😀c", "c"], 4],
  [["", ""], 0],
  [["abc", "", 1], 1],
  [["abc", "", 3], -1],
  [[null, "foo"], null],
  [["$nope", "foo"], null],
];

Deno.test("the engine's $indexOfCP counts code points, with start and end", async () => {
  const engine = engineOver([{ _id: 1 }]);
  for (const [args, expected] of INDEX_OF_CP) {
    const [doc] = await engine.aggregate("t", [{ $project: { _id: 0, i: { $indexOfCP: args } } }]);
    assert.equal(doc.i, expected, JSON.stringify(args));
  }
  const bad: [unknown[], RegExp][] = [
    [["vanilla", "ll", -1], /nonnegative starting index/],
    [["vanilla", "ll", 1.5], /integral starting index/],
    [["vanilla", "ll", 0, "x"], /integral ending index/],
    [[42, "x"], /string as the first argument/],
    [["x", null], /string as the second argument/],
    [["x"], /at least 2 arguments/],
  ];
  for (const [args, message] of bad) {
    await assert.rejects(
      () => engine.aggregate("t", [{ $project: { i: { $indexOfCP: args } } }]),
      message,
      JSON.stringify(args),
    );
  }
});

Deno.test("the embedded server answers $round and $indexOfCP as MongoDB does", async () => {
  const client = await createEmbeddedClient(fixtureDataset());
  try {
    const res = await client.aggregate("calling_cdr", [
      { $match: { call_id: "C01" } },
      {
        $project: {
          _id: 0,
          r: { $round: [29.5454, 2] },
          even: { $round: [2.5, 0] },
          hundreds: { $round: [1234.5678, -2] },
          dash: { $indexOfCP: ["$call_id", "0"] },
          accent: { $indexOfCP: ["café-été", "été"] },
        },
      },
    ]);
    assert.deepEqual(res.documents, [{ r: 29.55, even: 2, hundreds: 1200, dash: 1, accent: 5 }]);
    // A rate the way a model would write it: 13 of 44 calls.
    const rate = await client.aggregate("calling_cdr", [
      { $group: { _id: null, n: { $sum: 1 } } },
      { $project: { _id: 0, pct: { $round: [{ $multiply: [{ $divide: [13, 44] }, 100] }, 2] } } },
    ]);
    assert.deepEqual(rate.documents, [{ pct: 29.55 }]);
  } finally {
    await client.close();
  }
});
