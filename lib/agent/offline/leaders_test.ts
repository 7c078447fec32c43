/**
 * End to end on a generated dataset: a ranking question is planned, run through the real
 * catalog and engine, cut to the rows the model sees, and answered; the group named and
 * its value must be the leader over every group, computed here with plain loops.
 */
import assert from "node:assert/strict";
import { createEmbeddedClient } from "../../data/mcp_client.ts";
import { generateDataset } from "../../data/seed.ts";
import type { DataClient, Document } from "../../data/types.ts";
import { runReport } from "../../reports/run.ts";
import { local } from "../../../testing/report_fixture.ts";
import { MODEL_PREVIEW_ROWS } from "../tools.ts";
import { composeAnswer, type ToolOutcome } from "./answer.ts";
import { planCalls } from "./plan.ts";
import { createOfflinePlanner } from "./planner.ts";

const NOW = new Date("2026-11-24T09:00:00Z");
const TZ = "Europe/London";
const data = generateDataset({ days: 40, callsPerDay: 120, now: NOW, tz: TZ, seed: 7 });
const CALLS = data.calling_cdr.filter((c) => (c.start_time as Date) < NOW);
const client: DataClient = await createEmbeddedClient({ ...data }, { database: "leaders" });
const planner = createOfflinePlanner({ tz: TZ, now: () => NOW, client });

/** The answer to `question`, from results cut to the rows the model reads. */
async function answer(question: string): Promise<{ text: string; report: string }> {
  const intent = await planner.understand(question);
  assert.ok(intent, `not understood: ${question}`);
  const [call] = planCalls(intent);
  const r = await runReport(call.name, call.params, { client, tz: TZ, now: NOW });
  const outcome: ToolOutcome = {
    tool: "run_report",
    args: { name: call.name, params: call.params },
    ok: true,
    result: {
      report: r.name,
      period: r.period?.label ?? "all data",
      summary: r.summary,
      columns: r.columns,
      rows: r.rows.slice(0, MODEL_PREVIEW_ROWS),
      total_rows: r.total_rows,
    },
  };
  return { text: composeAnswer(intent, [outcome]), report: call.name };
}

const num = (c: Document, k: string) => c[k] as number;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const avg = (xs: number[]) => sum(xs) / xs.length;

/** Per group key, the KPI of its calls. */
function kpiBy(
  calls: Document[],
  key: (c: Document) => string,
  kpi: (cs: Document[]) => number,
): Map<string, number> {
  const groups = new Map<string, Document[]>();
  for (const c of calls) groups.set(key(c), [...(groups.get(key(c)) ?? []), c]);
  return new Map([...groups].map(([k, cs]) => [k, kpi(cs)]));
}

/** Checks that the answer names a group with the extreme value, and that value. */
function assertNamesLeader(
  text: string,
  values: Map<string, number>,
  order: "max" | "min",
  what: string,
) {
  const m = /^\*\*(.+?)\*\* had the .*?: \*\*([\d,.]+)/.exec(text);
  assert.ok(m, `${what}: no leader in "${text}"`);
  const target = order === "max" ? Math.max(...values.values()) : Math.min(...values.values());
  const named = values.get(m[1]);
  assert.ok(named !== undefined, `${what}: ${m[1]} is not a group`);
  assert.ok(Math.abs(named - target) < 0.006, `${what}: ${m[1]} has ${named}, not ${target}`);
  const said = Number(m[2].replace(/,/g, ""));
  assert.ok(Math.abs(said - target) < 0.006, `${what}: says ${said}, expected ${target}`);
  assert.doesNotMatch(text, /among the/, `${what}: the leader is over every group`);
}

const hourOf = (c: Document) => {
  const h = local(c.start_time as Date, TZ).hour;
  return `${String(h).padStart(2, "0")}:00–${String(h + 1).padStart(2, "0")}:00`;
};
const dayOf = (c: Document) => local(c.start_time as Date, TZ).date;
const incoming = CALLS.filter((c) => c.direction === "incoming");
const answered = CALLS.filter((c) => c.status === "answered");
const handle = (c: Document) =>
  num(c, "talk_seconds") + num(c, "hold_seconds") + num(c, "wrap_up_seconds");

Deno.test("the hour with the highest abandonment rate, over all 24 hours", async () => {
  const rates = kpiBy(
    incoming,
    hourOf,
    (cs) => (100 * cs.filter((c) => c.status === "missed").length) / cs.length,
  );
  assert.ok(rates.size > MODEL_PREVIEW_ROWS, "more hours than the model sees");
  const { text, report } = await answer("Which hour has the highest abandonment rate?");
  assert.equal(report, "abandonment_rate");
  assertNamesLeader(text, rates, "max", "abandonment by hour");
  const best = await answer("which hour had the lowest abandonment rate");
  assertNamesLeader(best.text, rates, "min", "lowest abandonment by hour");
});

Deno.test("the agent who talked the most, over every agent", async () => {
  const talk = kpiBy(
    answered,
    (c) => String(c.agent_name),
    (cs) => sum(cs.map((c) => num(c, "talk_seconds"))),
  );
  assert.ok(talk.size > MODEL_PREVIEW_ROWS, "more agents than the model sees");
  const { text, report } = await answer("which agent talked the most");
  assert.equal(report, "talk_time");
  assertNamesLeader(text, talk, "max", "talk time by agent");
  const least = await answer("Which agent had the lowest total talk time?");
  assertNamesLeader(least.text, talk, "min", "least talk time by agent");
});

Deno.test("the slowest queue to answer and the day with the highest AHT", async () => {
  const asa = kpiBy(
    answered.filter((c) => c.direction === "incoming"),
    (c) => String(c.queue),
    (cs) => avg(cs.map((c) => num(c, "ring_seconds"))),
  );
  const slow = await answer("slowest queue to answer");
  assert.equal(slow.report, "speed_of_answer");
  assertNamesLeader(slow.text, asa, "max", "ASA by queue");
  assert.match(slow.text, /slowest to answer/);

  const aht = kpiBy(answered, dayOf, (cs) => avg(cs.map(handle)));
  assert.ok(aht.size > MODEL_PREVIEW_ROWS, "more days than the model sees");
  const day = await answer("Which day had the highest AHT?");
  assert.equal(day.report, "handle_time");
  assertNamesLeader(day.text, aht, "max", "AHT by day");
  const perDay = await answer("AHT per day");
  const hi = [...aht].find(([, v]) => v === Math.max(...aht.values()))!;
  assert.match(perDay.text, new RegExp(`Highest: \\*\\*${hi[0]}\\*\\*`));
});
