import assert from "node:assert/strict";
import { aborted, testApp } from "../../testing/web_app.ts";

Deno.test({
  name:
    "security: streams: over a real socket: a client that disconnects from the stream gets its turn cancelled",
  async fn() {
    const t = await testApp({ graceMs: 50 });
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, t.app.fetch);
    const base = `http://127.0.0.1:${server.addr.port}`;
    try {
      let cancelled!: () => void;
      const wasCancelled = new Promise<void>((r) => cancelled = r);
      t.script.current = async (input) => {
        await input.emit({ type: "step", text: "Working" });
        await aborted(input.signal);
        cancelled();
        return {
          answer: "",
          usage: { model_calls: 0, input_tokens: 0, output_tokens: 0 },
          outcome: "answered",
          interpretation: null,
          events: [],
          error: null,
        };
      };
      const headers = { Origin: base, "Content-Type": "application/json" };
      const login = await fetch(`${base}/api/auth/login`, {
        method: "POST",
        headers,
        body: JSON.stringify({ username: "alice", password: "password-1234" }),
      });
      assert.equal(login.status, 200);
      await login.body?.cancel();
      const cookie = login.headers.get("set-cookie")!.split(";")[0];
      const conv = await (await fetch(`${base}/api/conversations`, {
        method: "POST",
        headers: { ...headers, Cookie: cookie },
        body: "{}",
      })).json();
      const turn = await (await fetch(`${base}/api/conversations/${conv.id}/turns`, {
        method: "POST",
        headers: { ...headers, Cookie: cookie },
        body: JSON.stringify({ message: "q" }),
      })).json();
      const ac = new AbortController();
      const res = await fetch(`${base}/api/turns/${turn.turn_id}/events`, {
        headers: { Cookie: cookie },
        signal: ac.signal,
      });
      assert.equal(res.status, 200);
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = "";
      while (!text.includes("event: step")) text += (await reader.read()).value ?? "";
      ac.abort();
      await reader.cancel().catch(() => {});
      await wasCancelled;
      await t.app.context.turns.wait(turn.turn_id);
      const events = await t.store.listEvents(turn.turn_id);
      const last = events[events.length - 1].event as { type: string; code?: string };
      assert.deepEqual([last.type, last.code], ["error", "cancelled"]);
    } finally {
      await server.shutdown();
      await t.close();
    }
  },
});
