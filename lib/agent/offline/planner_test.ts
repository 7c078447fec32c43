import assert from "node:assert/strict";
import { wrapToolResult } from "../envelope.ts";
import { emptyUsage, runAgent, type ToolExecutor } from "../loop.ts";
import type { AgentEvent } from "../events.ts";
import type { ChatMessage, ModelRequest, ToolDefinition } from "../types.ts";
import { createOfflineProvider } from "./planner.ts";
import { DATA_A, fixtureClient } from "../../../testing/offline_fixture.ts";
import { createVocabularyCache, vocabularyFor } from "./vocabulary.ts";

const NOW = new Date("2026-11-24T09:00:00Z");
const SUPERVISOR_TOOLS: ToolDefinition[] = [
  { name: "ask_data_agent", description: "", parameters: {} },
];
const DATA_TOOLS: ToolDefinition[] = ["run_report", "make_excel_report", "find", "aggregate"].map(
  (name) => ({ name, description: "", parameters: {} }),
);

function provider() {
  return createOfflineProvider({
    tz: "Asia/Kolkata",
    now: () => NOW,
    client: fixtureClient(DATA_A),
  });
}

function request(
  messages: ChatMessage[],
  tools: ToolDefinition[],
  extra: Partial<ModelRequest> = {},
) {
  return { messages, tools, signal: new AbortController().signal, ...extra };
}

Deno.test("the provider is named offline", () => {
  assert.equal(provider().name, "offline");
});

Deno.test("supervisor: a data question becomes one ask_data_agent call, no text", async () => {
  const texts: string[] = [];
  const res = await provider().complete(request(
    [{ role: "system", content: "…" }, {
      role: "user",
      content: "How many calls did agent aditya handle?",
    }],
    SUPERVISOR_TOOLS,
    { onText: (d) => texts.push(d) },
  ));
  assert.equal(res.message.content, null);
  assert.equal(res.message.tool_calls?.length, 1);
  const call = res.message.tool_calls![0];
  assert.equal(call.name, "ask_data_agent");
  assert.deepEqual(JSON.parse(call.arguments), {
    question: "How many answered calls for agent aditya?",
  });
  assert.deepEqual(texts, []);
});

Deno.test("supervisor: a greeting is answered directly and streamed", async () => {
  const texts: string[] = [];
  const res = await provider().complete(request(
    [{ role: "user", content: "hi" }],
    SUPERVISOR_TOOLS,
    { onText: (d) => texts.push(d) },
  ));
  assert.equal(res.message.tool_calls, undefined);
  assert.match(res.message.content ?? "", /^Hello!/);
  assert.equal(texts.join(""), res.message.content);
});

Deno.test("supervisor: a follow-up is resolved from memory", async () => {
  const res = await provider().complete(request(
    [{ role: "user", content: "And outgoing?" }],
    SUPERVISOR_TOOLS,
    {
      memory: [
        { role: "user", content: "How many incoming calls yesterday?" },
        {
          role: "assistant",
          content: "**515** incoming calls yesterday.",
          context: {
            question: "How many incoming calls yesterday?",
            report: { name: "call_count", params: { period: "yesterday", direction: "incoming" } },
          },
        },
      ],
    },
  ));
  assert.deepEqual(JSON.parse(res.message.tool_calls![0].arguments), {
    question: "How many outgoing calls yesterday?",
  });
});

Deno.test("supervisor: a failed data agent is reported after its tool result", async () => {
  const texts: string[] = [];
  const res = await provider().complete(request(
    [
      { role: "user", content: "How many calls today?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c1", name: "ask_data_agent", arguments: "{}" }],
      },
      {
        role: "tool",
        tool_call_id: "c1",
        content: JSON.stringify({
          tool: "ask_data_agent",
          ok: false,
          error: "Database unreachable",
        }),
      },
    ],
    SUPERVISOR_TOOLS,
    { onText: (d) => texts.push(d) },
  ));
  assert.match(res.message.content ?? "", /Database unreachable/);
  assert.equal(texts.join(""), res.message.content);
});

Deno.test("data agent: plans catalog calls, in parallel for an Excel request", async () => {
  const res = await provider().complete(request(
    [{ role: "system", content: "…" }, {
      role: "user",
      content: "Export missed calls yesterday to Excel",
    }],
    DATA_TOOLS,
  ));
  const calls = res.message.tool_calls!.map((c) => ({
    name: c.name,
    args: JSON.parse(c.arguments),
  }));
  assert.deepEqual(calls, [
    {
      name: "make_excel_report",
      args: { name: "call_list", params: { period: "yesterday", status: "missed" } },
    },
    {
      name: "run_report",
      args: { name: "call_count", params: { period: "yesterday", status: "missed" } },
    },
  ]);
  assert.notEqual(res.message.tool_calls![0].id, res.message.tool_calls![1].id);
});

Deno.test("data agent: writes and streams the answer from the tool results", async () => {
  const texts: string[] = [];
  const result = {
    report: "call_count",
    title: "Number of calls",
    period: "yesterday (23 Nov 2026)",
    filters: ["direction: outgoing"],
    summary: { calls: 335, incoming: 0, outgoing: 335, answered: 180, missed: 0, failed: 20 },
    columns: ["calls (integer)"],
    rows: [[335]],
    total_rows: 1,
  };
  const res = await provider().complete(request(
    [
      { role: "system", content: "…" },
      { role: "user", content: "How many outgoing calls yesterday?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{
          id: "r1",
          name: "run_report",
          arguments: '{"name":"call_count","params":{}}',
        }],
      },
      { role: "tool", tool_call_id: "r1", content: wrapToolResult("run_report", result) },
    ],
    DATA_TOOLS,
    { onText: (d) => texts.push(d) },
  ));
  assert.equal(res.message.tool_calls, undefined);
  assert.match(
    res.message.content ?? "",
    /^\*\*335\*\* outgoing calls yesterday \(23 Nov 2026\)\./,
  );
  assert.equal(texts.join(""), res.message.content);
});

Deno.test("data agent: an unreadable question gets suggestions instead of tool calls", async () => {
  const res = await provider().complete(request(
    [{ role: "user", content: "colorless green ideas sleep furiously" }],
    DATA_TOOLS,
  ));
  assert.equal(res.message.tool_calls, undefined);
  assert.match(res.message.content ?? "", /did not understand/);
});

Deno.test("a whole turn through the agent loop: supervisor, data agent, tools, answer", async () => {
  const p = provider();
  const events: AgentEvent[] = [];
  const answer: string[] = [];
  const usage = emptyUsage();
  const runReport: ToolExecutor = (call) => {
    assert.equal(call.name, "run_report");
    assert.deepEqual(call.args, {
      name: "call_breakdown",
      params: { period: "today", group_by: "hour" },
      // A ranking ("busiest hour") shows its table by the metric ranked.
      sort_by: "calls",
      sort_order: "desc",
    });
    return Promise.resolve({
      result: {
        report: "call_breakdown",
        period: "today (24 Nov 2026)",
        summary: {
          groups: 2,
          calls: 200,
          top_key: "11:00–12:00",
          top_calls: 108,
          bottom_key: "10:00–11:00",
          bottom_calls: 92,
        },
        columns: ["hour (string)", "calls (integer)"],
        rows: [["10:00–11:00", 92], ["11:00–12:00", 108]],
        total_rows: 2,
      },
      summary: "2 rows",
    });
  };
  const askDataAgent: ToolExecutor = async (call) => {
    const res = await runAgent({
      provider: p,
      messages: [{ role: "system", content: "data agent" }, {
        role: "user",
        content: String(call.args.question),
      }],
      tools: DATA_TOOLS,
      executeTool: runReport,
      emit: (e) => void events.push(e),
      signal: call.signal,
      maxRounds: 4,
      onText: (d) => answer.push(d),
      usage,
    });
    return { result: { answer: res.text }, summary: "answered" };
  };
  const res = await runAgent({
    provider: p,
    messages: [{ role: "user", content: "What was the busiest hour today?" }],
    tools: SUPERVISOR_TOOLS,
    executeTool: askDataAgent,
    emit: (e) => void events.push(e),
    signal: new AbortController().signal,
    maxRounds: 4,
    onText: (d) => answer.push(d),
    usage,
    endAfterTools: (runs) => runs.every((r) => r.ok),
  });
  assert.equal(res.ended, "tools");
  assert.equal(usage.model_calls, 3);
  const text = answer.join("");
  assert.match(text, /\*\*11:00–12:00\*\* with \*\*108\*\* calls/);
  assert.ok(events.some((e) => e.type === "tool_start" && e.tool === "ask_data_agent"));
});

Deno.test("the vocabulary is read once and reused; a failed read is retried", async () => {
  const client = fixtureClient(DATA_A);
  const cache = createVocabularyCache(client);
  const v1 = await cache.get();
  const n = client.stats.aggregates;
  assert.deepEqual(v1.queues, ["billing", "collections", "sales", "support"]);
  assert.ok(v1.agents.includes("aditya"));
  assert.deepEqual(v1.cities, ["Delhi", "Mumbai", "Pune"]);
  await cache.get();
  assert.equal(client.stats.aggregates, n);
  // A refresh with no newer calls reads only the address book's cities and segments.
  assert.deepEqual(await cache.refresh(), v1);
  assert.equal(client.stats.aggregates, n + 2);

  let fail = true;
  const flaky = {
    ...client,
    aggregate: (c: string, p: Record<string, unknown>[]) =>
      fail ? Promise.reject(new Error("down")) : client.aggregate(c, p),
  };
  const c2 = createVocabularyCache(flaky);
  await assert.rejects(c2.get(), /down/);
  fail = false;
  assert.ok((await c2.get()).agents.length > 0);
});

Deno.test("when the data cannot be read, cue words still name agents and queues", async () => {
  const broken = {
    ...fixtureClient(DATA_A),
    aggregate: () => Promise.reject(new Error("down")),
    find: () => Promise.reject(new Error("down")),
  };
  const p = createOfflineProvider({ tz: "Asia/Kolkata", now: () => NOW, client: broken });
  const res = await p.complete(request(
    [{ role: "user", content: "How many calls did agent zed handle in the tech queue?" }],
    DATA_TOOLS,
  ));
  assert.deepEqual(JSON.parse(res.message.tool_calls![0].arguments), {
    name: "call_count",
    params: { status: "answered", agent: "zed", queue: "tech" },
  });
});

Deno.test("vocabulary and names are read past the server's per-query cap", async () => {
  const calls = Array.from({ length: 250 }, (_, k) => ({
    agent_name: `agent${String(k).padStart(3, "0")}x`,
    queue: `queue${k % 130}`,
    direction: "incoming",
    status: "answered",
  }));
  const customers = Array.from({ length: 500 }, (_, k) => ({
    name: `Person${k} Surname${k}`,
    phone: `+1555000${String(k).padStart(4, "0")}`,
    city: `Town${k % 120}`,
  }));
  const client = fixtureClient({ calls, customers }, { maxDocuments: 100 });
  // The provider below shares this client's cache, so its look-ups are the names only.
  const v = await vocabularyFor(client).get();
  assert.equal(v.agents.length, 250);
  assert.equal(v.queues.length, 130);
  assert.equal(v.cities.length, 120);
  const p = createOfflineProvider({ tz: "UTC", now: () => NOW, client });
  const before = client.stats.finds;
  const res = await p.complete(request(
    [{ role: "user", content: "How many calls from person499 surname499 in queue129 last week?" }],
    DATA_TOOLS,
  ));
  assert.deepEqual(JSON.parse(res.message.tool_calls![0].arguments), {
    name: "call_count",
    params: { period: "last week", queue: "queue129", customer: "Person499 Surname499" },
  });
  assert.equal(client.stats.finds - before, 1, "one name look-up per question");
});

Deno.test("a report run from the chips is put in words with every filter it ran with", async () => {
  const { intentFromReport } = await import("./planner.ts");
  const { renderQuestion } = await import("./render.ts");
  const words = (name: string, params: Record<string, unknown>) =>
    renderQuestion(intentFromReport({ name, params })!);
  assert.equal(
    words("top_customers", { period: "last week", duration: { gt: 300 } }),
    "Who are the top 10 customers by number of calls lasting longer than 5 minutes last week?",
  );
  assert.equal(
    words("call_count", { period: "today", queue: ["billing", "sales"], agent: ["priya"] }),
    "How many calls in the billing or sales queues for agent priya today?",
  );
  assert.equal(
    words("call_count", { period: "yesterday", time_of_day: { from: "14:00", to: "16:00" } }),
    "How many calls between 14:00 and 16:00 yesterday?",
  );
  assert.equal(
    words("call_count", { period: "last week", time_of_day: { from: "18:00", to: "24:00" } }),
    "How many calls after 18:00 last week?",
  );
});

Deno.test("the planner and the name checks read the data's names once per client", async () => {
  const { createOfflinePlanner } = await import("./planner.ts");
  const base = fixtureClient(DATA_A);
  let agentScans = 0;
  const client = {
    ...base,
    aggregate: (collection: string, pipeline: Record<string, unknown>[], o?: never) => {
      if (JSON.stringify(pipeline).includes('"$agent_name"')) agentScans++;
      return base.aggregate(collection, pipeline, o);
    },
  } as typeof base;
  const planner = createOfflinePlanner({
    tz: "Asia/Kolkata",
    now: () => new Date("2026-11-24T09:00:00Z"),
    client,
  });
  await planner.understand("How many calls did agent aditya handle?");
  await vocabularyFor(client).get();
  await planner.understand("calls today");
  assert.equal(agentScans, 1);
});
