import * as tf from '../tf';
import { splitIndices, type Dataset } from '../data/dataset';
import { EngineError, engineMessage, toEngineMessage, type EngineMessage } from '../errors';
import type { OptimizerName } from '../train/config';
import { defaultLoss } from '../train/losses';
import { createOptimizer } from '../train/optimizers';
import { StepRunner, type StepScalars } from '../train/step';
import { nextMacrotask } from '../train/yield';
import type { BatchReason } from './batch-reason';
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
  /** Why the sizes stopped growing (the page words it). */
  stoppedBecause: EngineMessage;
  /** Why `chosen` was picked (the page words it; `batchReasonText` gives the English of stored records). */
  reason: BatchReason;
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
  let stoppedBecause: EngineMessage =
    options.maxBatch !== undefined && options.maxBatch < trainIdx.length ? engineMessage('tune.planLimit', { batch: maxBatch }) : engineMessage('tune.triedLimit', { batch: maxBatch });
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
        stoppedBecause = engineMessage('tune.batchFailed', { batch: b, problem: toEngineMessage(err) });
        break;
      }
      rows.push(row);
      onRow?.(row);
      const prev = rows.at(-2);
      if (row.stepMs > maxStepMs) {
        stoppedBecause = engineMessage('tune.stepTooSlow', { batch: b, ms: row.stepMs, budget: maxStepMs });
        break;
      }
      if (prev && row.samplesPerSec < prev.samplesPerSec * 1.05) {
        stoppedBecause = engineMessage('tune.smallGain', { batch: b });
        break;
      }
    }
    if (rows.length === 0) throw new EngineError('tune.noBatchMeasured', { why: stoppedBecause });
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

/** Picks the row with the least predicted time to target and says why (a code with the numbers behind it). */
export function decide(rows: BatchRow[], noiseScale: number | null): { rows: BatchRow[]; noiseScale: number | null; chosen: number; reason: BatchReason } {
  const times = rows.map((r) => relativeTimeToTarget(r.batchSize, r.samplesPerSec, noiseScale));
  const bestIdx = times.indexOf(Math.min(...times));
  const best = rows[bestIdx];
  const withTimes = rows.map((r, i) => ({ ...r, relativeTime: times[i] / times[bestIdx] }));
  const fastest = rows.reduce((a, b) => (b.samplesPerSec > a.samplesPerSec ? b : a));
  const reason: BatchReason =
    noiseScale === null
      ? engineMessage('tune.chosenNoNoise', { batch: best.batchSize, samplesPerSec: best.samplesPerSec })
      : best.batchSize === fastest.batchSize
        ? engineMessage('tune.chosenFastest', { batch: best.batchSize, samplesPerSec: best.samplesPerSec, noiseScale })
        : engineMessage('tune.chosenBelowNoise', { batch: best.batchSize, fastest: fastest.batchSize, noiseScale });
  return { rows: withTimes, noiseScale, chosen: best.batchSize, reason };
}
