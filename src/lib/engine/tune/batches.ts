import { EngineError } from '../errors';
import { featureSize, gatherBatch, type Dataset } from '../data/dataset';
import { Rng } from '../rng';

/**
 * Endless stream of shuffled batches over a subset of the training split (reshuffled each pass),
 * gathered into buffers sized for the largest batch that will be asked for.
 */
export class BatchSource {
  readonly x: Float32Array;
  readonly y: Int32Array | Float32Array;
  private readonly order: Uint32Array;
  private readonly rng: Rng;
  private readonly features: number;
  private position: number;

  constructor(
    private readonly dataset: Dataset,
    private readonly indices: Uint32Array,
    maxBatch: number,
    seed: number,
  ) {
    this.features = featureSize(dataset.inputShape);
    this.x = new Float32Array(maxBatch * this.features);
    this.y = dataset.task === 'classification' ? new Int32Array(maxBatch) : new Float32Array(maxBatch);
    this.order = new Uint32Array(indices.length);
    this.rng = new Rng(seed);
    this.position = indices.length;
  }

  /** Fills the first `batch` rows of `x`/`y` with the next examples. */
  next(batch: number): void {
    if (batch > this.indices.length) throw new EngineError('tune.batchTooLarge', { batch, examples: this.indices.length });
    if (this.position + batch > this.order.length) {
      this.rng.permutation(this.order);
      for (let i = 0; i < this.order.length; i++) this.order[i] = this.indices[this.order[i]];
      this.position = 0;
    }
    gatherBatch(this.dataset.train, this.features, this.dataset.xScale, this.order, this.position, batch, this.x, this.y);
    this.position += batch;
  }
}
