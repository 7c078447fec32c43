/**
 * `deno task ask`: ask the assistant from a terminal — one conversation from the
 * command line, or many from a JSON-lines batch — with the same agent, tools, reports
 * and memory as the chat page. See `../shared/contract/CLI.md`.
 *
 *   deno task ask [options] "question" ["follow-up" …]
 *   deno task ask [options] --batch questions.jsonl
 *
 * Exit status: 0 when the command ran (failed turns are reported in their output),
 * 2 when it cannot run (bad options, unreadable data or batch file).
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import {
  clock,
  type Config,
  ConfigError,
  isValidTimeZone,
  loadConfig,
  parseInstant,
} from "../lib/config.ts";
import type { DataClient } from "../lib/data/types.ts";
import { openDataClient } from "../lib/agent/data_source.ts";
import { warmVocabulary } from "../lib/agent/offline/vocabulary.ts";
import type { AgentEvent, Interpretation, Outcome, TableSpec, Usage } from "../lib/agent/events.ts";
import { interpretationLine } from "../lib/agent/interpretation.ts";
import { createProvider } from "../lib/agent/provider.ts";
import { runTurn } from "../lib/agent/turn.ts";
import type { ConversationRepository, ModelProvider } from "../lib/agent/types.ts";
import { exportReport } from "../lib/reports/excel.ts";
import type { ReportRepository } from "../lib/reports/types.ts";
import { openStore } from "../lib/kv.ts";

const USAGE = `Usage:
  deno task ask [options] "question" ["follow-up" ...]
  deno task ask [options] --batch questions.jsonl

Options:
  --data DIR      load calling_cdr and address_book from mongoexport files in DIR
  --now ISO       freeze the clock at this instant (e.g. 2026-11-24T09:00:00Z)
  --tz IANA       business time zone (e.g. Asia/Kolkata); default from configuration
  --out-dir DIR   write every Excel report made in these turns into DIR
  --json          print one JSON line per conversation instead of text
  --batch FILE    JSON lines {"id": "...", "turns": ["q1", "q2"]}: one conversation a line
  -h, --help      show this help`;

/** Thrown when the command cannot run; printed on stderr, exit status 2. */
class UsageError extends Error {}

/** One conversation to run. */
interface Conversation {
  id: string;
  turns: string[];
}

/** A turn as printed with `--json`. */
interface TurnOutput {
  question: string;
  answer: string;
  tables: TableSpec[];
  reports: { id: string; title: string; rows: number; file: string | null }[];
  steps: Record<string, unknown>[];
  usage: Usage;
  outcome: Outcome;
  interpretation: Interpretation | null;
  error: { code: string; message: string } | null;
}

interface Options {
  data: string | null;
  now: Date | null;
  tz: string | null;
  outDir: string | null;
  json: boolean;
  batch: string | null;
  questions: string[];
}

function parseOptions(argv: string[]): Options | null {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        data: { type: "string" },
        now: { type: "string" },
        tz: { type: "string" },
        "out-dir": { type: "string" },
        json: { type: "boolean", default: false },
        batch: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return null;
  const questions = parsed.positionals.map((q) => q.trim()).filter(Boolean);
  if (v.batch && questions.length) {
    throw new UsageError("Give either questions or --batch FILE, not both");
  }
  if (!v.batch && !questions.length) throw new UsageError("No question given");
  if (v.tz !== undefined && !isValidTimeZone(v.tz)) {
    throw new UsageError(`Invalid --tz "${v.tz}": not an IANA time zone such as Asia/Kolkata`);
  }
  let now: Date | null = null;
  if (v.now !== undefined) {
    try {
      now = parseInstant("--now", v.now);
    } catch {
      throw new UsageError(
        `Invalid --now "${v.now}": not an ISO instant such as 2026-11-24T09:00:00Z`,
      );
    }
  }
  return {
    data: v.data ?? null,
    now,
    tz: v.tz ?? null,
    outDir: v["out-dir"] ?? null,
    json: v.json ?? false,
    batch: v.batch ?? null,
    questions,
  };
}

async function readBatch(path: string): Promise<Conversation[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new UsageError(`Cannot read batch file "${path}": ${(e as Error).message}`);
  }
  const out: Conversation[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch {
      throw new UsageError(`Cannot read batch file "${path}": line ${i + 1} is not JSON`);
    }
    const o = item as { id?: unknown; turns?: unknown };
    const turns = Array.isArray(o?.turns)
      ? o.turns
      : typeof o?.turns === "string"
      ? [o.turns]
      : null;
    if (!turns || !turns.every((t) => typeof t === "string")) {
      throw new UsageError(
        `Cannot read batch file "${path}": line ${i + 1} needs "turns", a list of questions`,
      );
    }
    out.push({ id: o.id === undefined ? `line-${i + 1}` : String(o.id), turns: turns as string[] });
  }
  return out;
}

/** Everything a run shares: loaded once per process. */
interface Runtime {
  config: Config;
  tz: string;
  now: () => Date;
  client: DataClient;
  store: ConversationRepository & ReportRepository & { close(): void | Promise<void> };
  provider: ModelProvider;
  outDir: string | null;
  usedFileNames: Set<string>;
}

async function runConversation(rt: Runtime, conv: Conversation): Promise<TurnOutput[]> {
  const provider = rt.provider;
  const owner = "cli";
  const info = await rt.store.createConversation(owner, conv.turns[0]?.slice(0, 80) ?? conv.id);
  const outputs: TurnOutput[] = [];
  for (const question of conv.turns) {
    const events: AgentEvent[] = [];
    const outcome = await runTurn({
      question,
      owner,
      conversationId: info.id,
      deps: {
        provider,
        client: rt.client,
        conversations: rt.store,
        reports: rt.store,
        config: {
          tz: rt.tz,
          now: rt.now,
          maxToolRounds: rt.config.model.maxToolRounds,
          contextTokenBudget: rt.config.model.contextTokenBudget,
          toolTimeoutMs: rt.config.mcp.timeoutMs,
        },
      },
      signal: new AbortController().signal,
      emit: (e) => {
        events.push(e);
      },
    });
    const out: TurnOutput = {
      question,
      answer: outcome.answer,
      tables: [],
      reports: [],
      steps: [],
      usage: outcome.usage,
      outcome: outcome.outcome,
      interpretation: outcome.interpretation,
      error: outcome.error,
    };
    for (const e of events) {
      if (e.type === "table") {
        const { type: _t, ...table } = e;
        out.tables.push(table);
      } else if (e.type === "tool_start") {
        out.steps.push({ type: e.type, tool: e.tool, args: e.args });
      } else if (e.type === "tool_end") {
        out.steps.push({ type: e.type, tool: e.tool, ok: e.ok, summary: e.summary });
      } else if (e.type === "step") {
        out.steps.push({ type: e.type, text: e.text });
      } else if (e.type === "report") {
        out.reports.push({
          id: e.id,
          title: e.title,
          rows: e.rows,
          file: await writeReportFile(rt, owner, e.id, out),
        });
      }
    }
    outputs.push(out);
  }
  return outputs;
}

/** Writes a report's .xlsx into --out-dir; returns its file name (null without --out-dir). */
async function writeReportFile(
  rt: Runtime,
  owner: string,
  id: string,
  out: TurnOutput,
): Promise<string | null> {
  if (!rt.outDir) return null;
  const meta = await rt.store.getReport(owner, id);
  if (!meta) return null;
  const name = uniqueName(rt.usedFileNames, meta.file_name);
  const path = join(rt.outDir, name);
  try {
    const file = await Deno.open(path, { write: true, create: true, truncate: true });
    await exportReport(meta, rt.client, file.writable);
    return name;
  } catch (e) {
    await Deno.remove(path).catch(() => {});
    const message = `Cannot write report file "${name}": ${(e as Error).message}`;
    out.error ??= { code: "tool_error", message };
    return null;
  }
}

function uniqueName(used: Set<string>, name: string): string {
  let candidate = name;
  const dot = name.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  for (let n = 2; used.has(candidate); n++) candidate = `${stem}_${n}${ext}`;
  used.add(candidate);
  return candidate;
}

// ---------------------------------------------------------------------------------------
// Text output

function printText(conv: Conversation, turns: TurnOutput[], showId: boolean): void {
  if (showId) console.log(`=== ${conv.id}`);
  for (const t of turns) {
    console.log(`> ${t.question}`);
    if (t.interpretation) {
      console.log(`[Read as: ${interpretationLine(t.interpretation, t.outcome)}]`);
    }
    if (t.outcome !== "answered") console.log(`[${t.outcome}]`);
    if (t.answer) console.log(t.answer);
    for (const table of t.tables) console.log(`\n${formatTable(table)}`);
    for (const r of t.reports) {
      console.log(
        `\nReport: ${r.title} (${r.rows.toLocaleString("en-US")} rows)${
          r.file ? ` → ${r.file}` : ""
        }`,
      );
    }
    if (t.error) console.log(`\nError (${t.error.code}): ${t.error.message}`);
    console.log(
      `[${t.usage.model_calls} model calls, ${t.usage.input_tokens} input / ${t.usage.output_tokens} output tokens]\n`,
    );
  }
}

function formatTable(t: TableSpec, maxRows = 20): string {
  const rows = t.rows.slice(0, maxRows).map((r) =>
    r.map((c) => c === null || c === undefined ? "—" : String(c))
  );
  const widths = t.columns.map((c, i) =>
    Math.min(40, Math.max(c.length, ...rows.map((r) => (r[i] ?? "").length)))
  );
  const line = (cells: string[]) =>
    cells.map((c, i) => c.slice(0, 40).padEnd(widths[i])).join("  ").trimEnd();
  const out = [
    t.title,
    line(t.columns),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map(line),
  ];
  const more = t.total_rows - rows.length;
  out.push(
    more > 0
      ? `(${rows.length} of ${t.total_rows.toLocaleString("en-US")} rows)`
      : `(${t.total_rows} ${t.total_rows === 1 ? "row" : "rows"})`,
  );
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------

async function main(argv: string[]): Promise<number> {
  const opts = parseOptions(argv);
  if (!opts) {
    console.log(USAGE);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  const conversations = opts.batch
    ? await readBatch(opts.batch)
    : [{ id: "cli", turns: opts.questions }];
  const tz = opts.tz ?? config.tz;
  const frozen = opts.now ?? config.now;
  const now = clock({ now: frozen });
  if (opts.outDir) {
    try {
      await Deno.mkdir(opts.outDir, { recursive: true });
    } catch (e) {
      throw new UsageError(`Cannot create --out-dir "${opts.outDir}": ${(e as Error).message}`);
    }
  }
  let client: DataClient;
  try {
    client = await openDataClient(config, { dataDir: opts.data, tz, now: now() });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  // The planner's names from the data, read while the rest starts.
  const vocabulary = warmVocabulary(client);
  let provider: ModelProvider;
  try {
    provider = createProvider(config, { tz, now, client });
  } catch (e) {
    vocabulary.close();
    await client.close().catch(() => {});
    throw new UsageError((e as Error).message);
  }
  const store = await openStore(":memory:", { clock: now });
  const rt: Runtime = {
    config,
    tz,
    now,
    client,
    store,
    provider,
    outDir: opts.outDir,
    usedFileNames: new Set(),
  };
  try {
    for (const conv of conversations) {
      let turns: TurnOutput[];
      try {
        turns = await runConversation(rt, conv);
      } catch (e) {
        const message = `The conversation failed: ${(e as Error).message}`;
        turns = conv.turns.map((question) => ({
          question,
          answer: "",
          tables: [],
          reports: [],
          steps: [],
          usage: { model_calls: 0, input_tokens: 0, output_tokens: 0 },
          outcome: "answered" as const,
          interpretation: null,
          error: { code: "internal", message },
        }));
      }
      if (opts.json) console.log(JSON.stringify({ id: conv.id, turns }));
      else printText(conv, turns, conversations.length > 1);
    }
  } finally {
    await Promise.resolve(store.close()).catch(() => {});
    vocabulary.close();
    await client.close().catch(() => {});
  }
  return 0;
}

if (import.meta.main) {
  let code: number;
  try {
    code = await main(Deno.args);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`ask: ${e.message}\n\n${USAGE}`);
      code = 2;
    } else {
      console.error(`ask: ${(e as Error).stack ?? e}`);
      code = 2;
    }
  }
  Deno.exit(code);
}
