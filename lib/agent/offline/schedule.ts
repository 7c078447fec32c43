/**
 * Scheduled reports in the offline planner: reading a request to create, list or cancel
 * a schedule, and writing the answer from the schedule tools' results
 * (`../schedule_tools.ts`).
 *
 * A request to create one is read in two parts: the schedule's own words (the
 * recurrence, the time, the format, the recipients and the delivery verbs) are taken out
 * first, and what is left is read as a question, with the same rules that pick a catalog
 * entry, its period and its filters. Every word must be placed: anything left over, a
 * time that cannot be read or a recurrence the schedules do not have is asked back.
 */
import type { Interpretation } from "../events.ts";
import type { Recurrence, ScheduleFormat } from "../../schedules/types.ts";
import { WEEKDAY_NAMES } from "../../time/words.ts";
import { accountFor } from "./account.ts";
import { partialReading } from "./clarify.ts";
import { andList, mdText } from "./format.ts";
import type { Intent } from "./intent.ts";
import { entryOf, reportParams } from "./plan.ts";
import { renderQuestion } from "./render.ts";
import { resolveStandalone } from "./resolve.ts";
import { Reading } from "./text.ts";
import { type ParseContext, parseQuestion } from "./understand.ts";

/** A schedule request as read. */
export type ScheduleRequest =
  | { kind: "list" }
  | {
    kind: "cancel";
    /** Its number in the list ("cancel schedule 2"). */
    number?: number;
    /** Its id ("s_…"). */
    id?: string;
    /** A time named ("the 9am email"), as HH:MM. */
    time?: string;
    /** The other words that name it ("monday", "agent", "performance"). */
    words: string[];
  }
  | {
    kind: "create";
    /** The `create_schedule` arguments. */
    args: {
      report: { name: string; params: Record<string, unknown> };
      recurrence: Recurrence;
      format: ScheduleFormat;
      recipients: string[];
    };
    intent: Intent;
  }
  | {
    kind: "unclear";
    /** One line: what could not be read. */
    reason: string;
    /** The words asked back about. */
    unplaced: string[];
    /** The answer text. */
    text: string;
    interpretation?: Interpretation;
  };

const WEEKDAY_RE = "mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|" +
  "sat(?:urday)?|sun(?:day)?";
const SCHEDULE_WORD = /\b(?:schedul(?:e|es|ed|ing)|recurring|subscriptions?|subscribed?)\b/u;
const DELIVER = /\b(?:e-?mail(?:ed)?|mail|send|sent|deliver(?:ed)?|schedule)\b/u;
const RECURS = new RegExp(
  `\\b(?:every|each)\\s+(?:day|morning|evening|night|week|weekday|month|${WEEKDAY_RE})|` +
    `\\bevery\\s+(?:\\d+|two|three|four|other|few|hour|minute|quarter|year)\\b|` +
    `\\b(?:daily|weekly|monthly|hourly|fortnightly|biweekly|quarterly|yearly|annually)\\b|` +
    `\\bon\\s+(?:${WEEKDAY_RE})s\\b|\\b(?:mon|tues|wednes|thurs|fri|satur|sun)days\\b`,
  "u",
);
const CANCEL = /\b(?:stop|cancel|delete|remove|unsubscribe|disable|end|turn\s+off|drop)\b/u;
const LIST = /\b(?:what|which|list|show|see|view|any|my|all|do\s+i\s+have|are\s+there)\b/u;

/** True when a question is about scheduled reports (create, list or cancel). */
export function isScheduleRequest(question: string): boolean {
  const t = question.toLowerCase();
  if (SCHEDULE_WORD.test(t)) return true;
  if (CANCEL.test(t) && /\b(?:e-?mails?|deliver(?:y|ies))\b/u.test(t)) return true;
  return DELIVER.test(t) && RECURS.test(t);
}

/** Reads a schedule request (call {@linkcode isScheduleRequest} first). */
export async function readScheduleRequest(
  question: string,
  ctx: ParseContext,
): Promise<ScheduleRequest> {
  const t = question.toLowerCase();
  if (CANCEL.test(t)) return readCancel(question);
  if (!RECURS.test(t) && !/\bat\s+\d/u.test(t) && LIST.test(t) && SCHEDULE_WORD.test(t)) {
    return { kind: "list" };
  }
  return await readCreate(question, ctx);
}

// ---------------------------------------------------------------------------------------
// Create

const WEEKDAY_INDEX: [RegExp, number][] = [
  [/^mon/u, 1],
  [/^tue/u, 2],
  [/^wed/u, 3],
  [/^thu/u, 4],
  [/^fri/u, 5],
  [/^sat/u, 6],
  [/^sun/u, 7],
];

function weekdayOf(word: string): number {
  return WEEKDAY_INDEX.find(([re]) => re.test(word))?.[1] ?? 0;
}

const ORDINALS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  last: 31,
};

/** The recurrence named, or a reason it cannot be one; consumed from `r`. */
function takeRecurrence(r: Reading): { kinds: Set<string>; weekdays: number[]; day?: number } | {
  unsupported: string;
} {
  const bad = r.find(
    /\b(?:every\s+(?:\d+|two|three|other|few)\s+\w+|every\s+(?:hour|minute|quarter|year)|hourly|fortnightly|biweekly|bi-weekly|quarterly|yearly|annually|twice\s+a\s+\w+)\b/u,
  );
  if (bad) return { unsupported: r.slice(bad.index, bad.text.length) };
  const kinds = new Set<string>();
  const weekdays: number[] = [];
  let day: number | undefined;
  for (
    const h of r.takeAll(
      new RegExp(
        `\\b(?:(?:every|each|on)\\s+)?((?:${WEEKDAY_RE})s?)((?:\\s*(?:,|and|&)\\s*(?:(?:every|on)\\s+)?(?:${WEEKDAY_RE})s?)*)\\b`,
        "u",
      ),
    )
  ) {
    const all = `${h.groups[0]} ${h.groups[1] ?? ""}`.split(/[\s,&]+|\band\b|\bevery\b|\bon\b/u);
    for (const w of all) {
      const d = weekdayOf(w.trim());
      if (d && !weekdays.includes(d)) weekdays.push(d);
    }
    kinds.add("weekly");
  }
  if (r.take(/\b(?:every|each|on)\s+(?:work(?:ing)?\s*)?(?:week\s*days?|business\s+days?)\b/u)) {
    for (const d of [1, 2, 3, 4, 5]) if (!weekdays.includes(d)) weekdays.push(d);
    kinds.add("weekly");
  }
  if (r.take(/\b(?:every|each)\s+(?:day|morning)\b|\bdaily\b/u)) kinds.add("daily");
  if (r.take(/\b(?:every|each|once\s+a|a)\s+week\b|\bweekly\b/u)) kinds.add("weekly");
  if (r.take(/\b(?:every|each|once\s+a|a)\s+month\b|\bmonthly\b/u)) kinds.add("monthly");
  const dom = r.take(
    /\bon\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?(?:\s+day)?(?:\s+of\s+(?:the|each|every)\s+month)?\b|\bon\s+(?:the\s+)?(first|second|third|fourth|fifth|last)(?:\s+day)?(?:\s+of\s+(?:the|each|every)\s+month)?\b|\bon\s+day\s+(\d{1,2})\b/u,
  );
  if (dom) {
    const n = dom.groups[0] ?? dom.groups[2];
    day = n ? Number(n) : ORDINALS[dom.groups[1]!];
    kinds.add("monthly");
  }
  return { kinds, weekdays, day };
}

/** "at 9", "8am", "17:30", "9:30 pm", "noon": HH:MM; `bad` for an "at …" not read. */
function takeTime(r: Reading): { time?: string; bad?: string } {
  const named = r.take(/\b(?:at\s+)?(noon|midday|midnight)\b/u);
  if (named) return { time: named.groups[0] === "midnight" ? "00:00" : "12:00" };
  // The delivery time: an "at …" time first; a time that bounds a window of the report
  // ("calls after 6pm", "between 9:00 and 17:00") is the report's, not the delivery's.
  const all = r.findAll(
    /\b(?:at\s+)?(\d{1,2})(?:[:.](\d{2}))?\s*(a\.?m\.?|p\.?m\.?)(?![\p{L}])|\bat\s+(\d{1,2})(?:[:.](\d{2}))?(?![\d:.]*\d)(?:\s*(?:o'?clock|hrs|h)\b)?|\b(\d{1,2}):(\d{2})\b/u,
  ).filter((x) =>
    !/\b(?:after|before|since|past|between|from|until|till|to|and|-|–)\s*$/u.test(
      r.text.slice(0, x.index),
    )
  );
  const h = all.find((x) => x.text.startsWith("at")) ?? all[0];
  if (h) {
    const g = h.groups;
    let hour = Number(g[0] ?? g[3] ?? g[5]);
    const minute = Number(g[1] ?? g[4] ?? g[6] ?? 0);
    const ampm = g[2]?.replaceAll(".", "");
    if (ampm && (hour < 1 || hour > 12)) return { bad: r.slice(h.index, h.text.length).trim() };
    if (ampm === "pm" && hour < 12) hour += 12;
    if (ampm === "am" && hour === 12) hour = 0;
    if (hour > 23 || minute > 59) return { bad: r.slice(h.index, h.text.length).trim() };
    r.consume(h);
    return { time: `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}` };
  }
  const at = r.find(/\b(?:at|around|by)\s+([^\s,.;]+(?:\s+(?:past|to|in)\s+[^\s,.;]+)*)/u);
  if (at && !/^(?:the|a)$/u.test(at.groups[0]!)) return { bad: r.slice(at.index, at.text.length) };
  return {};
}

function takeFormat(r: Reading): ScheduleFormat | null {
  if (
    r.take(
      /\b(?:(?:as|in)\s+)?(?:both(?:\s+formats)?|(?:pdf|excel|xlsx)\s+(?:and|&|\+)\s+(?:pdf|excel|xlsx)(?:\s+files?)?)\b/u,
    )
  ) return "both";
  if (r.take(/\b(?:(?:as|in)\s+(?:an?\s+|a\s+)?)?pdfs?(?:\s+files?)?\b/u)) return "pdf";
  if (
    r.take(/\b(?:(?:as|in)\s+(?:an?\s+)?)?(?:excel|xlsx|spreadsheet)(?:\s+(?:files?|sheets?))?\b/u)
  ) return "xlsx";
  return null;
}

const EMAIL = /[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+/gu;

/** The question with the consumed parts blanked out (the case of the rest kept). */
function remainder(r: Reading): string {
  return Array.from(r.text, (c, i) => c === " " ? " " : r.original[i]).join("");
}

async function readCreate(question: string, ctx: ParseContext): Promise<ScheduleRequest> {
  const r = new Reading(question);
  const recipients = r.takeAll(
    new RegExp(`(?:\\b(?:to|for|and|cc)\\s+)?(${EMAIL.source})`, "gu"),
  ).map((h) => h.groups[0]!.replace(/\.$/, ""));
  const recurrence = takeRecurrence(r);
  const time = takeTime(r);
  const format = takeFormat(r) ?? "xlsx";
  // The delivery words: the verbs, who it goes to, and the schedule's own nouns.
  r.takeAll(
    /\b(?:please|kindly|can\s+you|could\s+you|would\s+you|i\s+(?:want|would\s+like|need)(?:\s+to)?|set\s+up|create|make|add)\b/u,
  );
  r.takeAll(/\b(?:e-?mail(?:ed)?|mail|send|deliver(?:ed)?|schedul(?:e|ed|ing)|get|receive)\b/u);
  r.takeAll(/\b(?:(?:to|for)\s+)?(?:me|myself|my\s+inbox|the\s+inbox|inbox)\b/u);
  r.takeAll(/\b(?:an?\s+|the\s+)?(?:recurring|schedule|e-?mail|report)s?\b/u);
  r.takeAll(/\b(?:to|and|at|with|,|the|a|an|of)\s*$/u);
  const words = remainder(r);
  const parsed = await parseQuestion(words, { ...ctx, now: ctx.now });
  const account = accountFor(parsed, ctx.vocab);
  const intent = resolveStandalone(parsed);
  const reading = (unplaced: string[]) =>
    intent ? partialReading(intent, ctx, unplaced) : undefined;
  const unclear = (reason: string, unplaced: string[], ask: string): ScheduleRequest => {
    const understood = intent ? `I read the report as “${mdText(renderQuestion(intent))}”. ` : "";
    return {
      kind: "unclear",
      reason,
      unplaced,
      text: `I have not scheduled anything yet: ${ask}\n\n${understood}` +
        "Say it for example as “email me the agent performance report every Monday at 9”, " +
        "“send me missed calls every day at 8am as pdf” or " +
        "“schedule the abandonment rate by queue weekly on Fridays at 17:30 to ops@example.com”.",
      interpretation: reading(unplaced),
    };
  };
  if ("unsupported" in recurrence) {
    return unclear(
      `Cannot schedule “${recurrence.unsupported}”`,
      [recurrence.unsupported],
      `a schedule runs every day, on named weekdays, or on one day of each month, so I cannot ` +
        `run it “${mdText(recurrence.unsupported)}”.`,
    );
  }
  if (account.unplaced.length) {
    const w = account.unplaced.map((u) => u.text);
    return unclear(
      `Could not place ${w.map((x) => `“${x}”`).join(", ")}`,
      w,
      `I could not place ${andList(w.map((x) => `“${mdText(x)}”`))}.`,
    );
  }
  if (time.bad) {
    return unclear(
      `Cannot read the time “${time.bad}”`,
      [time.bad],
      `I cannot read the time “${mdText(time.bad)}”: say it as 9am, 17:30 or “at 9”.`,
    );
  }
  if (!intent) {
    return unclear(
      "No report was named",
      [],
      "which report should it send? For example agent performance, missed calls or the abandonment rate.",
    );
  }
  if (intent.comparePeriod) {
    return unclear(
      "A schedule sends one period",
      [intent.comparePeriod],
      `a scheduled report covers one period, so I cannot also compare with “${
        mdText(intent.comparePeriod)
      }”.`,
    );
  }
  const { kinds, weekdays, day } = recurrence;
  if (!kinds.size) {
    return unclear(
      "No recurrence was named",
      [],
      "how often? Every day, every Monday, or monthly.",
    );
  }
  if (kinds.size > 1 && !(kinds.size === 2 && kinds.has("monthly") && day !== undefined)) {
    if (!(kinds.has("weekly") && weekdays.length && kinds.size === 1)) {
      return unclear(
        "Two recurrences were named",
        [...kinds],
        `I read both ${andList([...kinds])}: say which one.`,
      );
    }
  }
  if (!time.time) {
    return unclear("No time was named", [], "at what time should it run (in the business zone)?");
  }
  let rec: Recurrence;
  let defaultPeriod: string;
  if (kinds.has("monthly")) {
    rec = { kind: "monthly", day: day ?? 1, time: time.time };
    defaultPeriod = "last month";
  } else if (kinds.has("weekly")) {
    rec = { kind: "weekly", weekdays: weekdays.length ? weekdays.sort() : [1], time: time.time };
    defaultPeriod = "last week";
  } else {
    rec = { kind: "daily", time: time.time };
    defaultPeriod = "yesterday";
  }
  if (rec.kind === "monthly" && (rec.day < 1 || rec.day > 31)) {
    return unclear(`No day ${rec.day} in a month`, [String(rec.day)], "which day of the month?");
  }
  const withPeriod: Intent = { ...intent, period: intent.period ?? defaultPeriod };
  return {
    kind: "create",
    intent: withPeriod,
    args: {
      report: { name: entryOf(withPeriod), params: { ...reportParams(withPeriod) } },
      recurrence: rec,
      format,
      recipients,
    },
  };
}

// ---------------------------------------------------------------------------------------
// Cancel

function readCancel(question: string): ScheduleRequest {
  const r = new Reading(question);
  const id = r.take(/\bs_[a-z0-9]+\b/u)?.text;
  const num = r.take(/\b(?:schedule|number|no\.?|#)\s*#?(\d{1,3})\b|^\s*\D*?\b(\d{1,3})\s*$/u);
  const number = num ? Number(num.groups[0] ?? num.groups[1]) : undefined;
  const time = takeTime(r).time;
  r.takeAll(CANCEL);
  r.takeAll(
    /\b(?:please|kindly|can|could|would|you|i|want|to|the|my|a|an|that|this|those|these|of|for|on|at|from|me|send(?:ing)?|sent|get(?:ting)?|receiv(?:e|ing)|schedul(?:e|es|ed|ing)|e-?mails?|mails?|reports?|deliver(?:y|ies)|recurring|subscriptions?|one|it|every|each|all)\b/u,
  );
  const words = r.words().map((w) => w.word.toLowerCase()).filter((w) => w.length > 0);
  return { kind: "cancel", id, number, time, words };
}

/** A schedule as the tools list it (see `scheduleSummary`). */
export interface ListedSchedule {
  number: number;
  id: string;
  title: string;
  report: { name: string; params: Record<string, unknown> };
  recurrence: Recurrence;
  recurrence_text: string;
  next_run_local: string | null;
  first_period?: string | null;
  period: string | null;
  format: ScheduleFormat;
  delivered_to: string;
}

function descriptor(s: ListedSchedule): string {
  const parts = [
    s.title,
    s.report.name.replaceAll("_", " "),
    s.recurrence_text,
    s.recurrence.kind,
    s.recurrence.kind === "daily" ? "day" : s.recurrence.kind === "monthly" ? "month" : "week",
    s.format === "xlsx" ? "excel xlsx" : s.format === "both" ? "pdf excel xlsx both" : "pdf",
    s.delivered_to,
    s.period ?? "",
    ...Object.values(s.report.params).map((v) => (Array.isArray(v) ? v.join(" ") : String(v))),
  ];
  return ` ${parts.join(" ").toLowerCase().replace(/[_,()]/g, " ")} `;
}

function wordMatches(desc: string, w: string): boolean {
  const forms = [w, w.replace(/s$/u, ""), w.replace(/'s$/u, "")];
  if (weekdayOf(w)) forms.push(WEEKDAY_NAMES[weekdayOf(w) - 1].toLowerCase());
  return forms.some((f) => f.length > 1 && desc.includes(` ${f}`));
}

/** The schedules a cancel request names (all of them when it names none). */
export function matchSchedules(
  req: Extract<ScheduleRequest, { kind: "cancel" }>,
  list: ListedSchedule[],
): ListedSchedule[] {
  if (req.id) return list.filter((s) => s.id === req.id);
  if (req.number !== undefined) return list.filter((s) => s.number === req.number);
  return list.filter((s) =>
    (!req.time || s.recurrence.time === req.time) &&
    req.words.every((w) => wordMatches(descriptor(s), w))
  );
}

// ---------------------------------------------------------------------------------------
// Answers

/** One schedule in a line: "**Agent performance** — every Monday at 09:00 (…), next …". */
export function scheduleLine(s: ListedSchedule): string {
  const filters = filterWords(s.report.params);
  return `**${mdText(s.title)}**${s.period ? `, ${mdText(s.period)}` : ""}` +
    `${filters ? ` (${filters})` : ""} — ${s.recurrence_text}` +
    `${s.next_run_local ? `, next ${s.next_run_local}` : ""}; ${formatWords(s.format)} to ` +
    `${mdText(s.delivered_to)}`;
}

function filterWords(params: Record<string, unknown>): string {
  const out: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (k === "period" || v === undefined || v === null) continue;
    if (k === "group_by") {
      out.push(`by ${String(v)}`);
      continue;
    }
    const value = Array.isArray(v) ? v.join(" or ") : typeof v === "object" ? "set" : String(v);
    out.push(`${k.replaceAll("_", " ")}: ${value}`);
  }
  return out.join(", ");
}

function formatWords(f: ScheduleFormat): string {
  return f === "xlsx" ? "Excel (xlsx)" : f === "pdf" ? "PDF" : "PDF and Excel";
}

/** The answer to a created schedule. */
export function createdAnswer(s: ListedSchedule): string {
  const filters = filterWords(s.report.params);
  return [
    `Scheduled: **${mdText(s.title)}**.`,
    "",
    `- Report: ${mdText(s.title)} for ${mdText(s.period ?? "all data")}, read at each run` +
    (s.first_period ? ` (the first run covers ${mdText(s.first_period)})` : ""),
    `- Filters: ${filters ? mdText(filters) : "none"}`,
    `- When: ${s.recurrence_text}` +
    (s.next_run_local ? `; next run ${s.next_run_local}` : ""),
    `- Format: ${formatWords(s.format)}`,
    `- To: ${mdText(s.delivered_to)}`,
    "",
    `To stop it, ask “cancel schedule ${s.number}” or use the Schedules page.`,
  ].join("\n");
}

/** The answer listing the user's schedules. */
export function listAnswer(list: ListedSchedule[]): string {
  if (!list.length) {
    return "You have no scheduled reports. Ask for example “email me the agent performance " +
      "report every Monday at 9”.";
  }
  return [
    list.length === 1
      ? "You have 1 scheduled report:"
      : `You have ${list.length} scheduled reports:`,
    "",
    ...list.map((s) => `${s.number}. ${scheduleLine(s)}`),
    "",
    "To stop one, ask “cancel schedule N”.",
  ].join("\n");
}

/** The answer to a cancelled schedule. */
export function cancelledAnswer(s: ListedSchedule): string {
  return `Cancelled **${mdText(s.title)}** (${s.recurrence_text}, ${formatWords(s.format)} to ` +
    `${mdText(s.delivered_to)}): it will not run again.`;
}

/** The question asked back when a cancel request names none or several schedules. */
export function whichScheduleAnswer(
  req: Extract<ScheduleRequest, { kind: "cancel" }>,
  matches: ListedSchedule[],
  list: ListedSchedule[],
): string {
  if (!list.length) return "You have no scheduled reports, so there is nothing to cancel.";
  const shown = matches.length > 1 ? matches : list;
  const named = [...req.words, ...(req.time ? [req.time] : [])];
  const head = matches.length > 1
    ? `Several schedules match${named.length ? ` “${mdText(named.join(" "))}”` : ""}:` +
      " which one should I cancel?"
    : `No schedule matches${
      named.length || req.number !== undefined || req.id
        ? ` “${mdText(req.id ?? (req.number !== undefined ? `#${req.number}` : named.join(" ")))}”`
        : ""
    }. Your schedules:`;
  return [
    head,
    "",
    ...shown.map((s) => `${s.number}. ${scheduleLine(s)}`),
    "",
    "Say “cancel schedule N” with its number.",
  ].join("\n");
}
