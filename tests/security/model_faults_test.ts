/**
 * Faults of the model provider under the whole app: the OpenAI-compatible endpoint (the mock
 * server of `lib/agent/providers/mock_openai.ts` on loopback) answers 429 with Retry-After,
 * 500, or breaks its stream off. Each turn ends with an `error` event of the right code, the
 * conversation keeps the question and the failure, and the next question is answered.
 */
import assert from "node:assert/strict";
import { chunk, type MockReply, mockServer, textReply } from "../../testing/mock_openai.ts";
import { HttpClient, lastEvent, serveApp } from "./helpers.ts";

type Reply = MockReply | ((body: Record<string, unknown>) => MockReply);

/**
 * Asks one question the model endpoint fails with `failing`, then one it answers; checks the
 * error event's code and message and what the conversation kept. Returns when each model
 * request arrived (ms).
 */
async function failThenRecover(
  failing: Reply[],
  expected: { code: string; message: RegExp },
): Promise<number[]> {
  const arrivals: number[] = [];
  const replies: Reply[] = failing.map((r) => (body: Record<string, unknown>) => {
    arrivals.push(performance.now());
    return typeof r === "function" ? r(body) : r;
  });
  const mock = mockServer(replies);
  const app = await serveApp({
    MODEL_PROVIDER: "openai",
    OPENAI_API_KEY: "sk-test",
    OPENAI_BASE_URL: mock.baseUrl,
    MODEL_MAX_RETRIES: "1",
  });
  try {
    const c = await new HttpClient(app.url).login();
    const conv = await c.conversation();
    const failed = await c.ask(conv, "How many calls today?");
    const end = lastEvent(failed);
    assert.equal(end.type, "error", JSON.stringify(end));
    assert.equal(end.code, expected.code);
    assert.match(String(end.message), expected.message);
    assert.ok(!String(end.message).includes("sk-test"), "no key in the message");
    assert.equal(failed.events.filter((e) => e.type === "final").length, 0);
    assert.equal(replies.length, 0, "every scripted failure was met");

    replies.push(textReply("Fine now: ask me about calls."));
    const next = await c.ask(conv, "Are you back?");
    const final = lastEvent(next);
    assert.equal(final.type, "final", JSON.stringify(final));
    assert.equal(final.answer, "Fine now: ask me about calls.");

    const got = await c.json("GET", `/api/conversations/${conv}`);
    assert.equal(got.body.running_turn_id, null);
    const messages = got.body.messages as {
      role: string;
      content: string;
      error?: { code: string; message: string };
    }[];
    assert.deepEqual(messages.map((m) => m.role), ["user", "assistant", "user", "assistant"]);
    assert.equal(messages[0].content, "How many calls today?");
    assert.equal(messages[1].error?.code, expected.code);
    assert.equal(messages[2].content, "Are you back?");
    assert.equal(messages[3].content, "Fine now: ask me about calls.");
    return arrivals;
  } finally {
    await app.close();
    await mock.close();
  }
}

Deno.test({
  name:
    "security: faults: model 429 with Retry-After: waited out once, then a rate_limited error event; the conversation stays",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const limited: MockReply = {
      status: 429,
      headers: { "retry-after": "1" },
      json: { error: { message: "Rate limit reached", code: "rate_limit_exceeded" } },
    };
    const arrivals = await failThenRecover([limited, limited], {
      code: "rate_limited",
      message: /rate-limiting requests/,
    });
    const waited = arrivals[1] - arrivals[0];
    assert.ok(waited >= 950, `the retry came ${waited.toFixed(0)} ms after a Retry-After of 1 s`);
  },
});

Deno.test({
  name:
    "security: faults: model 500: retried, then a model_error event naming the status; the conversation stays",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const broken: MockReply = {
      status: 500,
      json: { error: { message: "The server had an error" } },
    };
    await failThenRecover([broken, broken], { code: "model_error", message: /HTTP 500/ });
  },
});

Deno.test({
  name:
    "security: faults: model stream broken off mid-answer: a model_error event, not retried; the conversation stays",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await failThenRecover(
      [{ sse: [chunk({ role: "assistant", content: "There were " })], cut: "error" }],
      { code: "model_error", message: /stream broke off/ },
    );
  },
});
