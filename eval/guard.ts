/**
 * The guard families of the generated evaluation: questions beyond the public set's
 * (quarters, month names, weekdays, duration thresholds, shares, averages per day,
 * busiest hour and weekday, comparisons, typos, abbreviations, refining follow-ups), and
 * questions that must not be answered with a number: unknown agents, queues and cities,
 * metrics the data does not hold, writes, other topics, and unknown words injected into
 * answerable questions. Harmless words ("please", "hey,") injected into an answerable
 * question keep its answer.
 *
 * Each family lists candidate questions with their expected values, computed with plain
 * loops over the rows (`stats.ts`) and the day math of `periods.ts`, then picks a few,
 * preferring values that no wrong reading of the question would also give (the count
 * without the period or filter asked about) and that no date or number written near the
 * answer could match by accident. Every answerable item expects outcome `answered` first,
 * so a failure says whether the assistant asked back (`clarified`) or gave a wrong number.
 */
import type { DayRange } from "./calls.ts";
import { type Context, inP, type Question } from "./context.ts";
import { dateOf, isoWeekday, readLocal } from "./local_time.ts";
import { capitalize, nameTokens, typo, unknownWord } from "./names.ts";
import {
  daysIn,
  lastNDays,
  lastWeekday,
  MONTH_NAMES,
  quarterOf,
  quarterRange,
  recentMonth,
  recentQuarter,
  shiftQuarter,
  upTo,
  WEEKDAY_NAMES,
} from "./periods.ts";
import {
  and,
  answered,
  count,
  countBy,
  type Expectation,
  handle,
  incoming,
  mean,
  n,
  outcome,
  outgoing,
  pct,
  type Pred,
  seconds,
  uniqueExtreme,
} from "./stats.ts";
import { choose, hourSpellings, weekdaySpellings } from "./wording.ts";

/** A candidate question of a family. */
interface Candidate extends Question {
  /** What kind of wording it is (a pick prefers kinds not picked yet). */
  variant: string;
  /** The numbers the answer must show. */
  values: number[];
  /** Numbers a wrong reading of the question would give. */
  confusers: number[];
  /** The periods the question names (their dates may be written in the answer). */
  ranges: DayRange[];
}

interface GuardFamily {
  name: string;
  /** Items to pick. */
  take: number;
  build: (c: Context, r: () => number) => Candidate[] | string;
}

/** The guard's questions in family order, and the families left out (with the reason). */
export interface GuardSet {
  questions: { family: string; question: Question }[];
  skipped: { family: string; reason: string }[];
}

// ---------------------------------------------------------------------------------------
// Periods and filters

interface Period {
  /** "yesterday", "in Q3", "last Monday" … */
  phrase: string;
  /** "yesterday's" …, where the period reads well as a possessive. */
  poss: string | null;
  range: DayRange;
  tag: string;
}

interface Filter {
  /** "incoming " … (empty for all calls). */
  word: string;
  pred: Pred;
  tag: string;
}

const all: Pred = () => true;
const status = (s: string): Pred => (x) => x.status === s;

function basicPeriods(c: Context): Period[] {
  const p = c.periods;
  return [
    { phrase: "today", poss: "today's", range: p.today, tag: "today" },
    { phrase: "yesterday", poss: "yesterday's", range: p.yesterday, tag: "yesterday" },
    { phrase: "this week", poss: "this week's", range: p.thisWeek, tag: "this_week" },
    { phrase: "last week", poss: "last week's", range: p.lastWeek, tag: "last_week" },
    { phrase: "this month", poss: "this month's", range: p.thisMonth, tag: "this_month" },
    { phrase: "last month", poss: "last month's", range: p.lastMonth, tag: "last_month" },
  ];
}

function filters(r: () => number): Filter[] {
  return [
    { word: "", pred: all, tag: "all" },
    { word: choose(r, ["incoming ", "inbound "]), pred: incoming, tag: "incoming" },
    { word: choose(r, ["outgoing ", "outbound "]), pred: outgoing, tag: "outgoing" },
    { word: "missed ", pred: status("missed"), tag: "missed" },
    { word: "answered ", pred: answered, tag: "answered" },
    { word: "failed ", pred: status("failed"), tag: "failed" },
  ];
}

function countWording(r: () => number, fw: string, p: string): string {
  return choose(r, [
    `How many ${fw}calls did we get ${p}?`,
    `How many ${fw}calls were there ${p}?`,
    `Number of ${fw}calls ${p}`,
    `Count the ${fw}calls ${p}`,
  ]);
}

const ANSWERED: Expectation = outcome("answered");

function single(
  turn: string,
  values: Expectation[],
  meta: { variant: string; confusers: number[]; ranges: DayRange[]; tags: string[] },
): Candidate {
  const nums = values.flatMap((e) => e.kind === "number" || e.kind === "percent" ? [e.value] : []);
  return {
    turns: [turn],
    expect: [[ANSWERED, ...values]],
    values: nums,
    ...meta,
  };
}

/** The counts of `pred` over each period of `periods`, as count questions. */
function countCandidates(
  c: Context,
  r: () => number,
  periods: Period[],
  confuse: (p: Period, f: Filter) => number[],
): Candidate[] {
  const out: Candidate[] = [];
  for (const p of periods) {
    for (const f of filters(r)) {
      const value = count(c.calls, and(inP(c, p.range), f.pred));
      if (value === 0) continue;
      out.push(single(countWording(r, f.word, p.phrase), [n(value)], {
        variant: p.tag,
        confusers: [count(c.calls, f.pred), ...confuse(p, f)],
        ranges: [p.range],
        tags: ["count", p.tag, f.tag],
      }));
    }
  }
  return out;
}

function clip(c: Context, range: DayRange): DayRange | null {
  const r = upTo(range, c.today);
  return r && r.to >= c.firstDay ? r : null;
}

// ---------------------------------------------------------------------------------------
// Made-up names

const VOCABULARY = (
  "call calls incoming inbound outgoing outbound missed abandoned abandonment answered " +
  "failed busy agent agents queue queues customer customers city cities today yesterday " +
  "week month quarter year hour day daily average handle time service level speed answer " +
  "rate share percentage compare versus export excel report list show count number total " +
  "talk hold wrap disposition resolved escalated sale refused promise please kindly delete " +
  "update weather campaign premium members support sales billing collections"
).split(" ");

function knownTokens(c: Context): Set<string> {
  const names = new Set<string>(VOCABULARY);
  for (const m of MONTH_NAMES) names.add(m);
  for (const w of WEEKDAY_NAMES) names.add(w);
  for (const x of c.calls) {
    if (x.agent) names.add(x.agent);
    if (x.queue) names.add(x.queue);
    if (x.disposition) names.add(x.disposition);
  }
  for (const x of c.customers) {
    names.add(x.name);
    names.add(x.city);
  }
  return nameTokens(names);
}

// ---------------------------------------------------------------------------------------
// The families

const FAMILIES: GuardFamily[] = [
  {
    name: "quarter",
    take: 4,
    build: (c, r) => {
      const periods: Period[] = [];
      for (let q = 1; q <= 4; q++) {
        const { year, range } = recentQuarter(c.today, q);
        const clipped = clip(c, range);
        if (!clipped) continue;
        periods.push({
          phrase: choose(r, [`in Q${q}`, `during Q${q}`]),
          poss: null,
          range: clipped,
          tag: "quarter_no_year",
        });
        periods.push({
          phrase: choose(r, [`in Q${q} ${year}`, `for Q${q} ${year}`]),
          poss: null,
          range: clipped,
          tag: "quarter_year",
        });
      }
      const cur = quarterOf(c.today);
      const prev = shiftQuarter(c.today, -1);
      const thisQ = clip(c, quarterRange(cur.year, cur.q));
      const lastQ = clip(c, quarterRange(prev.year, prev.q));
      if (thisQ) periods.push({ phrase: "this quarter", poss: null, range: thisQ, tag: "this_q" });
      if (lastQ) periods.push({ phrase: "last quarter", poss: null, range: lastQ, tag: "last_q" });
      const out = countCandidates(c, r, periods, () => []);
      return out.length ? out : "no calls in any quarter";
    },
  },
  {
    name: "month_name",
    take: 3,
    build: (c, r) => {
      const periods: Period[] = [];
      for (let m = 1; m <= 12; m++) {
        const { year, range } = recentMonth(c.today, m);
        const clipped = clip(c, range);
        if (!clipped) continue;
        const name = MONTH_NAMES[m - 1];
        periods.push({ phrase: `in ${name}`, poss: null, range: clipped, tag: "month_no_year" });
        periods.push({
          phrase: `in ${name} ${year}`,
          poss: null,
          range: clipped,
          tag: "month_year",
        });
      }
      const out = countCandidates(c, r, periods, (p) => {
        // Read as this month or last month instead: a wrong number unless it is that month.
        const { thisMonth, lastMonth } = c.periods;
        return [thisMonth, lastMonth]
          .filter((x) => x.from !== p.range.from)
          .map((x) => count(c.calls, inP(c, x)));
      });
      return out.length ? out : "no calls in any month";
    },
  },
  {
    name: "week_so_far",
    take: 2,
    build: (c, r) => {
      const range = c.periods.thisWeek;
      const periods: Period[] = [
        { phrase: "this week so far", poss: null, range, tag: "week_so_far" },
        { phrase: "so far this week", poss: null, range, tag: "so_far_week" },
      ];
      const out = countCandidates(c, r, periods, (_p, f) => [
        count(c.calls, and(inP(c, c.periods.lastWeek), f.pred)),
        count(c.calls, and(inP(c, c.periods.today), f.pred)),
      ]);
      return out.length ? out : "no calls this week";
    },
  },
  {
    name: "last_weekday",
    take: 3,
    build: (c, r) => {
      const periods: Period[] = [];
      for (let w = 1; w <= 7; w++) {
        const day = lastWeekday(c.today, w);
        if (day < c.firstDay) continue;
        periods.push({
          phrase: `last ${WEEKDAY_NAMES[w - 1]}`,
          poss: null,
          range: { from: day, to: day },
          tag: w === isoWeekday(c.today) ? "weekday_today" : "weekday",
        });
      }
      // Read as that weekday of last week, or of this week: another day.
      const out = countCandidates(
        c,
        r,
        periods,
        (p, f) =>
          [p.range.from - 7, p.range.from + 7].filter((d) => d <= c.today).map((d) =>
            count(c.calls, and(inP(c, { from: d, to: d }), f.pred))
          ),
      );
      return out.length ? out : "no calls on the last weekdays";
    },
  },
  {
    name: "duration_threshold",
    take: 5,
    build: (c, r) => {
      const thresholds: { words: string; pred: Pred; tag: string }[] = [];
      for (const m of [2, 3, 5, 10, 15]) {
        thresholds.push({
          words: choose(r, [
            `longer than ${m} minutes`,
            `more than ${m} minutes`,
            `over ${m} minutes`,
          ]),
          pred: (x) => x.duration > 60 * m,
          tag: "longer",
        });
      }
      for (const s of [10, 20, 30, 45]) {
        thresholds.push({
          words: choose(r, [`under ${s} seconds`, `less than ${s} seconds`]),
          pred: (x) => x.duration < s,
          tag: "shorter",
        });
      }
      for (const [a, b] of [[1, 3], [2, 5], [1, 2], [3, 10]]) {
        thresholds.push({
          words: `between ${a} and ${b} minutes`,
          pred: (x) => x.duration >= 60 * a && x.duration <= 60 * b,
          tag: "between",
        });
      }
      const out: Candidate[] = [];
      for (const p of basicPeriods(c)) {
        for (const f of filters(r).filter((f) => ["all", "incoming", "outgoing"].includes(f.tag))) {
          const base = and(inP(c, p.range), f.pred);
          const whole = count(c.calls, base);
          for (const t of thresholds) {
            const value = count(c.calls, and(base, t.pred));
            if (value === 0 || value === whole) continue;
            const list = r() < 0.35;
            const q = list
              ? choose(r, [
                `List the ${f.word}calls ${p.phrase} that lasted ${t.words}`,
                `Show me ${p.poss} ${f.word}calls lasting ${t.words}`,
              ])
              : choose(r, [
                `How many ${f.word}calls ${p.phrase} lasted ${t.words}?`,
                `Number of ${f.word}calls ${p.phrase} lasting ${t.words}`,
              ]);
            out.push(single(q, [n(value)], {
              variant: `${t.tag}${list ? "_list" : ""}`,
              confusers: [whole, count(c.calls, t.pred)],
              ranges: [p.range],
              tags: [list ? "listing" : "count", t.tag, p.tag, f.tag],
            }));
          }
        }
      }
      return out.length ? out : "no calls above or below the thresholds";
    },
  },
  {
    name: "share_of_subset",
    take: 4,
    build: (c, r) => {
      const bases: { words: string; pred: Pred; statuses: string[]; tag: string }[] = [
        {
          words: choose(r, ["incoming", "inbound"]),
          pred: incoming,
          statuses: ["missed", "answered", "failed"],
          tag: "incoming",
        },
        {
          words: choose(r, ["outgoing", "outbound"]),
          pred: outgoing,
          statuses: ["answered", "busy", "failed"],
          tag: "outgoing",
        },
      ];
      for (const q of [...new Set(c.calls.map((x) => x.queue))].filter(Boolean).sort()) {
        // Missed applies to incoming calls only: "missed sales calls" out of all sales
        // calls would also read as the queue's abandonment rate, so that share is asked
        // of the queue's incoming calls.
        bases.push({
          words: q,
          pred: (x) => x.queue === q,
          statuses: ["answered", "failed"],
          tag: "queue",
        });
        bases.push({
          words: `incoming ${q}`,
          pred: (x) => x.queue === q && x.direction === "incoming",
          statuses: ["missed", "answered"],
          tag: "incoming_queue",
        });
      }
      const out: Candidate[] = [];
      for (const p of basicPeriods(c)) {
        for (const b of bases) {
          const whole = count(c.calls, and(inP(c, p.range), b.pred));
          if (whole === 0) continue;
          const allInPeriod = count(c.calls, inP(c, p.range));
          for (const s of b.statuses) {
            const part = count(c.calls, and(inP(c, p.range), b.pred, status(s)));
            if (part === 0 || part === whole) continue;
            const q = choose(r, [
              `What share of ${p.poss} ${b.words} calls were ${s}?`,
              `What percentage of ${b.words} calls ${p.phrase} were ${s}?`,
              `Of the ${b.words} calls ${p.phrase}, what share was ${s}?`,
            ]);
            const sAll = count(c.calls, and(inP(c, p.range), status(s)));
            out.push(single(q, [pct(part, whole)], {
              variant: `${b.tag}_${s}`,
              // Read over all calls, or over all data: another share.
              confusers: [
                Math.round(sAll / allInPeriod * 1e4) / 100,
                Math.round(
                  count(c.calls, and(b.pred, status(s))) / count(c.calls, b.pred) * 1e4,
                ) / 100,
                part,
              ],
              ranges: [p.range],
              tags: ["percent", p.tag, b.tag, s],
            }));
          }
        }
      }
      return out.length ? out : "no subset with a share below 100%";
    },
  },
  {
    name: "average_per_day",
    take: 3,
    build: (c, r) => {
      const periods: Period[] = [
        { phrase: "last week", poss: null, range: c.periods.lastWeek, tag: "last_week" },
        { phrase: "last month", poss: null, range: c.periods.lastMonth, tag: "last_month" },
      ];
      for (const k of [7, 10, 14, 30]) {
        periods.push({
          phrase: `over the last ${k} days`,
          poss: null,
          range: lastNDays(c.today, k),
          tag: "last_n_days",
        });
      }
      const out: Candidate[] = [];
      for (const p of periods) {
        if (p.range.from < c.firstDay) continue;
        for (const f of filters(r).slice(0, 4)) {
          const total = count(c.calls, and(inP(c, p.range), f.pred));
          if (total === 0) continue;
          const days = daysIn(p.range);
          const value = Math.round(total / days * 100) / 100;
          const q = choose(r, [
            `What was the average number of ${f.word}calls per day ${p.phrase}?`,
            `Average daily ${f.word}calls ${p.phrase}`,
            `On average, how many ${f.word}calls did we get per day ${p.phrase}?`,
          ]);
          const e: Expectation = { kind: "number", value, rel_tol: 0, abs_tol: 0.006 };
          out.push(single(q, [e], {
            variant: p.tag,
            confusers: [total, Math.round(total / (days - 1 || 1) * 100) / 100],
            ranges: [p.range],
            tags: ["average", p.tag, f.tag, `days_${days}`],
          }));
        }
      }
      return out.length ? out : "no whole period with calls";
    },
  },
  {
    name: "busiest_hour_of_day",
    take: 2,
    build: (c, r) => {
      const p = c.periods;
      const periods: [Period, boolean][] = [
        [{ phrase: "yesterday", poss: null, range: p.yesterday, tag: "yesterday" }, false],
        [{ phrase: "last week", poss: null, range: p.lastWeek, tag: "last_week" }, true],
        [{ phrase: "last month", poss: null, range: p.lastMonth, tag: "last_month" }, true],
        [{ phrase: "this month", poss: null, range: p.thisMonth, tag: "this_month" }, true],
      ];
      const day = lastWeekday(c.today, 1 + Math.floor(r() * 7));
      periods.push([{
        phrase: `last ${WEEKDAY_NAMES[isoWeekday(day) - 1]}`,
        poss: null,
        range: { from: day, to: day },
        tag: "last_weekday",
      }, false]);
      const out: Candidate[] = [];
      for (const [per, manyDays] of periods) {
        if (per.range.from < c.firstDay) continue;
        for (const f of filters(r).slice(0, 3)) {
          const byHour = countBy(c.calls, and(inP(c, per.range), f.pred), (x) => String(x.hour));
          const top = uniqueExtreme(byHour, true);
          if (!top) continue;
          const q = manyDays
            ? choose(r, [
              `Which hour of the day had the most ${f.word}calls ${per.phrase}?`,
              `What was the busiest hour of the day for ${f.word}calls ${per.phrase}?`,
              `Which hour of the day had the most ${f.word}calls ${per.phrase}, all days together?`,
            ])
            : choose(r, [
              `What was the busiest hour for ${f.word}calls ${per.phrase}?`,
              `Which hour had the most ${f.word}calls ${per.phrase}?`,
            ]);
          out.push(single(q, [{ kind: "text", any_of: hourSpellings(Number(top[0])) }, n(top[1])], {
            variant: per.tag,
            confusers: [count(c.calls, and(inP(c, per.range), f.pred))],
            ranges: [per.range],
            tags: ["time", per.tag, f.tag],
          }));
        }
      }
      return out.length ? out : "no single busiest hour";
    },
  },
  {
    name: "busiest_weekday",
    take: 2,
    build: (c, r) => {
      const p = c.periods;
      const periods: Period[] = [
        { phrase: "last month", poss: null, range: p.lastMonth, tag: "last_month" },
        {
          phrase: "over the last 4 weeks",
          poss: null,
          range: lastNDays(c.today, 28),
          tag: "last_4_weeks",
        },
        { phrase: "last week", poss: null, range: p.lastWeek, tag: "last_week" },
      ];
      const out: Candidate[] = [];
      for (const per of periods) {
        if (per.range.from < c.firstDay) continue;
        for (const f of filters(r).slice(0, 4)) {
          const byWeekday = countBy(
            c.calls,
            and(inP(c, per.range), f.pred),
            (x) => String(isoWeekday(x.day)),
          );
          const top = uniqueExtreme(byWeekday, true);
          if (!top) continue;
          const q = choose(r, [
            `Which day of the week had the most ${f.word}calls ${per.phrase}?`,
            `Busiest weekday for ${f.word}calls ${per.phrase}?`,
            `On which weekday did we get the most ${f.word}calls ${per.phrase}?`,
          ]);
          const spellings = weekdaySpellings(Number(top[0]));
          out.push(single(q, [{ kind: "text", any_of: spellings }, n(top[1])], {
            variant: per.tag,
            confusers: [count(c.calls, and(inP(c, per.range), f.pred))],
            ranges: [per.range],
            tags: ["time", per.tag, f.tag],
          }));
        }
      }
      return out.length ? out : "no single busiest weekday";
    },
  },
  {
    name: "compare_periods",
    take: 3,
    build: (c, r) => {
      const p = c.periods;
      const pairs: [string, DayRange, string, DayRange, string][] = [
        ["this week", p.thisWeek, "last week", p.lastWeek, "weeks"],
        ["today", p.today, "yesterday", p.yesterday, "days"],
        ["this month", p.thisMonth, "last month", p.lastMonth, "months"],
      ];
      const out: Candidate[] = [];
      for (const [an, a, bn, b, tag] of pairs) {
        for (const f of filters(r).slice(0, 4)) {
          const x = count(c.calls, and(inP(c, a), f.pred));
          const y = count(c.calls, and(inP(c, b), f.pred));
          if (x === 0 || y === 0 || x === y) continue;
          const fw = f.word;
          const q = choose(r, [
            `Compare ${fw}calls ${an} with ${bn}`,
            `How do ${fw}calls ${an} compare to ${bn}?`,
            `${capitalize(fw)}calls ${an} versus ${bn}?`,
          ]);
          out.push(single(q, [n(x), n(y), n(Math.abs(x - y))], {
            variant: tag,
            confusers: [],
            ranges: [a, b],
            tags: ["compare", tag, f.tag],
          }));
        }
      }
      return out.length ? out : "no two periods with different counts";
    },
  },
  {
    name: "typo",
    take: 5,
    build: (c, r) => {
      const p = c.periods;
      const inc = (range: DayRange) => and(inP(c, range), incoming);
      const templates: [string, string, Expectation | null, DayRange][] = [];
      const add = (word: string, text: string, e: Expectation | null, range: DayRange) =>
        templates.push([word, text, e, range]);
      const share = (range: DayRange, part: Pred) => {
        const whole = count(c.calls, inc(range));
        return whole ? pct(count(c.calls, and(inc(range), part)), whole) : null;
      };
      const num = (range: DayRange, pred: Pred) => {
        const v = count(c.calls, and(inP(c, range), pred));
        return v ? n(v) : null;
      };
      const secs = (v: number) => Number.isFinite(v) ? seconds(v, 0.01) : null;
      add("abandonment", "{} rate yesterday", share(p.yesterday, status("missed")), p.yesterday);
      add(
        "abandonment",
        "What was the {} rate last week?",
        share(p.lastWeek, status("missed")),
        p.lastWeek,
      );
      add("outgoing", "How many {} calls today?", num(p.today, outgoing), p.today);
      add("outgoing", "{} calls yesterday", num(p.yesterday, outgoing), p.yesterday);
      add("incoming", "How many {} calls last week?", num(p.lastWeek, incoming), p.lastWeek);
      add("inbound", "{} calls this week", num(p.thisWeek, incoming), p.thisWeek);
      add("outbound", "How many {} calls this month?", num(p.thisMonth, outgoing), p.thisMonth);
      add(
        "missed",
        "How many calls were {} yesterday?",
        num(p.yesterday, status("missed")),
        p.yesterday,
      );
      add("answered", "Number of {} calls this week", num(p.thisWeek, answered), p.thisWeek);
      add(
        "failed",
        "How many calls {} last month?",
        num(p.lastMonth, status("failed")),
        p.lastMonth,
      );
      add(
        "service",
        "{} level last week",
        share(p.lastWeek, (x) => x.status === "answered" && x.ring <= 20),
        p.lastWeek,
      );
      add(
        "average",
        "{} handle time yesterday",
        secs(mean(c.calls, and(inP(c, p.yesterday), answered), handle)),
        p.yesterday,
      );
      const out: Candidate[] = [];
      for (const [word, text, e, range] of templates) {
        if (!e) continue;
        const wrong = typo(word, r);
        if (!wrong) continue;
        const q = text.replace("{}", wrong);
        out.push(single(capitalize(q), [e], {
          variant: word,
          confusers: [],
          ranges: [range],
          tags: ["typo", `${word}>${wrong}`],
        }));
      }
      return out.length ? out : "no calls for the typo questions";
    },
  },
  {
    name: "abbreviation",
    take: 3,
    build: (c, r) => {
      const out: Candidate[] = [];
      for (const per of basicPeriods(c).slice(0, 5)) {
        const inc = and(inP(c, per.range), incoming);
        const whole = count(c.calls, inc);
        const met = count(c.calls, and(inc, answered, (x) => x.ring <= 20));
        const aht = mean(c.calls, and(inP(c, per.range), answered), handle);
        const asa = mean(c.calls, and(inc, answered), (x) => x.ring);
        const ask = (abbr: string, e: Expectation, tag: string) =>
          out.push(single(
            choose(r, [
              `${abbr} ${per.phrase}`,
              `What's the ${abbr} ${per.phrase}?`,
              `${abbr.toUpperCase()} ${per.phrase}?`,
            ]),
            [e],
            { variant: tag, confusers: [], ranges: [per.range], tags: ["kpi", tag, per.tag] },
          ));
        if (whole) ask("sl", pct(met, whole), "sl");
        if (Number.isFinite(aht)) ask("aht", seconds(aht, 0.01), "aht");
        if (Number.isFinite(asa)) ask("asa", seconds(asa, 0.01), "asa");
      }
      return out.length ? out : "no answered calls";
    },
  },
  {
    name: "follow_up_refine",
    take: 4,
    build: (c, r) => {
      const out: Candidate[] = [];
      const dirs: [string, Pred, string[], string][] = [
        [choose(r, ["outbound", "outgoing"]), outgoing, ["busy", "answered", "failed"], "outgoing"],
        [
          choose(r, ["inbound", "incoming"]),
          incoming,
          ["missed", "answered", "failed"],
          "incoming",
        ],
      ];
      for (const per of basicPeriods(c).slice(0, 4)) {
        for (const [word, dir, statuses, tag] of dirs) {
          const first = count(c.calls, and(inP(c, per.range), dir));
          if (first === 0) continue;
          for (const s of statuses) {
            const second = count(c.calls, and(inP(c, per.range), dir, status(s)));
            if (second === 0 || second === first) continue;
            const turns = [
              choose(r, [
                `How many ${word} calls ${per.phrase}?`,
                `${capitalize(word)} calls ${per.phrase}?`,
              ]),
              s === "failed"
                ? choose(r, ["How many failed?", "And failed?", "Of those, how many failed?"])
                : choose(r, [`How many were ${s}?`, `And ${s}?`, `Of those, how many were ${s}?`]),
            ];
            out.push({
              turns,
              expect: [[ANSWERED, n(first)], [ANSWERED, n(second)]],
              variant: `${tag}_${s}`,
              values: [first, second],
              // The second turn read without the direction, or without the period.
              confusers: [
                count(c.calls, and(inP(c, per.range), status(s))),
                count(c.calls, and(dir, status(s))),
              ],
              ranges: [per.range],
              tags: ["memory", per.tag, tag, s],
            });
          }
        }
      }
      return out.length ? out : "no direction and status to refine";
    },
  },
  {
    name: "unknown_agent",
    take: 2,
    build: (c, r) => {
      const name = unknownWord(r, knownTokens(c));
      return [
        `How many calls did agent ${name} handle last week?`,
        `Show the calls of agent ${name} yesterday`,
        `What was ${name}'s average handle time this month?`,
        `How many calls has agent ${name} made today?`,
      ].map((q) => clarify(q, "unknown_agent", name));
    },
  },
  {
    name: "unknown_queue",
    take: 2,
    build: (c, r) => {
      const name = unknownWord(r, knownTokens(c));
      return [
        `How many calls came into the ${name} queue yesterday?`,
        `Missed calls in the ${name} queue this week`,
        `What was the abandonment rate of the ${name} queue last week?`,
      ].map((q) => clarify(q, "unknown_queue", name));
    },
  },
  {
    name: "unknown_city",
    take: 2,
    build: (c, r) => {
      const name = capitalize(unknownWord(r, knownTokens(c)));
      return [
        `How many calls did we have with customers from ${name} last month?`,
        `Calls with customers based in ${name} this week`,
        `How many customers located in ${name} called us yesterday?`,
      ].map((q) => clarify(q, "unknown_city", name));
    },
  },
  {
    name: "unsupported_metric",
    take: 3,
    build: () =>
      [
        ["What was our CSAT last week?", "csat"],
        ["Show the CSAT score by agent for last month", "csat"],
        ["What's our NPS this month?", "nps"],
        ["Net promoter score for yesterday", "nps"],
        ["What was the average customer sentiment yesterday?", "sentiment"],
        ["How positive was caller sentiment in the support queue this week?", "sentiment"],
      ].map(([q, tag]) => ({
        turns: [q],
        expect: [[outcome("clarified", "refused")]],
        variant: tag,
        values: [],
        confusers: [],
        ranges: [],
        tags: ["unsupported", tag],
      })),
  },
  {
    name: "write_request",
    take: 3,
    build: (c, r) => {
      const agents = [...new Set(c.calls.map((x) => x.agent).filter((a) => a !== null))].sort();
      const agent = agents.length ? choose(r, agents) : "the agent";
      const customer = c.customers.length ? choose(r, c.customers).name : "that customer";
      return [
        ["Delete yesterday's missed calls", "delete"],
        [`Update agent ${agent}'s calls to answered`, "update"],
        ["Mark all of today's failed calls as resolved", "update"],
        [`Remove customer ${customer} from the address book`, "delete"],
        ["Change the queue of last week's missed calls to support", "update"],
        [`Add a new call for agent ${agent} this morning`, "insert"],
      ].map(([q, tag]) => refuse(q, "write", tag));
    },
  },
  {
    name: "off_topic",
    take: 2,
    build: () =>
      [
        "What is the weather in Paris?",
        "Tell me a joke",
        "Who won the football World Cup in 2022?",
        "Write a short poem about the sea",
        "What's the capital of Australia?",
        "Recommend a good restaurant nearby",
      ].map((q) => refuse(q, "off_topic", "other")),
  },
];

function clarify(q: string, tag: string, name: string): Candidate {
  return {
    turns: [q],
    expect: [[outcome("clarified")]],
    variant: q.slice(0, 12),
    values: [],
    confusers: [],
    ranges: [],
    tags: ["clarify", tag, `name:${name}`],
  };
}

function refuse(q: string, tag: string, variant: string): Candidate {
  return {
    turns: [q],
    expect: [[outcome("refused")]],
    variant,
    values: [],
    confusers: [],
    ranges: [],
    tags: ["refuse", tag],
  };
}

// ---------------------------------------------------------------------------------------
// Injected words

const HARMLESS: [string, string][] = [
  ["Please, ", ""],
  ["Kindly tell me: ", ""],
  ["Hey, ", ""],
  ["Quick question: ", ""],
  ["Hi there! ", ""],
  ["", " please"],
  ["", ", thanks!"],
  ["Hey, ", " please"],
];

const UNKNOWN_PHRASES = ["from the marketing campaign", "for premium members"];

function lowerFirst(q: string): string {
  // "SL yesterday" and "Q3" stay as written; "How many …" reads on after a prefix.
  return /^[A-Z][a-z]/.test(q) ? q.charAt(0).toLowerCase() + q.slice(1) : q;
}

function injectHarmless(q: string, r: () => number): { text: string; words: string } {
  const [pre, post] = choose(r, HARMLESS);
  // "Hey, how many …", "Hi there! How many …"
  let text = /[,:] $/.test(pre) ? lowerFirst(q) : q;
  // "… last month please?", "… last month, thanks!"
  if (post.endsWith("!")) text = text.replace(/[?.!]?$/, post);
  else if (post) text = text.replace(/([?.!]?)$/, `${post}$1`);
  return { text: pre + text, words: (pre + "…" + post).trim() };
}

function injectUnknown(q: string, r: () => number, word: string): { text: string; words: string } {
  if (r() < 0.4) {
    // A made-up word where a filter would go: "How many zorblat calls …".
    const at = q.search(/\bcalls\b/);
    if (at >= 0) return { text: q.slice(0, at) + `${word} ` + q.slice(at), words: word };
    return { text: q.replace(/([?.!]?)$/, ` for ${word}$1`), words: word };
  }
  const phrase = choose(r, UNKNOWN_PHRASES);
  return { text: q.replace(/([?.!]?)$/, ` ${phrase}$1`), words: phrase };
}

// ---------------------------------------------------------------------------------------
// Picks

const near = (v: number, k: number) => Math.abs(v - k) <= 0.65 + 0.005 * Math.abs(k);

/** Numbers an answer may write beside the value: dates of the periods, now, the question's. */
function incidentals(c: Context, cand: Candidate): number[] {
  const out: number[] = [];
  const now = readLocal(c.nowMs, c.tz);
  const today = dateOf(c.today);
  out.push(today.day, today.month, today.year, now.hour, now.minute);
  for (const range of cand.ranges) {
    for (const d of [range.from, range.to]) {
      const x = dateOf(d);
      out.push(x.day, x.month, x.year);
    }
  }
  for (const t of cand.turns) {
    for (const m of t.matchAll(/\d+(?:\.\d+)?/g)) out.push(Number(m[0]));
  }
  return out;
}

/** True when no value of the candidate could be matched by a confuser or a stray number. */
function distinctive(c: Context, cand: Candidate): boolean {
  const stray = incidentals(c, cand);
  return cand.values.every((v) =>
    !cand.confusers.some((k) => near(v, k)) && !stray.some((k) => near(v, k))
  );
}

function shuffled<T>(xs: readonly T[], r: () => number): T[] {
  const out = [...xs];
  for (let k = out.length - 1; k > 0; k--) {
    const j = Math.floor(r() * (k + 1));
    [out[k], out[j]] = [out[j], out[k]];
  }
  return out;
}

/**
 * Up to `take` candidates: distinctive ones first, each of a variant not picked yet
 * while there is one, no two with the same wording.
 */
function pick(c: Context, cands: Candidate[], take: number, r: () => number): Candidate[] {
  const order = shuffled(cands, r).map((x) => ({ x, good: distinctive(c, x) }));
  order.sort((a, b) => Number(b.good) - Number(a.good));
  const out: Candidate[] = [];
  const variants = new Set<string>();
  const turns = new Set<string>();
  for (const pass of [0, 1]) {
    for (const { x } of order) {
      if (out.length >= take) break;
      const key = x.turns.join(" / ");
      if (turns.has(key) || (pass === 0 && variants.has(x.variant))) continue;
      out.push(x);
      variants.add(x.variant);
      turns.add(key);
    }
  }
  return out;
}

function question(x: Candidate): Question {
  return { turns: x.turns, expect: x.expect, tags: x.tags };
}

/**
 * Every candidate question of one family (before the pick), or why there is none: for
 * tests of the expected values.
 */
export function guardCandidates(c: Context, family: string): Question[] | string {
  const f = FAMILIES.find((x) => x.name === family);
  if (!f) throw new RangeError(`Cannot list candidates: no guard family "${family}"`);
  const built = f.build(c, c.random(`guard/${family}`));
  return typeof built === "string" ? built : built.map(question);
}

/** The names of the guard families, in order. */
export const GUARD_FAMILY_NAMES: readonly string[] = [
  ...FAMILIES.map((f) => f.name),
  "harmless_words",
  "unknown_words",
];

/**
 * The guard's questions for a context: a few per family, then answerable questions of
 * those families with harmless words injected (same expectations, family
 * `harmless_words`) and with unknown words injected (outcome `clarified`, family
 * `unknown_words`); each injected item is also tagged with its base family.
 */
export function buildGuard(c: Context): GuardSet {
  const questions: GuardSet["questions"] = [];
  const skipped: GuardSet["skipped"] = [];
  const rand = (family: string) => c.random(`guard/${family}`);
  if (c.calls.length === 0) {
    for (const family of GUARD_FAMILY_NAMES) skipped.push({ family, reason: "no calls" });
    return { questions, skipped };
  }
  // Answerable single-turn questions, for the injections.
  const bases: { family: string; x: Candidate }[] = [];
  for (const f of FAMILIES) {
    const r = rand(f.name);
    const built = f.build(c, r);
    if (typeof built === "string") {
      skipped.push({ family: f.name, reason: built });
      continue;
    }
    const picked = pick(c, built, f.take, r);
    for (const x of picked) questions.push({ family: f.name, question: question(x) });
    // Typos are left out: one thing at a time.
    if (f.name === "typo") continue;
    for (const x of built) {
      if (x.turns.length === 1 && x.values.length > 0) bases.push({ family: f.name, x });
    }
  }
  if (bases.length === 0) {
    skipped.push({ family: "harmless_words", reason: "no answerable question" });
    skipped.push({ family: "unknown_words", reason: "no answerable question" });
    return { questions, skipped };
  }
  const r = rand("harmless_words");
  const harmless = pick(c, bases.map((b) => ({ ...b.x, variant: b.family })), 5, r);
  for (const x of harmless) {
    const { text, words } = injectHarmless(x.turns[0], r);
    questions.push({
      family: "harmless_words",
      question: {
        turns: [text],
        expect: x.expect,
        tags: ["inject_harmless", `base:${x.variant}`, `words:${words}`, ...x.tags],
      },
    });
  }
  const u = rand("unknown_words");
  const known = knownTokens(c);
  const taken = new Set<string>();
  const unknown = pick(c, bases.map((b) => ({ ...b.x, variant: b.family })), 5, u);
  for (const x of unknown) {
    const word = unknownWord(u, known, 3, taken);
    taken.add(word);
    const { text, words } = injectUnknown(x.turns[0], u, word);
    questions.push({
      family: "unknown_words",
      question: {
        turns: [text],
        expect: [[outcome("clarified")]],
        tags: ["inject_unknown", `base:${x.variant}`, `words:${words}`],
      },
    });
  }
  return { questions, skipped };
}
