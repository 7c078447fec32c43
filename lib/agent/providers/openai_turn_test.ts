import assert from "node:assert/strict";
import { parseToolResult } from "../envelope.ts";
import type { AgentEvent } from "../events.ts";
import { MemoryStore } from "../memory_store.ts";
import { fakeCatalog, fakeDataClient } from "../../../testing/agent_doubles.ts";
import { runTurn } from "../turn.ts";
import {
  chunk,
  type MockReply,
  mockServer,
  textReply,
  usageChunk,
} from "../../../testing/mock_openai.ts";
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
    assert.deepEqual(toolNames(seen[0]), ["ask_data_agent", "decline_request"]);
    assert.equal(toolNames(seen[1]).at(-1), "ask_user_to_clarify");
    assert.equal(outcome.outcome, "answered");
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

/** Runs one turn through the OpenAI provider against a mock server answering `replies`. */
async function mockTurn(
  question: string,
  replies: (MockReply | ((body: Record<string, unknown>) => MockReply))[],
  catalog = fakeCatalog(),
) {
  const mock = mockServer(replies);
  try {
    const store = new MemoryStore();
    const conv = await store.createConversation("u1", "t");
    const events: AgentEvent[] = [];
    const outcome = await runTurn({
      question,
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
        catalog,
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
    return { outcome, events, bodies: mock.bodies as Body[] };
  } finally {
    await mock.close();
  }
}

const lastTool = (b: Body) =>
  parseToolResult(String(b.messages.findLast((m) => m.role === "tool")!.content))!;

Deno.test("security: read-only: OpenAI turn: a delete request is refused in one line, no data agent", async () => {
  const catalog = fakeCatalog();
  const { outcome, events, bodies } = await mockTurn("Delete yesterday's missed calls", [
    toolCall("s1", "decline_request", {
      reason: "I can only read call data; I cannot delete calls.",
    }),
    textReply("I can only read call data, so I cannot delete calls; ask me about them instead."),
  ], catalog);
  assert.equal(outcome.error, null);
  assert.equal(outcome.outcome, "refused");
  assert.equal(outcome.interpretation, null);
  assert.equal(
    outcome.answer,
    "I can only read call data, so I cannot delete calls; ask me about them instead.",
  );
  assert.equal(bodies.length, 2);
  assert.deepEqual(toolNames(bodies[0]), ["ask_data_agent", "decline_request"]);
  assert.equal(lastTool(bodies[1]).declined, true);
  assert.deepEqual(
    events.filter((e) => e.type === "tool_start").map((e) => (e as { tool: string }).tool),
    ["decline_request"],
  );
  const final = events.at(-1) as Extract<AgentEvent, { type: "final" }>;
  assert.equal(final.outcome, "refused");
  assert.equal(final.interpretation, null);
  assert.equal(catalog.runs.length, 0);
});

Deno.test("OpenAI turn: an unknown agent ends clarified with its unplaced word", async () => {
  const catalog = fakeCatalog({ agents: ["anita", "priya"] });
  const { outcome, events, bodies } = await mockTurn(
    "How many calls did agent zorro handle today?",
    [
      toolCall("s1", "ask_data_agent", {
        question: "How many calls did agent zorro handle today?",
      }),
      toolCall("d1", "run_report", {
        name: "call_count",
        params: { period: "today", agent: "zorro" },
      }),
      (b) => {
        assert.match(String(lastTool(b as Body).error), /No agent named\W+zorro/i);
        return toolCall("d2", "ask_user_to_clarify", {
          reason: "No agent is named zorro.",
          unplaced: ["zorro"],
          suggestions: ["anita", "priya"],
        });
      },
      textReply("No agent is named **zorro**. Did you mean anita or priya?"),
    ],
    catalog,
  );
  assert.equal(outcome.error, null);
  assert.equal(outcome.outcome, "clarified");
  assert.equal(outcome.answer, "No agent is named **zorro**. Did you mean anita or priya?");
  assert.equal(outcome.usage.model_calls, 4);
  assert.ok(toolNames(bodies[1]).includes("ask_user_to_clarify"));
  assert.match(String(bodies[1].messages[0].content), /ask_user_to_clarify/);
  assert.deepEqual(lastTool(bodies[3]).suggestions, ["anita", "priya"]);
  const declared = events.filter((e) => e.type === "outcome") as Extract<
    AgentEvent,
    { type: "outcome" }
  >[];
  assert.equal(declared.at(-1)?.outcome, "clarified");
  assert.deepEqual(declared.at(-1)?.unplaced, ["zorro"]);
  assert.equal((events.at(-1) as Extract<AgentEvent, { type: "final" }>).outcome, "clarified");
  assert.equal(events.some((e) => e.type === "table"), false);
});
