import type { TrainerHooks } from './hooks';

/** Learning-rate schedules, as plain data stored with the run. */
export type ScheduleSpec =
  | { kind: 'constant' }
  /** Warm-up over `pctStart` of the steps from rate/`divFactor` to the rate, then cosine down to rate/`finalDivFactor`. */
  | { kind: 'one-cycle'; pctStart: number; divFactor: number; finalDivFactor: number }
  /** Multiply the rate by `gamma` every `everyEpochs` epochs. */
  | { kind: 'step-decay'; everyEpochs: number; gamma: number };

export const ONE_CYCLE: ScheduleSpec = { kind: 'one-cycle', pctStart: 0.25, divFactor: 25, finalDivFactor: 1e4 };

const MOMENTUM_HIGH = 0.95;
const MOMENTUM_LOW = 0.85;

/** Cosine interpolation from `a` (t = 0) to `b` (t = 1). */
function cosine(a: number, b: number, t: number): number {
  return b + ((a - b) * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, t))))) / 2;
}

/** Rate at global step `step` of `totalSteps` (epochs of `stepsPerEpoch` steps). */
export function learningRateAt(spec: ScheduleSpec, rate: number, step: number, totalSteps: number, stepsPerEpoch: number): number {
  switch (spec.kind) {
    case 'constant':
      return rate;
    case 'step-decay':
      return rate * Math.pow(spec.gamma, Math.floor(step / (stepsPerEpoch * spec.everyEpochs)));
    case 'one-cycle': {
      const warm = Math.max(1, Math.round(totalSteps * spec.pctStart));
      if (step < warm) return cosine(rate / spec.divFactor, rate, step / warm);
      return cosine(rate, rate / spec.finalDivFactor, (step - warm) / Math.max(1, totalSteps - 1 - warm));
    }
  }
}

/** Momentum (or Adam's β₁) at a step: 0.95 → 0.85 → 0.95 over a one cycle; undefined otherwise. */
export function momentumAt(spec: ScheduleSpec, step: number, totalSteps: number): number | undefined {
  if (spec.kind !== 'one-cycle') return undefined;
  const warm = Math.max(1, Math.round(totalSteps * spec.pctStart));
  if (step < warm) return cosine(MOMENTUM_HIGH, MOMENTUM_LOW, step / warm);
  return cosine(MOMENTUM_LOW, MOMENTUM_HIGH, (step - warm) / Math.max(1, totalSteps - 1 - warm));
}

/** The loop hooks that apply a schedule. */
export function scheduleHooks(spec: ScheduleSpec, rate: number, epochs: number): TrainerHooks {
  if (spec.kind === 'constant') return {};
  return {
    learningRateAt: (step, total) => learningRateAt(spec, rate, step, total, total / epochs),
    momentumAt: (step, total) => momentumAt(spec, step, total),
  };
}
