/**
 * Builds an evaluation set in the format of `../shared/eval/questions.jsonl` for any
 * dataset in the shape of `../shared/contract/DATA.md`: the same question families as
 * the public set, worded differently (a seeded choice among paraphrases), with agents,
 * customers, queues, cities and dates picked from the data, and every expected value
 * computed here with plain loops over the documents and `Intl` local time (nothing from
 * the app's query engine, report catalog, planner or time code). With `families` "guard"
 * or "all", also the guard's families (`guard.ts`).
 */
import {
  type BuildOptions,
  type Context,
  type EvalItem,
  inP,
  makeContext,
  type Question,
} from "./context.ts";
import { buildGuard } from "./guard.ts";
import { isoDate } from "./local_time.ts";
import {
  and,
  answered,
  count,
  countBy,
  type Expectation,
  handle,
  incoming,
  mean,
  meanBy,
  n,
  outgoing,
  pct,
  type Pred,
  seconds,
  sortedKeys,
  table,
  uniqueExtreme,
} from "./stats.ts";
import { choose, type DateStyle, formatDay, hourSpellings } from "./wording.ts";

export type { Expectation, Outcome } from "./stats.ts";
export type { BuildOptions, EvalItem, FamilySelection } from "./context.ts";

/** The evaluation set and the families left out (with the reason). */
export interface EvalSet {
  items: EvalItem[];
  skipped: { family: string; reason: string }[];
}

type Family = (c: Context) => Question | string;

function one(turn: string, expect: Expectation[], tags: string[]): Question {
  return { turns: [turn], expect: [expect], tags };
}

// ---------------------------------------------------------------------------------------
// Picks from the data

/** Agents with at least `min` calls matching `pred`, sorted by name. */
function agentsWith(c: Context, pred: Pred, min = 1): string[] {
  const m = countBy(c.calls, pred, (x) => x.agent);
  return sortedKeys(m).filter((a) => (m.get(a) ?? 0) >= min);
}

/**
 * The keys with the most calls (up to 50, at least `min` calls each), so a count asked
 * about is not a small number an unrelated answer would also show; sorted for stable picks.
 */
function frequent<K>(counts: Map<K, number>, label: (k: K) => string, min: number): K[] {
  const sorted = [...counts].filter(([, v]) => v >= min).sort((a, b) =>
    b[1] - a[1] || (label(a[0]) < label(b[0]) ? -1 : 1)
  );
  return sorted.slice(0, 50).map(([k]) => k);
}

const DATE_STYLES: DateStyle[] = ["iso", "day_month", "month_ordinal", "month_day_year"];

// ---------------------------------------------------------------------------------------
// The families, in the order of the public set

const FAMILIES: [string, Family][] = [
  ["calls_today", (c) => {
    const r = c.random("calls_today");
    const value = count(c.calls, inP(c, c.periods.today));
    if (value === 0) return "no calls today";
    const q = choose(r, [
      "What's the total number of calls today?",
      "How many calls have we had so far today, in and out?",
      "Total call count for today",
    ]);
    return one(q, [n(value)], ["count", "seed"]);
  }],
  ["incoming_report_today", (c) => {
    const r = c.random("incoming_report_today");
    const rows = count(c.calls, and(inP(c, c.periods.today), incoming));
    if (rows === 0) return "no incoming calls today";
    const q = choose(r, [
      "Export today's inbound calls to Excel",
      "I need an Excel report of all incoming calls today",
      "Create a report of today's incoming calls",
    ]);
    return one(q, [{ kind: "report", rows }], ["report", "seed"]);
  }],
  ["outgoing_yesterday", (c) => {
    const r = c.random("outgoing_yesterday");
    const value = count(c.calls, and(inP(c, c.periods.yesterday), outgoing));
    if (value === 0) return "no outgoing calls yesterday";
    const q = choose(r, [
      "How many outbound calls did we make yesterday?",
      "Number of outgoing calls yesterday",
      "How many calls did our agents dial out yesterday?",
    ]);
    return one(q, [n(value)], ["count", "seed"]);
  }],
  ["missed_report", (c) => {
    const r = c.random("missed_report");
    const rows = count(c.calls, (x) => x.status === "missed");
    if (rows === 0) return "no missed calls";
    const q = choose(r, [
      "Prepare an Excel report of all missed calls",
      "Download a report with every missed call",
      "Export the missed calls to a spreadsheet",
    ]);
    return one(q, [{ kind: "report", rows }], ["report", "seed"]);
  }],
  ["handled_by_agent", (c) => {
    const r = c.random("handled_by_agent");
    const handled = countBy(c.calls, answered, (x) => x.agent);
    const top = uniqueExtreme(handled, true)?.[0];
    const pool = sortedKeys(handled).filter((a) => a !== top);
    if (pool.length === 0) return "fewer than two agents handled calls";
    const agent = choose(r, pool);
    const q = choose(r, [
      `How many calls were handled by ${agent}?`,
      `Number of calls ${agent} has handled`,
      `How many calls has agent ${agent} answered?`,
    ]);
    return one(q, [n(handled.get(agent)!)], ["agent", "seed"]);
  }],
  ["agent_performance", (c) => {
    const r = c.random("agent_performance");
    const handled = countBy(c.calls, answered, (x) => x.agent);
    if (handled.size === 0) return "no agent handled a call";
    const q = choose(r, [
      "Show the performance of every agent",
      "Agent performance summary, please",
      "How is each agent performing? Give me the table",
    ]);
    return one(q, [table(handled)], ["agent", "table", "seed"]);
  }],
  ["top_agent", (c) => {
    const r = c.random("top_agent");
    const handled = countBy(c.calls, answered, (x) => x.agent);
    const top = uniqueExtreme(handled, true);
    if (top) {
      const q = choose(r, [
        "Who handled the most calls?",
        "Which agent answered the highest number of calls?",
        "Top agent by calls handled?",
      ]);
      return one(q, [{ kind: "text", any_of: [top[0]] }, n(top[1])], ["agent", "seed"]);
    }
    const bottom = uniqueExtreme(handled, false);
    if (!bottom) return "ties for the most and the fewest calls handled";
    return one("Which agent handled the fewest calls?", [
      { kind: "text", any_of: [bottom[0]] },
      n(bottom[1]),
    ], ["agent", "seed"]);
  }],
  ["duration_stats", (c) => {
    const r = c.random("duration_stats");
    let max = -Infinity;
    for (const x of c.calls) if (answered(x) && x.duration > max) max = x.duration;
    const avg = mean(c.calls, answered, (x) => x.duration);
    if (!Number.isFinite(avg)) return "no answered calls";
    const q = choose(r, [
      "What are the average and longest call durations?",
      "Give me the call duration stats",
      "Average and maximum call duration, please",
    ]);
    return one(q, [seconds(avg, 0.01), seconds(max, 0.005)], ["duration", "seed"]);
  }],
  ["failed_this_week", (c) => {
    const r = c.random("failed_this_week");
    const value = count(c.calls, and(inP(c, c.periods.thisWeek), (x) => x.status === "failed"));
    if (value === 0) return "no failed calls this week";
    const q = choose(r, [
      "How many calls failed so far this week?",
      "Number of failed calls this week",
      "Failed call count for the current week",
    ]);
    return one(q, [n(value)], ["count", "seed"]);
  }],
  ["customer_number", (c) => {
    const r = c.random("customer_number");
    const byNumber = countBy(c.calls, () => true, (x) => x.number || null);
    const pool = frequent(byNumber, (k) => k, 3);
    if (pool.length === 0) return "no number with three calls";
    const number = choose(r, pool);
    const q = choose(r, [
      `How many calls do we have with ${number}?`,
      `Show all calls involving ${number}`,
      `Call history for the number ${number}`,
    ]);
    return one(q, [n(byNumber.get(number)!)], ["customer", "seed"]);
  }],
  ["successful_calls", (c) => {
    const r = c.random("successful_calls");
    const value = count(c.calls, answered);
    if (value === 0) return "no answered calls";
    const q = choose(r, [
      "How many calls were answered in total?",
      "Show me every answered call",
      "Count the successful calls",
    ]);
    return one(q, [n(value)], ["count", "seed"]);
  }],
  ["agent_filter", (c) => {
    const r = c.random("agent_filter");
    const all = countBy(c.calls, () => true, (x) => x.agent);
    const pool = sortedKeys(all);
    if (pool.length === 0) return "no calls with an agent";
    const agent = choose(r, pool);
    const q = choose(r, [
      `Show all calls for agent ${agent}`,
      `List the calls of ${agent}`,
      `Calls by agent ${agent}, any outcome`,
    ]);
    return one(q, [n(all.get(agent)!)], ["agent", "seed"]);
  }],
  ["abandonment_yesterday", (c) => {
    const r = c.random("abandonment_yesterday");
    const p = and(inP(c, c.periods.yesterday), incoming);
    const all = count(c.calls, p);
    if (all === 0) return "no incoming calls yesterday";
    const missed = count(c.calls, and(p, (x) => x.status === "missed"));
    const q = choose(r, [
      "What percentage of incoming calls were abandoned yesterday?",
      "Yesterday's missed call rate?",
      "Abandon rate for yesterday",
    ]);
    return one(q, [pct(missed, all)], ["kpi"]);
  }],
  ["asa_this_week", (c) => {
    const r = c.random("asa_this_week");
    const asa = mean(c.calls, and(inP(c, c.periods.thisWeek), incoming, answered), (x) => x.ring);
    if (!Number.isFinite(asa)) return "no answered incoming calls this week";
    const q = choose(r, [
      "What's our ASA so far this week?",
      "Average speed of answer for the current week",
      "On average, how long did callers wait before being answered this week?",
    ]);
    return one(q, [seconds(asa, 0.01)], ["kpi"]);
  }],
  ["aht_per_agent_last_week", (c) => {
    const r = c.random("aht_per_agent_last_week");
    const aht = meanBy(c.calls, and(inP(c, c.periods.lastWeek), answered), (x) => x.agent, handle);
    if (aht.size === 0) return "no answered calls last week";
    const q = choose(r, [
      "Show each agent's average handle time for last week",
      "AHT by agent, last week",
      "Last week's average handling time per agent",
    ]);
    return one(q, [table(aht, 0.01, "seconds")], ["kpi", "table"]);
  }],
  ["incoming_per_queue_this_month", (c) => {
    const r = c.random("incoming_per_queue_this_month");
    const byQueue = countBy(c.calls, and(inP(c, c.periods.thisMonth), incoming), (x) => x.queue);
    if (byQueue.size === 0) return "no incoming calls this month";
    const q = choose(r, [
      "Break down this month's inbound calls by queue",
      "Incoming calls per queue this month",
      "How many calls came in to each queue this month?",
    ]);
    return one(q, [table(byQueue)], ["table"]);
  }],
  ["busiest_hour", (c) => {
    const r = c.random("busiest_hour");
    const day = (when: string) => [
      `Which hour was the busiest ${when}?`,
      `At what hour did we have the most calls ${when}?`,
      `Peak hour ${when}?`,
    ];
    // A week's busiest hour is an hour of the day over all its days: say so.
    const options = [
      [c.periods.today, day("today")],
      [c.periods.yesterday, day("yesterday")],
      [c.periods.thisWeek, [
        "Which hour of the day had the most calls this week, counting all days together?",
      ]],
    ] as const;
    for (const [range, wordings] of options) {
      const byHour = countBy(c.calls, inP(c, range), (x) => String(x.hour));
      const top = uniqueExtreme(byHour, true);
      if (!top) continue;
      const q = choose(r, wordings);
      return one(q, [{ kind: "text", any_of: hourSpellings(Number(top[0])) }, n(top[1])], ["time"]);
    }
    return "no single busiest hour today, yesterday or this week";
  }],
  ["calls_per_day_last_week", (c) => {
    const r = c.random("calls_per_day_last_week");
    const byDay = countBy(c.calls, inP(c, c.periods.lastWeek), (x) => isoDate(x.day));
    if (byDay.size === 0) return "no calls last week";
    const q = choose(r, [
      "Daily call counts for last week",
      "How many calls did we have each day last week?",
      "Break down last week's calls by day",
    ]);
    return one(q, [table(byDay)], ["time", "table"]);
  }],
  ["service_level_yesterday", (c) => {
    const r = c.random("service_level_yesterday");
    const p = and(inP(c, c.periods.yesterday), incoming);
    const all = count(c.calls, p);
    if (all === 0) return "no incoming calls yesterday";
    const met = count(c.calls, and(p, answered, (x) => x.ring <= 20));
    const q = choose(r, [
      "What was yesterday's service level?",
      "Service level for yesterday",
      "How did we do on service level yesterday?",
    ]);
    return one(q, [pct(met, all)], ["kpi"]);
  }],
  ["missed_on_date", (c) => {
    const r = c.random("missed_on_date");
    const missed = countBy(c.calls, (x) => x.status === "missed", (x) => String(x.day));
    const pool: number[] = [];
    for (let d = c.firstDay; d <= Math.min(c.lastDay, c.today - 2); d++) {
      if (missed.has(String(d))) pool.push(d);
    }
    if (pool.length === 0) return "no missed calls before yesterday";
    const day = choose(r, pool);
    const when = formatDay(day, choose(r, DATE_STYLES), c.currentYear);
    const q = choose(r, [
      `How many calls did we miss on ${when}?`,
      `Missed calls on ${when}`,
      `Number of abandoned calls on ${when}`,
    ]);
    return one(q, [n(missed.get(String(day))!)], ["count", "date"]);
  }],
  ["talk_time_agent_this_month", (c) => {
    const r = c.random("talk_time_agent_this_month");
    const p = and(inP(c, c.periods.thisMonth), answered);
    const pool = agentsWith(c, p);
    if (pool.length === 0) return "no answered calls this month";
    const agent = choose(r, pool);
    let talk = 0;
    for (const x of c.calls) if (p(x) && x.agent === agent) talk += x.talk;
    const q = choose(r, [
      `How much time did ${agent} spend talking this month?`,
      `Sum of ${agent}'s talk time this month`,
      `What is ${agent}'s total talk time for this month?`,
    ]);
    return one(q, [seconds(talk, 0.005)], ["agent", "duration"]);
  }],
  ["memory_direction", (c) => {
    const r = c.random("memory_direction");
    const value = count(c.calls, and(inP(c, c.periods.yesterday), outgoing));
    if (value === 0) return "no outgoing calls yesterday";
    const turns = choose(r, [
      ["How many inbound calls did we receive yesterday?", "What about outbound?"],
      ["Incoming calls yesterday?", "And how many outgoing ones?"],
      ["Count yesterday's incoming calls", "Same for outgoing"],
    ]);
    return { turns, expect: [null, [n(value)]], tags: ["memory"] };
  }],
  ["memory_lowest_aht", (c) => {
    const r = c.random("memory_lowest_aht");
    const aht = meanBy(c.calls, and(inP(c, c.periods.lastWeek), answered), (x) => x.agent, handle);
    const first = choose(r, [
      "Agent performance for last week, please",
      "How did the agents perform last week?",
      "Show last week's agent performance",
    ]);
    const low = uniqueExtreme(aht, false);
    if (low) {
      const second = choose(r, [
        "Who among them had the lowest AHT?",
        "Which one had the shortest average handle time?",
        "Of those agents, who had the lowest average handle time?",
      ]);
      return {
        turns: [first, second],
        expect: [null, [{ kind: "text", any_of: [low[0]] }]],
        tags: ["memory", "agent"],
      };
    }
    const high = uniqueExtreme(aht, true);
    if (!high) return "ties for the lowest and the highest AHT last week";
    return {
      turns: [first, "Which of them had the highest average handle time?"],
      expect: [null, [{ kind: "text", any_of: [high[0]] }]],
      tags: ["memory", "agent"],
    };
  }],
  ["unique_callers_this_month", (c) => {
    const r = c.random("unique_callers_this_month");
    const p = and(inP(c, c.periods.thisMonth), incoming);
    const numbers = new Set<string>();
    for (const x of c.calls) if (p(x)) numbers.add(x.number);
    if (numbers.size === 0) return "no incoming calls this month";
    const q = choose(r, [
      "How many different customers called in this month?",
      "Number of unique numbers that called us this month",
      "Count the distinct customers who phoned us this month",
    ]);
    return one(q, [n(numbers.size)], ["customer"]);
  }],
  ["top_customers", (c) => {
    const r = c.random("top_customers");
    const byNumber = countBy(c.calls, () => true, (x) => x.number || null);
    const sorted = [...byNumber].sort((a, b) => b[1] - a[1]);
    // The numbers in every correct top 5: those with more calls than the sixth (a tie
    // across the cut leaves the tied numbers out of the expectation).
    const cut = sorted.length > 5 ? sorted[5][1] : -1;
    const certain = sorted.slice(0, 5).filter(([, v]) => v > cut);
    if (certain.length < 3) return "ties at the top customers";
    const q = choose(r, [
      "Who are our top 5 customers by call count?",
      "List the five customers with the most calls",
      "Which 5 customer numbers have the most calls?",
    ]);
    return one(q, [table(new Map(certain))], ["customer", "table"]);
  }],
  ["customer_by_name", (c) => {
    const r = c.random("customer_by_name");
    const names = c.customers.map((x) => x.name.toLowerCase());
    const byNumber = countBy(c.calls, () => true, (x) => x.number || null);
    const unique = c.customers.filter((x) => {
      const low = x.name.toLowerCase();
      if (!x.name.trim() || (byNumber.get(x.phone) ?? 0) < 2) return false;
      // Unique, and no other name holds it (a lookup by part of a name stays unambiguous).
      let holders = 0;
      for (const other of names) if (other.includes(low)) holders++;
      return holders === 1;
    });
    const pool = frequent(
      new Map(unique.map((x) => [x, byNumber.get(x.phone)!])),
      (x) => x.name,
      2,
    );
    if (pool.length === 0) return "no customer with a unique name and two calls";
    const who = choose(r, pool);
    const q = choose(r, [
      `How many calls have we had with ${who.name}?`,
      `Show me the call history of customer ${who.name}`,
      `Calls with ${who.name}`,
    ]);
    return one(q, [n(byNumber.get(who.phone)!)], ["customer", "join"]);
  }],
  ["city_last_month", (c) => {
    const r = c.random("city_last_month");
    const phonesByCity = new Map<string, Set<string>>();
    for (const x of c.customers) {
      if (!x.city) continue;
      const s = phonesByCity.get(x.city) ?? new Set<string>();
      s.add(x.phone);
      phonesByCity.set(x.city, s);
    }
    const p = inP(c, c.periods.lastMonth);
    const counts = new Map<string, number>();
    for (const [city, phones] of phonesByCity) {
      counts.set(city, count(c.calls, (x) => p(x) && phones.has(x.number)));
    }
    const cities = sortedKeys(counts);
    const pool = cities.filter((city) =>
      counts.get(city)! > 0 &&
      !cities.some((o) => o !== city && o.toLowerCase().includes(city.toLowerCase()))
    );
    if (pool.length === 0) return "no calls with customers of a city last month";
    const city = choose(r, pool);
    const q = choose(r, [
      `Number of calls with customers based in ${city} last month`,
      `How many calls involved customers from ${city} in the previous month?`,
      `Last month's call count for customers in ${city}`,
    ]);
    return one(q, [n(counts.get(city)!)], ["join"]);
  }],
  ["compare_directions_this_week", (c) => {
    const r = c.random("compare_directions_this_week");
    const p = inP(c, c.periods.thisWeek);
    const inc = count(c.calls, and(p, incoming));
    const out = count(c.calls, and(p, outgoing));
    if (inc === 0 || out === 0) return "no calls of one direction this week";
    const q = choose(r, [
      "Inbound versus outbound calls this week?",
      "How do incoming and outgoing call volumes compare this week?",
      "Incoming compared with outgoing calls for this week",
    ]);
    return one(q, [n(inc), n(out)], ["count"]);
  }],
  ["missed_queue_yesterday", (c) => {
    const r = c.random("missed_queue_yesterday");
    const byQueue = countBy(
      c.calls,
      and(inP(c, c.periods.yesterday), (x) => x.status === "missed"),
      (x) => x.queue || null,
    );
    const pool = sortedKeys(byQueue);
    if (pool.length === 0) return "no missed calls yesterday";
    const queue = choose(r, pool);
    const q = choose(r, [
      `How many ${queue} queue calls were missed yesterday?`,
      `Yesterday's missed calls in the ${queue} queue`,
      `Missed ${queue} calls yesterday`,
    ]);
    return one(q, [n(byQueue.get(queue)!)], ["count"]);
  }],
  ["outgoing_answer_rate_last_month", (c) => {
    const r = c.random("outgoing_answer_rate_last_month");
    const p = and(inP(c, c.periods.lastMonth), outgoing);
    const all = count(c.calls, p);
    if (all === 0) return "no outgoing calls last month";
    const q = choose(r, [
      "What was the answer rate for outbound calls last month?",
      "Share of outgoing calls that got answered last month",
      "Last month's outgoing answer rate",
    ]);
    return one(q, [pct(count(c.calls, and(p, answered)), all)], ["kpi"]);
  }],
  ["dispositions_queue_this_month", (c) => {
    const r = c.random("dispositions_queue_this_month");
    const p = and(inP(c, c.periods.thisMonth), answered);
    const queues = sortedKeys(
      countBy(c.calls, (x) => p(x) && x.disposition !== null, (x) => x.queue || null),
    );
    if (queues.length === 0) return "no answered calls with a disposition this month";
    const queue = choose(r, queues);
    const byDisposition = countBy(c.calls, (x) => p(x) && x.queue === queue, (x) => x.disposition);
    const q = choose(r, [
      `What were the dispositions of answered ${queue} calls this month?`,
      `Breakdown of outcomes for answered calls in the ${queue} queue this month`,
      `Disposition split of this month's answered ${queue} calls`,
    ]);
    return one(q, [table(byDisposition)], ["table"]);
  }],
  ["export_outgoing_range", (c) => {
    const r = c.random("export_outgoing_range");
    const last = Math.min(c.lastDay, c.today - 1);
    if (last - c.firstDay < 2) return "fewer than three whole days of data";
    const span = 2 + Math.floor(r() * Math.min(7, last - c.firstDay - 1));
    const from = c.firstDay + Math.floor(r() * (last - span - c.firstDay + 1));
    const to = from + span;
    const rows = count(c.calls, and(inP(c, { from, to }), outgoing));
    if (rows === 0) return "no outgoing calls in the range";
    const style = choose(r, DATE_STYLES);
    const a = formatDay(from, style, c.currentYear);
    const b = formatDay(to, style, c.currentYear);
    const q = choose(r, [
      `Export outbound calls between ${a} and ${b} to Excel`,
      `Excel report of outgoing calls from ${a} to ${b}`,
      `Download all outgoing calls from ${a} through ${b} as a spreadsheet`,
    ]);
    return one(q, [{ kind: "report", rows }], ["report", "date"]);
  }],
];

/** The names of the question families, in order (the public set's order). */
export const FAMILY_NAMES: readonly string[] = FAMILIES.map(([name]) => name);

function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

/**
 * Builds the evaluation set of `opts`. The public families (`families` "public" or
 * "all"): one item per family, ids `gen-01` … numbered by family, so a skipped family
 * leaves a gap. The guard families ("guard" or "all", see `guard.ts`): a few items per
 * family, ids `gen-<family>-1` …. Every item's first tag is its family. Families the
 * data cannot give an unambiguous answer are listed in `skipped` with the reason.
 */
export function buildEvalSet(opts: BuildOptions): EvalSet {
  const ctx = makeContext(opts);
  const now = isoInstant(ctx.nowMs);
  const which = opts.families ?? "public";
  const prefix = opts.idPrefix ?? "gen";
  const items: EvalItem[] = [];
  const skipped: EvalSet["skipped"] = [];
  const push = (id: string, family: string, q: Question) =>
    items.push({
      id,
      now,
      tz: opts.tz,
      turns: q.turns,
      expect: q.expect,
      tags: [family, ...q.tags.filter((t) => t !== family)],
    });
  if (which !== "guard") {
    FAMILIES.forEach(([family, build], k) => {
      const q = ctx.calls.length ? build(ctx) : "no calls";
      if (typeof q === "string") skipped.push({ family, reason: q });
      else push(`${prefix}-${String(k + 1).padStart(2, "0")}`, family, q);
    });
  }
  if (which !== "public") {
    const guard = buildGuard(ctx);
    const seen = new Map<string, number>();
    for (const { family, question } of guard.questions) {
      const k = (seen.get(family) ?? 0) + 1;
      seen.set(family, k);
      push(`${prefix}-${family}-${k}`, family, question);
    }
    skipped.push(...guard.skipped);
  }
  return { items, skipped };
}

/** The set as JSON lines (the format of `questions.jsonl`). */
export function toJsonLines(items: readonly EvalItem[]): string {
  return items.map((it) => JSON.stringify(it)).join("\n") + "\n";
}
