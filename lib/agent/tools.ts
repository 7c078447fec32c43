/**
 * The data agent's tools: the read-only MCP tools the data client allows (passed
 * through), and the catalog tools `list_reports`, `run_report`, `make_excel_report`.
 *
 * The model never sees a full result set: every result it reads carries at most
 * {@link MODEL_PREVIEW_ROWS} rows, the total row count, the columns and a summary, so a
 * question costs the same tokens on a thousand calls or ten million. Tables, charts and
 * reports reach the user directly as events.
 */
import { EJSON } from "bson";
import type { DataClient, Document, ToolInfo } from "../data/types.ts";
import { durationLabel } from "../reports/filters.ts";
import { timeOfDayLabel } from "../reports/time_of_day.ts";
import { normalizeParams, type ParamName, paramValues } from "../reports/params.ts";
import type {
  Column,
  CompiledReport,
  ReportContext,
  ReportDefinition,
  ReportMeta,
  ReportParams,
  ReportRepository,
  ReportResult,
} from "../reports/types.ts";
import { readAll } from "../data/read_all.ts";
import { assertReadOnly } from "../data/read_only_guard.ts";
import { rowValues } from "../reports/run.ts";
import {
  encodeCursor,
  isTableRepository,
  readTablePage,
  sortedPipeline,
  tableMetaFromCompiled,
  type TableRepository,
} from "../reports/tables.ts";
import { chartFor } from "./charts.ts";
import type { EmitEvent, Interpretation, PeriodReading, TableSpec } from "./events.ts";
import { presentResult, readSortArgs, type SortRequest, sortRows } from "./presentation.ts";
import { checkNames, unknownNamesMessage, unknownNamesReason } from "./name_check.ts";
import type { ToolExecutor, ToolInvocation, ToolOutput } from "./loop.ts";
import type { ToolDefinition } from "./types.ts";
import { inferType, toCell, toJsonValue } from "./values.ts";

/** Rows of a result the model reads, at most. */
export const MODEL_PREVIEW_ROWS = 10;
/** Rows of a listing shown in the chat's table: its first page (more are paged on request). */
export const TABLE_PREVIEW_ROWS = 50;
/** Rows of an aggregate shown in full (more are counted in `total_rows`). */
export const TABLE_MAX_ROWS = 1000;
/** Characters of an unstructured tool result passed to the model, at most. */
const MAX_TEXT_CHARS = 6000;

/** The catalog functions the tools use (the real ones from lib/reports, or test doubles). */
export interface CatalogApi {
  listReports(): ReportDefinition[];
  getReport(name: string): ReportDefinition | undefined;
  runReport(
    name: string,
    params: ReportParams,
    ctx: ReportContext,
    opts: { previewRows: number },
  ): Promise<ReportResult>;
  saveReportFromCompiled(
    compiled: CompiledReport,
    opts: {
      owner: string;
      repo: ReportRepository;
      rows: number;
      params: ReportParams | null;
      tz: string;
    },
  ): Promise<ReportMeta>;
}

/** A catalog call, remembered for follow-ups. */
export interface CatalogCall {
  name: string;
  params: ReportParams;
}

/** Options of {@link createDataTools}. */
export interface DataToolsOptions {
  client: DataClient;
  catalog: CatalogApi;
  reports: ReportRepository;
  /** The user the reports belong to. */
  owner: string;
  tz: string;
  now: () => Date;
  emit: EmitEvent;
  /** Told about every successful run_report / make_excel_report on a catalog entry. */
  onCatalogCall?: (call: CatalogCall) => void;
  /** How long the check of names against the data may wait (default 5 s). */
  nameCheckTimeoutMs?: number;
  /**
   * Where tables shown are saved as queries, for paging and Excel downloads (default:
   * `reports` when it can save tables; none: tables carry no download or paging links).
   */
  tables?: TableRepository | null;
}

/** The data agent's tools: definitions for the model and one executor. */
export interface DataTools {
  definitions: ToolDefinition[];
  execute: ToolExecutor;
}

const CATALOG_TOOLS = new Set(["list_reports", "run_report", "make_excel_report"]);
const listed = new WeakMap<DataClient, Promise<ToolInfo[]>>();

/** The client's allowed tools, listed once per client. */
function mcpTools(client: DataClient): Promise<ToolInfo[]> {
  let p = listed.get(client);
  if (!p) {
    p = client.listTools();
    p.catch(() => listed.delete(client));
    listed.set(client, p);
  }
  return p;
}

/** Builds the data agent's tools for one turn. */
export async function createDataTools(options: DataToolsOptions): Promise<DataTools> {
  const opts = { ...options, emit: onceEach(options.emit) };
  const infos = (await mcpTools(opts.client)).filter((t) => !CATALOG_TOOLS.has(t.name));
  const mcpNames = new Set(infos.map((t) => t.name));
  const definitions: ToolDefinition[] = [
    ...catalogToolDefinitions(opts.catalog.listReports()),
    ...infos.map((t) => ({
      name: t.name,
      description: t.description,
      parameters: compactSchema(t.inputSchema),
    })),
  ];
  const execute: ToolExecutor = async (call) => {
    switch (call.name) {
      case "list_reports":
        return listReportsTool(opts);
      case "run_report":
        return await runReportTool(opts, call);
      case "make_excel_report":
        return await makeExcelReportTool(opts, call);
      default:
        if (mcpNames.has(call.name)) return await mcpTool(opts, call);
        throw new Error(`Unknown tool "${call.name}"`);
    }
  };
  return { definitions, execute };
}

// ---------------------------------------------------------------------------------------
// Definitions

const UNPLACED_DESCRIPTION = "Words of the user's question you did not use; only words that " +
  "do not change the result (greetings, filler). If a word could change the result, ask the " +
  "user instead of running a report.";

/** The catalog tools' definitions (run_report's parameters merged from every entry). */
export function catalogToolDefinitions(entries: ReportDefinition[]): ToolDefinition[] {
  const names = entries.map((e) => e.name);
  const properties: Record<string, unknown> = {};
  for (const e of entries) {
    const props = (e.parameters as { properties?: Record<string, unknown> }).properties ?? {};
    for (const [k, v] of Object.entries(props)) properties[k] ??= v;
  }
  const params = {
    type: "object",
    description: "Filters and options (all optional; nothing named = all data).",
    properties,
  };
  const unplaced = {
    type: "array",
    items: { type: "string" },
    description: UNPLACED_DESCRIPTION,
  };
  const measure = {
    type: "string",
    description:
      'The measure in the user\'s words when you derive it from this report (e.g. "Average calls per day" from a breakdown by day); shown to the user as how the question was read.',
  };
  const sortBy = {
    type: "string",
    description:
      'The column key of the metric the user asked about (e.g. "aht_seconds" for "which agent had the highest AHT", "duration_seconds" for the longest calls): the table is sorted by it, shows it right after the name, and the chart draws it. The rows you get are in this order too.',
  };
  const sortOrder = {
    type: "string",
    enum: ["desc", "asc"],
    description: '"desc" (default): highest first; "asc" for the lowest/fewest/fastest.',
  };
  return [
    {
      name: "list_reports",
      description: "Lists the report catalog: names, what each answers, and its parameters.",
      parameters: { type: "object", properties: {} },
    },
    {
      name: "run_report",
      description:
        "Runs a named report of the catalog and returns its headline summary, columns, total row count and up to 10 preview rows. The user sees the full table (and a chart for breakdowns) automatically.",
      parameters: {
        type: "object",
        properties: {
          name: { type: "string", enum: names },
          params,
          unplaced,
          measure,
          sort_by: sortBy,
          sort_order: sortOrder,
        },
        required: ["name"],
      },
    },
    {
      name: "make_excel_report",
      description:
        "Saves a downloadable Excel report: either a catalog report ({name, params}) or a custom aggregation ({title, collection, pipeline, columns?}). The user gets the download link; you get the row count, summary and a preview.",
      parameters: {
        type: "object",
        properties: {
          name: { type: "string", enum: names, description: "Catalog report name." },
          params: {
            type: "object",
            description: "Catalog report: the same parameters as run_report's params.",
          },
          title: { type: "string", description: "Custom report: its title." },
          collection: { type: "string", description: "Custom report: the collection." },
          pipeline: {
            type: "array",
            items: { type: "object" },
            description: "Custom report: a read-only aggregation pipeline (EJSON dates).",
          },
          columns: {
            type: "array",
            items: { type: "string" },
            description: "Custom report: the document keys to export, in order.",
          },
          unplaced,
          measure,
          sort_by: sortBy,
          sort_order: sortOrder,
        },
      },
    },
  ];
}

/**
 * Shrinks an MCP input schema for the model: pipeline stages become plain objects (the
 * real server's stage schema is thousands of tokens long).
 */
export function compactSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const props = schema.properties as Record<string, Record<string, unknown>> | undefined;
  if (!props?.pipeline) return schema;
  return {
    ...schema,
    properties: {
      ...props,
      pipeline: {
        type: "array",
        items: { type: "object" },
        description: (props.pipeline.description as string | undefined) ??
          "An aggregation pipeline (read-only stages).",
      },
    },
  };
}

// ---------------------------------------------------------------------------------------
// Catalog tools

function listReportsTool(opts: DataToolsOptions): ToolOutput {
  const reports = opts.catalog.listReports().map((r) => ({
    name: r.name,
    title: r.title,
    kind: r.kind,
    description: r.description,
    parameters: Object.keys(
      (r.parameters as { properties?: Record<string, unknown> }).properties ?? {},
    ),
  }));
  return { result: { reports }, summary: `${reports.length} reports` };
}

function readCatalogArgs(
  opts: DataToolsOptions,
  args: Record<string, unknown>,
): { def: ReportDefinition; params: ReportParams } {
  const name = args.name;
  if (typeof name !== "string" || !name) {
    throw new Error("Missing report name: pass {name, params}");
  }
  const def = opts.catalog.getReport(name);
  if (!def) {
    const names = opts.catalog.listReports().map((r) => r.name).join(", ");
    throw new Error(`Unknown report "${name}". Reports: ${names}`);
  }
  const raw = args.params ?? {};
  if (typeof raw !== "object" || Array.isArray(raw) || raw === null) {
    throw new Error('Invalid params: pass an object such as {"period": "today"}');
  }
  const params: ReportParams = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v !== null && v !== undefined && v !== "") (params as Record<string, unknown>)[k] = v;
  }
  return { def, params };
}

/**
 * Checks the names in `params` (agent, queue, disposition, city, segment, a customer's
 * name) against the data. An unknown one is asked back about: a `clarified` outcome for
 * the turn, and an error telling the model the closest matches and to ask the user.
 * When the data cannot be read in time, the report runs as before.
 */
async function requireKnownNames(
  opts: DataToolsOptions,
  params: ReportParams,
  signal: AbortSignal,
): Promise<void> {
  const unknown = await checkNames(opts.client, params, {
    signal,
    timeoutMs: opts.nameCheckTimeoutMs,
  });
  if (!unknown.length) return;
  await opts.emit({
    type: "outcome",
    outcome: "clarified",
    reason: unknownNamesReason(unknown),
    unplaced: unknown.map((u) => u.value),
  });
  throw new Error(unknownNamesMessage(unknown));
}

/** An instant as the CLI contract writes it: ISO UTC, milliseconds only when set. */
function isoInstant(d: Date): string {
  return d.toISOString().replace(".000Z", "Z");
}

/** The words of a tool call's `unplaced` argument (strings, trimmed, once each). */
export function readUnplaced(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : typeof raw === "string" ? [raw] : [];
  const out: string[] = [];
  for (const w of list) {
    if (typeof w !== "string") continue;
    const t = w.trim();
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

/** The filter names an interpretation lists, in order. */
const INTERPRETED_FILTERS = [
  "direction",
  "status",
  "agent",
  "queue",
  "customer",
  "disposition",
  "city",
  "segment",
  "duration",
  "time_of_day",
] as const;

/**
 * How a catalog run read the question, from what actually ran: the entry (metric), the
 * compiled report's period, each filter the entry applied (as the catalog normalises it:
 * "inbound" → "incoming", an agent in lower case, a duration in words), the grouping and
 * the words the model did not use.
 */
export function catalogInterpretation(
  def: Pick<ReportDefinition, "name" | "title" | "parameters">,
  compiled: Pick<CompiledReport, "period">,
  params: ReportParams,
  unplaced: unknown = [],
  measure?: unknown,
): Interpretation {
  const props = (def.parameters as { properties?: Record<string, unknown> }).properties;
  const accepted =
    (props ? Object.keys(props) : [...INTERPRETED_FILTERS, "group_by"]) as ParamName[];
  const p = normalizeParams(params, accepted);
  const filters: Interpretation["filters"] = {};
  for (const name of INTERPRETED_FILTERS) {
    const v = p[name];
    if (v === undefined) continue;
    if (name === "duration") filters.duration = durationLabel(p.duration!);
    else if (name === "time_of_day") filters.time_of_day = timeOfDayLabel(p.time_of_day!);
    else if (name === "status") filters.status = p.status!.length === 1 ? p.status![0] : p.status!;
    else if (name === "agent") {
      const agents = [...new Set(paramValues(p.agent).map((a) => a.trim().toLowerCase()))];
      filters.agent = agents.length === 1 ? agents[0] : agents;
    } else filters[name] = Array.isArray(v) ? v.map(String) : String(v);
  }
  const period: PeriodReading | null = compiled.period
    ? {
      label: compiled.period.label,
      start: isoInstant(compiled.period.start),
      end: isoInstant(compiled.period.end),
    }
    : null;
  return {
    metric: def.name,
    metric_label: typeof measure === "string" && measure.trim()
      ? measure.trim().slice(0, 80)
      : def.title,
    period,
    filters,
    group_by: p.group_by ?? null,
    unplaced: readUnplaced(unplaced),
    report: { name: def.name, params: structuredClone(params) },
  };
}

async function emitInterpretation(
  opts: DataToolsOptions,
  def: ReportDefinition,
  result: ReportResult,
  params: ReportParams,
  args: Record<string, unknown>,
): Promise<void> {
  await opts.emit({
    type: "interpretation",
    ...catalogInterpretation(def, result, params, args.unplaced, args.measure),
  });
}

function reportContext(opts: DataToolsOptions, signal: AbortSignal): ReportContext {
  return { client: opts.client, tz: opts.tz, now: opts.now(), signal };
}

async function runReportTool(opts: DataToolsOptions, call: ToolInvocation): Promise<ToolOutput> {
  const { def, params } = readCatalogArgs(opts, call.args);
  await requireKnownNames(opts, params, call.signal);
  await opts.emit({ type: "step", text: `Running the report “${def.title}”` });
  const { result, sort } = await runCatalog(opts, def, params, call.args, call.signal);
  const { notOver } = await emitResult(opts, result, params, sort);
  await emitInterpretation(opts, def, result, params, call.args);
  opts.onCatalogCall?.({ name: def.name, params });
  return {
    result: { report: def.name, params, ...describeResult(opts, result, sort, notOver) },
    summary: rowsSummary(result.total_rows),
  };
}

/** A catalog result run as asked, and the order asked for (rows and pipeline in it). */
interface CatalogRun {
  result: ReportResult;
  sort: SortRequest | null;
}

/**
 * Runs a catalog entry; with `sort_by`, its rows (and its pipeline, for the saved table
 * and the Excel file) come in that order, and a `limit` keeps the first rows of that
 * order ("the 5 agents with the highest AHT"), not of the entry's own.
 */
async function runCatalog(
  opts: DataToolsOptions,
  def: ReportDefinition,
  params: ReportParams,
  args: Record<string, unknown>,
  signal: AbortSignal,
): Promise<CatalogRun> {
  const ctx = reportContext(opts, signal);
  const run = (p: ReportParams) =>
    opts.catalog.runReport(def.name, p, ctx, { previewRows: TABLE_PREVIEW_ROWS });
  const limited = def.kind === "aggregate" && params.limit !== undefined &&
    args.sort_by !== undefined && args.sort_by !== null && args.sort_by !== "";
  const { limit: _limit, ...unlimited } = params;
  const result = await run(limited ? unlimited : params);
  const sort = readSortArgs(args.sort_by, args.sort_order, result.columns);
  if (!sort) return { result, sort };
  const at = result.columns.findIndex((c) => c.key === sort.key);
  const pipeline = sortedPipeline(result.pipeline, result.columns, sort);
  if (result.kind === "listing") {
    const page = await readTablePage(opts.client, {
      collection: result.collection,
      pipeline,
      columns: result.columns,
      total: result.total_rows,
    }, { limit: TABLE_PREVIEW_ROWS, signal });
    const rows = page.docs.map((d) => rowValues(d, result.columns));
    return { result: { ...result, pipeline, rows }, sort };
  }
  const cap = limited ? Math.min(Number(params.limit), TABLE_MAX_ROWS) : TABLE_MAX_ROWS;
  const cut = limited ? [...pipeline, { $limit: Number(params.limit) }] : pipeline;
  let rows: unknown[][];
  if (result.rows.length >= result.total_rows) {
    rows = sortRows(result.rows, at, sort.order).slice(0, cap);
  } else {
    rows = [];
    for await (
      const d of readAll(opts.client, { collection: result.collection, pipeline: cut, signal })
    ) {
      rows.push(rowValues(d, result.columns));
      if (rows.length >= cap) break;
    }
  }
  const total = limited ? Math.min(Number(params.limit), result.total_rows) : result.total_rows;
  return { result: { ...result, pipeline: cut, rows, total_rows: total }, sort };
}

async function makeExcelReportTool(
  opts: DataToolsOptions,
  call: ToolInvocation,
): Promise<ToolOutput> {
  if (call.args.name !== undefined) {
    const { def, params } = readCatalogArgs(opts, call.args);
    await requireKnownNames(opts, params, call.signal);
    await opts.emit({ type: "step", text: `Preparing the Excel report “${def.title}”` });
    const { result, sort } = await runCatalog(opts, def, params, call.args, call.signal);
    const { shown, notOver } = await emitResult(opts, result, params, sort);
    await emitInterpretation(opts, def, result, params, call.args);
    const meta = await opts.catalog.saveReportFromCompiled(shown, {
      owner: opts.owner,
      repo: opts.reports,
      rows: result.total_rows,
      params,
      tz: opts.tz,
    });
    await emitReport(opts, meta);
    opts.onCatalogCall?.({ name: def.name, params });
    return {
      result: {
        report: def.name,
        params,
        ...describeResult(opts, result, sort, notOver),
        ...reportFields(meta),
      },
      summary: `Excel report, ${rowsSummary(meta.rows)}`,
    };
  }
  return await customExcelReport(opts, call);
}

async function customExcelReport(
  opts: DataToolsOptions,
  call: ToolInvocation,
): Promise<ToolOutput> {
  const { title, collection, pipeline: rawPipeline, columns: rawColumns } = call.args;
  if (typeof title !== "string" || !title.trim()) {
    throw new Error("Missing title: pass {name, params} or {title, collection, pipeline}");
  }
  if (typeof collection !== "string" || !collection) throw new Error("Missing collection");
  if (!Array.isArray(rawPipeline)) throw new Error("Missing pipeline: pass an array of stages");
  const pipeline = EJSON.deserialize(rawPipeline, { relaxed: true }) as Document[];
  assertReadOnly(pipeline);
  await opts.emit({ type: "step", text: `Preparing the Excel report “${title}”` });
  const copts = { signal: call.signal };
  const [counted, sample] = await Promise.all([
    opts.client.aggregate(collection, [...pipeline, { $count: "n" }], copts),
    opts.client.aggregate(collection, [...pipeline, { $limit: TABLE_PREVIEW_ROWS }], copts),
  ]);
  const total = Number(counted.documents[0]?.n ?? 0);
  const columns = customColumns(rawColumns, sample.documents);
  const now = opts.now();
  const compiled: CompiledReport = {
    name: "",
    title: title.trim(),
    collection,
    pipeline,
    columns,
    kind: "listing",
    filters: [],
    asOf: now,
  };
  const rows = sample.documents.map((d) => columns.map((c) => toCell(d[c.key], opts.tz)));
  const table: TableSpec = {
    title: compiled.title,
    columns: columns.map((c) => c.label),
    column_types: columns.map((c) => c.type),
    rows,
    total_rows: total,
    column_keys: columns.map((c) => c.key),
  };
  await saveShownTable(opts, compiled, table);
  await emitTable(opts, table);
  const meta = await opts.catalog.saveReportFromCompiled(compiled, {
    owner: opts.owner,
    repo: opts.reports,
    rows: total,
    params: null,
    tz: opts.tz,
  });
  await emitReport(opts, meta);
  return {
    result: {
      ...reportFields(meta),
      columns: columns.map((c) => ({ key: c.key, type: c.type })),
      rows: sample.documents.slice(0, MODEL_PREVIEW_ROWS).map((d) =>
        columns.map((c) => toJsonValue(d[c.key], opts.tz))
      ),
      total_rows: total,
      note: "The user has the download link and sees a preview table; do not repeat the rows.",
    },
    summary: `Excel report, ${rowsSummary(total)}`,
  };
}

function customColumns(raw: unknown, sample: Document[]): Column[] {
  let keys: string[];
  if (Array.isArray(raw) && raw.length) {
    keys = raw.map((c) => typeof c === "string" ? c : String((c as { key?: unknown })?.key ?? ""))
      .filter(Boolean);
  } else {
    keys = documentKeys(sample);
  }
  return keys.map((key) => {
    const v = sample.find((d) => d[key] !== null && d[key] !== undefined)?.[key];
    return { key, label: key, type: inferType(v) as Column["type"] };
  });
}

function reportFields(meta: ReportMeta): Record<string, unknown> {
  return {
    report_id: meta.id,
    title: meta.title,
    rows_in_file: meta.rows,
    file_name: meta.file_name,
    download: `/api/reports/${meta.id}`,
  };
}

/**
 * What the model reads from `run_report` and catalog `make_excel_report` (inside the
 * envelope of `envelope.ts`, fields at the top level). Values are JSON: dates as ISO
 * instants with the business zone's offset.
 */
export interface ReportToolResult {
  /** Catalog entry and the parameters it ran with. */
  report: string;
  params: ReportParams;
  title: string;
  kind: "listing" | "aggregate";
  /** The period's label ("yesterday (23 Nov 2026)") or "all data". */
  period: string;
  filters: string[];
  /** Headline figures of the whole result (catalog summary keys). */
  summary: Record<string, number | string | null>;
  columns: Column[];
  /** At most {@link MODEL_PREVIEW_ROWS} rows, arrays in `columns` order. */
  rows: unknown[][];
  rows_shown: number;
  /** Rows the full result has. */
  total_rows: number;
  note: string;
  /** Groups (first-column values) whose period is not over yet: their figures are so far. */
  not_over?: string[];
  /** The column the rows are sorted by, when `sort_by` was given. */
  sorted_by?: string;
  sort_order?: "asc" | "desc";
  /** make_excel_report only: the saved report. */
  report_id?: string;
  /** make_excel_report only: data rows in the saved file (`rows` stays the preview). */
  rows_in_file?: number;
  file_name?: string;
  download?: string;
}

/** What the model reads about a report result: never more than the preview. */
function describeResult(
  opts: DataToolsOptions,
  result: ReportResult,
  sort: SortRequest | null = null,
  notOver: string[] = [],
): Omit<ReportToolResult, "report" | "params"> {
  const shown = result.rows.slice(0, MODEL_PREVIEW_ROWS);
  const out: Omit<ReportToolResult, "report" | "params"> = {
    title: result.title,
    kind: result.kind,
    period: result.period?.label ?? "all data",
    filters: result.filters,
    summary: toJsonValue(result.summary, opts.tz) as ReportToolResult["summary"],
    columns: result.columns.map((c) => ({ ...c })),
    rows: shown.map((r) => r.map((v) => toJsonValue(v, opts.tz))),
    rows_shown: shown.length,
    total_rows: result.total_rows,
    note: "",
  };
  if (result.total_rows > shown.length) {
    out.note =
      `Only ${shown.length} of ${result.total_rows} rows are shown to you; the user sees the table. Use summary and total_rows for totals, never the count of rows shown.`;
  } else {
    out.note = "The user sees this table already; do not repeat it row by row.";
  }
  if (notOver.length) {
    out.not_over = notOver;
    out.note += ` Not over yet (figures so far): ${notOver.join(", ")}.`;
  }
  if (sort) {
    out.sorted_by = sort.key;
    out.sort_order = sort.order;
    out.note += ` Rows are sorted by ${sort.key}, ${
      sort.order === "desc" ? "highest" : "lowest"
    } first.`;
  }
  return out;
}

/**
 * Shows a catalog result: the table as presented (the metric asked right after the name,
 * rows in its order, periods not over yet marked), saved as a query for paging and the
 * Excel download, and the chart of that metric. Returns the result as shown (columns and
 * pipeline in the order shown), which an Excel report of it saves, and the groups not over
 * yet (today's row of a day series…).
 */
async function emitResult(
  opts: DataToolsOptions,
  result: ReportResult,
  params: ReportParams,
  sort: SortRequest | null = null,
): Promise<{ shown: ReportResult; notOver: string[] }> {
  const now = result.asOf instanceof Date ? result.asOf : opts.now();
  const p = presentResult(result, { groupBy: params.group_by, sort, now, tz: opts.tz });
  const sortedBy = p.resorted && p.sort
    ? { key: p.columns[p.sort.column].key, order: p.sort.order }
    : null;
  const shown: ReportResult = {
    ...result,
    columns: p.columns,
    rows: p.rows,
    pipeline: sortedBy ? sortedPipeline(result.pipeline, p.columns, sortedBy) : result.pipeline,
  };
  const title = result.period ? `${result.title} — ${result.period.label}` : result.title;
  const limit = result.kind === "aggregate" ? TABLE_MAX_ROWS : TABLE_PREVIEW_ROWS;
  const rows = p.rows.slice(0, limit);
  const table: TableSpec = {
    title,
    columns: p.columns.map((c) => c.label),
    column_types: p.columns.map((c) => c.type),
    rows: rows.map((r) => r.map((v) => toCell(v, opts.tz))),
    total_rows: result.total_rows,
    column_keys: p.columns.map((c) => c.key),
  };
  if (p.sort) table.sort = p.sort;
  const partial = p.partial_rows.filter((i) => i < rows.length);
  if (partial.length) table.partial_rows = partial;
  if (p.so_far) table.so_far = true;
  if (showTableOnce(opts, table)) {
    await saveShownTable(opts, shown, table);
    await emitTable(opts, table);
  }
  const chart = chartFor(result, params.group_by, p);
  if (chart) await opts.emit({ type: "chart", ...chart });
  const notOver = p.partial_rows.map((i) => String(p.rows[i][0] ?? ""));
  return { shown, notOver };
}

const shownTables = new WeakMap<DataToolsOptions, Set<string>>();

/** True the first time these tools show this table (links aside); false for a repeat. */
function showTableOnce(opts: DataToolsOptions, table: TableSpec): boolean {
  let seen = shownTables.get(opts);
  if (!seen) shownTables.set(opts, seen = new Set());
  const key = JSON.stringify(table);
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}

function tableRepository(opts: DataToolsOptions): TableRepository | null {
  if (opts.tables !== undefined) return opts.tables;
  return isTableRepository(opts.reports) ? opts.reports : null;
}

/**
 * Saves a table shown as a query of its own (owner-checked like reports) and links it:
 * the Excel download, and for rows beyond the table, their pages.
 */
async function saveShownTable(
  opts: DataToolsOptions,
  compiled: CompiledReport,
  table: TableSpec,
): Promise<void> {
  const repo = tableRepository(opts);
  if (!repo) return;
  const meta = tableMetaFromCompiled(compiled, {
    owner: opts.owner,
    rows: table.total_rows,
    tz: opts.tz,
  });
  meta.title = table.title;
  await repo.saveTable(meta);
  table.download = `/api/tables/${meta.id}/xlsx`;
  if (table.total_rows > table.rows.length) {
    table.rows_url = `/api/tables/${meta.id}/rows`;
    table.next_cursor = encodeCursor(null, table.rows.length);
  }
}

/**
 * Passes events through, dropping a table, chart or interpretation identical to one
 * already emitted by these tools (an Excel request runs the same report for the answer
 * and for the file: one reading, shown once).
 */
function onceEach(emit: DataToolsOptions["emit"]): DataToolsOptions["emit"] {
  const shown = new Set<string>();
  return (event) => {
    if (event.type === "table" || event.type === "chart" || event.type === "interpretation") {
      const key = JSON.stringify(event);
      if (shown.has(key)) return;
      shown.add(key);
    }
    return emit(event);
  };
}

async function emitTable(opts: DataToolsOptions, table: TableSpec): Promise<void> {
  await opts.emit({ type: "table", ...table });
}

async function emitReport(opts: DataToolsOptions, meta: ReportMeta): Promise<void> {
  await opts.emit({
    type: "report",
    id: meta.id,
    title: meta.title,
    rows: meta.rows,
    download: `/api/reports/${meta.id}`,
    file_name: meta.file_name,
  });
}

function rowsSummary(n: number): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? "row" : "rows"}`;
}

// ---------------------------------------------------------------------------------------
// MCP tools (passed through the client's allow-list)

async function mcpTool(opts: DataToolsOptions, call: ToolInvocation): Promise<ToolOutput> {
  const res = await opts.client.callTool(call.name, call.args, { signal: call.signal });
  if (res.isError) throw new Error(res.text || `${call.name} failed`);
  const s = res.structured;
  const collection = typeof call.args.collection === "string" ? call.args.collection : "";
  if (s && Array.isArray(s.documents)) {
    const docs = s.documents as Document[];
    const total = typeof s.queryResultsCount === "number"
      ? s.queryResultsCount
      : typeof s.count === "number"
      ? s.count
      : docs.length;
    const limits = Array.isArray(s.appliedLimits) ? s.appliedLimits : [];
    const keys = documentKeys(docs);
    const label = `${call.name}${collection ? ` on ${collection}` : ""}`;
    await emitTable(opts, {
      title: `Result of ${label}`,
      columns: keys,
      column_types: keys.map((k) => inferType(docs.find((d) => d[k] != null)?.[k])),
      rows: docs.slice(0, TABLE_MAX_ROWS).map((d) => keys.map((k) => toCell(d[k], opts.tz))),
      total_rows: Math.max(total, docs.length),
    });
    const shown = docs.slice(0, MODEL_PREVIEW_ROWS);
    const result: Record<string, unknown> = {
      collection,
      columns: keys,
      documents: shown.map((d) => toJsonValue(d, opts.tz)),
      documents_shown: shown.length,
      documents_returned: docs.length,
      total_rows: total,
      applied_limits: limits,
    };
    if (docs.length > shown.length) {
      result.note =
        `Only ${shown.length} of ${docs.length} documents are shown to you; the user sees the table. Count or group with aggregate/count instead of counting documents here.`;
    }
    if (limits.length) {
      result.limits_note = "The server cut the result short (applied_limits): it is incomplete.";
    }
    return { result, summary: rowsSummary(docs.length) };
  }
  if (s && typeof s.count === "number") {
    await emitTable(opts, {
      title: `Count${collection ? ` of ${collection}` : ""}`,
      columns: ["count"],
      column_types: ["integer"],
      rows: [[s.count]],
      total_rows: 1,
    });
    return { result: { collection, count: s.count }, summary: `count ${s.count}` };
  }
  if (s) {
    const text = JSON.stringify(toJsonValue(s, opts.tz));
    return {
      result: text.length > MAX_TEXT_CHARS
        ? { text: text.slice(0, MAX_TEXT_CHARS), truncated: true }
        : { content: JSON.parse(text) },
      summary: "done",
    };
  }
  const text = res.text ?? "";
  return {
    result: { text: text.slice(0, MAX_TEXT_CHARS), truncated: text.length > MAX_TEXT_CHARS },
    summary: "done",
  };
}

/** Keys of the documents, in order of first appearance. */
function documentKeys(docs: Document[]): string[] {
  const keys = new Set<string>();
  for (const d of docs.slice(0, 50)) for (const k of Object.keys(d)) keys.add(k);
  return [...keys];
}
