import type * as tf from '@tensorflow/tfjs';

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
   * Sees the gradients of global step `step` (keyed by variable name) before they are applied. Runs in
   * the hot loop: it must be cheap (sample every N steps), keep only what it clones, and dispose nothing.
   */
  onGradients?(step: number, grads: tf.NamedTensorMap): void;
}
