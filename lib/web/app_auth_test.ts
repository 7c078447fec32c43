import assert from "node:assert/strict";
import { hashToken, SESSION_COOKIE } from "../auth/session.ts";
import { CONTENT_SECURITY_POLICY } from "./security.ts";
import { ORIGIN, testApp, TestClient } from "../../testing/web_app.ts";

Deno.test("security: auth: login sets an HttpOnly SameSite=Strict cookie whose token is stored only hashed", async () => {
  const t = await testApp();
  try {
    const c = new TestClient(t.app);
    const res = await c.request("POST", "/api/auth/login", {
      username: "Alice",
      password: "password-1234",
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { username: "alice" });
    const cookie = res.headers.get("set-cookie")!;
    assert.match(cookie, new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; `));
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Strict/);
    assert.match(cookie, /; Path=\//);
    assert.match(cookie, /; Max-Age=86400/);
    assert.ok(!/Secure/.test(cookie), "plain http: no Secure");
    const token = c.cookie!.split("=")[1];
    const user = await t.store.getUserByName("alice");
    assert.equal(await t.store.getSession(token, t.clock.now()), null, "raw token is no key");
    const session = await t.store.getSession(hashToken(token), t.clock.now());
    assert.equal(session?.user_id, user!.id);
    assert.equal(res.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY);
  } finally {
    await t.close();
  }
});

Deno.test("security: auth: the cookie is Secure behind an HTTPS proxy (COOKIE_SECURE=auto)", async () => {
  const t = await testApp();
  try {
    const res = await new TestClient(t.app).request(
      "POST",
      "/api/auth/login",
      { username: "alice", password: "password-1234" },
      { "X-Forwarded-Proto": "https", Origin: "https://localhost:8000" },
    );
    assert.equal(res.status, 200);
    assert.match(res.headers.get("set-cookie")!, /; Secure$/);
  } finally {
    await t.close();
  }
});

Deno.test("security: auth: bad password and unknown user get the same 401", async () => {
  const t = await testApp();
  try {
    const c = new TestClient(t.app);
    const bad = await c.json("POST", "/api/auth/login", { username: "alice", password: "nope" });
    const unknown = await c.json("POST", "/api/auth/login", { username: "zed", password: "nope" });
    assert.equal(bad.status, 401);
    assert.equal(unknown.status, 401);
    assert.deepEqual(bad.body, unknown.body);
    assert.equal(bad.body.error.code, "invalid_credentials");
    assert.equal(bad.res.headers.get("set-cookie"), null);
  } finally {
    await t.close();
  }
});

Deno.test("security: input: login validates its body: bad JSON, missing or non-string fields → 400", async () => {
  const t = await testApp();
  try {
    const c = new TestClient(t.app);
    let r = await c.json("POST", "/api/auth/login", "{not json");
    assert.equal(r.status, 400);
    assert.equal(r.body.error.message, "Request body is not valid JSON");
    r = await c.json("POST", "/api/auth/login", { username: "alice" });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.message, '"password" is required');
    r = await c.json("POST", "/api/auth/login", { username: 5, password: "x" });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.message, '"username" must be a string');
    r = await c.json("POST", "/api/auth/login", []);
    assert.equal(r.status, 400);
  } finally {
    await t.close();
  }
});

Deno.test("security: auth: me answers the user, 401 JSON without a session; logout ends the session server-side", async () => {
  const t = await testApp();
  try {
    const c = new TestClient(t.app);
    let r = await c.json("GET", "/api/auth/me");
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, "unauthorized");
    await c.login("bob");
    const stolen = c.cookie!;
    r = await c.json("GET", "/api/auth/me");
    assert.deepEqual([r.status, r.body], [200, { username: "bob" }]);
    const out = await c.request("POST", "/api/auth/logout");
    assert.equal(out.status, 204);
    assert.match(out.headers.get("set-cookie")!, /Max-Age=0/);
    // Replaying the old cookie does not work: the session is gone from KV.
    const replay = new TestClient(t.app);
    replay.cookie = stolen;
    r = await replay.json("GET", "/api/auth/me");
    assert.equal(r.status, 401);
  } finally {
    await t.close();
  }
});

Deno.test("security: auth: sessions expire after the idle time, and activity keeps them alive", async () => {
  const t = await testApp(); // idle 120 min, max 24 h
  try {
    const c = await new TestClient(t.app).login("alice");
    t.clock.advance(100 * 60_000);
    assert.equal((await c.json("GET", "/api/auth/me")).status, 200);
    t.clock.advance(100 * 60_000); // 200 min since login, 100 since last activity
    assert.equal((await c.json("GET", "/api/auth/me")).status, 200);
    t.clock.advance(121 * 60_000);
    const r = await c.json("GET", "/api/auth/me");
    assert.equal(r.status, 401);
  } finally {
    await t.close();
  }
});

Deno.test("security: auth: sessions end at the absolute expiry even when active", async () => {
  const t = await testApp({ env: { SESSION_MAX_HOURS: "2", SESSION_IDLE_MINUTES: "60" } });
  try {
    const c = await new TestClient(t.app).login("alice");
    for (let i = 0; i < 3; i++) {
      t.clock.advance(39 * 60_000);
      assert.equal((await c.json("GET", "/api/auth/me")).status, 200, `step ${i}`);
    }
    t.clock.advance(4 * 60_000); // 121 min
    assert.equal((await c.json("GET", "/api/auth/me")).status, 401);
  } finally {
    await t.close();
  }
});

Deno.test("security: auth: failed logins are rate-limited per account with Retry-After", async () => {
  const t = await testApp({ env: { LOGIN_MAX_ATTEMPTS: "3", LOGIN_WINDOW_MINUTES: "10" } });
  try {
    const c = new TestClient(t.app);
    for (let i = 0; i < 3; i++) {
      const r = await c.json("POST", "/api/auth/login", { username: "alice", password: "bad" });
      assert.equal(r.status, 401);
    }
    // Even the right password is refused while limited.
    const r = await c.json("POST", "/api/auth/login", {
      username: "alice",
      password: "password-1234",
    });
    assert.equal(r.status, 429);
    assert.equal(r.body.error.code, "rate_limited");
    const retry = Number(r.res.headers.get("retry-after"));
    assert.ok(retry > 0 && retry <= 600, `Retry-After ${retry}`);
    // Other accounts are not affected.
    await new TestClient(t.app).login("bob");
    t.clock.advance(retry * 1000);
    await c.login("alice");
  } finally {
    await t.close();
  }
});

Deno.test("security: csrf: cross-site state-changing requests are refused with 403 JSON", async () => {
  const t = await testApp({ env: { ALLOWED_ORIGINS: "https://app.example.com" } });
  try {
    const c = await new TestClient(t.app).login("alice");
    const cases: [Record<string, string>, number][] = [
      [{ Origin: "https://evil.example" }, 403],
      [{ Origin: ORIGIN, "Sec-Fetch-Site": "cross-site" }, 403],
      [{ Origin: ORIGIN, "Sec-Fetch-Site": "same-site" }, 403],
      [{ Origin: ORIGIN, "Sec-Fetch-Site": "same-origin" }, 201],
      [{ Origin: ORIGIN }, 201],
      [{ Origin: "https://app.example.com" }, 201],
      [{ "Sec-Fetch-Site": "none" }, 201],
    ];
    for (const [headers, status] of cases) {
      const res = await c.request("POST", "/api/conversations", {}, headers);
      assert.equal(res.status, status, JSON.stringify(headers));
      const body = await res.json();
      if (status === 403) assert.equal(body.error.code, "csrf");
    }
    // Neither header: refused.
    const res = await t.app.fetch(
      new Request(`${ORIGIN}/api/conversations`, {
        method: "POST",
        headers: { Cookie: c.cookie!, "Content-Type": "application/json" },
        body: "{}",
      }),
    );
    assert.equal(res.status, 403);
    await res.body?.cancel();
    // Reads are not affected; login is protected too.
    assert.equal(
      (await c.request("GET", "/api/conversations", undefined, {
        Origin: "https://evil.example",
      })).status,
      200,
    );
    const login = await new TestClient(t.app).request(
      "POST",
      "/api/auth/login",
      { username: "alice", password: "password-1234" },
      { Origin: "https://evil.example" },
    );
    assert.equal(login.status, 403);
  } finally {
    await t.close();
  }
});

Deno.test("security: auth: pages redirect to /login without a session; API routes answer 401", async () => {
  const t = await testApp();
  try {
    const c = new TestClient(t.app);
    let res = await c.request("GET", "/");
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/login");
    res = await c.request("GET", "/somewhere?x=1");
    assert.equal(res.headers.get("location"), "/login?next=%2Fsomewhere%3Fx%3D1");
    for (const path of ["/api/conversations", "/api/reports", "/api/turns/t_x/events"]) {
      const r = await c.json("GET", path);
      assert.equal(r.status, 401, path);
      assert.equal(r.body.error.code, "unauthorized");
    }
    // A stale cookie is cleared.
    c.cookie = `${SESSION_COOKIE}=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    res = await c.request("GET", "/api/auth/me");
    assert.equal(res.status, 401);
    assert.match(res.headers.get("set-cookie") ?? "", /Max-Age=0/);
  } finally {
    await t.close();
  }
});
