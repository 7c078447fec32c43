import assert from "node:assert/strict";
import { ObjectId } from "bson";
import { createMemoryStore, type IndexSpec } from "../memory_store.ts";
import { sortOrder } from "../sort_keys.ts";
import type { Document } from "../types.ts";

function docs(seed: number): Document[] {
  let x = seed;
  const r = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: 400 }, (_, i) => {
    const d: Document = {
      _id: r() < 0.9 ? new ObjectId(Math.floor(r() * 1e6).toString(16).padStart(24, "0")) : i,
    };
    if (r() < 0.9) d.name = r() < 0.1 ? null : ["b", "a", "B", "", "ab", "é"][Math.floor(r() * 6)];
    if (r() < 0.9) d.t = new Date(Date.UTC(2026, 0, 1) + Math.floor(r() * 50) * 60_000);
    return d;
  });
}

Deno.test("columnar indexes order positions exactly as indexes over documents do", () => {
  for (let seed = 1; seed <= 20; seed++) {
    const data = docs(seed);
    const specs: IndexSpec[] = [{ key: { t: 1, _id: 1 } }, { key: { name: 1 } }];
    const indexes = { c: specs };
    const rows = createMemoryStore({ c: data }, { indexes, columnarFrom: Infinity });
    const cols = createMemoryStore({ c: data }, { indexes, columnarFrom: 0 });
    const a = rows.collection("ccs_dev", "c")!, b = cols.collection("ccs_dev", "c")!;
    assert.ok(b.table && !a.table);
    for (let k = 0; k < a.indexes.length; k++) {
      assert.equal(a.indexes[k].usable, b.indexes[k].usable);
      if (!a.indexes[k].usable) continue;
      assert.deepEqual(
        [...b.indexes[k].positions],
        [...a.indexes[k].positions],
        `seed ${seed} ${a.indexes[k].name}`,
      );
    }
  }
});

Deno.test("indexes over many documents (numeric sort passes) keep mingo's order", () => {
  const data = Array.from({ length: 6000 }, (_, i) => {
    const d: Document = { _id: new ObjectId((i * 7919 % 6000).toString(16).padStart(24, "0")) };
    if (i % 13) d.t = new Date(Date.UTC(2026, 0, 1) + (i * 31 % 97) * 60_000);
    if (i % 7) d.name = ["b", "a", "B", "", "ab", "é"][i % 6];
    if (i % 11 === 0) d.name = null;
    return d;
  });
  const specs: IndexSpec[] = [{ key: { t: -1, _id: 1 } }, { key: { name: 1, t: 1 } }];
  for (const columnarFrom of [0, Infinity]) {
    const store = createMemoryStore({ c: data }, { indexes: { c: specs }, columnarFrom });
    const coll = store.collection("ccs_dev", "c")!;
    for (const index of coll.indexes) {
      const spec = Object.entries(index.key) as [string, 1 | -1][];
      assert.deepEqual([...index.positions], [...sortOrder(data, spec)!], index.name);
    }
  }
});
