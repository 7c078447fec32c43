/**
 * `deno task feedback [--since ISO] [--out FILE] [--kv PATH]`: exports the thumbs up/down
 * and comments users gave on answers as CSV (turn id, user, conversation, question,
 * answer excerpt, rating, comment, created_at), oldest first, from the app's KV store
 * (`KV_PATH`, or `--kv`). Without `--out` the CSV goes to stdout. Cells that start like a
 * spreadsheet formula are neutralised with a leading `'`.
 */
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../lib/config.ts";
import { feedbackCsv } from "../lib/feedback.ts";
import { openStore } from "../lib/kv.ts";

const USAGE = "Usage: deno task feedback [--since ISO] [--out FILE] [--kv PATH]";

/** Options of {@linkcode exportFeedback}. */
export interface ExportFeedbackOptions {
  /** The KV database (a file path). */
  kvPath: string;
  /** Only feedback given at or after this instant. */
  since?: Date;
}

/** Reads the feedback from the store at `kvPath` and returns it as CSV, with its count. */
export async function exportFeedback(
  options: ExportFeedbackOptions,
): Promise<{ csv: string; count: number }> {
  const store = await openStore(options.kvPath);
  try {
    const records = await store.listAllFeedback({ since: options.since });
    return { csv: feedbackCsv(records), count: records.length };
  } finally {
    store.close();
  }
}

function fail(message: string): never {
  console.error(message);
  Deno.exit(2);
}

async function main(args: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        since: { type: "string" },
        out: { type: "string" },
        kv: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    fail(`${e instanceof Error ? e.message : e}\n${USAGE}`);
  }
  if (parsed.help) {
    console.log(USAGE);
    return;
  }
  let kvPath = parsed.kv;
  if (!kvPath) {
    try {
      kvPath = loadConfig().kvPath;
    } catch (e) {
      if (e instanceof ConfigError) fail(e.message);
      throw e;
    }
  }
  if (kvPath === ":memory:") fail("KV_PATH is :memory:, which keeps no feedback to export");
  const since = parsed.since === undefined ? undefined : new Date(parsed.since);
  if (since && (!/^\d{4}-\d{2}-\d{2}/.test(parsed.since!) || Number.isNaN(since.getTime()))) {
    fail(
      `--since must be an ISO date or instant such as 2026-11-01 or 2026-11-24T09:00:00Z, got "${parsed.since}"`,
    );
  }
  try {
    await Deno.stat(kvPath);
  } catch {
    fail(`Cannot export feedback: no KV database at ${kvPath}`);
  }
  const { csv, count } = await exportFeedback({ kvPath, since });
  if (parsed.out) {
    await Deno.writeTextFile(parsed.out, csv);
    console.error(`Wrote ${count} feedback ${count === 1 ? "row" : "rows"} to ${parsed.out}`);
  } else {
    await Deno.stdout.write(new TextEncoder().encode(csv));
  }
}

if (import.meta.main) await main(Deno.args);
