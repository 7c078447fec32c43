import assert from "node:assert/strict";
import type { AgentEvent } from "./events.ts";
import { MemoryStore } from "./memory_store.ts";
import {
  type CatalogCall,
  catalogInterpretation,
  createDataTools,
  MODEL_PREVIEW_ROWS,
} from "./tools.ts";
import { paramsSchema } from "../reports/params.ts";
import { FILTER_PARAMS } from "../reports/kpi.ts";
import type { ReportParams } from "../reports/types.ts";
import { fakeCatalog, fakeDataClient } from "../../testing/agent_doubles.ts";
import type { Document, ToolResult } from "../data/types.ts";
import { runAgent } from "./loop.ts";
import { createScriptedProvider } from "../../testing/scripted_provider.ts";
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

// ---------------------------------------------------------------------------------------
// Names checked against the data, and interpretation events

/** The fake catalog with the real catalog's parameter schemas (every filter accepted). */
function fullCatalog() {
  const catalog = fakeCatalog();
  const entries = catalog.listReports().map((e) => ({
    ...e,
    parameters: paramsSchema([...FILTER_PARAMS, "group_by", "limit"]),
  }));
  return {
    ...catalog,
    listReports: () => entries,
    getReport: (name: string) => entries.find((e) => e.name === name),
  };
}

/** A data client whose vocabulary queries answer from `values` (distinct values by field). */
function vocabularyAggregate(
  values: Record<string, string[]>,
  customers: string[] = [],
): (pipeline: Document[]) => Document[] {
  return (pipeline) => {
    const first = pipeline[0] as Document;
    if ("$facet" in first) {
      return [{ hit: [], near: customers.map((n) => ({ _id: n })) }];
    }
    const field = Object.keys((first.$match ?? {}) as Document)[0];
    if (pipeline.some((s) => Number(s.$skip) > 0)) return [];
    return (values[field] ?? []).map((v) => ({ _id: v }));
  };
}

const AGENTS = [
  "aditya",
  "anjali",
  "arjun",
  "deepa",
  "farhan",
  "johan",
  "jonas",
  "kavya",
  "meera",
  "nikhil",
  "pooja",
  "priya",
  "rahul",
  "rohan",
  "sneha",
  "vikram",
];

function namesSetup(customers: string[] = []) {
  const s = setup(
    {},
    vocabularyAggregate({ agent_name: AGENTS, queue: ["sales", "support"] }, customers),
  );
  const catalog = fullCatalog();
  return { ...s, catalog, opts: { ...s.opts, catalog } };
}

Deno.test("an unknown agent is asked back about: clarified outcome, error for the model", async () => {
  const { opts, events, calls } = namesSetup();
  const tools = await createDataTools(opts);
  const out = tools.execute({
    id: "1",
    name: "run_report",
    args: { name: "call_count", params: { agent: "jonah", period: "today" } },
    signal,
  });
  await assert.rejects(() => out, (e: Error) => {
    assert.equal(
      e.message,
      'No agent named "jonah". Did you mean: jonas, johan? Agents are: ' + AGENTS.join(", ") +
        " (16). Ask the user which one they meant; do not answer for all agents.",
    );
    return true;
  });
  assert.deepEqual(events.filter((e) => e.type === "outcome"), [{
    type: "outcome",
    outcome: "clarified",
    reason: 'No agent named "jonah"',
    unplaced: ["jonah"],
  }]);
  assert.equal(events.some((e) => e.type === "table" || e.type === "interpretation"), false);
  assert.deepEqual(calls, [], "no report ran");

  // make_excel_report checks the same way; a known name (any case) runs.
  await assert.rejects(
    () =>
      tools.execute({
        id: "2",
        name: "make_excel_report",
        args: { name: "call_list", params: { queue: "retention" } },
        signal,
      }),
    /No queue named "retention"\. Queues are: sales, support \(2\)\./,
  );
  await tools.execute({
    id: "3",
    name: "run_report",
    args: { name: "call_count", params: { agent: "Jonas", queue: "SALES" } },
    signal,
  });
  assert.equal(calls.length, 1);
});

Deno.test("an unknown customer name is asked back about; a phone number is not checked", async () => {
  const { opts, events, client } = namesSetup(["Ravi Kumar", "Meera Shah"]);
  const tools = await createDataTools(opts);
  await assert.rejects(
    () =>
      tools.execute({
        id: "1",
        name: "run_report",
        args: { name: "call_count", params: { customer: "Ravi Kumr" } },
        signal,
      }),
    /No customer named "Ravi Kumr" in the address book\. Did you mean: Ravi Kumar\? .*do not answer for all customers/,
  );
  const outcome = events.find((e) => e.type === "outcome") as Ev<"outcome">;
  assert.deepEqual(outcome.unplaced, ["Ravi Kumr"]);
  const before = client.log.aggregates.length;
  await tools.execute({
    id: "2",
    name: "run_report",
    args: { name: "call_count", params: { customer: "+919800000001" } },
    signal,
  });
  assert.equal(client.log.aggregates.length, before, "no lookup for a phone number");
});

Deno.test("when the names cannot be checked, the report runs as before", async () => {
  const { opts, calls } = setup({}, () => {
    throw new Error("connection refused");
  });
  const catalog = fullCatalog();
  const tools = await createDataTools({ ...opts, catalog });
  await tools.execute({
    id: "1",
    name: "run_report",
    args: { name: "call_count", params: { agent: "whoever", customer: "Someone" } },
    signal,
  });
  assert.equal(calls.length, 1);
});

Deno.test("catalogInterpretation reads what ran: metric, period, filters, grouping, unplaced", () => {
  const def = {
    name: "call_count",
    title: "Call count",
    parameters: paramsSchema([...FILTER_PARAMS, "group_by"]),
  };
  const period = {
    label: "today (24 Nov 2026)",
    start: new Date("2026-11-23T18:30:00Z"),
    end: new Date("2026-11-24T09:00:00.250Z"),
  };
  const asRun: ReportParams = {
    period: "today",
    direction: "inbound" as never,
    status: ["answered", "abandoned" as never],
    agent: " Priya ",
    queue: "sales",
    customer: "+919812345678",
    disposition: "sale",
    city: "Mumbai",
    segment: "vip",
    duration: { gt: 600 },
    group_by: "date" as never,
  };
  assert.deepEqual(
    catalogInterpretation(def, { period }, asRun, ["please", " thanks ", 3, "please"]),
    {
      metric: "call_count",
      metric_label: "Call count",
      period: {
        label: "today (24 Nov 2026)",
        start: "2026-11-23T18:30:00Z",
        end: "2026-11-24T09:00:00.250Z",
      },
      filters: {
        direction: "incoming",
        status: ["answered", "missed"],
        agent: "priya",
        queue: "sales",
        customer: "+919812345678",
        disposition: "sale",
        city: "Mumbai",
        segment: "vip",
        duration: "> 10 min",
      },
      group_by: "day",
      unplaced: ["please", "thanks"],
      // The entry and parameters exactly as run, so the reading can run again.
      report: { name: "call_count", params: asRun },
    },
  );
  // All data, one status, nothing unplaced; parameters the entry does not take are not shown.
  const list = { name: "call_list", title: "Call list", parameters: paramsSchema(["status"]) };
  assert.deepEqual(
    catalogInterpretation(list, {}, { status: "missed", group_by: "day", agent: "x" }),
    {
      metric: "call_list",
      metric_label: "Call list",
      period: null,
      filters: { status: "missed" },
      group_by: null,
      unplaced: [],
      report: { name: "call_list", params: { status: "missed", group_by: "day", agent: "x" } },
    },
  );
  // Lists of names are shown as lists (agents in lower case, once each).
  const many = catalogInterpretation(def, {}, {
    agent: ["Priya", "rohit", "PRIYA"],
    queue: ["sales", "support"],
    city: ["Pune"],
  });
  assert.deepEqual(many.filters, {
    agent: ["priya", "rohit"],
    queue: ["sales", "support"],
    city: "Pune",
  });
});

Deno.test("run_report and make_excel_report emit one interpretation per distinct reading", async () => {
  const { opts, events } = setup();
  const catalog = fullCatalog();
  const tools = await createDataTools({ ...opts, catalog });
  const args = {
    name: "call_count",
    params: { period: "last week", direction: "incoming", duration: { lt: 30 } },
    unplaced: ["hi"],
  };
  await tools.execute({ id: "1", name: "run_report", args, signal });
  await tools.execute({ id: "2", name: "make_excel_report", args, signal });
  const readings = events.filter((e) => e.type === "interpretation");
  assert.deepEqual(readings, [{
    type: "interpretation",
    metric: "call_count",
    metric_label: "call count",
    period: { label: "last week", start: "2026-11-17T00:00:00Z", end: "2026-11-24T00:00:00Z" },
    filters: { direction: "incoming", duration: "< 30 s" },
    group_by: null,
    unplaced: ["hi"],
    report: { name: "call_count", params: args.params },
  }]);
  // The interpretation follows the table of the same run.
  const kinds = events.map((e) => e.type);
  assert.ok(kinds.indexOf("table") < kinds.indexOf("interpretation"));
  // A different reading is emitted too; the custom pipeline path emits none.
  await tools.execute({
    id: "3",
    name: "run_report",
    args: { name: "call_breakdown", params: { period: "last week", group_by: "day" } },
    signal,
  });
  assert.equal(events.filter((e) => e.type === "interpretation").length, 2);
  const last = events.filter((e) => e.type === "interpretation").at(-1) as Ev<"interpretation">;
  assert.equal(last.group_by, "day");
  assert.deepEqual(last.unplaced, []);
});

Deno.test("run_report and make_excel_report offer the unplaced argument", async () => {
  const { opts } = setup();
  const tools = await createDataTools(opts);
  for (const name of ["run_report", "make_excel_report"]) {
    const def = tools.definitions.find((d) => d.name === name)!;
    const props = def.parameters.properties as Record<string, Record<string, unknown>>;
    assert.deepEqual(props.unplaced.type, "array");
    assert.deepEqual(props.unplaced.items, { type: "string" });
    assert.match(
      String(props.unplaced.description),
      /^Words of the user's question you did not use/,
    );
  }
});
