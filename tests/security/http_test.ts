/**
 * Attacks over plain HTTP on the app's handlers: paths that try to climb out of `static/`
 * or to pass a file name as an id, and session cookies that are tampered with, made up or
 * signed out.
 */
import assert from "node:assert/strict";
import { SESSION_COOKIE } from "../../lib/auth/session.ts";
import { listen } from "../../lib/web/listen.ts";
import { testApp, TestClient } from "../../testing/web_app.ts";

/** Text that would show a file of the repository or the system was read. */
const LEAKS = [/"nodeModulesDir"/, /root:.*:0:0:/, /"imports"/, /DENO_|OPENAI_API_KEY/];

/** Sends `path` as is (no normalisation) over a socket; resolves with the status line and body. */
async function raw(port: number, path: string, cookie: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(
      `GET ${path} HTTP/1.1\r\nHost: localhost:8000\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`,
    ));
    const decoder = new TextDecoder();
    const buf = new Uint8Array(16384);
    let text = "";
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += decoder.decode(buf.subarray(0, n), { stream: true });
    }
    return text;
  } finally {
    try {
      conn.close();
    } catch { /* closed by the server */ }
  }
}

Deno.test({
  name:
    "security: traversal: ids and static paths with .., encoded slashes or NUL read no file: 404 without content",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await testApp();
    const server = listen(t.app.fetch, { port: 0, hostname: "127.0.0.1", log: () => {} });
    try {
      const c = await new TestClient(t.app).login("alice");
      const encoded = [
        "/api/reports/..%2F..%2Fdeno.json",
        "/api/reports/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/api/conversations/..%2F..%2Fdeno.json",
        "/api/conversations/..%5C..%5Cdeno.json",
        "/api/turns/..%2F..%2Fdeno.json/events",
        "/api/tables/..%2F..%2Fdeno.json/rows",
        "/api/tables/%2Fetc%2Fpasswd/xlsx",
        "/..%2Fdeno.json",
        "/build/..%2F..%2Fdeno.json",
        "/styles.css%00.json",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/.env",
        "/.git/config",
      ];
      for (const path of encoded) {
        const res = await c.request("GET", path);
        const body = await res.text();
        assert.ok(res.status === 404 || res.status === 400, `${path}: ${res.status}`);
        for (const leak of LEAKS) assert.doesNotMatch(body, leak, path);
      }
      const port = server.addr.port;
      for (const path of ["/../deno.json", "/build/../../deno.json", "/../../../../etc/passwd"]) {
        const answer = await raw(port, path, c.cookie!);
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
        assert.ok(status === 404 || status === 400, `${path}: ${answer.slice(0, 40)}`);
        for (const leak of LEAKS) assert.doesNotMatch(answer, leak, path);
      }
    } finally {
      await server.shutdown();
      await t.close();
    }
  },
});

Deno.test("security: auth: a tampered, made-up or signed-out session cookie is refused", async () => {
  const t = await testApp();
  try {
    const alice = await new TestClient(t.app).login("alice");
    const good = alice.cookie!;
    const token = good.slice(SESSION_COOKIE.length + 1);
    assert.ok(token.length > 20);
    const flip = (s: string, i: number) =>
      s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
    const forged = [
      `${SESSION_COOKIE}=${flip(token, token.length - 1)}`,
      `${SESSION_COOKIE}=${flip(token, 0)}`,
      `${SESSION_COOKIE}=${token.slice(0, -1)}`,
      `${SESSION_COOKIE}=${token}A`,
      `${SESSION_COOKIE}=${"A".repeat(token.length)}`,
      `${SESSION_COOKIE}=`,
      `${SESSION_COOKIE}=${encodeURIComponent(token + "' OR '1'='1")}`,
      `${SESSION_COOKIE}=../../${token}`,
      `other=${token}`,
    ];
    const stranger = new TestClient(t.app);
    for (const cookie of forged) {
      stranger.cookie = cookie;
      const me = await stranger.json("GET", "/api/auth/me");
      assert.equal(me.status, 401, cookie);
      const list = await stranger.json("GET", "/api/conversations");
      assert.equal(list.status, 401, cookie);
      const page = await stranger.request("GET", "/");
      assert.equal(page.status, 303, cookie);
      assert.match(page.headers.get("location") ?? "", /^\/login/);
      await page.body?.cancel();
    }
    // The real cookie still works, until signed out; then it is refused too.
    assert.equal((await alice.json("GET", "/api/auth/me")).status, 200);
    assert.equal((await alice.json("POST", "/api/auth/logout")).status, 204);
    const replay = new TestClient(t.app);
    replay.cookie = good;
    assert.equal((await replay.json("GET", "/api/auth/me")).status, 401);
    assert.equal((await replay.json("GET", "/api/conversations")).status, 401);
  } finally {
    await t.close();
  }
});
