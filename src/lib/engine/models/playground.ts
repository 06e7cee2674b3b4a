import type { TrainConfig } from '../train/config';
import type { ModelSpec } from './spec';

/** A small MLP for 2-D toy data, as in TensorFlow Playground: two tanh layers of 16 and a softmax. */
export function playgroundMlp(numClasses: number): ModelSpec {
  return {
    name: '2-D playground MLP',
    layers: [
      { type: 'dense', units: 16, activation: 'tanh' },
      { type: 'dense', units: 16, activation: 'tanh' },
      { type: 'dense', units: numClasses, activation: 'softmax' },
    ],
  };
}

/** Settings that train the playground MLP on a few hundred points in seconds. */
export const PLAYGROUND_CONFIG: Partial<TrainConfig> = {
  optimizer: 'adam',
  learningRate: 0.03,
  batchSize: 16,
  epochs: 100,
  validationSplit: 0.2,
};
