import type { Domain } from '../engine/lab/surfaces';
import { formatTick, niceTicks, type PlotRect } from './heatmap';

/**
 * A 2-D plot's frame on a canvas: maps data coordinates to CSS pixels and back, and draws the
 * axes with ticks and names. Shared by the lab's surface, the fitted-line plot, the loss
 * landscape and the decision boundary.
 */
export class PlotFrame {
  constructor(
    readonly rect: PlotRect,
    readonly domain: Domain,
  ) {}

  /** Margins that leave room for tick labels, scaled by `scale` (projector mode). */
  static margins(scale: number) {
    return { left: 46 * scale, right: 12 * scale, top: 10 * scale, bottom: 38 * scale };
  }

  /** A square plot filling `width` CSS pixels (minus margins). */
  static square(width: number, domain: Domain, scale = 1): { frame: PlotFrame; height: number } {
    const m = PlotFrame.margins(scale);
    const side = Math.max(80, width - m.left - m.right);
    return { frame: new PlotFrame({ left: m.left, top: m.top, width: side, height: side }, domain), height: side + m.top + m.bottom };
  }

  px(x: number): number {
    const d = this.domain;
    return this.rect.left + ((x - d.xMin) / (d.xMax - d.xMin)) * this.rect.width;
  }

  py(y: number): number {
    const d = this.domain;
    return this.rect.top + ((d.yMax - y) / (d.yMax - d.yMin)) * this.rect.height;
  }

  /** Data coordinates of the CSS pixel (cx, cy). */
  toData(cx: number, cy: number): [number, number] {
    const d = this.domain;
    return [d.xMin + ((cx - this.rect.left) / this.rect.width) * (d.xMax - d.xMin), d.yMax - ((cy - this.rect.top) / this.rect.height) * (d.yMax - d.yMin)];
  }

  contains(cx: number, cy: number): boolean {
    const r = this.rect;
    return cx >= r.left && cx <= r.left + r.width && cy >= r.top && cy <= r.top + r.height;
  }

  /** Clips later drawing to the plot area (pair with ctx.restore()). */
  clip(ctx: CanvasRenderingContext2D): void {
    ctx.save();
    ctx.beginPath();
    ctx.rect(this.rect.left, this.rect.top, this.rect.width, this.rect.height);
    ctx.clip();
  }

  drawAxes(ctx: CanvasRenderingContext2D, names: [string, string], colour: string, fontPx: number): void {
    const { rect, domain: d } = this;
    ctx.save();
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = 1;
    ctx.strokeRect(rect.left, rect.top, rect.width, rect.height);
    ctx.font = `${fontPx}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const bottom = rect.top + rect.height;
    for (const v of niceTicks(d.xMin, d.xMax, 6)) {
      const x = this.px(v);
      ctx.fillRect(x - 0.5, bottom, 1, 4);
      ctx.fillText(formatTick(v), x, bottom + 5);
    }
    ctx.fillText(names[0], rect.left + rect.width / 2, bottom + 6 + fontPx * 1.1);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of niceTicks(d.yMin, d.yMax, 6)) {
      const y = this.py(v);
      ctx.fillRect(rect.left - 4, y - 0.5, 4, 1);
      ctx.fillText(formatTick(v), rect.left - 6, y);
    }
    ctx.save();
    ctx.translate(fontPx * 0.8, rect.top + rect.height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText(names[1], 0, 0);
    ctx.restore();
    ctx.restore();
  }
}

/** Sizes a canvas for crisp drawing at the device's pixel ratio; returns its context in CSS pixels. */
export function prepareCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const dpr = typeof devicePixelRatio === 'number' ? devicePixelRatio : 1;
  const w = Math.round(width * dpr);
  const h = Math.round(height * dpr);
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  ctx?.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}
