import * as tf from '@tensorflow/tfjs';

import type { OptimizerName } from './config';

/** Creates a TF.js optimizer; the caller owns it and must `dispose()` it. */
export function createOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  if (!(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new RangeError(`learning rate must be a positive number, got ${learningRate}`);
  }
  switch (name) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, 0.9);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
    case 'adam':
      return tf.train.adam(learningRate, 0.9, 0.999, 1e-7);
  }
}
