/**
 * `deno task indexes`: tells the operator which of the indexes the app expects are
 * missing on the configured MongoDB (through its MCP server), with the mongosh command
 * that creates each. See `lib/data/index_check.ts` for the list.
 *
 *   deno task indexes            # the configured data source (MCP_MODE, MCP_URL…)
 *   deno task indexes --json
 *
 * Exit status: 0 when every index is there (a partial one is only advised), 1 when one
 * is missing, 2 on invalid options or when the indexes cannot be read.
 */
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../lib/config.ts";
import {
  checkIndexes,
  formatKey,
  type IndexFinding,
  type IndexReport,
} from "../lib/data/index_check.ts";
import { openDataClient } from "../lib/data/open_client.ts";
import type { DataClient } from "../lib/data/types.ts";

const HELP = `Usage:
  deno task indexes [--json]

Checks that the configured MongoDB has the indexes the app expects and prints the
createIndex command of each one that is missing.

Options:
  --json       print the findings as JSON
  -h, --help   show this help

Exit status: 0 when none is missing, 1 when some are, 2 when they cannot be read.`;

/** What {@link main} needs from outside (tests pass their own). */
export interface IndexesCliDeps {
  /** Opens the data client (default: the configured one). */
  open?: () => Promise<DataClient>;
  print?: (line: string) => void;
  printError?: (line: string) => void;
}

const MARK: Record<IndexFinding["status"], string> = {
  present: "ok     ",
  partial: "partial",
  missing: "MISSING",
};

/** The report as lines for a terminal. */
export function formatReport(report: IndexReport): string[] {
  const lines = report.findings.map((f) =>
    `${MARK[f.status]}  ${f.collection} ${formatKey(f.key)}  (${f.why})` +
    (f.satisfiedBy && f.status === "partial" ? ` — only ${formatKey(f.satisfiedBy)}` : "")
  );
  if (report.missing.length > 0) {
    lines.push("", "Missing indexes; create them in mongosh:");
    for (const f of report.missing) lines.push(`  ${f.command}`);
  }
  if (report.partial.length > 0) {
    lines.push(
      "",
      "Used but reading more than needed; better (replaces the shorter index):",
    );
    for (const f of report.partial) lines.push(`  ${f.command}`);
  }
  if (report.missing.length === 0) lines.push("", "No index the app expects is missing.");
  return lines;
}

/** Runs the check and prints it; returns the exit status. */
export async function main(args: string[], deps: IndexesCliDeps = {}): Promise<number> {
  const print = deps.print ?? ((l: string) => console.log(l));
  const printError = deps.printError ?? ((l: string) => console.error(l));
  let json = false;
  try {
    const { values } = parseArgs({
      args,
      options: { json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      print(HELP);
      return 0;
    }
    json = values.json === true;
  } catch (e) {
    printError(`${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  let client: DataClient;
  try {
    client = deps.open ? await deps.open() : await openDataClient(loadConfig());
  } catch (e) {
    if (e instanceof ConfigError) printError(e.message);
    else printError(`Cannot open the data source: ${(e as Error).message}`);
    return 2;
  }
  try {
    const report = await checkIndexes(client);
    if (json) print(JSON.stringify(report));
    else for (const line of formatReport(report)) print(line);
    return report.missing.length > 0 ? 1 : 0;
  } catch (e) {
    printError((e as Error).message);
    return 2;
  } finally {
    await client.close().catch(() => {});
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
