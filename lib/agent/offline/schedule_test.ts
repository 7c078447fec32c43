import assert from "node:assert/strict";
import { openStore } from "../../kv.ts";
import type { AgentEvent } from "../events.ts";
import { scheduleAccessFor } from "../schedule_tools.ts";
import { runTurn, type TurnDeps } from "../turn.ts";
import { DATA_A, fixtureClient } from "../../../testing/offline_fixture.ts";
import { createOfflinePlanner, createOfflineProvider } from "./planner.ts";

const NOW = new Date("2026-11-24T09:00:00Z"); // Tuesday, 14:30 in Kolkata
const TZ = "Asia/Kolkata";

async function session(opts: { schedules?: boolean } = {}) {
  const store = await openStore(":memory:");
  const client = fixtureClient(DATA_A);
  const deps: TurnDeps = {
    provider: createOfflineProvider({ tz: TZ, now: () => NOW, client }),
    client,
    conversations: store,
    reports: store,
    schedules: opts.schedules === false
      ? undefined
      : scheduleAccessFor(store, { allowedDomains: ["example.com"] }),
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

Deno.test("offline schedules: create weekly, daily as pdf, to an address; list; cancel by words", async () => {
  const { store, ask } = await session();
  try {
    const a = await ask("email me the agent performance report every Monday at 9");
    assert.equal(a.outcome, "answered");
    assert.deepEqual(a.tools, ["create_schedule"]);
    assert.equal(a.interpretation?.metric, "agent_performance");
    assert.match(a.interpretation?.schedule ?? "", /every Monday at 09:00/);
    assert.match(a.interpretation?.period?.label ?? "", /^last week/);
    assert.match(a.answer, /next run Monday 30 Nov 2026, 09:00 \(Asia\/Kolkata\)/);
    assert.match(a.answer, /in-app inbox/);
    assert.match(a.answer, /cancel schedule 1/);

    const b = await ask("send me missed calls every day at 8am as pdf");
    assert.equal(b.outcome, "answered");
    assert.deepEqual(b.interpretation?.filters, { status: ["missed"] });

    const c = await ask(
      "schedule the abandonment rate by queue weekly on fridays at 17:30 to ops@example.com",
    );
    assert.equal(c.outcome, "answered");
    const saved = await store.listSchedules("u1");
    assert.equal(saved.length, 3);
    const byName = Object.fromEntries(saved.map((s) => [s.report.name, s]));
    assert.deepEqual(byName.agent_performance.recurrence, {
      kind: "weekly",
      weekdays: [1],
      time: "09:00",
    });
    assert.equal(byName.agent_performance.report.params.period, "last week");
    assert.equal(byName.agent_performance.format, "xlsx");
    assert.deepEqual(byName.agent_performance.recipients, []);
    assert.deepEqual(byName.call_list.recurrence, { kind: "daily", time: "08:00" });
    assert.equal(byName.call_list.report.params.period, "yesterday");
    assert.equal(byName.call_list.format, "pdf");
    assert.deepEqual(byName.abandonment_rate.recurrence, {
      kind: "weekly",
      weekdays: [5],
      time: "17:30",
    });
    assert.equal(byName.abandonment_rate.report.params.group_by, "queue");
    assert.deepEqual(byName.abandonment_rate.recipients, ["ops@example.com"]);

    const list = await ask("what reports are scheduled?");
    assert.equal(list.outcome, "answered");
    assert.match(list.answer, /3 scheduled reports/);
    assert.deepEqual(list.tools, ["list_schedules"]);

    const stop = await ask("stop the Monday agent performance email");
    assert.equal(stop.outcome, "answered");
    assert.deepEqual(stop.tools, ["list_schedules", "cancel_schedule"]);
    const left = await store.listSchedules("u1");
    assert.deepEqual(left.map((s) => s.report.name).sort(), ["abandonment_rate", "call_list"]);
  } finally {
    store.close();
  }
});

Deno.test("offline schedules: an ambiguous cancel asks back with the list; by number cancels", async () => {
  const { store, ask } = await session();
  try {
    await ask("email me the agent performance report every Monday at 9");
    await ask("email me the agent performance report every Friday at 18:00");
    const amb = await ask("cancel the agent performance email");
    assert.equal(amb.outcome, "clarified");
    assert.match(amb.answer, /Several schedules match/);
    assert.match(amb.answer, /1\. .*\n2\. /);
    assert.equal((await store.listSchedules("u1")).length, 2);
    const none = await ask("cancel the zorro schedule");
    assert.equal(none.outcome, "clarified");
    assert.equal((await store.listSchedules("u1")).length, 2);
    // Numbers are the list's order (oldest first; same instant: by id).
    const listed = (await store.listSchedules("u1")).sort((a, b) =>
      a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id)
    );
    const friday = listed.findIndex((s) =>
      s.recurrence.kind === "weekly" && s.recurrence.weekdays[0] === 5
    );
    const two = await ask(`cancel schedule ${friday + 1}`);
    assert.equal(two.outcome, "answered");
    const left = await store.listSchedules("u1");
    assert.equal(left.length, 1);
    assert.deepEqual(left[0].recurrence, { kind: "weekly", weekdays: [1], time: "09:00" });
  } finally {
    store.close();
  }
});

Deno.test("offline schedules: what is not understood is asked back, nothing is saved", async () => {
  const { store, ask } = await session();
  try {
    for (
      const q of [
        "email me the agent performance report every Monday at quarter past nine",
        "email me the agent performance report every Monday at 25:00",
        "email me the agent performance report every Monday",
        "email me the agent performance report every 2 weeks at 9",
        "email me the zorblax report every Monday at 9",
        "schedule the agent performance report at 9",
      ]
    ) {
      const out = await ask(q);
      assert.equal(out.outcome, "clarified", q);
      assert.ok(!out.tools.includes("create_schedule"), q);
    }
    const badDomain = await ask(
      "email the agent performance report every Monday at 9 to x@evil.org",
    );
    assert.equal(badDomain.outcome, "clarified");
    assert.match(badDomain.answer, /domain is not allowed/);
    assert.equal((await store.listSchedules("u1")).length, 0);
  } finally {
    store.close();
  }
});

Deno.test("offline schedules: writes are still refused, questions unchanged, no store says so", async () => {
  const planner = createOfflinePlanner({ tz: TZ, now: () => NOW, client: fixtureClient(DATA_A) });
  const del = await planner.decide("delete yesterday's calls", {});
  assert.equal(del.kind, "reply");
  assert.equal(del.kind === "reply" && del.outcome?.outcome, "refused");
  for (const q of ["average calls per day last week", "daily breakdown of calls this week"]) {
    assert.equal((await planner.decide(q, {})).kind, "ask", q);
  }
  const { store, ask } = await session({ schedules: false });
  try {
    const out = await ask("email me the agent performance report every Monday at 9");
    assert.equal(out.outcome, "refused");
    assert.match(out.answer, /web app/);
    assert.deepEqual(out.tools, []);
  } finally {
    store.close();
  }
});

Deno.test("offline schedules: a report's time-of-day window stays the report's; the delivery time is the 'at' one", async () => {
  const { readScheduleRequest } = await import("./schedule.ts");
  const vocab = {
    agents: ["priya"],
    queues: ["sales"],
    dispositions: [],
    cities: [],
    segments: [],
  };
  const ctx = { vocab, tz: TZ, now: NOW };
  for (
    const q of [
      "email me the calls after 6pm every Friday at 17:00",
      "every Friday at 5pm send me the list of calls after 6 pm",
    ]
  ) {
    const req = await readScheduleRequest(q, ctx);
    assert.equal(req.kind, "create", q);
    if (req.kind !== "create") continue;
    assert.equal(req.args.recurrence.time, "17:00", q);
    assert.deepEqual(req.args.report.params.time_of_day, { from: "18:00", to: "24:00" }, q);
  }
  // With no "at", the one clock time is the delivery's.
  const plain = await readScheduleRequest("send me missed calls every day 8am", ctx);
  assert.equal(plain.kind === "create" && plain.args.recurrence.time, "08:00");
});
