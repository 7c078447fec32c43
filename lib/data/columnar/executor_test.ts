import assert from "node:assert/strict";
import { ObjectId } from "bson";
import { Aggregator } from "mingo";
import { createMemoryStore } from "../memory_store.ts";
import { createBudget } from "../query_budget.ts";
import { createQueryEngine, ENGINE_CONTEXT } from "../query_engine.ts";
import type { Document } from "../types.ts";
import { mulberry32 } from "../seed.ts";
import { buildColumnTable, ColumnTableBuilder } from "./column_table.ts";

const rng = mulberry32;

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

const AGENTS = ["asha", "bala", "chen", "dev", "Eve", "", "zoë", "😀x"];
const STATUSES = ["answered", "missed", "failed", "busy"];
// Around the European (25 Oct) and US (8 Mar) clock changes of 2026.
const T0 = Date.parse("2026-03-07T00:00:00Z");
const T1 = Date.parse("2026-10-24T00:00:00Z");

function randomTime(r: Rand): Date {
  return new Date((r() < 0.5 ? T0 : T1) + Math.floor(r() * 3 * 86_400_000));
}

/** A random call-like document: missing fields, nulls, mixed types in some fields. */
function randomDoc(r: Rand, i: number, mixed: boolean): Document {
  const doc: Document = { _id: new ObjectId(i.toString(16).padStart(24, "0")) };
  const maybe = (name: string, value: () => unknown, missing = 0.05, nul = 0.05) => {
    const x = r();
    if (x < missing) return;
    doc[name] = x < missing + nul ? null : value();
  };
  maybe("call_id", () => `C${i}`, 0.02, 0.01);
  maybe("start_time", () => randomTime(r), 0.02, 0.01);
  maybe("agent_name", () => (mixed && r() < 0.05 ? 7 : pick(r, AGENTS)), 0.05, 0.15);
  maybe("status", () => pick(r, STATUSES), 0.03, 0.02);
  maybe("direction", () => (r() < 0.6 ? "incoming" : "outgoing"), 0.02, 0);
  maybe("talk_seconds", () => {
    if (mixed && r() < 0.05) return pick(r, ["12", true, new Date(T0)]);
    return r() < 0.1 ? Math.round(r() * 1000) / 10 : Math.floor(r() * 600);
  });
  maybe("ring_seconds", () => Math.floor(r() * 40), 0.05, 0.02);
  maybe("flag", () => r() < 0.5, 0.3, 0.05);
  if (r() < 0.3) doc.customer_number = `+91${Math.floor(r() * 20)}`;
  if (mixed && r() < 0.02) doc.tags = ["a", "b"];
  // Key order varies too.
  if (r() < 0.1) {
    const { status, ...rest } = doc;
    return status === undefined ? rest : { ...rest, status };
  }
  return doc;
}

const FIELDS = [
  "call_id",
  "agent_name",
  "status",
  "direction",
  "talk_seconds",
  "ring_seconds",
  "flag",
];

function randomCondition(r: Rand): Document {
  const k = Math.floor(r() * 11);
  const date = () => randomTime(r);
  switch (k) {
    case 0:
      return { status: pick(r, [...STATUSES, "nope"]) };
    case 1:
      return { agent_name: { $in: [pick(r, AGENTS), pick(r, [...AGENTS, null])] } };
    case 2:
      return { agent_name: { $ne: null } };
    case 3:
      return { talk_seconds: { [pick(r, ["$gt", "$gte", "$lt", "$lte"])]: Math.floor(r() * 600) } };
    case 4:
      return { start_time: { $gte: date(), $lt: date() } };
    case 5:
      return { [pick(r, FIELDS)]: { $exists: r() < 0.5 } };
    case 6:
      return {
        [pick(r, FIELDS)]: { $type: pick(r, ["string", "number", "date", "null", "bool"]) },
      };
    case 7:
      return { $or: [randomCondition(r), randomCondition(r)] };
    case 8:
      return { direction: { $nin: [pick(r, ["incoming", "outgoing"])] } };
    case 9:
      return { agent_name: { $gte: pick(r, AGENTS) } };
    default:
      return { flag: pick(r, [true, false, null]) };
  }
}

function randomValueExpr(r: Rand): unknown {
  switch (Math.floor(r() * 6)) {
    case 0:
      return `$${pick(r, ["talk_seconds", "ring_seconds"])}`;
    case 1:
      return { $add: ["$talk_seconds", "$ring_seconds"] };
    case 2:
      return {
        $cond: [{ $eq: [`$${pick(r, FIELDS)}`, pick(r, [...STATUSES, null, "asha"])] }, 1, 0],
      };
    case 3:
      return {
        $cond: [
          { $and: [{ $eq: ["$status", "answered"] }, { $lte: ["$ring_seconds", 20] }] },
          1,
          0,
        ],
      };
    case 4:
      return `$${pick(r, FIELDS)}`;
    default:
      return { $cond: { if: { $gt: ["$talk_seconds", 100] }, then: "$talk_seconds", else: 0 } };
  }
}

function randomGroup(r: Rand): Document {
  const keys: unknown[] = [
    "$agent_name",
    null,
    { k: "$agent_name", c: "$customer_number" },
    { k: null, c: "$status" },
    `$${pick(r, FIELDS)}`,
    "$start_time",
    "$customer_number",
    { $dateToString: { format: "%Y-%m-%d %H", date: "$start_time", timezone: "Europe/Berlin" } },
    { $hour: { date: "$start_time", timezone: "America/New_York" } },
    { $isoDayOfWeek: { date: "$start_time", timezone: "Asia/Kathmandu" } },
  ];
  const group: Document = { _id: pick(r, keys) };
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    const op = pick(r, ["$sum", "$avg", "$min", "$max", "$count", "$sum1"]);
    if (op === "$count") group[`a${i}`] = { $count: {} };
    else if (op === "$sum1") group[`a${i}`] = { $sum: 1 };
    else group[`a${i}`] = { [op]: randomValueExpr(r) };
  }
  return group;
}

/** A top-level inclusion projection: some fields (one maybe absent), `_id` named or not. */
function randomProjection(r: Rand): Document {
  const spec: Document = {};
  for (const f of [...FIELDS, "call_id", "nowhere"]) if (r() < 0.4) spec[f] = pick(r, [1, true]);
  if (Object.keys(spec).length === 0) spec.agent_name = 1;
  const id = Math.floor(r() * 5);
  if (id < 4) spec._id = [0, 1, true, false][id];
  return spec;
}

function randomPipeline(r: Rand): Document[] {
  const p: Document[] = [];
  const nm = Math.floor(r() * 3);
  for (let i = 0; i < nm; i++) {
    const m: Document = {};
    Object.assign(m, randomCondition(r));
    if (r() < 0.4) Object.assign(m, randomCondition(r));
    p.push({ $match: m });
  }
  switch (Math.floor(r() * 9)) {
    case 0:
      p.push({ $count: "n" });
      break;
    case 1:
    case 2:
      p.push({ $group: randomGroup(r) });
      if (r() < 0.5) p.push({ $sort: { _id: 1 } });
      break;
    case 3:
      p.push({
        $facet: { r: [{ $group: randomGroup(r) }], c: [{ $count: "n" }] },
      });
      break;
    case 4:
      p.push({ $sort: { start_time: pick(r, [1, -1]), _id: 1 } });
      p.push({ $skip: Math.floor(r() * 30) }, { $limit: 1 + Math.floor(r() * 20) });
      if (r() < 0.5) p.push({ $project: randomProjection(r) });
      break;
    case 5:
      p.push({ $group: { _id: { k: "$agent_name", c: "$customer_number" }, n: { $sum: 1 } } });
      p.push({ $group: { _id: "$_id.k", u: { $sum: 1 }, n: { $sum: "$n" }, h: { $sum: 0.1 } } });
      break;
    case 6:
      p.push({ $sort: { [pick(r, FIELDS)]: pick(r, [1, -1]), start_time: pick(r, [1, -1]) } });
      if (r() < 0.5) p.push({ $skip: Math.floor(r() * 30) });
      if (r() < 0.7) p.push({ $limit: 1 + Math.floor(r() * 20) });
      if (r() < 0.5) p.push({ $project: randomProjection(r) });
      break;
    case 7:
      p.push({ $skip: Math.floor(r() * 30) }, { $limit: Math.floor(r() * 20) });
      break;
    default:
      p.push({ $project: randomProjection(r) });
  }
  return p;
}

function keysOf(doc: Document): string[] {
  return Object.keys(doc);
}

function mingoRun(pipeline: Document[], docs: Document[]): Document[] {
  return new Aggregator(pipeline, { context: ENGINE_CONTEXT, scriptEnabled: false }).run(docs);
}

let servedByColumns = 0;

async function differential(seed: number, mixed: boolean): Promise<void> {
  const r = rng(seed);
  const n = 20 + Math.floor(r() * 400);
  const docs = Array.from({ length: n }, (_, i) => randomDoc(r, i, mixed));
  // Half the cases keep strings by row rather than in a dictionary.
  const table = buildColumnTable(docs, { rawStringsFrom: seed % 2 ? 2 : 50_000 });
  const store = createMemoryStore({ c: table }, {
    indexes: { c: [{ key: { start_time: 1, _id: 1 } }, { key: { agent_name: 1 } }] },
  });
  const engine = createQueryEngine(store, "ccs_dev");
  for (let q = 0; q < 8; q++) {
    const pipeline = randomPipeline(r);
    let expected: Document[] | Error;
    try {
      expected = mingoRun(pipeline, docs);
    } catch (e) {
      expected = e as Error;
    }
    const where = `seed ${seed} query ${q}: ${JSON.stringify(pipeline)}`;
    if (expected instanceof Error) {
      await assert.rejects(engine.aggregate("c", pipeline), where);
      continue;
    }
    const got = await engine.aggregate("c", pipeline);
    assert.deepStrictEqual(got, expected, where);
    // Same fields in the same order too (deepStrictEqual does not look at key order).
    assert.deepStrictEqual(got.map(keysOf), expected.map(keysOf), where);
  }
  servedByColumns += engine.stats.columnar + engine.stats.indexScans;
}

Deno.test("columnar engine: random pipelines give exactly mingo's results (scalar fields)", async () => {
  servedByColumns = 0;
  for (let seed = 1; seed <= 60; seed++) await differential(seed, false);
  assert.ok(servedByColumns > 200, `only ${servedByColumns} of 480 served by the columns`);
});

Deno.test("columnar engine: random pipelines give exactly mingo's results (mixed types)", async () => {
  for (let seed = 1001; seed <= 1060; seed++) await differential(seed, true);
});

Deno.test("columnar engine: groups and counts are computed on the columns", async () => {
  const r = rng(7);
  const docs = Array.from({ length: 300 }, (_, i) => randomDoc(r, i, false));
  const store = createMemoryStore({ c: docs }, { columnarFrom: 0 });
  const engine = createQueryEngine(store, "ccs_dev");
  const pipeline = [
    { $match: { status: "answered" } },
    { $group: { _id: "$agent_name", n: { $sum: 1 }, t: { $avg: "$talk_seconds" } } },
  ];
  assert.deepStrictEqual(await engine.aggregate("c", pipeline), mingoRun(pipeline, docs));
  assert.equal(engine.stats.columnar, 1);
  assert.equal(engine.stats.fullScans, 0);
  // Pipelines sharing a $match share its selection; each still equals mingo's result.
  const shared = { $match: { status: "answered" } };
  for (
    const p of [
      [shared, { $count: "n" }],
      [shared, { $group: { _id: "$direction", n: { $sum: 1 } } }],
      [shared, { $skip: 3 }, { $limit: 4 }],
    ]
  ) {
    assert.deepStrictEqual(await engine.aggregate("c", p), mingoRun(p, docs));
  }
  for (const field of ["agent_name", "status", "talk_seconds", "nope"]) {
    // The planner's vocabulary shape, served from the dictionary.
    const vocabulary = [
      { $match: { [field]: { $type: "string" } } },
      { $group: { _id: `$${field}` } },
      { $sort: { _id: 1 } },
      { $limit: 5000 },
    ];
    const unsorted = vocabulary.slice(0, 2);
    assert.deepStrictEqual(await engine.aggregate("c", vocabulary), mingoRun(vocabulary, docs));
    assert.deepStrictEqual(await engine.aggregate("c", unsorted), mingoRun(unsorted, docs));
  }
});

Deno.test("columnar engine: unsupported shapes fall back to mingo and still match", async () => {
  const r = rng(11);
  const docs = Array.from({ length: 300 }, (_, i) => randomDoc(r, i, true));
  const store = createMemoryStore({ c: docs }, { columnarFrom: 0 });
  const engine = createQueryEngine(store, "ccs_dev");
  const pipelines: Document[][] = [
    [{ $match: { agent_name: { $regex: "^a" } } }, { $group: { _id: "$status", n: { $sum: 1 } } }],
    [{ $match: { tags: "a" } }, { $count: "n" }],
    [{ $group: { _id: "$agent_name", xs: { $push: "$status" } } }],
    [{ $match: { status: "answered" } }, { $group: { _id: "$tags", n: { $sum: 1 } } }],
    [{ $group: { _id: null, m: { $min: "$talk_seconds" }, x: { $max: "$agent_name" } } }],
    [{ $match: { "a.b": 1 } }],
  ];
  for (const p of pipelines) {
    assert.deepStrictEqual(await engine.aggregate("c", p), mingoRun(p, docs), JSON.stringify(p));
  }
  assert.equal(
    await engine.count("c", { status: "answered" }),
    mingoRun([
      { $match: { status: "answered" } },
    ], docs).length,
  );
});

Deno.test("columnar table: materialised documents deep-equal the originals", () => {
  const r = rng(3);
  const docs = Array.from({ length: 500 }, (_, i) => randomDoc(r, i, true));
  docs.push({ _id: 5, n: -0, nan: NaN, big: 2 ** 60, nested: { a: [1, { b: 2 }] }, s: "" });
  const table = buildColumnTable(docs, { rawStringsFrom: 3 });
  assert.ok(table.column("call_id")!.raw, "call ids kept by row");
  assert.equal(table.size, docs.length);
  for (let i = 0; i < docs.length; i++) {
    const got = table.doc(i);
    assert.deepStrictEqual(got, docs[i]);
    assert.deepEqual(Object.keys(got), Object.keys(docs[i]), `key order of row ${i}`);
    assert.ok(Object.isFrozen(got));
  }
  assert.ok(Object.is(table.doc(docs.length - 1).n, -0));
});

Deno.test("columnar table: parts made apart and appended as data equal the whole", () => {
  const r = rng(5);
  const docs = Array.from({ length: 900 }, (_, i) => randomDoc(r, i, true));
  const opts = { rawStringsFrom: 40 };
  const whole = buildColumnTable(docs, opts);
  // Documents, then a part as data (cloned as a postMessage would), then documents again;
  // the call ids go by row in the part but not yet in the first rows.
  const part = buildColumnTable(docs.slice(60, 700), opts).data();
  const built = new ColumnTableBuilder(opts).append(docs.slice(0, 60))
    .appendData(structuredClone(part)).append(docs.slice(700)).finish();
  assert.equal(built.size, docs.length);
  for (let i = 0; i < docs.length; i++) {
    assert.deepStrictEqual(built.doc(i), docs[i], `row ${i}`);
    assert.deepEqual(Object.keys(built.doc(i)), Object.keys(docs[i]), `key order of row ${i}`);
  }
  for (const field of whole.fields) {
    const a = whole.column(field)!, b = built.column(field)!;
    assert.equal(b.kindMask, a.kindMask, `kinds of ${field}`);
    if (!a.raw && !b.raw) assert.deepEqual(b.dict, a.dict, `dictionary order of ${field}`);
  }
  assert.ok(built.column("call_id")!.raw, "call ids kept by row after the merge");
  assert.deepEqual(built.fields.sort(), whole.fields.sort());
});

Deno.test("columnar engine: an abort stops a scan of a big collection at once", async () => {
  const n = 400_000;
  const base = Date.parse("2026-01-01T00:00:00Z");
  const docs = Array.from({ length: n }, (_, i) => ({
    _id: i,
    start_time: new Date(base + i * 1000),
    agent_name: `a${i % 50}`,
    talk_seconds: i % 600,
  }));
  const store = createMemoryStore({ c: docs }, { columnarFrom: 0 });
  const engine = createQueryEngine(store, "ccs_dev");
  // A pipeline heavy enough to take long: the group runs per row through $cond.
  const pipeline = [{ $match: { agent_name: { $ne: "a3" } } }, {
    $group: {
      _id: "$agent_name",
      s: { $sum: { $cond: [{ $gt: ["$talk_seconds", 5] }, "$talk_seconds", 0] } },
      m: { $max: { $add: ["$talk_seconds", 1] } },
    },
  }];
  const t0 = performance.now();
  const full = await engine.aggregate("c", pipeline);
  assert.equal(full.length, 49);
  const fullMs = performance.now() - t0;
  for (let round = 0; round < 2; round++) {
    const controller = new AbortController();
    const started = performance.now();
    // A fresh engine: the first one keeps the grouping it made and would answer at once.
    const run = createQueryEngine(store, "ccs_dev").aggregate("c", pipeline, {
      budget: createBudget({ signal: controller.signal }),
    });
    setTimeout(() => controller.abort(new Error("stopped")), 5);
    await assert.rejects(run, /stopped/);
    const took = performance.now() - started;
    assert.ok(
      took < 100,
      `stopped after ${took.toFixed(0)} ms (a full run takes ${fullMs.toFixed(0)})`,
    );
  }
  const timed = createQueryEngine(store, "ccs_dev").aggregate("c", pipeline, {
    budget: createBudget({ maxTimeMs: 5 }),
  });
  await assert.rejects(timed, /time limit/);
});

Deno.test("columnar engine: date-part keys in a time zone match mingo across DST changes", async () => {
  for (let seed = 500; seed < 520; seed++) {
    const r = rng(seed);
    const docs = Array.from({ length: 300 }, (_, i) => {
      const doc = randomDoc(r, i, false);
      return { ...doc, start_time: randomTime(r) };
    });
    const store = createMemoryStore({ c: docs }, { columnarFrom: 0 });
    const engine = createQueryEngine(store, "ccs_dev");
    const tz = pick(r, ["Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Asia/Kolkata"]);
    const key = pick(r, [
      { $dateToString: { format: "%Y-%m-%d", date: "$start_time", timezone: tz } },
      { $hour: { date: "$start_time", timezone: tz } },
      { $isoDayOfWeek: { date: "$start_time", timezone: tz } },
    ]);
    const pipeline = [
      { $match: randomCondition(r) },
      { $group: { _id: key, n: { $sum: 1 }, t: { $avg: "$talk_seconds" } } },
    ];
    const before = engine.stats.columnar;
    const got = await engine.aggregate("c", pipeline);
    assert.deepStrictEqual(
      got,
      mingoRun(pipeline, docs),
      `seed ${seed}: ${JSON.stringify(pipeline)}`,
    );
    assert.equal(engine.stats.columnar, before + 1, `seed ${seed} ran on the columns`);
  }
});

Deno.test("columnar engine: listingBatches reads a listing batch by batch, equal to the whole result", async () => {
  for (let seed = 1; seed <= 40; seed++) {
    const r = rng(5000 + seed);
    const docs = Array.from(
      { length: 50 + Math.floor(r() * 400) },
      (_, i) => randomDoc(r, i, false),
    );
    const store = createMemoryStore({ c: buildColumnTable(docs) }, {
      indexes: { c: [{ key: { start_time: 1, _id: 1 } }, { key: { agent_name: 1 } }] },
    });
    const engine = createQueryEngine(store, "ccs_dev");
    const pipeline: Document[] = [];
    if (r() < 0.7) pipeline.push({ $match: randomCondition(r) });
    pipeline.push({
      $sort: pick(r, [{ start_time: 1, _id: 1 }, { start_time: -1, _id: 1 }, { agent_name: 1 }]),
    });
    if (r() < 0.3) pipeline.push({ $skip: Math.floor(r() * 20) });
    if (r() < 0.3) pipeline.push({ $limit: Math.floor(r() * 200) });
    if (r() < 0.7) pipeline.push({ $project: randomProjection(r) });
    if (r() < 0.3) pipeline.push({ $set: { seen: true } });
    const where = `seed ${seed}: ${JSON.stringify(pipeline)}`;
    const batchSize = 1 + Math.floor(r() * 60);
    const batches = await engine.listingBatches("c", pipeline, {
      batchSize,
      budget: () => createBudget(),
    });
    assert.ok(batches, where);
    const got: Document[] = [];
    for await (const batch of batches) {
      assert.ok(batch.length <= batchSize, where);
      got.push(...batch);
    }
    const expected = mingoRun(pipeline, docs);
    assert.deepStrictEqual(got, expected, where);
    assert.deepStrictEqual(got.map(keysOf), expected.map(keysOf), where);
  }
  // Not a listing (a group), or not columnar: the caller reads another way.
  const docs = Array.from({ length: 30 }, (_, i) => randomDoc(rng(1), i, false));
  const columnar = createQueryEngine(createMemoryStore({ c: buildColumnTable(docs) }), "ccs_dev");
  const budget = () => createBudget();
  assert.equal(
    await columnar.listingBatches("c", [{ $group: { _id: "$agent_name" } }], {
      batchSize: 5,
      budget,
    }),
    null,
  );
  const objects = createQueryEngine(createMemoryStore({ c: docs }), "ccs_dev");
  assert.equal(
    await objects.listingBatches("c", [{ $sort: { start_time: 1 } }], { batchSize: 5, budget }),
    null,
  );
});
