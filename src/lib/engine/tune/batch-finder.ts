import * as tf from '@tensorflow/tfjs';
import { splitIndices, type Dataset } from '../data/dataset';
import type { OptimizerName } from '../train/config';
import { defaultLoss } from '../train/losses';
import { createOptimizer } from '../train/optimizers';
import { StepRunner, type StepScalars } from '../train/step';
import { nextMacrotask } from '../train/yield';
import { BatchSource } from './batches';
import { estimateNoiseScale, relativeTimeToTarget, type NoiseSample } from './noise-scale';
import { measureThroughput } from './throughput';

export interface BatchFinderOptions {
  optimizer: OptimizerName;
  learningRate: number;
  seed: number;
  validationSplit: number;
  /** Time spent measuring each batch size after its warm-up steps. */
  measureMs?: number;
  /** Stop growing the batch once one step takes longer than this. */
  maxStepMs?: number;
  /** Largest batch size tried. */
  maxBatch?: number;
  /** Steps averaged for the noise-scale estimate. */
  noiseSteps?: number;
}

export interface BatchRow {
  batchSize: number;
  samplesPerSec: number;
  stepMs: number;
  /** Relative predicted time to the target loss (1 = the chosen size); filled in at the end. */
  relativeTime?: number;
}

export interface BatchDecision {
  rows: BatchRow[];
  noiseScale: number | null;
  gradSquared: number;
  traceSigma: number;
  noisePair: [small: number, big: number];
  chosen: number;
  stoppedBecause: string;
  reason: string;
  seconds: number;
}

/**
 * Measures real training steps at batch sizes 8, 16, 32, … on the active backend, estimates the gradient
 * noise scale, and picks the batch size with the least predicted time to a target loss. Works on the
 * model's current weights and restores them afterwards.
 */
export async function findBatchSize(
  model: tf.LayersModel,
  dataset: Dataset,
  options: BatchFinderOptions,
  onRow?: (row: BatchRow) => void,
  shouldStop?: () => boolean,
): Promise<BatchDecision> {
  const t0 = performance.now();
  const { measureMs = 30, maxStepMs = 500, noiseSteps = 4 } = options;
  const trainIdx = splitIndices(dataset.train.count, options.validationSplit, options.seed).train;
  const maxBatch = Math.min(options.maxBatch ?? 4096, trainIdx.length);
  const saved = model.getWeights().map((w) => w.clone());
  const optimizer = createOptimizer(options.optimizer, options.learningRate);
  const stepper = new StepRunner(model, dataset, defaultLoss(dataset.task));
  // The noise scale compares a small batch with a big one (which may exceed the largest size to measure).
  const small = Math.min(8, maxBatch);
  const big = Math.min(trainIdx.length, Math.max(small * 4, Math.min(1024, Math.floor(trainIdx.length / 2))));
  const source = new BatchSource(dataset, trainIdx, Math.max(maxBatch, big), options.seed + 2);
  const rows: BatchRow[] = [];
  let stoppedBecause = options.maxBatch !== undefined && options.maxBatch < trainIdx.length ? `reached the largest size the plan allows (${maxBatch})` : `reached the largest size to try (${maxBatch})`;
  let firstLoss = NaN;
  let lastLoss = NaN;
  try {
    for (let b = Math.min(8, maxBatch); b <= maxBatch && !shouldStop?.(); b *= 2) {
      let row: BatchRow;
      try {
        const m = await measure(stepper, optimizer, source, b, measureMs);
        row = m.row;
        if (Number.isNaN(firstLoss)) firstLoss = m.firstLoss;
        lastLoss = m.lastLoss;
      } catch (err) {
        stoppedBecause = `batch ${b} failed on this backend (${(err as Error).message})`;
        break;
      }
      rows.push(row);
      onRow?.(row);
      const prev = rows.at(-2);
      if (row.stepMs > maxStepMs) {
        stoppedBecause = `one step at batch ${b} took ${row.stepMs.toFixed(0)} ms (budget ${maxStepMs} ms)`;
        break;
      }
      if (prev && row.samplesPerSec < prev.samplesPerSec * 1.05) {
        stoppedBecause = `doubling to ${b} gained less than 5% throughput`;
        break;
      }
    }
    if (rows.length === 0) throw new Error(`no batch size could be measured: ${stoppedBecause}`);
    // The measuring steps trained the weights a little, which is where the noise scale is more telling than at
    // initialisation (it grows as training goes on); unless the loss rose (a huge starting rate ruins them).
    if (!(lastLoss <= firstLoss)) model.setWeights(saved);
    const noise = await sampleNoise(stepper, source, small, big, noiseSteps, shouldStop);
    return { ...decide(rows, noise.noiseScale), gradSquared: noise.gradSquared, traceSigma: noise.traceSigma, noisePair: [small, big], stoppedBecause, seconds: (performance.now() - t0) / 1000 };
  } finally {
    model.setWeights(saved);
    tf.dispose(saved);
    optimizer.dispose();
  }
}

async function sampleNoise(stepper: StepRunner, source: BatchSource, small: number, big: number, steps: number, shouldStop?: () => boolean) {
  const samples: NoiseSample[] = [];
  for (let i = 0; i < steps && !shouldStop?.(); i++) {
    source.next(small);
    const gs = await stepper.gradientNormSquared(source.x, source.y, small);
    source.next(big);
    const gb = await stepper.gradientNormSquared(source.x, source.y, big);
    if (Number.isFinite(gs) && Number.isFinite(gb)) samples.push({ small: gs, big: gb });
  }
  return samples.length ? estimateNoiseScale(samples, small, big) : { noiseScale: null, gradSquared: NaN, traceSigma: NaN };
}

/** Throughput at one batch size (warm-up, then the median of timed slices: see measureThroughput), with the loss of its first and last step. */
async function measure(stepper: StepRunner, optimizer: tf.Optimizer, source: BatchSource, batch: number, measureMs: number): Promise<{ row: BatchRow; firstLoss: number; lastLoss: number }> {
  const m = await measureThroughput<StepScalars>(
    {
      step: () => {
        source.next(batch);
        return stepper.step(optimizer, source.x, source.y, batch);
      },
      readBack: async (s) => (await s[0].data())[0],
      discard: (s) => tf.dispose(s),
      now: () => performance.now(),
      yieldNow: nextMacrotask,
    },
    { batch, measureMs },
  );
  return { row: { batchSize: batch, samplesPerSec: m.samplesPerSec, stepMs: (batch * 1000) / m.samplesPerSec }, firstLoss: m.firstLoss, lastLoss: m.lastLoss };
}

/** Picks the row with the least predicted time to target and says why in one sentence. */
export function decide(rows: BatchRow[], noiseScale: number | null): { rows: BatchRow[]; noiseScale: number | null; chosen: number; reason: string } {
  const times = rows.map((r) => relativeTimeToTarget(r.batchSize, r.samplesPerSec, noiseScale));
  const bestIdx = times.indexOf(Math.min(...times));
  const best = rows[bestIdx];
  const withTimes = rows.map((r, i) => ({ ...r, relativeTime: times[i] / times[bestIdx] }));
  const fastest = rows.reduce((a, b) => (b.samplesPerSec > a.samplesPerSec ? b : a));
  const reason =
    noiseScale === null
      ? `The gradient noise could not be estimated, so batch ${best.batchSize} was chosen for its throughput (${Math.round(best.samplesPerSec)} samples/s).`
      : best.batchSize === fastest.batchSize
        ? `Batch ${best.batchSize} has the highest throughput (${Math.round(best.samplesPerSec)} samples/s) and is still small next to the gradient noise scale (${Math.round(noiseScale)}), so it reaches the target soonest.`
        : `Batch ${fastest.batchSize} would process more samples/s, but above the gradient noise scale (${Math.round(noiseScale)}) larger batches need proportionally more examples, so batch ${best.batchSize} reaches the target soonest.`;
  return { rows: withTimes, noiseScale, chosen: best.batchSize, reason };
}
