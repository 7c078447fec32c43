import assert from "node:assert/strict";
import { AgentError } from "./errors.ts";
import type { AgentEvent } from "./events.ts";
import { MemoryStore } from "./memory_store.ts";
import { createScriptedProvider, type Script, type ScriptedStep } from "./scripted_provider.ts";
import { fakeCatalog, fakeDataClient } from "./test_doubles.ts";
import { runTurn, type TurnDeps } from "./turn.ts";
import type { ModelRequest } from "./types.ts";
import { parseToolResult } from "./envelope.ts";

const NOW = new Date("2026-11-24T09:00:00Z");

async function setup(steps: Script[], config: Partial<TurnDeps["config"]> = {}) {
  const store = new MemoryStore({ now: () => NOW });
  const provider = createScriptedProvider(steps);
  const conv = await store.createConversation("u1", "Test");
  const deps: TurnDeps = {
    provider,
    client: fakeDataClient(),
    conversations: store,
    reports: store,
    catalog: fakeCatalog(),
    config: {
      tz: "Asia/Kolkata",
      now: () => NOW,
      maxToolRounds: 4,
      contextTokenBudget: 6000,
      ...config,
    },
  };
  const turn = async (question: string, signal = new AbortController().signal) => {
    const events: AgentEvent[] = [];
    const outcome = await runTurn({
      question,
      owner: "u1",
      conversationId: conv.id,
      deps,
      signal,
      emit: (e) => {
        events.push(e);
      },
    });
    return { outcome, events };
  };
  return { store, provider, conv, deps, turn };
}

/** A supervisor step that routes to the data agent with `question`. */
const route = (question: string): ScriptedStep => ({
  tool_calls: [{ name: "ask_data_agent", arguments: { question } }],
});
const hasTool = (req: ModelRequest, name: string) => req.tools.some((t) => t.name === name);

Deno.test("runTurn routes a data question and passes the data agent's answer through", async () => {
  const { turn, store, conv, provider } = await setup([
    (req) => {
      assert.ok(hasTool(req, "ask_data_agent"));
      assert.match((req.messages[0] as { content: string }).content, /Asia\/Kolkata/);
      assert.match((req.messages[0] as { content: string }).content, /24 November 2026, 14:30/);
      return route("How many calls were made today?");
    },
    (req) => {
      assert.ok(hasTool(req, "run_report"));
      assert.equal(req.messages.at(-1)?.role, "user");
      return {
        tool_calls: [{
          name: "run_report",
          arguments: { name: "call_count", params: { period: "today" } },
        }],
      };
    },
    { text: "**468 calls** were made today." },
  ]);
  const { outcome, events } = await turn("How many calls were made today?");
  assert.equal(outcome.error, null);
  assert.equal(outcome.answer, "**468 calls** were made today.");
  assert.equal(outcome.usage.model_calls, 3);
  assert.equal(provider.requests.length, 3);
  assert.equal(events[0].type, "turn_started");
  assert.equal(events.at(-1)?.type, "final");
  const types = events.map((e) => e.type);
  for (const t of ["step", "tool_start", "tool_end", "table", "text"]) {
    assert.ok(types.includes(t as never), t);
  }
  const text = events.filter((e) => e.type === "text").map((e) => (e as { delta: string }).delta)
    .join("");
  assert.equal(text, outcome.answer);
  const messages = await store.listMessages("u1", conv.id);
  assert.equal(messages.length, 2);
  assert.equal(messages[0].content, "How many calls were made today?");
  assert.equal(messages[1].content, outcome.answer);
  assert.deepEqual(messages[1].context, {
    question: "How many calls were made today?",
    report: { name: "call_count", params: { period: "today" } },
  });
  assert.equal(messages[1].tables?.[0].rows[0][0], 468);
});

Deno.test("runTurn: a follow-up sees the previous turn's context", async () => {
  const { turn } = await setup([
    route("How many incoming calls yesterday?"),
    {
      tool_calls: [{
        name: "run_report",
        arguments: { name: "call_count", params: { period: "yesterday", direction: "incoming" } },
      }],
    },
    { text: "There were 300 incoming calls yesterday." },
    (req) => {
      const prev = req.memory?.findLast((m) => m.role === "assistant");
      assert.deepEqual(prev?.context?.report, {
        name: "call_count",
        params: { period: "yesterday", direction: "incoming" },
      });
      const history = req.messages.map((m) => "content" in m ? m.content ?? "" : "").join("\n");
      assert.match(history, /How many incoming calls yesterday\?/);
      assert.match(history, /300 incoming calls yesterday/);
      assert.match(history, /report call_count/);
      return route("How many outgoing calls yesterday?");
    },
    (req) => {
      assert.equal(req.memory?.length, 2);
      return {
        tool_calls: [{
          name: "run_report",
          arguments: { name: "call_count", params: { period: "yesterday", direction: "outgoing" } },
        }],
      };
    },
    { text: "There were 335 outgoing calls yesterday." },
  ]);
  await turn("How many incoming calls yesterday?");
  const { outcome } = await turn("And outgoing?");
  assert.equal(outcome.error, null);
  assert.equal(outcome.answer, "There were 335 outgoing calls yesterday.");
});

Deno.test("runTurn summarises a conversation past its token budget", async () => {
  let supervisorMessages: ModelRequest["messages"] = [];
  const { turn, store, conv } = await setup([
    (req) => {
      supervisorMessages = req.messages;
      return { text: "Hello again." };
    },
  ], { contextTokenBudget: 500 });
  for (let i = 0; i < 10; i++) {
    await store.appendMessage("u1", conv.id, { role: "user", content: `Question number ${i}?` });
    await store.appendMessage("u1", conv.id, {
      role: "assistant",
      content: `Answer ${i}: there were ${100 + i} calls. ${"More detail. ".repeat(40)}`,
      context: { question: `Standalone question ${i}` },
    });
  }
  const { outcome } = await turn("Hi");
  assert.equal(outcome.answer, "Hello again.");
  const summary = await store.getSummary("u1", conv.id);
  assert.ok(summary);
  assert.equal(summary.covers, 16);
  assert.match(summary.text, /Question number 7/);
  assert.match(summary.text, /107 calls/);
  // system prompt, summary, the last 4 messages verbatim, the question
  assert.equal(supervisorMessages.length, 7);
  assert.equal(supervisorMessages[1].role, "system");
  assert.match(
    (supervisorMessages[1] as { content: string }).content,
    /Earlier in this conversation/,
  );
  assert.match((supervisorMessages[2] as { content: string }).content, /Question number 8/);
  assert.equal(supervisorMessages.at(-1)?.role, "user");
});

Deno.test("runTurn: a failed turn keeps the conversation and reports the error", async () => {
  const { turn, store, conv } = await setup([
    { error: new AgentError("quota_exceeded", "The model provider's quota is used up") },
  ]);
  await store.appendMessage("u1", conv.id, { role: "user", content: "Earlier question" });
  await store.appendMessage("u1", conv.id, { role: "assistant", content: "Earlier answer" });
  const { outcome, events } = await turn("How many calls today?");
  assert.deepEqual(outcome.error, {
    code: "quota_exceeded",
    message: "The model provider's quota is used up",
  });
  const last = events.at(-1) as Extract<AgentEvent, { type: "error" }>;
  assert.equal(last.type, "error");
  assert.equal(last.code, "quota_exceeded");
  const messages = await store.listMessages("u1", conv.id);
  assert.deepEqual(messages.map((m) => m.content).slice(0, 3), [
    "Earlier question",
    "Earlier answer",
    "How many calls today?",
  ]);
  assert.equal(messages.length, 4);
  assert.match(messages[3].content, /quota is used up/);
});

Deno.test("runTurn: cancellation ends with cancelled and keeps the question", async () => {
  const ctl = new AbortController();
  const { turn, store, conv } = await setup([
    route("How many calls today?"),
    { hang: true },
  ]);
  setTimeout(() => ctl.abort(), 20);
  const { outcome, events } = await turn("How many calls today?", ctl.signal);
  assert.equal(outcome.error?.code, "cancelled");
  assert.equal(events.at(-1)?.type, "error");
  const messages = await store.listMessages("u1", conv.id);
  assert.equal(messages[0].content, "How many calls today?");
});

Deno.test("runTurn: small talk costs one model call", async () => {
  const { turn, store, conv } = await setup([{ text: "Hello! Ask me about calls." }]);
  const { outcome } = await turn("Hello");
  assert.equal(outcome.usage.model_calls, 1);
  const messages = await store.listMessages("u1", conv.id);
  assert.equal(messages[1].context, undefined);
});

Deno.test("runTurn: a data agent failure goes back to the supervisor, which answers", async () => {
  const loop: Script = { tool_calls: [{ name: "list_reports" }] };
  const { turn } = await setup([
    route("Anything?"),
    loop,
    loop,
    (req) => {
      const tool = req.messages.findLast((m) => m.role === "tool") as { content: string };
      const parsed = parseToolResult(tool.content);
      assert.equal(parsed?.ok, false);
      assert.match(String(parsed?.error), /more than 1 rounds/);
      return { text: "Sorry, I could not work that out." };
    },
  ], { maxToolRounds: 1 });
  const { outcome } = await turn("Anything?");
  assert.equal(outcome.error, null);
  assert.equal(outcome.answer, "Sorry, I could not work that out.");
  assert.equal(outcome.usage.model_calls, 4);
});
