/**
 * Benchmarks a whole turn (offline planner, real catalog, embedded data) on generated
 * data: `deno bench -A bench/turn_bench.ts`.
 */
import { createEmbeddedClient } from "../lib/data/mcp_client.ts";
import { generateDataset } from "../lib/data/seed.ts";
import { MemoryStore } from "../lib/agent/memory_store.ts";
import { createProvider } from "../lib/agent/provider.ts";
import { loadConfig } from "../lib/config.ts";
import { runTurn } from "../lib/agent/turn.ts";

const now = new Date("2026-11-24T09:00:00Z");
const tz = "Asia/Kolkata";
const client = await createEmbeddedClient({
  ...generateDataset({ days: 60, callsPerDay: 800, now, tz }),
});
const provider = createProvider(loadConfig({ MODEL_PROVIDER: "offline" }), {
  tz,
  now: () => now,
  client,
});
const store = new MemoryStore();

async function ask(question: string) {
  const conv = await store.createConversation("bench", "b");
  const outcome = await runTurn({
    question,
    owner: "bench",
    conversationId: conv.id,
    deps: {
      provider,
      client,
      conversations: store,
      reports: store,
      config: { tz, now: () => now, maxToolRounds: 8, contextTokenBudget: 6000 },
    },
    signal: new AbortController().signal,
    emit: () => {},
  });
  if (outcome.error) throw new Error(outcome.error.message);
}

for (
  const q of [
    "How many calls were made today?",
    "Show me agent performance report",
    "Show calls per day for last week",
    "Give me missed call report for this month",
  ]
) {
  Deno.bench(`turn (48k calls): ${q}`, async () => await ask(q));
}
