import type { RunRecord } from '../engine/runs/record';
import { Ema } from '../engine/train/ema';

const POINTS = 300;

/**
 * One run's training-loss curve for overlaying: x in epochs (step / steps per epoch, so runs with other
 * batch sizes line up), y smoothed (bias-corrected EMA, as the live chart) and cut to at most ~300 points.
 */
export function lossCurve(run: Pick<RunRecord, 'stepLoss' | 'stepsPerEpoch'>, beta = 0.95): [number[], number[]] {
  const n = run.stepLoss.length;
  const every = Math.max(1, Math.ceil(n / POINTS));
  const xs: number[] = [];
  const ys: number[] = [];
  const ema = new Ema(beta);
  for (let i = 0; i < n; i++) {
    const smoothed = ema.next(run.stepLoss[i]);
    if ((i + 1) % every === 0 || i === n - 1) {
      xs.push((i + 1) / Math.max(1, run.stepsPerEpoch));
      ys.push(smoothed);
    }
  }
  return [xs, ys];
}
