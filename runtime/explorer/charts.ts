/**
 * Charts with uPlot: series over bundle heights (metrics, fees, transactions per bundle) and the
 * anchoring lag over the time the page has been open. Each chart fills its container's width and
 * follows it when the window is resized.
 * @module
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from './dom';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

/** Charts on the page: live pages redraw every poll, so detached ones are destroyed, not kept. */
const drawn = new Set<{ readonly plot: HTMLElement; readonly chart: uPlot }>();

const width = (plot: HTMLElement) => Math.max(240, plot.clientWidth);

function pruneDetached(): void {
  for (const entry of [...drawn]) {
    if (entry.plot.isConnected) continue;
    entry.chart.destroy();
    drawn.delete(entry);
  }
}

window.addEventListener('resize', () => {
  pruneDetached();
  for (const { plot, chart } of drawn) chart.setSize({ width: width(plot), height: 200 });
});

export type Series = { readonly label: string; readonly values: readonly (number | null)[] };

/**
 * A line chart of `series` over `xs` in a titled box.
 * @param options - `xLabel`; `time`: xs are seconds since the epoch; `bars`: draw bars; `counts`:
 *   the y axis starts at zero
 */
export function chart(
  title: string,
  id: string,
  xs: readonly number[],
  series: readonly Series[],
  options: {
    readonly xLabel?: string;
    readonly time?: boolean;
    readonly bars?: boolean;
    /** Whole counts from zero (the y axis starts at 0). */
    readonly counts?: boolean;
  } = {},
): HTMLElement {
  const box = h('div', { class: 'chart', 'data-chart': id }, h('h3', {}, title));
  if (xs.length < 2) {
    box.append(h('p', { class: 'empty' }, 'not enough points yet'));
    return box;
  }
  const plot = h('div', { class: 'plot' });
  box.append(plot);
  const bars = uPlot.paths.bars?.({ size: [0.6, 40] });
  const opts: uPlot.Options = {
    width: 600,
    height: 200,
    scales: {
      // Bars are centred on their height: half a bar of room on each side.
      x:
        options.bars === true
          ? { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] }
          : { time: options.time === true },
      // Counts and bars read from zero.
      ...(options.bars === true || options.counts === true
        ? { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } }
        : {}),
    },
    axes: [
      // Heights are whole numbers: no ticks between them.
      {
        label: options.xLabel ?? 'height',
        ...(options.time === true ? {} : { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }),
      },
      {},
    ],
    legend: { show: true },
    series: [
      {},
      ...series.map((s, i) => ({
        label: s.label,
        stroke: COLORS[i % COLORS.length] as string,
        width: 2,
        ...(options.bars === true && bars !== undefined
          ? { paths: bars, fill: `${COLORS[i % COLORS.length]}66` }
          : {}),
      })),
    ],
  };
  const data = [Array.from(xs), ...series.map((s) => Array.from(s.values))] as uPlot.AlignedData;
  // Sized once the box is in the document, and again when the window changes size.
  requestAnimationFrame(() => {
    if (!plot.isConnected) return;
    drawn.add({ plot, chart: new uPlot({ ...opts, width: width(plot) }, data, plot) });
    pruneDetached();
  });
  return box;
}
