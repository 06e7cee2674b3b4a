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
}

/** Combines hooks: the later one's rate/momentum win where both set one; every onEpochEnd runs, 'stop' from any stops. */
export function mergeHooks(...all: TrainerHooks[]): TrainerHooks {
  const lr = all.filter((h) => h.learningRateAt).at(-1)?.learningRateAt;
  const momentum = all.filter((h) => h.momentumAt).at(-1)?.momentumAt;
  const ends = all.flatMap((h) => (h.onEpochEnd ? [h.onEpochEnd.bind(h)] : []));
  return {
    ...(lr ? { learningRateAt: lr } : {}),
    ...(momentum ? { momentumAt: momentum } : {}),
    ...(ends.length
      ? {
          onEpochEnd: async (ctx: EpochContext) => {
            let verdict: void | 'stop' = undefined;
            for (const end of ends) if ((await end(ctx)) === 'stop') verdict = 'stop';
            return verdict;
          },
        }
      : {}),
  };
}
