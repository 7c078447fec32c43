/**
 * Reads one question into a {@link Parsed}: periods, filters (with names taken from the
 * data vocabulary), the metric, grouping, ranking and form. Rules run in a fixed order
 * and blank out what they read, so "abandonment rate" is not also read as the status
 * "abandoned", and "by agent priya" is a filter, not a grouping.
 */
import { findPeriod } from "../../time/periods.ts";
import type { Dimension } from "../../reports/types.ts";
import {
  cuePatterns,
  indexOf,
  type ParseContext,
  readAgentCues,
  readAgentNames,
  readCities,
  readCustomerCue,
  readCustomerNames,
  readDirections,
  readPhones,
  readSegments,
  readStatuses,
  readValues,
  unique,
} from "./entities.ts";
import type { DurationRange } from "../../reports/types.ts";
import { clockMinutes, clockText } from "../../reports/clock.ts";
import type { FilterKey, Parsed, Per } from "./intent.ts";
import { DIM_ALT, dimensionOf, METRIC_RULES, NUM, SUP_MAX, SUP_MIN, toNumber } from "./lexicon.ts";
import { Reading } from "./text.ts";

export type { ParseContext } from "./entities.ts";
export { dimensionOf } from "./lexicon.ts";

// ---------------------------------------------------------------------------------------
// The reader

/** Reads a question. Never throws on odd input; unknown words are ignored. */
export async function parseQuestion(question: string, ctx: ParseContext): Promise<Parsed> {
  const r = new Reading(question);
  const idx = indexOf(ctx.vocab);
  const lower = r.text;
  const p: Parsed = {
    question,
    periods: [],
    filters: {},
    clear: [],
    excel: false,
    followUpCue: false,
    compareCue: false,
    subject: false,
    leftover: [],
  };
  p.followUpCue = FOLLOW_UP_START.test(lower) || FOLLOW_UP_WORDS.test(lower);

  readPeriods(r, p, ctx);
  readClears(r, p);
  readExcel(r, p);
  await readPhones(r, p, ctx);
  await readCustomerNames(r, p, ctx);
  readMetric(r, p);
  readTimeOfDay(r, p);
  readDuration(r, p);
  readAverage(r, p);
  const agentCues = readAgentCues(r, idx);
  const queues = readValues(r, idx.queuePatterns, cuePatterns("queue"), ctx.vocab.queues);
  const dispositions = readValues(
    r,
    idx.dispositionPatterns,
    [/\b(?:dispositions?|outcomes?)\s+(?:of\s+|is\s+|as\s+|=\s*|:\s*)?([\p{L}][\p{L}_-]*)/u],
    ctx.vocab.dispositions,
  );
  const cities = readCities(r, idx, ctx.vocab.cities);
  const segments = readSegments(r, idx);
  readCustomerCue(r, p);
  const agents = unique([...agentCues, ...readAgentNames(r, idx)]);
  const statuses = readStatuses(r);
  const directions = readDirections(r, agents.length > 0);

  // Filters, or a comparison when one dimension is named with several values.
  setValues(p, "agent", agents);
  setValues(p, "queue", queues);
  setValues(p, "disposition", dispositions);
  setValues(p, "city", cities);
  setValues(p, "segment", segments);
  const compareCue = COMPARE_CUE.test(lower);
  p.compareCue = compareCue;
  if (directions.length > 1) {
    p.compare = { dim: "direction", values: directions };
  } else if (directions.length === 1) {
    p.filters.direction = directions[0];
  }
  let sts = statuses.list;
  if (statuses.unanswered) {
    sts = [...sts, p.filters.direction === "outgoing" ? "no_answer" : "missed"];
  }
  sts = [...new Set(sts)];
  if (sts.length > 1 && compareCue && !p.compare) {
    p.compare = { dim: "status", values: sts };
  } else if (sts.length) {
    p.filters.status = sts;
  }

  // "How many vip customers called us": the names between are read by now.
  if (
    !p.metric &&
    r.take(
      /\bhow\s+many\s+(?:different\s+|unique\s+|distinct\s+)?(?:customers|callers|clients|people)\b/u,
    )
  ) p.metric = "unique_customers";
  // "How many agents took calls": the agents, counted by agent performance (one row each).
  if (
    !p.metric &&
    r.take(
      /\bhow\s+many\s+(?:different\s+|unique\s+|distinct\s+)?(?:agents|reps|representatives|employees|staff)\b/u,
    )
  ) p.metric = "agent_performance";
  readRate(r, p);
  readLimit(r, p);
  readGroupAndRank(r, p);
  readForm(r, p);

  p.subject = /\b(?:calls?|cdrs?|reports?|records?|traffic|volume|phone|dialled|dialed)\b/u.test(
    lower,
  );
  if (!hasContent(p)) p.chat = readChat(lower);
  p.leftover = r.words().map((w) => ({ word: r.slice(w.index, w.word.length), index: w.index }));
  return p;
}

/** True when the words say something about calls (a metric, period, filter, grouping…). */
export function hasContent(p: Parsed): boolean {
  return !!(p.metric || p.per || p.form || p.periods.length || Object.keys(p.filters).length ||
    p.groupBy || p.rank || p.compare || p.share || p.excel || p.subject || p.limit);
}

// ---------------------------------------------------------------------------------------
// Follow-ups and small talk

const COMPARE_CUE =
  /\b(?:compare[ds]?|comparing|comparison|versus|vs|against|difference|relative\s+to)\b/u;

const FOLLOW_UP_START =
  /^\s*(?:and|what\s+about|how\s+about|same|now|also|only|just|but|then|instead|what\s+if|plus|again|likewise|ok(?:ay)?\s*,?\s*(?:and|now|what|how)|make\s+it|do\s+(?:it|that|the\s+same)|break\s+(?:it|that|this|them)|split\s+(?:it|that|this|them))\b/u;
const FOLLOW_UP_WORDS =
  /\b(?:them|those|these|the\s+same|same|it|(?:that|which|this|the)\s+one|previous|above|instead|as\s+well|too)\b/u;

function readChat(lower: string): Parsed["chat"] {
  const t = lower.trim();
  if (
    /^(?:hi|hello|hey|hiya|howdy|greetings|good\s+(?:morning|afternoon|evening|day)|namaste|yo|hola)(?:\s+(?:there|team|assistant|bot|all|everyone))?[\s!.,?]*$/u
      .test(t)
  ) return "greeting";
  if (
    /^(?:thanks?(?:\s+(?:a\s+lot|so\s+much|you))?|thank\s+you(?:\s+(?:so|very)\s+much)?|thx|ty|cheers|great|cool|ok(?:ay)?|nice|perfect|awesome|got\s+it|good)[\s!.,]*$/u
      .test(t)
  ) return "thanks";
  if (
    /\b(?:help|what\s+can\s+you\s+do|what\s+do\s+you\s+do|who\s+are\s+you|what\s+are\s+you|how\s+does\s+(?:this|it)\s+work|(?:kind|sort|type)s?\s+of\s+questions|what\s+(?:can|should|could)\s+i\s+ask|examples?|capabilities|features)\b/u
      .test(t)
  ) return "help";
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Periods, clears, Excel

function readPeriods(r: Reading, p: Parsed, ctx: ParseContext): void {
  const spans: { index: number; end: number }[] = [];
  for (let i = 0; i < 2; i++) {
    let found;
    try {
      found = findPeriod(r.text, { tz: ctx.tz, now: ctx.now });
    } catch {
      found = null;
    }
    if (!found) break;
    const text = r.text.slice(found.index, found.index + found.text.length);
    r.consumeAt(found.index, found.text.length);
    p.periods.push(text.replace(/\s+/g, " ").trim());
    spans.push({ index: found.index, end: found.index + found.text.length });
  }
  // Two periods side by side ("Monday 25 October" when the 25th is a Sunday) are one day
  // said two ways that disagree: asked back, never compared.
  if (spans.length === 2) {
    const [a, b] = spans[0].index < spans[1].index ? spans : [spans[1], spans[0]];
    const between = r.original.slice(a.end, b.index);
    if (/^[\s,()]*$/u.test(between) && !COMPARE_CUE.test(r.original.toLowerCase())) {
      p.unplacedPhrases = [...(p.unplacedPhrases ?? []), {
        text: r.original.slice(a.index, b.end).trim(),
        why: "the weekday and the date name different days; say which day you mean.",
      }];
      p.periods = [];
    }
  }
}

function readClears(r: Reading, p: Parsed): void {
  for (
    const h of r.takeAll(
      /\b(?:all|every|any)\s+(agents|queues|customers|directions|statuses|dispositions|cities|segments)\b/u,
    )
  ) {
    const dim = dimensionOf(h.groups[0]!);
    const key = dim === "customer" ? "customer" : dim;
    if (key && key !== "day" && key !== "hour" && key !== "weekday") {
      p.clear.push(key as FilterKey);
    }
  }
  if (
    r.take(
      /\b(?:all[\s-]time|all\s+(?:the\s+)?data|ever|entire\s+(?:history|period|data)|since\s+(?:the\s+)?(?:beginning|start))\b/u,
    )
  ) p.clear.push("period");
  if (r.take(/\b(?:overall|in\s+total|altogether|combined)\b/u)) p.clear.push("group_by");
}

const EXCEL_WORD =
  /\b(?:excel|xlsx|xls|spreadsheet|csv|export(?:ed|ing|s)?|download(?:able|ed|s)?)\b/u;

function readExcel(r: Reading, p: Parsed): void {
  const report = r.has(/\breports?\b/u);
  p.excel = r.has(EXCEL_WORD) ||
    (report && !r.has(/\b(?:show|display|see|view|what|how|which|who|tell)\b/u));
  if (p.excel) {
    r.takeAll(
      /\b(?:to|in|into|as)\s+(?:an?\s+)?(?:excel|xlsx|xls|spreadsheet|csv)(?:\s+(?:file|sheet|report|workbook))?\b/u,
    );
    r.takeAll(EXCEL_WORD);
  }
}

function setValues(
  p: Parsed,
  key: "agent" | "queue" | "disposition" | "city" | "segment",
  v: string[],
) {
  if (v.length === 1) p.filters[key] = v[0];
  else if (v.length > 1 && !p.compare) p.compare = { dim: key, values: v };
}

// ---------------------------------------------------------------------------------------
// Metrics named by their own words

function readMetric(r: Reading, p: Parsed): void {
  for (const rule of METRIC_RULES) {
    const hit = r.take(rule.re);
    if (!hit) continue;
    if (!p.metric) {
      p.metric = rule.metric;
      rule.apply?.(hit, p);
    }
  }
  // "performance of priya", "how did priya perform": agent performance with a filter.
  if (!p.metric && r.take(/\bperform(?:ance|ing|ed|s)?\b/u)) p.metric = "agent_performance";
}

// ---------------------------------------------------------------------------------------
// Time of day

/** A clock time as written: "2pm", "2:30 p.m.", "14:00", "noon", "midnight". */
const CLOCK =
  "(\\d{1,2}(?::\\d{2})?\\s*(?:a\\.?m\\.?|p\\.?m\\.?)(?![\\p{L}\\p{N}])|\\d{1,2}:\\d{2}(?![\\p{N}])|noon|midday|midnight)";
/** A clock time, or a bare hour that takes the other end's am/pm ("between 2 and 4 pm"). */
const CLOCK_OR_BARE = `(${CLOCK.slice(1, -1)}|\\d{1,2}(?::\\d{2})?)`;

const TIME_RULES: { re: RegExp; window: (a: string, b?: string) => [number, number] | null }[] = [
  {
    re: new RegExp(
      `\\b(?:between|from)\\s+${CLOCK_OR_BARE}\\s*(?:and|to|until|till|-|–)\\s*${CLOCK}`,
      "u",
    ),
    window: (a, b) => {
      const to = clockMinutes(b!, true);
      // A bare hour takes the end's am/pm; against a 24-hour end it is a 24-hour hour.
      const from = /^\d{1,2}$/u.test(a)
        ? bareWithMeridiem(a, b!, to) ?? clockMinutes(a)
        : clockMinutes(a);
      return from === null || to === null || from === to % 1440 ? null : [from, to];
    },
  },
  {
    re: new RegExp(`\\b(?:after|since|past|from)\\s+${CLOCK}`, "u"),
    window: (a) => {
      const from = clockMinutes(a);
      return from === null || from === 0 ? null : [from, 1440];
    },
  },
  {
    re: new RegExp(`\\b(?:before|until|till|up\\s+to)\\s+${CLOCK}`, "u"),
    window: (a) => {
      const to = clockMinutes(a, true);
      return to === null || to === 0 || to === 1440 ? null : [0, to];
    },
  },
  {
    // "at 3 pm", "around 10am": that hour.
    re: new RegExp(
      `\\b(?:at|around|about)\\s+(\\d{1,2}\\s*(?:a\\.?m\\.?|p\\.?m\\.?))(?![\\p{L}\\p{N}])`,
      "u",
    ),
    window: (a) => {
      const from = clockMinutes(a);
      return from === null ? null : [from, from + 60];
    },
  },
];

/**
 * A bare hour ("2" in "between 2 and 4 pm") read with the other end's am/pm, or with the
 * other one when that would put it after the end ("between 11 and 1 pm": 11 am).
 */
function bareWithMeridiem(a: string, b: string, to: number | null): number | null {
  const meridiem = b.match(/([ap])\.?m/u)?.[1];
  if (!meridiem || to === null) return null;
  const same = clockMinutes(`${a} ${meridiem}m`);
  if (same !== null && same < to) return same;
  return clockMinutes(`${a} ${meridiem === "p" ? "a" : "p"}m`);
}

/** Times of day in words with no clock times the data could be read by. */
const VAGUE_TIME =
  /\b(?:after[\s-]+hours|out[\s-]+of[\s-]+hours|(?:outside|during|in|within|after|before)\s+(?:of\s+)?(?:the\s+)?(?:business|office|working|opening|open)\s+hours|(?:business|office|working|opening)\s+hours|(?<!good\s)(?:(?:in\s+the|this|yesterday|every|on|at)\s+)?(?:morning|afternoon|evening|night)s?|overnight|late\s+night|lunch(?:\s*time)?|daytime|night[\s-]?time)\b/u;

/** "between 2pm and 4pm", "after 18:00", "before 9 am", "at 3pm": a daily clock window. */
function readTimeOfDay(r: Reading, p: Parsed): void {
  r.takeAll(/\bgood\s+(?:morning|afternoon|evening|day)\b/u); // a greeting, not a time
  for (const h of r.findAll(VAGUE_TIME)) {
    r.consume(h);
    (p.unplacedPhrases ??= []).push({
      text: r.slice(h.index, h.text.length).trim(),
      why: "a time of day without clock times; say them, e.g. “between 18:00 and 08:00” or " +
        "“after 6 pm”.",
    });
  }
  for (const rule of TIME_RULES) {
    const h = r.find(rule.re);
    if (!h) continue;
    const w = rule.window(h.groups[0]!.trim(), h.groups[1]?.trim());
    if (!w) continue;
    r.consume(h);
    p.filters.time_of_day = { from: clockText(w[0]), to: clockText(w[1]) };
    return;
  }
}

// ---------------------------------------------------------------------------------------
// Durations and averages

const UNIT = "(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h)";
const AMOUNT = `(\\d+(?:\\.\\d+)?|${NUM}|an?)`;
/**
 * Words before a threshold that name another field ("talk time over 5 min", "answered
 * within 20 s"); "answered calls" is the calls' status, not the time to answer.
 */
const OTHER_FIELD =
  /\b(?:talk(?:ing)?|hold(?:ing)?|wrap|ring(?:ing)?|wait(?:ing)?|handle|handling|answer(?:ed)?(?!\s+calls?\b)|aht|asa|within|queue)\b[^.?!]{0,20}$/u;
/** Words around a threshold that say it is the call's length ("lasted", "long"). */
const LEAD =
  "(?:(?:that|which|who)\\s+)?(?:(?:lasted|lasting|last(?:s)?|ran|running|were|was|are|is|with\\s+(?:a\\s+)?duration(?:\\s+of)?|of\\s+duration|duration(?:\\s+(?:was|is|of))?)\\s+)?";
const TAIL = "(?:\\s+(?:long|in\\s+length|in\\s+duration|duration))?";
/** Words of a threshold phrase that name the call's own length. */
const CALL_LENGTH = /\b(?:lasted|lasting|lasts?|ran|running|duration|long|in\s+length)\b/u;

function seconds(amount: string, unit: string): number | undefined {
  const a = /^an?$/u.test(amount) ? 1 : /^\d/.test(amount) ? Number(amount) : toNumber(amount);
  if (a === undefined || !Number.isFinite(a)) return undefined;
  const u = unit[0];
  const f = u === "h" ? 3600 : u === "m" ? 60 : 1;
  return Math.round(a * f);
}

const DURATION_RULES: { re: RegExp; range: (a: number, b?: number) => DurationRange }[] = [
  {
    re: new RegExp(
      `${LEAD}\\bbetween\\s+${AMOUNT}\\s*(?:${UNIT}\\s+)?(?:and|to|-)\\s+${AMOUNT}\\s*${UNIT}\\b${TAIL}`,
      "u",
    ),
    range: (a, b) => ({ gte: a, lte: b }),
  },
  {
    re: new RegExp(
      `${LEAD}\\b(?:longer|more|greater|over|above|exceeding|beyond)(?:\\s+than)?\\s+${AMOUNT}\\s*${UNIT}\\b${TAIL}`,
      "u",
    ),
    range: (a) => ({ gt: a }),
  },
  {
    re: new RegExp(
      `${LEAD}\\b(?:at\\s+least|no\\s+(?:less|shorter)\\s+than|a\\s+minimum\\s+of|min(?:imum)?)\\s+${AMOUNT}\\s*${UNIT}\\b${TAIL}`,
      "u",
    ),
    range: (a) => ({ gte: a }),
  },
  {
    re: new RegExp(
      `${LEAD}\\b(?:shorter|less|under|below|fewer)(?:\\s+than)?\\s+${AMOUNT}\\s*${UNIT}\\b${TAIL}`,
      "u",
    ),
    range: (a) => ({ lt: a }),
  },
  {
    re: new RegExp(
      `${LEAD}\\b(?:at\\s+most|no\\s+(?:more|longer)\\s+than|up\\s+to|a\\s+maximum\\s+of|max(?:imum)?)\\s+${AMOUNT}\\s*${UNIT}\\b${TAIL}`,
      "u",
    ),
    range: (a) => ({ lte: a }),
  },
  {
    re: new RegExp(`${LEAD}\\b${AMOUNT}\\s*${UNIT}\\s+or\\s+(?:more|longer|above|over)\\b`, "u"),
    range: (a) => ({ gte: a }),
  },
  {
    re: new RegExp(`${LEAD}\\b${AMOUNT}\\s*${UNIT}\\s+or\\s+(?:less|shorter|under|below)\\b`, "u"),
    range: (a) => ({ lte: a }),
  },
  {
    re: new RegExp(`\\b${AMOUNT}\\s*\\+\\s*${UNIT}\\b${TAIL}`, "u"),
    range: (a) => ({ gte: a }),
  },
];

/** "longer than 10 minutes", "under 30 seconds", "between 1 and 3 min": a duration range. */
function readDuration(r: Reading, p: Parsed): void {
  let range: DurationRange | undefined;
  for (let n = 0; n < 2; n++) {
    const found = findDuration(r);
    if (!found) break;
    range = { ...range, ...found };
  }
  if (range) p.filters.duration = range;
}

function findDuration(r: Reading): DurationRange | null {
  for (const rule of DURATION_RULES) {
    const h = r.find(rule.re);
    if (!h) continue;
    // The words before, as written (a metric read earlier is blanked out in r.text), unless
    // the phrase itself says it is the call's length ("lasting", "duration").
    if (
      !CALL_LENGTH.test(h.text) && OTHER_FIELD.test(r.original.slice(0, h.index).toLowerCase())
    ) return null;
    const g = h.groups;
    let range: DurationRange | null = null;
    if (g.length >= 4) {
      // between A [unit] and B unit: a bare A takes B's unit.
      const b = seconds(g[2]!, g[3]!);
      const a = seconds(g[0]!, g[1] ?? g[3]!);
      if (a !== undefined && b !== undefined) range = rule.range(Math.min(a, b), Math.max(a, b));
    } else {
      const a = seconds(g[0]!, g[1]!);
      if (a !== undefined) range = rule.range(a);
    }
    if (range) r.consume(h);
    return range;
  }
  return null;
}

const AVERAGE_WORD = /\b(?:on\s+(?:an\s+)?average|average|avg|mean)\b/u;
const PER_UNIT =
  /\b(?:per|a|each|every|by)\s+(day|hour|agent|week)\b|\b(daily|hourly|weekly)\b|\b(?:calls?\s+)?(day|hour|agent)\s+on\s+average\b/u;

/** "average calls per day", "avg daily call volume": a count divided per unit. */
function readAverage(r: Reading, p: Parsed): void {
  if (p.metric) return;
  const avg = r.find(AVERAGE_WORD);
  const per = r.find(PER_UNIT);
  if (!avg || !per) return;
  const unit = per.groups.find((x) => x) ?? "";
  p.per = ({ daily: "day", hourly: "hour", weekly: "week" } as Record<string, Per>)[unit] ??
    unit as Per;
  r.consume(avg);
  r.consume(per);
}

// ---------------------------------------------------------------------------------------
// Rates, limits, groupings, rankings, form

const RATE_WORD =
  /(?:\bpercentage\b|\bpercent\b|\bpct\b|%|\bshare\b|\bproportion\b|\bfraction\b|\bratio\b|\brate\b)/u;

function readRate(r: Reading, p: Parsed): void {
  if (p.metric || !r.has(RATE_WORD)) return;
  const f = p.filters;
  const st = f.status;
  if (st?.length === 1 && st[0] === "answered") {
    p.metric = "answer_rate";
    delete f.status;
  } else if (st?.length === 1 && st[0] === "missed") {
    p.metric = "abandonment";
    delete f.status;
  } else if (st?.length === 1) {
    p.metric = "share";
    p.share = { dim: "status", value: st[0] };
    delete f.status;
  } else {
    for (const key of ["direction", "disposition", "queue", "agent", "city", "segment"] as const) {
      const v = f[key];
      if (typeof v === "string" && v) {
        p.metric = "share";
        p.share = { dim: key, value: v };
        delete f[key];
        break;
      }
    }
  }
  if (p.metric) r.takeAll(RATE_WORD);
}

function readLimit(r: Reading, p: Parsed): void {
  const top = r.find(
    new RegExp(`\\b(top|bottom|best|worst)\\s*(${NUM})(?:\\s+(${DIM_ALT})\\b)?`, "u"),
  );
  if (top) {
    const n = toNumber(top.groups[1]);
    if (n === undefined) return;
    p.limit = n;
    const dim = top.groups[2] ? dimensionOf(top.groups[2]) : null;
    const order = orderOf(top.groups[0]!, p);
    if (dim) {
      p.groupBy = dim;
      p.rank = { order };
    } else if (order === "min") p.superlative = "min";
    r.consume(top);
    return;
  }
  const h = r.find(new RegExp(`\\b(${NUM})\\s+(?:${SUP_MAX}|${SUP_MIN}|most\\s+active)\\b`, "u"));
  if (!h) return;
  const n = toNumber(h.groups[0]);
  if (n !== undefined) {
    p.limit = n;
    r.consumeAt(h.index, h.groups[0]!.length);
  }
}

function readGroupAndRank(r: Reading, p: Parsed): void {
  const group = r.find(
    new RegExp(
      `\\b(?:per|by|each|every|across|for\\s+each|for\\s+every|split\\s+by|grouped\\s+by|group\\s+by|broken\\s+down\\s+by|break(?:ing)?\\s+(?:it\\s+|them\\s+|this\\s+|that\\s+)?down\\s+by|breakdown\\s+by|distribution\\s+by|among|between|in\\s+each|on\\s+each|for\\s+each)\\s+(?:the\\s+|all\\s+|our\\s+|different\\s+)?(${DIM_ALT})\\b`,
      "u",
    ),
  ) ??
    r.find(
      new RegExp(
        `\\b(${DIM_ALT})[\\s-]?wise\\b|\\b(${DIM_ALT})\\s+(?:breakdown|distribution|split|mix|summary|comparison|trend|chart|analysis|volumes?)\\b`,
        "u",
      ),
    ) ??
    r.find(
      new RegExp(
        `\\b(?:breakdown|distribution|split|mix|analysis|trend)\\s+(?:of\\s+(?:the\\s+)?(?:calls?\\s+)?)?(?:by\\s+|per\\s+|across\\s+)?(${DIM_ALT})\\b`,
        "u",
      ),
    ) ??
    // "compare agents", "comparison of the queues": one row per agent or queue.
    r.find(
      new RegExp(
        `\\b(?:compare|comparing|comparison\\s+of)\\s+(?:the\\s+|all\\s+|our\\s+)?(agents|reps|queues|teams|departments|dispositions|cities|segments|weekdays|hours|days)\\b`,
        "u",
      ),
    );
  const lead = group ? null : r.find(
    /^\s*(?:(?:show|list|give|get|what\s+(?:are|were))\s+)?(?:me\s+)?(?:the\s+)?(dispositions|outcomes|statuses)\s+(?:of|for)\b/u,
  );
  if (lead) {
    p.groupBy = dimensionOf(lead.groups[0]!) ?? undefined;
    r.consume(lead);
  } else if (group) {
    const dim = dimensionOf(group.groups.find((g) => g) ?? "");
    if (dim) {
      p.groupBy = dim;
      r.consume(group);
    }
  } else if (r.take(/\bdaily\b|\bday[\s-]by[\s-]day\b/u)) p.groupBy = "day";
  else if (r.take(/\bhourly\b|\bhour[\s-]by[\s-]hour\b/u)) p.groupBy = "hour";

  // Rankings.
  const sup = new RegExp(`\\b(?:${SUP_MAX}|${SUP_MIN}|slowest)\\b`, "u");
  const adjDim = r.find(
    new RegExp(
      `\\b(busiest|peak|quietest|slowest|quickest|fastest|top|best|worst)\\s+(${DIM_ALT})\\b`,
      "u",
    ),
  );
  if (adjDim) {
    const dim = dimensionOf(adjDim.groups[1]!);
    if (dim) {
      if (!p.metric && dim === "agent" && SPEED.test(adjDim.groups[0]!)) {
        p.metric = "agent_performance";
        p.focus = "aht";
      }
      p.rank = { order: orderOf(adjDim.groups[0]!, p) };
      p.groupBy ??= dim;
      r.consume(adjDim);
      return;
    }
  }
  const which = r.find(
    new RegExp(
      `\\b(?:which|what)\\s+(?:are\\s+(?:the\\s+)?)?(?:(?:single|one|particular)\\s+|(${NUM})\\s+)?(${DIM_ALT}|time)\\b`,
      "u",
    ),
  );
  if (which?.groups[0]) {
    p.limit ??= toNumber(which.groups[0]);
    const at = which.index + which.text.indexOf(which.groups[0], 5);
    r.consumeAt(at, which.groups[0].length);
  }
  const who = r.find(/\bwho\b/u);
  const dimAfter = r.find(
    new RegExp(
      `\\b(${DIM_ALT})\\s+(?:with|that|which|who|having)\\s+(?:had\\s+|has\\s+|have\\s+|got\\s+|received\\s+|made\\s+|handled\\s+|took\\s+)?(?:the\\s+)?(?:${SUP_MAX}|${SUP_MIN})\\b`,
      "u",
    ),
  );
  const s = r.find(sup);
  if (!s) {
    const dim = which ? dimensionOf(which.groups[1]!) : who ? "agent" : null;
    if (dim && !p.groupBy && (p.focus === "max" || p.focus === "min")) {
      // "Which agent had the longest calls?": the superlative was read with the metric.
      p.groupBy = dim;
      p.rank = { order: p.focus };
    } else if (which && dim && !p.groupBy && !p.metric && dim !== "customer") {
      // "which queue got calls": a grouping without a ranking.
      p.groupBy = dim;
    }
    return;
  }
  let dim: Dimension | null = null;
  if (which) dim = dimensionOf(which.groups[1]!);
  else if (dimAfter) dim = dimensionOf(dimAfter.groups[0]!);
  else if (who) dim = "agent";
  if (!p.metric && (dim === "agent" || p.groupBy === "agent") && SPEED.test(s.text)) {
    // "Who was the fastest?": agents are quick or slow by their handle time.
    p.metric = "agent_performance";
    p.focus = "aht";
  }
  const order = orderOf(s.text, p);
  p.superlative = order;
  if (
    dim || which || who || /\bwhich\b|\bwhat\b/u.test(r.text) || p.groupBy ||
    p.metric === "agent_performance"
  ) {
    p.rank = { order };
    if (dim) p.groupBy ??= dim;
    r.consume(s);
  }
}

/** Superlatives of speed. */
const SPEED = /^(?:quickest|fastest|slowest)$/u;

/**
 * Whether a superlative asks for the most or the least. Where less is better (AHT, hold,
 * wrap-up, speed of answer, abandonment rate) "best", "quickest" read as the lowest and
 * "worst", "slowest" as the highest; for call counts "slowest" and "worst" are the fewest.
 */
function orderOf(word: string, p: Parsed): "max" | "min" {
  const w = word.trim();
  const lowerIsBetter = p.focus === "aht" || p.focus === "hold" || p.focus === "wrap" ||
    p.metric === "asa" || p.metric === "abandonment";
  if (lowerIsBetter && w === "best") return "min";
  if (lowerIsBetter && /^(?:worst|slowest)$/.test(w)) return "max";
  if (lowerIsBetter && /^(?:quickest|fastest)$/.test(w)) return "min";
  if (/^(?:bottom|slowest)$/.test(w)) return "min";
  return new RegExp(`^(?:${SUP_MIN})$`, "u").test(w) ? "min" : "max";
}

function readForm(r: Reading, p: Parsed): void {
  if (
    r.has(
      /\bhow\s+many\b|\bcount(?:s|ed)?\b|\bnumber\s+of\b|\btotal\b|\bhow\s+much\b|\btally\b|\bvolume\b/u,
    )
  ) {
    p.form = "count";
  } else if (
    r.has(
      /\b(?:list|show|display|give|get|find|fetch|pull|filter|see|view|details?|records?|logs?|search|look\s+up|lookup)\b/u,
    )
  ) {
    p.form = "list";
  }
}
