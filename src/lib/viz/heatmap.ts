import { contourSegments } from '../engine/lab/contours';
import type { ColourScale, Grid } from '../engine/lab/grid';
import { colourAt } from './colormap';

/**
 * Draws a sampled grid as a filled heat map: an offscreen canvas of the grid's size, coloured
 * through `scale` (with `bands` flat steps, like a filled contour plot, or smooth when 0).
 * The caller scales it onto the visible canvas.
 */
export function heatmapCanvas(grid: Grid, scale: ColourScale, bands = 0): OffscreenCanvas | HTMLCanvasElement {
  const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(grid.nx, grid.ny) : Object.assign(document.createElement('canvas'), { width: grid.nx, height: grid.ny });
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) return canvas;
  const image = ctx.createImageData(grid.nx, grid.ny);
  for (let k = 0; k < grid.values.length; k++) {
    let p = scale.position(grid.values[k]);
    if (bands > 0) p = (Math.min(bands - 1, Math.floor(p * bands)) + 0.5) / bands;
    const [r, g, b] = colourAt(p);
    image.data[4 * k] = r;
    image.data[4 * k + 1] = g;
    image.data[4 * k + 2] = b;
    image.data[4 * k + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

/** Where the grid sits on the visible canvas (CSS pixels). */
export interface PlotRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Strokes iso-lines of `grid` at `levels` into `rect`. */
export function drawContours(ctx: CanvasRenderingContext2D, grid: Grid, levels: number[], rect: PlotRect, style: string, lineWidth: number): void {
  const sx = rect.width / (grid.nx - 1);
  const sy = rect.height / (grid.ny - 1);
  ctx.save();
  ctx.strokeStyle = style;
  ctx.lineWidth = lineWidth;
  ctx.beginPath();
  for (const level of levels) {
    const segs = contourSegments(grid, level);
    for (let k = 0; k < segs.length; k += 4) {
      ctx.moveTo(rect.left + segs[k] * sx, rect.top + segs[k + 1] * sy);
      ctx.lineTo(rect.left + segs[k + 2] * sx, rect.top + segs[k + 3] * sy);
    }
  }
  ctx.stroke();
  ctx.restore();
}

/** "Nice" tick values covering [lo, hi] (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

/** Short text for a tick or legend value. */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e4 || a < 1e-2) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}

/** Labels for legend values with as many significant digits (3 to 6) as it takes to tell them apart. */
export function distinctTicks(values: number[]): string[] {
  let texts = values.map(formatTick);
  for (let digits = 4; digits <= 6 && new Set(texts).size < texts.length; digits++) {
    texts = values.map((v) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(digits - 1) : String(Number(v.toPrecision(digits)))));
  }
  return texts;
}
