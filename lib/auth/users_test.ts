import assert from "node:assert/strict";
import { openStore } from "../kv.ts";
import { loadConfig } from "../config.ts";
import {
  addUser,
  changePassword,
  ensureDemoUser,
  passwordProblem,
  removeUser,
  UserError,
} from "./users.ts";
import { verifyPassword } from "./password.ts";

const FAST = { iterations: 1000 };

Deno.test("the demo user is created only in an empty store, and reported while it works", async () => {
  const store = await openStore(":memory:");
  try {
    const auth = { demoUser: "demo", demoPassword: "demo-supervisor" };
    assert.equal(await ensureDemoUser(store, auth, FAST), "Demo login: demo / demo-supervisor");
    assert.equal(await store.countUsers(), 1);
    assert.equal(await ensureDemoUser(store, auth, FAST), "Demo login: demo / demo-supervisor");
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
    await addUser(store, "real", "password-1234", FAST);
    assert.equal(
      await ensureDemoUser(store, { demoUser: "demo", demoPassword: "demo-supervisor" }, FAST),
      null,
    );
    assert.equal(await store.getUserByName("demo"), null, "not created in a non-empty store");
  } finally {
    store.close();
  }
});

Deno.test("security: auth: user rules: valid names, 12+ character passwords, no duplicates", async () => {
  const store = await openStore(":memory:");
  try {
    await assert.rejects(() => addUser(store, "a b", "password-1234", FAST), UserError);
    await assert.rejects(() => addUser(store, "ann", "short", FAST), /at least 12/);
    await assert.rejects(() => addUser(store, "ann", "password-1", FAST), /at least 12/);
    const u = await addUser(store, "ann", "password-1234", FAST);
    await assert.rejects(() => addUser(store, "ANN", "password-1234", FAST), /taken/);
    await changePassword(store, "ann", "password-2345", FAST);
    assert.ok(await verifyPassword("password-2345", (await store.getUser(u.id))!.password));
    await removeUser(store, "ann");
    await assert.rejects(() => removeUser(store, "ann"), /no such user/);
  } finally {
    store.close();
  }
});

Deno.test("security: auth: the demo password follows the same rules as every other", async () => {
  const store = await openStore(":memory:");
  try {
    await assert.rejects(
      () => ensureDemoUser(store, { demoUser: "demo", demoPassword: "demo123" }, FAST),
      /at least 12 characters/,
    );
    assert.equal(await store.countUsers(), 0);
    assert.throws(() => loadConfig({ DEMO_PASSWORD: "demo123" }), /DEMO_PASSWORD/);
    const auth = loadConfig({}).auth;
    assert.equal(passwordProblem(auth.demoPassword), null, "the default satisfies the rules");
    assert.match((await ensureDemoUser(store, auth, FAST))!, /^Demo login: demo \/ /);
    // A disabled demo user needs no valid password.
    assert.equal(loadConfig({ DEMO_USER: "", DEMO_PASSWORD: "x" }).auth.demoUser, null);
  } finally {
    store.close();
  }
});
