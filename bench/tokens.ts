/**
 * Model input tokens per question at two data sizes: the same questions run through the
 * real agent loop (OpenAI provider, real catalog, embedded data) against a scripted
 * OpenAI-compatible mock (`lib/agent/providers/mock_openai.ts`). The mock plays the model —
 * the supervisor delegates to the data agent, the data agent calls one catalog report, then
 * answers — and reports as `prompt_tokens` an estimate of each request it received (≈ 4
 * characters a token over the messages and tool definitions, as `lib/agent/memory.ts`
 * counts). The turn's `usage.input_tokens` is the sum over its model calls. Since the model
 * sees previews and summaries, never the data, the figures should not move with the size.
 *
 *   deno run -A bench/tokens.ts [--calls 10000,1000000] [--json FILE]
 */
import { parseArgs } from "node:util";
import { parseToolResult } from "../lib/agent/envelope.ts";
import { estimateTokens } from "../lib/agent/memory.ts";
import { MemoryStore } from "../lib/agent/memory_store.ts";
import { chunk, type MockReply, mockServer, usageChunk } from "../testing/mock_openai.ts";
import { createOpenAIProvider } from "../lib/agent/providers/openai.ts";
import { runTurn } from "../lib/agent/turn.ts";
import { createEmbeddedClient } from "../lib/data/mcp_client.ts";
import { generateDataset } from "../lib/data/seed.ts";

/** A question and the catalog call the scripted model makes for it. */
export interface TokenQuestion {
  question: string;
  report: { name: string; params: Record<string, unknown> };
}

/** The questions asked at every size. */
export const TOKEN_QUESTIONS: TokenQuestion[] = [
  {
    question: "How many calls this month?",
    report: { name: "call_count", params: { period: "this month" } },
  },
  {
    question: "Agent performance last week",
    report: { name: "agent_performance", params: { period: "last week" } },
  },
  {
    question: "Calls by queue this month",
    report: { name: "call_breakdown", params: { period: "this month", group_by: "queue" } },
  },
  {
    question: "List missed calls yesterday",
    report: { name: "call_list", params: { period: "yesterday", status: "missed" } },
  },
  {
    question: "Abandonment rate by queue this month",
    report: { name: "abandonment_rate", params: { period: "this month", group_by: "queue" } },
  },
];

/** One question at one size. */
export interface TokenFigure {
  question: string;
  input_tokens: number;
  /** Input tokens with every number counted as one digit. */
  shape_tokens: number;
  model_calls: number;
  /** Rows the report found in the data (shows the sizes differ). */
  total_rows: number | null;
  tool_ok: boolean;
  outcome: string;
}

/** What `bench/tokens.ts --json` writes. */
export interface TokensBenchResult {
  bench: "tokens";
  method: string;
  sizes: { calls: number; questions: TokenFigure[] }[];
  comparison: TokensComparison;
}

const NOW = new Date("2026-11-24T09:00:00Z");
const TZ = "Asia/Kolkata";

type Body = {
  messages: { role: string; content: string | null }[];
  tools?: { function: { name: string } }[];
};

/**
 * The estimated input tokens of one chat-completions request body; with `shape`, the data's
 * values are set aside: every number counts as one digit, and each text or empty cell of a
 * tool result's rows and summary as one character (which agents lead, say, differs between two
 * datasets; how much the model is shown must not).
 */
export function requestTokens(body: Body, options: { shape?: boolean } = {}): number {
  if (!options.shape) {
    return estimateTokens(JSON.stringify(body.messages)) +
      estimateTokens(JSON.stringify(body.tools ?? []));
  }
  const digits = (s: string) => s.replace(/-?\d+(\.\d+)?/g, "0");
  const messages = body.messages.map((m) =>
    m.role === "tool" && typeof m.content === "string"
      ? { ...m, content: maskValues(m.content) }
      : m
  );
  return estimateTokens(digits(JSON.stringify(messages))) +
    estimateTokens(digits(JSON.stringify(body.tools ?? [])));
}

/** A tool result with the text values (and nulls) of its rows and summary replaced by "x". */
function maskValues(content: string): string {
  const envelope = parseToolResult(content) as Record<string, unknown> | null;
  if (!envelope) return content;
  // A missing cell is a value too ("no customer name" in one dataset, a name in another).
  const mask = (v: unknown): unknown =>
    typeof v === "string" || v === null ? "x" : Array.isArray(v) ? v.map(mask) : v;
  // Elsewhere, a count written with thousands separators is one number ("1,234" as "123").
  const prose = (v: unknown): unknown =>
    typeof v === "string"
      ? v.replace(/\d{1,3}(?:,\d{3})+/g, "0")
      : Array.isArray(v)
      ? v.map(prose)
      : v && typeof v === "object"
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, prose(x)]))
      : v;
  const out = prose(envelope) as Record<string, unknown>;
  if (Array.isArray(out.rows)) out.rows = out.rows.map(mask);
  if (out.summary && typeof out.summary === "object") {
    out.summary = Object.fromEntries(
      Object.entries(out.summary as Record<string, unknown>).map(([k, v]) => [k, mask(v)]),
    );
  }
  return JSON.stringify(out);
}

function toolCall(name: string, args: unknown, tokens: number): MockReply {
  return {
    sse: [
      chunk({
        role: "assistant",
        tool_calls: [{
          index: 0,
          id: `call_${name}`,
          type: "function",
          function: { name, arguments: JSON.stringify(args) },
        }],
      }),
      chunk({}, "tool_calls"),
      usageChunk(tokens, 20),
    ],
  };
}

function text(answer: string, tokens: number): MockReply {
  return {
    sse: [
      chunk({ role: "assistant", content: "" }),
      chunk({ content: answer }),
      chunk({}, "stop"),
      usageChunk(tokens, 12),
    ],
  };
}

interface Seen {
  lastTool: string | null;
  shapeTokens: number;
}

/** The scripted model: stateless, it reads what to do from each request. */
function scriptedModel(q: TokenQuestion, seen: Seen) {
  return (raw: Record<string, unknown>): MockReply => {
    const body = raw as Body;
    const tokens = requestTokens(body);
    seen.shapeTokens += requestTokens(body, { shape: true });
    const tools = (body.tools ?? []).map((t) => t.function.name);
    const toolMessages = body.messages.filter((m) => m.role === "tool");
    if (tools.includes("ask_data_agent")) {
      return toolMessages.length === 0
        ? toolCall("ask_data_agent", { question: q.question }, tokens)
        : text("Here is what the data says.", tokens);
    }
    if (toolMessages.length === 0) return toolCall("run_report", q.report, tokens);
    seen.lastTool = toolMessages.at(-1)?.content ?? null;
    return text("Here is the report.", tokens);
  };
}

/** Runs every question on `calls` generated calls. */
export async function measureSize(
  calls: number,
  options: { questions?: TokenQuestion[]; log?: (line: string) => void } = {},
): Promise<TokenFigure[]> {
  const questions = options.questions ?? TOKEN_QUESTIONS;
  const log = options.log ?? (() => {});
  const days = 60;
  const dataset = generateDataset({ days, callsPerDay: Math.ceil(calls / days), now: NOW, tz: TZ });
  const client = await createEmbeddedClient({ ...dataset });
  const store = new MemoryStore();
  const out: TokenFigure[] = [];
  try {
    for (const q of questions) {
      const seen: Seen = { lastTool: null, shapeTokens: 0 };
      const mock = mockServer(Array.from({ length: 20 }, () => scriptedModel(q, seen)));
      try {
        const t0 = performance.now();
        const conv = await store.createConversation("bench", "tokens");
        const outcome = await runTurn({
          question: q.question,
          owner: "bench",
          conversationId: conv.id,
          deps: {
            provider: createOpenAIProvider({
              apiKey: "sk-bench",
              baseUrl: mock.baseUrl,
              model: "bench",
              retryBaseMs: 1,
            }),
            client,
            conversations: store,
            reports: store,
            config: { tz: TZ, now: () => NOW, maxToolRounds: 8, contextTokenBudget: 6000 },
          },
          signal: new AbortController().signal,
          emit: () => {},
        });
        const result = seen.lastTool ? parseToolResult(seen.lastTool) : null;
        const total = result?.total_rows;
        log(`    ${q.question}: ${Math.round(performance.now() - t0)} ms`);
        if (result?.ok !== true) log(`    tool result: ${seen.lastTool?.slice(0, 400)}`);
        out.push({
          question: q.question,
          input_tokens: outcome.usage.input_tokens,
          shape_tokens: seen.shapeTokens,
          model_calls: outcome.usage.model_calls,
          total_rows: typeof total === "number" ? total : null,
          tool_ok: result?.ok === true,
          outcome: outcome.error ? outcome.error.code : outcome.outcome,
        });
      } finally {
        await mock.close();
      }
    }
  } finally {
    await client.close();
  }
  return out;
}

/** How the sizes compare, question by question. */
export interface TokensComparison {
  /** Same input tokens at every size. */
  equal: boolean;
  /** Same tokens once numbers are set aside: the prompt does not grow with the data. */
  shape_equal: boolean;
  /** Largest difference of input tokens between sizes for one question. */
  max_diff_tokens: number;
  /** The same as a share of the smaller figure. */
  max_diff_ratio: number;
}

/** Compares each question's tokens across the sizes. */
export function compareTokens(sizes: TokensBenchResult["sizes"]): TokensComparison {
  let maxDiff = 0;
  let maxRatio = 0;
  let shapeEqual = true;
  const first = sizes[0]?.questions ?? [];
  for (const s of sizes.slice(1)) {
    if (s.questions.length !== first.length) {
      return { equal: false, shape_equal: false, max_diff_tokens: NaN, max_diff_ratio: NaN };
    }
    s.questions.forEach((q, i) => {
      const a = first[i].input_tokens;
      const d = Math.abs(q.input_tokens - a);
      maxDiff = Math.max(maxDiff, d);
      maxRatio = Math.max(maxRatio, d / Math.max(1, Math.min(a, q.input_tokens)));
      if (q.shape_tokens !== first[i].shape_tokens) shapeEqual = false;
    });
  }
  return {
    equal: maxDiff === 0,
    shape_equal: shapeEqual,
    max_diff_tokens: maxDiff,
    max_diff_ratio: maxRatio,
  };
}

/**
 * ✓ when equal; ≈ when they differ by under 1 % (the values in the previews: numbers,
 * names); else DIFFERENT.
 */
export function verdict(c: Pick<TokensComparison, "equal" | "max_diff_ratio">): string {
  if (c.equal) return "✓ equal";
  if (c.max_diff_ratio < 0.01) return "≈ equal but for the values shown (<1 %)";
  return "DIFFERENT";
}

/** Runs the questions at every size. */
export async function runTokensBench(
  sizes: number[],
  log: (line: string) => void = () => {},
): Promise<TokensBenchResult> {
  const out: TokensBenchResult["sizes"] = [];
  for (const calls of sizes) {
    log(`  ${calls.toLocaleString("en-US")} calls…`);
    out.push({ calls, questions: await measureSize(calls, { log }) });
  }
  return {
    bench: "tokens",
    method: "scripted OpenAI mock; prompt_tokens = ceil(chars/4) of messages + tool definitions",
    sizes: out,
    comparison: compareTokens(out),
  };
}

function printResult(r: TokensBenchResult): void {
  const head = r.sizes.map((s) => `${s.calls.toLocaleString("en-US")} calls`.padStart(18));
  console.log(`Model input tokens per question (${r.method})`);
  console.log(`  ${"question".padEnd(40)}${head.join("")}`);
  r.sizes[0]?.questions.forEach((q, i) => {
    const cells = r.sizes.map((s) => {
      const f = s.questions[i];
      return `${f.input_tokens} (${f.total_rows ?? "?"} rows)`.padStart(18);
    });
    console.log(`  ${q.question.padEnd(40)}${cells.join("")}  ${
      verdict(compareTokens(
        r.sizes.map((s) => ({ calls: s.calls, questions: [s.questions[i]] })),
      ))
    }`);
  });
  const c = r.comparison;
  console.log(
    `  ${verdict(c)} (largest difference ${c.max_diff_tokens} tokens, ` +
      `${(c.max_diff_ratio * 100).toFixed(2)} %)`,
  );
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      calls: { type: "string", default: "10000,1000000" },
      json: { type: "string" },
    },
  });
  const sizes = values.calls.split(",").map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`Bad --calls: ${values.calls}`);
  }
  const result = await runTokensBench(sizes, (l) => console.error(l));
  printResult(result);
  if (values.json) await Deno.writeTextFile(values.json, JSON.stringify(result, null, 2) + "\n");
}
