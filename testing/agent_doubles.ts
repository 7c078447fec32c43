/**
 * Test doubles for the agent's tests: a data client answering from canned results and
 * a catalog of two tiny entries. Not used by the app.
 */
import type { DataClient, Document, QueryResult, ToolInfo, ToolResult } from "../lib/data/types.ts";
import type {
  CompiledReport,
  ReportDefinition,
  ReportMeta,
  ReportParams,
  ReportResult,
} from "../lib/reports/types.ts";
import type { CatalogApi } from "../lib/agent/tools.ts";

/** What the fake client was asked. */
export interface FakeClientLog {
  calls: { name: string; args: Record<string, unknown> }[];
  aggregates: { collection: string; pipeline: Document[] }[];
}

/** A data client whose `callTool` answers from `answers` (by tool name). */
export function fakeDataClient(
  answers: Record<string, (args: Record<string, unknown>) => ToolResult> = {},
  opts: { tools?: ToolInfo[]; aggregate?: (pipeline: Document[]) => Document[] } = {},
): DataClient & { log: FakeClientLog } {
  const log: FakeClientLog = { calls: [], aggregates: [] };
  const tools = opts.tools ?? [
    {
      name: "find",
      description: "Run a find query",
      inputSchema: {
        type: "object",
        properties: { collection: { type: "string" }, filter: { type: "object" } },
      },
    },
    {
      name: "aggregate",
      description: "Run an aggregation",
      inputSchema: {
        type: "object",
        properties: {
          collection: { type: "string" },
          pipeline: {
            type: "array",
            items: { anyOf: [{ type: "object", properties: { $vectorSearch: {} } }] },
          },
        },
      },
    },
    {
      name: "count",
      description: "Count documents",
      inputSchema: { type: "object", properties: { collection: { type: "string" } } },
    },
  ];
  return {
    database: "test_db",
    log,
    listTools: () => Promise.resolve(tools),
    callTool(name, args) {
      log.calls.push({ name, args });
      const a = answers[name];
      if (!a) return Promise.reject(new Error(`Tool "${name}" is not allowed`));
      return Promise.resolve(a(args));
    },
    find: () => Promise.resolve({ documents: [], total: 0, appliedLimits: [] }),
    aggregate(collection, pipeline): Promise<QueryResult> {
      log.aggregates.push({ collection, pipeline });
      const docs = opts.aggregate?.(pipeline) ?? [];
      return Promise.resolve({ documents: docs, total: docs.length, appliedLimits: [] });
    },
    count: () => Promise.resolve(0),
    close: () => Promise.resolve(),
  };
}

/**
 * A catalog double: `call_count`, `call_breakdown` (group_by), `call_list` (listing).
 * With `agents`, a run whose `params.agent` is none of them fails with "No agent named …".
 */
export function fakeCatalog(opts: { listingRows?: number; agents?: string[] } = {}): CatalogApi & {
  runs: { name: string; params: ReportParams }[];
  saved: CompiledReport[];
} {
  const listingRows = opts.listingRows ?? 5000;
  const entry = (name: string, kind: "listing" | "aggregate"): ReportDefinition => ({
    name,
    title: name.replace("_", " "),
    description: `The ${name} report`,
    parameters: {
      type: "object",
      properties: { period: { type: "string" }, group_by: { type: "string" } },
    },
    kind,
    compile: () => Promise.reject(new Error("not used")),
  });
  const entries = [
    entry("call_count", "aggregate"),
    entry("call_breakdown", "aggregate"),
    entry("call_list", "listing"),
  ];
  const runs: { name: string; params: ReportParams }[] = [];
  const saved: CompiledReport[] = [];
  const base = (name: string, kind: "listing" | "aggregate") => ({
    name,
    title: name === "call_list" ? "Calls" : name === "call_count" ? "Call count" : "Calls by day",
    collection: "calling_cdr",
    pipeline: [{ $match: {} }],
    kind,
    filters: [],
    period: {
      start: new Date("2026-11-17T00:00:00Z"),
      end: new Date("2026-11-24T00:00:00Z"),
      label: "last week",
    },
    asOf: new Date("2026-11-24T09:00:00Z"),
  });
  return {
    runs,
    saved,
    listReports: () => entries,
    getReport: (name) => entries.find((e) => e.name === name),
    runReport(name, params, _ctx, { previewRows }): Promise<ReportResult> {
      runs.push({ name, params });
      const agent = (params as { agent?: unknown }).agent;
      if (opts.agents && typeof agent === "string" && !opts.agents.includes(agent)) {
        return Promise.reject(
          new Error(`No agent named "${agent}"; agents are ${opts.agents.join(", ")}`),
        );
      }
      if (name === "call_count") {
        return Promise.resolve({
          ...base(name, "aggregate"),
          columns: [{ key: "calls", label: "Calls", type: "integer" }],
          rows: [[468]],
          total_rows: 1,
          summary: { calls: 468 },
        });
      }
      if (name === "call_breakdown") {
        const days = Array.from({ length: 7 }, (_, i) => [`2026-11-${17 + i}`, 100 + i]);
        return Promise.resolve({
          ...base(name, "aggregate"),
          columns: [
            { key: "day", label: "Day", type: "string" },
            { key: "calls", label: "Calls", type: "integer" },
          ],
          rows: days,
          total_rows: days.length,
          summary: { groups: 7 },
        });
      }
      const rows = Array.from(
        { length: Math.min(previewRows, listingRows) },
        (_, i) => [new Date(Date.UTC(2026, 10, 20, 3, 30, i)), `C-${i}`, 60 + i],
      );
      return Promise.resolve({
        ...base(name, "listing"),
        columns: [
          { key: "start_time", label: "Start time", type: "datetime" },
          { key: "call_id", label: "Call ID", type: "string" },
          { key: "duration_seconds", label: "Duration (s)", type: "seconds", unit: "s" },
        ],
        rows,
        total_rows: listingRows,
        summary: { calls: listingRows },
      });
    },
    saveReportFromCompiled(compiled, o): Promise<ReportMeta> {
      saved.push(compiled);
      const meta: ReportMeta = {
        id: `r_${saved.length}`,
        owner: o.owner,
        title: compiled.title,
        name: compiled.name || null,
        params: o.params,
        collection: compiled.collection,
        pipeline_ejson: JSON.stringify(compiled.pipeline),
        columns: compiled.columns,
        filters: compiled.filters,
        period_label: compiled.period?.label ?? null,
        tz: o.tz,
        as_of: compiled.asOf.toISOString(),
        rows: o.rows,
        file_name: `${compiled.name || "custom"}.xlsx`,
        created_at: compiled.asOf.toISOString(),
      };
      return o.repo.saveReport(meta).then(() => meta);
    },
  };
}
