import assert from "node:assert/strict";
import { testApp, TestClient } from "../../testing/web_app.ts";

Deno.test("conversations: create, list newest first, get, rename, delete", async () => {
  const t = await testApp();
  try {
    const c = await new TestClient(t.app).login("alice");
    let r = await c.json("POST", "/api/conversations", { title: "  First  " });
    assert.equal(r.status, 201);
    assert.equal(r.body.title, "First");
    assert.match(r.body.id, /^c_[A-Za-z0-9_-]{22}$/);
    const first = r.body.id;
    t.clock.advance(1000);
    r = await c.json("POST", "/api/conversations"); // no body at all
    assert.equal(r.status, 201);
    assert.equal(r.body.title, "New conversation");
    const second = r.body.id;
    r = await c.json("GET", "/api/conversations");
    assert.deepEqual(r.body.conversations.map((x: { id: string }) => x.id), [second, first]);
    assert.ok(typeof r.body.conversations[0].updated_at === "string");
    t.clock.advance(1000);
    r = await c.json("PATCH", `/api/conversations/${first}`, { title: "Renamed" });
    assert.equal(r.status, 200);
    r = await c.json("GET", "/api/conversations");
    assert.deepEqual(r.body.conversations.map((x: { title: string }) => x.title), [
      "Renamed",
      "New conversation",
    ]);
    r = await c.json("GET", `/api/conversations/${first}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.id, first);
    assert.equal(r.body.title, "Renamed");
    assert.deepEqual(r.body.messages, []);
    assert.equal(r.body.running_turn_id, null);
    r = await c.json("DELETE", `/api/conversations/${first}`);
    assert.equal(r.status, 204);
    r = await c.json("GET", `/api/conversations/${first}`);
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { error: { code: "not_found", message: "Conversation not found" } });
  } finally {
    await t.close();
  }
});

Deno.test("conversations: messages come back without the runner's private context", async () => {
  const t = await testApp();
  try {
    const c = await new TestClient(t.app).login("alice");
    const { body } = await c.json("POST", "/api/conversations", {});
    const user = await t.store.getUserByName("alice");
    await t.store.appendMessage(user!.id, body.id, { role: "user", content: "How many calls?" });
    await t.store.appendMessage(user!.id, body.id, {
      role: "assistant",
      content: "42 calls.",
      turn_id: "t_1",
      tables: [{ title: "Calls", columns: ["n"], rows: [[42]], total_rows: 1 }],
      context: { question: "secret planner state" },
    });
    const r = await c.json("GET", `/api/conversations/${body.id}`);
    assert.deepEqual(r.body.messages, [
      { role: "user", content: "How many calls?" },
      {
        role: "assistant",
        content: "42 calls.",
        turn_id: "t_1",
        tables: [{ title: "Calls", columns: ["n"], rows: [[42]], total_rows: 1 }],
      },
    ]);
  } finally {
    await t.close();
  }
});

Deno.test("security: input: conversations: validation answers 400 with a readable message", async () => {
  const t = await testApp();
  try {
    const c = await new TestClient(t.app).login("alice");
    const { body } = await c.json("POST", "/api/conversations", {});
    const cases: [string, string, unknown, string][] = [
      ["POST", "/api/conversations", "{bad", "Request body is not valid JSON"],
      ["POST", "/api/conversations", { title: 7 }, '"title" must be a string'],
      [
        "POST",
        "/api/conversations",
        { title: "x".repeat(201) },
        '"title" is longer than 200 characters',
      ],
      ["PATCH", `/api/conversations/${body.id}`, { title: "" }, '"title" must not be empty'],
      ["PATCH", `/api/conversations/${body.id}`, {}, '"title" is required'],
      ["PATCH", `/api/conversations/${body.id}`, "[1]", "Request body must be a JSON object"],
    ];
    for (const [method, path, payload, message] of cases) {
      const r = await c.json(method, path, payload);
      assert.equal(r.status, 400, `${method} ${JSON.stringify(payload)}`);
      assert.deepEqual(r.body, { error: { code: "bad_request", message } });
    }
    const res = await c.request("POST", "/api/conversations", "{}", {
      "Content-Type": "text/plain",
    });
    assert.equal(res.status, 415);
    await res.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("security: idor: another user's conversation, turn and report are 404", async () => {
  const t = await testApp();
  try {
    const alice = await new TestClient(t.app).login("alice");
    const bob = await new TestClient(t.app).login("bob");
    const { body: conv } = await alice.json("POST", "/api/conversations", { title: "Mine" });
    const turn = await alice.json("POST", `/api/conversations/${conv.id}/turns`, {
      message: "How many calls today?",
    });
    assert.equal(turn.status, 202);
    await t.app.context.turns.wait(turn.body.turn_id);
    const aliceId = (await t.store.getUserByName("alice"))!.id;
    await t.store.saveReport({
      id: "r_alice1",
      owner: aliceId,
      title: "Calls",
      name: null,
      params: null,
      collection: "calling_cdr",
      pipeline_ejson: "[]",
      columns: [],
      filters: [],
      period_label: null,
      tz: "UTC",
      as_of: "2030-01-01T00:00:00.000Z",
      rows: 1,
      file_name: "calls.xlsx",
      created_at: "2030-01-01T00:00:00.000Z",
    });
    const checks: [string, string, unknown?][] = [
      ["GET", `/api/conversations/${conv.id}`],
      ["PATCH", `/api/conversations/${conv.id}`, { title: "Stolen" }],
      ["DELETE", `/api/conversations/${conv.id}`],
      ["POST", `/api/conversations/${conv.id}/turns`, { message: "hi" }],
      ["GET", `/api/turns/${turn.body.turn_id}/events`],
      ["POST", `/api/turns/${turn.body.turn_id}/cancel`],
      ["GET", `/api/reports/r_alice1`],
    ];
    for (const [method, path, body] of checks) {
      const r = await bob.json(method, path, body);
      assert.equal(r.status, 404, `${method} ${path}`);
      assert.equal(r.body.error.code, "not_found");
    }
    assert.deepEqual((await bob.json("GET", "/api/conversations")).body, {
      conversations: [],
      shared_with_me: [],
    });
    assert.deepEqual((await bob.json("GET", "/api/reports")).body, { reports: [] });
    // Alice still has everything.
    assert.equal((await alice.json("GET", `/api/conversations/${conv.id}`)).body.title, "Mine");
    assert.equal((await alice.json("GET", "/api/reports")).body.reports.length, 1);
  } finally {
    await t.close();
  }
});
