/**
 * How a question was read, in words: the chips the chat shows above an answer
 * ("Calls · today 24 Nov 2026 · direction: incoming") and the CLI's "Read as" line.
 * Pure functions over an {@link Interpretation}; no app imports, so the islands use them.
 */
import type { Interpretation, Outcome } from "./events.ts";

/** One chip: what kind of part it is, and its text. */
export interface Chip {
  kind: "metric" | "period" | "compare" | "filter" | "group" | "schedule" | "alert" | "unplaced";
  text: string;
  /** A filter chip's filter ("agent", "queue"…), as in `Interpretation.filters`. */
  name?: string;
}

const FILTER_NAMES: Record<string, string> = {
  direction: "direction",
  status: "status",
  agent: "agent",
  queue: "queue",
  customer: "customer",
  disposition: "disposition",
  city: "city",
  segment: "segment",
  duration: "duration",
  time_of_day: "time of day",
};

/**
 * The chips of a reading, in the order they are shown. In a question asked back
 * (`clarified`), the unplaced words are what could not be placed; in an answer, words
 * that changed nothing.
 */
export function interpretationChips(
  i: Interpretation,
  outcome: Outcome = "answered",
): Chip[] {
  const chips: Chip[] = [{ kind: "metric", text: i.metric_label || i.metric }];
  // An alert's window is in its rule (the `alert` chip).
  if (i.period || !i.alert) {
    chips.push({ kind: "period", text: i.period ? i.period.label : "all data" });
  }
  if (i.compare_period) chips.push({ kind: "compare", text: `vs ${i.compare_period.label}` });
  for (const [k, v] of Object.entries(i.filters)) {
    const value = Array.isArray(v) ? v.join(" or ") : v;
    const text = `${FILTER_NAMES[k] ?? k.replaceAll("_", " ")}: ${value}`;
    chips.push({ kind: "filter", text, name: k });
  }
  if (i.group_by) chips.push({ kind: "group", text: `by ${i.group_by}` });
  if (i.schedule) chips.push({ kind: "schedule", text: i.schedule });
  if (i.alert) chips.push({ kind: "alert", text: i.alert });
  if (i.unplaced.length) {
    const label = outcome === "clarified" ? "could not place" : "not used";
    chips.push({ kind: "unplaced", text: `${label}: ${i.unplaced.join(", ")}` });
  }
  return chips;
}

/** The reading as one line ("Calls · today (24 Nov 2026) · direction: incoming"). */
export function interpretationLine(i: Interpretation, outcome: Outcome = "answered"): string {
  return interpretationChips(i, outcome).map((c) => c.text).join(" · ");
}
