import assert from "node:assert/strict";
import type { AgentEvent } from "./events.ts";
import { MemoryStore } from "./memory_store.ts";
import { type CatalogCall, createDataTools, MODEL_PREVIEW_ROWS } from "./tools.ts";
import { fakeCatalog, fakeDataClient } from "./test_doubles.ts";
import type { Document, ToolResult } from "../data/types.ts";
import { runAgent } from "./loop.ts";
import { createScriptedProvider } from "./scripted_provider.ts";
import { parseToolResult } from "./envelope.ts";

type Ev<T extends AgentEvent["type"]> = Extract<AgentEvent, { type: T }>;

function setup(
  answers: Record<string, (args: Record<string, unknown>) => ToolResult> = {},
  aggregate?: (pipeline: Document[]) => Document[],
) {
  const client = fakeDataClient(answers, { aggregate });
  const catalog = fakeCatalog();
  const store = new MemoryStore();
  const events: AgentEvent[] = [];
  const calls: CatalogCall[] = [];
  const opts = {
    client,
    catalog,
    reports: store,
    owner: "u1",
    tz: "Asia/Kolkata",
    now: () => new Date("2026-11-24T09:00:00Z"),
    emit: (e: AgentEvent) => {
      events.push(e);
    },
    onCatalogCall: (c: CatalogCall) => calls.push(c),
  };
  return { client, catalog, store, events, calls, opts };
}

const signal = new AbortController().signal;

Deno.test("data tools offer the catalog tools and pass the allowed MCP tools through", async () => {
  const { client, opts, events } = setup({
    find: () => ({
      isError: false,
      text: "",
      structured: {
        documents: [{
          call_id: "C1",
          start_time: new Date("2026-11-24T03:30:00Z"),
          talk_seconds: 30,
        }],
        queryResultsCount: 1,
        appliedLimits: [],
      },
    }),
  });
  const tools = await createDataTools(opts);
  const names = tools.definitions.map((d) => d.name);
  assert.deepEqual(names, [
    "list_reports",
    "run_report",
    "make_excel_report",
    "find",
    "aggregate",
    "count",
  ]);
  const agg = tools.definitions.find((d) => d.name === "aggregate")!;
  const pipeline = (agg.parameters.properties as Record<string, Record<string, unknown>>).pipeline;
  assert.deepEqual(pipeline.items, { type: "object" });
  const runReport = tools.definitions.find((d) => d.name === "run_report")!;
  const nameSchema = (runReport.parameters.properties as Record<string, { enum: string[] }>).name;
  assert.deepEqual(nameSchema.enum, ["call_count", "call_breakdown", "call_list"]);

  const out = await tools.execute({
    id: "1",
    name: "find",
    args: { collection: "calling_cdr", filter: { agent_name: "x" } },
    signal,
  });
  assert.deepEqual(client.log.calls, [{
    name: "find",
    args: { collection: "calling_cdr", filter: { agent_name: "x" } },
  }]);
  assert.equal(out.result.total_rows, 1);
  const docs = out.result.documents as Record<string, unknown>[];
  assert.equal(docs[0].start_time, "2026-11-24T09:00:00+05:30");
  const table = events.find((e) => e.type === "table") as Ev<"table">;
  assert.deepEqual(table.columns, ["call_id", "start_time", "talk_seconds"]);
  assert.deepEqual(table.rows, [["C1", "2026-11-24 09:00:00", 30]]);
  await assert.rejects(
    () => tools.execute({ id: "2", name: "insert-many", args: {}, signal }),
    /Unknown tool/,
  );
});

Deno.test("an MCP error result becomes a thrown error", async () => {
  const { opts } = setup({
    count: () => ({ isError: true, text: "Collection nope does not exist" }),
  });
  const tools = await createDataTools(opts);
  await assert.rejects(
    () => tools.execute({ id: "1", name: "count", args: { collection: "nope" }, signal }),
    /does not exist/,
  );
});

Deno.test("a 5,000-row aggregate gives the model at most 10 rows and the table the rest", async () => {
  const docs = Array.from({ length: 5000 }, (_, i) => ({ customer_number: `+91${i}`, calls: i }));
  const { opts, events } = setup({
    aggregate: () => ({
      isError: false,
      text: "",
      structured: { documents: docs, count: 5000, appliedLimits: [] },
    }),
  });
  const tools = await createDataTools(opts);
  const provider = createScriptedProvider([
    { tool_calls: [{ name: "aggregate", arguments: { collection: "calling_cdr", pipeline: [] } }] },
    { text: "There are 5,000 customers." },
  ]);
  await runAgent({
    provider,
    messages: [{ role: "user", content: "q" }],
    tools: tools.definitions,
    executeTool: tools.execute,
    emit: opts.emit,
    signal,
    maxRounds: 2,
  });
  const toolMessage = provider.requests[1].messages.find((m) => m.role === "tool")!;
  const seen = parseToolResult(toolMessage.content)!;
  assert.ok((seen.documents as unknown[]).length <= MODEL_PREVIEW_ROWS);
  assert.equal(seen.total_rows, 5000);
  assert.ok(toolMessage.content.length < 4000, `model saw ${toolMessage.content.length} chars`);
  const table = events.find((e) => e.type === "table") as Ev<"table">;
  assert.equal(table.rows.length, 1000);
  assert.equal(table.total_rows, 5000);
});

Deno.test("run_report emits a table, a line chart for a day series, and records the call", async () => {
  const { opts, events, calls } = setup();
  const tools = await createDataTools(opts);
  const out = await tools.execute({
    id: "1",
    name: "run_report",
    args: { name: "call_breakdown", params: { period: "last week", group_by: "day", agent: "" } },
    signal,
  });
  assert.deepEqual(calls, [{
    name: "call_breakdown",
    params: { period: "last week", group_by: "day" },
  }]);
  const table = events.find((e) => e.type === "table") as Ev<"table">;
  assert.equal(table.title, "Calls by day — last week");
  assert.deepEqual(table.columns, ["Day", "Calls"]);
  assert.deepEqual(table.column_types, ["string", "integer"]);
  assert.equal(table.rows.length, 7);
  const chart = events.find((e) => e.type === "chart") as Ev<"chart">;
  assert.equal(chart.kind, "line");
  assert.equal(chart.labels.length, 7);
  assert.deepEqual(chart.series[0].data.slice(0, 2), [100, 101]);
  assert.equal(out.summary, "7 rows");
  assert.equal(out.result.period, "last week");
});

Deno.test("run_report of a listing gives the model 10 rows and the table a preview", async () => {
  const { opts, events } = setup();
  const tools = await createDataTools(opts);
  const out = await tools.execute({
    id: "1",
    name: "run_report",
    args: { name: "call_list" },
    signal,
  });
  assert.equal((out.result.rows as unknown[]).length, MODEL_PREVIEW_ROWS);
  assert.equal(out.result.total_rows, 5000);
  assert.match(String(out.result.note), /Only 10 of 5000 rows/);
  const table = events.find((e) => e.type === "table") as Ev<"table">;
  assert.equal(table.total_rows, 5000);
  assert.ok(table.rows.length > MODEL_PREVIEW_ROWS && table.rows.length < 5000);
  assert.equal(table.rows[0][0], "2026-11-20 09:00:00");
  assert.equal(events.some((e) => e.type === "chart"), false);
});

Deno.test("run_report refuses an unknown report and names the real ones", async () => {
  const { opts } = setup();
  const tools = await createDataTools(opts);
  await assert.rejects(
    () => tools.execute({ id: "1", name: "run_report", args: { name: "revenue" }, signal }),
    /Unknown report "revenue". Reports: call_count, call_breakdown, call_list/,
  );
});

Deno.test("make_excel_report saves the report and emits a report event", async () => {
  const { opts, events, store, catalog, calls } = setup();
  const tools = await createDataTools(opts);
  const out = await tools.execute({
    id: "1",
    name: "make_excel_report",
    args: { name: "call_list", params: { period: "today", direction: "incoming" } },
    signal,
  });
  const report = events.find((e) => e.type === "report") as Ev<"report">;
  assert.equal(report.rows, 5000);
  assert.equal(report.download, `/api/reports/${report.id}`);
  assert.equal(report.file_name, "call_list.xlsx");
  assert.equal(out.result.report_id, report.id);
  // The file's row count and the preview rows are distinct fields.
  assert.equal(out.result.rows_in_file, 5000);
  assert.ok(Array.isArray(out.result.rows));
  assert.equal((out.result.rows as unknown[]).length, MODEL_PREVIEW_ROWS);
  assert.equal(out.result.total_rows, 5000);
  assert.equal((await store.getReport("u1", report.id))?.rows, 5000);
  assert.equal(await store.getReport("someone-else", report.id), null);
  assert.equal(catalog.saved.length, 1);
  assert.deepEqual(calls, [{
    name: "call_list",
    params: { period: "today", direction: "incoming" },
  }]);
});

Deno.test("make_excel_report saves a custom pipeline and refuses writing stages", async () => {
  const { opts, events, catalog, client } = setup({}, (pipeline) => {
    const last = pipeline.at(-1)!;
    if ("$count" in last) return [{ n: 42 }];
    return [{ agent: "a", calls: 3 }, { agent: "b", calls: 2 }];
  });
  const tools = await createDataTools(opts);
  const out = await tools.execute({
    id: "1",
    name: "make_excel_report",
    args: {
      title: "Calls since",
      collection: "calling_cdr",
      pipeline: [
        { $match: { start_time: { $gte: { $date: "2026-11-01T00:00:00Z" } } } },
        { $group: { _id: "$agent_name", calls: { $sum: 1 } } },
      ],
    },
    signal,
  });
  const match = client.log.aggregates[0].pipeline[0] as {
    $match: { start_time: { $gte: unknown } };
  };
  assert.ok(match.$match.start_time.$gte instanceof Date);
  assert.equal(catalog.saved[0].name, "");
  assert.deepEqual(catalog.saved[0].columns.map((c) => c.key), ["agent", "calls"]);
  const report = events.find((e) => e.type === "report") as Ev<"report">;
  assert.equal(report.rows, 42);
  assert.equal(out.result.rows_in_file, 42);
  assert.deepEqual(out.result.rows, [["a", 3], ["b", 2]]);
  await assert.rejects(
    () =>
      tools.execute({
        id: "2",
        name: "make_excel_report",
        args: { title: "x", collection: "calling_cdr", pipeline: [{ $out: "copy" }] },
        signal,
      }),
    /read-only/,
  );
});

Deno.test("an Excel request that also runs the report shows its table and chart once", async () => {
  const { opts, events } = setup();
  const tools = await createDataTools(opts);
  const args = { name: "call_breakdown", params: { period: "last week", group_by: "day" } };
  await Promise.all([
    tools.execute({ id: "1", name: "run_report", args, signal }),
    tools.execute({ id: "2", name: "make_excel_report", args, signal }),
  ]);
  assert.equal(events.filter((e) => e.type === "table").length, 1);
  assert.equal(events.filter((e) => e.type === "chart").length, 1);
  assert.equal(events.filter((e) => e.type === "report").length, 1);
  // A different report still shows its own table.
  await tools.execute({
    id: "3",
    name: "run_report",
    args: { name: "call_list", params: { period: "today" } },
    signal,
  });
  assert.equal(events.filter((e) => e.type === "table").length, 2);
});
