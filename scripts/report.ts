/**
 * `deno task report`: runs a report of the catalog from a terminal, printing its table
 * or streaming it into an Excel file.
 *
 *   deno task report --list
 *   deno task report call_list --period today --direction incoming -o incoming.xlsx
 *   deno task report agent_performance --period "last week"
 *
 * Exit status: 0 on success, 2 on invalid options, unknown report names or bad report
 * parameters, 1 when the data cannot be loaded or the query fails.
 */
import { parseArgs } from "node:util";
import { type Config, ConfigError, isValidTimeZone, loadConfig } from "../lib/config.ts";
import type { DataClient } from "../lib/data/types.ts";
import { loadDataset } from "../lib/data/ejson_loader.ts";
import { createEmbeddedClient } from "../lib/data/mcp_client.ts";
import { openDataClient } from "../lib/data/open_client.ts";
import { readAll } from "../lib/data/read_all.ts";
import { formatLocal, parseNow } from "../lib/time/zone.ts";
import { listReports, requireReport } from "../lib/reports/catalog.ts";
import { ReportParamError } from "../lib/reports/errors.ts";
import { readPeriod } from "../lib/reports/filters.ts";
import { normalizeParams, type ParamName } from "../lib/reports/params.ts";
import { reportFileName, writeReportXlsx } from "../lib/reports/excel.ts";
import { renderValue, runCompiled } from "../lib/reports/run.ts";
import type {
  CompiledReport,
  ReportDefinition,
  ReportParams,
  ReportResult,
} from "../lib/reports/types.ts";

const HELP = `Usage:
  deno task report NAME [options] [-o FILE]
  deno task report --list [--json]

Runs catalog report NAME and prints its rows (listings: a preview and the count), or with
-o streams every row into an Excel file.

Report parameters (each report accepts a subset; see --list):
  --period TEXT        today, yesterday, this week, last month, last 7 days, 2026-11-20,
                       "from 5 Nov to 13 Nov"… (default: all data)
  --direction DIR      incoming | outgoing
  --status S[,S…]      answered | missed | failed | busy | no_answer
  --agent NAME         agent login name (case-insensitive)
  --queue NAME         queue name
  --customer X         phone number (E.164) or name in the address book
  --disposition D      e.g. resolved, sale
  --city NAME          customer city (address book)
  --segment NAME       customer segment (address book)
  --group-by DIM       agent, queue, status, direction, disposition, day, hour, weekday,
                       customer, city, segment
  --limit N            keep the first N rows
  --threshold N        service-level threshold in seconds (default 20)

Options:
  -o, --output FILE    write the report as .xlsx to FILE ("-" for stdout; a directory gets
                       a name saying the days it covers, e.g. incoming_calls_2026-11-24.xlsx)
  --tz IANA            business time zone (default BUSINESS_TZ)
  --now ISO            freeze the clock, e.g. 2026-11-24T09:00:00Z (default NOW or the clock)
  --data DIR           load calling_cdr and address_book from mongoexport files in DIR
                       (default: DATA_DIR, the configured MCP server, or generated demo data)
  --preview N          rows of a listing to print (default 20)
  --json               print the result (or the --list) as JSON
  --quiet              no progress on stderr
  -h, --help           show this help
`;

/** Invalid command-line options (exit status 2). */
class UsageError extends Error {}

interface Cli {
  list: boolean;
  name: string | null;
  params: ReportParams;
  output: string | null;
  tz: string;
  now: Date;
  data: string | null;
  preview: number;
  json: boolean;
  quiet: boolean;
}

function parseCli(args: string[], config: Config): Cli | null {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        list: { type: "boolean" },
        period: { type: "string" },
        direction: { type: "string" },
        status: { type: "string", multiple: true },
        agent: { type: "string" },
        queue: { type: "string" },
        customer: { type: "string" },
        disposition: { type: "string" },
        city: { type: "string" },
        segment: { type: "string" },
        "group-by": { type: "string" },
        limit: { type: "string" },
        threshold: { type: "string" },
        output: { type: "string", short: "o" },
        tz: { type: "string" },
        now: { type: "string" },
        data: { type: "string" },
        preview: { type: "string" },
        json: { type: "boolean" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return null;
  if (parsed.positionals.length > 1) {
    throw new UsageError(
      `Expected one report name, got ${parsed.positionals.map((p) => `"${p}"`).join(" ")}`,
    );
  }
  const name = parsed.positionals[0] ?? null;
  if (!v.list && !name) throw new UsageError("Name a report, or use --list to see them");
  const tz = v.tz ?? config.tz;
  if (!isValidTimeZone(tz)) {
    throw new UsageError(`Invalid --tz: "${tz}" is not an IANA time zone such as Asia/Kolkata`);
  }
  let now = config.now ?? new Date();
  if (v.now !== undefined) {
    try {
      now = parseNow(v.now, tz);
    } catch (e) {
      throw new UsageError(`Invalid --now: ${(e as Error).message}`);
    }
  }
  const params: ReportParams = {};
  const put = (key: keyof ReportParams, value: unknown) => {
    if (value !== undefined) (params as Record<string, unknown>)[key] = value;
  };
  put("period", v.period);
  put("direction", v.direction);
  const statuses = (v.status ?? []).flatMap((s) => s.split(",")).map((s) => s.trim())
    .filter(Boolean);
  put("status", statuses.length > 1 ? statuses : statuses[0]);
  put("agent", v.agent);
  put("queue", v.queue);
  put("customer", v.customer);
  put("disposition", v.disposition);
  put("city", v.city);
  put("segment", v.segment);
  put("group_by", v["group-by"]);
  put("limit", v.limit === undefined ? undefined : wholeNumber("limit", v.limit));
  put(
    "threshold_seconds",
    v.threshold === undefined ? undefined : wholeNumber("threshold", v.threshold),
  );
  return {
    list: Boolean(v.list),
    name,
    params,
    output: v.output ?? null,
    tz,
    now,
    data: v.data ?? null,
    preview: v.preview === undefined ? 20 : wholeNumber("preview", v.preview),
    json: Boolean(v.json),
    quiet: Boolean(v.quiet),
  };
}

function wholeNumber(option: string, raw: string): number {
  if (!/^\s*\d+\s*$/.test(raw)) {
    throw new UsageError(`Invalid --${option}: must be a whole number, got "${raw}"`);
  }
  return Number(raw);
}

async function openClient(cli: Cli, config: Config): Promise<DataClient> {
  if (cli.data) {
    return await createEmbeddedClient({ ...await loadDataset(cli.data) }, {
      database: config.mcp.database,
      timeoutMs: config.mcp.timeoutMs,
    });
  }
  return await openDataClient({ ...config, tz: cli.tz, now: cli.now });
}

function printList(json: boolean): void {
  const entries = listReports();
  if (json) {
    console.log(JSON.stringify(
      entries.map((d) => ({
        name: d.name,
        title: d.title,
        kind: d.kind,
        description: d.description,
        parameters: d.parameters,
      })),
      null,
      2,
    ));
    return;
  }
  for (const d of entries) {
    const props = Object.keys((d.parameters.properties ?? {}) as Record<string, unknown>);
    const required = (d.parameters.required ?? []) as string[];
    console.log(`${d.name}  (${d.kind}) ${d.title}`);
    console.log(`  parameters: ${props.map((p) => required.includes(p) ? `${p}*` : p).join(", ")}`);
    console.log(wrap(d.description, 96, "  "));
    console.log();
  }
  console.log("* required");
}

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && (indent + line + " " + word).length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join("\n");
}

function printResult(r: ReportResult, cli: Cli): void {
  if (cli.json) {
    console.log(JSON.stringify(r, null, 2));
    return;
  }
  const period = r.period ? ` — ${r.period.label}` : "";
  console.log(`${r.title}${period}`);
  if (r.filters.length) console.log(`Filters: ${r.filters.join("; ")}`);
  console.log(`As of ${formatLocal(r.asOf, cli.tz)} (${cli.tz})`);
  console.log();
  const header = r.columns.map((c) => c.label);
  const body = r.rows.map((row) => row.map((v, i) => renderValue(v, r.columns[i], cli.tz)));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const right = r.columns.map((c) => c.type !== "string" && c.type !== "datetime");
  const fmt = (cells: string[]) =>
    cells.map((c, i) => right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])).join("  ")
      .trimEnd();
  console.log(fmt(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const b of body) console.log(fmt(b));
  console.log();
  const shown = r.rows.length < r.total_rows ? ` (showing ${r.rows.length})` : "";
  console.log(`${r.total_rows.toLocaleString("en-US")} rows${shown}`);
  const summary = Object.entries(r.summary).map(([k, v]) => `${k}: ${v ?? "—"}`);
  if (summary.length) console.log(`Summary: ${summary.join(", ")}`);
}

async function outputPath(output: string, compiled: CompiledReport, tz: string) {
  if (output === "-") return output;
  let isDir = output.endsWith("/");
  if (!isDir) {
    try {
      isDir = (await Deno.stat(output)).isDirectory;
    } catch {
      isDir = false;
    }
  }
  if (!isDir) return output;
  const name = reportFileName(compiled.title, {
    tz,
    asOf: compiled.asOf,
    period: compiled.period ?? null,
  });
  return `${output.replace(/\/+$/, "")}/${name}`;
}

async function exportXlsx(
  def: ReportDefinition,
  cli: Cli,
  client: DataClient,
): Promise<void> {
  const ctx = { client, tz: cli.tz, now: cli.now };
  const compiled = await def.compile(cli.params, ctx);
  const path = await outputPath(cli.output!, compiled, cli.tz);
  const toStdout = path === "-";
  const file = toStdout
    ? null
    : await Deno.open(path, { write: true, create: true, truncate: true });
  const started = performance.now();
  const rate = (rows: number) => {
    const secs = Math.max((performance.now() - started) / 1000, 1e-3);
    return `${Math.round(rows / secs).toLocaleString("en-US")} rows/s`;
  };
  const every = 50_000;
  try {
    const rows = readAll(client, {
      collection: compiled.collection,
      pipeline: compiled.pipeline,
    });
    const res = await writeReportXlsx(
      {
        title: compiled.title,
        columns: compiled.columns,
        filters: compiled.filters,
        name: compiled.name,
        periodLabel: compiled.period?.label ?? null,
        period: compiled.period ?? null,
        asOf: compiled.asOf,
      },
      rows,
      toStdout ? Deno.stdout.writable : file!.writable,
      {
        tz: cli.tz,
        progressEvery: every,
        onProgress: (p) => {
          if (cli.quiet || p.rows === 0 || p.rows % every !== 0) return;
          console.error(`${p.rows.toLocaleString("en-US")} rows written (${rate(p.rows)})`);
        },
      },
    );
    if (!cli.quiet) {
      const where = toStdout ? "stdout" : path;
      console.error(
        `Wrote ${res.rows.toLocaleString("en-US")} rows to ${where} (${rate(res.rows)})`,
      );
    }
  } catch (e) {
    if (!toStdout) await Deno.remove(path).catch(() => {});
    throw e;
  }
}

/** Fails fast on bad parameters (before loading data) and warns about ignored ones. */
function checkParams(def: ReportDefinition, cli: Cli): void {
  const accepted = Object.keys((def.parameters.properties ?? {}) as Record<string, unknown>);
  const p = normalizeParams(cli.params, accepted as ParamName[]);
  if (p.period) readPeriod(p.period, { tz: cli.tz, now: cli.now });
  const ignored = Object.keys(cli.params).filter((k) => !accepted.includes(k));
  if (ignored.length && !cli.quiet) {
    const flags = ignored.map((k) =>
      `--${k === "threshold_seconds" ? "threshold" : k.replace("_", "-")}`
    );
    console.error(`Note: ${def.name} ignores ${flags.join(", ")}`);
  }
}

async function main(args: string[]): Promise<number> {
  let config: Config;
  let cli: Cli | null;
  try {
    config = loadConfig();
    cli = parseCli(args, config);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      console.error(`${e.message}\n\n${HELP}`);
      return 2;
    }
    throw e;
  }
  if (!cli) {
    console.log(HELP);
    return 0;
  }
  if (cli.list) {
    printList(cli.json);
    return 0;
  }
  let def: ReportDefinition;
  try {
    def = requireReport(cli.name!);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  try {
    checkParams(def, cli);
  } catch (e) {
    if (e instanceof ReportParamError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  let client: DataClient;
  try {
    client = await openClient(cli, config);
  } catch (e) {
    console.error(`Cannot open the data: ${(e as Error).message}`);
    return 1;
  }
  try {
    if (cli.output) {
      await exportXlsx(def, cli, client);
    } else {
      const ctx = { client, tz: cli.tz, now: cli.now };
      const compiled = await def.compile(cli.params, ctx);
      printResult(await runCompiled(compiled, ctx, { previewRows: cli.preview }), cli);
    }
    return 0;
  } catch (e) {
    if (e instanceof ReportParamError) {
      console.error(e.message);
      return 2;
    }
    console.error(`Report "${def.name}" failed: ${(e as Error).message}`);
    return 1;
  } finally {
    await client.close().catch(() => {});
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
