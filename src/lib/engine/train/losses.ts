import * as tf from '../tf';

const EPSILON = 1e-7;

/**
 * Sparse categorical cross-entropy on probabilities (Keras semantics): mean over the batch of
 * −log p[label], with p clipped to [ε, 1−ε].
 * @param probs [batch, classes] float32 probabilities
 * @param labels [batch] int32 class indices
 */
export function sparseCategoricalCrossentropy(probs: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels, probs.shape[1] as number);
    const picked = tf.sum(tf.mul(probs, oneHot), 1);
    return tf.neg(tf.mean(tf.log(tf.clipByValue(picked, EPSILON, 1 - EPSILON))));
  });
}

/** Sum (not mean) of the same loss, for evaluation in chunks. */
export function sparseCategoricalCrossentropySum(probs: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels, probs.shape[1] as number);
    const picked = tf.sum(tf.mul(probs, oneHot), 1);
    return tf.neg(tf.sum(tf.log(tf.clipByValue(picked, EPSILON, 1 - EPSILON))));
  });
}

/** Fraction of rows whose arg-max equals the label, as a scalar. */
export function accuracy(probs: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(probs, 1), labels), 'float32')));
}

import type { LossName } from './loss-names';

export { defaultLoss, type LossName } from './loss-names';

/** Mean loss over a batch. `targets`: int32 [batch] class indices, or float32 [batch] values (one output). */
export function batchLoss(name: LossName, outputs: tf.Tensor, targets: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    switch (name) {
      case 'sparseCategoricalCrossentropy':
        return sparseCategoricalCrossentropy(outputs, targets);
      case 'meanSquaredError':
        return tf.mean(tf.squaredDifference(tf.reshape(outputs, [-1]), targets)) as tf.Scalar;
      case 'meanAbsoluteError':
        return tf.mean(tf.abs(tf.sub(tf.reshape(outputs, [-1]), targets))) as tf.Scalar;
    }
  });
}

/** Sum of the loss over a batch (evaluation in chunks). */
export function batchLossSum(name: LossName, outputs: tf.Tensor, targets: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mul(batchLoss(name, outputs, targets), targets.shape[0]) as tf.Scalar);
}
