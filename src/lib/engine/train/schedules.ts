import type { TrainerHooks } from './hooks';

/** Learning-rate schedules, as plain data stored with the run. */
export type ScheduleSpec =
  | { kind: 'constant' }
  /**
   * Warm-up over `pctStart` of the steps from rate/`divFactor` to the rate, then cosine down to rate/`finalDivFactor`.
   * With `rounds` (epochs per round, summing to the run's epochs) the cycle runs once per round, each from the
   * weights the last one ended with (a warm restart); without, once over the whole run. `peaks` scales the
   * rate per round (1 when absent).
   */
  | { kind: 'one-cycle'; pctStart: number; divFactor: number; finalDivFactor: number; rounds?: number[]; peaks?: number[] }
  /** Multiply the rate by `gamma` every `everyEpochs` epochs. */
  | { kind: 'step-decay'; everyEpochs: number; gamma: number };

export const ONE_CYCLE: Extract<ScheduleSpec, { kind: 'one-cycle' }> = { kind: 'one-cycle', pctStart: 0.25, divFactor: 25, finalDivFactor: 1e4 };

const MOMENTUM_HIGH = 0.95;
const MOMENTUM_LOW = 0.85;

/** Cosine interpolation from `a` (t = 0) to `b` (t = 1). */
function cosine(a: number, b: number, t: number): number {
  return b + ((a - b) * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, t))))) / 2;
}

/** The round of a one-cycle schedule that global step `step` falls in: its first step and its length in steps. */
export function cycleAt(spec: ScheduleSpec & { kind: 'one-cycle' }, step: number, totalSteps: number, stepsPerEpoch: number): { start: number; length: number; round: number } {
  if (!spec.rounds || spec.rounds.length < 2) return { start: 0, length: totalSteps, round: 0 };
  let start = 0;
  let epochs = 0;
  for (let i = 0; i < spec.rounds.length; i++) {
    epochs += spec.rounds[i];
    const end = i === spec.rounds.length - 1 ? totalSteps : Math.min(totalSteps, Math.round(epochs * stepsPerEpoch));
    if (step < end) return { start, length: Math.max(1, end - start), round: i };
    start = end;
  }
  return { start, length: Math.max(1, totalSteps - start), round: spec.rounds.length - 1 };
}

/** Rate at global step `step` of `totalSteps` (epochs of `stepsPerEpoch` steps). */
export function learningRateAt(spec: ScheduleSpec, rate: number, step: number, totalSteps: number, stepsPerEpoch: number): number {
  switch (spec.kind) {
    case 'constant':
      return rate;
    case 'step-decay':
      return rate * Math.pow(spec.gamma, Math.floor(step / (stepsPerEpoch * spec.everyEpochs)));
    case 'one-cycle': {
      const { start, length, round } = cycleAt(spec, step, totalSteps, stepsPerEpoch);
      const peak = rate * (spec.peaks?.[round] ?? 1);
      const at = step - start;
      const warm = Math.max(1, Math.round(length * spec.pctStart));
      if (at < warm) return cosine(peak / spec.divFactor, peak, at / warm);
      return cosine(peak, peak / spec.finalDivFactor, (at - warm) / Math.max(1, length - 1 - warm));
    }
  }
}

/** Momentum (or Adam's β₁) at a step: 0.95 → 0.85 → 0.95 over each one-cycle round; undefined otherwise. */
export function momentumAt(spec: ScheduleSpec, step: number, totalSteps: number, stepsPerEpoch = totalSteps): number | undefined {
  if (spec.kind !== 'one-cycle') return undefined;
  const { start, length } = cycleAt(spec, step, totalSteps, stepsPerEpoch);
  const at = step - start;
  const warm = Math.max(1, Math.round(length * spec.pctStart));
  if (at < warm) return cosine(MOMENTUM_HIGH, MOMENTUM_LOW, at / warm);
  return cosine(MOMENTUM_LOW, MOMENTUM_HIGH, (at - warm) / Math.max(1, length - 1 - warm));
}

/** The loop hooks that apply a schedule. */
export function scheduleHooks(spec: ScheduleSpec, rate: number, epochs: number): TrainerHooks {
  if (spec.kind === 'constant') return {};
  return {
    learningRateAt: (step, total) => learningRateAt(spec, rate, step, total, total / epochs),
    momentumAt: (step, total) => momentumAt(spec, step, total, total / epochs),
  };
}
