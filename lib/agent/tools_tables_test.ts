/**
 * The data tools over the real catalog and the embedded MCP server: tables shown in the
 * order of the metric asked (`sort_by`), saved as queries with an Excel link and cursor
 * pages, and charts of that metric.
 */
import assert from "node:assert/strict";
import { ObjectId } from "bson";
import type { Document } from "../data/types.ts";
import { openStore } from "../kv.ts";
import { readTablePage, tablePipeline } from "../reports/tables.ts";
import { embeddedClient } from "../../testing/report_fixture.ts";
import { realCatalog } from "./catalog_api.ts";
import type { AgentEvent } from "./events.ts";
import { createDataTools, TABLE_PREVIEW_ROWS } from "./tools.ts";

type Ev<T extends AgentEvent["type"]> = Extract<AgentEvent, { type: T }>;

const NOW = new Date("2026-11-24T09:00:00Z");
const AGENTS = ["ann", "bob", "cy", "dee", "eve"];

/**
 * 180 calls: five agents with different handle times, durations that repeat; the last ten
 * are on the morning of "today".
 */
function calls(): Document[] {
  return Array.from({ length: 180 }, (_, i) => {
    const answered = i % 6 !== 0;
    const agent = AGENTS[i % AGENTS.length];
    return {
      _id: new ObjectId(String(i + 1).padStart(24, "0")),
      call_id: `C${String(i).padStart(4, "0")}`,
      direction: i % 4 ? "incoming" : "outgoing",
      status: answered ? "answered" : "missed",
      queue: ["sales", "support"][i % 2],
      agent_name: answered ? agent : null,
      agent_id: null,
      customer_number: `+9198000${String(i % 30).padStart(5, "0")}`,
      customer_id: null,
      did_number: "+912240000000",
      start_time: i < 170
        ? new Date(Date.UTC(2026, 10, 20, 0, i * 5))
        : new Date(Date.UTC(2026, 10, 24, 1, i - 170)),
      answer_time: null,
      end_time: new Date(Date.UTC(2026, 10, 20, 23)),
      ring_seconds: i % 9,
      talk_seconds: answered ? 60 + (i % 5) * 40 + (i % 7) : 0,
      hold_seconds: answered ? (i * 3) % 20 : 0,
      wrap_up_seconds: answered ? 10 : 0,
      duration_seconds: (i * 37) % 400,
      disposition: answered ? "resolved" : null,
      hangup_by: "customer",
      recording_url: null,
    };
  });
}

/** AHT per agent, computed here from the calls. */
function ahtByAgent(): Map<string, number> {
  const sums = new Map<string, { t: number; n: number }>();
  for (const c of calls()) {
    if (c.status !== "answered" || !c.agent_name) continue;
    const s = sums.get(c.agent_name as string) ?? { t: 0, n: 0 };
    s.t += (c.talk_seconds as number) + (c.hold_seconds as number) +
      (c.wrap_up_seconds as number);
    s.n++;
    sums.set(c.agent_name as string, s);
  }
  return new Map([...sums].map(([k, s]) => [k, s.t / s.n]));
}

async function setup(withTables = true) {
  const client = await embeddedClient({ calling_cdr: calls(), address_book: [] });
  const store = await openStore(":memory:");
  const events: AgentEvent[] = [];
  const tools = await createDataTools({
    client,
    catalog: realCatalog,
    reports: store,
    tables: withTables ? undefined : null,
    owner: "u1",
    tz: "Asia/Kolkata",
    now: () => NOW,
    emit: (e) => void events.push(e),
    nameCheckTimeoutMs: 2000,
  });
  const signal = new AbortController().signal;
  const run = (args: Record<string, unknown>) =>
    tools.execute({ id: "1", name: "run_report", args, signal });
  return { client, store, events, run, close: () => store.close() };
}

Deno.test("sort_by: the AHT ranking's table and chart lead with AHT, highest first", async () => {
  const t = await setup();
  try {
    const out = await t.run({ name: "agent_performance", sort_by: "aht_seconds" });
    const table = t.events.find((e) => e.type === "table") as Ev<"table">;
    assert.equal(table.column_keys?.[0], "agent");
    assert.equal(table.column_keys?.[1], "aht_seconds");
    assert.equal(table.columns[1], "AHT (s)");
    const expected = [...ahtByAgent()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
    assert.deepEqual(table.rows.map((r) => r[0]), expected);
    assert.deepEqual(table.sort, { column: 1, order: "desc" });
    const chart = t.events.find((e) => e.type === "chart") as Ev<"chart">;
    assert.deepEqual(chart.labels, expected);
    assert.equal(chart.series[0].name, "AHT");
    assert.equal(chart.y_label, "AHT (m:ss)");
    assert.equal(chart.unit, "s");
    // The model reads the same order, and is told so.
    assert.equal(out.result.sorted_by, "aht_seconds");
    const keys = (out.result.columns as { key: string }[]).map((c) => c.key);
    const rows = out.result.rows as unknown[][];
    assert.deepEqual(rows.map((r) => r[keys.indexOf("agent")]), expected);
    // Saved as a query: the Excel file has the columns and rows in the order shown.
    assert.match(table.download ?? "", /^\/api\/tables\/t_[A-Za-z0-9_-]+\/xlsx$/);
    assert.equal(table.rows_url, undefined, "every row is in the table");
    const id = table.download!.split("/")[3];
    const meta = await t.store.getTable("u1", id);
    assert.ok(meta);
    assert.equal(await t.store.getTable("someone-else", id), null);
    assert.deepEqual(meta.columns.map((c) => c.key), table.column_keys);
    const page = await readTablePage(t.client, {
      collection: meta.collection,
      pipeline: tablePipeline(meta),
      columns: meta.columns,
      total: meta.rows,
    });
    assert.deepEqual(page.docs.map((d) => d.agent), expected);
  } finally {
    t.close();
  }
});

Deno.test("sort_by with a limit keeps the first rows of that order; bad columns say so", async () => {
  const t = await setup();
  try {
    await t.run({
      name: "agent_performance",
      params: { limit: 2 },
      sort_by: "aht_seconds",
      sort_order: "asc",
    });
    const table = t.events.find((e) => e.type === "table") as Ev<"table">;
    const lowest = [...ahtByAgent()].sort((a, b) => a[1] - b[1]).map(([k]) => k).slice(0, 2);
    assert.deepEqual(table.rows.map((r) => r[0]), lowest);
    assert.equal(table.total_rows, 2);
    await assert.rejects(
      () => t.run({ name: "agent_performance", sort_by: "csat" }),
      /Cannot sort by "csat"/,
    );
  } finally {
    t.close();
  }
});

Deno.test("a listing sorted by a column: its first page, then cursor pages in that order", async () => {
  const t = await setup();
  try {
    await t.run({ name: "call_list", sort_by: "duration_seconds" });
    const table = t.events.find((e) => e.type === "table") as Ev<"table">;
    const at = table.column_keys!.indexOf("duration_seconds");
    const all = calls().map((c) => c.duration_seconds as number).sort((a, b) => b - a);
    assert.equal(table.rows.length, TABLE_PREVIEW_ROWS);
    assert.deepEqual(table.rows.map((r) => r[at]), all.slice(0, TABLE_PREVIEW_ROWS));
    assert.equal(table.total_rows, calls().length);
    assert.match(table.rows_url ?? "", /^\/api\/tables\/t_[A-Za-z0-9_-]+\/rows$/);
    assert.ok(table.next_cursor);
    const meta = await t.store.getTable("u1", table.rows_url!.split("/")[3]);
    const page = await readTablePage(t.client, {
      collection: meta!.collection,
      pipeline: tablePipeline(meta!),
      columns: meta!.columns,
      total: meta!.rows,
    }, { cursor: table.next_cursor, limit: 100 });
    assert.equal(page.start, TABLE_PREVIEW_ROWS);
    assert.deepEqual(
      page.docs.map((d) => d.duration_seconds),
      all.slice(TABLE_PREVIEW_ROWS, TABLE_PREVIEW_ROWS + 100),
    );
  } finally {
    t.close();
  }
});

Deno.test("a day series marks today so far; without a table store there are no links", async () => {
  const t = await setup(false);
  try {
    const out = await t.run({
      name: "call_breakdown",
      params: { group_by: "day", period: "last 7 days" },
    });
    const table = t.events.find((e) => e.type === "table") as Ev<"table">;
    assert.equal(table.download, undefined);
    assert.equal(table.so_far, true, "the last 7 days run up to now");
    assert.deepEqual(table.rows.map((r) => r[0]), ["2026-11-20", "2026-11-24"]);
    assert.deepEqual(table.partial_rows, [1], "today, 14:30 in Kolkata, is not over");
    const chart = t.events.find((e) => e.type === "chart") as Ev<"chart">;
    assert.deepEqual(chart.partial, [false, true]);
    assert.deepEqual(out.result.not_over, ["2026-11-24"], "the model is told too");
    await t.run({ name: "call_breakdown", params: { group_by: "day" } });
    const all = t.events.filter((e) => e.type === "table").at(-1) as Ev<"table">;
    assert.deepEqual(all.sort, { column: 0, order: "asc" }, "days stay in time order");
  } finally {
    t.close();
  }
});
