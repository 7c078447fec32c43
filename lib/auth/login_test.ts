import assert from "node:assert/strict";
import { openStore } from "../kv.ts";
import { attemptLogin, type LoginResult } from "./login.ts";
import { LoginPool } from "./login_pool.ts";
import { addUser } from "./users.ts";

const FAST = { iterations: 1000 };
const POLICY = { loginMaxAttempts: 5, loginMaxAttemptsPerAddress: 1000, loginWindowMinutes: 15 };
const NOW = new Date("2030-01-01T00:00:00Z");

Deno.test("security: auth: parallel logins cannot bypass the per-account limit (counted before the hash)", async () => {
  const store = await openStore(":memory:");
  try {
    await addUser(store, "alice", "password-1234", FAST);
    // A pool roomy enough that only the KV count stands in the way.
    const pool = new LoginPool({ concurrency: 64, perAddress: 64, queue: 64, queuePerAddress: 64 });
    const tries = [
      ...Array.from({ length: 29 }, (_, i) => `wrong-${i}`),
      "password-1234",
    ];
    const results = await Promise.all(
      tries.map((password, i) =>
        attemptLogin(store, { username: "alice", password, address: `10.0.1.${i}` }, {
          now: NOW,
          policy: POLICY,
          pool,
          dummyIterations: 1000,
        })
      ),
    );
    const checked = results.filter((r) => r.ok || r.reason === "invalid").length;
    assert.equal(checked, 5, JSON.stringify(results.map(reasonOf)));
    assert.equal(results.filter((r) => !r.ok && r.reason === "rate_limited").length, 25);
    assert.equal(pool.running + pool.waiting, 0, "every slot is given back");
  } finally {
    store.close();
  }
});

Deno.test("security: auth: login: a success clears the account's failures; the window ends them too", async () => {
  const store = await openStore(":memory:");
  try {
    await addUser(store, "bob", "password-1234", FAST);
    const pool = new LoginPool();
    const login = (password: string, now = NOW) =>
      attemptLogin(store, { username: "Bob ", password, address: "192.0.2.1" }, {
        now,
        policy: POLICY,
        pool,
        dummyIterations: 1000,
      });
    for (let i = 0; i < 4; i++) assert.equal(reasonOf(await login("nope")), "invalid");
    assert.equal(reasonOf(await login("password-1234")), "ok");
    for (let i = 0; i < 5; i++) assert.equal(reasonOf(await login("nope")), "invalid");
    const limited = await login("password-1234");
    assert.ok(!limited.ok && limited.reason === "rate_limited");
    assert.equal(limited.scope, "account");
    assert.equal(limited.retryAfterSeconds, 15 * 60);
    const later = new Date(NOW.getTime() + 15 * 60_000);
    assert.equal(reasonOf(await login("password-1234", later)), "ok");
  } finally {
    store.close();
  }
});

function reasonOf(r: LoginResult): string {
  return r.ok ? "ok" : r.reason;
}
