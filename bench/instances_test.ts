import assert from "node:assert/strict";
import { formatResult, INSTANCE_HEADER, runInstancesBench, startProxy } from "./instances.ts";

Deno.test("startProxy: round robin, bodies and cookies through, SSE chunks unbuffered", async () => {
  const backends = [0, 1].map((i) =>
    Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
      const url = new URL(req.url);
      if (url.pathname === "/stream") {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode("data: first\n\n"));
            // The second chunk only after a pause: the client must see the first before it.
            timer = setTimeout(() => {
              controller.enqueue(new TextEncoder().encode("data: second\n\n"));
              controller.close();
            }, 300);
          },
          cancel() {
            clearTimeout(timer);
          },
        });
        return new Response(body, {
          headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-transform" },
        });
      }
      const headers = new Headers({ "Content-Type": "application/json" });
      headers.append("Set-Cookie", `a=${i}; Path=/`);
      headers.append("Set-Cookie", `b=${i}; Path=/`);
      return new Response(
        JSON.stringify({
          backend: i,
          method: req.method,
          path: url.pathname + url.search,
          cookie: req.headers.get("cookie"),
          body: await req.text(),
        }),
        { headers },
      );
    })
  );
  const proxy = startProxy();
  try {
    assert.equal((await fetch(proxy.url).then(async (r) => [r.status, await r.text()]))[0], 503);
    proxy.setBackends(backends.map((b) => `http://127.0.0.1:${b.addr.port}`));
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${proxy.url}/echo?i=${i}`, {
        method: "POST",
        headers: { Cookie: "sid=x" },
        body: `payload ${i}`,
      });
      const got = await res.json();
      assert.equal(res.headers.get(INSTANCE_HEADER), String(got.backend));
      assert.deepEqual(res.headers.getSetCookie(), [
        `a=${got.backend}; Path=/`,
        `b=${got.backend}; Path=/`,
      ]);
      assert.deepEqual(
        { method: got.method, path: got.path, cookie: got.cookie, body: got.body },
        { method: "POST", path: `/echo?i=${i}`, cookie: "sid=x", body: `payload ${i}` },
      );
      seen.push(got.backend);
    }
    assert.deepEqual(seen, [0, 1, 0, 1]);
    assert.deepEqual(proxy.counts, [2, 2]);

    const t0 = performance.now();
    const res = await fetch(`${proxy.url}/stream`);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const first = await reader.read();
    const firstMs = performance.now() - t0;
    assert.equal(first.value, "data: first\n\n");
    assert.ok(firstMs < 250, `the first chunk came after ${firstMs.toFixed(0)} ms: buffered`);
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
    assert.equal(rest, "data: second\n\n");
    proxy.reset();
    assert.deepEqual(proxy.counts, [0, 0]);
  } finally {
    await proxy.close();
    await Promise.all(backends.map((b) => b.shutdown()));
  }
});

Deno.test({
  name: "bench/instances.ts: 2 app processes on one KV behind the proxy, 10 turns, no cross-talk",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const r = await runInstancesBench({
      instances: 2,
      turns: 10,
      calls: 3000,
      skipSingle: true,
      turnTimeoutMs: 15_000,
    });
    const text = formatResult(r).join("\n");
    assert.equal(r.rounds.length, 1, text);
    const round = r.rounds[0];
    assert.equal(round.instances, 2);
    assert.ok(round.via_proxy);
    assert.equal(round.turns, 10);
    assert.equal(round.cross_talk, 0, text);
    assert.equal(round.completed, 10, text);
    assert.equal(round.failed, 0, text);
    assert.ok(r.ok, text);
    assert.equal(round.final_ms.n, 10);
    assert.ok(round.first_event_ms.p50 <= round.final_ms.p50);
    // Both instances served requests: 10 conversations, 10 POSTs and 10 streams in turn.
    assert.equal(round.requests_per_instance.length, 2);
    assert.equal(round.requests_per_instance[0] + round.requests_per_instance[1], 30);
    assert.ok(round.requests_per_instance.every((n) => n >= 10), text);
    // Round robin sends some streams to the other instance than their POST's.
    assert.ok(round.streams_elsewhere > 0, text);
  },
});
