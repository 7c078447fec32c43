import assert from "node:assert/strict";
import { openStore, type Store } from "./kv.ts";
import { CHUNK_BYTES, encodeFitted, MAX_VALUE_BYTES } from "./kv_values.ts";
import type { PasswordHash } from "./auth/password.ts";
import type { AgentEvent } from "./agent/events.ts";

const HASH: PasswordHash = { alg: "pbkdf2-sha256", iterations: 1, salt: "AA==", hash: "AA==" };

async function withStore(fn: (s: Store) => Promise<void>) {
  const s = await openStore(":memory:", { pollMs: 20 });
  try {
    await fn(s);
  } finally {
    s.close();
  }
}

Deno.test("users: unique case-insensitive names, index written with the record", async () => {
  await withStore(async (s) => {
    const a = await s.createUser("Alice", HASH);
    assert.ok(a);
    assert.equal(await s.createUser("alice", HASH), null);
    assert.equal((await s.getUserByName("ALICE"))?.id, a.id);
    assert.equal(await s.countUsers(), 1);
    assert.ok(await s.setPassword(a.id, { ...HASH, iterations: 2 }));
    assert.equal((await s.getUser(a.id))?.password.iterations, 2);
    assert.ok(await s.removeUser(a.id));
    assert.equal(await s.getUserByName("alice"), null);
    assert.equal(await s.countUsers(), 0);
    assert.ok(await s.createUser("alice", HASH), "the name is free again");
  });
});

Deno.test("sessions: absolute and idle expiry are checked on read; touch extends idle", async () => {
  await withStore(async (s) => {
    const t0 = Date.parse("2030-01-01T00:00:00Z");
    const at = (min: number) => new Date(t0 + min * 60_000);
    await s.createSession("h1", {
      user_id: "u1",
      created_at: t0,
      last_seen_at: t0,
      expires_at: t0 + 60 * 60_000,
      idle_ms: 20 * 60_000,
    });
    assert.ok(await s.getSession("h1", at(19)));
    await s.touchSession("h1", at(19));
    assert.ok(await s.getSession("h1", at(38)));
    await s.touchSession("h1", at(38));
    assert.ok(await s.getSession("h1", at(57)));
    await s.touchSession("h1", at(57));
    assert.equal(await s.getSession("h1", at(60)), null, "absolute expiry");
    assert.equal(await s.getSession("h1", at(0)), null, "expired sessions are deleted");
    await s.createSession("h2", {
      user_id: "u1",
      created_at: t0,
      last_seen_at: t0,
      expires_at: t0 + 60 * 60_000,
      idle_ms: 20 * 60_000,
    });
    assert.equal(await s.getSession("h2", at(20)), null, "idle expiry");
  });
});

Deno.test("sessions: all of a user's sessions can be deleted", async () => {
  await withStore(async (s) => {
    const t = Date.now();
    const rec = { created_at: t, last_seen_at: t, expires_at: t + 3_600_000, idle_ms: 3_600_000 };
    await s.createSession("a", { user_id: "u1", ...rec });
    await s.createSession("b", { user_id: "u1", ...rec });
    await s.createSession("c", { user_id: "u2", ...rec });
    assert.equal(await s.deleteUserSessions("u1"), 2);
    const now = new Date(t);
    assert.equal(await s.getSession("a", now), null);
    assert.equal(await s.getSession("b", now), null);
    assert.ok(await s.getSession("c", now));
  });
});

Deno.test("login attempts count within a window and reset after it", async () => {
  await withStore(async (s) => {
    const t0 = new Date("2030-01-01T00:00:00Z");
    const later = (ms: number) => new Date(t0.getTime() + ms);
    assert.equal((await s.recordLoginFailure("Bob", t0, 1000)).count, 1);
    assert.equal((await s.recordLoginFailure("bob", later(500), 1000)).count, 2);
    assert.equal((await s.getLoginAttempts("BOB", later(999)))?.count, 2);
    assert.equal(await s.getLoginAttempts("bob", later(1000)), null);
    assert.equal((await s.recordLoginFailure("bob", later(1000), 1000)).count, 1);
    await s.clearLoginAttempts("bob");
    assert.equal(await s.getLoginAttempts("bob", later(1000)), null);
  });
});

Deno.test("security: idor: conversations: owner checks make another user's conversation not exist", async () => {
  await withStore(async (s) => {
    const c = await s.createConversation("u1", "");
    assert.equal(c.title, "New conversation");
    await s.appendMessage("u1", c.id, { role: "user", content: "hi" });
    assert.equal(await s.getConversation("u2", c.id), null);
    assert.deepEqual(await s.listMessages("u2", c.id), []);
    assert.equal(await s.renameConversation("u2", c.id, "x"), false);
    assert.equal(await s.deleteConversation("u2", c.id), false);
    await assert.rejects(() => s.appendMessage("u2", c.id, { role: "user", content: "x" }));
    assert.equal(await s.getSummary("u2", c.id), null);
    await s.setSummary("u2", c.id, { text: "stolen", covers: 1 });
    assert.equal(await s.getSummary("u1", c.id), null);
    await s.setSummary("u1", c.id, { text: "sum", covers: 1 });
    assert.deepEqual(await s.getSummary("u1", c.id), { text: "sum", covers: 1 });
    assert.deepEqual((await s.listMessages("u1", c.id)).map((m) => m.content), ["hi"]);
  });
});

Deno.test("messages larger than a KV value are chunked and come back intact, in order", async () => {
  await withStore(async (s) => {
    const c = await s.createConversation("u1", "Big");
    const big = "é".repeat(150_000); // 300 KB of UTF-8
    await s.appendMessage("u1", c.id, { role: "user", content: "q1" });
    await s.appendMessage("u1", c.id, { role: "assistant", content: big });
    await s.appendMessage("u1", c.id, { role: "user", content: "q2" });
    const msgs = await s.listMessages("u1", c.id);
    assert.deepEqual(msgs.map((m) => m.content.length), [2, 150_000, 2]);
    assert.equal(msgs[1].content, big);
  });
});

Deno.test("a huge table event is stored with fewer rows and its total_rows kept", async () => {
  await withStore(async (s) => {
    const conv = await s.createConversation("u1", "x");
    const turn = await s.createTurn({ id: "t1", owner: "u1", conversation_id: conv.id });
    assert.equal(typeof turn, "object");
    const rows = Array.from({ length: 20_000 }, (_, i) => [i, `agent-${i}`, "x".repeat(40)]);
    const event: AgentEvent = {
      type: "table",
      title: "All",
      columns: ["n", "agent", "pad"],
      rows,
      total_rows: 20_000,
    };
    assert.equal(await s.appendEvent("t1", event), 1);
    const [stored] = await s.listEvents("t1");
    const table = stored.event as Extract<AgentEvent, { type: "table" }>;
    assert.equal(table.total_rows, 20_000);
    assert.ok(table.rows.length > 0 && table.rows.length < 20_000);
    assert.deepEqual(table.rows[0], rows[0]);
    assert.ok(JSON.stringify(table).length <= MAX_VALUE_BYTES);
  });
});

Deno.test("encodeFitted cuts rows first, then long strings, and keeps small values as is", () => {
  const small = { a: 1 };
  assert.equal(new TextDecoder().decode(encodeFitted(small)), '{"a":1}');
  const v = {
    text: "y".repeat(5000),
    tables: [{ rows: Array(100).fill(["z".repeat(50)]), total_rows: 100 }],
  };
  const out = JSON.parse(new TextDecoder().decode(encodeFitted(v, 3000)));
  assert.equal(out.tables[0].total_rows, 100);
  assert.ok(out.text.endsWith("…"));
  assert.ok(CHUNK_BYTES < 65_536);
});

Deno.test("turns: one running turn per conversation; events get monotonic sequence numbers", async () => {
  await withStore(async (s) => {
    const conv = await s.createConversation("u1", "x");
    assert.equal(
      await s.createTurn({ id: "t0", owner: "u2", conversation_id: conv.id }),
      "not_found",
    );
    const t1 = await s.createTurn({ id: "t1", owner: "u1", conversation_id: conv.id });
    assert.equal(typeof t1, "object");
    assert.equal(await s.createTurn({ id: "t2", owner: "u1", conversation_id: conv.id }), "busy");
    assert.equal(await s.getRunningTurnId("u1", conv.id), "t1");
    assert.equal(await s.getRunningTurnId("u2", conv.id), null);
    const seqs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => s.appendEvent("t1", { type: "text", delta: `${i}` })),
    );
    assert.deepEqual([...seqs].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
    const all = await s.listEvents("t1");
    assert.deepEqual(all.map((e) => e.seq), Array.from({ length: 20 }, (_, i) => i + 1));
    assert.deepEqual((await s.listEvents("t1", 17)).map((e) => e.seq), [18, 19, 20]);
    await s.appendEvent("t1", { type: "error", code: "cancelled", message: "x" }, {
      finish: "cancelled",
    });
    assert.equal((await s.getTurn("u1", "t1"))?.status, "cancelled");
    assert.equal(await s.getTurn("u2", "t1"), null);
    assert.equal(await s.getRunningTurnId("u1", conv.id), null);
    assert.equal(
      typeof await s.createTurn({ id: "t3", owner: "u1", conversation_id: conv.id }),
      "object",
    );
    assert.deepEqual((await s.listRunningTurns()).map((t) => t.id), ["t3"]);
  });
});

Deno.test("waitForEvents wakes on an append, times out, and stops on abort", async () => {
  await withStore(async (s) => {
    const conv = await s.createConversation("u1", "x");
    await s.createTurn({ id: "t1", owner: "u1", conversation_id: conv.id });
    const woke = s.waitForEvents("t1", 0, { timeoutMs: 5000 });
    await s.appendEvent("t1", { type: "step", text: "x" });
    assert.equal(await woke, true);
    assert.equal(await s.waitForEvents("t1", 1, { timeoutMs: 10 }), false);
    assert.equal(await s.waitForEvents("t1", 0, { timeoutMs: 5000 }), true, "already there");
    const ac = new AbortController();
    const waiting = s.waitForEvents("t1", 1, { timeoutMs: 5000, signal: ac.signal });
    ac.abort();
    assert.equal(await waiting, false);
    const finished = s.waitForEvents("t1", 1, { timeoutMs: 5000 });
    await s.finishTurn("t1", "done");
    assert.equal(await finished, true);
  });
});

Deno.test("deleting a conversation removes its messages, turns and events", async () => {
  await withStore(async (s) => {
    const conv = await s.createConversation("u1", "x");
    await s.appendMessage("u1", conv.id, { role: "user", content: "q" });
    await s.createTurn({ id: "t1", owner: "u1", conversation_id: conv.id });
    await s.appendEvent("t1", { type: "step", text: "x" });
    assert.ok(await s.deleteConversation("u1", conv.id));
    assert.equal(await s.getTurn("u1", "t1"), null);
    assert.deepEqual(await s.listEvents("t1"), []);
    assert.deepEqual(await s.listConversations("u1"), []);
    const again = await s.createConversation("u1", "y");
    assert.deepEqual(await s.listMessages("u1", again.id), []);
  });
});

Deno.test("security: idor: reports: saved per owner, listed newest first, hidden from others", async () => {
  await withStore(async (s) => {
    const base = {
      title: "T",
      name: null,
      params: null,
      collection: "calling_cdr",
      pipeline_ejson: JSON.stringify([{ $match: { x: "y".repeat(100_000) } }]),
      columns: [],
      filters: [],
      period_label: null,
      tz: "UTC",
      as_of: "2030-01-01T00:00:00Z",
      rows: 1,
      file_name: "t.xlsx",
    };
    await s.saveReport({ ...base, id: "r1", owner: "u1", created_at: "2030-01-01T00:00:00Z" });
    await s.saveReport({ ...base, id: "r2", owner: "u1", created_at: "2030-01-02T00:00:00Z" });
    assert.deepEqual((await s.listReports("u1")).map((r) => r.id), ["r2", "r1"]);
    assert.equal((await s.getReport("u1", "r1"))?.pipeline_ejson, base.pipeline_ejson);
    assert.equal(await s.getReport("u2", "r1"), null);
    assert.deepEqual(await s.listReports("u2"), []);
  });
});

Deno.test("turns: a turn created with its first event holds it as event 1", async () => {
  await withStore(async (s) => {
    const conv = await s.createConversation("u1", "x");
    const started = {
      type: "turn_started" as const,
      turn_id: "t1",
      conversation_id: conv.id,
      question: "Calls today?",
    };
    const turn = await s.createTurn({ id: "t1", owner: "u1", conversation_id: conv.id }, started);
    assert.equal(typeof turn === "object" && turn.last_seq, 1);
    assert.deepEqual(await s.listEvents("t1"), [{ seq: 1, event: started }]);
    assert.equal(await s.appendEvent("t1", { type: "step", text: "next" }), 2);
    // Busy: nothing of the refused turn is stored.
    assert.equal(
      await s.createTurn({ id: "t2", owner: "u1", conversation_id: conv.id }, started),
      "busy",
    );
    assert.deepEqual(await s.listEvents("t2"), []);
  });
});
