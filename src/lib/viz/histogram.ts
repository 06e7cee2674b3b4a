import type { LayerHistogram } from '../engine/train/monitor-events';

export interface HistogramParams {
  hist: LayerHistogram;
  color: string;
}

/** Svelte action: draws a histogram's bars on a canvas sized to its CSS box (device pixels). */
export function histogramBars(canvas: HTMLCanvasElement, params: HistogramParams) {
  function draw({ hist, color }: HistogramParams): void {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, width, height);
    const peak = Math.max(1, ...hist.counts);
    const bar = width / hist.counts.length;
    ctx.fillStyle = color;
    hist.counts.forEach((count, i) => {
      const h = count === 0 ? 0 : Math.max(1, (count / peak) * (height - 2));
      ctx.fillRect(i * bar + 0.5, height - h, Math.max(1, bar - 1), h);
    });
  }
  draw(params);
  return { update: draw };
}
