import { EngineError, type EngineCode } from '../errors';
/** Models as plain JSON specs (no TF.js here, so the page can import it without the engine). */
export type Activation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'elu' | 'selu';

/** One layer of a model, as plain JSON (serialisable, stored with runs, sent over the worker boundary). */
export type LayerSpec =
  | { type: 'flatten' }
  | { type: 'dense'; units: number; activation: Activation }
  | { type: 'dropout'; rate: number }
  | { type: 'conv2d'; filters: number; kernelSize: number; strides: number; padding: Padding; activation: Activation }
  | { type: 'maxPooling2d'; poolSize: number; strides: number; padding: Padding }
  | { type: 'batchNormalization' };

/** 'valid': no padding, the output shrinks by the kernel; 'same': zero-padded, output = ceil(input / stride). */
export type Padding = 'valid' | 'same';

export type LayerType = LayerSpec['type'];

export const LAYER_TYPES: readonly LayerType[] = ['dense', 'conv2d', 'maxPooling2d', 'flatten', 'dropout', 'batchNormalization'];

export const ACTIVATIONS: readonly Activation[] = ['relu', 'linear', 'sigmoid', 'tanh', 'elu', 'selu', 'softmax'];

export interface ModelSpec {
  name: string;
  layers: LayerSpec[];
}

/** Keras' classic MNIST model: Flatten, Dense(128, relu), Dense(10, softmax). */
export function classicMlp(numClasses = 10): ModelSpec {
  return {
    name: 'Classic MLP',
    layers: [
      { type: 'flatten' },
      { type: 'dense', units: 128, activation: 'relu' },
      { type: 'dense', units: numClasses, activation: 'softmax' },
    ],
  };
}

export interface LayerSummary {
  name: string;
  type: string;
  /** Output shape without the batch dimension, e.g. [128]. */
  outputShape: number[];
  params: number;
}

export interface ModelSummary {
  layers: LayerSummary[];
  totalParams: number;
  inputShape: number[];
}

/** A model that cannot be built or used on the data: a code (`model.*`, `shape.*`) and its parameters. */
export class ModelSpecError<K extends EngineCode = EngineCode> extends EngineError<K> {
  override name = 'ModelSpecError';
}
