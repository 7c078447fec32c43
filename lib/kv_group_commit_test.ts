import assert from "node:assert/strict";
import { GroupCommitter } from "./kv_group_commit.ts";

/** A KV whose commits are counted. */
async function countingKv(): Promise<{ kv: Deno.Kv; commits: () => number }> {
  const kv = await Deno.openKv(":memory:");
  let commits = 0;
  const counted = new Proxy(kv, {
    get(target, prop) {
      if (prop === "atomic") {
        return () => {
          const op = target.atomic();
          const commit = op.commit.bind(op);
          op.commit = () => {
            commits++;
            return commit();
          };
          return op;
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { kv: counted, commits: () => commits };
}

Deno.test("writes that arrive together share commits, and each applies", async () => {
  const { kv, commits } = await countingKv();
  try {
    const group = new GroupCommitter(kv);
    const oks = await Promise.all(Array.from({ length: 60 }, (_, i) =>
      group.commit({
        checks: [{ key: ["k", i], versionstamp: null }],
        mutate: (op) => op.set(["k", i], i),
      })));
    assert.deepEqual(oks, oks.map(() => true));
    assert.ok(commits() <= 5, `${commits()} commits for 60 writes`);
    for (let i = 0; i < 60; i++) assert.equal((await kv.get(["k", i])).value, i);
  } finally {
    kv.close();
  }
});

Deno.test("a failed check fails only its own write; the rest of its group applies", async () => {
  const { kv } = await countingKv();
  try {
    await kv.set(["taken"], "before");
    const group = new GroupCommitter(kv);
    const oks = await Promise.all([0, 1, 2, 3].map((i) =>
      group.commit({
        checks: [{ key: i === 2 ? ["taken"] : ["free", i], versionstamp: null }],
        mutate: (op) => op.set(["w", i], true),
      })
    ));
    assert.deepEqual(oks, [true, true, false, true]);
    assert.equal((await kv.get(["w", 2])).value, null);
    assert.equal((await kv.get(["w", 3])).value, true);
  } finally {
    kv.close();
  }
});

Deno.test("two writes checking the same key are never grouped: one wins", async () => {
  const { kv } = await countingKv();
  try {
    const group = new GroupCommitter(kv);
    // Both start a turn in conversation c: "no turn running there" holds for each alone.
    const claim = (id: string) =>
      group.commit({
        checks: [{ key: ["running", "c"], versionstamp: null }],
        mutate: (op) => op.set(["running", "c"], id),
      });
    const oks = await Promise.all([claim("a"), claim("b"), claim("c")]);
    assert.deepEqual(oks, [true, false, false]);
    assert.equal((await kv.get(["running", "c"])).value, "a");
  } finally {
    kv.close();
  }
});

Deno.test("a group over KV's size limit is committed write by write", async () => {
  const { kv } = await countingKv();
  try {
    const group = new GroupCommitter(kv);
    const big = "x".repeat(60_000);
    // 20 writes of 60 KB: together over the 800 KB limit of one commit.
    const oks = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      group.commit({
        checks: [{ key: ["b", i], versionstamp: null }],
        mutate: (op) => op.set(["b", i], big),
      })));
    assert.deepEqual(oks, oks.map(() => true));
    assert.equal(((await kv.get<string>(["b", 19])).value ?? "").length, 60_000);
  } finally {
    kv.close();
  }
});
