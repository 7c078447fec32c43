/**
 * Runs the evaluation on a freshly generated dataset: generates calls and customers
 * (`lib/data/seed.ts`), writes them as mongoexport files into a temporary directory,
 * builds the matching questions with `buildEvalSet`, and scores `deno task ask` on them
 * with `../shared/eval/check.py`.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateDataset, writeDataset } from "../lib/data/seed.ts";
import {
  buildEvalSet,
  type EvalItem,
  type EvalSet,
  type FamilySelection,
  toJsonLines,
} from "./expectations.ts";
import { dayNumber, localInstant } from "./local_time.ts";

/** The repository root (where `deno.json` is). */
export const REPO_ROOT: string = fileURLToPath(new URL("../", import.meta.url));

/** The public scorer, beside the repository. */
export const CHECK_SCRIPT: string = join(REPO_ROOT, "..", "shared", "eval", "check.py");

/** What to generate and how to score it. */
export interface GeneratedEvalOptions {
  /** Business time zone of the data and the questions (IANA). */
  tz: string;
  /** Seed of the data and of the question picks. */
  seed: number;
  /** Local days of calls, ending today. */
  days: number;
  /** Average calls per day. */
  callsPerDay: number;
  /** The frozen clock (default `defaultNow(tz)`). */
  now?: Date;
  /** Number of agents (generator default when missing). */
  agents?: number;
  /** Number of address-book customers (generator default when missing). */
  customers?: number;
  /** The question families (default `public`; see `buildEvalSet`). */
  families?: FamilySelection;
  /** The command the scorer runs (default `deno task ask`). */
  cmd?: string;
  /** The scorer (default `CHECK_SCRIPT`). */
  checkScript?: string;
  /** Python interpreter (default `python3`). */
  python?: string;
  /** Keep the temporary directory (data, questions, reports) instead of removing it. */
  keep?: boolean;
  /** Receives the scorer's output as it comes. */
  onOutput?: (text: string) => void;
}

/** What a run found. */
export interface GeneratedEvalResult {
  /** Items that passed and failed, from the scorer's summary line (-1 when missing). */
  passed: number;
  failed: number;
  /** Items in the questions file. */
  total: number;
  /** The scorer's exit status: 0 all passed, 1 some failed, 2 the command failed. */
  code: number;
  /** Everything the scorer printed (stdout, then stderr). */
  output: string;
  /** The questions and the families left out. */
  set: EvalSet;
  /** Each item's result as the scorer printed it, in the order of `set.items`. */
  items: ItemResult[];
  /** Calls in the generated data. */
  calls: number;
  /** The frozen clock used. */
  now: Date;
  /** The temporary directory (removed unless `keep`). */
  dir: string;
}

/** 15:30 local time in `tz` on Wednesday 2026-03-11: a weekday afternoon with a full today. */
export function defaultNow(tz: string): Date {
  return new Date(localInstant(tz, { day: dayNumber(2026, 3, 11), hour: 15, minute: 30 }));
}

/** The numbers of the scorer's summary line `eval: N passed, M failed`. */
export function parseSummary(output: string): { passed: number; failed: number } | null {
  const m = /^eval: (\d+) passed, (\d+) failed$/m.exec(output);
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : null;
}

/** How one item fared. */
export interface ItemResult {
  item: EvalItem;
  /** The item's family (its first tag). */
  family: string;
  /** True when every expectation held; null when the scorer printed no line for it (a failure). */
  ok: boolean | null;
  /** Why it failed, as the scorer says (`turn 1: outcome 'clarified', expected …`). */
  why: string | null;
  /** The answers the scorer showed for a failed item (first 600 characters each). */
  answers: string[];
  /**
   * How a failure reads for the guard: `clarified` when the assistant asked back on a
   * question it should have answered (allowed by the guard, though not a pass), `wrong`
   * for anything else (a wrong or missing number, an answer where it should have asked
   * back or refused, an error).
   */
  failure: "clarified" | "wrong" | null;
}

const CLARIFIED_INSTEAD = /^turn \d+: outcome 'clarified', expected one of \['answered'\]$/;

/**
 * The items' results from the scorer's output (`ok   ID …`, `FAIL ID …: WHY` lines, each
 * failure followed by `   answer: …` lines with `--show-failures`).
 */
export function itemResults(items: readonly EvalItem[], output: string): ItemResult[] {
  const found = new Map<string, { ok: boolean; why: string | null; answers: string[] }>();
  let last: { answers: string[] } | null = null;
  for (const line of output.split("\n")) {
    const ok = /^ok {3}(\S+) /.exec(line);
    const fail = /^FAIL (\S+) \[.*\]: (.*)$/.exec(line);
    if (ok) {
      last = null;
      found.set(ok[1], { ok: true, why: null, answers: [] });
    } else if (fail) {
      last = { answers: [] };
      found.set(fail[1], { ok: false, why: fail[2], answers: last.answers });
    } else if (last && line.startsWith("   answer: ")) {
      last.answers.push(line.slice("   answer: ".length));
    } else {
      last = null;
    }
  }
  return items.map((item) => {
    const r = found.get(item.id);
    const failure = r?.ok ? null : r && CLARIFIED_INSTEAD.test(r.why ?? "") ? "clarified" : "wrong";
    return {
      item,
      family: item.tags[0] ?? "",
      ok: r ? r.ok : null,
      why: r?.why ?? null,
      answers: r?.answers ?? [],
      failure,
    };
  });
}

/** Passed and failed items per family, in the order families first appear. */
export function familySummary(
  results: readonly ItemResult[],
): { family: string; passed: number; failed: number }[] {
  const by = new Map<string, { family: string; passed: number; failed: number }>();
  for (const r of results) {
    const s = by.get(r.family) ?? { family: r.family, passed: 0, failed: 0 };
    if (r.ok) s.passed++;
    else s.failed++;
    by.set(r.family, s);
  }
  return [...by.values()];
}

/** Generates a dataset, builds its questions and scores the assistant on them. */
export async function runGeneratedEval(opts: GeneratedEvalOptions): Promise<GeneratedEvalResult> {
  const now = opts.now ?? defaultNow(opts.tz);
  const seedOptions = {
    days: opts.days,
    callsPerDay: opts.callsPerDay,
    seed: opts.seed,
    now,
    tz: opts.tz,
    agents: opts.agents,
    customers: opts.customers,
  };
  const data = generateDataset(seedOptions);
  const set = buildEvalSet({
    calls: data.calling_cdr,
    customers: data.address_book,
    now,
    tz: opts.tz,
    seed: opts.seed,
    families: opts.families,
  });
  const dir = await Deno.makeTempDir({ prefix: "eval-generated-" });
  try {
    const dataDir = join(dir, "data");
    await writeDataset(dataDir, seedOptions);
    const questions = join(dir, "questions.jsonl");
    await Deno.writeTextFile(questions, toJsonLines(set.items));
    const { code, output } = await runScorer({
      python: opts.python ?? "python3",
      args: [
        opts.checkScript ?? CHECK_SCRIPT,
        "--data",
        dataDir,
        "--questions",
        questions,
        "--cmd",
        opts.cmd ?? "deno task ask",
        "--show-failures",
      ],
      onOutput: opts.onOutput,
    });
    const summary = parseSummary(output);
    return {
      passed: summary?.passed ?? -1,
      failed: summary?.failed ?? -1,
      total: set.items.length,
      code,
      output,
      set,
      items: itemResults(set.items, output),
      calls: data.calling_cdr.length,
      now,
      dir,
    };
  } finally {
    if (!opts.keep) await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

async function runScorer(
  p: { python: string; args: string[]; onOutput?: (text: string) => void },
): Promise<{ code: number; output: string }> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(p.python, {
      args: p.args,
      cwd: REPO_ROOT,
      env: { RUST_BACKTRACE: "0", NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (e) {
    throw new Error(`Cannot run the scorer with "${p.python}": ${(e as Error).message}`, {
      cause: e,
    });
  }
  const read = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    let text = "";
    for await (const bytes of stream) {
      const chunk = decoder.decode(bytes, { stream: true });
      text += chunk;
      p.onOutput?.(chunk);
    }
    return text + decoder.decode();
  };
  const [out, err, status] = await Promise.all([
    read(child.stdout),
    read(child.stderr),
    child.status,
  ]);
  return { code: status.code, output: out + err };
}
