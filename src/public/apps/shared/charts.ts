/**
 * Real charts (Chart.js, tree-shaken to the bar and doughnut parts, bundled into the app). A chart
 * is created once per canvas and updated in place on every poll. Each canvas carries an
 * `aria-label` with the same numbers, and the views print them as text too.
 */
import { ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale, Tooltip, type ChartData } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, DoughnutController, ArcElement, Tooltip, Legend);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.color = '#3e4c59';

export const PALETTE = ['#2f6fed', '#1f9d55', '#f59f00', '#d64545', '#7b61ff', '#0fb5ae', '#9aa5b1'] as const;

export interface Series {
  readonly labels: readonly string[];
  readonly values: readonly number[];
  readonly colors?: readonly string[];
  /** Value shown in the tooltip, e.g. "$1.23" or "12.5%". */
  readonly format?: (value: number) => string;
}

const charts = new WeakMap<HTMLCanvasElement, Chart>();

/** The chart drawn on a canvas (updated in place on the next draw), for other chart kinds (lineChart.ts). */
export function chartOn(canvas: HTMLCanvasElement): Chart | undefined {
  return charts.get(canvas);
}

export function rememberChart(canvas: HTMLCanvasElement, chart: Chart): void {
  charts.set(canvas, chart);
}

function describe(title: string, series: Series): string {
  const format = series.format ?? String;
  return `${title}: ${series.labels.map((l, i) => `${l} ${format(series.values[i] ?? 0)}`).join(', ')}`;
}

function colorsOf(series: Series): string[] {
  return series.labels.map((_, i) => series.colors?.[i] ?? PALETTE[i % PALETTE.length] ?? '#2f6fed');
}

/**
 * Labels the canvas and draws the series: updates the canvas's chart in place when it has one,
 * otherwise creates it with `create` (the chart type's own options).
 */
function drawSeries(canvas: HTMLCanvasElement, title: string, series: Series, dataset: Record<string, unknown>, create: (data: ChartData, format: (v: number) => string) => Chart): void {
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', describe(title, series));
  const data: ChartData = { labels: [...series.labels], datasets: [{ label: title, data: [...series.values], backgroundColor: colorsOf(series), ...dataset }] };
  const existing = charts.get(canvas);
  if (existing) {
    existing.data = data;
    existing.update('none');
    return;
  }
  charts.set(canvas, create(data, series.format ?? ((v: number) => String(v))));
}

/** Horizontal bars: the delivery funnel, reply rates per variant. */
export function barChart(canvas: HTMLCanvasElement, title: string, series: Series, options: { horizontal?: boolean; max?: number } = {}): void {
  drawSeries(canvas, title, series, { borderRadius: 4 }, (data, format) =>
    new Chart(canvas, {
      type: 'bar',
      data: data as ChartData<'bar'>,
      options: {
        indexAxis: options.horizontal === false ? 'x' : 'y',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item) => format(Number(item.raw)) } } },
        scales: {
          x: { beginAtZero: true, ...(options.max !== undefined ? { max: options.max } : {}), grid: { color: '#eef1f4' } },
          y: { grid: { display: false } },
        },
      },
    }),
  );
}

/** Doughnut: the cost breakdown. */
export function doughnutChart(canvas: HTMLCanvasElement, title: string, series: Series): void {
  drawSeries(canvas, title, series, { borderWidth: 1 }, (data, format) =>
    new Chart(canvas, {
      type: 'doughnut',
      data: data as ChartData<'doughnut'>,
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: 'right' }, tooltip: { callbacks: { label: (item) => `${item.label}: ${format(Number(item.raw))}` } } },
      },
    }),
  );
}

export function destroyCharts(root: ParentNode): void {
  for (const canvas of Array.from(root.querySelectorAll('canvas'))) {
    charts.get(canvas)?.destroy();
    charts.delete(canvas);
  }
}
