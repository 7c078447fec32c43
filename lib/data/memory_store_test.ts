import assert from "node:assert/strict";
import { ObjectId } from "bson";
import { Aggregator } from "mingo";
import {
  createCollectionBuilder,
  createMemoryStore,
  indexName,
  MemoryStore,
} from "./memory_store.ts";
import type { Document } from "./types.ts";
import { fixtureDataset } from "../../testing/data_fixture.ts";

Deno.test("the store holds databases, collections and the contract's indexes", () => {
  const store = createMemoryStore(fixtureDataset(), { database: "other_db" });
  assert.deepEqual(store.databaseNames(), ["other_db"]);
  assert.deepEqual(store.collections("other_db").map((c) => c.name), [
    "address_book",
    "calling_cdr",
  ]);
  assert.deepEqual(store.collections("nope"), []);
  assert.equal(store.collection("other_db", "nope"), undefined);
  const calls = store.collection("other_db", "calling_cdr")!;
  assert.equal(calls.size, 20);
  assert.deepEqual(calls.indexes.map((i) => i.name), [
    "_id_",
    "start_time_1__id_1",
    "agent_name_1_start_time_1",
    "customer_number_1_start_time_1",
  ]);
  assert.deepEqual(
    store.collection("other_db", "address_book")!.indexes.map((i) => i.name),
    ["_id_", "phone_1", "customer_id_1"],
  );
  assert.ok(calls.bytes > 20 * 100);
  assert.equal(indexName({ a: 1, b: -1 }), "a_1_b_-1");
});

Deno.test("an index orders positions as mingo's $sort orders documents", () => {
  const { calling_cdr } = fixtureDataset();
  const store = createMemoryStore({ calling_cdr });
  const coll = store.collection("ccs_dev", "calling_cdr")!;
  for (const index of coll.indexes) {
    assert.ok(index.usable, index.name);
    const byIndex = [...index.positions].map((p) => coll.documents[p].call_id);
    const sorted = new Aggregator([{ $sort: index.key }]).run(calling_cdr).map((d) => d.call_id);
    assert.deepEqual(byIndex, sorted, index.name);
  }
});

Deno.test("documents are frozen and get an _id when they have none", () => {
  const store = new MemoryStore();
  const coll = store.addCollection("db", "c", [{ a: 1, nested: { b: [1, 2] } }, { _id: 7, a: 2 }]);
  assert.ok(coll.documents[0]._id instanceof ObjectId);
  assert.equal(coll.documents[1]._id, 7);
  assert.ok(Object.isFrozen(coll.documents[0]));
  assert.ok(Object.isFrozen((coll.documents[0].nested as { b: number[] }).b));
  assert.throws(() => (coll.documents as unknown[]).push({}));
});

Deno.test("an index over arrays is not usable", () => {
  const store = new MemoryStore();
  const coll = store.addCollection("db", "c", [{ _id: 1, t: [1, 2] }, { _id: 2, t: 3 }], [{
    key: { t: 1 },
  }]);
  assert.equal(coll.indexes[1].usable, false);
  assert.equal(coll.indexes[0].usable, true);
});

Deno.test("a large collection is columnar, built in batches, and serves equal documents", () => {
  const docs: Document[] = Array.from({ length: 3000 }, (_, i) => ({
    call_id: `C${i}`,
    n: i % 7 === 0 ? null : i,
    at: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
  }));
  const builder = createCollectionBuilder({ capacity: 1000 });
  for (let i = 0; i < docs.length; i += 512) builder.append(docs.slice(i, i + 512));
  const store = createMemoryStore({ calls: builder.finish(), small: [{ a: 1 }] });
  const coll = store.collection("ccs_dev", "calls")!;
  assert.ok(coll.table);
  assert.equal(coll.size, 3000);
  // Documents without an _id got one, in place (as the object store does).
  assert.ok(docs[5]._id instanceof ObjectId);
  assert.deepStrictEqual(coll.doc(5), docs[5]);
  assert.deepStrictEqual(coll.documents, docs);
  assert.deepStrictEqual(coll.docsAt([2999, 0]), [docs[2999], docs[0]]);
  assert.deepStrictEqual(coll.sample(3), [docs[0], docs[1000], docs[2000]]);
  assert.ok(Object.isFrozen(coll.doc(1)));
  assert.ok(coll.bytes > 3000 * 40 && coll.bytes < 3000 * 200, `${coll.bytes} bytes`);
  assert.equal(store.collection("ccs_dev", "small")!.table, null);
  const byThreshold = createMemoryStore({ calls: docs }, { columnarFrom: 2000 });
  assert.ok(byThreshold.collection("ccs_dev", "calls")!.table);
  assert.ok(!createMemoryStore({ calls: docs }).collection("ccs_dev", "calls")!.table);
});

Deno.test("columnar indexes over thousands of rows (the numeric-sort paths) order as mingo's $sort", () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const hex = (bytes: number[]) => bytes.map((b) => b.toString(16).padStart(2, "0")).join("");
  // Several ids per second (random tails, shuffled), dates with duplicates; then dates over
  // centuries (too wide for one exact number per row: the search path) and mixed types.
  for (const wide of [false, true]) {
    const docs: Document[] = Array.from({ length: 6000 }, (_, i) => {
      const second = 1_700_000_000 + Math.floor(rand() * 900);
      const tail = Array.from({ length: 8 }, () => Math.floor(rand() * 256));
      const ts = [second >>> 24, (second >>> 16) & 255, (second >>> 8) & 255, second & 255];
      const ms = wide ? rand() * 4e12 - 1e12 : 1_780_000_000_000 + Math.floor(rand() * 5000) * 1000;
      return {
        _id: new ObjectId(hex([...ts, ...tail])),
        start_time: i % 997 === 0 && wide ? null : new Date(Math.floor(ms)),
        agent_name: ["a", "b", "c", null][Math.floor(rand() * 4)],
        n: i,
      };
    });
    const store = createMemoryStore({ calls: docs }, {
      columnarFrom: 1000,
      indexes: {
        calls: [{ key: { start_time: 1, _id: 1 } }, { key: { agent_name: 1, start_time: -1 } }],
      },
    });
    const coll = store.collection("ccs_dev", "calls")!;
    assert.ok(coll.table);
    for (const index of coll.indexes) {
      assert.ok(index.usable, index.name);
      const byIndex = [...index.positions].map((p) => coll.doc(p).n);
      const sorted = new Aggregator([{ $sort: index.key }]).run(docs).map((d) => d.n);
      assert.deepEqual(byIndex, sorted, `${index.name}, wide ${wide}`);
    }
  }
});
