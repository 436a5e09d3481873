/**
 * Line charts over time (the email app's open/click timeline): Chart.js's line parts registered
 * here only, so apps without a timeline don't bundle them. Like the other charts, the canvas carries
 * an `aria-label` with every number, and the chart is updated in place on every poll.
 */
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartData } from 'chart.js';
import { chartOn, PALETTE, rememberChart } from './charts';

Chart.register(LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

export interface LineSeries {
  readonly name: string;
  readonly values: readonly number[];
  readonly color?: string;
}

/** "Opens and clicks by hour: Jan 21 2 PM opens 12 clicks 3, …" — every point, in order. */
export function describeLines(title: string, labels: readonly string[], series: readonly LineSeries[]): string {
  if (labels.length === 0) return `${title}: no data yet`;
  const points = labels.map((label, i) => `${label} ${series.map((s) => `${s.name} ${s.values[i] ?? 0}`).join(' ')}`);
  return `${title}: ${points.join(', ')}`;
}

export function lineChart(canvas: HTMLCanvasElement, title: string, labels: readonly string[], series: readonly LineSeries[]): void {
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', describeLines(title, labels, series));
  const data: ChartData<'line'> = {
    labels: [...labels],
    datasets: series.map((s, i) => {
      const color = s.color ?? PALETTE[i % PALETTE.length] ?? '#2f6fed';
      return { label: s.name, data: [...s.values], borderColor: color, backgroundColor: color, tension: 0.25, pointRadius: 2 };
    }),
  };
  const existing = chartOn(canvas);
  if (existing) {
    existing.data = data as ChartData;
    existing.update('none');
    return;
  }
  rememberChart(
    canvas,
    new Chart(canvas, {
      type: 'line',
      data,
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: 'bottom' } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 }, grid: { color: '#eef1f4' } }, x: { grid: { display: false } } },
      },
    }) as unknown as Chart,
  );
}
