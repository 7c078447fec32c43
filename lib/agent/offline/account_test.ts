import assert from "node:assert/strict";
import { accountFor, correctTypos, refusalOf, unsupportedMetricOf } from "./account.ts";
import { parseQuestion } from "./understand.ts";
import type { Vocabulary } from "./vocabulary.ts";

const VOCAB: Vocabulary = {
  agents: ["jonas", "priya", "rohit"],
  queues: ["billing", "support"],
  dispositions: ["resolved", "sale"],
  cities: ["Pune", "Mumbai"],
  segments: ["retail", "vip"],
};
const CTX = { vocab: VOCAB, tz: "Europe/Berlin", now: new Date("2026-03-10T12:00:00Z") };

async function account(q: string) {
  return accountFor(await parseQuestion(q, CTX), VOCAB);
}

Deno.test("security: read-only: writes, actions and other topics are declined; questions about data are not", () => {
  for (
    const q of [
      "delete all calls from yesterday",
      "Please remove agent priya's calls",
      "update the queue of these calls to billing",
      "can you erase the customer records",
      "call the customer back",
      "send an email to every vip customer",
      "What is the weather in Paris?",
      "tell me a joke",
    ]
  ) assert.ok(refusalOf(q), q);
  for (
    const q of [
      "how many calls were deleted?",
      "call volume yesterday",
      "call length statistics",
      "what's the change in calls versus last week",
      "dropped calls today",
      "give me an update on missed calls",
    ]
  ) assert.equal(refusalOf(q), null, q);
});

Deno.test("metrics the call data does not hold are named", () => {
  assert.match(unsupportedMetricOf("What is our NPS this month?") ?? "", /NPS/);
  assert.match(unsupportedMetricOf("CSAT last month") ?? "", /CSAT/);
  assert.match(unsupportedMetricOf("customer sentiment by agent") ?? "", /sentiment/);
  assert.equal(unsupportedMetricOf("how much time did agents spend on calls"), null);
  assert.equal(unsupportedMetricOf("sales queue calls today"), null);
});

Deno.test("unknown names after a cue are unplaced with their kind and close names", async () => {
  const a = await account("how many calls did agent jonathan handle last week?");
  assert.deepEqual(a.unplaced.map((u) => [u.text, u.kind]), [["jonathan", "agent"]]);
  assert.deepEqual(a.unplaced[0].suggestions, []);
  // Too far to be read as a typo, close enough to offer.
  const b = await account("calls of agent rohitaa yesterday");
  assert.deepEqual(b.unplaced.map((u) => [u.text, u.kind, u.suggestions]), [
    ["rohitaa", "agent", ["rohit"]],
  ]);
  const q = await account("calls in the marketing queue today");
  assert.deepEqual(q.unplaced.map((u) => [u.text, u.kind]), [["marketing", "queue"]]);
  const names = await account("Vidya Gupta's calls");
  assert.deepEqual(names.unplaced.map((u) => u.text), ["Vidya Gupta's"]);
  const made = await account("calls from premium members zorblat today");
  assert.deepEqual(made.unplaced.map((u) => u.text), ["premium members zorblat"]);
});

Deno.test("filler is placed; politeness is shown as not used", async () => {
  const a = await account(
    "please, could you show me how many missed calls we had in billing today?",
  );
  assert.deepEqual(a.unplaced, []);
  assert.deepEqual(a.harmless, ["please"]);
  // A number no rule read could change the result.
  const n = await account("missed calls today 42");
  assert.deepEqual(n.unplaced.map((u) => u.text), ["42"]);
  // "not" is never filler.
  const not = await account("calls not in billing today");
  assert.deepEqual(not.unplaced.map((u) => u.text), ["not"]);
});

Deno.test("typos of five letters or more are corrected; names and short words are not", () => {
  assert.equal(
    correctTypos("abandonmnet rate yesterday", VOCAB).text,
    "abandonment rate yesterday",
  );
  assert.equal(correctTypos("how many outgoign calls", VOCAB).text, "how many outgoing calls");
  assert.equal(correctTypos("sl% yesterday", VOCAB).text, "service level yesterday");
  assert.equal(correctTypos("agent perf, to xl", VOCAB).text, "agent performance, to excel");
  // A capitalised word inside the question is a name.
  assert.equal(correctTypos("calls from Harold Finchh", VOCAB).text, "calls from Harold Finchh");
  // Data names are matched where the question names them, not rewritten here.
  assert.equal(correctTypos("calls of agent rohitt", VOCAB).text, "calls of agent rohitt");
  assert.equal(correctTypos("the slowest agent", VOCAB).text, "the slowest agent");
  // A negation is never a typo: "unanswered" is not "answered", "unhandled" not "handled".
  assert.equal(correctTypos("calls went unanswered", VOCAB).text, "calls went unanswered");
  assert.equal(correctTypos("unhandled calls", VOCAB).text, "unhandled calls");
  assert.equal(correctTypos("calls went unanswerd", VOCAB).text, "calls went unanswered");
});

Deno.test("clock windows are read as a time of day; times without clock times are asked back", async () => {
  const window = async (q: string) => (await parseQuestion(q, CTX)).filters.time_of_day;
  assert.deepEqual(await window("calls between 2pm and 4pm yesterday"), {
    from: "14:00",
    to: "16:00",
  });
  assert.deepEqual(await window("calls between 2 and 4 pm"), { from: "14:00", to: "16:00" });
  assert.deepEqual(await window("calls between 11 and 1 pm"), { from: "11:00", to: "13:00" });
  assert.deepEqual(await window("calls from 9:30 to 12:15 today"), { from: "09:30", to: "12:15" });
  assert.deepEqual(await window("missed calls after 6 p.m. last week"), {
    from: "18:00",
    to: "24:00",
  });
  assert.deepEqual(await window("calls before 9am"), { from: "00:00", to: "09:00" });
  assert.deepEqual(await window("calls at 3pm yesterday"), { from: "15:00", to: "16:00" });
  assert.deepEqual(await window("calls between 22:00 and 06:00"), { from: "22:00", to: "06:00" });
  // Not clock times: no window ("from 9 to 5" stays for the accounting to ask back).
  assert.equal(await window("calls from 9 to 5 yesterday"), undefined);
  assert.equal(await window("calls longer than 2 minutes"), undefined);
  assert.equal(await window("calls between 1 and 3 minutes"), undefined);
  for (
    const [q, text] of [
      ["How many calls after hours yesterday?", "after hours"],
      ["calls in the morning last week", "in the morning"],
      ["calls outside business hours", "outside business hours"],
      ["how many calls overnight", "overnight"],
    ]
  ) {
    const a = await account(q);
    assert.deepEqual(a.unplaced.map((u) => u.text), [text], q);
    assert.match(a.unplaced[0].why ?? "", /time of day without clock times/, q);
  }
  // A greeting is not a time of day.
  assert.deepEqual((await account("Good morning, how many calls yesterday?")).unplaced, []);
  const greeting = await parseQuestion("good morning", CTX);
  assert.equal(greeting.chat, "greeting");
});

Deno.test("a date next to another weekday is asked back, never compared", async () => {
  // 9 Mar 2026 is a Monday (CTX: Berlin, 10 Mar 2026).
  const a = await account("how many calls on Sunday 9 March?");
  assert.deepEqual(a.unplaced.map((u) => u.text), ["on Sunday 9 March"]);
  assert.match(a.unplaced[0].why ?? "", /weekday and the date name different days/);
  const p = await parseQuestion("how many calls on Monday 9 March?", CTX);
  assert.deepEqual(p.periods, ["on monday 9 march"]);
  assert.deepEqual((await account("how many calls on Monday 9 March?")).unplaced, []);
});

Deno.test("'how many agents' asks for the agents (agent performance), not their calls", async () => {
  for (
    const q of ["how many agents took calls last week?", "How many different reps took calls today"]
  ) {
    const p = await parseQuestion(q, CTX);
    assert.equal(p.metric, "agent_performance", q);
    assert.deepEqual((await account(q)).unplaced, [], q);
  }
  assert.equal((await parseQuestion("how many calls did agents take?", CTX)).metric, undefined);
});

Deno.test("a comparison with one side placed is asked back; 'compare agents' is one row per agent", async () => {
  const a = await account("yesterday vs the day before: how many calls?");
  assert.deepEqual(a.unplaced.map((u) => u.text), ["vs the day before"]);
  assert.match(a.unplaced[0].why ?? "", /comparison with only one period placed/);
  // Both sides placed, or a follow-up comparing with the previous answer: nothing asked.
  assert.deepEqual((await account("calls yesterday vs today")).unplaced, []);
  const follow = accountFor(await parseQuestion("compare with last week", CTX), VOCAB, {
    followUp: true,
  });
  assert.deepEqual(follow.unplaced, []);
  const agents = await parseQuestion("compare agents yesterday", CTX);
  assert.equal(agents.groupBy, "agent");
  assert.deepEqual((await account("compare agents yesterday")).unplaced, []);
});

Deno.test("a word that leaves something out is asked back with no rewrite that would invert it", async () => {
  const a = await account("average call length for priya this week, excluding missed calls");
  assert.deepEqual(a.unplaced.map((u) => [u.text, u.inverts]), [["excluding", true]]);
  assert.match(a.unplaced[0].why ?? "", /not which to leave out/);
  // "not answered" is a status, not a word left over.
  assert.deepEqual((await account("how many calls were not answered yesterday?")).unplaced, []);
});

Deno.test("'miss' after a doer is the missed status", async () => {
  for (
    const q of [
      "how many calls did the billing queue miss on Monday?",
      "which queue misses the most calls this month?",
    ]
  ) {
    const p = await parseQuestion(q, CTX);
    assert.deepEqual(p.filters.status, ["missed"], q);
    assert.deepEqual((await account(q)).unplaced, [], q);
  }
});
