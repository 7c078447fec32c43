import assert from "node:assert/strict";
import { composeAnswer, periodPhrase, readReport, type ToolOutcome } from "./answer.ts";
import { clock, fmtSeconds } from "./format.ts";
import type { Intent } from "./intent.ts";

/** A run_report outcome shaped like lib/agent/tools.ts results. */
function report(
  name: string,
  o: {
    period?: string;
    summary?: Record<string, unknown>;
    columns: string[];
    rows: unknown[][];
    total_rows?: number;
  },
  tool = "run_report",
): ToolOutcome {
  return {
    tool,
    args: { name, params: {} },
    ok: true,
    result: {
      data_notice: "Tool result.",
      tool,
      ok: true,
      report: name,
      params: {},
      title: name,
      kind: "aggregate",
      period: o.period ?? "all data",
      filters: [],
      summary: o.summary ?? {},
      columns: o.columns.map((c) => `${c} (integer)`),
      rows: o.rows,
      rows_shown: o.rows.length,
      total_rows: o.total_rows ?? o.rows.length,
    },
  };
}

function intent(p: Partial<Intent>): Intent {
  return { metric: "count", filters: {}, excel: false, ...p };
}

Deno.test("counts: the number in bold with its period and a split", () => {
  const text = composeAnswer(intent({ metric: "count", period: "today" }), [
    report("call_count", {
      period: "today (24 Nov 2026)",
      summary: { calls: 468, incoming: 297, outgoing: 171, answered: 346, missed: 43, failed: 12 },
      columns: ["calls"],
      rows: [[468]],
    }),
  ]);
  assert.match(text, /^\*\*468\*\* calls today \(24 Nov 2026\)\./);
  assert.match(text, /297 incoming and 171 outgoing/);
  assert.match(text, /346 answered, 43 missed and 12 failed/);
});

Deno.test("counts with filters say what was counted", () => {
  const text = composeAnswer(
    intent({ metric: "count", filters: { agent: "aditya", status: ["answered"] } }),
    [report("call_count", { summary: { calls: 3001 }, columns: ["calls"], rows: [[3001]] })],
  );
  assert.equal(text, "**3,001** calls handled by agent aditya in all data.");
  const none = composeAnswer(intent({ metric: "list", filters: { status: ["failed"] } }), [
    report("call_list", { columns: ["call_id"], rows: [], total_rows: 0 }),
  ]);
  assert.match(none, /^No failed calls in all data\./);
});

Deno.test("listings give the total, not the preview size", () => {
  const rows = Array.from({ length: 10 }, (_, k) => [`C${k}`]);
  const text = composeAnswer(intent({ metric: "list", filters: { status: ["answered"] } }), [
    report("call_list", { columns: ["call_id"], rows, total_rows: 36241 }),
  ]);
  assert.match(text, /^\*\*36,241\*\* answered calls in all data\./);
  assert.match(text, /Excel/);
});

Deno.test("rates as percentages with two decimals, with their parts", () => {
  const text = composeAnswer(intent({ metric: "abandonment", period: "yesterday" }), [
    report("abandonment_rate", {
      period: "yesterday (23 Nov 2026)",
      summary: { incoming_calls: 525, missed_calls: 52, abandonment_rate_pct: 9.9 },
      columns: ["incoming_calls", "missed_calls", "abandonment_rate_pct"],
      rows: [[525, 52, 9.9]],
    }),
  ]);
  assert.equal(
    text,
    "Abandonment rate yesterday (23 Nov 2026): **9.90%** — 52 of 525 incoming calls were missed.",
  );
  const answer = composeAnswer(
    intent({ metric: "answer_rate", filters: { direction: "outgoing" } }),
    [
      report("answer_rate", {
        period: "last month (October 2026)",
        summary: { calls: 1000, answered: 555, answer_rate_pct: 55.5 },
        columns: ["calls", "answered", "answer_rate_pct"],
        rows: [[1000, 555, 55.5]],
      }),
    ],
  );
  assert.match(
    answer,
    /^Answer rate of outgoing calls last month \(October 2026\): \*\*55\.50%\*\* — 555 of 1,000/,
  );
});

Deno.test("durations in seconds and m:ss", () => {
  assert.equal(fmtSeconds(276.32), "276.32 s (4:36)");
  assert.equal(fmtSeconds(193039), "193,039 s (53:37:19)");
  assert.equal(clock(59.6), "1:00");
  const text = composeAnswer(intent({ metric: "duration" }), [
    report("duration_stats", {
      summary: {
        calls: 36241,
        avg_duration_seconds: 276.32,
        min_duration_seconds: 5,
        max_duration_seconds: 2757,
        total_duration_seconds: 10014000,
      },
      columns: ["calls"],
      rows: [[36241]],
    }),
  ]);
  assert.match(text, /Average: \*\*276\.32 s \(4:36\)\*\*/);
  assert.match(text, /Longest: 2,757 s \(45:57\)/);
  const talk = composeAnswer(intent({ metric: "talk_time", filters: { agent: "vikram" } }), [
    report("talk_time", {
      period: "this month (1 Nov – 24 Nov 2026)",
      summary: { calls: 600, total_talk_seconds: 193039, avg_talk_seconds: 321.73 },
      columns: ["calls"],
      rows: [[600]],
    }),
  ]);
  assert.match(
    talk,
    /^Total talk time of agent vikram this month .*: \*\*193,039 s \(53:37:19\)\*\*/,
  );
});

Deno.test("busiest hour names the hour and its count", () => {
  const rows = [["10:00–11:00", 90, 80, 5], ["11:00–12:00", 108, 95, 8], [
    "12:00–13:00",
    70,
    60,
    4,
  ]];
  const text = composeAnswer(
    intent({ metric: "breakdown", groupBy: "hour", rank: { order: "max" } }),
    [
      report("call_breakdown", {
        period: "today (24 Nov 2026)",
        summary: {
          groups: 3,
          calls: 268,
          top_key: "11:00–12:00",
          top_calls: 108,
          bottom_key: "12:00–13:00",
          bottom_calls: 70,
        },
        columns: ["hour", "calls", "answered", "missed"],
        rows,
      }),
    ],
  );
  assert.match(
    text,
    /busiest hour today \(24 Nov 2026\) was \*\*11:00–12:00\*\* with \*\*108\*\* calls/,
  );
});

Deno.test("breakdowns name the top and bottom groups; comparisons give both numbers", () => {
  const rows = [["support", 5616], ["sales", 3079], ["billing", 2483], ["collections", 1209]];
  const text = composeAnswer(
    intent({ metric: "breakdown", groupBy: "queue", filters: { direction: "incoming" } }),
    [
      report("call_breakdown", {
        summary: {
          groups: 4,
          calls: 12387,
          top_key: "support",
          top_calls: 5616,
          bottom_key: "collections",
          bottom_calls: 1209,
        },
        columns: ["queue", "calls"],
        rows,
      }),
    ],
  );
  assert.match(text, /\*\*12,387\*\* incoming calls in all data across 4 queues/);
  assert.match(text, /Most: \*\*support\*\* \(5,616\); fewest: \*\*collections\*\* \(1,209\)/);
  const cmp = composeAnswer(
    intent({
      metric: "breakdown",
      groupBy: "direction",
      compare: { dim: "direction", values: ["incoming", "outgoing"] },
    }),
    [
      report("call_breakdown", {
        period: "this week (23 Nov – 24 Nov 2026)",
        summary: { groups: 2, calls: 1429 },
        columns: ["direction", "calls"],
        rows: [["outgoing", 506], ["incoming", 923]],
      }),
    ],
  );
  assert.match(cmp, /\*\*923\*\* incoming and \*\*506\*\* outgoing calls/);
  assert.match(cmp, /1,429 in total/);
});

Deno.test("agent performance: rankings name the agent from the summary", () => {
  const summary = {
    agents: 16,
    calls_handled: 36241,
    total_talk_seconds: 9000000,
    aht_seconds: 290.5,
    top_agent: "aditya",
    top_calls_handled: 3001,
    lowest_aht_agent: "rohit",
    lowest_aht_seconds: 242.41,
    highest_aht_agent: "rahul",
    highest_aht_seconds: 360.39,
  };
  // Only 10 of 16 rows are shown to the model: the summary names the extremes.
  const rows = Array.from({ length: 10 }, (_, k) => [`agent${k}`, 3000 - k * 10]);
  const res = report("agent_performance", {
    period: "last week (16 Nov – 22 Nov 2026)",
    summary,
    columns: ["agent", "calls_handled"],
    rows,
    total_rows: 16,
  });
  const low = composeAnswer(
    intent({ metric: "agent_performance", focus: "aht", rank: { order: "min" } }),
    [res],
  );
  assert.match(
    low,
    /^\*\*rohit\*\* had the lowest average handle time last week .*\*\*242\.41 s \(4:02\)\*\*/,
  );
  const most = composeAnswer(
    intent({ metric: "agent_performance", focus: "calls", rank: { order: "max" } }),
    [res],
  );
  assert.match(most, /^\*\*aditya\*\* handled the most calls .*\*\*3,001\*\*/);
  const all = composeAnswer(intent({ metric: "agent_performance" }), [res]);
  assert.match(all, /\*\*16\*\* agents handled \*\*36,241\*\* calls/);
  assert.match(all, /lowest AHT: \*\*rohit\*\*/);
});

Deno.test("Excel reports: the file is announced with its rows, and the count is given", () => {
  const excel: ToolOutcome = {
    ...report(
      "call_list",
      { columns: ["call_id"], rows: [["C1"]], total_rows: 297 },
      "make_excel_report",
    ),
  };
  excel.result = {
    ...excel.result,
    title: "Incoming calls",
    file_name: "incoming_calls.xlsx",
    rows_in_file: 297,
  };
  const text = composeAnswer(
    intent({ metric: "list", period: "today", filters: { direction: "incoming" }, excel: true }),
    [
      excel,
      report("call_count", {
        period: "today (24 Nov 2026)",
        summary: { calls: 297, incoming: 297, outgoing: 0, answered: 250, missed: 40, failed: 7 },
        columns: ["calls"],
        rows: [[297]],
      }),
    ],
  );
  assert.match(text, /^\*\*297\*\* incoming calls today/);
  assert.match(
    text,
    /Excel report \*\*Incoming calls\*\* \(incoming_calls\.xlsx\) is ready with 297 rows/,
  );
});

Deno.test("Excel reports: the file's row count is rows_in_file, never the preview rows", () => {
  const excel = report(
    "call_list",
    { columns: ["call_id"], rows: [["C1"], ["C2"]], total_rows: 2 },
    "make_excel_report",
  );
  // A custom pipeline's file: no total of a catalog run, only the file's own count.
  const { total_rows: _t, ...rest } = excel.result;
  excel.result = { ...rest, title: "Calls since", rows_in_file: 42 };
  const text = composeAnswer(intent({ metric: "list", excel: true }), [excel]);
  assert.match(text, /Excel report \*\*Calls since\*\* is ready with 42 rows/);
  assert.doesNotMatch(text, /with 2 rows/);
  // Without any count, the file is announced without one (the preview is not counted).
  const bare = report("call_list", { columns: ["call_id"], rows: [["C1"]] }, "make_excel_report");
  const { total_rows: _b, ...noCount } = bare.result;
  bare.result = { ...noCount, title: "Calls" };
  const plain = composeAnswer(intent({ metric: "list", excel: true }), [bare]);
  assert.match(plain, /Excel report \*\*Calls\*\* is ready: use the download button/);
});

Deno.test("top customers are listed with names", () => {
  const text = composeAnswer(intent({ metric: "top_customers", limit: 2 }), [
    report("top_customers", {
      summary: { top_number: "+917093023557", top_name: "Vijay Tiwari", top_calls: 109 },
      columns: ["customer_number", "customer_name", "calls"],
      rows: [["+917093023557", "Vijay Tiwari", 109], ["+918519702503", null, 89]],
    }),
  ]);
  assert.match(text, /1\. \*\*\+917093023557\*\* \(Vijay Tiwari\): 109 calls/);
  assert.match(text, /2\. \*\*\+918519702503\*\*: 89 calls/);
});

Deno.test("a share is computed from the status breakdown", () => {
  const text = composeAnswer(
    intent({ metric: "share", share: { dim: "status", value: "failed" } }),
    [
      report("call_breakdown", {
        summary: { groups: 3, calls: 1000 },
        columns: ["status", "calls"],
        rows: [["answered", 900], ["missed", 75], ["failed", 25]],
      }),
    ],
  );
  assert.match(text, /^Failure rate of calls in all data: \*\*2\.50%\*\* — 25 of 1,000 calls\./);
});

Deno.test("two periods side by side with the change", () => {
  const a = report("call_count", {
    period: "this week (23 Nov – 24 Nov 2026)",
    summary: { calls: 150 },
    columns: ["calls"],
    rows: [[150]],
  });
  const b = report("call_count", {
    period: "last week (16 Nov – 22 Nov 2026)",
    summary: { calls: 100 },
    columns: ["calls"],
    rows: [[100]],
  });
  const text = composeAnswer(
    intent({ metric: "count", period: "this week", comparePeriod: "last week" }),
    [a, b],
  );
  assert.match(text, /Compared: \*\*150\*\* this week .* vs \*\*100\*\* last week .* \(\+50\.0%\)/);
});

Deno.test("tool errors are reported, never hidden", () => {
  const text = composeAnswer(intent({ metric: "count" }), [
    { tool: "run_report", args: {}, ok: false, error: 'Unknown period "someday"', result: {} },
  ]);
  assert.match(text, /could not run the report: Unknown period "someday"/);
});

Deno.test("result shapes: object columns and object rows are read too", () => {
  const v = readReport({
    args: { name: "call_breakdown" },
    result: {
      columns: [{ key: "queue", label: "Queue" }, { key: "calls", label: "Calls" }],
      rows: [{ queue: "sales", calls: 3 }],
      period: { label: "today (1 Jan 2026)" },
      summary: { calls: 3 },
    },
  });
  assert.deepEqual(v.keys, ["queue", "calls"]);
  assert.deepEqual(v.rows, [["sales", 3]]);
  assert.equal(v.period, "today (1 Jan 2026)");
  assert.equal(v.name, "call_breakdown");
});

Deno.test("period labels read naturally", () => {
  assert.equal(periodPhrase(null), "in all data");
  assert.equal(periodPhrase("2026-11-20"), "on 2026-11-20");
  assert.equal(periodPhrase("November 2026"), "in November 2026");
  assert.equal(periodPhrase("5 Nov – 13 Nov 2026"), "between 5 Nov and 13 Nov 2026");
  assert.equal(periodPhrase("yesterday (23 Nov 2026)"), "yesterday (23 Nov 2026)");
});

Deno.test("rank lists are given only when the rows seen allow it", () => {
  // 31 days, 10 shown in date order: the top 3 days cannot be read from them.
  const rows = Array.from(
    { length: 10 },
    (_, k) => [`2026-10-${String(k + 1).padStart(2, "0")}`, 100 + k],
  );
  const days = report("call_breakdown", {
    period: "last month (October 2026)",
    summary: {
      groups: 31,
      calls: 9000,
      top_key: "2026-10-19",
      top_calls: 1022,
      bottom_key: "2026-10-04",
      bottom_calls: 80,
    },
    columns: ["day", "calls"],
    rows,
    total_rows: 31,
  });
  const text = composeAnswer(
    intent({ metric: "breakdown", groupBy: "day", rank: { order: "max" }, limit: 3 }),
    [days],
  );
  assert.match(text, /\*\*2026-10-19\*\* with \*\*1,022\*\* calls; the table lists all 31 days/);
  assert.doesNotMatch(text, /2026-10-10/);
  // Queues sorted by calls, limit applied by the catalog: the list is exact.
  const queues = report("call_breakdown", {
    summary: { groups: 3, calls: 60, top_key: "a", top_calls: 30 },
    columns: ["queue", "calls"],
    rows: [["a", 30], ["b", 20], ["c", 10]],
  });
  const list = composeAnswer(
    intent({ metric: "breakdown", groupBy: "queue", rank: { order: "max" }, limit: 3 }),
    [queues],
  );
  assert.match(list, /1\. \*\*a\*\*: 30 calls\n2\. \*\*b\*\*: 20 calls\n3\. \*\*c\*\*: 10 calls/);
});

/** Hours "00:00–01:00"… as the catalog labels them. */
const hourLabel = (h: number) =>
  `${String(h).padStart(2, "0")}:00–${String(h + 1).padStart(2, "0")}:00`;

Deno.test("grouped KPIs name the leader from the summary, beyond the rows shown", () => {
  // The model sees the first 10 of 24 hours; the summary ranks every hour.
  const rows = Array.from({ length: 10 }, (_, h) => [hourLabel(h), 100, 5 + h, 5 + h]);
  const ab = (i: Partial<Intent>) =>
    composeAnswer(intent({ metric: "abandonment", groupBy: "hour", ...i }), [
      report("abandonment_rate", {
        summary: {
          incoming_calls: 2400,
          missed_calls: 240,
          abandonment_rate_pct: 10,
          ranked_by: "abandonment_rate_pct",
          top_key: hourLabel(18),
          top_value: 21.5,
          bottom_key: hourLabel(3),
          bottom_value: 2.1,
        },
        columns: ["hour", "incoming_calls", "missed_calls", "abandonment_rate_pct"],
        rows,
        total_rows: 24,
      }),
    ]);
  assert.equal(
    ab({ rank: { order: "max" } }),
    "**18:00–19:00** had the highest abandonment rate in all data: **21.50%**. Overall: 10.00%.",
  );
  assert.match(
    ab({ rank: { order: "min" } }),
    /^\*\*03:00–04:00\*\* had the lowest .*\*\*2\.10%\*\*/,
  );
  const plain = ab({});
  assert.match(plain, /Highest: \*\*18:00–19:00\*\* \(21\.50%\); lowest: \*\*03:00–04:00\*\*/);
  assert.doesNotMatch(plain, /among the/);

  // A summary that ranks another column: the rows are all there is, and the answer says so.
  const other = composeAnswer(
    intent({ metric: "abandonment", groupBy: "hour", rank: { order: "max" } }),
    [
      report("abandonment_rate", {
        summary: { abandonment_rate_pct: 10, ranked_by: "incoming_calls", top_key: "x" },
        columns: ["hour", "incoming_calls", "missed_calls", "abandonment_rate_pct"],
        rows,
        total_rows: 24,
      }),
    ],
  );
  assert.match(
    other,
    /^\*\*09:00–10:00\*\* had the highest .*\*\*14\.00%\*\* \(among the 10 hours/,
  );
});

Deno.test("talk time, speed of answer and handle time name their leaders", () => {
  const talk = composeAnswer(
    intent({ metric: "talk_time", groupBy: "agent", rank: { order: "max" }, period: "x" }),
    [
      report("talk_time", {
        period: "last week (16–22 Nov 2026)",
        summary: {
          calls: 900,
          total_talk_seconds: 250000,
          avg_talk_seconds: 277.78,
          ranked_by: "total_talk_seconds",
          top_key: "kavya",
          top_value: 30123,
          bottom_key: "manas",
          bottom_value: 9000,
        },
        columns: ["agent", "calls", "total_talk_seconds", "avg_talk_seconds"],
        rows: [["rohit", 90, 25000, 277.78]],
        total_rows: 16,
      }),
    ],
  );
  assert.match(
    talk,
    /^\*\*kavya\*\* had the highest total talk time last week .*: \*\*30,123 s \(8:22:03\)\*\*/,
  );

  const asa = composeAnswer(
    intent({ metric: "asa", groupBy: "queue", rank: { order: "max" } }),
    [
      report("speed_of_answer", {
        summary: {
          answered_calls: 500,
          asa_seconds: 12.5,
          ranked_by: "asa_seconds",
          top_key: "billing",
          top_value: 17.25,
          bottom_key: "sales",
          bottom_value: 8,
        },
        columns: ["queue", "answered_calls", "asa_seconds", "max_ring_seconds"],
        rows: [["support", 300, 12, 40], ["billing", 100, 17.25, 45], ["sales", 100, 8, 30]],
      }),
    ],
  );
  assert.match(
    asa,
    /^\*\*billing\*\* had the highest average speed of answer \(the slowest to answer\) in all data: \*\*17\.25 s \(0:17\)\*\*/,
  );

  const aht = (i: Partial<Intent>) =>
    composeAnswer(intent({ metric: "handle_time", groupBy: "queue", ...i }), [
      report("handle_time", {
        summary: {
          calls: 400,
          aht_seconds: 300.5,
          ranked_by: "aht_seconds",
          top_key: "collections",
          top_value: 410.25,
          bottom_key: "sales",
          bottom_value: 250,
        },
        columns: [
          "queue",
          "calls",
          "aht_seconds",
          "avg_talk_seconds",
          "avg_hold_seconds",
          "avg_wrap_up_seconds",
        ],
        rows: [
          ["support", 200, 290, 200, 30, 60],
          ["collections", 100, 410.25, 300, 40, 70.25],
          ["sales", 100, 250, 180, 20, 50],
        ],
      }),
    ]);
  const per = aht({});
  assert.match(
    per,
    /^Average handle time per queue in all data: overall \*\*300\.5 s \(5:01\)\*\*/,
  );
  assert.match(per, /Highest: \*\*collections\*\* \(410\.25 s \(6:50\)\); lowest: \*\*sales\*\*/);
  assert.match(
    aht({ rank: { order: "max" } }),
    /^\*\*collections\*\* had the highest average handle time in all data: \*\*410\.25 s/,
  );
  // Hold time per queue: read from the rows (the leaders rank AHT).
  assert.match(
    aht({ focus: "hold", rank: { order: "max" } }),
    /^\*\*collections\*\* had the highest average hold time in all data: \*\*40 s \(0:40\)\*\*/,
  );

  const overall = composeAnswer(intent({ metric: "handle_time", period: "today" }), [
    report("handle_time", {
      period: "today (24 Nov 2026)",
      summary: { calls: 346, aht_seconds: 301.25 },
      columns: [
        "calls",
        "aht_seconds",
        "avg_talk_seconds",
        "avg_hold_seconds",
        "avg_wrap_up_seconds",
      ],
      rows: [[346, 301.25, 220, 31.25, 50]],
    }),
  ]);
  assert.equal(
    overall,
    "Average handle time today (24 Nov 2026): **301.25 s (5:01)** over 346 answered calls " +
      "(average talk 220 s (3:40), hold 31.25 s (0:31), wrap-up 50 s (0:50)).",
  );
});

Deno.test("city rankings leave out calls with no known customer, and say how many", async () => {
  const { composeAnswer } = await import("./answer.ts");
  const outcome = {
    tool: "run_report",
    args: { name: "call_breakdown", params: { group_by: "city" } },
    ok: true,
    result: {
      report: "call_breakdown",
      params: { group_by: "city" },
      title: "Calls by city",
      kind: "aggregate",
      period: "all data",
      filters: [],
      summary: { calls: 100, groups: 3, top_key: "(unknown)", top_calls: 60 },
      columns: [{ key: "city", label: "City", type: "string" }, {
        key: "calls",
        label: "Calls",
        type: "integer",
      }],
      rows: [["(unknown)", 60], ["Pune", 25], ["Leeds", 15]],
      rows_shown: 3,
      total_rows: 3,
      note: "",
    },
  };
  const text = composeAnswer(
    { metric: "breakdown", groupBy: "city", rank: { order: "max" }, filters: {}, excel: false },
    [outcome],
  );
  assert.match(text, /\*\*Pune\*\*, with \*\*25\*\*/);
  assert.match(text, /60 calls with no known customer city are left out/);
  assert.doesNotMatch(text, /\*\*\(unknown\)\*\*/);
});

Deno.test("a day not over yet is said so far, not counted as a quiet day", () => {
  const out = report("call_breakdown", {
    period: "this week (23 Nov – 24 Nov 2026)",
    summary: {
      groups: 2,
      calls: 166,
      top_key: "2026-11-23",
      top_calls: 109,
      bottom_key: "2026-11-24",
      bottom_calls: 57,
    },
    columns: ["day", "calls"],
    rows: [["2026-11-23", 109], ["2026-11-24", 57]],
  });
  (out.result as Record<string, unknown>).not_over = ["2026-11-24"];
  const text = composeAnswer(intent({ metric: "breakdown", groupBy: "day" }), [out]);
  assert.match(text, /2026-11-24 57 so far/);
  assert.match(text, /quietest: \*\*2026-11-24\*\* \(57 so far\)/);
  assert.doesNotMatch(text, /2026-11-23 109 so far/);
  const ranked = composeAnswer(
    intent({ metric: "breakdown", groupBy: "day", rank: { order: "min" } }),
    [out],
  );
  assert.match(ranked, /\*\*2026-11-24\*\* with \*\*57\*\* calls so far/);
  const past = composeAnswer(intent({ metric: "breakdown", groupBy: "day" }), [
    report("call_breakdown", {
      summary: { groups: 2, calls: 166 },
      columns: ["day", "calls"],
      rows: [["2026-11-23", 109], ["2026-11-24", 57]],
    }),
  ]);
  assert.doesNotMatch(past, /so far/);
});

Deno.test("ties at the top or bottom of a ranking are named together, never one of them", () => {
  // Every agent is here: paula and rosa tie for the most calls.
  const res = report("agent_performance", {
    period: "last 7 days (22 Oct – 28 Oct 2026)",
    summary: { agents: 3, calls_handled: 300, top_agent: "paula", top_calls_handled: 119 },
    columns: ["agent", "calls_handled"],
    rows: [["paula", 119], ["rosa", 119], ["tara", 62]],
  });
  const most = composeAnswer(
    intent({ metric: "agent_performance", focus: "calls", rank: { order: "max" } }),
    [res],
  );
  assert.match(
    most,
    /^\*\*paula\*\* and \*\*rosa\*\* handled the most calls .*\(tied\).*\*\*119\*\* calls handled each/,
  );
  const breakdown = report("call_breakdown", {
    period: "yesterday (27 Oct 2026)",
    summary: {
      calls: 25,
      groups: 3,
      top_key: "billing",
      top_calls: 10,
      bottom_key: "sales",
      bottom_calls: 5,
    },
    columns: ["queue", "calls"],
    rows: [["billing", 10], ["support", 10], ["sales", 5]],
  });
  const top = composeAnswer(
    intent({ metric: "breakdown", groupBy: "queue", rank: { order: "max" } }),
    [breakdown],
  );
  assert.match(top, /were \*\*billing\*\* and \*\*support\*\*, tied with \*\*10\*\* each/);
  const summary = composeAnswer(intent({ metric: "breakdown", groupBy: "queue" }), [breakdown]);
  assert.match(
    summary,
    /Most: \*\*billing\*\* and \*\*support\*\* \(10 each\); fewest: \*\*sales\*\* \(5\)/,
  );
  // A preview that is not sorted by the figure cannot show ties: the leader alone.
  const partial = report("agent_performance", {
    summary: { agents: 16, calls_handled: 900, top_agent: "paula", top_calls_handled: 119 },
    columns: ["agent", "calls_handled"],
    rows: [["rosa", 119], ["paula", 119]],
    total_rows: 16,
  });
  const alone = composeAnswer(
    intent({ metric: "agent_performance", focus: "calls", rank: { order: "max" } }),
    [partial],
  );
  assert.match(alone, /^\*\*paula\*\* handled the most calls/);
  assert.doesNotMatch(alone, /tied|rosa/);
});

Deno.test("calls with no agent are no agent: left out of the most and fewest, and said", () => {
  const res = report("call_breakdown", {
    period: "yesterday (27 Oct 2026)",
    summary: {
      calls: 60,
      groups: 3,
      top_key: null,
      top_calls: 31,
      bottom_key: "ben",
      bottom_calls: 8,
    },
    columns: ["agent", "calls"],
    rows: [["(no agent)", 31], ["quinn", 21], ["ben", 8]],
  });
  const text = composeAnswer(intent({ metric: "breakdown", groupBy: "agent" }), [res]);
  assert.match(text, /across 2 agents\./);
  assert.match(text, /Most: \*\*quinn\*\* \(21\); fewest: \*\*ben\*\* \(8\)\./);
  assert.match(text, /31 calls with no agent are left out\./);
});

Deno.test("unique customers: the customers' segment and city name them; call filters say among which calls", () => {
  const res = report("unique_customers", {
    period: "this week (26 Oct – 28 Oct 2026)",
    summary: { unique_customers: 22, calls: 25 },
    columns: ["unique_customers", "calls"],
    rows: [[22, 25]],
  });
  const vip = composeAnswer(
    intent({
      metric: "unique_customers",
      filters: { direction: "incoming", segment: "vip", queue: "support" },
    }),
    [res],
  );
  assert.match(
    vip,
    /^\*\*22\*\* unique vip customers called us this week \(26 Oct – 28 Oct 2026\), among calls in the support queue/,
  );
  assert.doesNotMatch(vip, /called us of calls/);
});

Deno.test("a breakdown whose calls are all in no group says so, not 'across 0 agents'", () => {
  const res = report("call_breakdown", {
    period: "this week (2 Nov – 3 Nov 2026)",
    summary: { calls: 30, groups: 1 },
    columns: ["agent", "calls"],
    rows: [["(no agent)", 30]],
  });
  const text = composeAnswer(
    intent({ metric: "breakdown", groupBy: "agent", filters: { status: ["missed"] } }),
    [res],
  );
  assert.match(
    text,
    /^\*\*30\*\* missed calls this week \(2 Nov – 3 Nov 2026\), all with no agent\.$/,
  );
});

Deno.test("one call is one call", () => {
  const text = composeAnswer(intent({ metric: "count", filters: { status: ["missed"] } }), [
    report("call_count", {
      period: "yesterday (27 Oct 2026)",
      summary: { calls: 1 },
      columns: ["calls"],
      rows: [[1]],
    }),
  ]);
  assert.match(text, /^\*\*1\*\* missed call yesterday \(27 Oct 2026\)\./);
});
