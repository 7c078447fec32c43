/**
 * What a turn keeps for the history beside its answer (steps, times, how it failed), and
 * how the offline planner streams its answer text: small pieces, each delivered before the
 * next.
 */
import assert from "node:assert/strict";
import { createEmbeddedClient } from "../data/mcp_client.ts";
import { generateDataset } from "../data/seed.ts";
import { AgentError } from "./errors.ts";
import type { AgentEvent } from "./events.ts";
import { MemoryStore } from "./memory_store.ts";
import { answerPieces, createOfflineProvider } from "./offline/planner.ts";
import { DATA_A, fixtureClient } from "../../testing/offline_fixture.ts";
import { createScriptedProvider, type Script } from "../../testing/scripted_provider.ts";
import { fakeCatalog, fakeDataClient } from "../../testing/agent_doubles.ts";
import { runTurn, type TurnDeps } from "./turn.ts";
import type { ModelProvider } from "./types.ts";

const NOW = new Date("2026-11-24T09:00:00Z");

/** A wall clock that moves one second per reading. */
function tickingClock(start: string) {
  let t = Date.parse(start);
  return () => new Date((t += 1000) - 1000);
}

async function ask(
  provider: ModelProvider,
  question: string,
  options: { client?: TurnDeps["client"]; catalog?: TurnDeps["catalog"]; slowEmit?: boolean } = {},
) {
  const store = new MemoryStore({ now: () => NOW });
  const conv = await store.createConversation("u1", "Test");
  const events: AgentEvent[] = [];
  const outcome = await runTurn({
    question,
    owner: "u1",
    conversationId: conv.id,
    deps: {
      provider,
      client: options.client ?? fakeDataClient(),
      conversations: store,
      reports: store,
      catalog: options.catalog,
      clock: tickingClock("2026-11-24T09:30:00Z"),
      config: { tz: "Asia/Kolkata", now: () => NOW, maxToolRounds: 4, contextTokenBudget: 6000 },
    },
    signal: new AbortController().signal,
    emit: async (e) => {
      events.push(e);
      if (options.slowEmit && e.type === "text") await new Promise((r) => setTimeout(r, 2));
    },
  });
  return { outcome, events, messages: await store.listMessages("u1", conv.id) };
}

const route = (question: string) => ({
  tool_calls: [{ name: "ask_data_agent", arguments: { question } }],
});

Deno.test("a turn keeps its steps and times with the answer", async () => {
  const steps: Script[] = [
    route("How many calls today?"),
    {
      tool_calls: [{
        name: "run_report",
        arguments: { name: "call_count", params: { period: "today" } },
      }],
    },
    { text: "There were 5 calls today." },
  ];
  const { messages, events } = await ask(createScriptedProvider(steps), "calls today?", {
    catalog: fakeCatalog(),
  });
  const [user, assistant] = messages;
  assert.equal(user.role, "user");
  assert.equal(user.created_at, "2026-11-24T09:30:00.000Z", "asked when the turn started");
  assert.equal(assistant.role, "assistant");
  assert.ok(assistant.created_at! > user.created_at!, "answered after it was asked");
  const ends = events.filter((e) => e.type === "tool_end");
  const shown = events.flatMap((e) =>
    e.type === "step" ? [e.text] : e.type === "tool_start" ? [e.tool] : []
  );
  assert.ok(shown.includes("Looking into: How many calls today?") && shown.includes("run_report"));
  assert.deepEqual(assistant.steps?.map((s) => s.type === "step" ? s.text : s.tool), shown);
  assert.ok(assistant.steps?.every((s) => s.type === "step" || s.ok === true));
  const run = assistant.steps!.find((s) => s.type === "tool" && s.tool === "run_report");
  const end = ends.find((e) => e.type === "tool_end" && e.tool === "run_report");
  assert.ok(run?.type === "tool" && end?.type === "tool_end");
  assert.equal(run.ok, end.ok);
  assert.equal(run.summary, end.summary);
  assert.equal(run.duration_ms, Math.round(end.duration_ms));
  assert.deepEqual(run.args, { name: "call_count", params: { period: "today" } });
  assert.equal(assistant.error, undefined);
});

Deno.test("a failed turn keeps how it failed with its partial answer", async () => {
  const { messages } = await ask(
    createScriptedProvider([
      { error: new AgentError("model_error", "The model is unavailable") },
    ]),
    "calls today?",
  );
  const assistant = messages.at(-1)!;
  assert.deepEqual(assistant.error, { code: "model_error", message: "The model is unavailable" });
  assert.match(assistant.content, /No complete answer/);
  assert.ok(assistant.created_at);
});

Deno.test("answerPieces splits at words and joins back exactly", () => {
  const text =
    "**418** calls last week (16 Nov – 22 Nov 2026) across 7 days.\n\n| a | b |\n|---|---|\n";
  const pieces = answerPieces(text);
  assert.equal(pieces.join(""), text);
  assert.ok(pieces.length >= 4, JSON.stringify(pieces));
  for (const p of pieces) assert.ok(p.length <= 40, JSON.stringify(p));
  assert.deepEqual(answerPieces(""), []);
});

Deno.test("the offline planner waits for each piece of its answer to be delivered", async () => {
  const provider = createOfflineProvider({
    tz: "Asia/Kolkata",
    now: () => NOW,
    client: fixtureClient(DATA_A),
  });
  const seen: string[] = [];
  let release: (() => void) | null = null;
  const done = provider.complete({
    messages: [{ role: "user", content: "hi" }],
    tools: [{ name: "ask_data_agent", description: "", parameters: {} }],
    signal: new AbortController().signal,
    onText: (d) => {
      seen.push(d);
      return new Promise<void>((r) => release = r);
    },
  });
  const tick = () => new Promise((r) => setTimeout(r, 2));
  await tick();
  assert.equal(seen.length, 1, "the second piece waits for the first to be delivered");
  for (let i = 0; i < 500 && release; i++) {
    const r: () => void = release;
    release = null;
    r();
    await tick();
  }
  const res = await done;
  assert.ok(seen.length > 2, `streamed in pieces: ${JSON.stringify(seen)}`);
  assert.equal(seen.join(""), res.message.content);
});

Deno.test("offline turn: the answer streams as many text deltas, quickly", async () => {
  const now = NOW;
  const client = await createEmbeddedClient(
    { ...generateDataset({ days: 14, callsPerDay: 40, now, tz: "Asia/Kolkata" }) },
  );
  const provider = createOfflineProvider({ tz: "Asia/Kolkata", now: () => now, client });
  const started = performance.now();
  const { outcome, events, messages } = await ask(provider, "Show calls per day for last week", {
    client,
  });
  const elapsed = performance.now() - started;
  assert.equal(outcome.error, null);
  const texts = events.filter((e) => e.type === "text");
  assert.ok(texts.length >= 3, `text deltas: ${texts.length}`);
  assert.equal(texts.map((e) => e.type === "text" ? e.delta : "").join("").trim(), outcome.answer);
  assert.ok(elapsed < 2000, `the turn took ${elapsed} ms`);
  const assistant = messages.at(-1)!;
  assert.ok(
    assistant.steps?.some((s) => s.type === "tool" && s.tool === "run_report" && s.ok === true),
    JSON.stringify(assistant.steps),
  );
});
