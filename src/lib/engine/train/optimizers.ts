import { EngineError } from '../errors';
import * as tf from '../tf';
import { FusedAdamOptimizer } from './fused-adam';

import type { OptimizerName } from './config';

/**
 * Creates a TF.js optimizer; the caller owns it and must `dispose()` it. Adam is our fused version (same
 * results, one pass per variable on WASM/CPU); `stock` gives TF.js's own, for reference measurements.
 */
export function createOptimizer(name: OptimizerName, learningRate: number, stock = false): tf.Optimizer {
  if (!(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new EngineError('train.badLearningRate', { value: learningRate });
  }
  switch (name) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, 0.9);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
    case 'adam':
      return stock ? tf.train.adam(learningRate, 0.9, 0.999, 1e-7) : new FusedAdamOptimizer(learningRate, 0.9, 0.999, 1e-7);
  }
}

/**
 * Changes the learning rate (and momentum or Adam's β₁ where given) of a live optimizer, for schedules.
 * TF.js optimizers read these at every step; SGD and momentum keep them as scalar tensors, which are
 * replaced (the old ones disposed). Not part of TF.js's public typings, hence the casts.
 */
export function setOptimizerParams(optimizer: tf.Optimizer, learningRate: number, momentum?: number): void {
  // TF.js optimizers define Symbol.hasInstance loosely (Adam passes `instanceof SGDOptimizer`): use class names.
  const kind = optimizer.getClassName();
  if (kind === 'SGD' || kind === 'Momentum') {
    (optimizer as tf.SGDOptimizer).setLearningRate(learningRate);
    const o = optimizer as unknown as { m: tf.Scalar; momentum: number };
    if (kind === 'Momentum' && momentum !== undefined && o.momentum !== momentum) {
      o.m.dispose();
      o.m = tf.keep(tf.scalar(momentum));
      o.momentum = momentum;
    }
    return;
  }
  const o = optimizer as unknown as { learningRate: number; beta1?: number };
  o.learningRate = learningRate;
  if (kind === 'Adam' && momentum !== undefined) o.beta1 = momentum;
}
