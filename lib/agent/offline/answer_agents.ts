/**
 * Answers from the `agent_performance` report: the agent with the most calls or the
 * lowest AHT (named from the summary, which covers every agent), per-agent hold and
 * wrap-up times, or the team's figures.
 */
import { fmtInt, fmtSeconds, plural, toNumber } from "./format.ts";
import type { Intent } from "./intent.ts";
import { orList, paramValues } from "../../reports/params.ts";
import {
  bold,
  cell,
  complete,
  describeCalls,
  dimName,
  extreme,
  figure,
  type Fmt,
  type Group,
  groups,
  periodPhrase,
  rankedBy,
  type ReportView,
  sentence,
  sortGroups,
  tiedKeys,
  tiedNames,
} from "./report_view.ts";

/** The answer from an `agent_performance` result. */
export const fmtAgents: Fmt = (i, v) => {
  const when = periodPhrase(v.period);
  const f = { ...i.filters };
  delete f.agent;
  const among = describeCalls(f);
  const scope = among === "calls" ? "" : ` among ${among}`;
  const agents = toNumber(v.summary.agents) ?? v.total;
  if (!agents) return sentence(`No answered calls with an agent${scope} ${when}.`);
  const handled = figure(v, "calls_handled");
  const aht = figure(v, "aht_seconds");
  const talk = figure(v, "total_talk_seconds");
  const topAgent = v.summary.top_agent;
  const topCalls = toNumber(v.summary.top_calls_handled);
  const lowA = v.summary.lowest_aht_agent;
  const lowS = toNumber(v.summary.lowest_aht_seconds);
  const highA = v.summary.highest_aht_agent;
  const highS = toNumber(v.summary.highest_aht_seconds);
  const note = i.groupBy && i.groupBy !== "agent"
    ? ` (AHT is reported per agent; a split by ${dimName(i.groupBy)} is not available.)`
    : "";
  const sortedByKey = (key: string) =>
    (key === "calls_handled" && i.rank?.order === "max") || rankedBy(v, key, i.rank?.order);
  if (
    i.rank && i.limit && i.limit > 1 &&
    (complete(v) || sortedByKey(i.focus === "aht" ? "aht_seconds" : "calls_handled"))
  ) {
    const key = i.focus === "aht" ? "aht_seconds" : "calls_handled";
    const list = sortGroups(groups(v, key), i.rank.order).slice(0, i.limit);
    const fmt = (x: number) => key === "aht_seconds" ? fmtSeconds(x) : plural(x, "call");
    return [
      sentence(
        `${i.rank.order === "max" ? "Top" : "Bottom"} ${list.length} agents by ${
          key === "aht_seconds" ? "AHT" : "calls handled"
        }${scope} ${when}:`,
      ),
      ...list.map((x, k) => `${k + 1}. ${bold(x.key)}: ${fmt(x.value)}`),
    ].join("\n");
  }
  if (i.focus === "hold" || i.focus === "wrap") return holdOrWrap(i, v, scope, when);
  if (i.rank && i.focus === "aht") {
    const a = i.rank.order === "min" ? lowA : highA;
    const s = i.rank.order === "min" ? lowS : highS;
    if (a === undefined || a === null || s === null) {
      const g = extreme(groups(v, "aht_seconds"), i.rank.order);
      if (!g) return sentence(`No agent AHT${scope} ${when}.`);
      return sentence(
        `${bold(g.key)} had the ${
          i.rank.order === "min" ? "lowest" : "highest"
        } average handle time${scope} ${when}: ${bold(fmtSeconds(g.value))}.`,
      );
    }
    const other = i.rank.order === "min" ? highA : lowA;
    const otherS = i.rank.order === "min" ? highS : lowS;
    let out = sentence(
      `${bold(String(a))} had the ${
        i.rank.order === "min" ? "lowest" : "highest"
      } average handle time${scope} ${when}: ${bold(fmtSeconds(s))}.`,
    );
    if (other && otherS !== null && aht !== null) {
      out += ` The ${i.rank.order === "min" ? "highest" : "lowest"} was ${other} (${
        fmtSeconds(otherS)
      }); the overall AHT was ${fmtSeconds(aht)} across ${plural(agents, "agent")}.`;
    }
    return out;
  }
  if (i.rank) {
    let g: Group | { key: string; value: number } | null = null;
    if (i.rank.order === "max" && topAgent && topCalls !== null) {
      g = { key: String(topAgent), value: topCalls };
    } else {
      g = extreme(groups(v, "calls_handled"), i.rank.order);
    }
    if (!g) return sentence(`No answered calls with an agent${scope} ${when}.`);
    const partial = i.rank.order === "min" && !complete(v)
      ? ` (among the ${v.rows.length} agents with the most calls; the table lists all ${
        fmtInt(v.total)
      })`
      : "";
    const tie = tiedKeys(v, groups(v, "calls_handled"), g, {
      order: i.rank.order,
      valueKey: "calls_handled",
    });
    const each = tie.keys.length > 1 ? " each" : "";
    return sentence(
      `${tiedNames(tie)} handled the ${
        i.rank.order === "max" ? "most" : "fewest"
      } calls${scope} ${when}${each ? " (tied)" : ""}: ${
        bold(fmtInt(g.value))
      } calls handled${each}${partial}` +
        (handled !== null
          ? `, out of ${fmtInt(handled)} handled by ${plural(agents, "agent")}.`
          : "."),
    );
  }
  if (i.focus === "aht") {
    const who = i.filters.agent ? ` of agent ${i.filters.agent}` : "";
    const per = i.groupBy === "agent" && !i.filters.agent ? " per agent" : "";
    let out = sentence(
      `Average handle time${who}${per}${scope} ${when}: ${per ? "overall " : ""}${
        bold(aht !== null ? fmtSeconds(aht) : "n/a")
      }` +
        (handled !== null
          ? ` over ${plural(handled, "answered call")}${
            per ? ` by ${plural(agents, "agent")}` : ""
          }.`
          : "."),
    );
    if (!i.filters.agent && agents > 1 && lowA && highA && lowS !== null && highS !== null) {
      out += ` Lowest: ${bold(String(lowA))} (${fmtSeconds(lowS)}); highest: ${
        bold(String(highA))
      } (${fmtSeconds(highS)}).`;
    }
    return out + note;
  }
  if (i.filters.agent && agents === 1 && v.rows.length === 1) {
    const row = v.rows[0];
    const avgTalk = toNumber(cell(v, row, "avg_talk_seconds"));
    return sentence(
      `Agent ${bold(orList(paramValues(i.filters.agent)))}${scope} ${when}: ${
        bold(fmtInt(handled ?? 0))
      } calls handled, total talk time ${talk !== null ? fmtSeconds(talk) : "n/a"}` +
        (avgTalk !== null ? `, average talk ${fmtSeconds(avgTalk)}` : "") +
        `, AHT ${aht !== null ? fmtSeconds(aht) : "n/a"}.`,
    );
  }
  let out = sentence(
    `Agent performance${scope} ${when}: ${bold(fmtInt(agents))} agents handled ${
      bold(fmtInt(handled ?? 0))
    } calls` +
      (talk !== null ? `, with ${fmtSeconds(talk)} of talk time` : "") +
      (aht !== null ? ` and an overall AHT of ${fmtSeconds(aht)}.` : "."),
  );
  const bits: string[] = [];
  if (topAgent && topCalls !== null) {
    bits.push(`most calls handled: ${bold(String(topAgent))} (${fmtInt(topCalls)})`);
  }
  if (lowA && lowS !== null) bits.push(`lowest AHT: ${bold(String(lowA))} (${fmtSeconds(lowS)})`);
  if (highA && highS !== null) {
    bits.push(`highest AHT: ${bold(String(highA))} (${fmtSeconds(highS)})`);
  }
  if (bits.length) out += ` ${sentence(bits.join("; "))}.`;
  return out + note;
};

/** Average hold or wrap-up time per agent (the catalog has no overall figure for them). */
function holdOrWrap(i: Intent, v: ReportView, scope: string, when: string): string {
  const key = i.focus === "hold" ? "avg_hold_seconds" : "avg_wrap_up_seconds";
  const name = i.focus === "hold" ? "average hold time" : "average wrap-up time";
  const gs = groups(v, key);
  if (!gs.length) return sentence(`No answered calls with an agent${scope} ${when}.`);
  const partial = complete(v) || rankedBy(v, key, i.rank?.order)
    ? ""
    : ` (among the ${gs.length} agents with the most calls; the table lists all ${
      fmtInt(v.total)
    })`;
  if (i.filters.agent && gs.length === 1) {
    return sentence(
      `The ${name} of agent ${i.filters.agent}${scope} ${when} was ${
        bold(fmtSeconds(gs[0].value))
      }.`,
    );
  }
  if (i.rank) {
    const g = extreme(gs, i.rank.order)!;
    return sentence(
      `${bold(g.key)} had the ${
        i.rank.order === "max" ? "highest" : "lowest"
      } ${name}${scope} ${when}: ${bold(fmtSeconds(g.value))}${partial}.`,
    );
  }
  const hi = extreme(gs, "max")!;
  const lo = extreme(gs, "min")!;
  return sentence(
    `${name} per agent${scope} ${when}: highest ${bold(hi.key)} (${fmtSeconds(hi.value)}), lowest ${
      bold(lo.key)
    } (${fmtSeconds(lo.value)})${partial}.`,
  );
}
