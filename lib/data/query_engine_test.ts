import assert from "node:assert/strict";
import { ObjectId } from "bson";
import { Aggregator, find as mingoFind, Query } from "mingo";
import { createMemoryStore } from "./memory_store.ts";
import { createQueryEngine, hoistPaging } from "./query_engine.ts";
import type { Document } from "./types.ts";

/** Deterministic pseudo-random numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const T0 = Date.UTC(2026, 9, 1);

function makeCalls(n: number, seed = 7): Document[] {
  const r = rng(seed);
  const docs: Document[] = [];
  for (let i = 0; i < n; i++) {
    const incoming = r() < 0.6;
    const answered = r() < 0.7;
    const agent = answered || !incoming ? `agent${Math.floor(r() * 6)}` : null;
    const doc: Document = {
      _id: new ObjectId(Math.floor(r() * 0xffffff).toString(16).padStart(24, "0")),
      call_id: `C${i}`,
      direction: incoming ? "incoming" : "outgoing",
      status: answered ? "answered" : incoming ? "missed" : "busy",
      agent_name: agent,
      customer_number: `+9190000${String(Math.floor(r() * 300)).padStart(5, "0")}`,
      // Minute resolution over a few days: many equal start times.
      start_time: new Date(T0 + Math.floor(r() * 3 * 24 * 60) * 60_000),
      talk_seconds: answered ? Math.floor(r() * 600) : 0,
      ring_seconds: Math.floor(r() * 40),
    };
    if (i % 97 === 0) delete doc.agent_name;
    docs.push(doc);
  }
  return docs;
}

function makeCustomers(): Document[] {
  const out: Document[] = [];
  for (let i = 0; i < 300; i += 2) {
    out.push({
      _id: new ObjectId(i.toString(16).padStart(24, "a")),
      customer_id: `CUST${i}`,
      phone: `+9190000${String(i).padStart(5, "0")}`,
      name: `Customer ${i}`,
    });
  }
  return out;
}

const calls = makeCalls(4000);
const customers = makeCustomers();
const store = createMemoryStore({
  calling_cdr: structuredCloneDocs(calls),
  address_book: customers,
});

/** Copies documents (ObjectIds kept) so the store's frozen copies are separate from `calls`. */
function structuredCloneDocs(docs: Document[]): Document[] {
  return docs.map((d) => ({ ...d }));
}

function plain(pipeline: Document[]): Document[] {
  return new Aggregator(pipeline, {
    collectionResolver: (name) => (name === "address_book" ? customers : []),
  }).run(calls);
}

const d = (h: number) => new Date(T0 + h * 3_600_000);
const mid = calls[1234];

const cases: [string, Document[], keyof ReturnType<typeof createQueryEngine>["stats"] | null][] = [
  ["match + sort on index prefix + limit", [
    { $match: { direction: "incoming" } },
    { $sort: { start_time: 1 } },
    { $limit: 50 },
  ], "indexScans"],
  ["reversed index sort keeps ties in collection order", [{ $sort: { start_time: -1 } }, {
    $limit: 70,
  }], "indexScans"],
  ["range + full index sort + skip + limit + project", [
    { $match: { start_time: { $gte: d(10), $lt: d(30) } } },
    { $sort: { start_time: 1, _id: 1 } },
    { $skip: 5 },
    { $limit: 30 },
    { $project: { _id: 0, call_id: 1, start_time: 1 } },
  ], "indexScans"],
  ["keyset page ascending", [
    {
      $match: {
        $and: [
          { status: "answered" },
          { start_time: { $gte: mid.start_time } },
          {
            $or: [{ start_time: { $gt: mid.start_time } }, {
              start_time: mid.start_time,
              _id: { $gt: mid._id },
            }],
          },
        ],
      },
    },
    { $sort: { start_time: 1, _id: 1 } },
    { $limit: 100 },
  ], "indexScans"],
  ["keyset page descending", [
    {
      $match: {
        $and: [
          { start_time: { $lte: mid.start_time } },
          {
            $or: [{ start_time: { $lt: mid.start_time } }, {
              start_time: mid.start_time,
              _id: { $lt: mid._id },
            }],
          },
        ],
      },
    },
    { $sort: { start_time: -1, _id: -1 } },
    { $limit: 100 },
  ], "indexScans"],
  ["equality narrowed by an index, then group", [
    { $match: { agent_name: "agent3" } },
    { $group: { _id: "$status", n: { $sum: 1 }, talk: { $sum: "$talk_seconds" } } },
  ], "narrowed"],
  ["$in narrowed, then non-index sort", [
    { $match: { agent_name: { $in: ["agent1", "agent2"] } } },
    { $sort: { talk_seconds: -1 } },
  ], "narrowed"],
  [
    "multi-key sort with nulls and missing values",
    [{ $sort: { agent_name: 1, start_time: -1 } }],
    null,
  ],
  [
    "descending single-field index with nulls",
    [{ $sort: { agent_name: -1 } }, { $limit: 200 }],
    "indexScans",
  ],
  [
    "narrowed by customer number",
    [{ $match: { customer_number: calls[5].customer_number } }],
    "narrowed",
  ],
  ["range then count", [{ $match: { start_time: { $lt: d(20) } } }, { $count: "n" }], "narrowed"],
  ["lookup", [
    { $match: { status: "missed" } },
    { $limit: 30 },
    {
      $lookup: {
        from: "address_book",
        localField: "customer_number",
        foreignField: "phone",
        as: "c",
      },
    },
  ], null],
  ["group by day with sort", [
    {
      $group: {
        _id: { $dateToString: { date: "$start_time", format: "%Y-%m-%d" } },
        n: { $sum: 1 },
      },
    },
    { $sort: { n: -1, _id: 1 } },
  ], null],
  ["sort on _id with skip (paged)", [{ $sort: { _id: 1 } }, { $skip: 100 }, { $limit: 10 }], null],
  ["match by _id", [{ $match: { _id: mid._id } }], "narrowed"],
  ["match + sort + project + limit: the limit moves ahead of the projection", [
    { $match: { direction: "incoming" } },
    { $sort: { start_time: 1 } },
    { $project: { _id: 0, call_id: 1, start_time: 1, agent_name: 1 } },
    { $limit: 25 },
  ], "indexScans"],
  ["sort + addFields overwriting the sort key + set + unset + skip + limit", [
    { $sort: { start_time: -1, _id: -1 } },
    { $addFields: { start_time: "$call_id", talk_minutes: { $divide: ["$talk_seconds", 60] } } },
    { $set: { agent_name: { $toUpper: "$agent_name" } } },
    { $unset: ["customer_number", "ring_seconds"] },
    { $skip: 30 },
    { $limit: 15 },
  ], "indexScans"],
  ["sort + project + skip + limit on a large collection (paged)", [
    { $match: { status: "answered" } },
    { $sort: { start_time: 1, _id: 1 } },
    { $project: { call_id: 1, start_time: 1 } },
    { $skip: 200 },
    { $limit: 50 },
  ], "indexScans"],
  ["project + limit without a sort", [
    { $match: { direction: "outgoing" } },
    { $project: { call_id: 1 } },
    { $limit: 7 },
  ], null],
  ["a limit after a group is not moved", [
    { $sort: { start_time: 1 } },
    { $group: { _id: "$agent_name", first: { $first: "$call_id" } } },
    { $sort: { _id: 1 } },
    { $project: { first: 1 } },
    { $limit: 3 },
  ], null],
  ["empty result range", [{ $match: { start_time: { $gt: d(1000) } } }, {
    $sort: { start_time: 1 },
  }], "indexScans"],
];

for (const [name, pipeline, stat] of cases) {
  Deno.test(`engine equals plain mingo: ${name}`, async () => {
    const engine = createQueryEngine(store, "ccs_dev");
    const expected = plain(pipeline);
    const actual = await engine.aggregate("calling_cdr", pipeline);
    assert.deepEqual(actual, expected);
    if (stat) {
      assert.ok(
        engine.stats[stat] > 0,
        `expected the ${stat} plan, got ${JSON.stringify(engine.stats)}`,
      );
    }
  });
}

const columnarStore = createMemoryStore({
  calling_cdr: structuredCloneDocs(calls),
  address_book: customers,
}, { columnarFrom: 1000 });

for (const [name, pipeline] of cases) {
  Deno.test(`columnar collection equals plain mingo: ${name}`, async () => {
    assert.ok(columnarStore.collection("ccs_dev", "calling_cdr")!.table, "calls are columnar");
    assert.ok(!columnarStore.collection("ccs_dev", "address_book")!.table, "customers are not");
    const engine = createQueryEngine(columnarStore, "ccs_dev");
    assert.deepStrictEqual(await engine.aggregate("calling_cdr", pipeline), plain(pipeline));
  });
}

Deno.test("hoistPaging moves $skip and $limit ahead of per-document stages only", () => {
  const match = { $match: { a: 1 } };
  const sort = { $sort: { start_time: 1 } };
  const project = { $project: { a: 1 } };
  const set = { $set: { b: 2 } };
  const unset = { $unset: "c" };
  const addFields = { $addFields: { start_time: 0 } };
  const group = { $group: { _id: "$a" } };
  const skip = { $skip: 10 };
  const limit = { $limit: 5 };
  assert.deepEqual(hoistPaging([match, sort, project, limit]), [match, sort, limit, project]);
  assert.deepEqual(
    hoistPaging([match, sort, addFields, set, unset, skip, limit]),
    [match, sort, skip, limit, addFields, set, unset],
  );
  assert.deepEqual(
    hoistPaging([match, group, project, limit]),
    [match, group, limit, project],
  );
  assert.deepEqual(hoistPaging([sort, group, limit]), [sort, group, limit]);
  const lookup = { $lookup: { from: "x", localField: "a", foreignField: "b", as: "c" } };
  assert.deepEqual(hoistPaging([sort, lookup, limit]), [sort, lookup, limit]);
  const unwind = { $unwind: "$c" };
  assert.deepEqual(hoistPaging([sort, unwind, project, limit]), [sort, unwind, limit, project]);
});

Deno.test("a projected, sorted page is served by the index, not by mingo over everything", async () => {
  const engine = createQueryEngine(store, "ccs_dev");
  const pipeline = [
    { $match: { direction: "incoming" } },
    { $sort: { start_time: -1 } },
    { $addFields: { start_time: { $add: [1, 1] } } },
    { $project: { call_id: 1, start_time: 1 } },
    { $skip: 5 },
    { $limit: 10 },
  ];
  const got = await engine.aggregate("calling_cdr", pipeline);
  assert.equal(got.length, 10);
  assert.deepEqual(got, plain(pipeline));
  assert.deepEqual(engine.stats, {
    indexScans: 1,
    narrowed: 0,
    fullScans: 0,
    cacheHits: 0,
    groupHits: 0,
    scannedDocs: 10,
    stopped: 0,
    columnar: 0,
  });
});

Deno.test("paged pipelines reuse the materialised prefix and equal mingo on every page", async () => {
  const engine = createQueryEngine(store, "ccs_dev");
  const base = [{ $match: { status: "answered" } }, {
    $group: { _id: "$customer_number", n: { $sum: 1 } },
  }, {
    $sort: { n: -1, _id: 1 },
  }];
  for (let skip = 0; skip < 400; skip += 100) {
    const pipeline = [...base, { $skip: skip }, { $limit: 100 }];
    assert.deepEqual(await engine.aggregate("calling_cdr", pipeline), plain(pipeline));
  }
  assert.equal(engine.stats.cacheHits, 3);
});

Deno.test("find and count equal mingo's find and count", async () => {
  const engine = createQueryEngine(store, "ccs_dev");
  const filter = { direction: "outgoing", talk_seconds: { $gt: 100 } };
  const expected = mingoFind(calls, filter, { call_id: 1, talk_seconds: 1 }).sort({
    start_time: -1,
    _id: -1,
  })
    .limit(25).all();
  const actual = await engine.find("calling_cdr", {
    filter,
    sort: { start_time: -1, _id: -1 },
    limit: 25,
    projection: { call_id: 1, talk_seconds: 1 },
  });
  assert.deepEqual(actual, expected);
  const q = new Query(filter);
  assert.equal(await engine.count("calling_cdr", filter), calls.filter((c) => q.test(c)).length);
  assert.equal(
    await engine.count("calling_cdr", { agent_name: "agent2" }),
    calls.filter((c) => c.agent_name === "agent2").length,
  );
  assert.equal(await engine.count("calling_cdr"), calls.length);
  assert.equal(await engine.count("nope"), 0);
  assert.deepEqual(await engine.aggregate("nope", [{ $match: {} }]), []);
});

Deno.test("indexes over values mingo orders specially are not used, results still equal", async () => {
  const odd: Document[] = calls.slice(0, 300).map((c, i) => ({
    ...c,
    agent_name: i % 50 === 0 ? ["x", "y"] : c.agent_name,
  }));
  const oddStore = createMemoryStore({ calling_cdr: odd.map((x) => ({ ...x })) });
  const engine = createQueryEngine(oddStore, "ccs_dev");
  const pipeline = [{ $match: { agent_name: "x" } }];
  assert.deepEqual(
    await engine.aggregate("calling_cdr", pipeline),
    new Aggregator(pipeline).run(odd),
  );
  assert.equal(engine.stats.narrowed, 0);
  const sorted = [{ $sort: { agent_name: 1 } }];
  assert.deepEqual(await engine.aggregate("calling_cdr", sorted), new Aggregator(sorted).run(odd));
});

Deno.test("server-side JavaScript and writing stages are refused by the engine", async () => {
  const engine = createQueryEngine(store, "ccs_dev");
  await assert.rejects(() => engine.aggregate("calling_cdr", [{ $out: "x" }]), /not allowed/);
  await assert.rejects(
    () => engine.aggregate("calling_cdr", [{ $merge: { into: "x" } }]),
    /not allowed/,
  );
  await assert.rejects(
    () => engine.count("calling_cdr", { $where: "true" }),
    /not allowed|scriptEnabled/,
  );
  await assert.rejects(
    () =>
      engine.aggregate("calling_cdr", [{
        $project: { x: { $function: { body: "function() { return 1 }", args: [], lang: "js" } } },
      }]),
    /not allowed/,
  );
});

Deno.test("stored documents are frozen", () => {
  const coll = store.collection("ccs_dev", "calling_cdr")!;
  assert.ok(Object.isFrozen(coll.documents[0]));
  assert.throws(() => {
    (coll.documents[0] as Record<string, unknown>).status = "x";
  });
});

Deno.test("deep pages of an indexed sort come from the cached prefix, not a scan past the skip", async () => {
  const engine = createQueryEngine(store, "ccs_dev");
  const base = [{ $match: { direction: "incoming" } }, { $sort: { start_time: 1, _id: 1 } }];
  const total = plain([...base, { $count: "n" }])[0]?.n as number;
  assert.ok(total > 40, "the fixture needs enough incoming calls");
  const shallow = [...base, { $skip: 5 }, { $limit: 10 }];
  assert.deepEqual(await engine.aggregate("calling_cdr", shallow), plain(shallow));
  assert.equal(engine.stats.indexScans, 1);
  for (const skip of [1000, 1010, 1020]) {
    const page = [...base, { $skip: skip }, { $limit: 10 }];
    assert.deepEqual(await engine.aggregate("calling_cdr", page), plain(page));
  }
  // One scan materialises the sorted prefix; the later deep pages are cut from it.
  assert.equal(engine.stats.indexScans, 2, "deep pages do not each scan past the skip");
  assert.equal(engine.stats.cacheHits, 2);
});

Deno.test("a report's pipelines share one grouping: later ones reuse it, and get their own copies", async () => {
  const engine = createQueryEngine(columnarStore, "ccs_dev");
  const head = [
    { $match: { start_time: { $gte: new Date(T0), $lt: new Date(T0 + 2 * 86_400_000) } } },
    { $group: { _id: { k: "$agent_name", c: "$customer_number" }, calls: { $sum: 1 } } },
    { $group: { _id: "$_id.k", unique: { $sum: 1 }, calls: { $sum: "$calls" } } },
  ];
  const table = [...head, { $sort: { unique: -1, _id: 1 } }];
  const leaders = [...head, { $match: { unique: { $gt: 0 } } }, {
    $facet: { top: [{ $sort: { unique: -1, _id: 1 } }, { $limit: 1 }] },
  }];
  const first = await engine.aggregate("calling_cdr", table);
  assert.deepStrictEqual(first, plain(table));
  assert.equal(engine.stats.groupHits, 0);
  assert.deepStrictEqual(await engine.aggregate("calling_cdr", leaders), plain(leaders));
  assert.equal(engine.stats.groupHits, 1, "the leaders reused the table's grouping");
  // What a caller does with its rows does not reach the next one.
  first[0].unique = -1;
  first.reverse();
  assert.deepStrictEqual(await engine.aggregate("calling_cdr", head), plain(head));
  assert.equal(engine.stats.groupHits, 2);
  // Another period is another grouping.
  const other = [{ $match: { start_time: { $gte: new Date(T0) } } }, ...head.slice(1)];
  assert.deepStrictEqual(await engine.aggregate("calling_cdr", other), plain(other));
  assert.equal(engine.stats.groupHits, 2);
});

Deno.test("an $or of start_time ranges (a daily window) is read from the index, equal to mingo", async () => {
  const engine = createQueryEngine(columnarStore, "ccs_dev");
  const hour = 3_600_000, day = 86_400_000;
  const windows = [0, 1, 2].map((d) => ({
    start_time: {
      $gte: new Date(T0 + d * day + 14 * hour),
      $lt: new Date(T0 + d * day + 16 * hour),
    },
  }));
  const pipeline = [
    { $match: { $and: [{ start_time: { $lt: new Date(T0 + 2 * day) } }, { $or: windows }] } },
    { $group: { _id: "$agent_name", n: { $sum: 1 } } },
    { $sort: { _id: 1 } },
  ];
  const got = await engine.aggregate("calling_cdr", pipeline);
  assert.deepStrictEqual(got, plain(pipeline));
  assert.ok(got.length > 0);
  assert.equal(engine.stats.narrowed, 1, "the rows came from the index's ranges");
});
