import type * as tf from '../tf';

/** What a hook sees at the end of an epoch. */
export interface EpochContext {
  epoch: number;
  step: number;
  model: tf.LayersModel;
  trainLoss: number;
  valLoss: number | null;
  valAccuracy: number | null;
}

/**
 * Extension points of the training loop, so that schedules, monitors, checkpoints and visualisations
 * plug in without changing the loop. All are optional.
 */
export interface TrainerHooks {
  /** Learning rate for global step `step` of `totalSteps` (default: the configured constant rate). */
  learningRateAt?(step: number, totalSteps: number): number;
  /** Momentum / Adam β₁ for the step, where the optimizer has one (one-cycle schedules). */
  momentumAt?(step: number, totalSteps: number): number | undefined;
  /** Called after validation at the end of each epoch; return 'stop' to end the run there. */
  onEpochEnd?(ctx: EpochContext): void | 'stop' | Promise<void | 'stop'>;
  /**
   * Sees the gradients of global step `step` (keyed by variable name) before they are applied (after, where the
   * whole-step kernel trains: the variables then already hold the step's new weights). Runs in
   * the hot loop: it must be cheap (sample every N steps), keep only what it clones, and dispose nothing.
   */
  onGradients?(step: number, grads: tf.NamedTensorMap): void;
  /** Whether `onGradients` wants step `step`'s gradients (absent: every step). A step that gives them costs more (the whole-step kernel copies them out). */
  wantsGradients?(step: number): boolean;
}

/** Combines hooks: the later one's rate/momentum win where both set one; every other hook runs, 'stop' from any stops. */
export function mergeHooks(...all: TrainerHooks[]): TrainerHooks {
  const lr = all.filter((h) => h.learningRateAt).at(-1)?.learningRateAt;
  const momentum = all.filter((h) => h.momentumAt).at(-1)?.momentumAt;
  const ends = all.flatMap((h) => (h.onEpochEnd ? [h.onEpochEnd.bind(h)] : []));
  const grads = all.flatMap((h) => (h.onGradients ? [h.onGradients.bind(h)] : []));
  const merged: TrainerHooks = {};
  if (lr) merged.learningRateAt = lr;
  if (momentum) merged.momentumAt = momentum;
  if (grads.length) merged.onGradients = (step, g) => grads.forEach((f) => f(step, g));
  const wants = all.filter((h) => h.onGradients).map((h) => (h.wantsGradients ? h.wantsGradients.bind(h) : () => true));
  if (grads.length) merged.wantsGradients = (step) => wants.some((f) => f(step));
  if (ends.length) {
    merged.onEpochEnd = async (ctx: EpochContext) => {
      let verdict: void | 'stop' = undefined;
      for (const end of ends) if ((await end(ctx)) === 'stop') verdict = 'stop';
      return verdict;
    };
  }
  return merged;
}
