import assert from "node:assert/strict";
import type { Interpretation } from "./events.ts";
import { interpretationChips, interpretationLine } from "./interpretation.ts";

const READING: Interpretation = {
  metric: "call_count",
  metric_label: "Handled calls",
  period: {
    label: "last week (9–15 Nov 2026)",
    start: "2026-11-08T18:30:00Z",
    end: "2026-11-15T18:30:00Z",
  },
  filters: { agent: "suresh", status: ["answered", "missed"], duration: "> 10 min" },
  group_by: "queue",
  unplaced: ["please"],
};

Deno.test("chips: metric, period, each filter, grouping and the words not used, in order", () => {
  assert.deepEqual(interpretationChips(READING), [
    { kind: "metric", text: "Handled calls" },
    { kind: "period", text: "last week (9–15 Nov 2026)" },
    { kind: "filter", text: "agent: suresh", name: "agent" },
    { kind: "filter", text: "status: answered or missed", name: "status" },
    { kind: "filter", text: "duration: > 10 min", name: "duration" },
    { kind: "group", text: "by queue" },
    { kind: "unplaced", text: "not used: please" },
  ]);
  assert.equal(
    interpretationLine({ ...READING, filters: {}, group_by: null, unplaced: [], period: null }),
    "Handled calls · all data",
  );
});

Deno.test("chips: a question asked back names what it could not place; a compared period", () => {
  const chips = interpretationChips({ ...READING, unplaced: ["jonathan"] }, "clarified");
  assert.equal(chips.at(-1)?.text, "could not place: jonathan");
  const compared = interpretationChips({
    ...READING,
    compare_period: { label: "the week before", start: "x", end: "y" },
  });
  assert.deepEqual(compared[2], { kind: "compare", text: "vs the week before" });
});
