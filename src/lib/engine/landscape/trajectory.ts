import type * as tf from '../tf';
import { flattenWeights } from './weights';

/** Snapshots kept at most; beyond this every other one is dropped (the first and last stay). */
const MAX_SNAPSHOTS = 120;

/**
 * The weights of a run at its start and at each epoch's end (through `TrainerHooks.onEpochEnd`),
 * flattened, for projecting the training path onto a loss landscape.
 */
export class TrajectoryRecorder {
  readonly snapshots: Float32Array[] = [];
  readonly steps: number[] = [];

  async record(model: tf.LayersModel, step: number): Promise<void> {
    this.snapshots.push(await flattenWeights(model));
    this.steps.push(step);
    if (this.snapshots.length > MAX_SNAPSHOTS) {
      for (let i = this.snapshots.length - 2; i > 0; i -= 2) {
        this.snapshots.splice(i, 1);
        this.steps.splice(i, 1);
      }
    }
  }
}
