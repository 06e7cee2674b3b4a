import * as tf from '../tf';
import { splitIndices, type Dataset } from '../data/dataset';
import type { OptimizerName } from '../train/config';
import { defaultLoss } from '../train/losses';
import { createOptimizer, setOptimizerParams } from '../train/optimizers';
import { Ema } from '../train/ema';
import { StepRunner } from '../train/step';
import { nextMacrotask } from '../train/yield';
import { BatchSource } from './batches';
import { cyclePeakLr, edgeIndex, steepestIndex, valleyIndex } from './suggest';

export interface RangeTestOptions {
  optimizer: OptimizerName;
  batchSize: number;
  seed: number;
  validationSplit: number;
  minLr?: number;
  maxLr?: number;
  /** Sweep length; fewer for tiny datasets. */
  steps?: number;
}

export interface RangeTestPoint {
  lr: number;
  loss: number;
  smoothed: number;
}

/** `cycle`: the peak Auto gives a one-cycle schedule (see `cyclePeakLr`). */
export type LrRule = 'valley' | 'steepest' | 'edge' | 'cycle';

export interface RangeTestResult {
  points: RangeTestPoint[];
  steepest: { index: number; lr: number };
  valley: { index: number; lr: number; start: number; end: number };
  /** One tenth of the rate where the loss starts to blow up (used when the curve has no valley). */
  edge: { index: number; lr: number };
  /** The peak for a one-cycle schedule, between the valley and the edge. */
  cyclePeak: { lr: number };
  /** The rule whose suggestion is applied by default, and the rate it gives. */
  applied: LrRule;
  suggestedLr: number;
  optimizer: OptimizerName;
  batchSize: number;
  stoppedEarly: boolean;
  seconds: number;
}

const BETA = 0.98;
const DIVERGE_FACTOR = 4;

/** Sweep length: about 100 steps, but no more than ~3 passes over a tiny dataset (and at least 30). */
export function rangeTestSteps(trainCount: number, batchSize: number, wanted = 100): number {
  return Math.max(30, Math.min(wanted, 3 * Math.floor(trainCount / batchSize)));
}

/**
 * Learning-rate range test (Smith 2015; fastai's lr_find): trains with the rate rising exponentially from
 * `minLr` to `maxLr`, smooths the loss (bias-corrected EMA, β = 0.98) and stops once it exceeds 4× its best.
 * Runs on the model's current weights and restores them exactly afterwards.
 */
export async function lrRangeTest(
  model: tf.LayersModel,
  dataset: Dataset,
  options: RangeTestOptions,
  onPoint?: (p: RangeTestPoint, index: number, total: number) => void,
  shouldStop?: () => boolean,
): Promise<RangeTestResult> {
  const t0 = performance.now();
  const { minLr = 1e-7, maxLr = 10 } = options;
  const trainIdx = splitIndices(dataset.train.count, options.validationSplit, options.seed).train;
  const batch = Math.min(options.batchSize, trainIdx.length);
  const steps = options.steps ?? rangeTestSteps(trainIdx.length, batch);
  const saved = model.getWeights().map((w) => w.clone());
  const optimizer = createOptimizer(options.optimizer, minLr);
  const stepper = new StepRunner(model, dataset, defaultLoss(dataset.task));
  const source = new BatchSource(dataset, trainIdx, batch, options.seed + 1);
  const points: RangeTestPoint[] = [];
  let best = Infinity;
  const ema = new Ema(BETA);
  let stoppedEarly = false;
  try {
    for (let i = 0; i < steps && !shouldStop?.(); i++) {
      const lr = minLr * Math.pow(maxLr / minLr, i / (steps - 1));
      setOptimizerParams(optimizer, lr);
      source.next(batch);
      const scalars = stepper.step(optimizer, source.x, source.y, batch);
      const [loss] = await scalars[0].data();
      tf.dispose(scalars);
      const smoothed = ema.next(loss);
      const point = { lr, loss, smoothed };
      points.push(point);
      onPoint?.(point, i, steps);
      if (!Number.isFinite(smoothed) || (i > 0 && smoothed > DIVERGE_FACTOR * best)) {
        stoppedEarly = true;
        break;
      }
      best = Math.min(best, smoothed);
      if (i % 4 === 3) await nextMacrotask();
    }
  } finally {
    model.setWeights(saved);
    tf.dispose(saved);
    optimizer.dispose();
  }
  return { ...suggestFromPoints(points), optimizer: options.optimizer, batchSize: batch, stoppedEarly, seconds: (performance.now() - t0) / 1000 };
}

/** Both suggestions for a finished curve. The curve's last (diverged) point is left out of the rules. */
export function suggestFromPoints(points: RangeTestPoint[]): Pick<RangeTestResult, 'points' | 'steepest' | 'valley' | 'edge' | 'cyclePeak' | 'applied' | 'suggestedLr'> {
  const usable = points.filter((p) => Number.isFinite(p.smoothed));
  const lrs = usable.map((p) => p.lr);
  // The rules look at the curve up to its minimum plus the rise after it, not the blown-up tail.
  const smoothed = usable.map((p) => p.smoothed);
  const steep = steepestIndex(lrs, smoothed);
  const valley = valleyIndex(lrs, smoothed);
  const at = (i: number) => lrs[Math.min(Math.max(i, 0), lrs.length - 1)] ?? NaN;
  // A valley needs a real stretch of falling loss; without one, step back from the blow-up instead.
  // ...and a drop that stands out of the noise: at least 5% of the loss where the sweep started.
  const drop = smoothed[valley.start] - smoothed[valley.end];
  const hasValley = valley.end - valley.start >= 3 && drop >= 0.05 * smoothed[0];
  const edge = edgeIndex(lrs, smoothed);
  return {
    points,
    steepest: { index: steep, lr: at(steep) },
    valley: { ...valley, lr: at(valley.index) },
    edge: { index: edge, lr: at(edge) },
    cyclePeak: { lr: cyclePeakLr(at(valley.index), at(edge), hasValley) },
    applied: hasValley ? 'valley' : 'edge',
    suggestedLr: at(hasValley ? valley.index : edge),
  };
}

