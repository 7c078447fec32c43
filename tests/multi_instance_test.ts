/**
 * Two app processes (`main.ts`, as `deno task start` runs it) on one shared KV file: a
 * session made on A works on B; a turn started on A is followed on B with `Last-Event-ID`;
 * Stop sent to B stops the turn on A within a second (the model request A made is
 * aborted); `kill -9` of A mid-turn makes B fail that turn once A's lease expires, the
 * user's stream on B ends with the error and the conversation keeps the failed answer; B
 * goes on answering. The model is the OpenAI mock on loopback, holding answers back so the
 * turns are running when they are stopped or their process dies.
 */
import assert from "node:assert/strict";
import { chunk, type MockReply, mockServer, textReply } from "../testing/mock_openai.ts";
import { readSse } from "../testing/web_app.ts";
import {
  type AppProcess,
  HttpClient,
  lastEvent,
  startMain,
  stopMain,
  TEST_ENV,
  waitFor,
} from "./security/helpers.ts";

/** A model answer that starts writing, then holds the rest back until the request ends. */
function heldAnswer(onAsked: () => void, text: string): () => MockReply {
  return () => {
    onAsked();
    return { sse: [chunk({ role: "assistant", content: text })], hang: true };
  };
}

/** The same session on another instance (cookie copied; Origin is that instance's). */
function sameSession(c: HttpClient, url: string): HttpClient {
  const other = new HttpClient(url);
  other.cookie = c.cookie;
  return other;
}

Deno.test({
  name:
    "two instances on one KV: follow on B with Last-Event-ID, Stop from B stops A within 1 s, kill -9 of A fails its turn on B after the lease",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "multi_instance_" });
    let asked = 0;
    const replies: (MockReply | (() => MockReply))[] = [
      heldAnswer(() => asked++, "Counting the calls"),
      heldAnswer(() => asked++, "Looking at yesterday"),
    ];
    const mock = mockServer(replies);
    const env = {
      ...TEST_ENV,
      KV_PATH: `${dir}/app.kv`,
      MODEL_PROVIDER: "openai",
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: mock.baseUrl,
      TURN_LEASE_MS: "1500",
    };
    let a: AppProcess | null = null;
    let b: AppProcess | null = null;
    try {
      a = await startMain(dir, env);
      b = await startMain(dir, env);
      const onA = await new HttpClient(a.url).login();
      const onB = sameSession(onA, b.url);
      assert.deepEqual((await onB.json("GET", "/api/auth/me")).body, { username: "demo" });

      // A turn on A, followed on B from after its first event.
      const conv = await onA.conversation();
      const posted = await onA.json("POST", `/api/conversations/${conv}/turns`, {
        message: "How many calls today?",
      });
      assert.equal(posted.status, 202);
      const turnId = posted.body.turn_id as string;
      await waitFor(() => asked === 1, 30_000, "A to ask the model");
      const res = await fetch(`${b.url}/api/turns/${turnId}/events`, {
        headers: { Cookie: onB.cookie!, "Last-Event-ID": "1" },
      });
      assert.equal(res.status, 200);
      let stopAt = 0;
      let stopped = false;
      const followed = readSse(res, (m) => {
        // Once the held answer's text has arrived on B, Stop the turn from B.
        if (m.event === "text" && !stopped) {
          stopped = true;
          stopAt = performance.now();
          onB.json("POST", `/api/turns/${turnId}/cancel`).then((r) =>
            assert.deepEqual([r.status, r.body.status], [202, "cancelling"])
          );
        }
        return false;
      });
      await waitFor(() => mock.aborted === 1, 5_000, "A to abort its model request");
      const stopMs = performance.now() - stopAt;
      assert.ok(stopMs < 1000, `A stopped ${Math.round(stopMs)} ms after Stop on B`);
      const events = (await followed).filter((m) => m.data !== undefined);
      assert.deepEqual(events.map((m) => Number(m.id)), events.map((_, i) => i + 2));
      assert.ok(!events.some((m) => m.event === "turn_started"), "resumed after event 1");
      assert.ok(events.some((m) => m.event === "text"));
      const end = JSON.parse(events.at(-1)!.data!);
      assert.deepEqual([end.type, end.code], ["error", "cancelled"]);

      // A second turn on A; A dies mid-turn; B fails it once A's lease has expired.
      const conv2 = await onA.conversation();
      const posted2 = await onA.json("POST", `/api/conversations/${conv2}/turns`, {
        message: "And yesterday?",
      });
      const turn2 = posted2.body.turn_id as string;
      await waitFor(() => asked === 2, 30_000, "A to ask the model again");
      const following = onB.follow(turn2);
      await new Promise((r) => setTimeout(r, 300));
      const killedAt = performance.now();
      a.child.kill("SIGKILL");
      assert.equal((await a.child.status).signal, "SIGKILL");
      a = null;
      const seen = await following;
      const failedMs = performance.now() - killedAt;
      const last = lastEvent(seen);
      assert.deepEqual([last.type, last.code], ["error", "internal"], JSON.stringify(last));
      assert.match(String(last.message), /interrupted/);
      assert.ok(
        failedMs >= 1000,
        `failed ${Math.round(failedMs)} ms after the kill: before the lease expired`,
      );
      assert.ok(failedMs < 10_000, `failed only ${Math.round(failedMs)} ms after the kill`);
      assert.ok(seen.events.some((e) => e.type === "text"), "the stream on B showed A's text");
      const kept = await onB.json("GET", `/api/conversations/${conv2}`);
      assert.equal(kept.body.running_turn_id, null);
      const history = kept.body.messages as { role: string; error?: { code: string } }[];
      assert.deepEqual(history.map((m) => m.role), ["user", "assistant"]);
      assert.equal(history[1].error?.code, "internal");

      console.log(
        `  Stop on B honoured by A in ${Math.round(stopMs)} ms; ` +
          `turn of the killed A failed on B ${
            Math.round(failedMs)
          } ms after the kill (lease 1.5 s)`,
      );
      // B goes on answering.
      replies.push(textReply("Still here."));
      const next = await onB.ask(conv2, "Are you there?");
      assert.equal(lastEvent(next).answer, "Still here.");
    } finally {
      await stopMain(a);
      await stopMain(b);
      await mock.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
