import type uPlot from 'uplot';
import { formatNumber } from '../i18n/locale.svelte';
import { projector } from '../state/projector.svelte';
import { tickDecimals } from './ticks';

/** A chart's options without its size (UPlotChart sets the width from its element and the given height). */
export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

/** A CSS custom property of the page's theme (uPlot draws on canvas and needs plain colour strings). */
export function themeColour(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/**
 * The axis look every chart shares: muted labels, border-coloured grid and ticks. In projector mode the tick
 * and axis-name text is 18 px (with room for it); a chart's options read this, so they are built again on a switch.
 */
export function axisStyle(extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  const base: uPlot.Axis = { stroke: themeColour('--muted'), grid: { stroke: themeColour('--border'), width: 1 }, ticks: { stroke: themeColour('--border') }, values: tickLabels };
  if (!projector.on) return { ...base, ...extra };
  const px = projector.chartFont();
  const font = `${px}px system-ui, sans-serif`;
  // uPlot's `size` is the room for the tick labels: widen what a chart asked for in proportion to the text.
  const size = typeof extra.size === 'number' ? Math.round((extra.size * px) / 12) : px * 4;
  return { ...base, ...extra, font, labelFont: `600 ${font}`, labelSize: px + 10, size, ticks: { stroke: themeColour('--border'), width: 2 } };
}

/** Tick labels with the decimals the ticks need (`tickDecimals`), all alike, in the page's locale. */
export function tickLabels(_u: uPlot, splits: (number | null)[]): string[] {
  const decimals = tickDecimals(splits);
  return splits.map((v) => (v == null || !Number.isFinite(v) ? '' : formatNumber(v, { minimumFractionDigits: decimals, maximumFractionDigits: decimals })));
}

/**
 * Used by UPlotChart, the one place that builds uPlot charts. Keeps `plot` as wide as `host` at a fixed `height`. Returns the effect's cleanup: stops watching and
 * destroys the plot.
 */
export function fitToHost(plot: uPlot, host: HTMLElement, height: number): () => void {
  const resize = new ResizeObserver(() => plot.setSize({ width: host.clientWidth, height }));
  resize.observe(host);
  return () => {
    resize.disconnect();
    plot.destroy();
  };
}
