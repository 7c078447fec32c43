import assert from "node:assert/strict";
import type { AgentEvent } from "../agent/events.ts";
import type { ModelProvider } from "../agent/types.ts";
import type { DataClient } from "../data/types.ts";
import { FIXTURE_NOW, fixtureCalls, fixtureClient } from "../../testing/report_fixture.ts";
import type { Store } from "../kv.ts";
import { agentRunner } from "./agent_runner.ts";
import { eventsOf, readSse, testApp, TestClient } from "../../testing/web_app.ts";

const TZ = "Asia/Kolkata";
const CLIENT: DataClient = await fixtureClient();

/** Counts model calls; a report turn must make none. */
function countingModel(): ModelProvider & { calls: number } {
  const m = {
    name: "counting",
    calls: 0,
    complete() {
      m.calls++;
      return Promise.reject(new Error("no model in this test"));
    },
  };
  return m;
}

async function setup() {
  const model = countingModel();
  const holder: { store?: Store } = {};
  const t = await testApp({
    env: { NOW: FIXTURE_NOW.toISOString(), BUSINESS_TZ: TZ },
    data: CLIENT,
    runner: (input) =>
      agentRunner({
        provider: model,
        client: CLIENT,
        conversations: holder.store!,
        reports: holder.store!,
        config: { tz: TZ, now: () => FIXTURE_NOW, maxToolRounds: 4, contextTokenBudget: 6000 },
      })(input),
  });
  holder.store = t.store;
  const c = await new TestClient(t.app).login("alice");
  const { body } = await c.json("POST", "/api/conversations", {});
  return { t, c, conv: body.id as string, model };
}

type Final = Extract<AgentEvent, { type: "final" }>;

Deno.test("POST turns {report} runs the report with no model call and remembers it", async () => {
  const { t, c, conv, model } = await setup();
  try {
    const report = { name: "call_count", params: { direction: "outgoing", queue: ["sales"] } };
    const r = await c.json("POST", `/api/conversations/${conv}/turns`, { report });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.match(r.body.turn_id, /^t_/);
    assert.match(r.body.question, /outgoing calls/i);
    const events = eventsOf(
      await readSse(await c.request("GET", `/api/turns/${r.body.turn_id}/events`)),
    );
    const types = events.map((e) => e.type);
    assert.equal(types[0], "turn_started");
    assert.equal((events[0] as { question?: string }).question, r.body.question);
    for (const t of ["tool_start", "table", "interpretation", "tool_end", "text", "final"]) {
      assert.ok(types.includes(t as AgentEvent["type"]), `${t} in ${types.join(", ")}`);
    }
    const final = events.at(-1) as unknown as Final;
    assert.equal(final.type, "final");
    assert.equal(final.usage.model_calls, 0);
    assert.equal(model.calls, 0);
    const expected = fixtureCalls().filter((x) =>
      x.start_time < FIXTURE_NOW && x.direction === "outgoing" && x.queue === "sales"
    ).length;
    assert.match(final.answer, new RegExp(`\\*\\*${expected}\\*\\*`));
    assert.deepEqual(final.interpretation?.report, report);
    // The conversation keeps the question in words, and took it as its title.
    const got = await c.json("GET", `/api/conversations/${conv}`);
    assert.equal(got.body.title, r.body.question);
    assert.deepEqual(
      got.body.messages.map((m: { role: string }) =>
        m.role
      ),
      ["user", "assistant"],
    );
    assert.equal(got.body.messages[0].content, r.body.question);
    assert.deepEqual(got.body.messages[1].interpretation.report, report);
  } finally {
    await t.close();
  }
});

Deno.test("security: input: POST turns {report}: 400 with what is wrong, 404 for another user's conversation", async () => {
  const { t, c, conv, model } = await setup();
  try {
    const post = (body: unknown) => c.json("POST", `/api/conversations/${conv}/turns`, body);
    const bad: [unknown, RegExp][] = [
      [{ report: { name: "no_such_report" } }, /Unknown report "no_such_report"/],
      [{ report: { name: "call_count", params: { period: "when pigs fly" } } }, /period/],
      [{ report: { name: "call_count", params: { direction: "sideways" } } }, /direction/],
      [{ report: { name: "call_breakdown", params: {} } }, /needs "group_by"/],
      [{ report: { name: "call_count", params: { planet: "mars" } } }, /Unknown parameter/],
      [{ report: "call_count" }, /must be an object/],
      [{ message: "hi", report: { name: "call_count" } }, /not both/],
      [{}, /"message" is required/],
    ];
    for (const [body, message] of bad) {
      const r = await post(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.error.message, message);
      assert.doesNotMatch(JSON.stringify(r.body), /at file:|\.ts:\d+/, "no stack trace");
    }
    const bob = await new TestClient(t.app).login("bob");
    const other = await bob.json("POST", `/api/conversations/${conv}/turns`, {
      report: { name: "call_count", params: {} },
    });
    assert.equal(other.status, 404);
    assert.equal(other.body.error.code, "not_found");
    assert.equal(model.calls, 0);
    const history = await c.json("GET", `/api/conversations/${conv}`);
    assert.deepEqual(history.body.messages, [], "nothing ran");
  } finally {
    await t.close();
  }
});

Deno.test("GET /api/vocabulary: values from the data, session required, cacheable", async () => {
  const { t, c } = await setup();
  try {
    const r = await c.json("GET", "/api/vocabulary");
    assert.equal(r.status, 200);
    const queues = [...new Set(fixtureCalls().map((x) => x.queue))].sort();
    assert.deepEqual(r.body.queues, queues);
    const agents = [...new Set(fixtureCalls().map((x) => x.agent_name).filter(Boolean))].sort();
    assert.deepEqual(r.body.agents, agents);
    assert.deepEqual(r.body.directions, ["incoming", "outgoing"]);
    assert.ok(r.body.statuses.includes("missed"));
    assert.ok(r.body.dimensions.includes("queue"));
    assert.ok(r.body.cities.length > 0 && r.body.segments.length > 0);
    assert.ok(r.body.period_presets.some((p: { value: string }) => p.value === "last week"));
    assert.match(r.res.headers.get("cache-control")!, /private, max-age=\d+/);
    const etag = r.res.headers.get("etag")!;
    assert.ok(etag);
    const again = await c.request("GET", "/api/vocabulary", undefined, { "If-None-Match": etag });
    assert.equal(again.status, 304);
    const anon = await new TestClient(t.app).json("GET", "/api/vocabulary");
    assert.equal(anon.status, 401);
    const catalog = await c.json("GET", "/api/reports/catalog");
    assert.equal(catalog.status, 200);
    const breakdown = catalog.body.reports.find((x: { name: string }) =>
      x.name === "call_breakdown"
    );
    assert.deepEqual(breakdown.required, ["group_by"]);
    assert.ok(breakdown.group_by.includes("queue"));
    assert.ok(breakdown.params.includes("period"));
  } finally {
    await t.close();
  }
});
