import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import { type CatalogEntryInfo, PERIOD_PRESETS } from "../lib/agent/pickers.ts";
import { firstSentence, paramsFor } from "./explore.tsx";
import {
  CustomerPicker,
  DurationPicker,
  GroupPicker,
  LimitPicker,
  MetricPicker,
  PeriodPicker,
  ValuesPicker,
} from "./picker.tsx";
import { once } from "./picker_context.ts";

const noop = () => {};

Deno.test("PeriodPicker: every preset, the current one pressed, a date range", () => {
  const html = render(
    <PeriodPicker
      current="from 2026-11-02 to 2026-11-08"
      presets={PERIOD_PRESETS}
      onApply={noop}
    />,
  );
  for (const p of PERIOD_PRESETS) assert.ok(html.includes(`>${p.label}</button>`), p.label);
  assert.equal([...html.matchAll(/aria-pressed="true"/g)].length, 0, "a range is no preset");
  assert.match(html, /<input type="date" value="2026-11-02" max="2026-11-08"/);
  assert.match(html, /<input type="date" value="2026-11-08" min="2026-11-02"/);
  const lastWeek = render(
    <PeriodPicker current="Last week" presets={PERIOD_PRESETS} onApply={noop} />,
  );
  assert.match(lastWeek, /aria-pressed="true"[^>]*>Last week</);
  assert.equal([...lastWeek.matchAll(/aria-pressed="true"/g)].length, 1);
  const all = render(<PeriodPicker presets={PERIOD_PRESETS} onApply={noop} />);
  assert.match(all, /aria-pressed="true"[^>]*>All data</);
});

Deno.test("ValuesPicker: checkboxes from the data, chosen first, search past six, escaped", () => {
  const options = ["billing", "<img src=x onerror=alert(1)>", "sales", "support", "a", "b", "c"];
  const html = render(
    <ValuesPicker filter="queue" options={options} selected={["support"]} onApply={noop} />,
  );
  assert.match(html, /type="search"[^>]*placeholder="Search queues…"/);
  const values = [...html.matchAll(/<span class="picker-option-text">([^<]*)<\/span>/g)]
    .map((m) => m[1]);
  assert.equal(values[0], "support", "the chosen value comes first");
  assert.equal(values.length, options.length, "each value once");
  assert.ok(values.includes("&lt;img src=x onerror=alert(1)>"), "text is escaped");
  assert.doesNotMatch(html, /<img/);
  assert.equal([...html.matchAll(/type="checkbox" checked/g)].length, 1);
  assert.match(html, />Any queue</);
  const few = render(
    <ValuesPicker
      filter="direction"
      options={["incoming", "outgoing"]}
      selected={[]}
      single
      onApply={noop}
    />,
  );
  assert.doesNotMatch(few, /type="search"/, "no search for two values");
  assert.doesNotMatch(few, /type="checkbox"/, "one value at most: buttons");
  assert.equal([...few.matchAll(/aria-pressed="false"/g)].length, 2);
});

Deno.test("GroupPicker and LimitPicker", () => {
  const g = render(<GroupPicker options={["agent", "queue"]} current="queue" onApply={noop} />);
  assert.match(g, />No grouping</);
  assert.match(g, /aria-pressed="true"[^>]*>By queue</);
  const required = render(
    <GroupPicker options={["agent", "queue"]} current="agent" required onApply={noop} />,
  );
  assert.doesNotMatch(required, /No grouping/);
  const l = render(<LimitPicker current={5} onApply={noop} />);
  assert.match(l, /aria-pressed="true"[^>]*>Top 5</);
  assert.match(l, /type="number"[^>]*value="5"/);
});

Deno.test("Explore keeps what the entry takes and gives a required grouping", () => {
  const entry = {
    name: "call_breakdown",
    title: "Call breakdown",
    description: "Calls per group. With group_by, one row per group.",
    kind: "aggregate" as const,
    params: ["period", "queue", "group_by"],
    required: ["group_by"],
    group_by: ["agent", "queue"],
  };
  assert.deepEqual(paramsFor(entry, { period: "today", agent: "x", queue: ["a", "b"] }), {
    period: "today",
    queue: ["a", "b"],
    group_by: "agent",
  });
  assert.equal(firstSentence(entry.description), "Calls per group.");
  assert.equal(firstSentence("No full stop"), "No full stop");
});

Deno.test("once: one load shared, tried again after a failure", async () => {
  let n = 0;
  const load = once(() => ++n === 1 ? Promise.reject(new Error("down")) : Promise.resolve(n));
  await assert.rejects(load(), /down/);
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(await load(), 2);
  assert.equal(await load(), 2);
  assert.equal(n, 2);
});

const ENTRIES: CatalogEntryInfo[] = [
  {
    name: "call_count",
    title: "Call count",
    description: "Number of calls matching the filters: both directions. More for the model.",
    kind: "aggregate",
    params: ["period", "direction", "queue", "group_by", "limit"],
    required: [],
    group_by: ["agent", "queue"],
  },
  {
    name: "abandonment_rate",
    title: "Abandonment rate",
    description: "Abandonment (missed call) rate.",
    kind: "aggregate",
    params: ["period", "queue", "group_by", "limit"],
    required: [],
    group_by: ["agent", "queue"],
  },
  {
    name: "new_<report>",
    title: "New <report>",
    description: "Something new. Details.",
    kind: "aggregate",
    params: ["period", "direction", "queue"],
    required: [],
    group_by: [],
  },
];

Deno.test("MetricPicker: titles, short descriptions, the current one, what a switch leaves out", () => {
  const html = render(
    <MetricPicker
      entries={ENTRIES}
      current="call_count"
      params={{ period: "today", direction: "incoming", queue: "sales", group_by: "agent" }}
      onApply={noop}
    />,
  );
  assert.match(html, /role="group" aria-label="Reports"/);
  assert.equal([...html.matchAll(/class="metric-entry( is-on)?"/g)].length, 3);
  assert.match(
    html,
    /class="metric-entry is-on" aria-current="true"[^>]*><span class="metric-entry-title"><span>Call count<\/span><svg/,
  );
  assert.match(html, /How many calls, split into incoming, outgoing, answered and missed\./);
  assert.doesNotMatch(html, /More for the model/, "descriptions for people");
  assert.match(
    html,
    /Share of incoming calls that were missed\.[^]*Leaves out direction: incoming</,
  );
  assert.match(html, /New &lt;report>[^]*Something new\.[^]*Leaves out by agent</, "escaped");
  assert.equal([...html.matchAll(/Leaves out/g)].length, 2, "not the current one");
  const busy = render(
    <MetricPicker entries={ENTRIES} current="call_count" params={{}} onApply={noop} disabled />,
  );
  assert.equal([...busy.matchAll(/ disabled/g)].length, 2, "others wait for the running turn");
});

Deno.test("DurationPicker: three ways, minutes or seconds, the current range filled in", () => {
  const html = render(<DurationPicker current={{ gte: 60, lte: 180 }} onApply={noop} />);
  assert.match(html, /role="radiogroup" aria-label="Calls"/);
  for (const mode of ["Longer than", "Shorter than", "Between"]) {
    assert.match(html, new RegExp(`<span>${mode}</span>`));
  }
  assert.match(html, /class="picker-segment is-on"><input type="radio"[^>]*value="between"/);
  assert.match(html, /<span>From<\/span><input type="number"[^>]*value="1"/);
  assert.match(html, /<span>To<\/span><input type="number"[^>]*value="3"/);
  assert.match(html, /<option selected value="min">minutes<\/option>/);
  assert.match(html, />Any duration</);
  const fresh = render(<DurationPicker onApply={noop} />);
  assert.match(fresh, /<span>Longer than<\/span><input type="number"/);
  assert.doesNotMatch(fresh, /<span>To<\/span>/);
  assert.doesNotMatch(fresh, /Any duration/, "nothing to remove yet");
  const seconds = render(<DurationPicker current={{ lt: 45 }} onApply={noop} />);
  assert.match(seconds, /<span>Shorter than<\/span><input[^>]*value="45"/);
  assert.match(seconds, /<option selected value="s">seconds<\/option>/);
});

Deno.test("CustomerPicker: a name or number field, the current one, any customer", () => {
  const html = render(<CustomerPicker current='<b>"Asha"</b>' onApply={noop} />);
  assert.match(html, /<span>Name or phone number<\/span><input type="text"/);
  assert.match(html, /value="&lt;b>&quot;Asha&quot;&lt;\/b>"/, "escaped");
  assert.match(html, /aria-describedby="[^"]+-hint"/);
  assert.match(html, />Any customer</);
  assert.doesNotMatch(render(<CustomerPicker onApply={noop} />), /Any customer/);
});
