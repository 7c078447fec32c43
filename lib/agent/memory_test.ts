import assert from "node:assert/strict";
import { extractiveSummary, historyMessages, prepareMemory } from "./memory.ts";
import { MemoryStore } from "./memory_store.ts";
import type { MemoryMessage } from "./types.ts";

function pairs(n: number, size = 400): MemoryMessage[] {
  return Array.from({ length: n }, (_, i) => [
    { role: "user" as const, content: `Question ${i}?` },
    {
      role: "assistant" as const,
      content: `Answer ${i}. ${"x".repeat(size)}`,
      context: {
        question: `Standalone ${i}`,
        report: { name: "call_count", params: { period: "today" } },
      },
    },
  ]).flat();
}

Deno.test("prepareMemory keeps a short conversation verbatim", async () => {
  const store = new MemoryStore();
  const c = await store.createConversation("u", "t");
  for (const m of pairs(2, 10)) await store.appendMessage("u", c.id, m);
  const mem = await prepareMemory({
    conversations: store,
    owner: "u",
    conversationId: c.id,
    budget: 6000,
  });
  assert.equal(mem.summary, null);
  assert.equal(mem.recent.length, 4);
  assert.equal(mem.summarised, false);
  assert.equal(await store.getSummary("u", c.id), null);
});

Deno.test("prepareMemory summarises past the budget and reuses the stored summary", async () => {
  const store = new MemoryStore();
  const c = await store.createConversation("u", "t");
  for (const m of pairs(6)) await store.appendMessage("u", c.id, m);
  const opts = { conversations: store, owner: "u", conversationId: c.id, budget: 500 };
  const first = await prepareMemory(opts);
  assert.equal(first.summarised, true);
  assert.equal(first.recent.length, 4);
  assert.equal(first.recent[0].role, "user");
  assert.equal((await store.getSummary("u", c.id))?.covers, 8);
  assert.match(first.summary!, /Question 0\?/);
  assert.match(first.summary!, /report call_count/);
  const again = await prepareMemory({ ...opts, budget: 100_000 });
  assert.equal(again.summarised, false);
  assert.equal(again.summary, first.summary);
  assert.equal(again.recent.length, 4);
  assert.equal(again.all.length, 12);
});

Deno.test("extractiveSummary keeps the newest lines within half the budget", () => {
  const text = extractiveSummary(null, pairs(40, 50), 400);
  assert.ok(text.length / 4 <= 200 + 50);
  assert.match(text, /Question 39\?/);
  assert.doesNotMatch(text, /Question 0\?/);
});

Deno.test("historyMessages puts the summary first and the context after answers", () => {
  const msgs = historyMessages({ summary: "Earlier: stuff", recent: pairs(1, 5) });
  assert.equal(msgs[0].role, "system");
  assert.equal(msgs[1].role, "user");
  assert.match(
    String(msgs[2].role === "assistant" && msgs[2].content),
    /\[context: question "Standalone 0"/,
  );
});
