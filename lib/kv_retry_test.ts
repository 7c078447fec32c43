import assert from "node:assert/strict";
import { isLockedError, whileLocked } from "./kv_retry.ts";

Deno.test("whileLocked retries lock errors only, and gives up at its deadline", async () => {
  let calls = 0;
  const got = await whileLocked(() => {
    calls++;
    if (calls < 4) return Promise.reject(new TypeError("database is locked"));
    return Promise.resolve("done");
  });
  assert.equal(got, "done");
  assert.equal(calls, 4);
  calls = 0;
  await assert.rejects(
    whileLocked(() => {
      calls++;
      return Promise.reject(new TypeError("value too large"));
    }),
    /value too large/,
  );
  assert.equal(calls, 1);
  await assert.rejects(
    whileLocked(() => Promise.reject(new TypeError("database is locked")), 30),
    /database is locked/,
  );
  assert.equal(isLockedError(new Error("SQLITE_BUSY: x")), true);
  assert.equal(isLockedError("database is locked"), false);
});

/** Child process: commits `n` checked atomic writes to the shared file, all at once. */
const WRITER = `
import { retryLocked } from ${JSON.stringify(new URL("./kv_retry.ts", import.meta.url).href)};
const [path, me, n, retry] = Deno.args;
const raw = await Deno.openKv(path);
const kv = retry === "yes" ? retryLocked(raw) : raw;
let failed = 0;
await Promise.all(Array.from({ length: Number(n) }, async (_, i) => {
  try {
    const res = await kv.atomic().check({ key: ["c", me, i], versionstamp: null })
      .set(["x", me, i], i).sum(["count"], 1n).commit();
    if (!res.ok) failed++;
  } catch { failed++; }
}));
console.log(failed);
raw.close();
`;

async function writers(path: string, retry: boolean): Promise<number[]> {
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(script, WRITER);
  try {
    const run = (me: string) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--unstable-kv",
          "--no-check",
          script,
          path,
          me,
          "150",
          retry ? "yes" : "no",
        ],
        stdout: "piped",
        stderr: "inherit",
      }).output().then((o) => Number(new TextDecoder().decode(o.stdout).trim()));
    return await Promise.all(["a", "b", "c", "d"].map(run));
  } finally {
    await Deno.remove(script);
  }
}

Deno.test("four processes writing one KV file: without retries commits fail with lock errors; with retryLocked every one applies", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/shared.kv`;
    (await Deno.openKv(path)).close();
    const bare = await writers(path, false);
    // The failure this module exists for (if SQLite stops raising it, the wrapper is moot).
    assert.ok(bare.reduce((a, b) => a + b, 0) > 0, `expected lock errors, got ${bare}`);
    await Deno.remove(path);
    (await Deno.openKv(path)).close();
    assert.deepEqual(await writers(path, true), [0, 0, 0, 0]);
    const kv = await Deno.openKv(path);
    assert.equal((await kv.get<Deno.KvU64>(["count"])).value?.value, 600n);
    kv.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
