/**
 * Periods in words ("today", "last week", "last 7 days", "2026-11-20", "from 5 Nov to
 * 13 Nov", "in October"…) resolved to `[start, end)` instants in the business zone,
 * following the time rules of `../shared/contract/DATA.md`: local calendar days, weeks
 * from Monday, no period past now.
 */
import type { ResolvedPeriod } from "../reports/types.ts";
import {
  addDays,
  addMonths,
  type CivilDate,
  compareCivil,
  daysBetween,
  daysInMonth,
  formatLocal,
  isValidCivil,
  localDate,
  startOfDay,
  weekdayOf,
} from "./zone.ts";
import { MONTH_NAMES, ONE_TO_TWELVE_WORDS, WEEKDAY_NAMES } from "./words.ts";

export {
  addDays,
  addMonths,
  type CivilDate,
  formatLocal,
  localDate,
  localDateString,
  localHour,
  localParts,
  parseNow,
  startOfDay,
  zonedMidnight,
} from "./zone.ts";

/** The business zone and the clock a period is read against. */
export interface PeriodOptions {
  /** IANA business time zone. */
  tz: string;
  /** The current instant (frozen in tests and demos). */
  now: Date;
}

/** A period found inside a question. */
export interface FoundPeriod {
  period: ResolvedPeriod;
  /** The words that named it, as written in the question. */
  text: string;
  /** Where those words start in the question. */
  index: number;
}

/**
 * Resolves a period phrase ("last week", "2026-11-20", "between 3 Nov and 7 Nov").
 * Surrounding words are tolerated ("calls of last week"); bare weekday, month or year
 * names are accepted when they are the whole text. Null when no period is named.
 */
export function resolvePeriod(text: string, opts: PeriodOptions): ResolvedPeriod | null {
  return scan(text, opts, true)?.period ?? null;
}

/**
 * Finds the first period named inside a free question ("How many missed calls were there
 * on 2026-11-20?"), with the words that named it. Null when the question names none.
 */
export function findPeriod(question: string, opts: PeriodOptions): FoundPeriod | null {
  return scan(question, opts, false);
}

// ---------------------------------------------------------------------------------------
// Vocabulary

const MONTHS = MONTH_NAMES.map((m) => m.toLowerCase());
const MONTH_SHORT = MONTH_NAMES.map((m) => m.slice(0, 3));
const WEEKDAYS = WEEKDAY_NAMES.map((d) => d.toLowerCase());
const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  ...ONE_TO_TWELVE_WORDS,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  ninety: 90,
};

const B = "(?<![\\p{L}\\p{N}])"; // word start
const E = "(?![\\p{L}\\p{N}])"; // word end
const MON =
  "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![\\p{L}\\p{N}])\\.?";
const DAY = "(?:[0-3]?\\d)(?:st|nd|rd|th)?(?![\\p{L}\\p{N}])";
const YEAR = "\\d{4}(?![-/.]?\\d)";
const ISO_DAY = "\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}(?!\\d)";
const NUM_DMY = "\\d{1,2}[-/.]\\d{1,2}[-/.]\\d{4}(?!\\d)";
const D_MON_Y = `${DAY}[\\s-]*(?:of\\s+)?${MON}(?:(?:,?\\s*|-)${YEAR})?`;
const MON_D_Y = `${MON}\\s*(?:the\\s+)?${DAY}(?:,?\\s*${YEAR})?`;
const MON_Y = `(?:${MON},?\\s*${YEAR}|\\d{4}-\\d{1,2}(?![-/.]?\\d))`;
/** Any date or month, longest forms first (JS alternation takes the first that fits). */
const ATOM = `(?:${ISO_DAY}|${NUM_DMY}|${D_MON_Y}|${MON_D_Y}|${MON_Y}|${MON})`;
const TO = "(?:-|–|—|to|till|until|through|thru|and)";
const NUM = `(?:\\d{1,5}|${Object.keys(NUMBER_WORDS).join("|")})`;
const WEEKDAY = `(?:${WEEKDAYS.join("|")})`;

// ---------------------------------------------------------------------------------------
// Parsed pieces

/** A date or month as written, year possibly missing. */
interface Atom {
  kind: "day" | "month";
  year: number | null;
  month: number;
  day: number;
  /** True when the atom is a bare month name with no day or year. */
  bareMonth: boolean;
  /** True when that month name is short or a common word ("may", "mar"). */
  weakMonth: boolean;
}

/** A range of whole local days (inclusive), or exact instants. */
type Span =
  | { from: CivilDate; to: CivilDate; label: string }
  | { start: Date; end: Date; label: string };

interface Ctx extends PeriodOptions {
  today: CivilDate;
  /** True when the match is the whole text (bare names allowed). */
  whole: boolean;
  /** The text just before the match, lower-cased. */
  before: string;
}

interface Rule {
  re: RegExp;
  resolve(m: RegExpExecArray, ctx: Ctx): Span | null;
}

function monthIndex(word: string): number {
  const w = word.toLowerCase().replace(/\.$/, "").slice(0, 3);
  return MONTHS.findIndex((m) => m.startsWith(w)) + 1;
}

function num(word: string): number {
  const w = word.toLowerCase();
  return /^\d+$/.test(w) ? Number(w) : NUMBER_WORDS[w] ?? NaN;
}

const reIso = new RegExp(`^(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})$`);
const reDmy = new RegExp(`^(\\d{1,2})[-/.](\\d{1,2})[-/.](\\d{4})$`);
const reDMonY = new RegExp(
  `^([0-3]?\\d)(?:st|nd|rd|th)?[\\s-]*(?:of\\s+)?(${MON})(?:(?:,?\\s*|-)(\\d{4}))?$`,
  "iu",
);
const reMonDY = new RegExp(
  `^(${MON})\\s*(?:the\\s+)?([0-3]?\\d)(?:st|nd|rd|th)?(?:,?\\s*(\\d{4}))?$`,
  "iu",
);
const reMonY = new RegExp(`^(${MON}),?\\s*(\\d{4})$`, "iu");
const reIsoMonth = /^(\d{4})-(\d{1,2})$/;
const reMon = new RegExp(`^(${MON})$`, "iu");

/** Reads one date or month atom; null when it is not a real date. */
/**
 * Zones whose dates are written month first (the United States, the Philippines): there
 * "11/01/2026" is 1 November; elsewhere it is 11 January.
 */
const MONTH_FIRST =
  /^(?:America\/(?:New_York|Chicago|Denver|Los_Angeles|Phoenix|Anchorage|Juneau|Sitka|Yakutat|Nome|Metlakatla|Adak|Boise|Detroit|Menominee|Indianapolis|Louisville|Indiana\/.+|Kentucky\/.+|North_Dakota\/.+)|Pacific\/Honolulu|US\/.+|Asia\/Manila)$/;

/** Whether numeric dates are read month first in `tz` (see {@link MONTH_FIRST}). */
export function monthFirstIn(tz: string): boolean {
  return MONTH_FIRST.test(tz);
}

function parseAtom(text: string, ctx?: { tz: string }): Atom | null {
  const t = text.trim();
  const day = (year: number | null, month: number, d: number): Atom | null => {
    if (month < 1 || month > 12 || d < 1 || d > 31) return null;
    if (year !== null && !isValidCivil(year, month, d)) return null;
    if (year === null && d > daysInMonth(2024, month)) return null;
    return { kind: "day", year, month, day: d, bareMonth: false, weakMonth: false };
  };
  let m: RegExpMatchArray | null;
  if ((m = t.match(reIso))) return day(Number(m[1]), Number(m[2]), Number(m[3]));
  if ((m = t.match(reDmy))) {
    const [a, b, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    // The zone's order first (day first but in the US); the other only when the first
    // cannot be a date (11/20/2026, 20/11/2026).
    if (ctx && monthFirstIn(ctx.tz)) return isValidCivil(y, a, b) ? day(y, a, b) : day(y, b, a);
    return isValidCivil(y, b, a) ? day(y, b, a) : day(y, a, b);
  }
  if ((m = t.match(reDMonY))) {
    return day(m[3] ? Number(m[3]) : null, monthIndex(m[2]), Number(m[1]));
  }
  if ((m = t.match(reMonDY))) {
    return day(m[3] ? Number(m[3]) : null, monthIndex(m[1]), Number(m[2]));
  }
  const month = (year: number | null, mo: number, bare: boolean, word = ""): Atom | null => {
    if (mo < 1 || mo > 12) return null;
    const w = word.toLowerCase().replace(/\.$/, "");
    const weak = bare && (w === "may" || w !== MONTHS[mo - 1]);
    return { kind: "month", year, month: mo, day: 1, bareMonth: bare, weakMonth: weak };
  };
  if ((m = t.match(reMonY))) return month(Number(m[2]), monthIndex(m[1]), false);
  if ((m = t.match(reIsoMonth))) return month(Number(m[1]), Number(m[2]), false);
  if ((m = t.match(reMon))) return month(null, monthIndex(m[1]), true, m[1]);
  return null;
}

/** First and last day of an atom whose year is known. */
function atomDays(a: Atom & { year: number }): { from: CivilDate; to: CivilDate } {
  if (a.kind === "day") {
    const d = { year: a.year, month: a.month, day: a.day };
    return { from: d, to: d };
  }
  return {
    from: { year: a.year, month: a.month, day: 1 },
    to: { year: a.year, month: a.month, day: daysInMonth(a.year, a.month) },
  };
}

/** The atom with its year filled in: the most recent one whose start is not after today. */
function latestYear(a: Atom, today: CivilDate): Atom & { year: number } {
  if (a.year !== null) return a as Atom & { year: number };
  for (let y = today.year; y > today.year - 9; y--) {
    const cand = { ...a, year: y };
    if (a.kind === "day" && !isValidCivil(y, a.month, a.day)) continue; // 29 Feb
    if (compareCivil(atomDays(cand).from, today) <= 0) return cand;
  }
  return { ...a, year: today.year };
}

/** The atom in the year that puts it on or before (`dir` -1) or after (+1) `ref`. */
function nearYear(a: Atom, ref: CivilDate, dir: 1 | -1): Atom & { year: number } {
  if (a.year !== null) return a as Atom & { year: number };
  for (let k = 0; k < 9; k++) {
    const y = ref.year + dir * k;
    if (a.kind === "day" && !isValidCivil(y, a.month, a.day)) continue;
    const cand = { ...a, year: y };
    const c = compareCivil(atomDays(cand).from, ref);
    if (dir < 0 ? c <= 0 : c >= 0) return cand;
  }
  return { ...a, year: ref.year };
}

// ---------------------------------------------------------------------------------------
// Labels

function fmtDay(c: CivilDate, withYear = true): string {
  return `${c.day} ${MONTH_SHORT[c.month - 1]}${withYear ? ` ${c.year}` : ""}`;
}

function iso(c: CivilDate): string {
  return `${c.year}-${String(c.month).padStart(2, "0")}-${String(c.day).padStart(2, "0")}`;
}

/** "5 Nov – 13 Nov 2026", "28 Dec 2026 – 3 Jan 2027", "5 Nov 2026". */
export function formatDayRange(from: CivilDate, to: CivilDate): string {
  if (compareCivil(from, to) === 0) return fmtDay(from);
  return `${fmtDay(from, from.year !== to.year)} – ${fmtDay(to)}`;
}

function monthName(year: number, month: number): string {
  const m = MONTHS[month - 1];
  return `${m[0].toUpperCase()}${m.slice(1)} ${year}`;
}

function cap(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}

// ---------------------------------------------------------------------------------------
// Rules

function rule(source: string, resolve: Rule["resolve"]): Rule {
  return { re: new RegExp(source, "giu"), resolve };
}

function mondayOf(c: CivilDate): CivilDate {
  return addDays(c, 1 - weekdayOf(c));
}

function quarterStart(c: CivilDate): CivilDate {
  return { year: c.year, month: Math.floor((c.month - 1) / 3) * 3 + 1, day: 1 };
}

const QUARTER_WORDS: Record<string, number> = {
  first: 1,
  "1st": 1,
  second: 2,
  "2nd": 2,
  third: 3,
  "3rd": 3,
  fourth: 4,
  "4th": 4,
};

/** Quarter `q` of `year`, or of the latest year in which it has begun; never past today. */
function quarter(q: number, year: string | undefined, ctx: Ctx): Span | null {
  const t = ctx.today;
  const month = (q - 1) * 3 + 1;
  let y = year ? Number(year) : t.year;
  if (!year && (t.month < month)) y -= 1;
  const from: CivilDate = { year: y, month, day: 1 };
  let to: CivilDate = { year: y, month: month + 2, day: daysInMonth(y, month + 2) };
  if (from.year > t.year || (from.year === t.year && from.month > t.month)) return null;
  const partial = to.year > t.year || (to.year === t.year && to.month >= t.month && to.day > t.day);
  if (partial) to = t;
  return {
    from,
    to,
    label: `Q${q} ${y} (${formatDayRange(from, to)}${partial ? ", so far" : ""})`,
  };
}

/** Bare month names, weekdays and years need a preposition unless they are the whole text. */
function monthAllowed(a: Atom, prefix: string | undefined, ctx: Ctx): boolean {
  if (!a.bareMonth || prefix || ctx.whole) return true;
  if (a.weakMonth) return false;
  return !/(?:by|agent|with|customer|named|called|user|for)\s*$/.test(ctx.before);
}

/** Last N units ending today (today included). */
function lastN(n: number, unit: string, ctx: Ctx): Span | null {
  const u = unit.toLowerCase().replace(/s$/, "");
  if (!Number.isInteger(n) || n < 1) return null;
  const plural = `${n} ${u}${n === 1 ? "" : "s"}`;
  if (u === "hour" || u === "minute") {
    if (n > 24 * 366 * 10) return null;
    const ms = n * (u === "hour" ? 3_600_000 : 60_000);
    const start = new Date(ctx.now.getTime() - ms);
    return {
      start,
      end: ctx.now,
      label: `last ${plural} (${formatLocal(start, ctx.tz)} – ${formatLocal(ctx.now, ctx.tz)})`,
    };
  }
  let from: CivilDate;
  if (u === "day") from = addDays(ctx.today, 1 - n);
  else if (u === "week") from = addDays(ctx.today, 1 - 7 * n);
  else if (u === "month") from = addDays(addMonths(ctx.today, -n), 1);
  else if (u === "year") from = addDays(addMonths(ctx.today, -12 * n), 1);
  else return null;
  if (ctx.today.year - from.year > 200) return null;
  return { from, to: ctx.today, label: `last ${plural} (${formatDayRange(from, ctx.today)})` };
}

function relative(which: string, unit: string, ctx: Ctx): Span | null {
  const w = which.toLowerCase();
  const u = unit.toLowerCase();
  const t = ctx.today;
  if (w === "past") {
    return u === "week"
      ? lastN(7, "day", ctx)
      : u === "quarter"
      ? lastN(3, "month", ctx)
      : u === "month"
      ? lastN(1, "month", ctx)
      : lastN(1, "year", ctx);
  }
  const current = w === "this" || w === "current";
  let from: CivilDate;
  let to: CivilDate;
  let label: string;
  if (u === "week") {
    const monday = mondayOf(t);
    from = current ? monday : addDays(monday, -7);
    to = current ? t : addDays(monday, -1);
  } else if (u === "month") {
    from = current ? { ...t, day: 1 } : addMonths({ ...t, day: 1 }, -1);
    to = current ? t : { ...from, day: daysInMonth(from.year, from.month) };
  } else if (u === "quarter") {
    const q = quarterStart(t);
    from = current ? q : addMonths(q, -3);
    to = current ? t : addDays(q, -1);
  } else {
    from = { year: current ? t.year : t.year - 1, month: 1, day: 1 };
    to = current ? t : { year: t.year - 1, month: 12, day: 31 };
  }
  const name = `${current ? "this" : "last"} ${u}`;
  if (!current && u === "month") label = `${name} (${monthName(from.year, from.month)})`;
  else if (!current && u === "year") label = `${name} (${from.year})`;
  else label = `${name} (${formatDayRange(from, to)})`;
  return { from, to, label };
}

function atomSpan(a: Atom & { year: number }): Span {
  const { from, to } = atomDays(a);
  return { from, to, label: a.kind === "day" ? iso(from) : monthName(a.year, a.month) };
}

const RULES: Rule[] = [
  // Ranges: "from 5 Nov to 13 Nov", "between 2026-11-05 and 2026-11-13", "Oct - Nov 2026".
  rule(
    `${B}(?:(from|between)\\s+)?(?:the\\s+)?(${ATOM})\\s*(${TO})\\s*(?:the\\s+)?(${ATOM})`,
    (m, ctx) => {
      const prefix = m[1]?.toLowerCase();
      const to = m[3].toLowerCase();
      if (to === "and" && prefix !== "between") return null;
      const a = parseAtom(m[2], ctx);
      const b = parseAtom(m[4], ctx);
      if (!a || !b) return null;
      if ((a.weakMonth || b.weakMonth) && !prefix && !ctx.whole) return null;
      return range(a, b, ctx);
    },
  ),
  // Day-first partial ranges: "3 - 7 Nov", "from 3rd to 7th November 2026".
  rule(
    `${B}(?<![\\d/.:-])(?:(from|between)\\s+)?(?:the\\s+)?(${DAY})\\s*(${TO})\\s*(?:the\\s+)?(${D_MON_Y})`,
    (m, ctx) => {
      if (m[3].toLowerCase() === "and" && m[1]?.toLowerCase() !== "between") return null;
      const b = parseAtom(m[4], ctx);
      if (!b || b.kind !== "day") return null;
      const a = parseAtom(`${parseInt(m[2])} ${MONTHS[b.month - 1]}${b.year ? ` ${b.year}` : ""}`);
      if (!a) return null;
      return range(a, b, ctx);
    },
  ),
  // Month-first partial ranges: "Nov 3-7", "from November 3rd to 7th, 2026".
  rule(
    `${B}(?:(from|between)\\s+)?(${MON})\\s*(?:the\\s+)?(${DAY})\\s*(${TO})\\s*(?:the\\s+)?(${DAY})(?:,?\\s*(${YEAR}))?`,
    (m, ctx) => {
      if (m[4].toLowerCase() === "and" && m[1]?.toLowerCase() !== "between") return null;
      const year = m[6] ? ` ${m[6]}` : "";
      const a = parseAtom(`${parseInt(m[3])} ${m[2]}${year}`, ctx);
      const b = parseAtom(`${parseInt(m[5])} ${m[2]}${year}`, ctx);
      if (!a || !b) return null;
      return range(a, b, ctx);
    },
  ),
  // Relative days.
  rule(`${B}(?:the\\s+)?day\\s+before\\s+yesterday${E}`, (_m, ctx) => {
    const d = addDays(ctx.today, -2);
    return { from: d, to: d, label: `day before yesterday (${fmtDay(d)})` };
  }),
  rule(`${B}today${E}`, (_m, ctx) => ({
    from: ctx.today,
    to: ctx.today,
    label: `today (${fmtDay(ctx.today)})`,
  })),
  rule(`${B}yesterday${E}`, (_m, ctx) => {
    const d = addDays(ctx.today, -1);
    return { from: d, to: d, label: `yesterday (${fmtDay(d)})` };
  }),
  rule(`${B}(${NUM})\\s+days?\\s+ago${E}`, (m, ctx) => {
    const n = num(m[1]);
    if (!Number.isInteger(n) || n < 1 || n > 36_500) return null;
    const d = addDays(ctx.today, -n);
    return { from: d, to: d, label: `${n} day${n === 1 ? "" : "s"} ago (${iso(d)})` };
  }),
  // "last 7 days", "past two weeks", "previous 3 months", "last 24 hours".
  rule(
    `${B}(?:the\\s+)?(?:last|past|previous|prior|trailing)\\s+(${NUM})\\s+(days?|weeks?|months?|years?|hours?|minutes?)${E}`,
    (m, ctx) => lastN(num(m[1]), m[2], ctx),
  ),
  // "Q3", "Q3 2026", "the third quarter of 2025": without a year, the latest one begun.
  rule(
    `${B}(?:(?:in|during|for|of)\\s+)?(?:the\\s+)?(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th)\\s+quarter)(?:\\s+(?:of\\s+)?(\\d{4}))?${E}`,
    (m, ctx) => quarter(m[1] ? Number(m[1]) : QUARTER_WORDS[m[2].toLowerCase()], m[3], ctx),
  ),
  // "this week", "last month", "previous year", "past week", "current quarter".
  rule(
    `${B}(this|current|last|previous|prior|past)\\s+(week|month|quarter|year)(?:\\s+(?:so\\s+far|to\\s+date|until\\s+now))?${E}`,
    (m, ctx) => relative(m[1], m[2], ctx),
  ),
  rule(
    `${B}(?:(week|month|quarter|year)[\\s-]+to[\\s-]+date|(wtd|mtd|qtd|ytd))${E}`,
    (m, ctx) => {
      const unit = m[1] ?? { wtd: "week", mtd: "month", qtd: "quarter", ytd: "year" }[
        m[2].toLowerCase()
      ]!;
      return relative("this", unit.toLowerCase(), ctx);
    },
  ),
  // A date with its weekday: "Sunday 25 October", "on Sunday, 25 Oct 2026", "25 October
  // (Sunday)": the date, when it is that weekday (else the two are read apart).
  rule(
    `${B}(?:on\\s+)?(${WEEKDAY}),?\\s+(?:the\\s+)?(${ATOM})`,
    (m, ctx) => weekdayDate(m[1], m[2], ctx),
  ),
  rule(
    `${B}(?:on\\s+)?(?:the\\s+)?(${ATOM}),?\\s*\\(?(${WEEKDAY})\\)?(?![\\p{L}\\p{N}])`,
    (m, ctx) => weekdayDate(m[2], m[1], ctx),
  ),
  // Weekdays: "on Monday", "last Friday"; a bare "Monday" only as the whole text.
  rule(`${B}(?:(on|last|this|past|previous)\\s+)?(${WEEKDAY})(?![\\p{L}\\p{N}'’])`, (m, ctx) => {
    const prefix = m[1]?.toLowerCase();
    if (!prefix && !ctx.whole) return null;
    const target = WEEKDAYS.indexOf(m[2].toLowerCase()) + 1;
    let back = (weekdayOf(ctx.today) - target + 7) % 7;
    if (back === 0 && (prefix === "last" || prefix === "previous" || prefix === "past")) {
      back = 7;
    }
    const d = addDays(ctx.today, -back);
    const name = cap(WEEKDAYS[target - 1]);
    const said = prefix === "last" || prefix === "previous" || prefix === "past"
      ? `last ${name}`
      : name;
    return { from: d, to: d, label: `${said} (${iso(d)})` };
  }),
  // "since 5 Nov", "since October".
  rule(`${B}since\\s+(?:the\\s+)?(${ATOM})`, (m, ctx) => {
    const a = parseAtom(m[1], ctx);
    if (!a) return null;
    const from = atomDays(latestYear(a, ctx.today)).from;
    const label = a.kind === "day" ? fmtDay(from) : monthName(from.year, from.month);
    return { from, to: ctx.today, label: `since ${label}` };
  }),
  // "last October": the most recent October before this month.
  rule(`${B}(?:last|previous)\\s+(${MON})(?![\\p{L}\\p{N}]|\\s*\\d)`, (m, ctx) => {
    const a = parseAtom(m[1], ctx);
    if (!a) return null;
    const ref = addMonths({ ...ctx.today, day: 1 }, -1);
    return atomSpan(nearYear(a, ref, -1));
  }),
  // A date or month: "on 2026-11-20", "20 Nov", "November 20th", "in October 2026".
  rule(
    `${B}(?:(on|in|during|for|of|from)\\s+)?(?:the\\s+)?(?:month\\s+of\\s+)?(${ATOM})`,
    (m, ctx) => {
      const a = parseAtom(m[2], ctx);
      if (!a || !monthAllowed(a, m[1], ctx)) return null;
      return atomSpan(latestYear(a, ctx.today));
    },
  ),
  // A year: "in 2025", "year 2026"; bare only as the whole text.
  rule(
    `${B}(?:(in|during|for|of|year)\\s+)?(?:the\\s+year\\s+)?(\\d{4})(?![-/.]?\\d)`,
    (m, ctx) => {
      if (!m[1] && !ctx.whole && !/year\s*$/i.test(ctx.before)) return null;
      const y = Number(m[2]);
      if (y < 1900 || y > 2200) return null;
      return {
        from: { year: y, month: 1, day: 1 },
        to: { year: y, month: 12, day: 31 },
        label: `${y}`,
      };
    },
  ),
];

/** The day `atom` names when it falls on `weekday`, labelled "Sunday (2026-10-25)"; else null. */
function weekdayDate(weekday: string, atom: string, ctx: Ctx): Span | null {
  const a = parseAtom(atom, ctx);
  if (!a || a.kind !== "day") return null;
  const d = atomDays(latestYear(a, ctx.today)).from;
  const target = WEEKDAYS.indexOf(weekday.toLowerCase()) + 1;
  if (weekdayOf(d) !== target) return null;
  return { from: d, to: d, label: `${cap(WEEKDAYS[target - 1])} (${iso(d)})` };
}

/** Resolves a two-sided range, filling missing years from the other side or from today. */
function range(a: Atom, b: Atom, ctx: Ctx): Span {
  let ay: Atom & { year: number };
  let by: Atom & { year: number };
  if (b.year !== null || a.year === null) {
    by = b.year !== null ? b as Atom & { year: number } : latestYear(b, ctx.today);
    ay = alignYear(a, atomDays(by).from, -1);
  } else {
    ay = a as Atom & { year: number };
    by = alignYear(b, atomDays(ay).from, 1);
  }
  let from = atomDays(ay).from;
  let to = atomDays(by).to;
  if (compareCivil(from, to) > 0) {
    from = atomDays(by).from;
    to = atomDays(ay).to;
  }
  return { from, to, label: formatDayRange(from, to) };
}

/**
 * Gives a range end without a year the year of the other end, unless that puts it on
 * the wrong side by half a year or more ("28 Dec to 3 Jan" crosses New Year; "13 Nov to
 * 5 Nov" is the same range written backwards).
 */
function alignYear(x: Atom, ref: CivilDate, dir: 1 | -1): Atom & { year: number } {
  if (x.year !== null) return x as Atom & { year: number };
  if (x.kind === "day" && !isValidCivil(ref.year, x.month, x.day)) return nearYear(x, ref, dir);
  const cand = { ...x, year: ref.year };
  const gap = daysBetween(ref, atomDays(cand).from) * dir;
  return gap <= -183 ? { ...x, year: ref.year + dir } : cand;
}

// ---------------------------------------------------------------------------------------
// Scanning

interface Candidate {
  index: number;
  text: string;
  span: Span;
}

function scan(text: string, opts: PeriodOptions, allowWhole: boolean): FoundPeriod | null {
  if (Number.isNaN(opts.now.getTime())) {
    throw new RangeError("Cannot resolve a period: invalid now");
  }
  const today = localDate(opts.now, opts.tz);
  const candidates: Candidate[] = [];
  for (const r of RULES) {
    for (const m of text.matchAll(r.re)) {
      const index = m.index!;
      const matched = m[0];
      const whole = allowWhole && text.slice(0, index).trim() === "" &&
        /^[\s.,;:!?]*$/.test(text.slice(index + matched.length));
      const ctx: Ctx = {
        ...opts,
        today,
        whole,
        before: text.slice(Math.max(0, index - 20), index).toLowerCase(),
      };
      const span = r.resolve(m as RegExpExecArray, ctx);
      if (span) candidates.push({ index, text: matched.trim(), span });
    }
  }
  if (candidates.length === 0) return null;
  candidates.sort((x, y) => x.index - y.index || y.text.length - x.text.length);
  const best = candidates[0];
  return { period: toPeriod(best.span, opts), text: best.text, index: best.index };
}

function toPeriod(span: Span, opts: PeriodOptions): ResolvedPeriod {
  let start: Date;
  let end: Date;
  if ("from" in span) {
    start = startOfDay(span.from, opts.tz);
    end = startOfDay(addDays(span.to, 1), opts.tz);
  } else {
    start = span.start;
    end = span.end;
  }
  // No period reaches past now; one wholly in the future is empty at now.
  if (end.getTime() > opts.now.getTime()) end = new Date(opts.now);
  if (start.getTime() > end.getTime()) start = new Date(end);
  return { start, end, label: span.label };
}
