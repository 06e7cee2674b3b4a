import { emaSeries } from '../train/ema';
/**
 * Learning-rate suggestions from a range-test curve (pure functions, unit-tested on synthetic curves).
 * `lrs` ascend exponentially; `losses` are the smoothed losses at those rates.
 */

/** Bias-corrected exponential moving average (β = 0.98 in the range test). */
export function smoothLosses(losses: readonly number[], beta = 0.98): number[] {
  return emaSeries(losses, beta);
}

/** Index of the steepest descent of loss against log10(lr) (central differences, ends excluded). */
export function steepestIndex(lrs: readonly number[], losses: readonly number[]): number {
  let best = -1;
  let bestSlope = Infinity;
  for (let i = 1; i < losses.length - 1; i++) {
    const slope = (losses[i + 1] - losses[i - 1]) / (Math.log10(lrs[i + 1]) - Math.log10(lrs[i - 1]));
    if (slope < bestSlope) {
      bestSlope = slope;
      best = i;
    }
  }
  return best < 0 ? 0 : best;
}

/**
 * "Valley": the middle of the longest decreasing stretch of the curve before its minimum. A point is on a
 * decreasing stretch when the loss falls faster than 5% of the curve's total drop per decade of learning
 * rate (so the flat, slowly drifting start does not count), and gaps of up to two points are bridged (noise).
 * The suggestion is the stretch's midpoint, in log(lr) since the sweep is geometric.
 */
export function valleyIndex(lrs: readonly number[], losses: readonly number[]): { index: number; start: number; end: number } {
  const n = losses.length;
  if (n < 3) return { index: 0, start: 0, end: Math.max(0, n - 1) };
  const minAt = losses.indexOf(Math.min(...losses));
  const top = Math.max(...losses.slice(0, minAt + 1));
  const threshold = -0.05 * Math.max(top - losses[minAt], 1e-12);
  const falling = (i: number) => {
    const a = Math.max(0, i - 1);
    const b = Math.min(n - 1, i + 1);
    return (losses[b] - losses[a]) / (Math.log10(lrs[b]) - Math.log10(lrs[a])) < threshold;
  };
  let best = { start: minAt, end: minAt };
  let runStart = -1;
  let lastFalling = -10;
  for (let i = 0; i <= minAt; i++) {
    if (!falling(i)) continue;
    if (i - lastFalling > 3) runStart = i;
    lastFalling = i;
    if (i - runStart > best.end - best.start) best = { start: runStart, end: i };
  }
  return { index: Math.round((best.start + best.end) / 2), ...best };
}

/**
 * The peak of a one-cycle schedule: halfway, in log scale, from the valley's rate up to the edge's (one tenth
 * of the blow-up rate). A cycle warms up from 25× below its peak and anneals to 10,000× below it, so it
 * tolerates a higher peak than the best constant rate; the edge bounds it from above. Without a valley,
 * the edge itself.
 */
export function cyclePeakLr(valleyLr: number, edgeLr: number, hasValley: boolean): number {
  if (!hasValley) return edgeLr;
  return edgeLr > valleyLr ? Math.sqrt(valleyLr * edgeLr) : valleyLr;
}

/**
 * Fallback when the curve never falls steadily (too few steps for this task to make progress): one tenth
 * of the rate at which the smoothed loss first rises 10% above its minimum, i.e. just below the blow-up.
 */
export function edgeIndex(lrs: readonly number[], losses: readonly number[]): number {
  const minAt = losses.indexOf(Math.min(...losses));
  let edge = losses.length - 1;
  for (let i = minAt; i < losses.length; i++) {
    if (losses[i] > 1.1 * losses[minAt]) {
      edge = i;
      break;
    }
  }
  const target = lrs[edge] / 10;
  let best = 0;
  for (let i = 0; i < lrs.length; i++) if (Math.abs(Math.log(lrs[i] / target)) < Math.abs(Math.log(lrs[best] / target))) best = i;
  return best;
}
