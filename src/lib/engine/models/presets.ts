import type { Task } from '../data/dataset';
import type { DataShape } from './fit';
import type { LayerSpec, ModelSpec } from './spec';

export type PresetId = 'classicMlp' | 'deepMlp' | 'lenet' | 'fashionCnn' | 'logistic' | 'linear';

export const PRESET_IDS: readonly PresetId[] = ['classicMlp', 'deepMlp', 'lenet', 'fashionCnn', 'logistic', 'linear'];

/** The output layer that fits a task: class probabilities, or one number. */
export function outputLayer(task: Task, numClasses: number): LayerSpec {
  return task === 'classification' ? { type: 'dense', units: numClasses, activation: 'softmax' } : { type: 'dense', units: 1, activation: 'linear' };
}

/** A Flatten first when examples are not flat already (TF.js's Flatten refuses flat input). */
const flattenFor = (inputShape: number[]): LayerSpec[] => (inputShape.length > 1 ? [{ type: 'flatten' }] : []);

const conv = (filters: number, kernelSize: number, padding: 'valid' | 'same'): LayerSpec => ({ type: 'conv2d', filters, kernelSize, strides: 1, padding, activation: 'relu' });
const pool: LayerSpec = { type: 'maxPooling2d', poolSize: 2, strides: 2, padding: 'valid' };
const dense = (units: number): LayerSpec => ({ type: 'dense', units, activation: 'relu' });

/** Layers of each preset before the output layer. CNNs need an image input; the others take any shape. */
const BODIES: Record<PresetId, (inputShape: number[]) => LayerSpec[]> = {
  /** Keras' MNIST MLP: Flatten, Dense(128, relu). */
  classicMlp: (s) => [...flattenFor(s), dense(128)],
  deepMlp: (s) => [...flattenFor(s), dense(256), { type: 'dropout', rate: 0.2 }, dense(128), { type: 'dropout', rate: 0.2 }, dense(64)],
  /** LeNet-5 with ReLU and max-pooling: 6 and 16 feature maps of 5×5, then 120 and 84 units. */
  lenet: () => [conv(6, 5, 'same'), pool, conv(16, 5, 'valid'), pool, { type: 'flatten' }, dense(120), dense(84)],
  /** Two 3×3 conv blocks with batch normalisation, then dropout and a dense layer. */
  fashionCnn: () => [
    conv(16, 3, 'same'),
    { type: 'batchNormalization' },
    pool,
    conv(32, 3, 'same'),
    { type: 'batchNormalization' },
    pool,
    { type: 'flatten' },
    { type: 'dropout', rate: 0.3 },
    dense(128),
  ],
  /** Multinomial logistic regression: one softmax layer on the raw inputs. */
  logistic: (s) => flattenFor(s),
  /** One linear unit on the raw inputs. */
  linear: (s) => flattenFor(s),
};

/** Which presets make sense for the data (CNNs need images; logistic needs classes, linear regression a number). */
export function presetFits(id: PresetId, data: DataShape): boolean {
  if (id === 'lenet' || id === 'fashionCnn') return data.inputShape.length === 3;
  if (id === 'logistic') return data.task === 'classification';
  if (id === 'linear') return data.task === 'regression';
  return true;
}

/** The preset for this data, ending in the output layer that fits its task. */
export function makePreset(id: PresetId, data: DataShape, name: string): ModelSpec {
  return { name, layers: [...BODIES[id](data.inputShape), outputLayer(data.task, data.numClasses)] };
}
