import assert from "node:assert/strict";
import { testApp, TestClient } from "../../testing/web_app.ts";

Deno.test("GET /api/health answers without a session: 200 ok while KV reads, 503 naming KV when it cannot", async () => {
  const t = await testApp({ log: () => {} });
  try {
    const c = new TestClient(t.app);
    const ok = await c.request("GET", "/api/health");
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("cache-control"), "no-store");
    assert.deepEqual(await ok.json(), { status: "ok", data: "ready" });
    // A store whose KV fails: the instance reports itself unavailable, with no detail.
    t.store.ping = () => Promise.reject(new Error("connection refused"));
    const down = await c.request("GET", "/api/health");
    assert.equal(down.status, 503);
    assert.deepEqual(await down.json(), { status: "unavailable", problem: "kv" });
  } finally {
    await t.close();
  }
});
