/**
 * A chart in the chat, drawn with Chart.js (only the bar, line and pie pieces are
 * registered, so the bundle stays small). The canvas carries an accessible description
 * of the data; the server-rendered HTML holds the same text as fallback content. Axes
 * carry their titles (the metric and how its numbers read); periods not over yet are
 * drawn lighter (bars) or dashed (lines) and said "so far".
 */
import type { JSX } from "preact";
import { useEffect, useRef } from "preact/hooks";
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PieController,
  PointElement,
  Tooltip,
} from "chart.js";
import type { ChartSpec } from "../lib/agent/events.ts";
import { formatNumber, formatPercent, formatSeconds } from "./format.ts";

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  Chart.register(
    BarController,
    BarElement,
    LineController,
    LineElement,
    PointElement,
    PieController,
    ArcElement,
    CategoryScale,
    LinearScale,
    Filler,
    Legend,
    Tooltip,
  );
  Chart.defaults.font.family =
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  Chart.defaults.color = "#475467";
}

/** Series colours (accessible on white, distinct from one another). */
export const PALETTE = [
  "#4f46e5",
  "#0d9488",
  "#f59e0b",
  "#e11d48",
  "#0284c7",
  "#7c3aed",
  "#65a30d",
  "#db2777",
  "#475569",
  "#ea580c",
];

/** Formats a value in the chart's unit: seconds as m:ss, percent with %, else a number. */
export function formatValue(value: number | null, unit?: string): string {
  if (value === null || !Number.isFinite(value)) return "no data";
  if (unit === "s") return formatSeconds(value);
  if (unit === "%") return formatPercent(value);
  return formatNumber(value);
}

/** A sentence describing the chart for screen readers (the first 12 points of each series). */
export function describeChart(spec: ChartSpec, maxPoints = 12): string {
  const kind = spec.kind === "pie"
    ? "Pie chart"
    : spec.kind === "line"
    ? "Line chart"
    : "Bar chart";
  const unit = spec.unit && spec.unit !== "s" && spec.unit !== "%" ? ` ${spec.unit}` : "";
  const series = spec.series.map((s) => {
    const points = spec.labels.slice(0, maxPoints).map((label, i) => {
      const v = s.data[i] ?? null;
      const soFar = spec.partial?.[i] ? " so far" : "";
      return `${label}: ${formatValue(v, spec.unit)}${v === null ? "" : unit}${soFar}`;
    });
    const more = spec.labels.length > maxPoints
      ? `, and ${spec.labels.length - maxPoints} more`
      : "";
    const name = spec.series.length > 1 ? `${s.name}: ` : "";
    return `${name}${points.join(", ")}${more}`;
  });
  return `${kind}: ${spec.title}. ${series.join(". ")}`;
}

function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** Builds the Chart.js configuration for a spec. */
export function chartConfig(spec: ChartSpec): ChartConfiguration {
  const unit = spec.unit;
  const tick = (v: number | string) => typeof v === "number" ? formatValue(v, unit) : v;
  if (spec.kind === "pie") {
    const series = spec.series[0] ?? { name: "", data: [] };
    return {
      type: "pie",
      data: {
        labels: spec.labels,
        datasets: [{
          label: series.name,
          data: series.data,
          backgroundColor: spec.labels.map((_, i) => PALETTE[i % PALETTE.length]),
          borderColor: "#ffffff",
          borderWidth: 2,
        }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: { duration: 300 },
        plugins: {
          legend: { position: "right", labels: { boxWidth: 12, boxHeight: 12 } },
          tooltip: {
            callbacks: {
              label: (ctx) => ` ${ctx.label}: ${formatValue(ctx.parsed as number, unit)}`,
            },
          },
        },
      },
    };
  }
  const line = spec.kind === "line";
  const partial = (i: number) => spec.partial?.[i] === true;
  const axisTitle = (text: string | undefined) =>
    text ? { display: true, text, color: "#5d6679", font: { size: 12, weight: 600 } } : undefined;
  return {
    type: spec.kind,
    data: {
      labels: spec.labels,
      datasets: spec.series.map((s, i) => {
        const color = PALETTE[i % PALETTE.length];
        const bars = spec.labels.map((_, k) => withAlpha(color, partial(k) ? 0.35 : 0.85));
        return {
          label: s.name,
          data: s.data,
          backgroundColor: line ? withAlpha(color, 0.12) : bars,
          borderColor: line ? color : spec.labels.map((_, k) => partial(k) ? color : "transparent"),
          borderWidth: line ? 2 : spec.labels.map((_, k) => partial(k) ? 1.5 : 0),
          borderRadius: line ? 0 : 4,
          fill: line && spec.series.length === 1,
          tension: 0.3,
          pointRadius: line ? 3 : 0,
          pointBackgroundColor: line
            ? spec.labels.map((_, k) => partial(k) ? "#ffffff" : color)
            : undefined,
          segment: line
            ? {
              borderDash: (ctx: { p1DataIndex: number }) => partial(ctx.p1DataIndex) ? [6, 5] : [],
            }
            : undefined,
          maxBarThickness: 48,
        };
      }),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: { duration: 300 },
      interaction: { mode: "index", intersect: false },
      scales: {
        x: {
          grid: { display: false },
          ticks: { maxRotation: 45, autoSkip: true },
          title: axisTitle(spec.x_label),
        },
        y: {
          beginAtZero: true,
          grid: { color: "#eef0f4" },
          border: { display: false },
          ticks: { callback: tick, precision: unit === "s" ? undefined : 0 },
          title: axisTitle(spec.y_label),
        },
      },
      plugins: {
        legend: { display: spec.series.length > 1, position: "bottom" },
        tooltip: {
          callbacks: {
            label: (ctx) =>
              ` ${ctx.dataset.label ?? ""}: ${formatValue(ctx.parsed.y as number, unit)}${
                partial(ctx.dataIndex) ? " (so far)" : ""
              }`,
          },
        },
      },
    },
  } as ChartConfiguration;
}

/** Props of {@linkcode ChartView}. */
export interface ChartViewProps {
  chart: ChartSpec;
}

/** Renders one chart. */
export function ChartView({ chart }: ChartViewProps): JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null);
  const description = describeChart(chart);
  useEffect(() => {
    if (!canvas.current) return;
    register();
    const instance = new Chart(canvas.current, chartConfig(chart));
    return () => instance.destroy();
  }, [chart]);
  return (
    <figure class={`result-chart chart-${chart.kind}`}>
      <figcaption class="result-head">
        <span class="result-title">{chart.title}</span>
        <span class="result-meta">
          {chart.partial?.some(Boolean) && (
            <span class="chart-so-far">
              {chart.kind === "line" ? "dashed" : "lighter"}: so far
            </span>
          )}
          {chart.unit && !chart.y_label && unitLabel(chart.unit)}
        </span>
      </figcaption>
      <div class="chart-box">
        <canvas ref={canvas} role="img" aria-label={description}>
          {description}
        </canvas>
      </div>
    </figure>
  );
}

function unitLabel(unit: string): string {
  if (unit === "s") return "duration (m:ss)";
  if (unit === "%") return "percent";
  return unit;
}
