import assert from "node:assert/strict";
import { LoginPool } from "./login_pool.ts";

/** A job that runs until `finish()` is called. */
function job() {
  let finish!: () => void;
  const done = new Promise<void>((r) => finish = r);
  return { done, finish };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

Deno.test("security: auth: login pool: at most `concurrency` run at once, one per address", async () => {
  const pool = new LoginPool({ concurrency: 2, perAddress: 1, queue: 8, queuePerAddress: 4 });
  const started: string[] = [];
  const jobs = new Map<string, ReturnType<typeof job>>();
  const run = (address: string, name: string) => {
    const a = pool.admit(address);
    assert.ok(a.ok, `${name} admitted`);
    const j = job();
    jobs.set(name, j);
    return a.ticket.ready.then(async () => {
      started.push(name);
      await j.done;
      a.ticket.release();
    });
  };
  const all = [run("A", "a1"), run("A", "a2"), run("A", "a3"), run("B", "b1"), run("C", "c1")];
  await settle();
  // A's second attempt waits for its first even though a slot is free: B gets it.
  assert.deepEqual(started, ["a1", "b1"]);
  assert.equal(pool.running, 2);
  jobs.get("a1")!.finish();
  await settle();
  // Round robin: C has waited without a turn, so it goes before A's second.
  assert.deepEqual(started, ["a1", "b1", "c1"]);
  jobs.get("b1")!.finish();
  await settle();
  assert.deepEqual(started, ["a1", "b1", "c1", "a2"]);
  jobs.get("c1")!.finish();
  jobs.get("a2")!.finish();
  await settle();
  assert.deepEqual(started, ["a1", "b1", "c1", "a2", "a3"]);
  jobs.get("a3")!.finish();
  await Promise.all(all);
  assert.equal(pool.running, 0);
  assert.equal(pool.waiting, 0);
});

Deno.test("security: auth: the login pool refuses beyond its queues (per address, then overall)", () => {
  const pool = new LoginPool({ concurrency: 2, perAddress: 1, queue: 3, queuePerAddress: 2 });
  // One address: 1 running + 2 waiting, then refused without touching the others' room.
  assert.ok(pool.admit("A").ok);
  assert.ok(pool.admit("A").ok);
  assert.ok(pool.admit("A").ok);
  const a = pool.admit("A");
  assert.ok(!a.ok && a.scope === "address" && a.retryAfterSeconds >= 1);
  // Others: B runs at once, C and D wait, then the server queue (3 waiting) is full.
  assert.ok(pool.admit("B").ok);
  assert.ok(pool.admit("C").ok);
  const d = pool.admit("D");
  assert.ok(!d.ok && d.scope === "server" && d.retryAfterSeconds >= 1);
  assert.equal(pool.running, 2);
  assert.equal(pool.waiting, 3);
});

Deno.test("login pool: a waiting ticket released early leaves the queue", async () => {
  const pool = new LoginPool({ concurrency: 1, perAddress: 1, queue: 4, queuePerAddress: 4 });
  const first = pool.admit("A");
  const second = pool.admit("B");
  const third = pool.admit("C");
  assert.ok(first.ok && second.ok && third.ok);
  await first.ticket.ready;
  second.ticket.release(); // e.g. rate-limited before its turn
  second.ticket.release(); // twice is harmless
  assert.equal(pool.waiting, 1);
  first.ticket.release();
  await third.ticket.ready;
  assert.equal(pool.running, 1);
  third.ticket.release();
  assert.equal(pool.running, 0);
});
