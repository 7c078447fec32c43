import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import { PERIOD_PRESETS } from "../lib/agent/pickers.ts";
import { firstSentence, paramsFor } from "./explore.tsx";
import { GroupPicker, LimitPicker, PeriodPicker, ValuesPicker } from "./picker.tsx";
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
