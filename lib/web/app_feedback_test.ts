import assert from "node:assert/strict";
import type { TurnInput } from "./turns.ts";
import { aborted, type TestApp, testApp, TestClient } from "../../testing/web_app.ts";

/** A runner that stores its question and answer (as the agent does) with steps and times. */
function storingScript(t: TestApp) {
  return async (input: TurnInput) => {
    const answer = `=SUM(A1) is the answer to ${input.question}`;
    await t.store.appendMessage(input.owner, input.conversationId, {
      role: "user",
      content: input.question,
      turn_id: input.turnId,
      created_at: "2030-01-01T00:00:00.000Z",
    });
    await t.store.appendMessage(input.owner, input.conversationId, {
      role: "assistant",
      content: answer,
      turn_id: input.turnId,
      created_at: "2030-01-01T00:00:02.000Z",
      steps: [{ type: "tool", tool: "run_report", ok: true, summary: "3 rows", duration_ms: 12 }],
    });
    const usage = { model_calls: 1, input_tokens: 1, output_tokens: 1 };
    await input.emit({ type: "final", answer, usage, outcome: "answered", interpretation: null });
    return {
      answer,
      usage,
      outcome: "answered" as const,
      interpretation: null,
      events: [],
      error: null,
    };
  };
}

async function askOne(t: TestApp, c: TestClient, question: string) {
  const conv = (await c.json("POST", "/api/conversations", {})).body.id as string;
  const r = await c.json("POST", `/api/conversations/${conv}/turns`, { message: question });
  assert.equal(r.status, 202);
  await t.app.context.turns.wait(r.body.turn_id);
  return { conv, turnId: r.body.turn_id as string };
}

Deno.test("security: idor: feedback: stored per turn, latest wins, shown in the history, owner-checked", async () => {
  const t = await testApp();
  t.script.current = storingScript(t);
  try {
    const alice = await new TestClient(t.app).login("alice");
    const bob = await new TestClient(t.app).login("bob");
    const { conv, turnId } = await askOne(t, alice, "How many calls today?");

    let r = await alice.json("POST", `/api/turns/${turnId}/feedback`, { rating: "up" });
    assert.equal(r.status, 200);
    assert.deepEqual(
      { ...r.body, created_at: typeof r.body.created_at },
      { turn_id: turnId, rating: "up", comment: "", created_at: "string" },
    );
    t.clock.advance(5000);
    r = await alice.json("POST", `/api/turns/${turnId}/feedback`, {
      rating: "down",
      comment: "  The total is wrong  ",
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.comment, "The total is wrong");

    const all = await t.store.listAllFeedback();
    assert.equal(all.length, 1, "one feedback per turn: the latest");
    assert.equal(all[0].rating, "down");
    assert.equal(all[0].username, "alice");
    assert.equal(all[0].question, "How many calls today?");
    assert.match(all[0].answer_excerpt, /^=SUM\(A1\) is the answer/);
    assert.equal(all[0].created_at, "2030-01-01T00:00:05.000Z");

    // The history carries the feedback, steps and times with the messages.
    r = await alice.json("GET", `/api/conversations/${conv}`);
    const [user, assistant] = r.body.messages;
    assert.equal(user.created_at, "2030-01-01T00:00:00.000Z");
    assert.equal(assistant.created_at, "2030-01-01T00:00:02.000Z");
    assert.deepEqual(assistant.feedback, { rating: "down", comment: "The total is wrong" });
    assert.equal(user.feedback, undefined);
    assert.deepEqual(assistant.steps.map((s: { tool: string }) => s.tool), ["run_report"]);

    // Another user's turn does not exist for bob.
    r = await bob.json("POST", `/api/turns/${turnId}/feedback`, { rating: "up" });
    assert.equal(r.status, 404);
    assert.equal((await t.store.listAllFeedback())[0].rating, "down");
    r = await alice.json("POST", `/api/turns/t_nope/feedback`, { rating: "up" });
    assert.equal(r.status, 404);

    // Deleting the conversation deletes its feedback.
    assert.equal((await alice.json("DELETE", `/api/conversations/${conv}`)).status, 204);
    assert.deepEqual(await t.store.listAllFeedback(), []);
  } finally {
    await t.close();
  }
});

Deno.test("security: input: feedback: bad input is a 4xx that says what is wrong", async () => {
  const t = await testApp();
  t.script.current = storingScript(t);
  try {
    const c = await new TestClient(t.app).login("alice");
    const { turnId } = await askOne(t, c, "q");
    const path = `/api/turns/${turnId}/feedback`;
    let r = await c.json("POST", path, { rating: "meh" });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.message, '"rating" must be "up" or "down"');
    r = await c.json("POST", path, {});
    assert.equal(r.status, 400);
    r = await c.json("POST", path, { rating: "down", comment: "x".repeat(2001) });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.message, '"comment" is longer than 2000 characters');
    r = await c.json("POST", path, { rating: "down", comment: 42 });
    assert.equal(r.status, 400);
    const res = await c.request("POST", path, "rating=up", { "Content-Type": "text/plain" });
    assert.equal(res.status, 415);
    await res.body?.cancel();
    r = await c.json("POST", path, { rating: "down", comment: "x".repeat(2000) });
    assert.equal(r.status, 200, "2000 characters are fine");
    assert.deepEqual(
      (await t.store.listAllFeedback()).map((f) => f.comment.length),
      [2000],
    );
  } finally {
    await t.close();
  }
});

Deno.test("feedback: a turn still running cannot be rated yet", async () => {
  const t = await testApp();
  t.script.current = async (input) => {
    await aborted(input.signal);
    throw new DOMException("Aborted", "AbortError");
  };
  try {
    const c = await new TestClient(t.app).login("alice");
    const conv = (await c.json("POST", "/api/conversations", {})).body.id;
    const { body } = await c.json("POST", `/api/conversations/${conv}/turns`, { message: "q" });
    const r = await c.json("POST", `/api/turns/${body.turn_id}/feedback`, { rating: "up" });
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, "turn_running");
    await c.json("POST", `/api/turns/${body.turn_id}/cancel`);
    await t.app.context.turns.wait(body.turn_id);
  } finally {
    await t.close();
  }
});
