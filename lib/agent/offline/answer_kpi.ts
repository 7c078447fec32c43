/**
 * Answers from the KPI reports (abandonment rate, service level, speed of answer, answer
 * rate, unique customers, duration statistics, talk time, handle time), overall or per
 * group. The groups with the highest and lowest KPI come from the summary's leaders
 * (`top_key` / `bottom_key`, computed over every group) when it ranks that KPI; only the
 * first rows of a result reach the answer.
 */
import { fmtInt, fmtPct, fmtSeconds, mdText, plural, toNumber } from "./format.ts";
import type { Intent } from "./intent.ts";
import { orList, paramValues } from "../../reports/params.ts";
import {
  bold,
  complete,
  dimName,
  extreme,
  figure,
  type Fmt,
  type Group,
  groups,
  keyText,
  periodPhrase,
  rankedBy,
  type ReportView,
  scopeOf,
  sentence,
  tiedKeys,
  tiedNames,
} from "./report_view.ts";

/** A KPI: its main figure, its unit and how to say it. */
export interface KpiSpec {
  value: string;
  kind: "pct" | "seconds" | "int";
  name: string;
  detail: (v: ReportView) => string;
}

/** The KPI entries: main figure, unit, name and supporting detail. */
export const KPI: Record<string, KpiSpec> = {
  abandonment_rate: {
    value: "abandonment_rate_pct",
    kind: "pct",
    name: "Abandonment rate",
    detail: (v) => {
      const m = figure(v, "missed_calls");
      const n = figure(v, "incoming_calls");
      return m !== null && n !== null
        ? `${fmtInt(m)} of ${plural(n, "incoming call")} were missed`
        : "";
    },
  },
  service_level: {
    value: "service_level_pct",
    kind: "pct",
    name: "Service level",
    detail: (v) => {
      const w = figure(v, "answered_within_threshold");
      const n = figure(v, "incoming_calls");
      const t = figure(v, "threshold_seconds") ?? 20;
      return w !== null && n !== null
        ? `${fmtInt(w)} of ${plural(n, "incoming call")} answered within ${fmtInt(t)} s`
        : "";
    },
  },
  speed_of_answer: {
    value: "asa_seconds",
    kind: "seconds",
    name: "Average speed of answer",
    detail: (v) => {
      const n = figure(v, "answered_calls");
      return n !== null ? `over ${plural(n, "answered incoming call")}` : "";
    },
  },
  answer_rate: {
    value: "answer_rate_pct",
    kind: "pct",
    name: "Answer rate",
    detail: (v) => {
      const a = figure(v, "answered");
      const n = figure(v, "calls");
      return a !== null && n !== null ? `${fmtInt(a)} of ${plural(n, "call")} answered` : "";
    },
  },
  duration_stats: {
    value: "avg_duration_seconds",
    kind: "seconds",
    name: "Average call duration",
    detail: () => "",
  },
  talk_time: {
    value: "total_talk_seconds",
    kind: "seconds",
    name: "Total talk time",
    detail: () => "",
  },
  handle_time: {
    value: "aht_seconds",
    kind: "seconds",
    name: "Average handle time",
    detail: (v) => {
      const n = figure(v, "calls");
      return n !== null ? `over ${plural(n, "answered call")}` : "";
    },
  },
  unique_customers: {
    value: "unique_customers",
    kind: "int",
    name: "Unique customers",
    detail: (v) => {
      const n = figure(v, "calls");
      return n !== null ? `over ${plural(n, "call")}` : "";
    },
  },
};

/** A KPI value in its unit ("9.90%", "13.82 s (0:14)", "5,102"). */
export function fmtValue(kind: KpiSpec["kind"], n: number): string {
  return kind === "pct" ? fmtPct(n) : kind === "seconds" ? fmtSeconds(n) : fmtInt(n);
}

/** A group named by the summary's leaders: `top` (highest) or `bottom` (lowest). */
function leader(v: ReportView, valueKey: string, which: "top" | "bottom"): Group | null {
  if (v.summary.ranked_by !== valueKey) return null;
  const key = v.summary[`${which}_key`];
  const value = toNumber(v.summary[`${which}_value`]);
  if (key === undefined || value === null) return null;
  return { key: keyText(key), value, row: [] };
}

/** Grouped KPI: overall figure, then the extremes (or the ranked group). */
function groupedKpi(i: Intent, v: ReportView, spec: KpiSpec, valueKey: string): string {
  const when = periodPhrase(v.period);
  const dim = i.groupBy;
  const gs = groups(v, valueKey);
  const overall = figure(v, valueKey);
  const name = valueKey === spec.value ? spec.name : labelOf(valueKey);
  const scope = scopeOf(i.filters);
  if (!gs.length) return sentence(`No data for the ${name.toLowerCase()}${scope} ${when}.`);
  const hi = leader(v, valueKey, "top") ?? extreme(gs, "max");
  const lo = leader(v, valueKey, "bottom") ?? extreme(gs, "min");
  // Extremes read from the rows alone cover only the rows here.
  const fromRows = !leader(v, valueKey, "top");
  const partial = complete(v) || !fromRows || rankedBy(v, valueKey, i.rank?.order)
    ? ""
    : ` (among the ${gs.length} ${dimName(dim, 2)} with the most calls; the table lists all ${
      fmtInt(v.total)
    })`;
  if (i.compare) {
    const parts = i.compare.values.map((val) => {
      const g = gs.find((x) => x.key.toLowerCase() === mdText(val).toLowerCase());
      return `${mdText(val)}: ${bold(g ? fmtValue(spec.kind, g.value) : "n/a")}`;
    });
    return sentence(`${name}${scope} ${when}: ${parts.join("; ")}.`);
  }
  if (i.rank) {
    const g = i.rank.order === "max" ? hi : lo;
    if (!g) return sentence(`No data ${when}.`);
    const what = valueKey === "max_duration_seconds"
      ? "longest call"
      : valueKey === "min_duration_seconds"
      ? "shortest call"
      : `${i.rank.order === "max" ? "highest" : "lowest"} ${name.toLowerCase()}` +
        (valueKey === "asa_seconds"
          ? ` (the ${i.rank.order === "max" ? "slowest" : "fastest"} to answer)`
          : "");
    const tie = tiedKeys(v, gs, g, { order: i.rank.order, valueKey });
    const each = tie.keys.length > 1 ? " each" : "";
    return sentence(
      `${tiedNames(tie)} had the ${what}${scope} ${when}${each ? " (tied)" : ""}: ${
        bold(fmtValue(spec.kind, g.value))
      }${each}${partial}.`,
    ) + (overall !== null ? ` Overall: ${fmtValue(spec.kind, overall)}.` : "");
  }
  let out = sentence(
    `${name} per ${dimName(dim)}${scope} ${when}` +
      (overall !== null ? `: overall ${bold(fmtValue(spec.kind, overall))}.` : "."),
  );
  if (gs.length <= 8 && complete(v) && dim !== "hour") {
    out += ` By ${dimName(dim)}: ${
      gs.map((g) => `${g.key} ${fmtValue(spec.kind, g.value)}`).join("; ")
    }.`;
  }
  if (hi && lo && (gs.length > 1 || v.total > 1)) {
    out += ` Highest: ${bold(hi.key)} (${fmtValue(spec.kind, hi.value)}); lowest: ${
      bold(lo.key)
    } (${fmtValue(spec.kind, lo.value)})${partial}.`;
  }
  return out;
}

function labelOf(key: string): string {
  const map: Record<string, string> = {
    avg_talk_seconds: "Average talk time",
    total_talk_seconds: "Total talk time",
    avg_duration_seconds: "Average call duration",
    avg_hold_seconds: "Average hold time",
    avg_wrap_up_seconds: "Average wrap-up time",
    max_duration_seconds: "Longest call",
    min_duration_seconds: "Shortest call",
  };
  return map[key] ?? key;
}

/** The answer writer of one KPI entry. */
export function kpiFormatter(entry: string): Fmt {
  return (i, v) => {
    const spec = KPI[entry];
    if (i.groupBy) return groupedKpi(i, v, spec, spec.value);
    const when = periodPhrase(v.period);
    const scope = scopeOf(i.filters);
    const value = figure(v, spec.value);
    if (entry === "unique_customers") {
      const n = value ?? 0;
      const verb = i.filters.direction === "incoming"
        ? "called us"
        : i.filters.direction === "outgoing"
        ? "were called by us"
        : "had calls with us";
      // The customers' own filters name them ("unique vip customers from Leeds"); the
      // calls' filters say which calls they were counted among.
      const f = { ...i.filters };
      const segment = paramValues(f.segment), city = paramValues(f.city);
      delete f.direction;
      delete f.segment;
      delete f.city;
      const who = `unique ${segment.length ? `${orList(segment)} ` : ""}customers${
        city.length ? ` from ${orList(city)}` : ""
      }`;
      const among = scopeOf(f).replace(/^ of /, ", among ");
      const d = spec.detail(v);
      return sentence(
        `${bold(fmtInt(n))} ${who} ${verb} ${when}${among}${d ? `, ${d}` : ""}.`,
      );
    }
    if (value === null) {
      return sentence(`${spec.name}${scope} ${when}: no calls to measure.`);
    }
    const d = spec.detail(v);
    return sentence(`${spec.name}${scope} ${when}: ${bold(fmtValue(spec.kind, value))}`) +
      (d ? ` — ${d}.` : ".");
  };
}

/** The answer from a `duration_stats` result. */
export const fmtDuration: Fmt = (i, v) => {
  if (i.groupBy) {
    const key = i.focus === "max"
      ? "max_duration_seconds"
      : i.focus === "min"
      ? "min_duration_seconds"
      : "avg_duration_seconds";
    return groupedKpi(i, v, KPI.duration_stats, key);
  }
  const when = periodPhrase(v.period);
  const scope = scopeOf(i.filters);
  const n = figure(v, "calls") ?? 0;
  if (!n) return sentence(`No answered calls${scope} ${when}.`);
  const avg = figure(v, "avg_duration_seconds");
  const min = figure(v, "min_duration_seconds");
  const max = figure(v, "max_duration_seconds");
  const total = figure(v, "total_duration_seconds");
  const f = (x: number | null) => x === null ? "n/a" : fmtSeconds(x);
  if (i.focus === "max" || i.focus === "min") {
    const x = i.focus === "max" ? max : min;
    return sentence(
      `The ${i.focus === "max" ? "longest" : "shortest"} answered call${scope} ${when} lasted ${
        bold(f(x))
      }; the average was ${f(avg)} over ${plural(n, "answered call")}.`,
    );
  }
  return [
    sentence(`Call duration${scope} ${when}, over ${bold(fmtInt(n))} answered calls:`),
    `- Average: ${bold(f(avg))}`,
    `- Shortest: ${f(min)}`,
    `- Longest: ${f(max)}`,
    `- Total: ${f(total)}`,
  ].join("\n");
};

/** The answer from a `handle_time` result: AHT (or hold, wrap-up) overall or per group. */
export const fmtHandle: Fmt = (i, v) => {
  const key = i.focus === "hold"
    ? "avg_hold_seconds"
    : i.focus === "wrap"
    ? "avg_wrap_up_seconds"
    : "aht_seconds";
  if (i.groupBy) return groupedKpi(i, v, KPI.handle_time, key);
  const when = periodPhrase(v.period);
  const scope = scopeOf(i.filters);
  const n = figure(v, "calls") ?? 0;
  const value = figure(v, key);
  if (!n || value === null) return sentence(`No answered calls${scope} ${when}.`);
  const name = key === "aht_seconds" ? "Average handle time" : labelOf(key);
  const parts = [["talk", "avg_talk_seconds"], ["hold", "avg_hold_seconds"], [
    "wrap-up",
    "avg_wrap_up_seconds",
  ]].flatMap(([word, k]) => {
    const x = figure(v, k);
    return x !== null && k !== key ? [`${word} ${fmtSeconds(x)}`] : [];
  });
  return sentence(
    `${name}${scope} ${when}: ${bold(fmtSeconds(value))} over ${plural(n, "answered call")}` +
      (key === "aht_seconds" && parts.length ? ` (average ${parts.join(", ")}).` : "."),
  );
};

/** The answer from a `talk_time` result. */
export const fmtTalk: Fmt = (i, v) => {
  if (i.groupBy) {
    const key = i.focus === "avg" ? "avg_talk_seconds" : "total_talk_seconds";
    return groupedKpi(i, v, KPI.talk_time, key);
  }
  const when = periodPhrase(v.period);
  const who = i.filters.agent ? ` of agent ${i.filters.agent}` : "";
  const f = { ...i.filters };
  delete f.agent;
  const scope = scopeOf(f);
  const n = figure(v, "calls") ?? 0;
  const total = figure(v, "total_talk_seconds");
  const avg = figure(v, "avg_talk_seconds");
  if (!n || total === null) return sentence(`No answered calls${who}${scope} ${when}.`);
  if (i.focus === "avg") {
    return sentence(
      `Average talk time${who}${scope} ${when}: ${bold(avg !== null ? fmtSeconds(avg) : "n/a")}` +
        ` per answered call (${plural(n, "call")}, ${fmtSeconds(total)} in total).`,
    );
  }
  return sentence(
    `Total talk time${who}${scope} ${when}: ${bold(fmtSeconds(total))} over ${
      plural(n, "answered call")
    }` + (avg !== null ? ` (average ${fmtSeconds(avg)} per call).` : "."),
  );
};
