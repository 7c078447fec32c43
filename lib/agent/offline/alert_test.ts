import assert from "node:assert/strict";
import { openStore } from "../../kv.ts";
import { alertAccessFor } from "../alert_tools.ts";
import type { AgentEvent } from "../events.ts";
import { interpretationChips } from "../interpretation.ts";
import { runTurn, type TurnDeps } from "../turn.ts";
import { DATA_A, fixtureClient } from "../../../testing/offline_fixture.ts";
import { isAlertRequest, readAlertRequest } from "./alert.ts";
import { createOfflinePlanner, createOfflineProvider } from "./planner.ts";
import { emptyVocabulary } from "./vocabulary.ts";

const NOW = new Date("2026-11-24T09:00:00Z");
const TZ = "Asia/Kolkata";

async function session(opts: { alerts?: boolean } = {}) {
  const store = await openStore(":memory:");
  const client = fixtureClient(DATA_A);
  const deps: TurnDeps = {
    provider: createOfflineProvider({ tz: TZ, now: () => NOW, client }),
    client,
    conversations: store,
    reports: store,
    alerts: opts.alerts === false
      ? undefined
      : alertAccessFor(store, { allowedDomains: ["example.com"] }),
    config: { tz: TZ, now: () => NOW, maxToolRounds: 6, contextTokenBudget: 6000 },
  };
  const conv = await store.createConversation("u1", "t");
  const ask = async (question: string) => {
    const events: AgentEvent[] = [];
    const out = await runTurn({
      question,
      owner: "u1",
      conversationId: conv.id,
      deps,
      signal: new AbortController().signal,
      emit: (e) => {
        events.push(e);
      },
    });
    return {
      ...out,
      events,
      tools: events.flatMap((e) => e.type === "tool_start" ? [e.tool] : []),
    };
  };
  return { store, ask };
}

Deno.test("offline alerts: the three example rules are read exactly", () => {
  const vocab = { ...emptyVocabulary(), queues: ["support", "sales"] };
  const a = readAlertRequest(
    "alert me when the abandonment rate is above 10% in the last hour",
    vocab,
  );
  assert.equal(a.kind, "create");
  assert.deepEqual(a.kind === "create" && a.args, {
    metric: "abandonment_rate",
    comparison: "above",
    threshold: 10,
    window: "last 1 hours",
    filters: {},
    channels: { in_app: true },
  });
  const b = readAlertRequest("notify me if ASA goes over 60 s today in queue support", vocab);
  assert.deepEqual(b.kind === "create" && b.args, {
    metric: "asa",
    comparison: "above",
    threshold: 60,
    window: "today",
    filters: { queue: "support" },
    channels: { in_app: true },
  });
  const c = readAlertRequest("tell me when more than 50 missed calls today", vocab);
  assert.equal(c.kind === "create" && c.args.metric, "missed_calls");
  assert.equal(c.kind === "create" && c.args.threshold, 50);
  const d = readAlertRequest(
    "notify me if service level drops below 80% for the past 2 hours",
    vocab,
  );
  assert.equal(d.kind === "create" && d.args.comparison, "below");
  assert.equal(d.kind === "create" && d.args.window, "last 2 hours");
  // Data questions are not alerts.
  for (const q of ["tell me when the busiest hour was", "how many calls today", "missed calls"]) {
    assert.equal(isAlertRequest(q), false, q);
  }
});

Deno.test("offline alerts: create, list, cancel by words; the alert chip; refused without a store", async () => {
  const { store, ask } = await session();
  try {
    const a = await ask("alert me when the abandonment rate is above 10% in the last hour");
    assert.equal(a.outcome, "answered");
    assert.deepEqual(a.tools, ["create_alert"]);
    assert.match(a.answer, /Abandonment rate above 10% \(last 1 hour\)/);
    assert.match(a.answer, /Alerts page/);
    assert.match(a.answer, /stop alert 1/);
    assert.equal(a.interpretation?.alert, "Abandonment rate above 10% (last 1 hour)");
    const chips = interpretationChips(a.interpretation!);
    assert.deepEqual(chips.map((c) => c.kind), ["metric", "alert"]);

    const b = await ask("tell me when more than 50 missed calls today");
    assert.equal(b.outcome, "answered");
    const saved = await store.listAlerts("u1");
    assert.equal(saved.length, 2);
    assert.equal(saved.find((r) => r.metric === "missed_calls")?.threshold, 50);
    assert.equal(saved.find((r) => r.metric === "missed_calls")?.window, "today");

    const list = await ask("what alerts do I have");
    assert.deepEqual(list.tools, ["list_alerts"]);
    assert.match(list.answer, /You have 2 alerts/);
    assert.match(list.answer, /Missed calls above 50 \(today\)/);

    const stop = await ask("stop the abandonment alert");
    assert.equal(stop.outcome, "answered");
    assert.deepEqual(stop.tools, ["list_alerts", "cancel_alert"]);
    assert.match(stop.answer, /Alert cancelled/);
    assert.deepEqual((await store.listAlerts("u1")).map((r) => r.metric), ["missed_calls"]);
    assert.match(stop.interpretation?.alert ?? "", /^cancelled: Abandonment rate/);
  } finally {
    store.close();
  }
  const none = await session({ alerts: false });
  try {
    const out = await none.ask("alert me when the abandonment rate is above 10% in the last hour");
    assert.equal(out.outcome, "refused");
    assert.match(out.answer, /web app/);
  } finally {
    none.store.close();
  }
});

Deno.test("offline alerts: an ambiguous cancel asks back with the list; unplaceable is asked back", async () => {
  const { store, ask } = await session();
  try {
    await ask("alert me when the abandonment rate is above 10% in the last hour");
    await ask("alert me when the abandonment rate is above 20% today");
    const stop = await ask("stop the abandonment alert");
    assert.equal(stop.outcome, "clarified");
    assert.deepEqual(stop.tools, ["list_alerts"]);
    assert.match(stop.answer, /2 alerts match/);
    assert.match(stop.answer, /1\. \*\*Abandonment rate above 10%/);
    assert.match(stop.answer, /2\. \*\*Abandonment rate above 20%/);
    assert.equal((await store.listAlerts("u1")).length, 2);

    const odd = await ask("alert me when the customer mood is above 3 today");
    assert.equal(odd.outcome, "clarified");
    assert.deepEqual(odd.tools, []);
    assert.match(odd.answer, /could not place “customer”, “mood”/);
    const vague = await ask("alert me when the abandonment rate is bad");
    assert.equal(vague.outcome, "clarified");
    assert.match(vague.answer, /above or below which threshold/);
    const pct = await ask("alert me when the abandonment rate is above 150% today");
    assert.equal(pct.outcome, "clarified", "the API's validation comes back");
    assert.match(pct.answer, /percentage from 0 to 100/);
    assert.equal((await store.listAlerts("u1")).length, 2, "nothing else was created");
  } finally {
    store.close();
  }
});

Deno.test("offline alerts: existing questions are unaffected", async () => {
  const planner = createOfflinePlanner({ tz: TZ, now: () => NOW, client: fixtureClient(DATA_A) });
  for (
    const q of [
      "abandonment rate last week",
      "how many missed calls today",
      "calls over 5 minutes yesterday",
      "tell me the average handle time this month",
    ]
  ) {
    assert.equal((await planner.decide(q, {})).kind, "ask", q);
  }
});
