import assert from "node:assert/strict";
import { writeDataset } from "../lib/data/seed.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const NOW = "2026-03-11T15:00:00Z";
const TZ = "America/Sao_Paulo";

async function ask(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/ask.ts", ...args],
    cwd: ROOT,
    env: { MODEL_PROVIDER: "offline", RUST_BACKTRACE: "0", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function withData(fn: (dir: string, outDir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "ask-test-" });
  try {
    await writeDataset(`${dir}/data`, {
      days: 4,
      callsPerDay: 60,
      now: new Date(NOW),
      tz: TZ,
      seed: 7,
      customers: 50,
      agents: 5,
    });
    await fn(`${dir}/data`, `${dir}/out`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("ask --batch --json prints one line per conversation in the contract's shape", async () => {
  await withData(async (data, outDir) => {
    const batch = `${outDir}.jsonl`;
    await Deno.writeTextFile(
      batch,
      [
        JSON.stringify({ id: "a", turns: ["How many calls were made today?", "And outgoing?"] }),
        JSON.stringify({ id: "b", turns: ["Give me missed call report for yesterday"] }),
        "",
      ].join("\n"),
    );
    const r = await ask([
      "--data",
      data,
      "--now",
      NOW,
      "--tz",
      TZ,
      "--out-dir",
      outDir,
      "--batch",
      batch,
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.id), ["a", "b"]);
    assert.equal(lines[0].turns.length, 2);
    for (const line of lines) {
      for (const t of line.turns) {
        assert.deepEqual(
          Object.keys(t).sort(),
          [
            "answer",
            "error",
            "interpretation",
            "outcome",
            "question",
            "reports",
            "steps",
            "tables",
            "usage",
          ],
        );
        assert.equal(t.error, null);
        assert.equal(t.outcome, "answered");
        assert.equal(typeof t.interpretation?.metric, "string");
        assert.ok(Array.isArray(t.interpretation.unplaced));
        assert.ok(t.answer.length > 0);
        assert.ok(t.usage.model_calls >= 1);
        assert.ok(t.steps.some((s: { type: string }) => s.type === "tool_start"));
      }
    }
    const first = lines[0].turns[0];
    assert.ok(first.tables.length >= 1);
    assert.ok(
      Array.isArray(first.tables[0].rows) && typeof first.tables[0].total_rows === "number",
    );
    const report = lines[1].turns[0].reports[0];
    assert.ok(report, "the report question made a report");
    assert.match(report.id, /^r_/);
    assert.equal(typeof report.rows, "number");
    const stat = await Deno.stat(`${outDir}/${report.file}`);
    assert.ok(stat.size > 0);
  });
});

Deno.test("ask prints text for a single conversation", async () => {
  await withData(async (data) => {
    const r = await ask([
      "--data",
      data,
      "--now",
      NOW,
      "--tz",
      TZ,
      "How many calls were made today?",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^> How many calls were made today\?/m);
    assert.match(r.stdout, /model calls/);
  });
});

Deno.test("ask exits 2 with a message when it cannot run", async () => {
  const bad = await ask(["--no-such-option", "hi"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Unknown option/);
  const missing = await ask(["--data", "/nonexistent/dir", "hi"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Cannot load "\/nonexistent\/dir"/);
  const tz = await ask(["--tz", "Nowhere/City", "hi"]);
  assert.equal(tz.code, 2);
  assert.match(tz.stderr, /Invalid --tz/);
  const none = await ask([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /No question given/);
});
