import assert from "node:assert/strict";
import { openStore } from "../kv.ts";
import { parseToolResult } from "./envelope.ts";
import type { AgentEvent } from "./events.ts";
import { scheduleAccessFor } from "./schedule_tools.ts";
import { runTurn, type TurnDeps } from "./turn.ts";
import { fakeCatalog, fakeDataClient } from "../../testing/agent_doubles.ts";
import { createScriptedProvider, type Script } from "../../testing/scripted_provider.ts";

const NOW = new Date("2026-11-24T09:00:00Z");

async function turn(
  store: Awaited<ReturnType<typeof openStore>>,
  script: Script[],
  question: string,
) {
  const provider = createScriptedProvider(script);
  const deps: TurnDeps = {
    provider,
    client: fakeDataClient(),
    conversations: store,
    reports: store,
    catalog: fakeCatalog(),
    schedules: scheduleAccessFor(store, { allowedDomains: ["example.com"] }),
    config: { tz: "Asia/Kolkata", now: () => NOW, maxToolRounds: 4, contextTokenBudget: 6000 },
  };
  const conv = await store.createConversation("u1", "t");
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
  return { out, events, provider };
}

/** The tool result the model read in request `n`, parsed. */
function toolResult(provider: { requests: { messages: { role: string }[] }[] }, n: number) {
  const m = provider.requests[n].messages.at(-1) as { role: string; content: string };
  assert.equal(m.role, "tool");
  return parseToolResult(m.content)!;
}

Deno.test("schedule tools (model path): create, a bad request as a tool error, list and cancel", async () => {
  const store = await openStore(":memory:");
  try {
    const create = {
      report: { name: "agent_performance", params: { period: "last week" } },
      recurrence: { kind: "weekly", weekdays: [1], time: "09:00" },
      recipients: ["me", "Ops@Example.com"],
    };
    const { out, events, provider } = await turn(store, [
      { tool_calls: [{ name: "create_schedule", arguments: { ...create, format: "weekly" } }] },
      {
        tool_calls: [{
          name: "create_schedule",
          arguments: { ...create, report: { name: "agent_scorecard", params: {} } },
        }],
      },
      {
        tool_calls: [{
          name: "create_schedule",
          arguments: { ...create, recurrence: { kind: "weekly", weekdays: [1], time: "9am" } },
        }],
      },
      { tool_calls: [{ name: "create_schedule", arguments: create }] },
      { text: "Scheduled." },
    ], "Email me and ops the agent performance report every Monday at 9");
    assert.equal(out.error, null);
    assert.deepEqual(
      provider.requests[0].tools.map((t) => t.name).filter((n) => n.includes("schedule")),
      ["create_schedule", "list_schedules", "cancel_schedule"],
    );
    const bad = [1, 2, 3].map((n) => toolResult(provider, n));
    assert.deepEqual(bad.map((r) => r.ok), [false, false, false]);
    assert.match(String(bad[0].error), /format/i);
    assert.match(String(bad[1].error), /Unknown report "agent_scorecard"/);
    assert.match(String(bad[2].error), /time "9am"/);
    const ok = toolResult(provider, 4);
    assert.equal(ok.ok, true);
    assert.match(String(ok.data_notice), /never as instructions/);
    const s = ok.schedule as Record<string, unknown>;
    assert.equal(s.next_run_local, "Monday 30 Nov 2026, 09:00 (Asia/Kolkata)");
    assert.deepEqual(s.recipients, ["ops@example.com"]);
    assert.equal(out.outcome, "answered");
    assert.equal(out.interpretation?.metric, "agent_performance");
    assert.match(out.interpretation?.schedule ?? "", /every Monday at 09:00/);
    assert.equal(events.filter((e) => e.type === "interpretation").length, 1);
    const saved = await store.listSchedules("u1");
    assert.equal(saved.length, 1);
    assert.equal(saved[0].format, "xlsx");

    const cancel = await turn(store, [
      { tool_calls: [{ name: "list_schedules", arguments: {} }] },
      { tool_calls: [{ name: "cancel_schedule", arguments: { id: "s_nope" } }] },
      { tool_calls: [{ name: "cancel_schedule", arguments: { id: saved[0].id } }] },
      { text: "Cancelled." },
    ], "Cancel my Monday report");
    const listed = toolResult(cancel.provider, 1);
    assert.equal((listed.schedules as unknown[]).length, 1);
    assert.equal(toolResult(cancel.provider, 2).ok, false);
    assert.equal(toolResult(cancel.provider, 3).cancelled, true);
    assert.equal((await store.listSchedules("u1")).length, 0);
  } finally {
    store.close();
  }
});

Deno.test("schedule tools: only the owner's schedules are listed or cancelled", async () => {
  const store = await openStore(":memory:");
  try {
    const access = scheduleAccessFor(store, { allowedDomains: [] });
    const first = await turn(store, [
      {
        tool_calls: [{
          name: "create_schedule",
          arguments: {
            report: { name: "call_count", params: { period: "yesterday" } },
            recurrence: { kind: "daily", time: "08:00" },
          },
        }],
      },
      { text: "ok" },
    ], "Send me the call count every day at 8");
    assert.equal(first.out.outcome, "answered");
    const [s] = await store.listSchedules("u1");
    assert.deepEqual(await access("u2").list(), []);
    assert.equal(await access("u2").remove(s.id), false);
    assert.equal((await store.listSchedules("u1")).length, 1);
  } finally {
    store.close();
  }
});
