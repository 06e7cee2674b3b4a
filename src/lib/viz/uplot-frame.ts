import type uPlot from 'uplot';

/** A chart's options without its size (UPlotChart sets the width from its element and the given height). */
export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

/** A CSS custom property of the page's theme (uPlot draws on canvas and needs plain colour strings). */
export function themeColour(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** The axis look every chart shares: muted labels, border-coloured grid and ticks. */
export function axisStyle(extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return { stroke: themeColour('--muted'), grid: { stroke: themeColour('--border'), width: 1 }, ticks: { stroke: themeColour('--border') }, ...extra };
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
