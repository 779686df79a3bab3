/**
 * One chart of the insight page: Chart.js on a canvas, and the same figures as a table under it.
 * The canvas is an image to assistive technology (`role="img"` with a label that says what it
 * shows); the table is the chart's text, read by screen readers and copied by people. Chart.js
 * is registered with only the parts these charts use, so the bundle carries nothing else.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';
import { el } from './dom.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

/** Okabe–Ito: told apart by people with each common colour-vision deficiency. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];
const MORE = '#8a8f98';

export interface ChartSeries {
  readonly name: string;
  readonly values: readonly (number | null)[];
}

export interface ChartSpec {
  readonly title: string;
  /** What the labels are (`日期`, `Station`): the first column of the table. */
  readonly labelsName: string;
  readonly labels: readonly string[];
  readonly series: readonly ChartSeries[];
  /** Bars stacked (parts of one total), side by side, lying (long names), or a line over time. */
  readonly kind: 'stacked' | 'grouped' | 'horizontal' | 'line';
  /** How a value reads in the table (`12 分钟`, `85%`); the number as it is unless told. */
  readonly format?: (value: number) => string;
  /** Whole numbers (counts): the value axis has no fractions. */
  readonly counts?: boolean;
  /** The top of the value axis when fixed (5 for a score out of 5). */
  readonly max?: number;
  /** Show the series' names under the chart; default when there is more than one series. */
  readonly legend?: boolean;
  /** Said when there is nothing to draw. */
  readonly empty: string;
  readonly testId: string;
}

export interface DrawnChart {
  readonly figure: HTMLElement;
  destroy(): void;
}

const colour = (i: number): string => PALETTE[i] ?? MORE;

/** The figure: title, canvas (or "nothing" in words), and the table of the same figures. */
export function drawChart(spec: ChartSpec, tableCaption: string, mostWord: string): DrawnChart {
  const figure = el('figure', null, { class: 'chart', 'data-testid': spec.testId });
  const caption = el('figcaption', spec.title);
  figure.append(caption);
  const hasData = spec.labels.length > 0 && spec.series.some((s) => s.values.some((v) => v !== null && v !== 0));
  if (!hasData) {
    figure.append(el('p', spec.empty, { class: 'muted', 'data-testid': `${spec.testId}-empty` }));
    return { figure, destroy: () => undefined };
  }
  const format = spec.format ?? ((v: number) => String(v));
  const box = el('div', null, { class: spec.kind === 'horizontal' ? 'canvas-box tall' : 'canvas-box' });
  if (spec.kind === 'horizontal') box.style.height = `${Math.max(160, 28 * spec.labels.length + 60)}px`;
  const canvas = el('canvas', null, { role: 'img', 'aria-label': summary(spec, format, mostWord) });
  box.append(canvas);
  figure.append(box, dataTable(spec, format, tableCaption));

  const stacked = spec.kind === 'stacked' || spec.kind === 'horizontal';
  const config: ChartConfiguration<'bar' | 'line', (number | null)[], string> = {
    type: spec.kind === 'line' ? 'line' : 'bar',
    data: {
      labels: [...spec.labels],
      datasets: spec.series.map((s, i) => ({
        label: s.name,
        data: [...s.values],
        backgroundColor: colour(i),
        borderColor: colour(i),
        spanGaps: true,
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: spec.kind === 'horizontal' ? 'y' : 'x',
      plugins: {
        legend: { display: spec.legend ?? spec.series.length > 1, position: 'bottom' },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${typeof item.raw === 'number' ? format(item.raw) : '—'}` } },
      },
      scales: {
        x: { stacked, beginAtZero: true, ...(spec.kind === 'horizontal' && spec.max !== undefined ? { max: spec.max } : {}), ticks: spec.kind === 'horizontal' ? { precision: spec.counts ? 0 : 2 } : { autoSkip: true, maxRotation: 0 } },
        y: { stacked, beginAtZero: true, ...(spec.kind !== 'horizontal' && spec.max !== undefined ? { max: spec.max } : {}), ticks: spec.kind === 'horizontal' ? { autoSkip: false } : { precision: spec.counts ? 0 : 2 } },
      },
    },
  };
  const chart = new Chart(canvas, config);
  return { figure, destroy: () => chart.destroy() };
}

/** What the chart shows, in one sentence for a screen reader: its title and the largest figure of each series. */
function summary(spec: ChartSpec, format: (v: number) => string, mostWord: string): string {
  const parts = spec.series.map((s) => {
    let best = -1;
    s.values.forEach((v, i) => {
      if (v !== null && (best < 0 || v > (s.values[best] ?? 0))) best = i;
    });
    return best < 0 ? s.name : `${s.name}, ${mostWord} ${spec.labels[best] ?? ''}: ${format(s.values[best] ?? 0)}`;
  });
  return `${spec.title}. ${parts.join('; ')}`;
}

function dataTable(spec: ChartSpec, format: (v: number) => string, caption: string): HTMLElement {
  const details = el('details', null, { class: 'chart-data' });
  details.append(el('summary', caption));
  const table = el('table', null, { 'data-testid': `${spec.testId}-table` });
  const head = el('tr');
  head.append(el('th', spec.labelsName, { scope: 'col' }), ...spec.series.map((s) => el('th', s.name, { scope: 'col' })));
  table.append(el('thead'), el('tbody'));
  table.tHead?.append(head);
  spec.labels.forEach((label, i) => {
    const tr = el('tr');
    tr.append(el('th', label, { scope: 'row' }), ...spec.series.map((s) => el('td', s.values[i] === null || s.values[i] === undefined ? '—' : format(s.values[i]))));
    table.tBodies[0]?.append(tr);
  });
  details.append(table);
  return details;
}
