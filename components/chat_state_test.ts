import assert from "node:assert/strict";
import type { AgentEvent, Interpretation } from "../lib/agent/events.ts";
import {
  applyEvent,
  applyStreamEvent,
  EVENT_TYPES,
  failTurn,
  isActive,
  isTerminal,
  newTurn,
  titleFromQuestion,
  touchConversation,
  turnsFromHistory,
} from "./chat_state.ts";

const usage = { model_calls: 1, input_tokens: 10, output_tokens: 5 };

const LAST_WEEK = {
  label: "last week 9–15 Nov",
  start: "2026-11-08T18:30:00.000Z",
  end: "2026-11-15T18:30:00.000Z",
};

const READING: Interpretation = {
  metric: "call_count",
  metric_label: "Handled calls",
  period: LAST_WEEK,
  filters: { agent: "suresh" },
  group_by: null,
  unplaced: [],
};

/** One event of every type, in the order a turn produces them. */
const ALL_EVENTS: AgentEvent[] = [
  { type: "turn_started", turn_id: "t_1", conversation_id: "c_1", question: "Q from server" },
  { type: "step", text: "Looking up calls" },
  { type: "interpretation", ...READING },
  { type: "tool_start", call_id: "k1", tool: "run_report", args: { name: "calls_count" } },
  {
    type: "tool_end",
    call_id: "k1",
    tool: "run_report",
    ok: true,
    summary: "1 row",
    duration_ms: 12,
  },
  { type: "text", delta: "There were " },
  { type: "text", delta: "42 calls." },
  { type: "table", title: "Calls", columns: ["day", "calls"], rows: [["Mon", 42]], total_rows: 1 },
  {
    type: "chart",
    title: "Calls",
    kind: "bar",
    labels: ["Mon"],
    series: [{ name: "calls", data: [42] }],
  },
  { type: "report", id: "r_1", title: "Calls", rows: 42, download: "/api/reports/r_1" },
  { type: "outcome", outcome: "answered", reason: "Answered from the data" },
  {
    type: "final",
    answer: "There were **42** calls.",
    usage,
    outcome: "answered",
    interpretation: READING,
  },
];

Deno.test("EVENT_TYPES lists every event type once", () => {
  const fromEvents = new Set(ALL_EVENTS.map((e) => e.type));
  fromEvents.add("error");
  assert.deepEqual(new Set(EVENT_TYPES), fromEvents);
  assert.equal(EVENT_TYPES.length, fromEvents.size);
});

Deno.test("applyEvent folds a whole turn: steps, tools, text, table, chart, report, final", () => {
  let turn = newTurn("How many calls?", "2026-11-24T09:00:00Z");
  assert.equal(turn.status, "pending");
  const seen: string[] = [];
  for (const e of ALL_EVENTS) {
    turn = applyEvent(turn, e, "2026-11-24T09:00:05Z");
    seen.push(turn.status);
  }
  assert.equal(seen[0], "running");
  assert.equal(seen.at(-2), "running");
  assert.equal(turn.status, "done");
  assert.equal(turn.turn_id, "t_1");
  assert.equal(turn.question, "How many calls?", "the question asked is kept");
  assert.equal(turn.answer, "There were **42** calls.", "final replaces the streamed text");
  assert.equal(turn.steps.length, 2);
  assert.deepEqual(turn.steps[0], { kind: "step", text: "Looking up calls" });
  const tool = turn.steps[1];
  assert.equal(tool.kind, "tool");
  if (tool.kind === "tool") {
    assert.equal(tool.status, "ok");
    assert.equal(tool.summary, "1 row");
    assert.equal(tool.duration_ms, 12);
    assert.deepEqual(tool.args, { name: "calls_count" }, "tool_end keeps tool_start's args");
  }
  assert.equal(turn.tables.length, 1);
  assert.equal(turn.tables[0].total_rows, 1);
  assert.equal("type" in turn.tables[0], false);
  assert.equal(turn.charts[0].kind, "bar");
  assert.equal(turn.reports[0].download, "/api/reports/r_1");
  assert.deepEqual(turn.usage, usage);
  assert.deepEqual(turn.interpretation, READING);
  assert.equal(turn.outcome, "answered");
  assert.equal(turn.finished_at, "2026-11-24T09:00:05Z");
  assert.equal(isActive(turn), false);
});

Deno.test("a new turn has no reading and no outcome yet", () => {
  const turn = newTurn("q", null);
  assert.equal(turn.interpretation, null);
  assert.equal(turn.outcome, null);
});

Deno.test("while streaming the latest interpretation event is the reading", () => {
  let turn = applyEvent(newTurn("q", null), { type: "interpretation", ...READING });
  assert.deepEqual(turn.interpretation, READING);
  assert.equal("type" in turn.interpretation!, false);
  assert.equal(turn.outcome, null, "an answer is only known as such when it ends");
  const queue = { ...READING, metric: "abandonment_rate", metric_label: "Abandonment rate" };
  turn = applyEvent(turn, { type: "interpretation", ...queue });
  assert.equal(turn.interpretation?.metric_label, "Abandonment rate");
});

Deno.test("a second reading of the same metric over another period is the compared period", () => {
  const before = {
    label: "the week before 2–8 Nov",
    start: "2026-11-01T18:30:00.000Z",
    end: "2026-11-08T18:30:00.000Z",
  };
  let turn = applyEvent(newTurn("q", null), { type: "interpretation", ...READING });
  turn = applyEvent(turn, { type: "interpretation", ...READING, period: before });
  assert.deepEqual(turn.interpretation?.period, LAST_WEEK);
  assert.deepEqual(turn.interpretation?.compare_period, before);
  turn = applyEvent(turn, { type: "interpretation", ...READING });
  assert.deepEqual(turn.interpretation?.compare_period, before, "the same period again is kept");
});

Deno.test("an answered outcome event adds its unplaced words to the reading", () => {
  let turn = applyEvent(newTurn("q", null), { type: "interpretation", ...READING });
  turn = applyEvent(turn, {
    type: "outcome",
    outcome: "answered",
    reason: "ok",
    unplaced: ["please", "please"],
  });
  assert.deepEqual(turn.interpretation?.unplaced, ["please"]);
  assert.deepEqual(READING.unplaced, [], "the event's reading is not changed");
  assert.equal(turn.outcome, null);
  const bare = applyEvent(newTurn("q", null), {
    type: "outcome",
    outcome: "answered",
    reason: "ok",
    unplaced: ["x"],
  });
  assert.equal(bare.interpretation, null);
});

Deno.test("a clarified outcome keeps the partial reading with the unplaced words", () => {
  let turn = applyEvent(newTurn("How did zorro do?", null), {
    type: "interpretation",
    ...READING,
  });
  const partial: Interpretation = { ...READING, filters: {}, unplaced: [] };
  turn = applyEvent(turn, {
    type: "outcome",
    outcome: "clarified",
    reason: "No agent or queue is called zorro",
    unplaced: ["zorro"],
    interpretation: partial,
  });
  assert.equal(turn.outcome, "clarified");
  assert.deepEqual(turn.interpretation?.filters, {});
  assert.deepEqual(turn.interpretation?.unplaced, ["zorro"]);
  turn = applyEvent(turn, {
    type: "final",
    answer: "Who is zorro?",
    usage,
    outcome: "clarified",
    interpretation: { ...partial, unplaced: ["zorro"] },
  });
  assert.equal(turn.status, "done");
  assert.equal(turn.outcome, "clarified");
  assert.deepEqual(turn.interpretation?.unplaced, ["zorro"]);
});

Deno.test("a clarified outcome without a partial reading has no reading", () => {
  const turn = applyEvent(applyEvent(newTurn("q", null), { type: "interpretation", ...READING }), {
    type: "outcome",
    outcome: "clarified",
    reason: "Which period?",
  });
  assert.equal(turn.outcome, "clarified");
  assert.equal(turn.interpretation, null);
});

Deno.test("a refused outcome drops the reading; a later data result means it answered", () => {
  let turn = applyEvent(newTurn("delete all calls", null), {
    type: "outcome",
    outcome: "refused",
    reason: "Read-only",
    interpretation: READING,
  });
  assert.equal(turn.outcome, "refused");
  assert.equal(turn.interpretation, null, "no reading for a declined question");
  turn = applyEvent(turn, { type: "interpretation", ...READING });
  assert.equal(turn.outcome, null);
  assert.deepEqual(turn.interpretation, READING);
});

Deno.test("the final event's outcome and reading win over the streamed ones", () => {
  let turn = applyEvent(newTurn("q", null), { type: "interpretation", ...READING });
  turn = applyEvent(turn, {
    type: "final",
    answer: "I can't do that.",
    usage,
    outcome: "refused",
    interpretation: null,
  });
  assert.equal(turn.outcome, "refused");
  assert.equal(turn.interpretation, null);
});

Deno.test("a final event stored before outcomes existed leaves the turn as it was", () => {
  let turn = applyEvent(newTurn("q", null), { type: "interpretation", ...READING });
  const old = { type: "final", answer: "ok", usage } as unknown as AgentEvent;
  turn = applyEvent(turn, old);
  assert.equal(turn.status, "done");
  assert.equal(turn.outcome, null);
  assert.deepEqual(turn.interpretation, READING);
});

Deno.test("applyEvent keeps the streamed text when final has an empty answer", () => {
  let turn = applyEvent(newTurn("q", null), { type: "text", delta: "partial" });
  assert.equal(turn.answer, "partial");
  turn = applyEvent(turn, {
    type: "final",
    answer: "",
    usage,
    outcome: "answered",
    interpretation: null,
  });
  assert.equal(turn.answer, "partial");
});

Deno.test("applyEvent does not mutate the turn it is given", () => {
  const turn = newTurn("q", null);
  const copy = structuredClone(turn);
  for (const e of ALL_EVENTS) applyEvent(turn, e);
  assert.deepEqual(turn, copy);
});

Deno.test("a cancelled turn keeps its steps and partial answer and stops running tools", () => {
  let turn = newTurn("q", null);
  turn = applyEvent(turn, { type: "tool_start", call_id: "a", tool: "aggregate", args: {} });
  turn = applyEvent(turn, { type: "text", delta: "So far" });
  turn = applyEvent(turn, { type: "error", code: "cancelled", message: "Stopped by the user" });
  assert.equal(turn.status, "cancelled");
  assert.equal(turn.answer, "So far");
  assert.deepEqual(turn.error, { code: "cancelled", message: "Stopped by the user" });
  assert.equal(turn.steps[0].kind === "tool" && turn.steps[0].status, "stopped");
});

Deno.test("an error event other than cancelled marks the turn failed", () => {
  const turn = applyEvent(newTurn("q", null), {
    type: "error",
    code: "model_error",
    message: "The model did not answer",
  });
  assert.equal(turn.status, "error");
  assert.equal(turn.error?.code, "model_error");
});

Deno.test("tool_end without a matching tool_start still shows the tool", () => {
  const turn = applyEvent(newTurn("q", null), {
    type: "tool_end",
    call_id: "x",
    tool: "find",
    ok: false,
    summary: "Collection not found",
    duration_ms: 3,
  });
  assert.equal(turn.steps.length, 1);
  assert.equal(turn.steps[0].kind === "tool" && turn.steps[0].status, "error");
});

Deno.test("applyStreamEvent ignores events it has already applied", () => {
  let turn = newTurn("q", null);
  turn = applyStreamEvent(turn, { type: "text", delta: "a" }, 1);
  turn = applyStreamEvent(turn, { type: "text", delta: "b" }, 2);
  turn = applyStreamEvent(turn, { type: "text", delta: "b" }, 2);
  turn = applyStreamEvent(turn, { type: "text", delta: "a" }, 1);
  assert.equal(turn.answer, "ab");
  assert.equal(turn.last_event_id, 2);
  turn = applyStreamEvent(turn, { type: "text", delta: "c" }, null);
  assert.equal(turn.answer, "abc");
});

Deno.test("isTerminal is true only for final and error", () => {
  const terminal = ALL_EVENTS.filter(isTerminal).map((e) => e.type);
  assert.deepEqual(terminal, ["final"]);
  assert.equal(isTerminal({ type: "error", code: "timeout", message: "x" }), true);
});

Deno.test("failTurn records a client-side error", () => {
  const turn = failTurn(newTurn("q", null), "network", "Lost connection");
  assert.equal(turn.status, "error");
  assert.deepEqual(turn.error, { code: "network", message: "Lost connection" });
});

Deno.test("turnsFromHistory pairs questions with answers and their tables, charts, reports", () => {
  const turns = turnsFromHistory([
    { role: "user", content: "first?", turn_id: "t1" },
    {
      role: "assistant",
      content: "answer 1",
      turn_id: "t1",
      tables: [{ title: "T", columns: ["a"], rows: [[1]], total_rows: 1 }],
      reports: [{ id: "r", title: "R", rows: 1, download: "/api/reports/r" }],
    },
    { role: "user", content: "second?", turn_id: "t2" },
    { role: "assistant", content: "answer 2" },
    { role: "user", content: "still running?", turn_id: "t3" },
  ]);
  assert.equal(turns[0].interpretation, null, "no stored reading");
  assert.equal(turns[0].outcome, null);
  assert.equal(turns.length, 3);
  assert.equal(turns[0].question, "first?");
  assert.equal(turns[0].answer, "answer 1");
  assert.equal(turns[0].status, "done");
  assert.equal(turns[0].tables.length, 1);
  assert.equal(turns[0].reports.length, 1);
  assert.equal(turns[0].charts.length, 0);
  assert.equal(turns[1].turn_id, "t2");
  assert.equal(turns[2].status, "running", "an unanswered turn is re-attached");
  assert.equal(turns[2].turn_id, "t3");
  assert.notEqual(turns[0].key, turns[1].key);
});

Deno.test("turnsFromHistory reads a stored reading and outcome", () => {
  const turns = turnsFromHistory([
    { role: "user", content: "calls by suresh last week?", turn_id: "t1" },
    {
      role: "assistant",
      content: "120 calls.",
      turn_id: "t1",
      interpretation: READING,
      outcome: "answered",
    },
    { role: "user", content: "delete them", turn_id: "t2" },
    {
      role: "assistant",
      content: "I can only read data.",
      turn_id: "t2",
      interpretation: null,
      outcome: "refused",
    },
  ]);
  assert.deepEqual(turns[0].interpretation, READING);
  assert.equal(turns[0].outcome, "answered");
  assert.equal(turns[1].interpretation, null);
  assert.equal(turns[1].outcome, "refused");
});

Deno.test("turnsFromHistory marks an unanswered question without a turn id as failed", () => {
  const turns = turnsFromHistory([
    { role: "user", content: "lost?" },
    { role: "user", content: "next" },
    { role: "assistant", content: "ok" },
  ]);
  assert.equal(turns.length, 2);
  assert.equal(turns[0].status, "error");
  assert.equal(turns[0].error?.code, "no_answer");
  assert.equal(turns[1].status, "done");
});

Deno.test("touchConversation moves a conversation to the top without duplicates", () => {
  const list = [
    { id: "a", title: "A", updated_at: "1" },
    { id: "b", title: "B", updated_at: "2" },
  ];
  const next = touchConversation(list, { id: "b", title: "B", updated_at: "3" });
  assert.deepEqual(next.map((c) => c.id), ["b", "a"]);
  assert.equal(next[0].updated_at, "3");
  assert.deepEqual(
    touchConversation(list, { id: "c", title: "C", updated_at: "4" }).map((c) => c.id),
    [
      "c",
      "a",
      "b",
    ],
  );
});

Deno.test("turnsFromHistory brings back steps (collapsed tools with their outcome), times and feedback", () => {
  const turns = turnsFromHistory([
    { role: "user", content: "Calls per day?", turn_id: "t1", created_at: "2026-11-24T09:00:00Z" },
    {
      role: "assistant",
      content: "**418** calls",
      turn_id: "t1",
      created_at: "2026-11-24T09:00:02Z",
      steps: [
        { type: "step", text: "Looking into: calls per day" },
        {
          type: "tool",
          tool: "run_report",
          args: { name: "calls_by_day" },
          ok: true,
          summary: "7 rows",
          duration_ms: 12,
        },
        { type: "tool", tool: "aggregate", ok: false, summary: "bad stage", duration_ms: 3 },
        { type: "tool", tool: "find", ok: null, summary: null, duration_ms: null },
      ],
      feedback: { rating: "down", comment: "Wrong week" },
    },
  ]);
  assert.equal(turns.length, 1);
  const [t] = turns;
  assert.equal(t.status, "done");
  assert.equal(t.asked_at, "2026-11-24T09:00:00Z");
  assert.equal(t.finished_at, "2026-11-24T09:00:02Z");
  assert.deepEqual(t.feedback, { rating: "down", comment: "Wrong week" });
  assert.deepEqual(t.steps.map((s) => s.kind === "step" ? s.text : `${s.tool}:${s.status}`), [
    "Looking into: calls per day",
    "run_report:ok",
    "aggregate:error",
    "find:stopped",
  ]);
  const run = t.steps[1];
  assert.ok(run.kind === "tool");
  assert.deepEqual(run.args, { name: "calls_by_day" });
  assert.equal(run.summary, "7 rows");
  assert.equal(run.duration_ms, 12);
  assert.equal(new Set(t.steps.map((s) => s.kind === "tool" ? s.call_id : "")).size, 4);
});

Deno.test("turnsFromHistory brings back a stopped or failed turn as such, without the note", () => {
  const turns = turnsFromHistory([
    { role: "user", content: "Slow question", turn_id: "t1" },
    {
      role: "assistant",
      content: "Found 3 queues so far\n\n_(No complete answer: The answer was stopped.)_",
      turn_id: "t1",
      error: { code: "cancelled", message: "The answer was stopped." },
    },
    { role: "user", content: "Broken question", turn_id: "t2" },
    {
      role: "assistant",
      content: "_(No complete answer: The model is unavailable.)_",
      turn_id: "t2",
      error: { code: "model_error", message: "The model is unavailable." },
    },
  ]);
  assert.deepEqual(turns.map((t) => t.status), ["cancelled", "error"]);
  assert.equal(turns[0].answer, "Found 3 queues so far");
  assert.equal(turns[1].answer, "");
  assert.deepEqual(turns[1].error, { code: "model_error", message: "The model is unavailable." });
  assert.equal(turns[0].question, "Slow question", "the question is there to ask again");
});

Deno.test("titleFromQuestion makes a short title from the first question", () => {
  assert.equal(
    titleFromQuestion("How many calls were made today?"),
    "How many calls were made today?",
  );
  assert.equal(
    titleFromQuestion("hi, can you please show me calls per day for last week"),
    "Calls per day for last week",
  );
  assert.equal(titleFromQuestion("I want to know the missed calls\nand more"), "The missed calls");
  assert.equal(titleFromQuestion("hi"), "Hi", "nothing left after the lead-in: keep it");
  assert.equal(titleFromQuestion("  show   agent   performance "), "Show agent performance");
  const long = titleFromQuestion(
    "Compare the answer rate of every queue between this month and last month by agent and by weekday",
  );
  assert.ok([...long].length <= 60, long);
  assert.match(long, /^Compare the answer rate of every queue between this month…$/);
});
