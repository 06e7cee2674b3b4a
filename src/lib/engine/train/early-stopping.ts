import type { EngineMessage } from '../errors';
import * as tf from '../tf';
import type { LayersModelFiles } from '../export/layers-format';
import type { ModelJson } from '../export/quantize';
import type { EarlyStoppingConfig } from './config';
import type { EpochContext } from './hooks';

/** The values of a model's weights, copied out of tensors (so the tensor count stays flat). */
export type WeightValues = { shape: number[]; values: Float32Array }[];

/** Copies the current weights out of the model (float32 weights only: what Descent's layers hold). */
export async function snapshotWeights(model: tf.LayersModel): Promise<WeightValues> {
  const weights = model.getWeights();
  const values = await Promise.all(weights.map((w) => w.data()));
  return weights.map((w, i) => ({ shape: [...w.shape], values: Float32Array.from(values[i] as Float32Array) }));
}

/** The same values read from stored float32 model files (a checkpoint), in model order. */
export function valuesFromFiles(files: LayersModelFiles): WeightValues {
  const specs = (JSON.parse(files.modelJson) as ModelJson).weightsManifest.flatMap((g) => g.weights);
  let offset = 0;
  return specs.map((spec) => {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(files.weights.slice(offset, offset + 4 * count));
    offset += 4 * count;
    return { shape: [...spec.shape], values };
  });
}

/** Writes `snapshot` back into the model (tensors made for it are disposed). */
export function restoreWeights(model: tf.LayersModel, snapshot: WeightValues): void {
  const tensors = snapshot.map((w) => tf.tensor(w.values, w.shape));
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/**
 * Early stopping on the validation loss (as Keras' EarlyStopping with monitor 'val_loss'): ends the run
 * when it has not improved for `patience` epochs, and can bring back the best epoch's weights at the end.
 */
export class EarlyStopping {
  bestEpoch: number | null = null;
  bestLoss = Infinity;
  private wait = 0;
  private best: WeightValues | null = null;
  private lastEpoch = 0;
  /** Set when this monitor ended the run. */
  stoppedAt: number | null = null;

  constructor(readonly config: EarlyStoppingConfig) {}

  /** Continues a resumed run's count (the best weights come from the stored best checkpoint). */
  seed(bestEpoch: number | null, bestLoss: number | null, completedEpochs: number, best: WeightValues | null): void {
    if (bestEpoch === null || bestLoss === null) return;
    this.bestEpoch = bestEpoch;
    this.bestLoss = bestLoss;
    this.wait = completedEpochs - bestEpoch;
    this.best = best;
    this.lastEpoch = completedEpochs;
  }

  async onEpochEnd(ctx: EpochContext): Promise<'stop' | void> {
    this.lastEpoch = ctx.epoch;
    if (ctx.valLoss === null || !Number.isFinite(ctx.valLoss)) return;
    if (ctx.valLoss < this.bestLoss) {
      this.bestLoss = ctx.valLoss;
      this.bestEpoch = ctx.epoch;
      this.wait = 0;
      if (this.config.restoreBest) this.best = await snapshotWeights(ctx.model);
      return;
    }
    this.wait++;
    if (this.wait >= this.config.patience) {
      this.stoppedAt = ctx.epoch;
      return 'stop';
    }
  }

  /** Puts the best epoch's weights back when asked to and they are not the current ones; returns whether it did. */
  restoreBest(model: tf.LayersModel): boolean {
    if (!this.config.restoreBest || !this.best || this.bestEpoch === this.lastEpoch) return false;
    restoreWeights(model, this.best);
    return true;
  }

  /** What happened, for the run's log (the page words it). */
  message(restored: boolean): EngineMessage<'train.earlyStopped' | 'train.finishedAll'> {
    const best = this.bestEpoch === null ? null : { loss: this.bestLoss, epoch: this.bestEpoch };
    return this.stoppedAt !== null
      ? { code: 'train.earlyStopped', params: { epoch: this.stoppedAt, patience: this.config.patience, best, restored } }
      : { code: 'train.finishedAll', params: { best, restored } };
  }
}
