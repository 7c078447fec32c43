/**
 * Paraphrases found misread on generated datasets: each family of wordings must plan the
 * same catalog calls, on two datasets with different names, cities and time zones.
 */
import assert from "node:assert/strict";
import type { MemoryMessage } from "../types.ts";
import { createOfflinePlanner, type OfflinePlanner } from "./planner.ts";
import { planCalls, type PlannedCall } from "./plan.ts";
import {
  DATA_A,
  DATA_B,
  fixtureClient,
  type FixtureData,
} from "../../../testing/offline_fixture.ts";

const NOW = new Date("2026-11-24T09:00:00Z");

function plannerFor(data: FixtureData, tz: string): OfflinePlanner {
  return createOfflinePlanner({ tz, now: () => NOW, client: fixtureClient(data) });
}

const plannerA = plannerFor(DATA_A, "Asia/Kolkata");
const plannerB = plannerFor(DATA_B, "America/New_York");

function run(name: string, params: Record<string, unknown>): PlannedCall {
  return { tool: "run_report", name, params };
}

/** The calls planned for the last question of a conversation, and its standalone form. */
async function converse(
  turns: string[],
  planner = plannerA,
): Promise<{ question: string; calls: PlannedCall[] }> {
  const memory: MemoryMessage[] = [];
  let question = "";
  let calls: PlannedCall[] = [];
  for (const q of turns) {
    const d = await planner.decide(q, { memory });
    assert.equal(d.kind, "ask", `not understood: ${q}`);
    if (d.kind !== "ask") break;
    question = d.question;
    // The data agent reads the rewritten question on its own.
    const intent = await planner.understand(d.question);
    assert.ok(intent, `standalone question not understood: ${d.question}`);
    calls = planCalls(intent!);
    memory.push({ role: "user", content: q });
    memory.push({
      role: "assistant",
      content: "(answer)",
      context: { question: d.question, report: { name: calls[0].name, params: calls[0].params } },
    });
  }
  return { question, calls };
}

async function family(questions: string[], expected: PlannedCall[], planner = plannerA) {
  for (const q of questions) {
    assert.deepEqual((await converse([q], planner)).calls, expected, q);
  }
}

Deno.test("customers who phoned, rang, contacted or reached us are incoming callers", async () => {
  await family(
    [
      "Count the distinct customers who phoned us this month",
      "How many customers rang us this month?",
      "Number of unique customers who contacted us this month",
      "distinct customers that reached us this month",
      "How many different customers called in this month?",
      "How many distinct customers who called this month?",
      "How many customers called this month?",
      "unique callers this month",
    ],
    [run("unique_customers", { period: "this month", direction: "incoming" })],
  );
  await family(
    [
      "How many customers gave us a call this week?",
      "unique customers who got in touch with us this week",
      "How many distinct numbers phoned in this week?",
    ],
    [run("unique_customers", { period: "this week", direction: "incoming" })],
    plannerB,
  );
  // Customers we called are outgoing; customers with calls at all are both directions.
  await family(
    [
      "How many unique customers did we call this month?",
      "distinct customers we called this month",
    ],
    [run("unique_customers", { period: "this month", direction: "outgoing" })],
  );
  await family(
    ["How many unique customers had calls this month?", "distinct customers this month"],
    [run("unique_customers", { period: "this month" })],
  );
});

Deno.test("a customer's city is read with the words that say it is a place", async () => {
  await family(
    [
      "Number of calls with customers based in Mumbai last month",
      "How many calls with customers located in Mumbai last month?",
      "How many calls with customers living in Mumbai last month?",
      "Count calls with customers who live in Mumbai last month",
      "How many calls with customers in the city of Mumbai last month?",
      "How many calls with customers from the Mumbai area last month?",
      "How many calls with Mumbai-based customers last month?",
      "How many calls involved customers from Mumbai last month?",
    ],
    [run("call_count", { period: "last month", city: "Mumbai" })],
  );
  await family(
    [
      "Number of calls with customers based in New York last month",
      "How many calls with customers who are located in New York last month?",
      "Last month's call count for customers residing in the New York area",
    ],
    [run("call_count", { period: "last month", city: "New York" })],
    plannerB,
  );
  // A typo after a place cue still finds the city.
  await family(
    ["How many calls with customers based in Bostn last month?"],
    [run("call_count", { period: "last month", city: "Boston" })],
    plannerB,
  );
});

Deno.test("numbers and callers as the subject of a top-N are the top customers", async () => {
  await family(
    [
      "Which 5 customer numbers have the most calls?",
      "Which 5 phone numbers have the most calls?",
      "Which five callers have the most calls?",
      "Which 5 numbers had the highest number of calls?",
      "What are the five mobile numbers with the most calls?",
      "5 callers with the most calls",
      "List the five customers with the most calls",
      "Who are our top 5 customers by call count?",
    ],
    [run("top_customers", { limit: 5 })],
  );
  await family(
    [
      "Which 3 customer numbers had the most calls last week?",
      "top three caller numbers last week",
    ],
    [run("top_customers", { period: "last week", limit: 3 })],
    plannerB,
  );
  // Grouping by number is a breakdown, not a filter on a customer called "numbers".
  await family(
    ["How many calls per customer number?", "calls per phone number"],
    [run("call_breakdown", { group_by: "customer" })],
  );
});

Deno.test("calls that came in, were received or are inbound are incoming", async () => {
  await family(
    [
      "How many calls came in to each queue this month?",
      "How many calls were received by each queue this month?",
      "Calls coming in per queue this month",
      "Inbound calls per queue this month",
      "How many calls arrived in each queue this month?",
      "Break down this month's inbound calls by queue",
    ],
    [run("call_breakdown", { period: "this month", direction: "incoming", group_by: "queue" })],
  );
  await family(
    [
      "How many calls came into the claims queue today?",
      "calls received in the claims queue today: how many?",
      "How many claims calls have been coming in today?",
    ],
    [run("call_count", { period: "today", direction: "incoming", queue: "claims" })],
    plannerB,
  );
  // "call in the … queue" and "we called in …" are not calls coming in.
  await family(
    ["How many calls in the claims queue today?", "Count every call in the claims queue today"],
    [run("call_count", { period: "today", queue: "claims" })],
    plannerB,
  );
  await family(
    ["How many customers did we call today?"],
    [run("unique_customers", { period: "today", direction: "outgoing" })],
    plannerB,
  );
});

Deno.test("a ranking after agent performance keeps the previous period", async () => {
  const firsts = [
    "How did the agents perform last week?",
    "Agent performance for last week, please",
    "Show last week's agent performance",
  ];
  const lowest = [
    "Which one had the shortest average handle time?",
    "Who had the lowest AHT?",
    "Of those agents, who had the lowest average handle time?",
    "Who among them had the best AHT?",
    "which one had the quickest handle time?",
    "and the lowest AHT?",
    "who was the fastest?",
  ];
  for (const first of firsts) {
    for (const follow of lowest) {
      const { question, calls } = await converse([first, follow]);
      assert.match(question, /lowest average handle time last week/, `${first} / ${follow}`);
      assert.deepEqual(calls, [run("agent_performance", { period: "last week" })]);
    }
  }
  for (const follow of ["Which of them had the worst AHT?", "who was slowest on handle time?"]) {
    const { question } = await converse([firsts[0], follow]);
    assert.match(question, /highest average handle time last week/, follow);
  }
  const most = await converse([firsts[0], "Which agent handled the most calls?"], plannerB);
  assert.match(most.question, /most calls last week/);
  assert.deepEqual(most.calls, [run("agent_performance", { period: "last week" })]);
});

Deno.test("rankings that name their own period, or rank another measure, stand alone", async () => {
  const own = await converse([
    "How did the agents perform last week?",
    "Who had the lowest AHT today?",
  ]);
  assert.deepEqual(own.calls, [run("agent_performance", { period: "today" })]);
  const other = await converse(["How many calls today?", "Which agent handled the most calls?"]);
  assert.deepEqual(other.calls, [run("agent_performance", {})]);
  const alone = await converse(["Which one had the shortest average handle time?"]);
  assert.match(alone.question, /lowest average handle time\?$/);
  assert.deepEqual(alone.calls, [run("agent_performance", {})]);
});

Deno.test("best and worst follow the measure: less handle time is better", async () => {
  const best = await converse(["Which agent had the best AHT last week?"]);
  assert.match(best.question, /lowest average handle time last week/);
  const worst = await converse(["Which agent had the worst average handle time last week?"]);
  assert.match(worst.question, /highest average handle time last week/);
  const asa = await converse(["Which queue had the best ASA this week?"]);
  assert.match(asa.question, /lowest average speed of answer this week/);
  const fastest = await converse(["Who are the 3 fastest agents last week?"]);
  assert.match(fastest.question, /^Which 3 agents had the lowest average handle time last week/);
  const slowest = await converse(["the slowest agent yesterday"], plannerB);
  assert.match(slowest.question, /highest average handle time yesterday/);
  const slowDay = await converse(["Which day was the slowest last week?"]);
  assert.match(slowDay.question, /fewest calls last week/);
});

Deno.test("AHT per queue, day or hour is the handle_time entry grouped by it", async () => {
  await family(
    [
      "average handle time per queue",
      "What is the AHT by queue?",
      "average handling time for each queue",
      "queue-wise AHT",
      "Show me AHT broken down by queue",
    ],
    [run("handle_time", { group_by: "queue" })],
  );
  await family(
    [
      "What's the average handle time by day this week?",
      "AHT per day this week",
      "daily AHT this week",
      "show AHT day-wise for this week",
    ],
    [run("handle_time", { period: "this week", group_by: "day" })],
  );
  await family(
    [
      "average handle time by hour yesterday",
      "hour-wise AHT yesterday",
      "What was the AHT per hour of the day yesterday?",
      "hourly average handle time for yesterday",
    ],
    [run("handle_time", { period: "yesterday", group_by: "hour" })],
    plannerB,
  );
  // The queue with the highest AHT, and hold time per queue, also come from handle_time.
  await family(
    [
      "Which queue had the highest AHT last month?",
      "Which queue has the longest average handle time last month?",
      "queue with the worst AHT last month",
    ],
    [run("handle_time", { period: "last month", group_by: "queue" })],
    plannerB,
  );
  const hold = await converse(["average hold time per queue"]);
  assert.deepEqual(hold.calls, [run("handle_time", { group_by: "queue" })]);
  assert.match(hold.question, /average hold time per queue/);
  // Per agent it stays agent performance, which has AHT per agent and names the leaders.
  await family(
    ["AHT by agent last week", "average handle time per agent last week"],
    [run("agent_performance", { period: "last week" })],
  );
  // A follow-up regroups the handle time.
  const regrouped = await converse(["AHT per queue this week", "and by hour?"]);
  assert.deepEqual(regrouped.calls, [
    run("handle_time", { period: "this week", group_by: "hour" }),
  ]);
});

Deno.test("the queue with the highest abandonment rate is ranked on the rate", async () => {
  await family(
    [
      "which queue has the highest abandonment rate",
      "queue with the highest abandonment rate",
      "Which queue had the worst abandonment rate?",
      "highest missed call rate by queue",
      "In which queue is the abandonment rate highest?",
    ],
    [run("abandonment_rate", { group_by: "queue" })],
  );
  await family(
    [
      "Which queue had the highest abandonment rate last week?",
      "queue with the worst abandonment rate last week",
      "what queue had the highest abandon rate last week",
    ],
    [run("abandonment_rate", { period: "last week", group_by: "queue" })],
    plannerB,
  );
  const best = await converse(["Which queue had the best abandonment rate last week?"]);
  assert.match(best.question, /lowest abandonment rate last week/);
  const worst = await converse(["Which queue had the worst abandonment rate last week?"]);
  assert.match(worst.question, /highest abandonment rate last week/);
});

Deno.test("the agent who talked the most is ranked on total talk time", async () => {
  await family(
    [
      "which agent talked the most",
      "Who talked the most?",
      "Which agent spent the most time on calls?",
      "agent with the most talk time",
      "Which agent had the highest talk time?",
    ],
    [run("talk_time", { group_by: "agent" })],
  );
  await family(
    [
      "who spent the most time talking this month",
      "Which agent talked the most this month?",
      "agent with the highest total talk time this month",
    ],
    [run("talk_time", { period: "this month", group_by: "agent" })],
    plannerB,
  );
  const q = await converse(["which agent talked the most last week"]);
  assert.match(q.question, /^Which agent had the highest total talk time last week\?$/);
});

Deno.test("the slowest queue to answer is ranked on the average speed of answer", async () => {
  await family(
    [
      "slowest queue to answer",
      "Which queue is slowest to answer calls?",
      "Which queue takes the longest to answer?",
      "Which queue answers calls the slowest?",
      "which queue has the longest wait time",
      "Which queue has the highest ASA?",
    ],
    [run("speed_of_answer", { group_by: "queue" })],
  );
  await family(
    [
      "Which queue was the slowest to answer last week?",
      "slowest queue to pick up calls last week",
      "Which queue took the longest to answer calls last week?",
    ],
    [run("speed_of_answer", { period: "last week", group_by: "queue" })],
    plannerB,
  );
  const slow = await converse(["slowest queue to answer this week"]);
  assert.match(slow.question, /highest average speed of answer this week/);
  const fast = await converse(["Which queue is the fastest to answer this week?"]);
  assert.match(fast.question, /lowest average speed of answer this week/);
  // Calls answered within N seconds stay the service level.
  await family(
    ["percentage of calls answered within 30 seconds this week"],
    [run("service_level", { period: "this week", threshold_seconds: 30 })],
  );
});
