/**
 * `deno task feedback [--since ISO] [--out FILE] [--kv PATH]`: exports the thumbs up/down
 * and comments users gave on answers as CSV (turn id, user, conversation, question,
 * answer excerpt, rating, comment, created_at), oldest first, from the app's KV store,
 * opened as the app opens it (`KV_PATH` or `KV_URL`), or the KV file given by `--kv`.
 * Without `--out` the CSV goes to stdout. Cells that start like a spreadsheet formula are
 * neutralised with a leading `'`.
 */
import { parseArgs } from "node:util";
import { ConfigError, type KvLocation, loadConfig } from "../lib/config.ts";
import { feedbackCsv } from "../lib/feedback.ts";
import { storeOver } from "../lib/kv.ts";
import { KvOpenError, openConfiguredKv } from "../lib/kv_connect.ts";

const USAGE = "Usage: deno task feedback [--since ISO] [--out FILE] [--kv PATH]";

/** Options of {@linkcode exportFeedback}. */
export interface ExportFeedbackOptions {
  /** The KV database: a file, or a remote KV (as configured by `KV_PATH`/`KV_URL`). */
  kv: KvLocation;
  /** Only feedback given at or after this instant. */
  since?: Date;
}

/** Reads the feedback from the store at `options.kv` and returns it as CSV, with its count. */
export async function exportFeedback(
  options: ExportFeedbackOptions,
): Promise<{ csv: string; count: number }> {
  const store = storeOver(await openConfiguredKv(options));
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
  let kv: KvLocation;
  if (parsed.kv) kv = { kind: "path", path: parsed.kv };
  else {
    try {
      kv = loadConfig().kv;
    } catch (e) {
      if (e instanceof ConfigError) fail(e.message);
      throw e;
    }
  }
  if (kv.kind === "path" && kv.path === ":memory:") {
    fail("KV_PATH is :memory:, which keeps no feedback to export");
  }
  const since = parsed.since === undefined ? undefined : new Date(parsed.since);
  if (since && (!/^\d{4}-\d{2}-\d{2}/.test(parsed.since!) || Number.isNaN(since.getTime()))) {
    fail(
      `--since must be an ISO date or instant such as 2026-11-01 or 2026-11-24T09:00:00Z, got "${parsed.since}"`,
    );
  }
  if (kv.kind === "path") {
    // Opening a missing file would create an empty database: say there is none instead.
    try {
      await Deno.stat(kv.path);
    } catch {
      fail(`Cannot export feedback: no KV database at ${kv.path}`);
    }
  }
  let result;
  try {
    result = await exportFeedback({ kv, since });
  } catch (e) {
    if (e instanceof KvOpenError) fail(e.message);
    throw e;
  }
  const { csv, count } = result;
  if (parsed.out) {
    await Deno.writeTextFile(parsed.out, csv);
    console.error(`Wrote ${count} feedback ${count === 1 ? "row" : "rows"} to ${parsed.out}`);
  } else {
    await Deno.stdout.write(new TextEncoder().encode(csv));
  }
}

if (import.meta.main) await main(Deno.args);
