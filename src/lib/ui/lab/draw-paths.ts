import type { Path } from '../../engine/lab/trajectory';
import type { Vec2 } from '../../engine/lab/surfaces';
import type { PlotFrame } from '../../viz/plot-frame';
import { OPTIMIZER_COLOURS } from './colours';

/** Line widths and marker sizes; projector mode doubles them. */
export interface PathStyle {
  line: number;
  dot: number;
  head: number;
  halo: string;
}

/** Dots at every step only while they stay apart. */
const DOTS_UP_TO = 400;

/**
 * Draws each optimizer's trajectory: a dark halo under a coloured line (visible on dark and light
 * parts of the map), dots at the steps, a larger head where it is now. A head outside the plot
 * is shown as a ring on the plot's edge in the direction it went.
 */
export function drawPaths(ctx: CanvasRenderingContext2D, frame: PlotFrame, paths: readonly Path[], style: PathStyle): void {
  frame.clip(ctx);
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  for (const path of paths) {
    const colour = OPTIMIZER_COLOURS[path.kind];
    const n = path.xy.length / 2;
    const trace = () => {
      ctx.beginPath();
      for (let i = 0; i < n; i++) {
        const x = clampPx(frame.px(path.xy[2 * i]));
        const y = clampPx(frame.py(path.xy[2 * i + 1]));
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      }
    };
    trace();
    ctx.strokeStyle = style.halo;
    ctx.lineWidth = style.line + 2.5;
    ctx.stroke();
    trace();
    ctx.strokeStyle = colour;
    ctx.lineWidth = style.line;
    ctx.stroke();
    if (n <= DOTS_UP_TO) {
      ctx.fillStyle = colour;
      for (let i = 1; i < n; i++) dot(ctx, frame.px(path.xy[2 * i]), frame.py(path.xy[2 * i + 1]), style.dot);
    }
    head(ctx, frame, path.theta, colour, style);
  }
  ctx.restore();
}

/** Canvas coordinates far outside the view are clamped (huge values break line drawing). */
function clampPx(v: number): number {
  return Number.isFinite(v) ? Math.max(-1e5, Math.min(1e5, v)) : 0;
}

function dot(ctx: CanvasRenderingContext2D, x: number, y: number, r: number): void {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.fill();
}

function head(ctx: CanvasRenderingContext2D, frame: PlotFrame, theta: Vec2, colour: string, style: PathStyle): void {
  if (!Number.isFinite(theta[0]) || !Number.isFinite(theta[1])) return;
  const { rect } = frame;
  let x = frame.px(theta[0]);
  let y = frame.py(theta[1]);
  const outside = !frame.contains(x, y);
  if (outside) {
    x = Math.max(rect.left + style.head, Math.min(rect.left + rect.width - style.head, x));
    y = Math.max(rect.top + style.head, Math.min(rect.top + rect.height - style.head, y));
  }
  ctx.beginPath();
  ctx.arc(x, y, style.head, 0, 2 * Math.PI);
  ctx.lineWidth = 2.5;
  ctx.strokeStyle = style.halo;
  ctx.stroke();
  if (outside) {
    ctx.lineWidth = 2;
    ctx.strokeStyle = colour;
    ctx.stroke();
  } else {
    ctx.fillStyle = colour;
    ctx.fill();
  }
}

/** The start: a white ring with a dark rim. */
export function drawStart(ctx: CanvasRenderingContext2D, frame: PlotFrame, start: Vec2, size: number): void {
  const x = frame.px(start[0]);
  const y = frame.py(start[1]);
  ctx.beginPath();
  ctx.arc(x, y, size, 0, 2 * Math.PI);
  ctx.lineWidth = 4;
  ctx.strokeStyle = '#000';
  ctx.stroke();
  ctx.lineWidth = 2;
  ctx.strokeStyle = '#fff';
  ctx.stroke();
}

/** Known minima: small white crosses. */
export function drawMinima(ctx: CanvasRenderingContext2D, frame: PlotFrame, minima: readonly Vec2[], size: number): void {
  ctx.save();
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = 2;
  for (const [mx, my] of minima) {
    const x = frame.px(mx);
    const y = frame.py(my);
    ctx.beginPath();
    ctx.moveTo(x - size, y - size);
    ctx.lineTo(x + size, y + size);
    ctx.moveTo(x + size, y - size);
    ctx.lineTo(x - size, y + size);
    ctx.stroke();
  }
  ctx.restore();
}
