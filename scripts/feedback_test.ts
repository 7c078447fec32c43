import assert from "node:assert/strict";
import { openStore } from "../lib/kv.ts";

const ROOT = new URL("../", import.meta.url);

async function run(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/feedback.ts", ...args],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("deno task feedback exports the stored feedback as CSV (--since, --out)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "feedback_export_" });
  try {
    const kvPath = `${dir}/app.kv`;
    let t = Date.parse("2026-11-20T10:00:00Z");
    const store = await openStore(kvPath, { clock: () => new Date(t) });
    const conv = await store.createConversation("u_1", "Calls");
    const base = {
      owner: "u_1",
      username: "alice",
      conversation_id: conv.id,
      answer_excerpt: "418 calls",
    };
    await store.saveFeedback({
      ...base,
      turn_id: "t_old",
      question: "Old question",
      rating: "up",
      comment: "",
    });
    t = Date.parse("2026-11-24T10:00:00Z");
    await store.saveFeedback({
      ...base,
      turn_id: "t_new",
      question: "=cmd|' /C calc'!A0",
      rating: "down",
      comment: 'Wrong, see "today"',
    });
    store.close();

    const all = await run(["--kv", kvPath]);
    assert.equal(all.code, 0, all.stderr);
    const lines = all.stdout.trimEnd().split("\r\n");
    assert.equal(lines.length, 3);
    assert.match(
      lines[1],
      /^t_old,alice,c_[^,]+,Old question,418 calls,up,,2026-11-20T10:00:00.000Z$/,
    );
    assert.match(lines[2], /^t_new,alice,/);
    assert.ok(lines[2].includes(`'=cmd|' /C calc'!A0`), "a formula is neutralised");
    assert.ok(lines[2].includes(`"Wrong, see ""today"""`));

    const out = `${dir}/feedback.csv`;
    const since = await run(["--kv", kvPath, "--since", "2026-11-22", "--out", out]);
    assert.equal(since.code, 0, since.stderr);
    assert.match(since.stderr, /Wrote 1 feedback row to /);
    const file = await Deno.readTextFile(out);
    assert.equal(file.trimEnd().split("\r\n").length, 2);
    assert.match(file, /t_new/);
    assert.doesNotMatch(file, /t_old/);

    const bad = await run(["--kv", kvPath, "--since", "last tuesday"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--since must be an ISO date/);
    const missing = await run(["--kv", `${dir}/none.kv`]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /no KV database at/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
