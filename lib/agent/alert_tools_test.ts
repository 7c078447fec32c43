import assert from "node:assert/strict";
import { openStore } from "../kv.ts";
import { alertAccessFor } from "./alert_tools.ts";
import { parseToolResult } from "./envelope.ts";
import type { AgentEvent } from "./events.ts";
import { runTurn, type TurnDeps } from "./turn.ts";
import { fakeCatalog, fakeDataClient } from "../../testing/agent_doubles.ts";
import { createScriptedProvider, type Script } from "../../testing/scripted_provider.ts";

const NOW = new Date("2026-11-24T09:00:00Z");

async function turn(
  store: Awaited<ReturnType<typeof openStore>>,
  script: Script[],
  question: string,
  owner = "u1",
) {
  const provider = createScriptedProvider(script);
  const deps: TurnDeps = {
    provider,
    client: fakeDataClient(),
    conversations: store,
    reports: store,
    catalog: fakeCatalog(),
    alerts: alertAccessFor(store, { allowedDomains: ["example.com"] }),
    config: { tz: "Asia/Kolkata", now: () => NOW, maxToolRounds: 6, contextTokenBudget: 6000 },
  };
  const conv = await store.createConversation(owner, "t");
  const events: AgentEvent[] = [];
  const out = await runTurn({
    question,
    owner,
    conversationId: conv.id,
    deps,
    signal: new AbortController().signal,
    emit: (e) => {
      events.push(e);
    },
  });
  return { out, events, provider };
}

function toolResult(provider: { requests: { messages: { role: string }[] }[] }, n: number) {
  const m = provider.requests[n].messages.at(-1) as { role: string; content: string };
  assert.equal(m.role, "tool");
  return parseToolResult(m.content)!;
}

Deno.test("alert tools (model path): validation errors go back to the model; create, list, cancel, owner-scoped", async () => {
  const store = await openStore(":memory:");
  try {
    const good = {
      metric: "abandonment_rate",
      comparison: "above",
      threshold: 10,
      window: "last hour",
      filters: { queue: "support" },
    };
    const { out, events, provider } = await turn(store, [
      { tool_calls: [{ name: "create_alert", arguments: { ...good, metric: "nps" } }] },
      { tool_calls: [{ name: "create_alert", arguments: { ...good, threshold: 150 } }] },
      {
        tool_calls: [{
          name: "create_alert",
          arguments: { ...good, channels: { email: ["boss@elsewhere.test"] } },
        }],
      },
      { tool_calls: [{ name: "create_alert", arguments: good }] },
      { text: "Done." },
    ], "alert me when the abandonment rate in support is above 10% in the last hour");
    assert.equal(out.error, null);
    const r1 = toolResult(provider, 1);
    assert.equal(r1.ok, false);
    assert.match(String(r1.error), /Unknown metric "nps"/);
    assert.match(String(toolResult(provider, 2).error), /percentage from 0 to 100/);
    assert.match(String(toolResult(provider, 3).error), /elsewhere\.test/);
    const made = toolResult(provider, 4);
    assert.equal(made.ok, true);
    const alert = made.alert as Record<string, unknown>;
    assert.equal(alert.description, "Abandonment rate above 10% (last 1 hour, queue: support)");
    assert.equal(alert.number, 1);
    assert.equal("webhook_secret" in alert, false);
    const reading = events.find((e) => e.type === "interpretation");
    assert.equal(
      reading?.type === "interpretation" && reading.alert,
      "Abandonment rate above 10% (last 1 hour, queue: support)",
    );
    const saved = await store.listAlerts("u1");
    assert.equal(saved.length, 1);
    assert.deepEqual(saved[0].channels, { in_app: true, email: [], webhook: null });

    // Another user sees none of it and cannot cancel it.
    const other = await turn(
      store,
      [
        { tool_calls: [{ name: "list_alerts", arguments: {} }] },
        { tool_calls: [{ name: "cancel_alert", arguments: { id: saved[0].id } }] },
        { text: "None." },
      ],
      "what alerts do I have",
      "u2",
    );
    assert.equal(toolResult(other.provider, 1).total, 0);
    assert.match(String(toolResult(other.provider, 2).error), /the user has no alerts/);
    assert.equal((await store.listAlerts("u1")).length, 1);

    const cancel = await turn(store, [
      { tool_calls: [{ name: "list_alerts", arguments: {} }] },
      { tool_calls: [{ name: "cancel_alert", arguments: { id: "1" } }] },
      { text: "Cancelled." },
    ], "stop alert 1");
    assert.equal(toolResult(cancel.provider, 1).total, 1);
    assert.equal(toolResult(cancel.provider, 2).cancelled, true);
    assert.deepEqual(await store.listAlerts("u1"), []);
  } finally {
    store.close();
  }
});
