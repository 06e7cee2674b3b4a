import type { TunerDecision } from '../runs/record';
import type { OptimizerName, TrainConfig, TuningRecord } from '../train/config';
import { ONE_CYCLE } from '../train/schedules';
import type { BatchDecision } from './batch-finder';
import { batchReasonText } from './batch-reason';
import type { LrRule, RangeTestResult } from './lr-finder';

/** Rates are set with two significant digits: what the user reads is what runs. */
export function roundRate(lr: number): number {
  return Number(lr.toPrecision(2));
}

/** The fewest optimizer steps Auto lets its first one-cycle round have (it caps the batch size on small data). */
export const MIN_ROUND_STEPS = 400;

/** What Auto settles before it measures anything: the optimizer, the rounds of the schedule, the largest batch. */
export interface AutoPlan {
  /** The optimizer the user set, and the one Auto trains with. */
  from: OptimizerName;
  optimizer: OptimizerName;
  /** Epochs per one-cycle round, summing to the user's epochs. */
  rounds: number[];
  /** Largest batch size the batch finder may pick. */
  maxBatch: number;
}

/**
 * Auto's plan for a budget of `base.epochs` over a dataset of `datasetTrainCount` training examples (the
 * validation split is held out of them):
 * - Rounds: a first one-cycle over a quarter of the epochs (rounded down) gives a usable model early, a second over the
 *   rest starts again from it (warm restart) and refines it. Under 4 epochs there is one round.
 * - The batch may grow only while the first round keeps at least MIN_ROUND_STEPS steps: on small data the
 *   fastest batch would leave too few steps to converge.
 * - Plain SGD becomes SGD with momentum: one-cycle cycles the momentum (0.95 → 0.85 → 0.95) as well.
 */
export function autoPlan(base: TrainConfig, datasetTrainCount: number): AutoPlan {
  const trainCount = datasetTrainCount - Math.round(datasetTrainCount * base.validationSplit);
  const epochs = Math.max(1, base.epochs);
  const first = epochs >= 4 ? Math.floor(epochs / 4) : epochs;
  const rounds = first < epochs ? [first, epochs - first] : [epochs];
  let maxBatch = Math.min(8, trainCount);
  while (maxBatch * 2 <= trainCount && (first * trainCount) / (maxBatch * 2) >= MIN_ROUND_STEPS) maxBatch *= 2;
  return { from: base.optimizer, optimizer: base.optimizer === 'sgd' ? 'momentum' : base.optimizer, rounds, maxBatch };
}

/**
 * The settings Auto trains with: the plan's optimizer and rounds, the batch size the finder chose, and the
 * range test's one-cycle peak (at that batch size) for each round, with the record of how it decided.
 */
export function autoConfig(
  base: TrainConfig,
  plan: AutoPlan,
  batch: BatchDecision,
  lr: RangeTestResult,
  tunerSeconds: number,
  rule: LrRule | 'manual' = 'cycle',
  chosenLr = lr.cyclePeak.lr,
): TrainConfig {
  const learningRate = roundRate(chosenLr);
  // Later rounds refine: they peak at the valley's rate, the best constant rate, when it is below the first peak.
  const later = lr.applied === 'valley' && rule === 'cycle' ? Number(Math.min(1, lr.valley.lr / learningRate).toFixed(3)) : 1;
  const peaks = plan.rounds.length > 1 && later < 1 ? plan.rounds.map((_, i) => (i === 0 ? 1 : later)) : undefined;
  const tuning: TuningRecord = {
    // The record and the exported card keep the reason as English text (see batchReasonText).
    batch: { chosen: batch.chosen, noiseScale: batch.noiseScale, reason: batchReasonText(batch.reason), rows: batch.rows.map((r) => ({ batchSize: r.batchSize, samplesPerSec: r.samplesPerSec })) },
    learningRate: { rule, value: learningRate, valley: lr.valley.lr, steepest: lr.steepest.lr },
    schedule: 'one-cycle',
    rounds: plan.rounds,
    roundPeaks: plan.rounds.map((_, i) => roundRate(learningRate * (peaks?.[i] ?? 1))),
    ...(plan.optimizer !== base.optimizer ? { optimizer: { from: base.optimizer, to: plan.optimizer } } : {}),
    tunerSeconds,
  };
  return { ...base, optimizer: plan.optimizer, batchSize: batch.chosen, learningRate, schedule: { ...ONE_CYCLE, rounds: plan.rounds, ...(peaks ? { peaks } : {}) }, tuning };
}

/** The tuner's decisions as the run record and model card list them. */
export function tunerDecisions(tuning: TuningRecord): TunerDecision[] {
  const out: TunerDecision[] = [];
  if (tuning.batch) out.push({ parameter: 'batchSize', value: tuning.batch.chosen, reason: tuning.batch.reason });
  if (tuning.learningRate) {
    const lr = tuning.learningRate;
    out.push({
      parameter: 'learningRate',
      value: lr.value,
      reason: `range test, ${lr.rule} rule (valley ${lr.valley.toPrecision(2)}, steepest ${lr.steepest.toPrecision(2)})`,
    });
  }
  if (tuning.optimizer) out.push({ parameter: 'optimizer', value: tuning.optimizer.to, reason: `${tuning.optimizer.from} has no momentum for one-cycle to cycle (0.95 → 0.85 → 0.95)` });
  const rounds = tuning.rounds && tuning.rounds.length > 1 ? tuning.rounds : null;
  out.push({
    parameter: 'schedule',
    value: rounds ? `one-cycle × ${rounds.length} (epochs ${rounds.join(' + ')}, peaks ${(tuning.roundPeaks ?? []).join(', ')})` : tuning.schedule,
    reason: `one-cycle: warm-up to the peak over 25% of the steps, cosine down to peak/1e4${rounds ? '; a short first round gives a usable model early, the next restarts from it and refines it at the valley rate' : ''}`,
  });
  out.push({ parameter: 'tunerSeconds', value: Number(tuning.tunerSeconds.toFixed(2)), reason: 'time spent tuning, before training' });
  return out;
}
