import assert from "node:assert/strict";
import { createOfflinePlanner } from "./planner.ts";
import { planCalls, type PlannedCall } from "./plan.ts";
import {
  DATA_A,
  DATA_B,
  fixtureClient,
  type FixtureData,
} from "../../../testing/offline_fixture.ts";

const NOW = new Date("2026-11-24T09:00:00Z");

function plannerFor(data: FixtureData, tz: string) {
  return createOfflinePlanner({ tz, now: () => NOW, client: fixtureClient(data) });
}

const plannerA = plannerFor(DATA_A, "Asia/Kolkata");
const plannerB = plannerFor(DATA_B, "America/New_York");

/** The tool calls the data agent makes for a question (after the supervisor's rewrite). */
async function plan(q: string, planner = plannerA): Promise<PlannedCall[]> {
  const d = await planner.decide(q, {});
  assert.equal(d.kind, "ask", `not understood: ${q}`);
  if (d.kind !== "ask") return [];
  const intent = await planner.understand(d.question);
  assert.ok(intent, `standalone question not understood: ${d.question}`);
  return planCalls(intent!);
}

function run(name: string, params: Record<string, unknown>): PlannedCall {
  return { tool: "run_report", name, params };
}
function excel(name: string, params: Record<string, unknown>): PlannedCall {
  return { tool: "make_excel_report", name, params };
}

/** Asserts every paraphrase plans the same calls. */
async function family(questions: string[], expected: PlannedCall[], planner = plannerA) {
  for (const q of questions) {
    assert.deepEqual(await plan(q, planner), expected, q);
  }
}

Deno.test("counts of all calls, in several wordings", async () => {
  await family(
    [
      "How many calls were made today?",
      "Total number of calls today",
      "Count all calls today",
      "How many calls did we get today?",
    ],
    [run("call_count", { period: "today" })],
  );
});

Deno.test("counts by direction", async () => {
  await family(
    [
      "How many incoming calls yesterday?",
      "how many inbound calls came in yesterday?",
      "How many calls did we receive yesterday?",
    ],
    [run("call_count", { period: "yesterday", direction: "incoming" })],
  );
  await family(
    [
      "How many outgoing calls yesterday?",
      "How many outbound calls did agents make yesterday?",
      "number of calls we dialled yesterday",
    ],
    [run("call_count", { period: "yesterday", direction: "outgoing" })],
  );
});

Deno.test("listings by direction", async () => {
  await family(
    [
      "Show me outgoing calls for yesterday",
      "List the outbound calls made yesterday",
      "Display yesterday's outgoing calls",
    ],
    [run("call_list", { period: "yesterday", direction: "outgoing" })],
  );
});

Deno.test("Excel reports of listings also run the count", async () => {
  const p = { period: "today", direction: "incoming" };
  await family(
    [
      "Give me incoming call report for today",
      "Export today's incoming calls to a spreadsheet",
      "Download today's inbound calls as Excel",
    ],
    [excel("call_list", p), run("call_count", p)],
  );
  const m = { status: "missed" };
  await family(
    [
      "Generate missed call report",
      "Download all missed calls as Excel",
      "Create an Excel report of abandoned calls",
    ],
    [excel("call_list", m), run("call_count", m)],
  );
});

Deno.test("Excel over a date range keeps the period words", async () => {
  const calls = await plan("Export all outgoing calls from 2026-11-05 to 2026-11-13 to Excel");
  assert.deepEqual(calls.map((c) => [c.tool, c.name]), [
    ["make_excel_report", "call_list"],
    ["run_report", "call_count"],
  ]);
  assert.equal(calls[0].params.direction, "outgoing");
  assert.match(String(calls[0].params.period), /2026-11-05 to 2026-11-13/);
  const other = await plan("Download outgoing calls between 5 Nov and 13 Nov as a spreadsheet");
  assert.equal(other[0].tool, "make_excel_report");
  assert.match(String(other[0].params.period), /5 nov and 13 nov/);
});

Deno.test("calls an agent handled are answered calls of that agent", async () => {
  await family(
    [
      "How many calls did agent aditya handle?",
      "Number of calls handled by aditya",
      "How many calls were answered by agent aditya?",
      "how many calls did agent aditiya handle?",
      "How many calls did aditya answer?",
      "how many calls does agent aditya answer",
    ],
    [run("call_count", { status: "answered", agent: "aditya" })],
  );
});

Deno.test("the verb 'answer' after a doer reads answered calls; its nouns and negations do not", async () => {
  await family(
    [
      "how many calls did sales answer yesterday",
      "How many calls did the sales queue answer yesterday?",
    ],
    [run("call_count", { period: "yesterday", status: "answered", queue: "sales" })],
  );
  // "not answer" stays the unanswered reading, never "answered".
  for (const q of ["how many calls did aditya not answer yesterday"]) {
    const calls = await plan(q).catch(() => []);
    assert.ok(
      !calls.some((c) => JSON.stringify(c.params ?? {}).includes('"answered"')),
      `${q}: ${JSON.stringify(calls)}`,
    );
  }
});

Deno.test("calls an agent made are outgoing calls of that agent", async () => {
  await family(
    ["How many calls did agent priya make yesterday?", "calls made by priya yesterday, how many?"],
    [run("call_count", { period: "yesterday", direction: "outgoing", agent: "priya" })],
  );
});

Deno.test("filtering calls by agent keeps every status", async () => {
  await family(
    ["Filter calls by agent anjali", "Show calls of agent anjali", "anjali's calls"],
    [run("call_list", { agent: "anjali" })],
  );
});

Deno.test("agent performance", async () => {
  await family(
    [
      "Show me agent performance report",
      "Agent performance",
      "How are the agents performing?",
      "show the agent leaderboard",
    ],
    [run("agent_performance", {})],
  );
  await family(
    [
      "Which agent handled the most calls?",
      "Who handled the most calls?",
      "Which agent answered the most calls?",
      "Top agent by calls handled",
    ],
    [run("agent_performance", {})],
  );
  await family(
    [
      "Average handle time per agent last week",
      "AHT by agent last week",
      "What was each agent's average handling time last week?",
    ],
    [run("agent_performance", { period: "last week" })],
  );
});

Deno.test("duration statistics and talk time", async () => {
  await family(
    [
      "Show me call duration statistics",
      "call length statistics",
      "What is the average call duration?",
    ],
    [run("duration_stats", {})],
  );
  await family(
    [
      "Total talk time of agent vikram this month",
      "How much talk time did vikram have this month?",
      "vikram's total talk time this month",
    ],
    [run("talk_time", { period: "this month", agent: "vikram" })],
  );
});

Deno.test("status counts and listings", async () => {
  await family(
    [
      "Count failed calls for this week",
      "How many failed calls this week?",
      "Number of failures this week",
    ],
    [run("call_count", { period: "this week", status: "failed" })],
  );
  await family(
    ["List all successful calls", "Show answered calls", "list connected calls"],
    [run("call_list", { status: "answered" })],
  );
  await family(
    [
      "How many missed calls were there on 2026-11-20?",
      "How many missed calls on 2026-11-20",
      "count of missed calls on 2026-11-20",
    ],
    [run("call_count", { period: "on 2026-11-20", status: "missed" })],
  );
  // "unanswered" is read as itself, never "corrected" into its opposite.
  await family(
    [
      "How many inbound calls went unanswered yesterday",
      "how many incoming calls were not answered yesterday",
    ],
    [run("call_count", { period: "yesterday", direction: "incoming", status: "missed" })],
  );
});

Deno.test("customers by number, by name, by city", async () => {
  await family(
    [
      "Show me calls from customer +917093023557",
      "calls with 7093023557",
      "Show all calls from +91 70930 23557",
    ],
    [run("call_list", { customer: "+917093023557" })],
  );
  await family(
    [
      "Show calls from customer Vijay Tiwari",
      "calls from Vijay Tiwari",
      "list calls with vijay tiwari",
    ],
    [run("call_list", { customer: "Vijay Tiwari" })],
  );
  // A customer whose first name is also an agent's name stays a customer.
  await family(
    ["Show calls with customer Priya Sharma", "calls from priya sharma"],
    [run("call_list", { customer: "Priya Sharma" })],
  );
  await family(
    [
      "How many calls did we have with customers from Mumbai last month?",
      "number of calls from customers in Mumbai last month",
      "How many calls with Mumbai customers last month?",
    ],
    [run("call_count", { period: "last month", city: "Mumbai" })],
  );
  await family(
    ["How many calls from vip customers?", "count calls in the vip segment"],
    [run("call_count", { segment: "vip" })],
  );
});

Deno.test("KPIs", async () => {
  await family(
    [
      "What was the abandonment rate yesterday?",
      "missed call rate yesterday",
      "What percentage of incoming calls were missed yesterday?",
    ],
    [run("abandonment_rate", { period: "yesterday" })],
  );
  await family(
    [
      "What is the average speed of answer this week?",
      "ASA this week",
      "average wait time before answer this week",
    ],
    [run("speed_of_answer", { period: "this week" })],
  );
  await family(
    ["What was the service level yesterday?", "SLA yesterday", "service level for yesterday"],
    [run("service_level", { period: "yesterday" })],
  );
  await family(
    [
      "percentage of calls answered within 30 seconds today",
      "service level within 30 seconds today",
    ],
    [run("service_level", { period: "today", threshold_seconds: 30 })],
  );
  await family(
    [
      "What percentage of outgoing calls were answered last month?",
      "answer rate for outbound calls last month",
      "What share of outbound calls got answered last month?",
    ],
    [run("answer_rate", { period: "last month", direction: "outgoing" })],
  );
  await family(
    [
      "How many unique customers called us this month?",
      "number of distinct callers who called us this month",
      "How many different customers called us this month?",
    ],
    [run("unique_customers", { period: "this month", direction: "incoming" })],
  );
  await family(
    [
      "How many vip customers called us this month?",
      "how many unique vip customers called us this month",
      "How many customers from the vip segment called us this month?",
    ],
    [run("unique_customers", { period: "this month", direction: "incoming", segment: "vip" })],
  );
  await family(
    ["failure rate this month", "What percentage of calls failed this month?"],
    [run("call_breakdown", { period: "this month", group_by: "status" })],
  );
});

Deno.test("top customers", async () => {
  await family(
    ["Top 5 customers by number of calls", "top five callers", "Show the 5 most frequent callers"],
    [run("top_customers", { limit: 5 })],
  );
});

Deno.test("breakdowns and rankings", async () => {
  await family(
    [
      "How many incoming calls did each queue receive this month?",
      "incoming calls by queue this month",
      "queue-wise inbound calls this month",
    ],
    [run("call_breakdown", { period: "this month", direction: "incoming", group_by: "queue" })],
  );
  await family(
    ["What was the busiest hour today?", "peak hour today", "Which hour had the most calls today?"],
    [run("call_breakdown", { period: "today", group_by: "hour" })],
  );
  await family(
    ["Show calls per day for last week", "daily calls last week", "calls by day for last week"],
    [run("call_breakdown", { period: "last week", group_by: "day" })],
  );
  await family(
    [
      "Disposition breakdown for answered sales calls this month",
      "dispositions of answered calls in sales this month",
      "answered sales calls by disposition this month",
    ],
    [
      run("call_breakdown", {
        period: "this month",
        status: "answered",
        queue: "sales",
        group_by: "disposition",
      }),
    ],
  );
  await family(
    [
      "Top 3 queues by missed calls this month",
      "Which 3 queues had the most missed calls this month?",
    ],
    [
      run("call_breakdown", {
        period: "this month",
        status: "missed",
        group_by: "queue",
        limit: 3,
      }),
    ],
  );
  await family(
    [
      "Which queue had the highest abandonment rate last month?",
      "abandonment rate per queue last month",
    ],
    [run("abandonment_rate", { period: "last month", group_by: "queue" })],
  );
});

Deno.test("comparisons", async () => {
  await family(
    [
      "Compare incoming vs outgoing calls this week",
      "incoming versus outgoing this week",
      "How many incoming and outgoing calls this week?",
    ],
    [run("call_breakdown", { period: "this week", group_by: "direction" })],
  );
  await family(
    ["compare billing and sales queues last week", "billing vs sales calls last week"],
    [run("call_breakdown", { period: "last week", group_by: "queue" })],
  );
  await family(
    ["How many calls this week compared with last week?", "Compare calls this week vs last week"],
    [run("call_count", { period: "this week" }), run("call_count", { period: "last week" })],
  );
});

Deno.test("queues with statuses", async () => {
  await family(
    [
      "Missed calls for the billing queue yesterday",
      "billing queue missed calls yesterday",
      "show abandoned calls in billing yesterday",
    ],
    [run("call_list", { period: "yesterday", status: "missed", queue: "billing" })],
  );
  await family(
    ["How many abandoned calls in billing yesterday?", "count missed billing calls yesterday"],
    [run("call_count", { period: "yesterday", status: "missed", queue: "billing" })],
  );
});

Deno.test("dataset independence: other agents, queues, cities and time zone", async () => {
  const B = plannerB;
  await family(
    [
      "How many calls did agent marcus handle yesterday?",
      "calls handled by marcus yesterday, how many?",
    ],
    [run("call_count", { period: "yesterday", status: "answered", agent: "marcus" })],
    B,
  );
  await family(
    ["Show calls of agent jsmth", "calls for agent jsmith", "jsmith's calls"],
    [run("call_list", { agent: "jsmith" })],
    B,
  );
  await family(
    ["calls of agent dana.k this week", "dana.k calls this week"],
    [run("call_list", { period: "this week", agent: "dana.k" })],
    B,
  );
  await family(
    ["missed calls in the renewals queue today", "renewals missed calls today"],
    [run("call_list", { period: "today", status: "missed", queue: "renewals" })],
    B,
  );
  await family(
    ["Show calls from customer Harold Finch", "calls with harold finch"],
    [run("call_list", { customer: "Harold Finch" })],
    B,
  );
  await family(
    [
      "How many calls with customers from New York last month?",
      "number of calls from New York customers last month",
    ],
    [run("call_count", { period: "last month", city: "New York" })],
    B,
  );
  await family(
    ["How many calls from enterprise customers?", "count enterprise customer calls"],
    [run("call_count", { segment: "enterprise" })],
    B,
  );
  await family(
    [
      "How many calls were renewed this month?",
      "calls with disposition renewed this month, how many",
    ],
    [run("call_count", { period: "this month", disposition: "renewed" })],
    B,
  );
  // The names of dataset A mean nothing in dataset B: asked back, never dropped.
  for (
    const [q, word] of [
      ["How many calls did agent aditya handle?", "aditya"],
      ["Missed calls for the billing queue yesterday", "billing"],
    ]
  ) {
    const d = await B.decide(q, {});
    assert.equal(d.kind, "reply", q);
    if (d.kind !== "reply") continue;
    assert.equal(d.outcome?.outcome, "clarified", q);
    assert.deepEqual(d.outcome?.unplaced, [word]);
    assert.match(d.text, new RegExp(`\\*\\*${word}\\*\\*`));
  }
});

Deno.test("small talk and unknown questions are answered directly", async () => {
  for (const q of ["hello", "hi there", "good morning!"]) {
    const d = await plannerA.decide(q, {});
    assert.equal(d.kind, "reply", q);
    assert.match(d.kind === "reply" ? d.text : "", /Hello/);
  }
  for (const q of ["what can you do?", "help", "what kind of questions can I ask?"]) {
    const d = await plannerA.decide(q, {});
    assert.equal(d.kind, "reply", q);
    assert.match(d.kind === "reply" ? d.text : "", /KPIs/);
  }
  // Topics outside the call data are declined in one line, with questions to ask instead.
  for (const q of ["what's the weather in Paris?", "tell me a joke", "asdf qwerty"]) {
    const d = await plannerA.decide(q, {});
    assert.equal(d.kind, "reply", q);
    const text = d.kind === "reply" ? d.text : "";
    assert.equal(d.kind === "reply" ? d.outcome?.outcome : null, "refused", q);
    assert.match(text.split("\n")[0], /outside what I know/);
    const bullets = text.split("\n").filter((l) => l.startsWith("- "));
    assert.ok(bullets.length >= 3 && bullets.length <= 6, text);
  }
});

Deno.test("suggestions name the dataset's own queues and agents", async () => {
  const d = await plannerB.decide("blah blah", {});
  const text = d.kind === "reply" ? d.text : "";
  assert.match(text, /claims|onboarding|renewals/);
  assert.doesNotMatch(text, /billing|aditya/);
});

Deno.test("rankings of agents: handled, made, top N and bottom N", async () => {
  await family(
    ["Which agent made the most calls today?", "who dialled the most calls today?"],
    [run("call_breakdown", { period: "today", direction: "outgoing", group_by: "agent" })],
  );
  await family(
    ["Who took the most calls yesterday?", "which agent answered the most calls yesterday"],
    [run("agent_performance", { period: "yesterday" })],
  );
  for (
    const q of ["top 3 agents by calls handled this month", "bottom 3 agents by AHT this month"]
  ) {
    const d = await plannerA.decide(q, {});
    assert.equal(d.kind, "ask");
    if (d.kind !== "ask") continue;
    assert.equal(d.intent.limit, 3, q);
    assert.equal(d.intent.metric, "agent_performance", q);
    assert.equal(d.intent.rank?.order, q.startsWith("top") ? "max" : "min", q);
    const back = await plannerA.understand(d.question);
    assert.equal(back?.limit, 3, d.question);
  }
});

Deno.test("verbs: missing calls, customers talked to", async () => {
  await family(
    ["How many calls did we miss yesterday?", "how many missed calls yesterday"],
    [run("call_count", { period: "yesterday", status: "missed" })],
  );
  await family(
    ["How many callers from Pune called us?", "how many unique customers in Pune called us"],
    [run("unique_customers", { direction: "incoming", city: "Pune" })],
  );
});

Deno.test("hold and wrap-up times, longest calls by agent", async () => {
  await family(
    ["Which agents have the longest hold times?", "which agent has the highest average hold time"],
    [run("agent_performance", {})],
  );
  const d = await plannerA.decide("Which agent had the longest calls this month?", {});
  assert.equal(d.kind === "ask" && d.intent.focus, "max");
  await family(
    [
      "Which agent had the longest calls this month?",
      "which agent had the longest call this month",
    ],
    [run("duration_stats", { period: "this month", group_by: "agent" })],
  );
});

Deno.test("duration ranges on counts and listings, in several wordings", async () => {
  await family(
    [
      "How many calls today lasted longer than 10 minutes?",
      "count of calls longer than 10 min today",
      "how many calls over 10 minutes long today",
    ],
    [run("call_count", { period: "today", duration: { gt: 600 } })],
  );
  await family(
    ["missed calls under 30 seconds yesterday", "missed calls shorter than 30 secs yesterday"],
    [run("call_list", { period: "yesterday", status: "missed", duration: { lt: 30 } })],
  );
  await family(
    [
      "how many calls between 1 and 3 minutes this week",
      "calls lasting between 1 min and 3 min this week, how many",
    ],
    [run("call_count", { period: "this week", duration: { gte: 60, lte: 180 } })],
  );
  await family(
    ["how many incoming calls lasted at least an hour last month"],
    [run("call_count", { period: "last month", direction: "incoming", duration: { gte: 3600 } })],
  );
  // "Answered calls" is a status; the length that follows is the call's.
  await family(
    [
      "how many answered calls were shorter than 1 minute yesterday",
      "answered calls under 60 seconds yesterday, how many",
    ],
    [run("call_count", { period: "yesterday", status: "answered", duration: { lt: 60 } })],
  );
  // Another field's threshold is not the call's length: asked back, never dropped.
  const d = await plannerA.decide("calls with talk time over 5 minutes today", {});
  assert.equal(d.kind, "reply");
  // The time to answer stays a service level, not a call length.
  assert.deepEqual(await plan("how many calls were answered within 20 seconds yesterday"), [
    run("service_level", { period: "yesterday", threshold_seconds: 20 }),
  ]);
});

Deno.test("averages per day, hour and agent; quarters; abbreviations", async () => {
  await family(
    [
      "average number of calls per day last week",
      "avg daily calls last week",
      "on average how many calls a day last week",
    ],
    [{
      ...run("call_breakdown", { period: "last week", group_by: "day" }),
      measure: "Average calls per day",
    }],
  );
  await family(
    ["average missed calls per agent this month"],
    [{
      ...run("call_breakdown", { period: "this month", status: "missed", group_by: "agent" }),
      measure: "Average calls per agent",
    }],
  );
  await family(
    ["how many incoming calls did we get in Q3?", "incoming calls in q3, how many"],
    [run("call_count", { period: "in q3", direction: "incoming" })],
  );
  await family(["sl yesterday", "sl% yesterday", "service lvl yesterday"], [
    run("service_level", { period: "yesterday" }),
  ]);
});

Deno.test("follow-ups that refine a count without naming calls", async () => {
  const memory: import("../types.ts").MemoryMessage[] = [];
  const questions: string[] = [];
  for (const q of ["how many outbound calls today", "how many were busy", "and no answer?"]) {
    const d = await plannerA.decide(q, { memory });
    assert.equal(d.kind, "ask", q);
    if (d.kind !== "ask") return;
    questions.push(d.question);
    memory.push({ role: "user", content: q });
    memory.push({ role: "assistant", content: "(answer)", context: { question: d.question } });
  }
  assert.deepEqual(questions.slice(1), [
    "How many busy outgoing calls today?",
    "How many no-answer outgoing calls today?",
  ]);
});
