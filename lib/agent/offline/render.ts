/**
 * Writes an {@link Intent} back as one standalone English question, the form the
 * supervisor hands to the data agent ("And outgoing?" → "How many outgoing calls
 * yesterday?"). Reading the rendered question gives the same intent back.
 */
import type { CallStatus, Dimension, DurationRange, TimeOfDay } from "../../reports/types.ts";
import type { Filters, Intent } from "./intent.ts";

const STATUS_WORD: Record<CallStatus, string> = {
  answered: "answered",
  missed: "missed",
  failed: "failed",
  busy: "busy",
  no_answer: "no-answer",
};

/** Dimensions in words, singular and plural. */
export const DIM_NAME: Record<Dimension, [string, string]> = {
  agent: ["agent", "agents"],
  queue: ["queue", "queues"],
  status: ["status", "statuses"],
  direction: ["direction", "directions"],
  disposition: ["disposition", "dispositions"],
  day: ["day", "days"],
  hour: ["hour", "hours"],
  weekday: ["weekday", "weekdays"],
  customer: ["customer", "customers"],
  city: ["city", "cities"],
  segment: ["segment", "segments"],
};

function orList(xs: string[]): string {
  if (xs.length <= 1) return xs.join("");
  return `${xs.slice(0, -1).join(", ")} or ${xs[xs.length - 1]}`;
}

/** "missed incoming calls in the billing queue for agent priya". */
export function callsPhrase(f: Filters, opts: { compare?: Intent["compare"] } = {}): string {
  const adj: string[] = [];
  const cmp = opts.compare;
  if (cmp?.dim === "status") adj.push(cmp.values.map((s) => statusWord(s)).join(" vs "));
  else if (f.status?.length) adj.push(orList(f.status.map((s) => STATUS_WORD[s])));
  if (cmp?.dim === "direction") adj.push(cmp.values.join(" vs "));
  else if (f.direction) adj.push(f.direction);
  const parts = [[...adj, "calls"].join(" ")];
  if (cmp?.dim === "queue") parts.push(`in the ${cmp.values.join(" vs ")} queues`);
  else if (f.queue) parts.push(`in the ${names(f.queue)} queue${many(f.queue)}`);
  if (cmp?.dim === "agent") parts.push(`of ${cmp.values.map((a) => `agent ${a}`).join(" vs ")}`);
  else if (f.agent) parts.push(`for agent${many(f.agent)} ${names(f.agent)}`);
  if (f.customer) parts.push(`with customer ${f.customer}`);
  if (cmp?.dim === "disposition") {
    parts.push(`with ${cmp.values.map((d) => `disposition ${d}`).join(" vs ")}`);
  } else if (f.disposition) parts.push(`with disposition ${names(f.disposition)}`);
  if (cmp?.dim === "city") parts.push(`from customers in ${cmp.values.join(" vs ")}`);
  else if (f.city) parts.push(`from customers in ${names(f.city)}`);
  if (cmp?.dim === "segment") {
    parts.push(`from ${cmp.values.map((s) => `${s} customers`).join(" vs ")}`);
  } else if (f.segment) parts.push(`from ${names(f.segment)} customers`);
  if (f.duration) parts.push(durationPhrase(f.duration));
  if (f.time_of_day) parts.push(timeOfDayPhrase(f.time_of_day));
  return parts.join(" ");
}

/** One name, or several as "a, b or c" (filters that take a list). */
function names(v: string | string[]): string {
  return Array.isArray(v) ? orList(v) : v;
}

function many(v: string | string[]): string {
  return Array.isArray(v) && v.length > 1 ? "s" : "";
}

/** "between 14:00 and 16:00", "after 18:00", "before 09:00" (each day of the period). */
export function timeOfDayPhrase(t: TimeOfDay): string {
  if (t.to === "24:00") return `after ${t.from}`;
  if (t.from === "00:00") return `before ${t.to}`;
  return `between ${t.from} and ${t.to}`;
}

/** "lasting longer than 10 minutes", "lasting between 1 minutes and 3 minutes". */
export function durationPhrase(d: DurationRange): string {
  if (d.gte !== undefined && d.lte !== undefined) {
    return `lasting between ${amount(d.gte)} and ${amount(d.lte)}`;
  }
  const parts: string[] = [];
  if (d.gt !== undefined) parts.push(`longer than ${amount(d.gt)}`);
  if (d.gte !== undefined) parts.push(`at least ${amount(d.gte)} long`);
  if (d.lt !== undefined) parts.push(`shorter than ${amount(d.lt)}`);
  if (d.lte !== undefined) parts.push(`at most ${amount(d.lte)} long`);
  return `lasting ${parts.join(" and ")}`;
}

function amount(seconds: number): string {
  const say = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (seconds > 0 && seconds % 3600 === 0) return say(seconds / 3600, "hour");
  if (seconds > 0 && seconds % 60 === 0) return say(seconds / 60, "minute");
  return say(seconds, "second");
}

function statusWord(s: string): string {
  return STATUS_WORD[s as CallStatus] ?? s;
}

/** Qualifiers without the word "calls" ("for agent priya in the billing queue"). */
function qualifiers(f: Filters, compare?: Intent["compare"]): string {
  const p = callsPhrase(f, { compare });
  const adjectives = p.slice(0, p.indexOf("calls")).trim();
  const rest = p.slice(p.indexOf("calls") + "calls".length).trim();
  const of = adjectives ? `of ${adjectives} calls` : "";
  return [of, rest].filter(Boolean).join(" ");
}

function periodPhrase(i: Intent): string {
  if (!i.period) return i.comparePeriod ? i.comparePeriod : "";
  return i.comparePeriod ? `${i.period} vs ${i.comparePeriod}` : i.period;
}

function join(...parts: (string | undefined | false)[]): string {
  return parts.filter((x) => x && x.trim()).join(" ").replace(/\s+/g, " ").trim();
}

function dimWord(d: Dimension, plural = false): string {
  return DIM_NAME[d][plural ? 1 : 0];
}

/** The standalone question for an intent. */
export function renderQuestion(i: Intent): string {
  const f = i.filters;
  const period = periodPhrase(i);
  const calls = callsPhrase(f, { compare: i.compare });
  const q = qualifiers(f, i.compare);
  const per = i.groupBy && !i.rank ? `per ${dimWord(i.groupBy)}` : "";
  const most = i.rank?.order === "min" ? "fewest" : "most";
  const highest = i.rank?.order === "min" ? "lowest" : "highest";
  const whichDim = i.groupBy
    ? (i.limit ? `Which ${i.limit} ${dimWord(i.groupBy, true)}` : `Which ${dimWord(i.groupBy)}`)
    : "Which";
  let s: string;
  switch (i.metric) {
    case "count":
      s = i.per
        ? `${join("What is the average number of", calls, `per ${i.per}`, period)}?`
        : `${join("How many", calls, period)}?`;
      break;
    case "list":
      s = i.excel
        ? join("Export", calls, period, "to Excel")
        : join("List", calls, i.limit ? `(first ${i.limit})` : "", period);
      return s;
    case "breakdown":
      if (i.compare) s = `${join("Compare", calls, period)}`;
      else if (i.rank && i.groupBy) s = `${join(whichDim, "had the", most, calls, period)}?`;
      else s = `${join("How many", calls, per, period)}?`;
      break;
    case "agent_performance":
      if (i.focus === "aht") {
        s = i.rank
          ? `${join(whichAgents(i), "had the", highest, "average handle time", q, period)}?`
          : `${join("What is the average handle time", q, per, period)}?`;
      } else if (i.focus === "hold" || i.focus === "wrap") {
        const name = i.focus === "hold" ? "average hold time" : "average wrap-up time";
        s = i.rank
          ? `${join(whichAgents(i), "had the", highest, name, q, period)}?`
          : `${join("What is the", name, q, i.filters.agent ? "" : "per agent", period)}?`;
      } else if (i.focus === "talk") {
        s = `${join("Which agent had the", highest, "total talk time", q, period)}?`;
      } else if (i.rank) {
        s = `${join(whichAgents(i), "handled the", most, calls, period)}?`;
      } else {
        s = join("Show agent performance", q, period);
      }
      break;
    case "duration": {
      const what = i.focus === "max"
        ? "What was the longest call"
        : i.focus === "min"
        ? "What was the shortest call"
        : i.focus === "avg"
        ? "What is the average call duration"
        : "Show call duration statistics";
      const extreme = i.focus === "max"
        ? "longest call"
        : i.focus === "min"
        ? "shortest call"
        : `${highest} average call duration`;
      s = i.rank && i.groupBy
        ? `${join(whichDim, "had the", extreme, q, period)}?`
        : join(what, q, per, period) + (what.startsWith("Show") ? "" : "?");
      break;
    }
    case "handle_time": {
      const name = i.focus === "hold"
        ? "average hold time"
        : i.focus === "wrap"
        ? "average wrap-up time"
        : "average handle time";
      if (i.compare) s = join("Compare the", name, q, period);
      else if (i.rank && i.groupBy) s = `${join(whichDim, "had the", highest, name, q, period)}?`;
      else s = `${join("What is the", name, q, per, period)}?`;
      break;
    }
    case "talk_time": {
      const which = i.focus === "avg" ? "average talk time" : "total talk time";
      s = i.rank && i.groupBy
        ? `${join(whichDim, "had the", highest, which, q, period)}?`
        : `${join("What is the", which, q, per, period)}?`;
      break;
    }
    case "abandonment":
    case "service_level":
    case "asa":
    case "answer_rate":
    case "unique_customers": {
      const name = kpiName(i);
      s = i.rank && i.groupBy
        ? `${join(whichDim, "had the", highest, name, q, period)}?`
        : i.metric === "unique_customers"
        ? `${join("How many unique customers", uniqueVerb(i), per, period)}?`
        : `${join("What is the", name, q, per, period)}?`;
      if (i.compare) s = join("Compare the", name, q, period);
      break;
    }
    case "share":
      s = `${join(shareQuestion(i), per, period)}?`;
      break;
    case "top_customers":
      s = `${join(`Who are the top ${i.limit ?? 10} customers by number of`, calls, period)}?`;
      break;
  }
  if (i.excel) s = `${s} (export to Excel)`;
  return s;
}

function whichAgents(i: Intent): string {
  return i.limit && i.limit > 1 ? `Which ${i.limit} agents` : "Which agent";
}

function kpiName(i: Intent): string {
  switch (i.metric) {
    case "abandonment":
      return "abandonment rate";
    case "service_level":
      return i.threshold !== undefined
        ? `service level within ${i.threshold} seconds`
        : "service level";
    case "asa":
      return "average speed of answer";
    case "answer_rate":
      return "answer rate";
    default:
      return "number of unique customers";
  }
}

function uniqueVerb(i: Intent): string {
  const f = { ...i.filters };
  const where: string[] = [];
  if (f.segment) where.push(`from the ${f.segment} segment`);
  if (f.city) where.push(`in ${f.city}`);
  delete f.segment;
  delete f.city;
  if (f.direction === "incoming") {
    delete f.direction;
    const rest = callsPhrase(f, { compare: i.compare });
    const extra = rest === "calls" ? "" : `with ${rest}`;
    return join(...where, "called us", extra);
  }
  return join(...where, "had", callsPhrase(f, { compare: i.compare }));
}

function shareQuestion(i: Intent): string {
  const sh = i.share!;
  const q = qualifiers(i.filters);
  switch (sh.dim) {
    case "status":
      return join(
        `What is the ${sh.value === "failed" ? "failure" : statusWord(sh.value)} rate`,
        q,
      );
    case "direction":
      return join("What percentage of", callsPhrase(i.filters), `are ${sh.value}`);
    case "queue":
      return join("What percentage of", callsPhrase(i.filters), `are in the ${sh.value} queue`);
    case "agent":
      return join("What percentage of", callsPhrase(i.filters), `are for agent ${sh.value}`);
    case "disposition":
      return join("What percentage of", callsPhrase(i.filters), `have disposition ${sh.value}`);
    case "city":
      return join(
        "What percentage of",
        callsPhrase(i.filters),
        `are from customers in ${sh.value}`,
      );
    case "segment":
      return join("What percentage of", callsPhrase(i.filters), `are from ${sh.value} customers`);
    default:
      return join("What percentage of", callsPhrase(i.filters), `have ${sh.dim} ${sh.value}`);
  }
}
