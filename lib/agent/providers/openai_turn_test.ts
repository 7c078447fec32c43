import assert from "node:assert/strict";
import { parseToolResult } from "../envelope.ts";
import type { AgentEvent } from "../events.ts";
import { MemoryStore } from "../memory_store.ts";
import { fakeCatalog, fakeDataClient } from "../test_doubles.ts";
import { runTurn } from "../turn.ts";
import { chunk, mockServer, textReply, usageChunk } from "./mock_openai.ts";
import { createOpenAIProvider } from "./openai.ts";

type Body = {
  messages: { role: string; content: string | null }[];
  tools?: { function: { name: string } }[];
};
const toolNames = (b: Body) => (b.tools ?? []).map((t) => t.function.name);
const toolCall = (id: string, name: string, args: unknown) => ({
  sse: [
    chunk({
      role: "assistant",
      tool_calls: [{
        index: 0,
        id,
        type: "function",
        function: { name, arguments: JSON.stringify(args) },
      }],
    }),
    chunk({}, "tool_calls"),
    usageChunk(1000, 20),
  ],
});

Deno.test("a turn over the OpenAI provider: supervisor, data agent, preview-only results", async () => {
  const seen: Body[] = [];
  const mock = mockServer([
    (b) => {
      seen.push(b as Body);
      return toolCall("s1", "ask_data_agent", { question: "List calls last week" });
    },
    (b) => {
      seen.push(b as Body);
      return toolCall("d1", "run_report", { name: "call_list", params: { period: "last week" } });
    },
    (b) => {
      seen.push(b as Body);
      return textReply("There were **5,000 calls** last week.", usageChunk(1500, 12));
    },
  ]);
  try {
    const store = new MemoryStore();
    const conv = await store.createConversation("u1", "t");
    const events: AgentEvent[] = [];
    const outcome = await runTurn({
      question: "List calls last week",
      owner: "u1",
      conversationId: conv.id,
      deps: {
        provider: createOpenAIProvider({
          apiKey: "sk-test",
          baseUrl: mock.baseUrl,
          model: "m",
          retryBaseMs: 1,
        }),
        client: fakeDataClient(),
        conversations: store,
        reports: store,
        catalog: fakeCatalog({ listingRows: 5000 }),
        config: {
          tz: "Asia/Kolkata",
          now: () => new Date("2026-11-24T09:00:00Z"),
          maxToolRounds: 4,
          contextTokenBudget: 6000,
        },
      },
      signal: new AbortController().signal,
      emit: (e) => {
        events.push(e);
      },
    });
    assert.equal(outcome.error, null);
    assert.equal(outcome.answer, "There were **5,000 calls** last week.");
    assert.deepEqual(outcome.usage, { model_calls: 3, input_tokens: 3500, output_tokens: 52 });
    assert.deepEqual(toolNames(seen[0]), ["ask_data_agent"]);
    assert.ok(toolNames(seen[1]).includes("run_report"));
    assert.match(String(seen[1].messages[0].content), /Asia\/Kolkata \(UTC\+05:30\)/);
    assert.equal(seen[1].messages[1].content, "List calls last week");
    const tool = seen[2].messages.find((m) => m.role === "tool")!;
    const result = parseToolResult(String(tool.content))!;
    assert.equal((result.rows as unknown[]).length, 10);
    assert.equal(result.total_rows, 5000);
    const table = events.find((e) => e.type === "table") as Extract<AgentEvent, { type: "table" }>;
    assert.equal(table.total_rows, 5000);
    assert.equal(events.at(-1)?.type, "final");
  } finally {
    await mock.close();
  }
});
