/**
 * The app process killed with SIGKILL mid-turn (`main.ts` as `deno task start` runs it, KV in
 * a file), then started again on the same KV: the session still works, the turn that was
 * running ends failed once the dead process's lease expired (`TURN_LEASE_MS`), the
 * conversation keeps its question, and the next question is answered. The model is the OpenAI mock on loopback, holding the first answer back so the
 * turn is running when the process dies.
 */
import assert from "node:assert/strict";
import { chunk, type MockReply, mockServer, textReply } from "../../testing/mock_openai.ts";
import { type AppProcess, HttpClient, lastEvent, startMain, TEST_ENV, waitFor } from "./helpers.ts";

Deno.test({
  name:
    "security: faults: kill -9 of the app mid-turn, then a restart: the turn ends failed, the session and conversation stay, the next question is answered",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "app_kill_" });
    let modelAsked = false;
    const replies: (MockReply | (() => MockReply))[] = [() => {
      modelAsked = true;
      return { sse: [chunk({ role: "assistant", content: "" })], hang: true };
    }];
    const mock = mockServer(replies);
    const env = {
      ...TEST_ENV,
      KV_PATH: `${dir}/app.kv`,
      MODEL_PROVIDER: "openai",
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: mock.baseUrl,
      TURN_LEASE_MS: "1500",
    };
    let app: AppProcess | null = null;
    try {
      app = await startMain(dir, env);
      const c = await new HttpClient(app.url).login();
      const conv = await c.conversation();
      const question = "How many calls were made today?";
      const posted = await c.json("POST", `/api/conversations/${conv}/turns`, {
        message: question,
      });
      assert.equal(posted.status, 202);
      const turnId = posted.body.turn_id as string;
      await waitFor(() => modelAsked, 30_000, "the turn to call the model");
      assert.equal(
        (await c.json("GET", `/api/conversations/${conv}`)).body.running_turn_id,
        turnId,
      );

      app.child.kill("SIGKILL");
      const status = await app.child.status;
      assert.equal(status.signal, "SIGKILL");

      replies.push(textReply("Back again: ask me about calls."));
      app = await startMain(dir, env);
      c.base = app.url;
      const me = await c.json("GET", "/api/auth/me");
      assert.deepEqual([me.status, me.body], [200, { username: "demo" }], "the session stays");

      // The new process fails the turn once the dead one's lease has expired.
      const got = await waitFor(
        async () => {
          const r = await c.json("GET", `/api/conversations/${conv}`);
          return r.body.running_turn_id === null && r;
        },
        10_000,
        "no turn to be left running",
      );
      assert.equal(got.status, 200);
      const history = got.body.messages as {
        role: string;
        content: string;
        error?: { code: string; message: string };
      }[];
      assert.deepEqual(history.map((m) => m.role), ["user", "assistant"]);
      assert.equal(history[0].content, question);
      assert.equal(history[1].error?.code, "internal", "the answer is kept as failed");
      assert.match(history[1].content, /No complete answer: The turn was interrupted/);

      const killed = await c.follow(turnId);
      const end = lastEvent(killed);
      assert.equal(end.type, "error", JSON.stringify(end));
      assert.equal(end.code, "internal");
      assert.match(String(end.message), /interrupted: the server running it stopped/);
      assert.deepEqual(
        killed.events.map((e) => e._id),
        killed.events.map((_, i) => i + 1),
        "event ids stay a sequence",
      );

      const next = await c.ask(conv, "Are you back?");
      const final = lastEvent(next);
      assert.equal(final.type, "final", JSON.stringify(final));
      assert.equal(final.answer, "Back again: ask me about calls.");
      const after = await c.json("GET", `/api/conversations/${conv}`);
      const messages = after.body.messages as { role: string; content: string }[];
      assert.deepEqual(messages.map((m) => [m.role, m.content]).slice(2), [
        ["user", "Are you back?"],
        ["assistant", "Back again: ask me about calls."],
      ]);
    } finally {
      if (app) {
        try {
          app.child.kill("SIGTERM");
        } catch { /* already gone */ }
        await app.child.status;
      }
      await mock.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
