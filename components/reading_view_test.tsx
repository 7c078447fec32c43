import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import type { Interpretation } from "../lib/agent/events.ts";
import { newTurn } from "./chat_state.ts";
import { PickerContext, type PickerHost } from "./picker_context.ts";
import { periodTitle, ReadingChips, ReadingView } from "./reading_view.tsx";
import { TurnView } from "./turn_view.tsx";

const READING: Interpretation = {
  metric: "calls_handled",
  metric_label: "Handled calls",
  period: {
    label: "last week 9–15 Nov",
    start: "2026-11-08T18:30:00.000Z",
    end: "2026-11-15T18:30:00.000Z",
  },
  compare_period: {
    label: "the week before",
    start: "2026-11-01T18:30:00.000Z",
    end: "2026-11-08T18:30:00.000Z",
  },
  filters: { agent: "suresh", status: ["answered", "missed"] },
  group_by: "day",
  unplaced: ["<b>please</b>"],
};

Deno.test("ReadingChips is a labelled list, metric first, one chip per part", () => {
  const html = render(<ReadingChips interpretation={READING} timeZone="Asia/Kolkata" />);
  assert.match(html, /^<ul class="reading" aria-label="How the question was read">/);
  const kinds = [...html.matchAll(/class="reading-chip reading-(\w+)"/g)].map((m) => m[1]);
  assert.deepEqual(kinds, ["metric", "period", "compare", "filter", "filter", "group", "unplaced"]);
  assert.match(html, /reading-metric"[^>]*>Handled calls</);
  assert.match(html, /agent: suresh/);
  assert.match(html, /status: answered or missed/);
  assert.match(html, />by day</);
  assert.match(html, /not used: &lt;b>please&lt;\/b>/, "text is escaped");
  assert.doesNotMatch(html, /style=/, "no inline styles (CSP)");
});

Deno.test("the period chip's tooltip has the exact instants, local and UTC", () => {
  const title = periodTitle(READING.period!, "Asia/Kolkata");
  assert.equal(
    title,
    "Mon, 9 Nov 2026, 00:00 – Mon, 16 Nov 2026, 00:00 (GMT+5:30), end not included\n" +
      "2026-11-08 18:30 UTC – 2026-11-15 18:30 UTC",
  );
  const html = render(<ReadingChips interpretation={READING} timeZone="Asia/Kolkata" />);
  assert.match(html, /reading-period" title="Mon, 9 Nov 2026, 00:00/);
  assert.match(html, /reading-compare" title="Mon, 2 Nov 2026, 00:00/);
  assert.match(html, /class="visually-hidden"> \(Mon, 9 Nov 2026/, "read out too");
});

Deno.test("ReadingView: badge for clarified and refused, no chips when refused", () => {
  assert.equal(render(<ReadingView interpretation={null} outcome={null} />), "");
  assert.equal(render(<ReadingView interpretation={null} outcome="answered" />), "");
  const answered = render(<ReadingView interpretation={READING} outcome="answered" />);
  assert.match(answered, /How the question was read/);
  assert.doesNotMatch(answered, /outcome-badge/);
  const clarified = render(<ReadingView interpretation={READING} outcome="clarified" />);
  assert.match(clarified, /badge-clarified[^]*Needs a detail[^]*How the question was read/);
  const bare = render(<ReadingView interpretation={null} outcome="clarified" />);
  assert.match(bare, /Needs a detail/);
  assert.doesNotMatch(bare, /reading-chip/);
  const refused = render(<ReadingView interpretation={READING} outcome="refused" />);
  assert.match(refused, /Can't do that|Can&#39;t do that/);
  assert.doesNotMatch(refused, /reading-chip/);
});

Deno.test("TurnView shows the reading between the steps and the answer", () => {
  const turn = {
    ...newTurn("calls by suresh?", null),
    status: "done" as const,
    answer: "He handled **120** calls.",
    interpretation: READING,
    outcome: "answered" as const,
  };
  const html = render(<TurnView turn={turn} />);
  assert.match(html, /class="turn turn-done is-answered"/);
  const chips = html.indexOf('class="reading"');
  const answer = html.indexOf('class="answer"');
  assert.ok(chips > 0 && chips < answer, "chips above the answer");
  const refused = render(
    <TurnView turn={{ ...turn, outcome: "refused", interpretation: null }} />,
  );
  assert.match(refused, /class="turn turn-done is-refused"/);
  assert.ok(refused.indexOf("outcome-badge") < refused.indexOf('class="answer"'));
});

/** A host that records the reports it is asked to run. */
function recordingHost(busy = false) {
  const runs: { report: unknown; label: string }[] = [];
  const host: PickerHost = {
    run: (report, label) => runs.push({ report, label }),
    busy,
    vocabulary: () => Promise.reject(new Error("not in this test")),
    catalog: () => Promise.reject(new Error("not in this test")),
  };
  return { host, runs };
}

const REPORTED: Interpretation = {
  metric: "call_count",
  metric_label: "Calls",
  period: READING.period,
  filters: {
    queue: ["sales", "support"],
    customer: "+919800000001",
    direction: "incoming",
    duration: "> 10 min",
  },
  group_by: "agent",
  unplaced: [],
  report: {
    name: "call_count",
    params: {
      period: "last week",
      queue: ["sales", "support"],
      customer: "+919800000001",
      direction: "incoming",
      duration: { gt: 600 },
      group_by: "agent",
      limit: 5,
    },
  },
};

Deno.test("chips of a reading that can run again are buttons that open pickers", () => {
  const { host } = recordingHost();
  const html = render(
    <PickerContext.Provider value={host}>
      <ReadingChips interpretation={REPORTED} timeZone="Asia/Kolkata" />
    </PickerContext.Provider>,
  );
  const buttons = [...html.matchAll(/<button [^>]*class="reading-chip reading-(\w+) is-editable"/g)]
    .map((m) => m[1]);
  // The metric, period, every filter (values, customer, duration), grouping, rows, "add".
  assert.deepEqual(buttons, [
    "metric",
    "period",
    "filter",
    "filter",
    "filter",
    "filter",
    "group",
    "limit",
    "add",
  ]);
  assert.equal([...html.matchAll(/aria-haspopup="dialog"/g)].length, buttons.length);
  assert.equal([...html.matchAll(/aria-expanded="false"/g)].length, buttons.length);
  assert.match(html, /reading-metric is-editable"[^>]*title="Change: Calls"><span>Calls<\/span>/);
  assert.match(html, /title="Change: customer: \+919800000001"/);
  assert.match(html, /title="Change: duration: &gt; 10 min"|title="Change: duration: > 10 min"/);
  assert.match(html, /queue: sales or support/);
  assert.match(html, />top 5</);
  assert.match(html, /aria-label="Add a filter, grouping or row count"/);
  assert.doesNotMatch(html, /role="dialog"/, "pickers are closed at first");
  assert.doesNotMatch(html, /style=/, "no inline styles (CSP)");
});

Deno.test("chips stay text without a host, without a report, or for a comparison", () => {
  const plain = render(<ReadingChips interpretation={REPORTED} />);
  assert.doesNotMatch(plain, /<button/);
  const { host } = recordingHost();
  const inHost = (i: Interpretation) =>
    render(
      <PickerContext.Provider value={host}>
        <ReadingChips interpretation={i} />
      </PickerContext.Provider>,
    );
  assert.doesNotMatch(inHost(READING), /<button/, "no report: nothing to run again");
  assert.doesNotMatch(
    inHost({ ...REPORTED, compare_period: READING.compare_period }),
    /<button/,
    "a comparison of two periods is not changed chip by chip",
  );
  const refused = render(
    <PickerContext.Provider value={host}>
      <ReadingView interpretation={REPORTED} outcome="refused" />
    </PickerContext.Provider>,
  );
  assert.doesNotMatch(refused, /reading-chip/);
});
