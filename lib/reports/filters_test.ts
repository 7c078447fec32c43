import assert from "node:assert/strict";
import type { DataClient } from "../data/types.ts";
import { buildFilters } from "./filters.ts";
import { normalizeParams } from "./params.ts";
import { runReport } from "./run.ts";
import {
  FIXTURE_CUSTOMERS,
  FIXTURE_NOW,
  fixtureCalls,
  fixtureClient,
} from "../../testing/report_fixture.ts";
import type { ReportParams } from "./types.ts";

const TZ = "Asia/Kolkata";
const CLIENT: DataClient = await fixtureClient();
const VISIBLE = fixtureCalls().filter((c) => c.start_time < FIXTURE_NOW);
const ctx = { client: CLIENT, tz: TZ, now: FIXTURE_NOW };

async function count(params: ReportParams): Promise<{ calls: number; filters: string[] }> {
  const r = await runReport("call_count", params, ctx);
  return { calls: Number(r.summary.calls), filters: r.filters };
}

function built(params: ReportParams) {
  return buildFilters(
    normalizeParams(params, ["agent", "queue", "disposition", "city", "segment"]),
    ctx,
  );
}

Deno.test("filters: a list of agents matches any of them, case-insensitive", async () => {
  const r = await count({ agent: ["ASHA", " bruno "] });
  const expected = VISIBLE.filter((c) => c.agent_name === "asha" || c.agent_name === "bruno");
  assert.ok(expected.length > 0);
  assert.equal(r.calls, expected.length);
  assert.ok(r.filters.includes("agent: asha or bruno"), r.filters.join("; "));
  const one = await count({ agent: ["asha"] });
  assert.equal(one.calls, VISIBLE.filter((c) => c.agent_name === "asha").length);
  assert.ok(one.filters.includes("agent: asha"));
  const b = await built({ agent: ["Asha", "bruno"] });
  assert.deepEqual(b.match.agent_name, { $in: ["asha", "bruno"] });
});

Deno.test("filters: lists of queues and dispositions compile to $in, ignoring case", async () => {
  const q = await count({ queue: ["SUPPORT", "billing"] });
  const inQueues = VISIBLE.filter((c) => ["support", "billing"].includes(c.queue));
  assert.ok(inQueues.length > 0 && inQueues.length < VISIBLE.length);
  assert.equal(q.calls, inQueues.length);
  assert.ok(q.filters.includes("queue: SUPPORT or billing"), q.filters.join("; "));
  const b = await built({ queue: ["SUPPORT", "billing"] });
  assert.deepEqual(b.match.$expr, {
    $in: [{ $toLower: { $ifNull: ["$queue", ""] } }, ["support", "billing"]],
  });
  const d = await count({ disposition: ["Sale", "no_sale", "nothing-like-this"] });
  assert.equal(d.calls, VISIBLE.filter((c) => ["sale", "no_sale"].includes(c.disposition!)).length);
  assert.ok(d.filters.includes("disposition: Sale or no_sale or nothing-like-this"));
});

Deno.test("filters: lists of cities and segments go through the address book", async () => {
  const phones = (k: string, vs: string[]) =>
    FIXTURE_CUSTOMERS.filter((c) => vs.includes(c[k] as string)).map((c) => c.phone as string);
  const cities = phones("city", ["Mumbai", "Delhi"]);
  const r = await count({ city: ["mumbai", "DELHI"] });
  assert.equal(r.calls, VISIBLE.filter((c) => cities.includes(c.customer_number)).length);
  assert.ok(
    r.filters.some((f) => f.startsWith("city: mumbai or DELHI") && f.includes("3 customers")),
    r.filters.join("; "),
  );
  // Both attributes: customers in either city and either segment.
  const both = FIXTURE_CUSTOMERS.filter((c) =>
    ["Mumbai", "Pune"].includes(c.city as string) &&
    ["vip", "business"].includes(c.segment as string)
  ).map((c) => c.phone as string);
  const s = await count({ city: ["Mumbai", "Pune"], segment: ["vip", "business"] });
  assert.equal(both.length, 2);
  assert.equal(s.calls, VISIBLE.filter((c) => both.includes(c.customer_number)).length);
  assert.ok(s.filters.some((f) => f.includes("segment: vip or business (2 customers")));
});

Deno.test("filters: a list narrows a breakdown the same as the values one by one", async () => {
  const tz = TZ;
  const both = await runReport("call_breakdown", {
    group_by: "queue",
    queue: ["sales", "support"],
  }, { client: CLIENT, tz, now: FIXTURE_NOW });
  const keys = both.rows.map((r) => String(r[0])).sort();
  assert.deepEqual(keys, ["sales", "support"]);
  for (const row of both.rows) {
    const one = await count({ queue: String(row[0]) });
    assert.equal(row[1], one.calls);
  }
});
