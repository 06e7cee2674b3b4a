import type { TunerDecision } from '../runs/record';
import type { TrainConfig, TuningRecord } from '../train/config';
import { ONE_CYCLE } from '../train/schedules';
import type { BatchDecision } from './batch-finder';
import type { LrRule, RangeTestResult } from './lr-finder';

/** Rates are set with two significant digits: what the user reads is what runs. */
export function roundRate(lr: number): number {
  return Number(lr.toPrecision(2));
}

/**
 * The settings Auto trains with: the batch size the finder chose, the range test's rate (at that batch
 * size) as the peak of a one-cycle schedule, and the record of how it decided.
 */
export function autoConfig(
  base: TrainConfig,
  batch: BatchDecision,
  lr: RangeTestResult,
  tunerSeconds: number,
  rule: LrRule | 'manual' = lr.applied,
  chosenLr = lr.suggestedLr,
): TrainConfig {
  const learningRate = roundRate(chosenLr);
  const tuning: TuningRecord = {
    batch: { chosen: batch.chosen, noiseScale: batch.noiseScale, reason: batch.reason, rows: batch.rows.map((r) => ({ batchSize: r.batchSize, samplesPerSec: r.samplesPerSec })) },
    learningRate: { rule, value: learningRate, valley: lr.valley.lr, steepest: lr.steepest.lr },
    schedule: 'one-cycle',
    tunerSeconds,
  };
  return { ...base, batchSize: batch.chosen, learningRate, schedule: { ...ONE_CYCLE }, tuning };
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
  out.push({ parameter: 'schedule', value: tuning.schedule, reason: 'one-cycle: warm-up to the found rate over 25% of the steps, cosine down to rate/1e4' });
  out.push({ parameter: 'tunerSeconds', value: Number(tuning.tunerSeconds.toFixed(2)), reason: 'time spent tuning, before training' });
  return out;
}
