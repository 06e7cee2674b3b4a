import * as tf from '@tensorflow/tfjs';
import { featureSize, gatherBatch, type Dataset, type Split } from '../data/dataset';
import { sparseCategoricalCrossentropySum } from './losses';
import { nextMacrotask } from './yield';

export interface Evaluation {
  loss: number;
  accuracy: number;
  count: number;
  /** Predicted class per example. */
  predicted: Uint8Array;
  /** Probability of the predicted class per example. */
  confidence: Float32Array;
}

const CHUNK = 1000;

/**
 * Evaluates `model` on the examples of `split` at `indices` (all by default), in chunks, without gradients.
 * Keeps no tensors.
 */
export async function evaluate(
  model: tf.LayersModel,
  dataset: Dataset,
  split: Split,
  indices?: ArrayLike<number>,
  shouldStop?: () => boolean,
): Promise<Evaluation> {
  const order = indices ?? Uint32Array.from({ length: split.count }, (_, i) => i);
  const count = order.length;
  const features = featureSize(dataset.inputShape);
  const xBuf = new Float32Array(CHUNK * features);
  const yBuf = new Int32Array(CHUNK);
  const predicted = new Uint8Array(count);
  const confidence = new Float32Array(count);
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < count; start += CHUNK) {
    if (shouldStop?.()) break;
    const size = Math.min(CHUNK, count - start);
    gatherBatch(split, features, dataset.xScale, order, start, size, xBuf, yBuf);
    const [lossT, argT, maxT] = tf.tidy(() => {
      const x = tf.tensor(xBuf.subarray(0, size * features), [size, ...dataset.inputShape]);
      const y = tf.tensor1d(yBuf.subarray(0, size), 'int32');
      const probs = model.predict(x) as tf.Tensor2D;
      return [sparseCategoricalCrossentropySum(probs, y), tf.argMax(probs, 1), tf.max(probs, 1)];
    });
    try {
      const [l, arg, max] = await Promise.all([lossT.data(), argT.data(), maxT.data()]);
      lossSum += l[0];
      for (let j = 0; j < size; j++) {
        predicted[start + j] = arg[j];
        confidence[start + j] = max[j];
        if (arg[j] === yBuf[j]) correct++;
      }
    } finally {
      tf.dispose([lossT, argT, maxT]);
    }
    await nextMacrotask();
  }
  return { loss: lossSum / Math.max(1, count), accuracy: correct / Math.max(1, count), count, predicted, confidence };
}
