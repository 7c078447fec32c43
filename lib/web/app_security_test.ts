/**
 * Security tests of the app's handlers (named "security: …" so a suite can collect them):
 * open redirects, parallel and flooding logins, request bodies.
 */
import assert from "node:assert/strict";
import { ORIGIN, testApp, TestClient } from "../../testing/web_app.ts";

Deno.test("security: auth: a signed-in /login?next= redirect stays on this site", async () => {
  const t = await testApp();
  try {
    const c = await new TestClient(t.app).login("alice");
    const cases: [string, string][] = [
      ["%2F%09%2Fevil.example%2F", "/"],
      ["%2F%0A%2Fevil.example%2F", "/"],
      ["%2F%0D%0A%2Fevil.example%2F", "/"],
      ["%2F%2Fevil.example%2F", "/"],
      ["%2F%5Cevil.example", "/"],
      ["https%3A%2F%2Fevil.example", "/"],
      ["%2F.%2F%2Fevil.example", "/"],
      ["%2F%3Fc%3Dabc", "/?c=abc"],
    ];
    for (const [next, want] of cases) {
      const res = await c.request("GET", `/login?next=${next}`);
      await res.body?.cancel();
      assert.equal(res.status, 303, next);
      const location = res.headers.get("location")!;
      assert.equal(location, want, next);
      assert.equal(new URL(location, ORIGIN).origin, ORIGIN, next);
    }
  } finally {
    await t.close();
  }
});

/** Sends the same login from many requests at once; returns the statuses in order. */
async function loginsAtOnce(
  clients: TestClient[],
  bodies: { username: string; password: string }[],
): Promise<Response[]> {
  return await Promise.all(
    bodies.map((b, i) => clients[i % clients.length].request("POST", "/api/auth/login", b)),
  );
}

function count(statuses: number[], status: number): number {
  return statuses.filter((s) => s === status).length;
}

Deno.test("security: auth: parallel logins cannot bypass the limit (29 wrong + 1 right at once)", async () => {
  const t = await testApp({ env: { LOGIN_MAX_ATTEMPTS: "5" } });
  try {
    // From 30 addresses, so that only the per-account count stands in the way.
    const clients = Array.from({ length: 30 }, (_, i) => {
      const c = new TestClient(t.app);
      c.address = `10.0.0.${i + 1}`;
      return c;
    });
    const bodies = [
      ...Array.from({ length: 29 }, (_, i) => ({ username: "alice", password: `wrong-${i}` })),
      { username: "alice", password: "password-1234" },
    ];
    const responses = await loginsAtOnce(clients, bodies);
    const statuses = responses.map((r) => r.status);
    await Promise.all(responses.map((r) => r.body?.cancel()));
    const checked = count(statuses, 401) + count(statuses, 200);
    assert.ok(checked <= 5, `passwords checked: ${checked} (${statuses.join(" ")})`);
    assert.notEqual(statuses[29], 200, "the right password, sent 30th, is not accepted");
    for (const r of responses.filter((r) => r.status === 429 || r.status === 503)) {
      assert.ok(Number(r.headers.get("retry-after")) > 0);
    }
  } finally {
    await t.close();
  }
});

Deno.test("security: auth: 100 parallel wrong logins are not all checked", async () => {
  const t = await testApp({ env: { LOGIN_MAX_ATTEMPTS: "5" } });
  try {
    const c = new TestClient(t.app);
    c.address = "10.0.0.9";
    const bodies = Array.from({ length: 100 }, (_, i) => ({
      username: "bob",
      password: `wrong-${i}`,
    }));
    const responses = await loginsAtOnce([c], bodies);
    const statuses = responses.map((r) => r.status);
    await Promise.all(responses.map((r) => r.body?.cancel()));
    let checked = count(statuses, 401);
    assert.ok(checked <= 5, statuses.join(" "));
    assert.equal(checked + count(statuses, 429) + count(statuses, 503), 100);
    // One at a time, the account still has exactly the rest of its 5 attempts…
    for (;;) {
      const r = await c.json("POST", "/api/auth/login", { username: "bob", password: "again" });
      if (r.status !== 401) break;
      checked++;
    }
    assert.equal(checked, 5);
    // …and then even the right password waits.
    const r = await c.json("POST", "/api/auth/login", {
      username: "bob",
      password: "password-1234",
    });
    assert.equal(r.status, 429);
  } finally {
    await t.close();
  }
});

Deno.test("security: auth: one client address cannot go through many accounts", async () => {
  const t = await testApp({
    env: { LOGIN_MAX_ATTEMPTS: "5", LOGIN_MAX_ATTEMPTS_PER_ADDRESS: "10" },
  });
  try {
    const attacker = new TestClient(t.app);
    attacker.address = "203.0.113.7";
    for (let i = 0; i < 10; i++) {
      const r = await attacker.json("POST", "/api/auth/login", {
        username: `user${i}`,
        password: "guess",
      });
      assert.equal(r.status, 401, `attempt ${i + 1}`);
    }
    const r = await attacker.json("POST", "/api/auth/login", {
      username: "alice",
      password: "password-1234",
    });
    assert.equal(r.status, 429, "the 11th attempt from the address is refused");
    assert.ok(Number(r.res.headers.get("retry-after")) > 0);
    // Another address, and alice's account, are not affected.
    const user = new TestClient(t.app);
    user.address = "198.51.100.20";
    await user.login("alice");
  } finally {
    await t.close();
  }
});

Deno.test("security: auth: successful logins do not use up the address's allowance", async () => {
  const t = await testApp({ env: { LOGIN_MAX_ATTEMPTS_PER_ADDRESS: "3" } });
  try {
    // An office behind one address: many people sign in, a few mistype.
    for (let i = 0; i < 6; i++) {
      const c = new TestClient(t.app);
      c.address = "192.0.2.10";
      await c.login(i % 2 ? "alice" : "bob");
    }
    const c = new TestClient(t.app);
    c.address = "192.0.2.10";
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (await c.json("POST", "/api/auth/login", { username: "alice", password: "typo" })).status,
        401,
      );
    }
    assert.equal(
      (await c.json("POST", "/api/auth/login", { username: "bob", password: "x" })).status,
      429,
    );
  } finally {
    await t.close();
  }
});

Deno.test("security: input: a question in invalid UTF-8 is refused with 400", async () => {
  const t = await testApp();
  try {
    const c = await new TestClient(t.app).login("alice");
    const conv = await c.json("POST", "/api/conversations", {});
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"message":"calls today'),
      0xff,
      0xfe,
      0xc3, // a truncated two-byte sequence
      ...new TextEncoder().encode('"}'),
    ]);
    const res = await t.app.fetch(
      new Request(`${ORIGIN}/api/conversations/${conv.body.id}/turns`, {
        method: "POST",
        headers: { Origin: ORIGIN, Cookie: c.cookie!, "Content-Type": "application/json" },
        body: bytes,
      }),
    );
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(body.error.code, "bad_request");
    assert.match(body.error.message, /UTF-8/);
    const after = await c.json("GET", `/api/conversations/${conv.body.id}`);
    assert.equal(after.body.messages.length, 0, "no turn was started");
  } finally {
    await t.close();
  }
});

Deno.test("security: input: bodies over 64 KiB are refused with 413, with or without Content-Length", async () => {
  const t = await testApp();
  try {
    const c = await new TestClient(t.app).login("alice");
    const big = JSON.stringify({ title: "x".repeat(70 * 1024) });
    let r = await c.json("POST", "/api/conversations", big);
    assert.equal(r.status, 413);
    assert.equal(r.body.error.code, "payload_too_large");
    // Chunked: no Content-Length to check up front.
    const chunks = new ReadableStream<Uint8Array>({
      start(ctl) {
        for (let i = 0; i < 20; i++) ctl.enqueue(new TextEncoder().encode("x".repeat(4096)));
        ctl.close();
      },
    });
    const res = await t.app.fetch(
      new Request(`${ORIGIN}/api/conversations`, {
        method: "POST",
        headers: { Origin: ORIGIN, Cookie: c.cookie!, "Content-Type": "application/json" },
        body: chunks,
      }),
    );
    assert.equal(res.status, 413);
    assert.equal((await res.json()).error.code, "payload_too_large");
    r = await c.json("POST", "/api/conversations", { title: "ok" });
    assert.equal(r.status, 201);
  } finally {
    await t.close();
  }
});
