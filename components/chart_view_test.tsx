import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import type { ChartSpec } from "../lib/agent/events.ts";
import { chartConfig, ChartView, describeChart, formatValue } from "./chart_view.tsx";

const bar: ChartSpec = {
  title: "Calls per day",
  kind: "bar",
  labels: ["Mon", "Tue"],
  series: [{ name: "calls", data: [120, null] }],
  unit: "calls",
};

Deno.test("describeChart says what the chart shows", () => {
  assert.equal(describeChart(bar), "Bar chart: Calls per day. Mon: 120 calls, Tue: no data");
  const line: ChartSpec = {
    title: "AHT",
    kind: "line",
    labels: Array.from({ length: 14 }, (_, i) => `d${i}`),
    series: [{ name: "a", data: Array(14).fill(65) }, { name: "b", data: Array(14).fill(1) }],
    unit: "s",
  };
  const text = describeChart(line);
  assert.match(text, /^Line chart: AHT\. a: d0: 1:05/);
  assert.match(text, /and 2 more/);
  assert.match(text, /b: d0: 0:01/);
});

Deno.test("formatValue uses the unit", () => {
  assert.equal(formatValue(125, "s"), "2:05");
  assert.equal(formatValue(12.5, "%"), "12.5%");
  assert.equal(formatValue(1234, "calls"), "1,234");
  assert.equal(formatValue(null), "no data");
});

Deno.test("chartConfig builds bar, line and pie configurations", () => {
  const b = chartConfig(bar);
  assert.equal(b.type, "bar");
  assert.equal(b.data.datasets.length, 1);
  assert.deepEqual(b.data.labels, ["Mon", "Tue"]);
  const p = chartConfig({ ...bar, kind: "pie" });
  assert.equal(p.type, "pie");
  const colors = p.data.datasets[0].backgroundColor as string[];
  assert.equal(colors.length, 2);
  assert.notEqual(colors[0], colors[1]);
  assert.equal(chartConfig({ ...bar, kind: "line" }).type, "line");
});

Deno.test("ChartView renders a labelled canvas with fallback text", () => {
  const html = render(<ChartView chart={bar} />);
  assert.match(html, /<canvas role="img" aria-label="Bar chart: Calls per day\. Mon: 120 calls/);
  assert.match(html, /<span class="result-title">Calls per day<\/span>/);
  assert.doesNotMatch(html, /style=/);
});

Deno.test("axis titles say the metric; periods not over yet are lighter or dashed", () => {
  const spec: ChartSpec = {
    title: "Calls by day",
    kind: "bar",
    labels: ["2026-11-23", "2026-11-24"],
    series: [{ name: "Calls", data: [80, 20] }],
    unit: "calls",
    y_label: "Calls",
    x_label: "Day",
    partial: [false, true],
  };
  const b = chartConfig(spec) as unknown as {
    data: { datasets: { backgroundColor: string[] }[] };
    options: { scales: { x: { title: { text: string } }; y: { title: { text: string } } } };
  };
  const [full, soFar] = b.data.datasets[0].backgroundColor;
  assert.match(full, /0\.85\)$/);
  assert.match(soFar, /0\.35\)$/);
  assert.equal(b.options.scales.y.title.text, "Calls");
  assert.equal(b.options.scales.x.title.text, "Day");
  const l = chartConfig({ ...spec, kind: "line" }) as unknown as {
    data: { datasets: { segment: { borderDash: (c: { p1DataIndex: number }) => number[] } }[] };
  };
  const dash = l.data.datasets[0].segment.borderDash;
  assert.deepEqual(dash({ p1DataIndex: 1 }), [6, 5], "the segment into today is dashed");
  assert.deepEqual(dash({ p1DataIndex: 0 }), []);
  assert.match(describeChart(spec), /2026-11-24: 20 calls so far/);
  const html = render(<ChartView chart={{ ...spec, kind: "line" }} />);
  assert.match(html, /dashed: so far/);
  assert.doesNotMatch(render(<ChartView chart={bar} />), /so far/);
});
