import assert from "node:assert/strict";
import {
  appRows,
  components,
  engineRows,
  excelRows,
  instancesRows,
  markdownReport,
  markdownTable,
  type Merged,
  mergeResults,
  ratio,
  sizesFor,
  summaryRows,
  textTable,
  tokenRows,
  turnBenchRows,
  workerReadRows,
} from "./bench.ts";
import {
  type AppBenchResult,
  demoSizing,
  percentile,
  runAppBench,
  summarize,
} from "../bench/app.ts";
import { compareTokens, verdict } from "../bench/tokens.ts";
import { countCalls } from "../lib/data/seed.ts";

const EXCEL = {
  deflate_level: 1,
  runs: [{
    rows: 100000,
    app_rows_per_s: 200000,
    openpyxl_rows_per_s: 50000,
    floor_rows_per_s: 400000,
    extra_rss_mb: 30,
    openpyxl_extra_rss_mb: 15,
  }, {
    rows: 1000000,
    app_rows_per_s: 180000,
    openpyxl_rows_per_s: null,
    floor_rows_per_s: 360000,
  }],
};

const ENGINE = {
  load: {
    calls: 982000,
    load_ms: 4200,
    columns_ms: 3000,
    index_ms: 1200,
    threads: 2,
    one_thread: { load_ms: 6300 },
    rss_mb: 900,
    column_mb: 60,
  },
  queries: [
    { name: "calls this month", p50_ms: 12, p95_ms: 20, mingo_p50_ms: 480, ratio: 40 },
    { name: "no figures" },
  ],
};

const WORKER_READ = {
  calls: 1000000,
  openSeconds: 12.96,
  runs: [
    { way: "readBatches", rows: 1004460, seconds: 55.9, rowsPerSecond: 18000, peakRssMb: 3063 },
    { way: "readAll pages", rows: 1004460, seconds: 84.3, rowsPerSecond: 12000, peakRssMb: 3063 },
  ],
};

const summary = (n: number, p50: number, p95: number, max: number) => ({ n, p50, p95, max });

const APP: AppBenchResult = {
  bench: "app",
  calls_requested: 1000000,
  calls: 982000,
  days: 60,
  calls_per_day: 16667,
  now: "2026-11-24T09:00:00Z",
  startup: { listen_ms: 15000, rss_mb: 1200, peak_rss_mb: 1500 },
  turns: [1, 50].map((c) => ({
    concurrency: c,
    started: c,
    completed: c,
    failed: c === 50 ? 2 : 0,
    outcomes: { answered: c },
    first_event_ms: summary(c, 5, 9, 12),
    first_work_event_ms: summary(c, 6, 10, 13),
    final_ms: summary(c, 300 * c, 400 * c, 500 * c),
    wall_ms: 500 * c,
    ...(c === 50 ? { floor: { first_event_ms: summary(c, 2.5, 4, 5) } } : {}),
  })),
  unrelated: {
    route: "GET /api/auth/me",
    heavy_question: "Calls by customer for the last 60 days",
    heavy_turns: 2,
    heavy_turn_ms: [2000, 2100],
    heavy_outcomes: ["answered", "answered"],
    idle_ms: summary(20, 2, 3, 4),
    during_heavy_ms: summary(20, 8, 30, 40),
  },
  questions: ["q"],
};

const TOKENS = {
  bench: "tokens",
  method: "m",
  sizes: [
    { calls: 10000, questions: [{ question: "A", input_tokens: 1000, shape_tokens: 900 }] },
    { calls: 1000000, questions: [{ question: "A", input_tokens: 1002, shape_tokens: 900 }] },
  ],
  comparison: { equal: false, shape_equal: true, max_diff_tokens: 2, max_diff_ratio: 0.002 },
};

const TURNS = {
  benches: [{ name: "turn (48k calls): q", results: [{ ok: { avg: 25e6, p75: 30e6 } }] }],
};

function merged(): Merged {
  return mergeResults({
    quick: false,
    sizes: sizesFor(false),
    status: {
      excel: "ok",
      engine: "ok",
      worker_read: "missing",
      app: "ok",
      tokens: "ok",
      turns: "ok",
    },
    results: { excel: EXCEL, engine: ENGINE, app: APP, tokens: TOKENS, turns: TURNS },
    now: new Date("2026-12-01T10:00:00Z"),
  });
}

Deno.test("ratio: a over b with two decimals, none for missing or zero figures", () => {
  assert.equal(ratio(3, 2), "1.50×");
  assert.equal(ratio(40, 2), "20×");
  assert.equal(ratio(1, 0), "");
  assert.equal(ratio(null, 2), "");
});

Deno.test("percentiles and summaries of a series", () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(xs, 50), 50);
  assert.equal(percentile(xs, 95), 95);
  assert.equal(percentile([], 50), 0);
  assert.deepEqual(summarize([3, 1, 2]), { n: 3, p50: 2, p95: 3, max: 3 });
  const sizing = demoSizing(1_000_000, 60);
  assert.equal(sizing.days, 60);
  const total = countCalls({
    ...sizing,
    now: new Date("2026-11-24T09:00:00Z"),
    tz: "Asia/Kolkata",
  });
  assert.ok(Math.abs(total - 1_000_000) < 5_000, `total ${total}`);
});

Deno.test("excel rows: ratios vs openpyxl and vs the deflate floor; a missing peer says so", () => {
  const rows = excelRows(EXCEL);
  const vsPeer = rows.find((r) => r.what.startsWith("Excel export 100,000 rows vs openpyxl"))!;
  assert.equal(vsPeer.ratio, "4.00×");
  const vsFloor = rows.find((r) => r.what.startsWith("Excel export 1,000,000 rows vs deflate"))!;
  assert.equal(vsFloor.ratio, "0.50×");
  const missing = rows.find((r) => r.what.startsWith("Excel export 1,000,000 rows vs openpyxl"))!;
  assert.equal(missing.reference, "openpyxl missing");
  assert.equal(missing.ratio, "");
  const rss = rows.find((r) => r.what === "Excel export 100,000 rows, extra RSS")!;
  assert.deepEqual([rss.app, rss.reference, rss.ratio], ["30 MB", "15 MB (openpyxl)", ""]);
});

Deno.test("engine rows: load, RSS and each query's p50/p95 beside plain mingo", () => {
  const rows = engineRows(ENGINE, 1_000_000);
  assert.equal(
    rows[0].what,
    "Load 982,000 calls into the engine (generated, put in columns, indexed)",
  );
  assert.equal(rows[0].app, "4,200 ms on 2 threads");
  assert.equal(rows[0].reference, "columns 3,000 ms, indexes 1,200 ms; 6,300 ms on one thread");
  assert.equal(rows[0].ratio, "1.50× faster");
  assert.equal(rows[1].app, "900 MB");
  assert.equal(rows[1].reference, "columns 60 MB");
  const q = rows.find((r) => r.what.includes("calls this month"))!;
  assert.equal(q.app, "12 ms / 20 ms");
  assert.equal(q.reference, "480 ms p50 (plain mingo)");
  assert.equal(q.ratio, "40× faster");
  assert.equal(rows.filter((r) => r.what.includes("no figures")).length, 0);
});

Deno.test("bulk-read rows: open time, then each way beside the last", () => {
  const rows = workerReadRows(WORKER_READ);
  assert.equal(rows[0].app, "13.0 s");
  assert.equal(rows[1].what, "Bulk read of 1,004,460 rows: readBatches (rows/s)");
  assert.equal(rows[1].app, "18,000, peak RSS 3,063 MB");
  assert.equal(rows[1].reference, "12,000 (readAll pages)");
  assert.equal(rows[1].ratio, "1.50×");
  assert.equal(rows[2].ratio, "");
});

Deno.test("app rows: start, RSS, first and final event per concurrency, unrelated request", () => {
  const rows = appRows(APP);
  assert.match(rows[0].what, /982,000 calls/);
  assert.equal(rows[0].app, "15.0 s");
  assert.equal(rows[1].app, "1,200 MB (1,500 MB)");
  const final50 = rows.find((r) => r.what.startsWith("50 concurrent turns: final"))!;
  assert.equal(final50.app, "15.0 s / 20.0 s / 25.0 s");
  assert.equal(final50.reference, "50/50 done, 2 not answered");
  const first1 = rows.find((r) => r.what.startsWith("1 concurrent turns: first"))!;
  assert.equal(first1.app, "5.0 ms / 9.0 ms / 12 ms");
  assert.equal(first1.reference, "", "no floor measured at 1");
  const first50 = rows.find((r) => r.what.startsWith("50 concurrent turns: first"))!;
  assert.equal(first50.reference, "2.5 ms / 4.0 ms bare Deno.serve");
  assert.equal(first50.ratio, "2.00×");
  const unrelated = rows.at(-1)!;
  assert.equal(unrelated.ratio, "4.00×");
  assert.equal(unrelated.reference, "2.0 ms / 4.0 ms idle");
});

Deno.test("token rows: each question at both sizes and the verdict", () => {
  const rows = tokenRows(TOKENS);
  assert.equal(rows[0].app, "1,002");
  assert.equal(rows[0].reference, "1,000");
  assert.match(rows[0].ratio, /\(\+2\)/);
  assert.equal(rows[1].app, "✓ equal but for the values shown");
  assert.match(rows[1].reference, /values set aside: equal; as sent: largest difference 2 tokens/);
  assert.equal(
    verdict(compareTokens([
      { calls: 1, questions: [{ input_tokens: 10, shape_tokens: 5 } as never] },
      { calls: 2, questions: [{ input_tokens: 10, shape_tokens: 5 } as never] },
    ])),
    "✓ equal",
  );
  assert.equal(
    verdict(compareTokens([
      { calls: 1, questions: [{ input_tokens: 100, shape_tokens: 5 } as never] },
      { calls: 2, questions: [{ input_tokens: 150, shape_tokens: 5 } as never] },
    ])),
    "DIFFERENT",
  );
});

Deno.test("turn bench rows read deno bench --json", () => {
  const rows = turnBenchRows(TURNS);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].app, "25 ms / 30 ms");
});

Deno.test("summary: components in order, a missing one on its own line; text and Markdown", () => {
  const m = merged();
  const rows = summaryRows(m);
  assert.ok(rows[0].what.startsWith("Excel export"));
  assert.deepEqual(rows.find((r) => r.what === "(worker_read)"), {
    what: "(worker_read)",
    app: "missing",
    reference: "",
    ratio: "",
  });
  const text = textTable(rows);
  assert.match(text.split("\n")[0], /^what\s+this app\s+reference\s+ratio$/);
  assert.equal(text.split("\n").length, rows.length + 2);
  const md = markdownTable(rows);
  assert.equal(md.split("\n")[1], "|---|---|---|---|");
  assert.ok(md.includes("\n| (worker_read) | missing |  |  |\n"));
  assert.equal(md.split("\n").length, rows.length + 2);
  assert.match(markdownReport(m), /^Benchmarks of 2026-12-01 on /);
  assert.equal(JSON.parse(JSON.stringify(m)).results.app.calls, 982000);
});

Deno.test("summary: unrecognised figures point to the JSON", () => {
  const m = merged();
  m.results.engine = { something: "else" };
  const row = summaryRows(m).find((r) => r.what === "(engine)")!;
  assert.match(row.app, /not recognised/);
});

Deno.test("components: every one writes JSON, quick sizes are smaller", () => {
  const full = components(sizesFor(false));
  assert.deepEqual(full.map((c) => c.id), [
    "engine",
    "worker_read",
    "excel",
    "app",
    "instances",
    "tokens",
    "turns",
  ]);
  for (const c of full) assert.ok(c.jsonOnStdout || c.args.includes("{json}"), c.id);
  assert.ok(full.find((c) => c.id === "app")!.args.includes("1,50,200"));
  assert.ok(sizesFor(true).calls < sizesFor(false).calls);
  const instances = full.find((c) => c.id === "instances")!.args;
  assert.deepEqual(
    ["--instances", "--turns", "--calls"].map((o) => instances[instances.indexOf(o) + 1]),
    ["4", "200", "50000"],
  );
});

Deno.test("summary: instances rows, 1 instance beside 4 behind the proxy", () => {
  const round = (over: Record<string, unknown>) => ({
    label: "200 concurrent turns, 1 instance",
    instances: 1,
    via_proxy: false,
    turns: 200,
    completed: 200,
    failed: 0,
    cross_talk: 0,
    first_event_ms: { n: 200, p50: 500, p95: 520, max: 530 },
    final_ms: { n: 200, p50: 6000, p95: 10800, max: 11400 },
    wall_ms: 11500,
    requests_per_instance: [600],
    streams_elsewhere: 0,
    ...over,
  });
  const rows = instancesRows({
    bench: "instances",
    rounds: [
      round({}),
      round({
        label: "200 concurrent turns, 4 instances behind a round-robin proxy",
        instances: 4,
        via_proxy: true,
        completed: 198,
        failed: 2,
        final_ms: { n: 198, p50: 3000, p95: 5000, max: 6000 },
        requests_per_instance: [150, 150, 150, 150],
        streams_elsewhere: 150,
      }),
    ],
  });
  assert.equal(rows.length, 5);
  assert.equal(rows[1].what, "200 concurrent turns, 1 instance: final event p50 / p95 / max");
  assert.equal(rows[1].app, "6,000 ms / 10.8 s / 11.4 s");
  assert.equal(rows[1].reference, "200/200 done, wall 11.5 s");
  assert.equal(rows[3].reference, "198/200 done (2 failed), wall 11.5 s");
  assert.equal(rows[3].ratio, "0.50×");
  assert.deepEqual(rows[4], {
    what: "200 concurrent turns, 4 instances behind a round-robin proxy: requests per instance",
    app: "150 / 150 / 150 / 150",
    reference: "150/200 streams served by another instance",
    ratio: "",
  });
  assert.deepEqual(instancesRows({ rounds: "no" }), []);
});

Deno.test({
  name: "bench/app.ts smoke: the real app on 2,000 calls at 1 and 5 concurrent turns",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const r = await runAppBench({ calls: 2000, concurrency: [1, 5], probes: 5 });
    assert.ok(r.calls !== null && Math.abs(r.calls - 2000) <= 60, `calls ${r.calls}`);
    assert.ok(r.startup.listen_ms > 0);
    assert.ok(r.startup.rss_mb > 10, `rss ${r.startup.rss_mb}`);
    assert.deepEqual(r.turns.map((t) => t.concurrency), [1, 5]);
    for (const t of r.turns) {
      assert.equal(t.completed, t.concurrency);
      assert.equal(t.failed, 0, JSON.stringify(t.outcomes));
      assert.equal(t.final_ms.n, t.concurrency);
      assert.ok(t.first_event_ms.p50 <= t.final_ms.p50);
      assert.ok(t.final_ms.p50 <= t.final_ms.max);
    }
    assert.equal(r.unrelated?.idle_ms.n, 5);
    assert.ok((r.unrelated?.heavy_turns ?? 0) >= 1);
    assert.ok(r.unrelated?.heavy_outcomes.every((o) => o === "answered"));
    const rows = appRows(r);
    assert.ok(rows.some((row) => row.what.startsWith("5 concurrent turns: final")));
  },
});
