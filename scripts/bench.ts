/**
 * `deno task bench`: runs every benchmark of the project, one child process each with
 * `--json` into a temporary directory, then prints one summary table of the headline figures
 * beside their references (what | this app | reference | ratio), and writes the merged JSON
 * to `bench/results/latest.json` and the table as Markdown to `bench/results/latest.md`.
 *
 *   deno task bench [--quick] [--only app,tokens] [--out-dir bench/results]
 *                   [--json-dir DIR [--reuse]]
 *
 * `--json-dir` keeps each component's JSON (`DIR/<id>.json`); with `--reuse`, a component
 * whose file is already there is not run again (to redo the table, or to finish a run).
 *
 * The benchmarks: `bench/engine_1m.ts` (load time, RSS, query p50/p95 vs plain mingo),
 * `bench/worker_read.ts` (bulk reads), `bench/excel.ts` (export vs openpyxl write-only and
 * vs the deflate floor; it installs python3-openpyxl itself when root), `bench/app.ts` (the
 * real app: start, RSS, first and final SSE event at 1, 50 and 200 concurrent turns, a cheap
 * request while a heavy query runs), `bench/instances.ts` (200 concurrent turns on one app
 * process, then on 4 sharing one KV behind a round-robin proxy), `bench/tokens.ts` (model input tokens per question at
 * 10k and 1M calls) and `bench/turn_bench.ts` (whole turns in process). One missing is
 * skipped with a line saying so. `--quick` uses small sizes for a smoke run.
 */
import { parseArgs } from "node:util";
import { join, resolve } from "node:path";

/** A component benchmark: how to run it and where its figures go. */
export interface Component {
  id: string;
  title: string;
  /** Script the component needs (relative to the repository). */
  script: string;
  /** `deno` arguments; `{json}` is replaced by the JSON file's path. */
  args: string[];
  /** The JSON comes on stdout (`deno bench --json`) rather than in a file. */
  jsonOnStdout?: boolean;
}

/** Sizes of a run. */
export interface Sizes {
  calls: number;
  excelRows: number[];
  concurrency: number[];
  tokenCalls: number[];
  /** The several-instance benchmark: app processes, concurrent turns and calls. */
  instances: { count: number; turns: number; calls: number };
}

/** The sizes of a full run and of `--quick`. */
export function sizesFor(quick: boolean): Sizes {
  return quick
    ? {
      calls: 100_000,
      excelRows: [20_000, 100_000],
      concurrency: [1, 10, 50],
      tokenCalls: [10_000, 100_000],
      instances: { count: 2, turns: 50, calls: 20_000 },
    }
    : {
      calls: 1_000_000,
      excelRows: [100_000, 1_000_000],
      concurrency: [1, 50, 200],
      tokenCalls: [10_000, 1_000_000],
      instances: { count: 4, turns: 200, calls: 50_000 },
    };
}

/** Every component benchmark at `sizes`. */
export function components(sizes: Sizes): Component[] {
  const calls = String(sizes.calls);
  return [
    {
      id: "engine",
      title: `Embedded queries on ${fmt(sizes.calls)} calls vs plain mingo`,
      script: "bench/engine_1m.ts",
      args: [
        "run",
        "-A",
        "--v8-flags=--expose-gc",
        "bench/engine_1m.ts",
        "--calls",
        calls,
        "--json",
        "{json}",
      ],
    },
    {
      id: "worker_read",
      title: `Bulk reads on ${fmt(sizes.calls)} calls`,
      script: "bench/worker_read.ts",
      args: ["run", "-A", "bench/worker_read.ts", "--calls", calls, "--json", "{json}"],
    },
    {
      id: "excel",
      title: `Excel export at ${sizes.excelRows.map(fmt).join(" and ")} rows`,
      script: "bench/excel.ts",
      args: [
        "run",
        "-A",
        "bench/excel.ts",
        "--rows",
        sizes.excelRows.join(","),
        "--json",
        "{json}",
      ],
    },
    {
      id: "app",
      title: `The real app on ${fmt(sizes.calls)} calls`,
      script: "bench/app.ts",
      args: [
        "run",
        "-A",
        "bench/app.ts",
        "--calls",
        calls,
        "--concurrency",
        sizes.concurrency.join(","),
        "--json",
        "{json}",
      ],
    },
    {
      id: "instances",
      title: `${sizes.instances.turns} concurrent turns on 1 and on ${sizes.instances.count} ` +
        `instances sharing one KV (${fmt(sizes.instances.calls)} calls)`,
      script: "bench/instances.ts",
      args: [
        "run",
        "-A",
        "bench/instances.ts",
        "--instances",
        String(sizes.instances.count),
        "--turns",
        String(sizes.instances.turns),
        "--calls",
        String(sizes.instances.calls),
        "--json",
        "{json}",
      ],
    },
    {
      id: "tokens",
      title: `Model input tokens at ${sizes.tokenCalls.map(fmt).join(" and ")} calls`,
      script: "bench/tokens.ts",
      args: [
        "run",
        "-A",
        "bench/tokens.ts",
        "--calls",
        sizes.tokenCalls.join(","),
        "--json",
        "{json}",
      ],
    },
    {
      id: "turns",
      title: "Whole turns in process with the offline planner (48,000 calls)",
      script: "bench/turn_bench.ts",
      args: ["bench", "-A", "--no-check", "--json", "bench/turn_bench.ts"],
      jsonOnStdout: true,
    },
  ];
}

/** One line of the summary. */
export interface SummaryRow {
  what: string;
  app: string;
  reference: string;
  ratio: string;
}

/** The merged results: each component's JSON (null when skipped or failed). */
export interface Merged {
  generated_at: string;
  quick: boolean;
  sizes: Sizes;
  machine: { cpus: number | null; os: string; deno: string };
  status: Record<string, "ok" | "missing" | "failed">;
  results: Record<string, unknown>;
}

/** Merges component results with the run's metadata. */
export function mergeResults(input: {
  quick: boolean;
  sizes: Sizes;
  status: Merged["status"];
  results: Record<string, unknown>;
  now?: Date;
}): Merged {
  return {
    generated_at: (input.now ?? new Date()).toISOString(),
    quick: input.quick,
    sizes: input.sizes,
    machine: {
      cpus: navigator.hardwareConcurrency ?? null,
      os: `${Deno.build.os} ${Deno.build.arch}`,
      deno: Deno.version.deno,
    },
    status: input.status,
    results: input.results,
  };
}

/** A count with thousands separators. */
export function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

function num(x: number, digits = 0): string {
  return x.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function ms(x: number): string {
  return x >= 10_000 ? `${num(x / 1000, 1)} s` : `${num(x, x < 10 ? 1 : 0)} ms`;
}

/** `a ÷ b` as `1.23×`, or an empty string when it cannot be computed. */
export function ratio(a: number | null | undefined, b: number | null | undefined): string {
  if (typeof a !== "number" || typeof b !== "number" || !isFinite(a) || !isFinite(b) || b === 0) {
    return "";
  }
  const r = a / b;
  return `${r >= 10 ? num(r, 0) : num(r, 2)}×`;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Flattens nested objects into dotted keys with number values (arrays left out). */
export function flattenNumbers(o: Obj, prefix = ""): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "number" && isFinite(v)) out[key] = v;
    else if (isObj(v)) Object.assign(out, flattenNumbers(v, key));
  }
  return out;
}

function findKey(
  flat: Record<string, number>,
  want: RegExp,
  options: { peer?: boolean } = {},
): [string, number] | null {
  const peer = /mingo|plain|baseline|reference|peer/i;
  for (const [k, v] of Object.entries(flat)) {
    if (!want.test(k) || /ratio|speedup/i.test(k)) continue;
    if (options.peer ? peer.test(k) : !peer.test(k)) return [k, v];
  }
  return null;
}

/** Every array of objects inside `v` (depth first). */
function objectArrays(v: unknown): Obj[][] {
  if (Array.isArray(v)) {
    const own = v.every(isObj) && v.length ? [v as Obj[]] : [];
    return [...own, ...v.flatMap(objectArrays)];
  }
  if (isObj(v)) return Object.values(v).flatMap(objectArrays);
  return [];
}

function nameOf(o: Obj): string | null {
  for (const k of ["name", "query", "label", "title", "id", "case"]) {
    if (typeof o[k] === "string") return o[k] as string;
  }
  return null;
}

/** Rows of the engine benchmark: load, RSS, and p50/p95 per query beside plain mingo. */
export function engineRows(r: unknown, calls: number): SummaryRow[] {
  if (!isObj(r)) return [];
  const rows: SummaryRow[] = [];
  const load = isObj(r.load) ? r.load : r;
  const n = typeof load.calls === "number" ? load.calls : calls;
  const top = flattenNumbers(load);
  if (typeof load.load_ms === "number") {
    const one = isObj(load.one_thread) ? load.one_thread : null;
    const threads = typeof load.threads === "number" ? load.threads : 1;
    rows.push({
      what: `Load ${fmt(n)} calls into the engine (generated, put in columns, indexed)`,
      app: `${ms(load.load_ms)} on ${threads} thread${threads === 1 ? "" : "s"}`,
      reference: [
        `columns ${ms(Number(load.columns_ms))}, indexes ${ms(Number(load.index_ms))}`,
        one && typeof one.load_ms === "number" ? `${ms(one.load_ms)} on one thread` : "",
      ].filter(Boolean).join("; "),
      ratio: one && typeof one.load_ms === "number"
        ? `${ratio(one.load_ms, load.load_ms)} faster`
        : "",
    });
  } else {
    const loadMs = findKey(top, /load.*_ms$|^load_ms$|^ms$/i);
    if (loadMs) {
      rows.push({
        what: `Load ${fmt(n)} calls (engine)`,
        app: ms(loadMs[1]),
        reference: "",
        ratio: "",
      });
    }
  }
  const rss = findKey(top, /rss/i);
  if (rss) {
    rows.push({
      what: `Engine RSS with ${fmt(n)} calls`,
      app: `${num(rss[1], 0)} MB`,
      reference: typeof top.column_mb === "number" ? `columns ${num(top.column_mb)} MB` : "",
      ratio: "",
    });
  }
  for (const list of objectArrays(r)) {
    for (const q of list) {
      const name = nameOf(q);
      const flat = flattenNumbers(q);
      const p50 = findKey(flat, /p50/i);
      const p95 = findKey(flat, /p95/i);
      if (!name || !p50) continue;
      const m50 = findKey(flat, /p50/i, { peer: true });
      const m95 = findKey(flat, /p95/i, { peer: true });
      rows.push({
        what: `Query "${name}" on ${fmt(n)} calls, p50 / p95`,
        app: `${ms(p50[1])} / ${p95 ? ms(p95[1]) : "?"}`,
        reference: m50 ? `${ms(m50[1])}${m95 ? ` / ${ms(m95[1])}` : ""} p50 (plain mingo)` : "",
        ratio: m50 ? `${ratio(m50[1], p50[1])} faster` : "",
      });
    }
  }
  return rows;
}

/**
 * Rows of the bulk-read benchmark: the time to open the data, then each way of reading all
 * calls beside the last one listed (the MCP pages readAll used before).
 */
export function workerReadRows(r: unknown): SummaryRow[] {
  if (!isObj(r) || !Array.isArray(r.runs)) return [];
  const runs = (r.runs as Obj[]).filter((x) => typeof x.rowsPerSecond === "number");
  const rows: SummaryRow[] = [];
  if (typeof r.openSeconds === "number") {
    rows.push({
      what: `Bulk reads: open ${fmt(Number(r.calls))} calls in the data worker`,
      app: ms(r.openSeconds * 1000),
      reference: "",
      ratio: "",
    });
  }
  const base = runs.at(-1);
  for (const run of runs) {
    const peer = run === base ? null : base!;
    rows.push({
      what: `Bulk read of ${fmt(Number(run.rows))} rows: ${run.way} (rows/s)`,
      app: num(Number(run.rowsPerSecond)) +
        (typeof run.peakRssMb === "number" ? `, peak RSS ${num(run.peakRssMb)} MB` : ""),
      reference: peer ? `${num(Number(peer.rowsPerSecond))} (${peer.way})` : "",
      ratio: peer ? ratio(Number(run.rowsPerSecond), Number(peer.rowsPerSecond)) : "",
    });
  }
  return rows;
}

/** Rows of the Excel benchmark: rows/s vs openpyxl and vs the deflate floor. */
export function excelRows(r: unknown): SummaryRow[] {
  if (!isObj(r) || !Array.isArray(r.runs)) return [];
  const rows: SummaryRow[] = [];
  for (const run of r.runs as Obj[]) {
    const n = Number(run.rows);
    const app = Number(run.app_rows_per_s);
    const peer = typeof run.openpyxl_rows_per_s === "number" ? run.openpyxl_rows_per_s : null;
    const floor = Number(run.floor_rows_per_s);
    rows.push({
      what: `Excel export ${fmt(n)} rows vs openpyxl write-only (rows/s)`,
      app: num(app),
      reference: peer === null ? "openpyxl missing" : num(peer),
      ratio: peer === null ? "" : ratio(app, peer),
    });
    rows.push({
      what: `Excel export ${fmt(n)} rows vs deflate floor (rows/s)`,
      app: num(app),
      reference: num(floor),
      ratio: ratio(app, floor),
    });
    if (typeof run.extra_rss_mb === "number") {
      rows.push({
        what: `Excel export ${fmt(n)} rows, extra RSS`,
        app: `${num(run.extra_rss_mb)} MB`,
        reference: typeof run.openpyxl_extra_rss_mb === "number"
          ? `${num(run.openpyxl_extra_rss_mb)} MB (openpyxl)`
          : "",
        // No ratio: a peer's extra RSS can be near zero.
        ratio: "",
      });
    }
  }
  return rows;
}

/** Rows of the app benchmark: start, RSS, turns at each concurrency, unrelated request. */
export function appRows(r: unknown): SummaryRow[] {
  if (!isObj(r) || !isObj(r.startup)) return [];
  const calls = fmt(Number(r.calls ?? r.calls_requested));
  const s = r.startup as Obj;
  const rows: SummaryRow[] = [
    {
      what: `App start to listening, ${calls} calls`,
      app: ms(Number(s.listen_ms)),
      reference: "",
      ratio: "",
    },
    {
      what: `App RSS after start (peak during the run), ${calls} calls`,
      app: `${num(Number(s.rss_mb))} MB (${
        typeof s.peak_rss_mb === "number" ? num(s.peak_rss_mb) : "?"
      } MB)`,
      reference: "",
      ratio: "",
    },
  ];
  for (const t of (r.turns ?? []) as Obj[]) {
    const f = t.first_event_ms as Obj;
    const z = t.final_ms as Obj;
    const done = `${t.completed}/${t.started} done`;
    const floor = isObj(t.floor) ? t.floor : null;
    const bare = (key: string) => {
      const b = floor && isObj(floor[key]) ? floor[key] as Obj : null;
      return b
        ? {
          reference: `${ms(Number(b.p50))} / ${ms(Number(b.p95))} bare Deno.serve`,
          ratio: ratio(Number((t[key] as Obj).p50), Number(b.p50)),
        }
        : { reference: "", ratio: "" };
    };
    rows.push({
      what: `${t.concurrency} concurrent turns: first SSE event p50 / p95 / max, from the POST`,
      app: `${ms(Number(f.p50))} / ${ms(Number(f.p95))} / ${ms(Number(f.max))}`,
      ...bare("first_event_ms"),
    });
    if (isObj(t.stream_first_event_ms)) {
      const o = t.stream_first_event_ms;
      rows.push({
        what: `${t.concurrency} concurrent turns: first SSE event, from opening the stream`,
        app: `${ms(Number(o.p50))} / ${ms(Number(o.p95))} / ${ms(Number(o.max))}`,
        ...bare("stream_first_event_ms"),
      });
    }
    rows.push({
      what: `${t.concurrency} concurrent turns: final event p50 / p95 / max`,
      app: `${ms(Number(z.p50))} / ${ms(Number(z.p95))} / ${ms(Number(z.max))}`,
      reference: done + (Number(t.failed) ? `, ${t.failed} not answered` : ""),
      ratio: "",
    });
  }
  if (isObj(r.unrelated)) {
    const u = r.unrelated;
    const idle = u.idle_ms as Obj;
    const during = u.during_heavy_ms as Obj;
    rows.push({
      what: `${u.route} while "${u.heavy_question}" runs: p50 / max (vs idle)`,
      app: `${ms(Number(during.p50))} / ${ms(Number(during.max))}`,
      reference: `${ms(Number(idle.p50))} / ${ms(Number(idle.max))} idle`,
      ratio: ratio(Number(during.p50), Number(idle.p50)),
    });
  }
  return rows;
}

/**
 * Rows of the several-instance benchmark: for each round (1 instance, then N behind the
 * round-robin proxy), first and final event p50 / p95 / max with done/failed and the wall
 * time, and the requests each instance served.
 */
export function instancesRows(r: unknown): SummaryRow[] {
  if (!isObj(r) || !Array.isArray(r.rounds)) return [];
  const rows: SummaryRow[] = [];
  const single = (r.rounds as Obj[]).find((x) => x.via_proxy === false);
  for (const x of r.rounds as Obj[]) {
    const f = x.first_event_ms as Obj;
    const z = x.final_ms as Obj;
    const peer = x === single ? null : single;
    const problems = [
      Number(x.failed) ? `${x.failed} failed` : "",
      Number(x.cross_talk) ? `${x.cross_talk} with cross-talk` : "",
    ].filter(Boolean).join(", ");
    const done = `${x.completed}/${x.turns} done${problems ? ` (${problems})` : ""}`;
    rows.push({
      what: `${x.label}: first SSE event p50 / p95 / max`,
      app: `${ms(Number(f.p50))} / ${ms(Number(f.p95))} / ${ms(Number(f.max))}`,
      reference: peer ? `${ms(Number((peer.first_event_ms as Obj).p50))} p50 (1 instance)` : "",
      ratio: peer ? ratio(Number(f.p50), Number((peer.first_event_ms as Obj).p50)) : "",
    });
    rows.push({
      what: `${x.label}: final event p50 / p95 / max`,
      app: `${ms(Number(z.p50))} / ${ms(Number(z.p95))} / ${ms(Number(z.max))}`,
      reference: `${done}, wall ${ms(Number(x.wall_ms))}`,
      ratio: peer ? ratio(Number(z.p50), Number((peer.final_ms as Obj).p50)) : "",
    });
    if (x.via_proxy === true && Array.isArray(x.requests_per_instance)) {
      rows.push({
        what: `${x.label}: requests per instance`,
        app: (x.requests_per_instance as number[]).join(" / "),
        reference: `${x.streams_elsewhere}/${x.turns} streams served by another instance`,
        ratio: "",
      });
    }
  }
  return rows;
}

/** Rows of the tokens benchmark: each question at the smallest and largest size. */
export function tokenRows(r: unknown): SummaryRow[] {
  if (!isObj(r) || !Array.isArray(r.sizes) || r.sizes.length === 0) return [];
  const sizes = r.sizes as { calls: number; questions: Obj[] }[];
  const small = sizes[0];
  const big = sizes[sizes.length - 1];
  const rows = small.questions.map((q, i) => {
    const b = big.questions[i];
    const diff = Number(b?.input_tokens) - Number(q.input_tokens);
    return {
      what: `Model input tokens "${q.question}" at ${fmt(big.calls)} vs ${fmt(small.calls)} calls`,
      app: fmt(Number(b?.input_tokens)),
      reference: fmt(Number(q.input_tokens)),
      ratio: diff === 0
        ? "1× ✓"
        : `${ratio(Number(b?.input_tokens), Number(q.input_tokens))} (${
          diff > 0 ? "+" : ""
        }${diff})`,
    };
  });
  const c = isObj(r.comparison) ? r.comparison : {};
  rows.push({
    what: "Model input tokens: same at both sizes?",
    app: c.equal
      ? "✓ equal"
      : c.shape_equal
      ? "✓ equal but for the values shown"
      : Number(c.max_diff_ratio) < 0.01
      ? "≈ (values in previews)"
      : "DIFFERENT",
    reference: c.equal
      ? ""
      : `with the data's values set aside: ${c.shape_equal ? "equal" : "different"}; ` +
        `as sent: largest difference ${c.max_diff_tokens ?? "?"} tokens (numbers and names shown)`,
    ratio: "",
  });
  return rows;
}

/** Rows of `deno bench --json` output of the in-process turn benchmark. */
export function turnBenchRows(r: unknown): SummaryRow[] {
  if (!isObj(r) || !Array.isArray(r.benches)) return [];
  return (r.benches as Obj[]).flatMap((b) => {
    const ok = (b.results as Obj[] | undefined)?.[0]?.ok;
    if (!isObj(ok) || typeof ok.avg !== "number") return [];
    return [{
      what: `In-process ${b.name} (avg / p75)`,
      app: `${ms(ok.avg / 1e6)} / ${ms(Number(ok.p75) / 1e6)}`,
      reference: "",
      ratio: "",
    }];
  });
}

/** The whole summary of merged results, in component order. */
export function summaryRows(m: Merged): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const add = (id: string, f: () => SummaryRow[]) => {
    if (m.status[id] !== undefined && m.status[id] !== "ok") {
      rows.push({ what: `(${id})`, app: m.status[id], reference: "", ratio: "" });
      return;
    }
    if (m.results[id] === undefined) return;
    const got = f();
    rows.push(
      ...(got.length ? got : [{
        what: `(${id})`,
        app: "figures not recognised; see the JSON",
        reference: "",
        ratio: "",
      }]),
    );
  };
  add("excel", () => excelRows(m.results.excel));
  add("engine", () => engineRows(m.results.engine, m.sizes.calls));
  add("worker_read", () => workerReadRows(m.results.worker_read));
  add("app", () => appRows(m.results.app));
  add("instances", () => instancesRows(m.results.instances));
  add("tokens", () => tokenRows(m.results.tokens));
  add("turns", () => turnBenchRows(m.results.turns));
  return rows;
}

const HEADER: SummaryRow = {
  what: "what",
  app: "this app",
  reference: "reference",
  ratio: "ratio",
};

/** The summary as a plain-text table. */
export function textTable(rows: SummaryRow[]): string {
  const all = [HEADER, ...rows];
  const w = (k: keyof SummaryRow) => Math.max(...all.map((r) => [...r[k]].length));
  const widths = { what: w("what"), app: w("app"), reference: w("reference"), ratio: w("ratio") };
  const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - [...s].length));
  const line = (r: SummaryRow) =>
    `${pad(r.what, widths.what)}  ${pad(r.app, widths.app)}  ${
      pad(r.reference, widths.reference)
    }  ${r.ratio}`
      .trimEnd();
  const rule = "-".repeat(widths.what + widths.app + widths.reference + widths.ratio + 6);
  return [line(HEADER), rule, ...rows.map(line)].join("\n");
}

/** The summary as a Markdown table (pipes in cells escaped). */
export function markdownTable(rows: SummaryRow[]): string {
  const cell = (s: string) => s.replaceAll("|", "\\|");
  const line = (r: SummaryRow) =>
    `| ${cell(r.what)} | ${cell(r.app)} | ${cell(r.reference)} | ${cell(r.ratio)} |`;
  return [line(HEADER), "|---|---|---|---|", ...rows.map(line)].join("\n");
}

/** A Markdown file: a line on the run, then the table. */
export function markdownReport(m: Merged): string {
  return `Benchmarks of ${m.generated_at.slice(0, 10)}${m.quick ? " (--quick sizes)" : ""} on ` +
    `${m.machine.cpus ?? "?"} CPUs, ${m.machine.os}, Deno ${m.machine.deno} ` +
    "(`deno task bench`):\n\n" + markdownTable(summaryRows(m)) + "\n";
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Runs one component; its JSON, or a status when missing or failed. */
async function runComponent(
  c: Component,
  options: { dir: string; root: string; reuse: boolean },
): Promise<{ status: "ok" | "missing" | "failed"; json?: unknown }> {
  const { dir, root } = options;
  const file = join(dir, `${c.id}.json`);
  if (options.reuse && await exists(file)) {
    console.log(`\n=== ${c.title}\n(reusing ${file})`);
    return { status: "ok", json: JSON.parse(await Deno.readTextFile(file)) };
  }
  if (!await exists(join(root, c.script))) {
    console.log(`\n=== ${c.title}\n(skipped: ${c.script} is missing)`);
    return { status: "missing" };
  }
  const args = c.args.map((a) => a === "{json}" ? file : a);
  console.log(`\n=== ${c.title}\n$ deno ${args.join(" ")}`);
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    env: { RUST_BACKTRACE: "0", NO_COLOR: "1" },
    stdin: "null",
    stdout: c.jsonOnStdout ? "piped" : "inherit",
    stderr: "inherit",
  });
  const out = await child.output();
  const took = ((performance.now() - t0) / 1000).toFixed(0);
  if (!out.success) {
    console.log(`(failed with exit code ${out.code} after ${took} s)`);
    return { status: "failed" };
  }
  try {
    const text = c.jsonOnStdout
      ? new TextDecoder().decode(out.stdout)
      : await Deno.readTextFile(file);
    if (c.jsonOnStdout) await Deno.writeTextFile(file, text);
    console.log(`(done in ${took} s)`);
    return { status: "ok", json: JSON.parse(text) };
  } catch (e) {
    console.log(`(finished but its JSON is unreadable: ${e instanceof Error ? e.message : e})`);
    return { status: "failed" };
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      "out-dir": { type: "string", default: "bench/results" },
      "json-dir": { type: "string" },
      reuse: { type: "boolean", default: false },
    },
  });
  const root = new URL("..", import.meta.url).pathname;
  const sizes = sizesFor(values.quick);
  const only = values.only?.split(",").map((s) => s.trim());
  const list = components(sizes).filter((c) => !only || only.includes(c.id));
  if (only && list.length !== only.length) {
    const known = components(sizes).map((c) => c.id).join(", ");
    console.error(`Unknown benchmark in --only ${values.only}: use some of ${known}`);
    return 2;
  }
  if (values.reuse && !values["json-dir"]) {
    console.error("--reuse needs --json-dir DIR (where the component JSON files are)");
    return 2;
  }
  const keep = values["json-dir"] !== undefined;
  const dir = keep ? resolve(values["json-dir"]!) : await Deno.makeTempDir({ prefix: "bench_" });
  if (keep) await Deno.mkdir(dir, { recursive: true });
  const status: Merged["status"] = {};
  const results: Record<string, unknown> = {};
  try {
    for (const c of list) {
      const r = await runComponent(c, { dir, root, reuse: values.reuse });
      status[c.id] = r.status;
      if (r.json !== undefined) results[c.id] = r.json;
    }
  } finally {
    if (!keep) await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  const merged = mergeResults({ quick: values.quick, sizes, status, results });
  console.log("\n=== Summary\n");
  console.log(textTable(summaryRows(merged)));
  const outDir = resolve(root, values["out-dir"]);
  await Deno.mkdir(outDir, { recursive: true });
  await Deno.writeTextFile(join(outDir, "latest.json"), JSON.stringify(merged, null, 2) + "\n");
  await Deno.writeTextFile(join(outDir, "latest.md"), markdownReport(merged));
  // As `deno fmt` lays them out, so that `deno task check` passes with them committed.
  await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "-q", join(outDir, "latest.json"), join(outDir, "latest.md")],
    stdout: "null",
    stderr: "inherit",
  }).output();
  console.log(`\nWrote ${join(values["out-dir"], "latest.json")} and latest.md`);
  return Object.values(status).includes("failed") ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
