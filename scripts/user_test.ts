import assert from "node:assert/strict";
import { storeOver } from "../lib/kv.ts";
import { openConfiguredKv } from "../lib/kv_connect.ts";

const ROOT = new URL("../", import.meta.url);

async function run(args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", "scripts/user.ts", ...args],
    cwd: ROOT,
    env: { DENO_DEPLOYMENT_ID: "", KV_PATH: "", KV_URL: "", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("deno task user opens the app's KV as the app does (KV_PATH, its directory created)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "user_script_test_" });
  try {
    const path = `${dir}/new/app.kv`;
    const added = await run(["add", "alice", "--password", "password-1234"], { KV_PATH: path });
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /User "alice" added/);
    const listed = await run(["list"], { KV_PATH: path });
    assert.match(listed.stdout, /^alice\t/m);
    // The app's opener finds the same user in the same file.
    const store = storeOver(await openConfiguredKv({ kv: { kind: "path", path } }));
    try {
      assert.equal((await store.getUserByName("alice"))?.username, "alice");
    } finally {
      store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task user names a KV it cannot open, and a bad KV configuration", async () => {
  const noToken = await run(["list"], { KV_URL: "http://127.0.0.1:9", DENO_KV_ACCESS_TOKEN: "" });
  assert.equal(noToken.code, 1);
  assert.match(noToken.stderr, /^Invalid configuration: KV_URL needs DENO_KV_ACCESS_TOKEN/);
  // Nothing listens on port 9: the remote KV cannot be reached.
  const unreachable = await run(["list"], {
    KV_URL: "http://127.0.0.1:9",
    DENO_KV_ACCESS_TOKEN: "token",
  });
  assert.equal(unreachable.code, 1);
  assert.match(
    unreachable.stderr,
    /^Cannot open the remote KV at http:\/\/127\.0\.0\.1:9 \(KV_URL\): /,
  );
});

Deno.test("deno task user: the first user is an admin; role, disable and enable; the last admin is kept", async () => {
  const dir = await Deno.makeTempDir({ prefix: "user_script_test_" });
  try {
    const env = { KV_PATH: `${dir}/app.kv` };
    const first = await run(["add", "ann", "--password", "password-1234"], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /User "ann" added \(admin\)/);
    const second = await run(["add", "ben", "--password", "password-1234"], env);
    assert.match(second.stdout, /User "ben" added \(supervisor\)/);
    const third = await run(["add", "cat", "--password", "password-1234", "--admin"], env);
    assert.match(third.stdout, /\(admin\)/);
    assert.equal((await run(["role", "cat", "supervisor"], env)).code, 0);
    const last = await run(["role", "ann", "supervisor"], env);
    assert.equal(last.code, 1);
    assert.match(last.stderr, /last admin/);
    assert.equal((await run(["disable", "ann"], env)).code, 1);
    assert.equal((await run(["remove", "ann"], env)).code, 1);
    assert.equal((await run(["disable", "ben"], env)).code, 0);
    const listed = await run(["list"], env);
    assert.match(listed.stdout, /^ann\tadmin\tactive\t/m);
    assert.match(listed.stdout, /^ben\tsupervisor\tdisabled\t/m);
    assert.match(listed.stdout, /^cat\tsupervisor\tactive\t/m);
    assert.equal((await run(["enable", "ben"], env)).code, 0);
    assert.match((await run(["list"], env)).stdout, /^ben\tsupervisor\tactive\t/m);
    const bad = await run(["role", "ben", "root"], env);
    assert.equal(bad.code, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
