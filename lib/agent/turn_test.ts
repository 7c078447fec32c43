import assert from "node:assert/strict";
import { AgentError } from "./errors.ts";
import type { AgentEvent } from "./events.ts";
import { MemoryStore } from "./memory_store.ts";
import {
  createScriptedProvider,
  type Script,
  type ScriptedStep,
} from "../../testing/scripted_provider.ts";
import { fakeCatalog, fakeDataClient } from "../../testing/agent_doubles.ts";
import { runTurn, type TurnDeps } from "./turn.ts";
import type { ModelRequest } from "./types.ts";
import { parseToolResult } from "./envelope.ts";

type Ev<T extends AgentEvent["type"]> = Extract<AgentEvent, { type: T }>;
const ofType = <T extends AgentEvent["type"]>(events: AgentEvent[], type: T): Ev<T>[] =>
  events.filter((e): e is Ev<T> => e.type === type);
/** The last tool result the model was sent, parsed. */
const lastToolResult = (req: ModelRequest) => {
  const m = req.messages.findLast((m) => m.role === "tool") as { content: string };
  return parseToolResult(m.content)!;
};

const NOW = new Date("2026-11-24T09:00:00Z");

async function setup(
  steps: Script[],
  config: Partial<TurnDeps["config"]> = {},
  catalog = fakeCatalog(),
) {
  const store = new MemoryStore({ now: () => NOW });
  const provider = createScriptedProvider(steps);
  const conv = await store.createConversation("u1", "Test");
  const deps: TurnDeps = {
    provider,
    client: fakeDataClient(),
    conversations: store,
    reports: store,
    catalog,
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
  assert.equal(outcome.outcome, "answered");
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

Deno.test("security: faults: runTurn: a failed turn keeps the conversation and reports the error", async () => {
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

Deno.test("security: streams: runTurn: cancellation ends with cancelled and keeps the question", async () => {
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

Deno.test("security: read-only: runTurn: a write request is declined in one line, with no data tool", async () => {
  const catalog = fakeCatalog();
  const { turn, provider, store, conv } = await setup(
    [
      (req) => {
        assert.deepEqual(req.tools.map((t) => t.name), ["ask_data_agent", "decline_request"]);
        assert.match((req.messages[0] as { content: string }).content, /decline_request/);
        return {
          tool_calls: [{
            name: "decline_request",
            arguments: { reason: "I can only read call data; I cannot delete calls." },
          }],
        };
      },
      (req) => {
        const result = lastToolResult(req);
        assert.equal(result.ok, true);
        assert.equal(result.declined, true);
        assert.match(String(result.next_step), /one line/);
        return {
          text:
            "I can only read call data, so I cannot delete calls; ask me about calls, agents or queues.",
        };
      },
    ],
    {},
    catalog,
  );
  const { outcome, events } = await turn("Delete yesterday's missed calls");
  assert.equal(outcome.error, null);
  assert.equal(outcome.outcome, "refused");
  assert.equal(outcome.interpretation, null);
  assert.match(outcome.answer, /cannot delete calls/);
  assert.equal(outcome.usage.model_calls, 2);
  assert.equal(provider.requests.length, 2);
  assert.deepEqual(ofType(events, "tool_start").map((e) => e.tool), ["decline_request"]);
  assert.deepEqual(ofType(events, "outcome"), [{
    type: "outcome",
    outcome: "refused",
    reason: "I can only read call data; I cannot delete calls.",
  }]);
  const final = events.at(-1) as Ev<"final">;
  assert.equal(final.outcome, "refused");
  assert.equal(final.interpretation, null);
  assert.equal(catalog.runs.length, 0);
  const messages = await store.listMessages("u1", conv.id);
  assert.equal(messages[1].context, undefined);
});

Deno.test("runTurn: a decline written with its answer costs one model call", async () => {
  const { turn } = await setup([{
    text: "I only answer questions about the call data, not the weather.",
    tool_calls: [{ name: "decline_request", arguments: { reason: "Off topic: weather." } }],
  }]);
  const { outcome } = await turn("What's the weather in Pune?");
  assert.equal(outcome.outcome, "refused");
  assert.equal(outcome.usage.model_calls, 1);
  assert.equal(outcome.answer, "I only answer questions about the call data, not the weather.");
});

Deno.test("runTurn: after a decline the data agent is not asked", async () => {
  const catalog = fakeCatalog();
  const { turn } = await setup(
    [
      { tool_calls: [{ name: "decline_request", arguments: { reason: "No writes." } }] },
      route("Delete yesterday's missed calls"),
      (req) => {
        const result = lastToolResult(req);
        assert.equal(result.ok, false);
        assert.match(String(result.error), /declined/);
        return { text: "I cannot delete calls; I only read them." };
      },
    ],
    {},
    catalog,
  );
  const { outcome, events } = await turn("Delete yesterday's missed calls");
  assert.equal(outcome.outcome, "refused");
  assert.equal(outcome.interpretation, null);
  assert.equal(ofType(events, "step").length, 0);
  assert.equal(catalog.runs.length, 0);
});

Deno.test("runTurn: a decline with no answer text falls back to its reason", async () => {
  const { turn } = await setup([
    { tool_calls: [{ name: "decline_request", arguments: { reason: "I cannot send SMS." } }] },
    { text: "" },
  ]);
  const { outcome } = await turn("Text all customers who called today");
  assert.equal(outcome.outcome, "refused");
  assert.equal(outcome.answer, "I cannot send SMS.");
});

Deno.test("runTurn: an unknown agent is asked back about, not answered", async () => {
  const catalog = fakeCatalog();
  const { turn, provider } = await setup(
    [
      route("How many calls did agent zorro handle today?"),
      (req) => {
        const names = req.tools.map((t) => t.name);
        assert.ok(names.includes("run_report"));
        assert.equal(names.at(-1), "ask_user_to_clarify");
        assert.match((req.messages[0] as { content: string }).content, /ask_user_to_clarify/);
        return {
          tool_calls: [{
            name: "ask_user_to_clarify",
            arguments: {
              reason: "No agent is named zorro.",
              unplaced: ["zorro"],
              suggestions: ["priya", "anita"],
            },
          }],
        };
      },
      (req) => {
        const result = lastToolResult(req);
        assert.equal(result.clarifying, true);
        assert.deepEqual(result.unplaced, ["zorro"]);
        assert.deepEqual(result.suggestions, ["priya", "anita"]);
        return {
          text:
            "I found no agent named **zorro**. Did you mean priya or anita? I can count calls for any agent.",
        };
      },
    ],
    {},
    catalog,
  );
  const { outcome, events } = await turn("How many calls did agent zorro handle today?");
  assert.equal(outcome.error, null);
  assert.equal(outcome.outcome, "clarified");
  assert.equal(outcome.interpretation, null);
  assert.match(outcome.answer, /no agent named \*\*zorro\*\*/);
  assert.equal(provider.requests.length, 3);
  assert.deepEqual(ofType(events, "outcome"), [{
    type: "outcome",
    outcome: "clarified",
    reason: "No agent is named zorro.",
    unplaced: ["zorro"],
  }]);
  assert.equal((events.at(-1) as Ev<"final">).outcome, "clarified");
  assert.equal(catalog.runs.length, 0);
});

Deno.test("runTurn: after asking back the data agent runs no report", async () => {
  const catalog = fakeCatalog();
  const { turn } = await setup(
    [
      route("What was our CSAT last week?"),
      {
        tool_calls: [{
          name: "ask_user_to_clarify",
          arguments: { reason: "The data holds no CSAT.", unplaced: ["CSAT"] },
        }],
      },
      { tool_calls: [{ name: "run_report", arguments: { name: "call_count" } }] },
      (req) => {
        const result = lastToolResult(req);
        assert.equal(result.ok, false);
        assert.match(String(result.error), /asked the user about CSAT/);
        return { text: "The call data holds no CSAT scores. I can give call counts or AHT." };
      },
    ],
    {},
    catalog,
  );
  const { outcome } = await turn("What was our CSAT last week?");
  assert.equal(outcome.outcome, "clarified");
  assert.equal(catalog.runs.length, 0);
});

Deno.test("runTurn: ask_user_to_clarify without unplaced words is sent back to the model", async () => {
  const { turn } = await setup([
    route("Calls for the team?"),
    { tool_calls: [{ name: "ask_user_to_clarify", arguments: { reason: "Which team?" } }] },
    (req) => {
      const result = lastToolResult(req);
      assert.equal(result.ok, false);
      assert.match(String(result.error), /Missing unplaced/);
      return {
        tool_calls: [{
          name: "ask_user_to_clarify",
          arguments: { reason: "Which team?", unplaced: ["the team"] },
        }],
      };
    },
    { text: "Which team do you mean? I know queues billing and support." },
  ]);
  const { outcome, events } = await turn("Calls for the team?");
  assert.equal(outcome.outcome, "clarified");
  assert.deepEqual(ofType(events, "outcome").map((e) => e.unplaced), [["the team"]]);
});

Deno.test("runTurn: run_report on an unknown agent ends the turn clarified", async () => {
  const catalog = fakeCatalog({ agents: ["anita", "priya"] });
  const { turn } = await setup(
    [
      route("How many calls did agent zorro handle today?"),
      {
        tool_calls: [{
          name: "run_report",
          arguments: { name: "call_count", params: { period: "today", agent: "zorro" } },
        }],
      },
      (req) => {
        const result = lastToolResult(req);
        assert.equal(result.ok, false);
        assert.match(String(result.error), /No agent named\W+zorro/i);
        return {
          tool_calls: [{
            name: "ask_user_to_clarify",
            arguments: {
              reason: "No agent is named zorro.",
              unplaced: ["zorro"],
              suggestions: ["anita", "priya"],
            },
          }],
        };
      },
      { text: "No agent is named zorro; the agents are anita and priya. Which one?" },
    ],
    {},
    catalog,
  );
  const { outcome, events } = await turn("How many calls did agent zorro handle today?");
  assert.equal(outcome.error, null);
  assert.equal(outcome.outcome, "clarified");
  const ends = ofType(events, "tool_end");
  assert.deepEqual(ends.map((e) => [e.tool, e.ok]), [
    ["run_report", false],
    ["ask_user_to_clarify", true],
    ["ask_data_agent", true],
  ]);
  assert.ok(ofType(events, "outcome").some((e) => e.unplaced?.includes("zorro")));
  assert.equal(ofType(events, "table").length, 0);
});

Deno.test("runTurn: a new question after a clarified turn gets its own outcome and answer", async () => {
  const { turn } = await setup([
    route("How many calls did agent zorro handle today?"),
    {
      tool_calls: [{
        name: "ask_user_to_clarify",
        arguments: { reason: "No agent is named zorro.", unplaced: ["zorro"] },
      }],
    },
    { text: "No agent is named zorro." },
    route("How many calls were made today?"),
    { tool_calls: [{ name: "run_report", arguments: { name: "call_count" } }] },
    { text: "**468 calls** were made today." },
  ]);
  assert.equal(
    (await turn("How many calls did agent zorro handle today?")).outcome.outcome,
    "clarified",
  );
  const { outcome } = await turn("How many calls were made today?");
  assert.equal(outcome.outcome, "answered");
  assert.equal(outcome.answer, "**468 calls** were made today.");
});

Deno.test("runTurn: a question asked back is stored with its outcome, reading and partial question", async () => {
  const partial = {
    metric: "call_count",
    metric_label: "Call count",
    period: null,
    filters: { status: "answered" },
    group_by: null,
    unplaced: ["jonathan"],
  };
  const { turn, store, conv } = await setup([
    {
      text: "There is no agent named jonathan. Which agent did you mean?",
      outcome: {
        outcome: "clarified",
        reason: "No agent named jonathan",
        unplaced: ["jonathan"],
        interpretation: partial,
        question: "How many answered calls?",
      },
    },
  ]);
  const { outcome, events } = await turn("how many calls did agent jonathan handle?");
  assert.equal(outcome.outcome, "clarified");
  assert.deepEqual(outcome.interpretation, partial);
  const final = ofType(events, "final")[0];
  assert.equal(final.outcome, "clarified");
  const saved = (await store.listMessages("u1", conv.id)).at(-1)!;
  assert.equal(saved.outcome, "clarified");
  assert.deepEqual(saved.interpretation, partial);
  assert.deepEqual(saved.context, { question: "How many answered calls?" });
});
