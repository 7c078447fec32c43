import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError, loadConfig } from "./config.ts";
import { KvOpenError, kvOpenPlan, openConfiguredKv } from "./kv_connect.ts";

const DEPLOY = { DENO_DEPLOYMENT_ID: "dpl_123" };
const TOKEN = { DENO_KV_ACCESS_TOKEN: "secret-token" };

Deno.test("the KV is chosen from the environment: KV_URL, KV_PATH, managed on Deploy, else ./data/app.kv", () => {
  const cases: [Record<string, string>, ReturnType<typeof kvOpenPlan>["target"], string | null][] =
    [
      [{}, "./data/app.kv", "./data"],
      [{ KV_PATH: "/var/lib/app/app.kv" }, "/var/lib/app/app.kv", "/var/lib/app"],
      [{ KV_PATH: ":memory:" }, ":memory:", null],
      [{ ...DEPLOY }, undefined, null],
      [{ ...DEPLOY, KV_PATH: ":memory:" }, ":memory:", null],
      [{ KV_URL: "http://127.0.0.1:4512", ...TOKEN }, "http://127.0.0.1:4512", null],
      [
        { ...DEPLOY, KV_URL: "https://api.deno.com/databases/x/connect", ...TOKEN },
        "https://api.deno.com/databases/x/connect",
        null,
      ],
    ];
  for (const [env, target, directory] of cases) {
    const plan = kvOpenPlan(loadConfig(env).kv);
    assert.equal(plan.target, target, JSON.stringify(env));
    assert.equal(plan.directory, directory, JSON.stringify(env));
  }
  assert.deepEqual(loadConfig(DEPLOY).kv, { kind: "managed" });
  assert.deepEqual(loadConfig({ KV_URL: "http://h:1", ...TOKEN }).kv, {
    kind: "url",
    url: "http://h:1",
    accessToken: "secret-token",
  });
});

Deno.test("KV_URL needs an http(s) URL and DENO_KV_ACCESS_TOKEN, and excludes KV_PATH", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ KV_URL: "http://127.0.0.1:4512" }, /KV_URL needs DENO_KV_ACCESS_TOKEN/],
    [{ KV_URL: "127.0.0.1:4512", ...TOKEN }, /KV_URL must be the http\(s\) URL/],
    [{ KV_URL: "file:///tmp/app.kv", ...TOKEN }, /KV_URL must be the http\(s\) URL/],
    [{ KV_URL: "http://h:1", KV_PATH: "./x.kv", ...TOKEN }, /KV_URL and KV_PATH are both set/],
  ];
  for (const [env, re] of cases) {
    assert.throws(
      () => loadConfig(env),
      (e: unknown) => e instanceof ConfigError && re.test(e.message),
    );
  }
});

Deno.test("openConfiguredKv opens a local file, creating its directory, and :memory:", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kv_connect_test_" });
  try {
    const path = join(dir, "nested", "deeper", "app.kv");
    const kv = await openConfiguredKv({ kv: { kind: "path", path } });
    try {
      await kv.set(["k"], 1);
    } finally {
      kv.close();
    }
    const again = await openConfiguredKv({ kv: { kind: "path", path } });
    try {
      assert.equal((await again.get(["k"])).value, 1, "the same file is reopened");
    } finally {
      again.close();
    }
    const before = [...Deno.readDirSync(dir)].length;
    const mem = await openConfiguredKv({ kv: { kind: "path", path: ":memory:" } });
    try {
      await mem.set(["k"], 2);
      assert.equal((await mem.get(["k"])).value, 2);
    } finally {
      mem.close();
    }
    assert.equal([...Deno.readDirSync(dir)].length, before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openConfiguredKv creates nothing for managed and remote KV, and passes their target", async () => {
  const cwdBefore = [...Deno.readDirSync(".")].map((e) => e.name).sort();
  const seen: (string | undefined)[] = [];
  const openKv = (target?: string) => {
    seen.push(target);
    return Deno.openKv(":memory:");
  };
  (await openConfiguredKv({ kv: { kind: "managed" } }, { openKv })).close();
  (await openConfiguredKv(
    { kv: { kind: "url", url: "http://127.0.0.1:4512", accessToken: "t" } },
    { openKv },
  )).close();
  assert.deepEqual(seen, [undefined, "http://127.0.0.1:4512"]);
  assert.deepEqual([...Deno.readDirSync(".")].map((e) => e.name).sort(), cwdBefore);
});

Deno.test("openConfiguredKv names the KV it cannot open", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kv_connect_test_" });
  try {
    // A file where the directory should be.
    await Deno.writeTextFile(join(dir, "file"), "x");
    await assert.rejects(
      () => openConfiguredKv({ kv: { kind: "path", path: join(dir, "file", "app.kv") } }),
      (e: unknown) =>
        e instanceof KvOpenError && e.message.startsWith("Cannot open the KV file ") &&
        e.message.includes("(KV_PATH)"),
    );
    await assert.rejects(
      () =>
        openConfiguredKv({ kv: { kind: "managed" } }, {
          openKv: () => Promise.reject(new Error("no managed KV here")),
        }),
      /^KvOpenError: Cannot open the managed KV of Deno Deploy: no managed KV here$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a remote KV is reached over KV Connect with DENO_KV_ACCESS_TOKEN", async () => {
  const previous = Deno.env.get("DENO_KV_ACCESS_TOKEN");
  Deno.env.delete("DENO_KV_ACCESS_TOKEN");
  const authorizations: (string | null)[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    authorizations.push(req.headers.get("authorization"));
    return new Response("unauthorized", { status: 401 });
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}`;
    const config = loadConfig({ KV_URL: url, DENO_KV_ACCESS_TOKEN: "token-from-dotenv" });
    // The server refuses the token: opening fails after presenting it, naming the KV.
    await assert.rejects(
      () => openConfiguredKv(config),
      (e: unknown) =>
        e instanceof KvOpenError &&
        e.message.startsWith(`Cannot open the remote KV at ${url} (KV_URL): `) &&
        /401/.test(e.message),
    );
    assert.ok(authorizations.length > 0, "the remote KV was contacted");
    assert.equal(authorizations[0], "Bearer token-from-dotenv");
    assert.equal(Deno.env.get("DENO_KV_ACCESS_TOKEN"), "token-from-dotenv");
  } finally {
    await server.shutdown();
    if (previous === undefined) Deno.env.delete("DENO_KV_ACCESS_TOKEN");
    else Deno.env.set("DENO_KV_ACCESS_TOKEN", previous);
  }
});
