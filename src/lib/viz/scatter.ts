import { classColour, rampColour } from './palette';

/** Points to draw: coordinates, and a class index or a value per point (coloured on a ramp). */
export interface ScatterParams {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  value: ArrayLike<number>;
  byClass: boolean;
  /** Draw the line y = x (predicted against true). */
  diagonal?: boolean;
  /** Highlight these point indices. */
  highlight?: number[];
}

const PAD = 8;

/** Fill of a point: its class's colour from the page's one palette, or its value's place on the ramp in [v0, v1]. */
export function pointFill(value: number, byClass: boolean, v0 = 0, v1 = 1): string {
  return byClass ? classColour(value) : rampColour((value - v0) / (v1 - v0));
}

function extent(a: ArrayLike<number>, b?: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const arr of b ? [a, b] : [a]) {
    for (let i = 0; i < arr.length; i++) {
      if (arr[i] < lo) lo = arr[i];
      if (arr[i] > hi) hi = arr[i];
    }
  }
  return hi > lo ? [lo, hi] : [lo - 1, hi + 1];
}

function draw(canvas: HTMLCanvasElement, p: ScatterParams): void {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 300;
  const h = canvas.clientHeight || 200;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.scale(dpr, dpr);
  ctx.clearRect(0, 0, w, h);
  // Predicted-vs-true plots share one scale on both axes, so the diagonal means "exactly right".
  const [x0, x1] = p.diagonal ? extent(p.x, p.y) : extent(p.x);
  const [y0, y1] = p.diagonal ? [x0, x1] : extent(p.y);
  const [v0, v1] = extent(p.value);
  const sx = (v: number) => PAD + ((v - x0) / (x1 - x0)) * (w - 2 * PAD);
  const sy = (v: number) => h - PAD - ((v - y0) / (y1 - y0)) * (h - 2 * PAD);
  if (p.diagonal) {
    ctx.strokeStyle = 'rgba(147,160,184,0.6)';
    ctx.beginPath();
    ctx.moveTo(sx(x0), sy(x0));
    ctx.lineTo(sx(x1), sy(x1));
    ctx.stroke();
  }
  for (let i = 0; i < p.x.length; i++) {
    ctx.fillStyle = pointFill(p.value[i], p.byClass, v0, v1);
    ctx.globalAlpha = 0.8;
    ctx.beginPath();
    ctx.arc(sx(p.x[i]), sy(p.y[i]), 2.5, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  ctx.strokeStyle = '#ff6b6b';
  for (const i of p.highlight ?? []) {
    ctx.beginPath();
    ctx.arc(sx(p.x[i]), sy(p.y[i]), 5, 0, 2 * Math.PI);
    ctx.stroke();
  }
}

/** Svelte action: a scatter plot on a canvas, redrawn when the data or the canvas size changes. */
export function scatter(canvas: HTMLCanvasElement, params: ScatterParams) {
  let current = params;
  const observer = new ResizeObserver(() => draw(canvas, current));
  observer.observe(canvas);
  draw(canvas, current);
  return {
    update(next: ScatterParams) {
      current = next;
      draw(canvas, current);
    },
    destroy: () => observer.disconnect(),
  };
}
