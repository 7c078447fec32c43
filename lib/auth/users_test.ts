import assert from "node:assert/strict";
import { openStore } from "../kv.ts";
import { addUser, changePassword, ensureDemoUser, removeUser, UserError } from "./users.ts";
import { verifyPassword } from "./password.ts";

const FAST = { iterations: 1000 };

Deno.test("the demo user is created only in an empty store, and reported while it works", async () => {
  const store = await openStore(":memory:");
  try {
    const auth = { demoUser: "demo", demoPassword: "demo123" };
    assert.equal(await ensureDemoUser(store, auth, FAST), "Demo login: demo / demo123");
    assert.equal(await store.countUsers(), 1);
    assert.equal(await ensureDemoUser(store, auth, FAST), "Demo login: demo / demo123");
    assert.equal(await store.countUsers(), 1);
    await changePassword(store, "demo", "a-new-password", FAST);
    assert.equal(await ensureDemoUser(store, auth, FAST), null, "changed password: not shown");
    assert.equal(await ensureDemoUser(store, { ...auth, demoUser: null }, FAST), null);
  } finally {
    store.close();
  }
});

Deno.test("DEMO_USER empty disables the demo user", async () => {
  const store = await openStore(":memory:");
  try {
    assert.equal(await ensureDemoUser(store, { demoUser: null, demoPassword: "x" }, FAST), null);
    assert.equal(await store.countUsers(), 0);
    await addUser(store, "real", "password-1", FAST);
    assert.equal(
      await ensureDemoUser(store, { demoUser: "demo", demoPassword: "demo123" }, FAST),
      null,
    );
    assert.equal(await store.getUserByName("demo"), null, "not created in a non-empty store");
  } finally {
    store.close();
  }
});

Deno.test("user rules: valid names, 8+ character passwords, no duplicates", async () => {
  const store = await openStore(":memory:");
  try {
    await assert.rejects(() => addUser(store, "a b", "password-1", FAST), UserError);
    await assert.rejects(() => addUser(store, "ann", "short", FAST), /at least 8/);
    const u = await addUser(store, "ann", "password-1", FAST);
    await assert.rejects(() => addUser(store, "ANN", "password-1", FAST), /taken/);
    await changePassword(store, "ann", "password-2", FAST);
    assert.ok(await verifyPassword("password-2", (await store.getUser(u.id))!.password));
    await removeUser(store, "ann");
    await assert.rejects(() => removeUser(store, "ann"), /no such user/);
  } finally {
    store.close();
  }
});
