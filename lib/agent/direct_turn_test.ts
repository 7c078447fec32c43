import assert from "node:assert/strict";
import type { DataClient } from "../data/types.ts";
import { ReportParamError } from "../reports/errors.ts";
import { runReport } from "../reports/run.ts";
import { FIXTURE_NOW, fixtureCalls, fixtureClient, local } from "../../testing/report_fixture.ts";
import {
  checkReportRequest,
  reportQuestion,
  runReportTurn,
  type RunReportTurnOptions,
} from "./direct_turn.ts";
import type { AgentEvent } from "./events.ts";
import { MemoryStore } from "./memory_store.ts";
import { createOfflineProvider } from "./offline/planner.ts";
import { runTurn, type TurnDeps } from "./turn.ts";
import type { CatalogCall } from "./tools.ts";
import type { ModelProvider } from "./types.ts";

const TZ = "Asia/Kolkata";
const CLIENT: DataClient = await fixtureClient();

/** A model that must never be asked. */
const NO_MODEL: ModelProvider = {
  name: "must-not-be-called",
  complete() {
    throw new Error("A report turn called the model");
  },
};

type Ev<T extends AgentEvent["type"]> = Extract<AgentEvent, { type: T }>;
const ofType = <T extends AgentEvent["type"]>(events: AgentEvent[], type: T): Ev<T>[] =>
  events.filter((e): e is Ev<T> => e.type === type);

async function setup(provider: ModelProvider = NO_MODEL) {
  const store = new MemoryStore({ now: () => FIXTURE_NOW });
  const conv = await store.createConversation("u1", "Test");
  const deps: TurnDeps = {
    provider,
    client: CLIENT,
    conversations: store,
    reports: store,
    config: { tz: TZ, now: () => FIXTURE_NOW, maxToolRounds: 4, contextTokenBudget: 6000 },
  };
  const run = async (
    report: RunReportTurnOptions["report"],
    signal = new AbortController().signal,
  ) => {
    const events: AgentEvent[] = [];
    const outcome = await runReportTurn({
      report,
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
  return { store, conv, deps, run };
}

Deno.test("runReportTurn: the events of a typed question, the answer in words, no model call", async () => {
  const { run, store, conv } = await setup();
  const report: CatalogCall = {
    name: "call_count",
    params: { period: "yesterday", direction: "incoming" },
  };
  const { outcome, events } = await run(report);
  assert.equal(outcome.error, null);
  const types = events.map((e) => e.type);
  assert.equal(types[0], "turn_started");
  assert.equal(types.at(-1), "final");
  const toolStart = ofType(events, "tool_start");
  assert.deepEqual(toolStart.map((e) => [e.tool, e.args]), [["run_report", report]]);
  const toolEnd = ofType(events, "tool_end");
  assert.equal(toolEnd.length, 1);
  assert.equal(toolEnd[0].ok, true);
  assert.equal(toolEnd[0].call_id, toolStart[0].call_id);
  for (const t of ["table", "interpretation", "text"] as const) {
    const i = types.indexOf(t);
    assert.ok(i > types.indexOf("tool_start") && i < types.lastIndexOf("final"), t);
  }
  assert.ok(types.lastIndexOf("table") < types.indexOf("tool_end"), "table before the tool ends");
  assert.ok(types.indexOf("text") > types.indexOf("tool_end"), "answer after the tool");

  // The figure is the data's, computed independently of the catalog.
  const yesterday = "2026-11-02"; // the local day before FIXTURE_NOW in Kolkata
  assert.equal(local(FIXTURE_NOW, TZ).date, "2026-11-03");
  const expected =
    fixtureCalls().filter((c) =>
      c.start_time < FIXTURE_NOW && c.direction === "incoming" &&
      local(c.start_time, TZ).date === yesterday
    ).length;
  assert.ok(expected > 0);
  const final = ofType(events, "final")[0];
  assert.match(final.answer, new RegExp(`\\*\\*${expected}\\*\\* incoming calls`));
  assert.equal(ofType(events, "text").map((e) => e.delta).join(""), final.answer);
  assert.deepEqual(final.usage, { model_calls: 0, input_tokens: 0, output_tokens: 0 });
  assert.equal(final.outcome, "answered");
  assert.deepEqual(final.interpretation?.filters, { direction: "incoming" });
  assert.match(final.interpretation!.period!.label, /yesterday/);
  assert.deepEqual(final.interpretation?.report, report);

  // Memory: the question in words, and the answer with its reading and report.
  const messages = await store.listMessages("u1", conv.id);
  assert.deepEqual(messages.map((m) => m.role), ["user", "assistant"]);
  const question = ofType(events, "turn_started")[0].question;
  assert.equal(messages[0].content, question);
  assert.match(question, /incoming calls/i);
  assert.match(question, /yesterday/);
  assert.equal(messages[1].content, final.answer);
  assert.deepEqual(messages[1].context, { question, report });
  assert.deepEqual(messages[1].interpretation, final.interpretation);
  assert.equal(messages[1].outcome, "answered");
  assert.equal(messages[1].tables?.length, 1);
  assert.ok(messages[1].steps?.some((s) => s.type === "tool" && s.tool === "run_report"));
});

Deno.test("runReportTurn: lists of names run as any of them, and read as such", async () => {
  const { run } = await setup();
  const report: CatalogCall = { name: "call_count", params: { queue: ["support", "billing"] } };
  const { outcome } = await run(report);
  const direct = await runReport("call_count", report.params, {
    client: CLIENT,
    tz: TZ,
    now: FIXTURE_NOW,
  });
  const n = Number(direct.summary.calls);
  const calls = fixtureCalls().filter((c) =>
    c.start_time < FIXTURE_NOW && ["support", "billing"].includes(c.queue)
  );
  assert.equal(n, calls.length);
  assert.match(outcome.answer, new RegExp(`\\*\\*${n}\\*\\*`));
  assert.match(outcome.answer, /support or billing/);
  assert.deepEqual(outcome.interpretation?.filters, { queue: ["support", "billing"] });
  assert.equal(
    reportQuestion(report),
    "How many calls in the support or billing queue?",
  );
});

Deno.test("runReportTurn: a typed follow-up continues the report", async () => {
  const { run, deps, conv } = await setup();
  await run({ name: "call_count", params: { period: "yesterday", direction: "incoming" } });
  const events: AgentEvent[] = [];
  const followUp = await runTurn({
    question: "and today?",
    owner: "u1",
    conversationId: conv.id,
    deps: {
      ...deps,
      provider: createOfflineProvider({ tz: TZ, now: () => FIXTURE_NOW, client: CLIENT }),
    },
    signal: new AbortController().signal,
    emit: (e) => {
      events.push(e);
    },
  });
  assert.equal(followUp.error, null);
  assert.equal(followUp.outcome, "answered");
  assert.equal(followUp.interpretation?.metric, "call_count");
  assert.deepEqual(followUp.interpretation?.filters, { direction: "incoming" });
  assert.match(followUp.interpretation!.period!.label, /^today/);
});

Deno.test("runReportTurn: an unknown name is asked back about, a cancel ends the turn", async () => {
  const { run } = await setup();
  const { outcome, events } = await run({ name: "call_count", params: { agent: "brunoo" } });
  assert.equal(outcome.error, null);
  assert.equal(outcome.outcome, "clarified");
  assert.match(outcome.answer, /No agent named "brunoo"/);
  assert.equal(ofType(events, "tool_end")[0].ok, false);
  assert.equal(ofType(events, "table").length, 0);

  const ac = new AbortController();
  ac.abort();
  const stopped = await run({ name: "call_count", params: {} }, ac.signal);
  assert.equal(stopped.outcome.error?.code, "cancelled");
  assert.equal(stopped.events.at(-1)?.type, "error");
});

Deno.test("checkReportRequest: known entry, known parameters, valid values", () => {
  const opts = { tz: TZ, now: FIXTURE_NOW };
  const fails = (raw: unknown, message: RegExp) =>
    assert.throws(
      () => checkReportRequest(raw, opts),
      (e) => e instanceof ReportParamError && message.test(e.message),
    );
  fails(null, /"report" must be an object/);
  fails({ params: {} }, /"report.name"/);
  fails({ name: "no_such" }, /Unknown report "no_such": use one of .*call_count/);
  fails({ name: "call_count", params: [] }, /"report.params" must be an object/);
  fails({ name: "call_count", params: { colour: "red" } }, /Unknown parameter "colour"/);
  fails({ name: "call_count", params: { direction: "up" } }, /Unknown direction "up"/);
  fails({ name: "call_count", params: { period: "someday" } }, /Cannot read the period/);
  fails({ name: "call_breakdown", params: {} }, /needs "group_by"/);
  fails({ name: "call_count", params: { agent: [1, { x: 1 }] } }, /"agent" must be a name/);
  // Parameters the entry does not take and blanks are dropped; lists stay lists.
  assert.deepEqual(
    checkReportRequest({
      name: "call_list",
      params: { period: "last week", queue: ["a", "b"], group_by: "agent", agent: "" },
    }, opts),
    { name: "call_list", params: { period: "last week", queue: ["a", "b"] } },
  );
});
