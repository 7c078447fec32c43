import assert from "node:assert/strict";
import type { ChatMessage, MemoryMessage } from "../types.ts";
import { createOfflinePlanner } from "./planner.ts";
import { planCalls } from "./plan.ts";
import { renderQuestion } from "./render.ts";
import type { Intent } from "./intent.ts";
import { DATA_A, DATA_B, fixtureClient } from "../../../testing/offline_fixture.ts";

const NOW = new Date("2026-11-24T09:00:00Z");
const planner = createOfflinePlanner({
  tz: "Asia/Kolkata",
  now: () => NOW,
  client: fixtureClient(DATA_A),
});

/** Runs a conversation through the supervisor; returns each turn's standalone question. */
async function converse(turns: string[]): Promise<string[]> {
  const memory: MemoryMessage[] = [];
  const out: string[] = [];
  for (const q of turns) {
    const d = await planner.decide(q, { memory });
    memory.push({ role: "user", content: q });
    if (d.kind === "ask") {
      out.push(d.question);
      memory.push({ role: "assistant", content: "(answer)", context: { question: d.question } });
    } else if (d.kind === "schedule") {
      out.push(`SCHEDULE: ${d.request.kind}`);
    } else if (d.kind === "alert") {
      out.push(`ALERT: ${d.request.kind}`);
    } else {
      out.push(`REPLY: ${d.text.slice(0, 30)}`);
      memory.push({ role: "assistant", content: d.text });
    }
  }
  return out;
}

async function paramsOf(question: string) {
  const intent = await planner.understand(question);
  assert.ok(intent, question);
  return planCalls(intent!).map((c) => ({ name: c.name, params: c.params, tool: c.tool }));
}

Deno.test("a direction follow-up keeps the period and the metric", async () => {
  const qs = await converse(["How many incoming calls yesterday?", "And outgoing?"]);
  assert.equal(qs[1], "How many outgoing calls yesterday?");
  for (const follow of ["and outbound?", "what about outgoing ones?", "Same for outgoing"]) {
    const [, q] = await converse(["How many incoming calls yesterday?", follow]);
    assert.deepEqual(await paramsOf(q), [
      {
        tool: "run_report",
        name: "call_count",
        params: { period: "yesterday", direction: "outgoing" },
      },
    ], follow);
  }
});

Deno.test("a ranking follow-up over agent performance keeps the period", async () => {
  for (
    const follow of [
      "Which of them had the lowest average handle time?",
      "who among them has the lowest AHT?",
      "and which of those had the lowest handling time?",
    ]
  ) {
    const [, q] = await converse(["Show me agent performance for last week", follow]);
    assert.match(q, /lowest average handle time last week/, follow);
    assert.deepEqual(await paramsOf(q), [
      { tool: "run_report", name: "agent_performance", params: { period: "last week" } },
    ]);
  }
  const qs = await converse([
    "Show me agent performance for last week",
    "Which of them had the lowest average handle time?",
    "and the highest?",
  ]);
  assert.match(qs[2], /highest average handle time last week/);
});

Deno.test("queue, period, agent and Excel follow-ups", async () => {
  const qs = await converse([
    "How many missed calls today?",
    "what about billing?",
    "same for last month",
    "and for the sales queue?",
    "now as Excel",
  ]);
  assert.equal(qs[1], "How many missed calls in the billing queue today?");
  assert.equal(qs[2], "How many missed calls in the billing queue last month?");
  assert.equal(qs[3], "How many missed calls in the sales queue last month?");
  assert.deepEqual(await paramsOf(qs[4]), [
    {
      tool: "make_excel_report",
      name: "call_list",
      params: { period: "last month", status: "missed", queue: "sales" },
    },
    {
      tool: "run_report",
      name: "call_count",
      params: { period: "last month", status: "missed", queue: "sales" },
    },
  ]);
  const agents = await converse(["Calls for agent priya this week", "and for rohit?"]);
  assert.equal(agents[1], "List calls for agent rohit this week");
});

Deno.test("break it down by a dimension, then rank the groups", async () => {
  const qs = await converse([
    "How many missed calls in billing today?",
    "break it down by queue",
    "which had the most?",
  ]);
  // Grouping by queue drops the carried queue filter.
  assert.deepEqual(await paramsOf(qs[1]), [
    {
      tool: "run_report",
      name: "call_breakdown",
      params: { period: "today", status: "missed", group_by: "queue" },
    },
  ]);
  assert.equal(qs[2], "Which queue had the most missed calls today?");
  const kpi = await converse([
    "What was the abandonment rate yesterday?",
    "per queue",
    "and last week?",
  ]);
  assert.deepEqual(await paramsOf(kpi[2]), [
    {
      tool: "run_report",
      name: "abandonment_rate",
      params: { period: "last week", group_by: "queue" },
    },
  ]);
});

Deno.test("explicit filters override, 'all' clears, complete questions stand alone", async () => {
  const qs = await converse([
    "How many calls in the sales queue this month?",
    "for all queues",
    "How many failed calls today?",
  ]);
  assert.equal(qs[1], "How many calls this month?");
  assert.equal(qs[2], "How many failed calls today?");
  const sub = await converse([
    "Calls for agent priya this week",
    "how many of them were missed?",
    "list them",
  ]);
  assert.equal(sub[1], "How many missed calls for agent priya this week?");
  assert.equal(sub[2], "List missed calls for agent priya this week");
});

Deno.test("a comparison with another period runs both periods", async () => {
  const qs = await converse(["What is the service level today?", "compare with yesterday"]);
  assert.deepEqual(await paramsOf(qs[1]), [
    { tool: "run_report", name: "service_level", params: { period: "today" } },
    { tool: "run_report", name: "service_level", params: { period: "yesterday" } },
  ]);
});

Deno.test("small talk between data questions does not lose the context", async () => {
  const qs = await converse(["How many calls today?", "thanks", "and yesterday?"]);
  assert.match(qs[1], /^REPLY/);
  assert.equal(qs[2], "How many calls yesterday?");
});

Deno.test("without stored memory, the earlier user messages give the context", async () => {
  const messages: ChatMessage[] = [
    { role: "system", content: "..." },
    { role: "user", content: "How many incoming calls yesterday?" },
    { role: "assistant", content: "**515** incoming calls yesterday." },
    { role: "user", content: "And outgoing?" },
  ];
  const d = await planner.decide("And outgoing?", { messages });
  assert.equal(d.kind, "ask");
  assert.equal(d.kind === "ask" && d.question, "How many outgoing calls yesterday?");
});

Deno.test("a remembered catalog call is used when its question cannot be read", async () => {
  const memory: MemoryMessage[] = [
    { role: "user", content: "¿Cuántas llamadas?" },
    {
      role: "assistant",
      content: "…",
      context: {
        question: "zzz",
        report: { name: "call_count", params: { period: "yesterday", direction: "incoming" } },
      },
    },
  ];
  const d = await planner.decide("and outgoing?", { memory });
  assert.equal(d.kind === "ask" && d.question, "How many outgoing calls yesterday?");
});

Deno.test("rendered questions read back to the same plan", async () => {
  const intents: Intent[] = [
    { metric: "count", filters: { direction: "incoming", status: ["missed"] }, excel: false },
    {
      metric: "list",
      period: "last week",
      filters: { agent: "priya", queue: "sales", disposition: "follow_up" },
      excel: false,
    },
    { metric: "list", period: "yesterday", filters: { customer: "Vijay Tiwari" }, excel: true },
    {
      metric: "breakdown",
      period: "today",
      filters: {},
      groupBy: "hour",
      rank: { order: "max" },
      excel: false,
    },
    { metric: "breakdown", filters: { city: "Mumbai" }, groupBy: "day", excel: false },
    { metric: "agent_performance", period: "this month", filters: {}, focus: "aht", excel: false },
    { metric: "talk_time", filters: { agent: "vikram" }, excel: false },
    {
      metric: "abandonment",
      period: "today",
      filters: { queue: "billing" },
      groupBy: "hour",
      excel: false,
    },
    { metric: "service_level", filters: {}, threshold: 30, excel: false },
    { metric: "asa", period: "last month", filters: { segment: "vip" }, excel: false },
    { metric: "answer_rate", filters: { direction: "outgoing" }, excel: false },
    {
      metric: "unique_customers",
      period: "this week",
      filters: { direction: "incoming" },
      excel: false,
    },
    { metric: "top_customers", filters: { status: ["answered"] }, limit: 3, excel: false },
    { metric: "share", filters: {}, share: { dim: "status", value: "failed" }, excel: false },
    { metric: "duration", filters: { queue: "support" }, excel: true },
    {
      metric: "breakdown",
      period: "this week",
      filters: {},
      groupBy: "direction",
      compare: { dim: "direction", values: ["incoming", "outgoing"] },
      excel: false,
    },
  ];
  for (const i of intents) {
    const q = renderQuestion(i);
    const back = await planner.understand(q);
    assert.ok(back, q);
    assert.deepEqual(planCalls(back!), planCalls(i), q);
  }
});

Deno.test("follow-ups work the same on another dataset", async () => {
  const other = createOfflinePlanner({
    tz: "America/New_York",
    now: () => NOW,
    client: fixtureClient(DATA_B),
  });
  const memory: MemoryMessage[] = [
    { role: "user", content: "missed calls in the claims queue yesterday" },
    {
      role: "assistant",
      content: "…",
      context: { question: "List missed calls in the claims queue yesterday" },
    },
  ];
  const d = await other.decide("what about renewals?", { memory });
  assert.equal(d.kind === "ask" && d.question, "List missed calls in the renewals queue yesterday");
  const d2 = await other.decide("and for agent olivia?", { memory });
  assert.equal(
    d2.kind === "ask" && d2.question,
    "List missed calls in the claims queue for agent olivia yesterday",
  );
});

Deno.test("the answer to a question asked back continues it", async () => {
  const memory: MemoryMessage[] = [];
  const first = await planner.decide("how many calls did agent jonathan handle last week?", {
    memory,
  });
  assert.equal(first.kind, "reply");
  if (first.kind !== "reply") return;
  assert.equal(first.outcome?.outcome, "clarified");
  const question = first.outcome?.question;
  assert.equal(question, "How many answered calls last week?");
  memory.push({ role: "user", content: "how many calls did agent jonathan handle last week?" });
  memory.push({ role: "assistant", content: first.text, context: { question } });
  for (const reply of ["I meant rohit", "rohit", "sorry, agent rohit"]) {
    const d = await planner.decide(reply, { memory });
    assert.equal(d.kind, "ask", reply);
    assert.equal(
      d.kind === "ask" ? d.question : "",
      "How many answered calls for agent rohit last week?",
    );
  }
});

Deno.test("a time of day carries over to follow-ups, and a new one replaces it", async () => {
  const questions = await converse([
    "How many calls between 2pm and 4pm yesterday?",
    "and the missed ones?",
    "and after 6pm?",
  ]);
  assert.deepEqual(questions, [
    "How many calls between 14:00 and 16:00 yesterday?",
    "How many missed calls between 14:00 and 16:00 yesterday?",
    "How many missed calls after 18:00 yesterday?",
  ]);
  assert.deepEqual((await paramsOf(questions[1]))[0].params.time_of_day, {
    from: "14:00",
    to: "16:00",
  });
});

Deno.test("every combination of filters survives being put in words and read back", async () => {
  const { renderQuestion } = await import("./render.ts");
  const parts: Record<string, unknown>[] = [
    { queue: "sales" },
    { agent: "priya" },
    { direction: "outgoing" },
    { status: ["missed"] },
    { disposition: "resolved" },
    { city: "Mumbai" },
    { segment: "vip" },
    { duration: { gt: 180 } },
    { duration: { lt: 30 } },
    { duration: { gte: 60, lte: 180 } },
    { time_of_day: { from: "14:00", to: "16:00" } },
    { time_of_day: { from: "18:00", to: "24:00" } },
  ];
  let checked = 0;
  for (let a = 0; a < parts.length; a++) {
    for (let b = a; b < parts.length; b++) {
      const filters = { ...parts[a], ...parts[b] };
      for (
        const metric of [
          "count",
          "list",
          "abandonment",
          "service_level",
          "handle_time",
          "agent_performance",
          "breakdown",
        ] as const
      ) {
        // KPIs fix the status (and the rates the direction) themselves.
        if (filters.status && !["count", "list", "breakdown"].includes(metric)) continue;
        if (filters.direction && ["abandonment", "service_level"].includes(metric)) continue;
        const intent: Intent = {
          metric,
          period: "last week",
          filters,
          excel: false,
          ...(metric === "breakdown" ? { groupBy: "day" as const } : {}),
        };
        const question = renderQuestion(intent);
        const back = await planner.understand(question);
        assert.deepEqual(back?.filters, filters, question);
        checked++;
      }
    }
  }
  assert.ok(checked > 400, `${checked} questions`);
});

Deno.test("asking back on 'excluding' offers no question without it (that would count the opposite)", async () => {
  const d = await planner.decide(
    "average call length for priya this week, excluding missed calls",
    {
      memory: [],
    },
  );
  const text = JSON.stringify(d);
  assert.match(text, /excluding/);
  assert.doesNotMatch(text, /Without it the question would be/);
  const plain = await planner.decide("how many calls from zelda yesterday?", { memory: [] });
  assert.match(JSON.stringify(plain), /Without it the question would be/);
});
