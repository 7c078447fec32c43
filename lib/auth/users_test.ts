import assert from "node:assert/strict";
import { openStore } from "../kv.ts";
import { loadConfig } from "../config.ts";
import {
  addUser,
  changePassword,
  ensureDemoUser,
  passwordProblem,
  removeUser,
  retireDemoUser,
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

Deno.test("security: auth: DEMO_USER=off creates no demo user and turns off an earlier one's demo password", async () => {
  const store = await openStore(":memory:");
  try {
    const off = loadConfig({ DEMO_USER: "off" }).auth;
    assert.equal(await ensureDemoUser(store, off, FAST), null, "no demo login line");
    assert.equal(await store.countUsers(), 0, "no demo user created");

    // An earlier start created the demo user, with a session open.
    const on = loadConfig({}).auth;
    assert.match((await ensureDemoUser(store, on, FAST))!, /^Demo login: demo \//);
    const demo = (await store.getUserByName("demo"))!;
    const now = Date.parse("2026-11-24T09:00:00Z");
    await store.createSession("session-hash", {
      user_id: demo.id,
      created_at: now,
      last_seen_at: now,
      expires_at: now + 3_600_000,
      idle_ms: 3_600_000,
    });
    const conversation = await store.createConversation(demo.id, "Kept");

    assert.equal(await ensureDemoUser(store, off, FAST), null);
    const after = (await store.getUserByName("demo"))!;
    assert.equal(after.id, demo.id, "the account and its data stay");
    assert.equal(await verifyPassword("demo-supervisor", after.password), false);
    assert.equal(await store.getSession("session-hash", new Date(now)), null, "signed out");
    assert.ok(await store.getConversation(demo.id, conversation.id));
    // Turning the demo account on again does not bring the known password back.
    assert.equal(await ensureDemoUser(store, on, FAST), null);
    const again = (await store.getUserByName("demo"))!;
    assert.equal(await verifyPassword("demo-supervisor", again.password), false);
  } finally {
    store.close();
  }
});

Deno.test("security: auth: DEMO_USER=off leaves a demo account alone once its password was changed", async () => {
  const store = await openStore(":memory:");
  try {
    await addUser(store, "demo", "my-own-password", FAST);
    const before = (await store.getUserByName("demo"))!;
    const retired = { username: "demo", passwords: ["demo-supervisor"] };
    assert.equal(await retireDemoUser(store, retired, FAST), false);
    assert.deepEqual((await store.getUserByName("demo"))!.password, before.password);
    assert.ok(await verifyPassword("my-own-password", before.password));
    // A custom DEMO_PASSWORD of an earlier start is tried too.
    await changePassword(store, "demo", "custom-demo-pass", FAST);
    assert.equal(
      await retireDemoUser(store, { ...retired, passwords: ["custom-demo-pass"] }, FAST),
      true,
    );
    const after = (await store.getUserByName("demo"))!;
    assert.equal(await verifyPassword("custom-demo-pass", after.password), false);
  } finally {
    store.close();
  }
});

Deno.test("security: auth: instances starting at once on one KV create the demo user once", async () => {
  const store = await openStore(":memory:");
  try {
    const auth = loadConfig({}).auth;
    const lines = await Promise.all([1, 2, 3, 4].map(() => ensureDemoUser(store, auth, FAST)));
    for (const line of lines) assert.match(line!, /^Demo login: demo \//);
    assert.equal(await store.countUsers(), 1);
  } finally {
    store.close();
  }
});
