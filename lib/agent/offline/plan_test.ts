import assert from "node:assert/strict";
import { createOfflinePlanner } from "./planner.ts";
import { planSort } from "./plan.ts";
import { DATA_A, fixtureClient } from "../../../testing/offline_fixture.ts";

const NOW = new Date("2026-11-24T09:00:00Z");
const planner = createOfflinePlanner({
  tz: "Asia/Kolkata",
  now: () => NOW,
  client: fixtureClient(DATA_A),
});

/** The order a question's table is shown in, through the planner's understanding. */
async function sortFor(q: string) {
  const d = await planner.decide(q, {});
  assert.equal(d.kind, "ask", `not understood: ${q}`);
  if (d.kind !== "ask") return null;
  const intent = await planner.understand(d.question);
  assert.ok(intent, `standalone question not understood: ${d.question}`);
  return planSort(intent!);
}

Deno.test("a ranking shows its table by the metric ranked, in the ranking's direction", async () => {
  assert.deepEqual(await sortFor("Which agent had the highest AHT?"), {
    entry: "agent_performance",
    key: "aht_seconds",
    order: "desc",
  });
  assert.deepEqual(await sortFor("Which agent had the lowest average handle time?"), {
    entry: "agent_performance",
    key: "aht_seconds",
    order: "asc",
  });
  assert.deepEqual(await sortFor("Which queue had the highest abandonment rate last week?"), {
    entry: "abandonment_rate",
    key: "abandonment_rate_pct",
    order: "desc",
  });
  assert.deepEqual(await sortFor("Which queue was slowest to answer?"), {
    entry: "speed_of_answer",
    key: "asa_seconds",
    order: "desc",
  });
  assert.deepEqual(await sortFor("What was the busiest hour today?"), {
    entry: "call_breakdown",
    key: "calls",
    order: "desc",
  });
});

Deno.test("an AHT question about agents is shown by AHT; plain questions keep their order", async () => {
  assert.equal((await sortFor("Show AHT per agent"))?.key, "aht_seconds");
  assert.equal(await sortFor("Show me agent performance report"), null);
  assert.equal(await sortFor("How many calls were made today?"), null);
  assert.equal(await sortFor("Show calls per day for last week"), null);
});
