import { EngineError } from '../errors';
import { Rng } from '../rng';
import type { DataArrival } from './arrival';
import type { Preprocessing } from './preprocessing';
import type { DatasetPreview } from './preview';

/** One split of a dataset, stored compactly as typed arrays (no tensors). */
export interface Split {
  /** Row-major features, `count × featureSize`. Uint8 for images (scaled by `xScale`), Float32 otherwise. */
  x: Uint8Array | Float32Array;
  /** Class index per example (classification) or the target value (regression). */
  y: Uint8Array | Int32Array | Float32Array;
  count: number;
}

export type Task = 'classification' | 'regression';

export interface Dataset {
  id: string;
  name: string;
  task: Task;
  /** Shape of one example, e.g. [28, 28, 1]. */
  inputShape: number[];
  /** Number of classes (classification) or 1 (regression: one output). */
  numClasses: number;
  classNames: string[];
  /** Multiplier applied to `x` when a batch is gathered (1/255 for uint8 pixels). */
  xScale: number;
  train: Split;
  test: Split;
  /** How the files were described (for the dataset card and the model card). */
  source: string;
  /** A preview of its own (tables: column statistics); others get one derived from the data. */
  preview?: DatasetPreview;
  /** How table columns became features (training-split statistics), kept for export. */
  preprocessing?: Preprocessing;
  /** The original text of each test row (tables), shown with the examples of a confusion-matrix cell. */
  testRowText?: string[];
  /**
   * A built-in dataset that streams in (idx-assembler.ts): how much of it has arrived. Its arrays are full-size from
   * the start and filled as it arrives; the first epoch visits the arrived examples first (loop.ts).
   */
  arrival?: DataArrival;
}

export function featureSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Index lists for a seeded train/validation split of `count` examples. */
export function splitIndices(count: number, validationSplit: number, seed: number): { train: Uint32Array; val: Uint32Array } {
  if (!(validationSplit >= 0 && validationSplit < 1)) {
    throw new EngineError('data.badValidationSplit', { value: validationSplit });
  }
  const order = new Rng(seed ^ 0x5eed).permutation(new Uint32Array(count));
  const valCount = Math.round(count * validationSplit);
  return { train: order.slice(valCount), val: order.slice(0, valCount) };
}

/**
 * Copies examples `indices[start .. start+size)` of `split` into preallocated buffers,
 * scaling features by `xScale`. No allocation: the training loop reuses the same buffers every step.
 */
export function gatherBatch(
  split: Split,
  featureCount: number,
  xScale: number,
  indices: ArrayLike<number>,
  start: number,
  size: number,
  xOut: Float32Array,
  yOut: Int32Array | Float32Array,
): void {
  const x = split.x;
  for (let j = 0; j < size; j++) {
    const row = indices[start + j];
    const src = row * featureCount;
    const dst = j * featureCount;
    for (let k = 0; k < featureCount; k++) xOut[dst + k] = x[src + k] * xScale;
    yOut[j] = split.y[row];
  }
}

/** Count of each class among `split.y` (for the class histogram). */
export function classCounts(split: Split, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < split.count; i++) counts[split.y[i]]++;
  return counts;
}

/** Two input features and classes: the data the decision boundary and the scatter plot can show. */
export function is2dClassification(d: { task: Task; inputShape: readonly number[] } | null | undefined): boolean {
  return !!d && d.task === 'classification' && d.inputShape.length === 1 && d.inputShape[0] === 2;
}
