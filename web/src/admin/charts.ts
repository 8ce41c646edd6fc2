/**
 * The report charts, drawn by Chart.js and its matrix chart (chartjs-chart-matrix
 * for the heat map), both bundled into the console: nothing is fetched from a
 * CDN, and nothing needs inline scripts or styles. Each canvas is an image with
 * a text alternative; the numbers are in a table beside it.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartType,
} from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip, MatrixController, MatrixElement);
Chart.defaults.color = '#c9ccd4';
Chart.defaults.borderColor = '#2b303b';
Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
// Still pictures: nothing moves for people who asked for less motion, and screenshots are stable.
Chart.defaults.animation = false;

const COLORS = { accent: '#ffb400', ok: '#4cd18a', danger: '#ff6b6b', blue: '#7cc4ff', violet: '#b28cf0' };

const drawn = new Map<HTMLCanvasElement, Chart>();

function draw<T extends ChartType>(canvas: HTMLCanvasElement, summary: string, config: ChartConfiguration<T>): void {
  drawn.get(canvas)?.destroy();
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', summary);
  const sized = { ...config, options: { responsive: true, maintainAspectRatio: false, ...config.options } } as ChartConfiguration;
  drawn.set(canvas, new Chart(canvas, sized));
}

/** Dark blue (empty) to amber (full): the share of seats sold, on a square-root scale so that the usual 5–30 % stand apart. */
function heat(pct: number): string {
  const t = Math.sqrt(Math.max(0, Math.min(1, pct / 100)));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(32, 255)}, ${mix(48, 180)}, ${mix(92, 0)})`;
}

export interface HeatCell {
  day: string;
  hall: string;
  pct: number;
  showtimes: number;
}

/** Occupancy as a grid of days (columns) × halls (rows), coloured by the share of seats sold. */
export function heatMap(canvas: HTMLCanvasElement, summary: string, days: string[], halls: string[], cells: HeatCell[]): void {
  draw(canvas, summary, {
    type: 'matrix',
    data: {
      datasets: [
        {
          label: 'Seats sold',
          data: cells.map((c) => ({ x: c.day, y: c.hall, v: c.pct })),
          backgroundColor: (ctx) => heat((ctx.raw as { v: number } | undefined)?.v ?? 0),
          borderColor: '#0f1115',
          borderWidth: 1,
          width: ({ chart }) => (chart.chartArea?.width ?? 0) / Math.max(1, days.length) - 2,
          height: ({ chart }) => (chart.chartArea?.height ?? 0) / Math.max(1, halls.length) - 2,
        },
      ],
    },
    options: {
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items) => {
              const c = cells[items[0]?.dataIndex ?? 0];
              return c ? `${c.hall}, ${c.day}` : '';
            },
            label: (item) => {
              const c = cells[item.dataIndex];
              return c ? `${c.pct} % sold over ${c.showtimes} showtime(s)` : '';
            },
          },
        },
      },
      scales: {
        x: { type: 'category', labels: days, offset: true, grid: { display: false }, ticks: { maxRotation: 60, autoSkip: true } },
        y: { type: 'category', labels: halls, offset: true, reverse: false, grid: { display: false } },
      },
    },
  });
}

/** Money per day: revenue and refunds, as lines. */
export function revenueLines(canvas: HTMLCanvasElement, summary: string, days: string[], revenue: number[], refunds: number[], money: (minor: number) => string): void {
  draw(canvas, summary, {
    type: 'line',
    data: {
      labels: days,
      datasets: [
        { label: 'Revenue', data: revenue, borderColor: COLORS.ok, backgroundColor: COLORS.ok, tension: 0.2 },
        { label: 'Refunded', data: refunds, borderColor: COLORS.danger, backgroundColor: COLORS.danger, borderDash: [6, 4], tension: 0.2 },
      ],
    },
    options: {
      interaction: { mode: 'index', intersect: false },
      plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${money(Number(item.raw))}` } } },
      scales: { y: { beginAtZero: true, ticks: { callback: (v) => money(Number(v)) } } },
    },
  });
}

/** Bars per label, one colour per series; horizontal for long labels (film titles). */
export function bars(canvas: HTMLCanvasElement, summary: string, labels: string[], series: { label: string; data: number[] }[], horizontal = false): void {
  const palette = [COLORS.accent, COLORS.blue, COLORS.violet, COLORS.danger];
  draw(canvas, summary, {
    type: 'bar',
    data: { labels, datasets: series.map((s, i) => ({ ...s, backgroundColor: palette[i % palette.length] })) },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      scales: { [horizontal ? 'x' : 'y']: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
}
