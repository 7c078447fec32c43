/**
 * Writes the data agent's answer from tool results: the headline figure in bold with
 * its period and filters, rates as percentages, durations in seconds and m:ss, a
 * sentence about the top and bottom groups of a breakdown. Every number comes from a
 * tool result; the full tables reach the user separately, as table events.
 */
import { fmtAgents } from "./answer_agents.ts";
import { fmtDuration, fmtHandle, fmtTalk, fmtValue, KPI, kpiFormatter } from "./answer_kpi.ts";
import { andList, fmtInt, fmtNum, fmtPct, fmtSeconds, mdText, plural, toNumber } from "./format.ts";
import { resolvePeriod } from "../../time/periods.ts";
import { daysBetween, localDate } from "../../time/zone.ts";
import type { Intent } from "./intent.ts";
import {
  bold,
  cell,
  complete,
  describeCalls,
  dimName,
  extreme,
  figure,
  type Fmt,
  groups,
  keyText,
  periodPhrase,
  rankedBy,
  readReport,
  type ReportView,
  sentence,
  soFar,
  sortGroups,
  tiedKeys,
  tiedNames,
  type ToolOutcome,
} from "./report_view.ts";

export { periodPhrase, readReport, type ReportView, type ToolOutcome } from "./report_view.ts";

// ---------------------------------------------------------------------------------------
// Formatters per catalog entry

/** "missed calls in the billing queue", or "missed call …" when there is one. */
function callsWord(n: number, what: string): string {
  return n === 1 ? what.replace(/\bcalls\b/u, "call") : what;
}

const fmtCount: Fmt = (i, v) => {
  const n = figure(v, "calls") ?? 0;
  const what = callsWord(n, describeCalls(i.filters));
  const lines = [sentence(`${bold(fmtInt(n))} ${what} ${periodPhrase(v.period)}.`)];
  const parts: string[] = [];
  const inc = figure(v, "incoming");
  const out = figure(v, "outgoing");
  if (!i.filters.direction && inc && out && n > 0) {
    parts.push(`${fmtInt(inc)} incoming and ${fmtInt(out)} outgoing`);
  }
  const st = i.filters.status;
  if (!st?.length && n > 0) {
    const s: string[] = [];
    for (const key of ["answered", "missed", "failed"]) {
      const x = figure(v, key);
      if (x) s.push(`${fmtInt(x)} ${key}`);
    }
    if (s.length) parts.push(andList(s));
  }
  if (parts.length) lines.push(sentence(`Of these: ${parts.join("; ")}.`));
  return lines.join(" ");
};

const fmtList: Fmt = (i, v) => {
  const what = describeCalls(i.filters);
  if (v.total === 0) return sentence(`No ${what} ${periodPhrase(v.period)}.`);
  let s = sentence(
    `${bold(fmtInt(v.total))} ${callsWord(v.total, what)} ${periodPhrase(v.period)}.`,
  );
  if (v.total > v.rows.length && !i.excel) {
    s += ` The table lists them by start time, a page at a time (sort by any column); ` +
      `ask to export them to Excel for all ${fmtInt(v.total)} in a file.`;
  }
  return s;
};

const fmtBreakdown: Fmt = (i, v) => {
  const dim = i.groupBy;
  const gs = groups(v, "calls");
  const what = describeCalls(i.filters);
  const when = periodPhrase(v.period);
  const total = figure(v, "calls") ?? gs.reduce((a, g) => a + g.value, 0);
  if (!gs.length || total === 0) return sentence(`No ${what} ${when}.`);
  // Comparisons: the named values side by side.
  if (i.compare) {
    const wanted = i.compare.values.map((x) => mdText(x).toLowerCase());
    const named = wanted.map((w) => gs.find((g) => g.key.toLowerCase() === w) ?? null);
    const parts = named.map((g, k) =>
      `${bold(fmtInt(g?.value ?? 0))} ${mdText(i.compare!.values[k])}`
    );
    const whatNoCompare = describeCalls(i.filters);
    let s = sentence(`${when}: ${andList(parts)} ${whatNoCompare}.`);
    const sum = named.reduce((a, g) => a + (g?.value ?? 0), 0);
    if (named.length === 2 && named[0] && named[1] && named[1].value > 0) {
      const diff = named[0].value - named[1].value;
      const pct = (diff / named[1].value) * 100;
      s += ` That is ${fmtInt(Math.abs(diff))} ${diff >= 0 ? "more" : "fewer"} ${
        i.compare.values[0]
      } (${pct >= 0 ? "+" : "−"}${Math.abs(pct).toFixed(1)}%), ${fmtInt(sum)} in total.`;
    }
    return s;
  }
  const topKey = v.summary.top_key;
  const topCalls = toNumber(v.summary.top_calls);
  const botKey = v.summary.bottom_key;
  const botCalls = toNumber(v.summary.bottom_calls);
  let top = topCalls !== null ? { key: keyText(topKey), value: topCalls } : extreme(gs, "max");
  let bottom = botCalls !== null ? { key: keyText(botKey), value: botCalls } : extreme(gs, "min");
  let nGroups = toNumber(v.summary.groups) ?? v.total;
  let leftOut = "";
  const noGroup = dim ? NO_GROUP[dim] : undefined;
  // The groups a ranking is among (calls in no group are not one).
  const ranked = noGroup ? gs.filter((g) => !noGroup.keys.has(g.key)) : gs;
  if (noGroup) {
    // Calls with no agent, or no known customer's city or segment, are no group: ranked
    // without them, and said. Rows come most calls first, so the top group is among them.
    const unknown = gs.filter((g) => noGroup.keys.has(g.key)).reduce((a, g) => a + g.value, 0);
    if (unknown) {
      top = extreme(ranked, "max");
      if (complete(v)) bottom = extreme(ranked, "min");
      nGroups -= 1;
      leftOut = ` ${fmtInt(unknown)} ${plural(unknown, "call").replace(/^[\d,]+ /, "")} ` +
        `${noGroup.what} ${unknown === 1 ? "is" : "are"} left out.`;
      // Every call is in no group ("which agents were the missed calls for?"): said so.
      if (ranked.length === 0 && complete(v)) {
        return sentence(`${bold(fmtInt(total))} ${what} ${when}, all ${noGroup.what}.`);
      }
    }
  }
  if (i.rank) {
    const g = i.rank.order === "max" ? top : bottom;
    if (!g) return sentence(`No ${what} ${when}.`);
    const timeDim = dim === "hour" || dim === "day" || dim === "weekday";
    // Rows seen here are the first ones in the table's order: a list is sound only when
    // all rows are here, or the table is sorted by calls and the most are asked for.
    const listable = complete(v) || (!timeDim && i.rank.order === "max") ||
      rankedBy(v, "calls", i.rank.order);
    if (i.limit && i.limit > 1 && !listable) {
      return sentence(
        `The ${i.rank.order === "max" ? "top" : "bottom"} ${dimName(dim)} ${when} was ${
          bold(g.key)
        } with ${bold(fmtInt(g.value))} ${what}; the table lists all ${
          plural(nGroups, dimName(dim), dimName(dim, 2))
        }.`,
      );
    }
    if (i.limit && i.limit > 1) {
      const list = sortGroups(gs, i.rank.order).slice(0, i.limit);
      const head = `${i.rank.order === "max" ? "Top" : "Bottom"} ${list.length} ${
        dimName(dim, list.length)
      } by ${what} ${when}:`;
      return [
        sentence(head),
        ...list.map((x, k) =>
          `${k + 1}. ${bold(x.key)}: ${plural(x.value, "call")}${soFar(v, x.key)}`
        ),
      ].join("\n");
    }
    const tie = tiedKeys(v, ranked, g, {
      order: i.rank.order,
      valueKey: "calls",
    });
    if (tie.keys.length > 1) {
      const which = timeDim
        ? (i.rank.order === "max" ? "busiest" : "quietest")
        : `with the ${i.rank.order === "max" ? "most" : "fewest"} ${what}`;
      return sentence(
        `The ${dimName(dim, 2)} ${timeDim ? `${which} ${when}` : `${which} ${when}`} were ${
          tiedNames(tie)
        }, tied with ${bold(fmtInt(g.value))}${timeDim ? ` ${what}` : ""} each (out of ${
          fmtInt(total)
        } across ${plural(nGroups, dimName(dim), dimName(dim, 2))}).`,
      ) + leftOut;
    }
    if (!timeDim) {
      return leftOut.trim()
        ? sentence(
          `The ${dimName(dim)} with the ${
            i.rank.order === "max" ? "most" : "fewest"
          } ${what} ${when} was ${bold(g.key)}, with ${bold(fmtInt(g.value))} (out of ${
            fmtInt(total)
          } calls).`,
        ) + leftOut
        : sentence(
          `The ${dimName(dim)} with the ${
            i.rank.order === "max" ? "most" : "fewest"
          } ${what} ${when} was ${bold(g.key)}, with ${bold(fmtInt(g.value))} (out of ${
            fmtInt(total)
          } across ${plural(nGroups, dimName(dim), dimName(dim, 2))}).`,
        );
    }
    const adjective = i.rank.order === "max" ? "busiest" : "quietest";
    return sentence(
      `The ${adjective} ${dimName(dim)} ${when} was ${bold(g.key)} with ${
        bold(fmtInt(g.value))
      } ${what}${soFar(v, g.key)}` +
        ` (out of ${fmtInt(total)} across ${plural(nGroups, dimName(dim), dimName(dim, 2))}).`,
    );
  }
  let s = sentence(
    `${bold(fmtInt(total))} ${what} ${when} across ${
      plural(nGroups, dimName(dim), dimName(dim, 2))
    }.`,
  );
  if (gs.length <= 8 && complete(v) && dim !== "hour") {
    s += ` By ${dimName(dim)}: ${
      gs.map((g) => `${g.key} ${fmtInt(g.value)}${soFar(v, g.key)}`).join("; ")
    }.`;
  }
  if (top && bottom && nGroups > 1) {
    const most = dim === "hour" || dim === "day" || dim === "weekday" ? "Busiest" : "Most";
    const least = dim === "hour" || dim === "day" || dim === "weekday" ? "quietest" : "fewest";
    const end = (g: { key: string; value: number }, order: "max" | "min") => {
      const tie = tiedKeys(v, ranked, g, { order, valueKey: "calls" });
      return tie.keys.length > 1
        ? `${tiedNames(tie)} (${fmtInt(g.value)} each)`
        : `${bold(g.key)} (${fmtInt(g.value)}${soFar(v, g.key)})`;
    };
    s += ` ${most}: ${end(top, "max")}; ${least}: ${end(bottom, "min")}.`;
  }
  return s + leftOut;
};

const fmtShare: Fmt = (i, v) => {
  const sh = i.share!;
  const gs = groups(v, "calls");
  const total = figure(v, "calls") ?? gs.reduce((a, g) => a + g.value, 0);
  const what = describeCalls(i.filters);
  const when = periodPhrase(v.period);
  if (!total) return sentence(`No ${what} ${when}.`);
  const want = mdText(sh.value).toLowerCase();
  const g = gs.find((x) => x.key.toLowerCase() === want);
  const n = g?.value ?? 0;
  const label = sh.dim === "status"
    ? `${sh.value === "failed" ? "Failure" : sh.value.replace("_", "-")} rate`
    : `Share of ${sh.dim} ${sh.value}`;
  const note = !g && !complete(v) ? " (not among the groups returned)" : "";
  return sentence(
    `${label} of ${what} ${when}: ${bold(fmtPct((n / total) * 100))} — ${fmtInt(n)} of ${
      plural(total, "call")
    }${note}.`,
  );
};

const fmtTop: Fmt = (i, v) => {
  const when = periodPhrase(v.period);
  const what = describeCalls(i.filters);
  if (!v.rows.length) return sentence(`No ${what} ${when}.`);
  const lines = [
    sentence(`Top ${plural(v.rows.length, "customer")} by number of ${what} ${when}:`),
  ];
  v.rows.forEach((row, k) => {
    const num = keyText(cell(v, row, "customer_number"));
    const name = cell(v, row, "customer_name");
    const calls = toNumber(cell(v, row, "calls")) ?? 0;
    const named = name ? ` (${name})` : "";
    lines.push(`${k + 1}. ${bold(num)}${named}: ${plural(calls, "call")}`);
  });
  return lines.join("\n");
};

const FORMATTERS: Record<string, Fmt> = {
  call_count: fmtCount,
  call_list: fmtList,
  call_breakdown: (i, v) => i.metric === "share" && i.share ? fmtShare(i, v) : fmtBreakdown(i, v),
  agent_performance: fmtAgents,
  duration_stats: fmtDuration,
  talk_time: fmtTalk,
  handle_time: fmtHandle,
  abandonment_rate: kpiFormatter("abandonment_rate"),
  service_level: kpiFormatter("service_level"),
  speed_of_answer: kpiFormatter("speed_of_answer"),
  answer_rate: kpiFormatter("answer_rate"),
  unique_customers: kpiFormatter("unique_customers"),
  top_customers: fmtTop,
};

/** The headline figure of a result, for period comparisons. */
function headline(v: ReportView): { value: number; text: string } | null {
  const spec = KPI[v.name];
  if (v.name === "call_count" || v.name === "call_breakdown") {
    const n = figure(v, "calls");
    return n === null ? null : { value: n, text: fmtInt(n) };
  }
  if (v.name === "call_list") return { value: v.total, text: fmtInt(v.total) };
  if (v.name === "agent_performance") {
    const n = figure(v, "aht_seconds");
    return n === null ? null : { value: n, text: `AHT ${fmtSeconds(n)}` };
  }
  if (spec) {
    const n = figure(v, spec.value);
    return n === null ? null : { value: n, text: fmtValue(spec.kind, n) };
  }
  return null;
}

function comparePeriods(i: Intent, a: ReportView, b: ReportView): string {
  const fmt = FORMATTERS[a.name];
  const parts = [fmt ? fmt(i, a) : "", fmt ? fmt(i, b) : ""].filter(Boolean);
  const ha = headline(a);
  const hb = headline(b);
  if (ha && hb) {
    const diff = ha.value - hb.value;
    const pct = hb.value
      ? ` (${diff >= 0 ? "+" : "−"}${Math.abs((diff / hb.value) * 100).toFixed(1)}%)`
      : "";
    const counts = COUNTED.has(a.name) && COUNTED.has(b.name);
    const by = counts && diff !== 0
      ? `: ${fmtInt(Math.abs(diff))} ${diff > 0 ? "more" : "fewer"}`
      : counts
      ? ": the same number"
      : "";
    parts.push(
      sentence(
        `Compared: ${bold(ha.text)} ${periodPhrase(a.period)} vs ${bold(hb.text)} ${
          periodPhrase(b.period)
        }${pct}${by}.`,
      ),
    );
  }
  return parts.join("\n\n");
}

/** What averages per unit need to count the units of a period. */
export interface AnswerContext {
  tz: string;
  now: Date;
}

/** Units an average is taken over: days, hours or weeks of the period, or agents. */
function perUnits(i: Intent, v: ReportView, ctx: AnswerContext): { n: number; word: string } {
  const gs = groups(v, "calls");
  if (i.per === "agent") {
    const n = gs.filter((g) => g.key !== "(none)").length;
    return { n, word: "agent" };
  }
  let days: number;
  let hours: number;
  const period = i.period ? resolvePeriod(i.period, { tz: ctx.tz, now: ctx.now }) : null;
  if (period) {
    const last = new Date(Math.max(period.start.getTime(), period.end.getTime() - 1));
    days = daysBetween(localDate(period.start, ctx.tz), localDate(last, ctx.tz)) + 1;
    hours = (period.end.getTime() - period.start.getTime()) / 3_600_000;
  } else {
    const keys = gs.map((g) => g.key).filter((k) => /^\d{4}-\d{2}-\d{2}$/.test(k)).sort();
    const civil = (k: string) => {
      const [year, month, day] = k.split("-").map(Number);
      return { year, month, day };
    };
    days = keys.length ? daysBetween(civil(keys[0]), civil(keys[keys.length - 1])) + 1 : 0;
    hours = days * 24;
  }
  if (i.per === "hour") return { n: hours, word: "hour" };
  if (i.per === "week") return { n: days / 7, word: "week" };
  return { n: days, word: "day" };
}

function fmtPer(i: Intent, v: ReportView, ctx: AnswerContext): string {
  const gs = groups(v, "calls");
  const what = describeCalls(i.filters);
  const when = periodPhrase(v.period);
  const units = perUnits(i, v, ctx);
  const total = i.per === "agent"
    ? gs.filter((g) => g.key !== "(none)").reduce((a, g) => a + g.value, 0)
    : figure(v, "calls") ?? gs.reduce((a, g) => a + g.value, 0);
  if (!units.n) return sentence(`No ${what} ${when}.`);
  const avg = total / units.n;
  const over = units.word === "hour"
    ? `${fmtNum(units.n, 1)} hours`
    : units.word === "week"
    ? `${fmtNum(units.n, 2)} weeks`
    : plural(units.n, units.word);
  const note = i.per === "agent" ? " (calls with no agent, such as missed ones, left out)" : "";
  return sentence(
    `On average ${bold(fmtNum(avg, 2))} ${what} per ${units.word} ${when}: ${
      fmtInt(total)
    } ${what} over ${over}${note}.`,
  );
}

/** Entries whose headline is a number of calls (their difference is a count too). */
const COUNTED: ReadonlySet<string> = new Set(["call_count", "call_breakdown", "call_list"]);

/** Group keys of calls whose customer has no city or segment on record. */
const UNKNOWN_KEYS: ReadonlySet<string> = new Set(["(unknown)", "(none)", "unknown"]);

/** Groups that are no group of their dimension, and how the calls in them are said. */
const NO_GROUP: Partial<Record<string, { keys: ReadonlySet<string>; what: string }>> = {
  city: { keys: UNKNOWN_KEYS, what: "with no known customer city" },
  segment: { keys: UNKNOWN_KEYS, what: "with no known customer segment" },
  agent: { keys: new Set(["(no agent)"]), what: "with no agent" },
};

/** The answer for an intent from the data agent's tool outcomes. */
export function composeAnswer(
  i: Intent,
  outcomes: ToolOutcome[],
  ctx: AnswerContext = { tz: "UTC", now: new Date() },
): string {
  const failures = outcomes.filter((o) => !o.ok);
  const runs = outcomes.filter((o) => o.ok && o.tool === "run_report");
  const excel = outcomes.filter((o) => o.ok && o.tool === "make_excel_report");
  const parts: string[] = [];
  if (i.comparePeriod && runs.length >= 2) {
    parts.push(comparePeriods(i, readReport(runs[0]), readReport(runs[1])));
  } else {
    const main = runs[0] ?? excel[0];
    if (main) {
      const v = readReport(main);
      const fmt = FORMATTERS[v.name];
      if (i.per && v.name === "call_breakdown") parts.push(fmtPer(i, v, ctx));
      else parts.push(fmt ? fmt(i, v) : genericAnswer(v));
    }
  }
  for (const x of excel) {
    const r = x.result;
    // The file's row count; `rows` is the preview (an array), never a count.
    const rows = toNumber(r.rows_in_file) ?? toNumber(r.total_rows);
    const title = typeof r.title === "string" ? r.title : "Report";
    const file = typeof r.file_name === "string" ? ` (${r.file_name})` : "";
    parts.push(
      `The Excel report ${bold(title)}${file} is ready` +
        (rows !== null ? ` with ${plural(rows, "row")}` : "") +
        ": use the download button below.",
    );
  }
  for (const f of failures) {
    parts.push(
      `I could not run ${f.tool === "make_excel_report" ? "the Excel report" : "the report"}: ${
        f.error ?? "unknown error"
      }.`,
    );
  }
  if (!parts.length) return "I could not get an answer from the data.";
  return parts.join("\n\n");
}

function genericAnswer(v: ReportView): string {
  return sentence(`${v.title} ${periodPhrase(v.period)}: ${plural(v.total, "row")}.`);
}
