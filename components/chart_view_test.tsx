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
