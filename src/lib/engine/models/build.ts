import * as tf from '../tf';
import { ModelSpecError, type LayerSpec, type ModelSpec, type ModelSummary } from './spec';

function createLayer(spec: LayerSpec, index: number, seed: number, inputShape?: number[]): tf.layers.Layer {
  const first = inputShape ? { inputShape } : {};
  const name = `${spec.type}_${index + 1}`;
  switch (spec.type) {
    case 'flatten':
      return tf.layers.flatten({ ...first, name });
    case 'dense':
      if (!(Number.isInteger(spec.units) && spec.units > 0)) {
        throw new ModelSpecError('model.badUnits', { layer: index + 1, units: spec.units });
      }
      return tf.layers.dense({
        ...first,
        name,
        units: spec.units,
        activation: spec.activation,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + index }),
        biasInitializer: 'zeros',
      });
    case 'dropout':
      if (!(spec.rate >= 0 && spec.rate < 1)) {
        throw new ModelSpecError('model.badRate', { layer: index + 1, rate: spec.rate });
      }
      return tf.layers.dropout({ ...first, name, rate: spec.rate, seed: seed + index });
    case 'conv2d':
      return tf.layers.conv2d({
        ...first,
        name,
        filters: spec.filters,
        kernelSize: spec.kernelSize,
        strides: spec.strides,
        padding: spec.padding,
        activation: spec.activation,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + index }),
        biasInitializer: 'zeros',
      });
    case 'maxPooling2d':
      return tf.layers.maxPooling2d({ ...first, name, poolSize: spec.poolSize, strides: spec.strides, padding: spec.padding });
    case 'batchNormalization':
      return tf.layers.batchNormalization({ ...first, name });
  }
}

/**
 * Builds a Sequential model from a spec, with weights initialised from `seed` (same seed, same weights).
 * The caller owns the model and must `dispose()` it.
 */
export function buildModel(spec: ModelSpec, inputShape: number[], seed: number): tf.Sequential {
  if (spec.layers.length === 0) throw new ModelSpecError('model.empty', {});
  const model = tf.sequential({ name: 'descent_model' });
  try {
    spec.layers.forEach((layer, i) => model.add(createLayer(layer, i, seed, i === 0 ? inputShape : undefined)));
  } catch (err) {
    model.dispose();
    if (err instanceof ModelSpecError) throw err;
    throw new ModelSpecError('model.doesNotFit', { shape: inputShape, detail: (err as Error).message });
  }
  return model;
}

/** Layer names, output shapes and parameter counts, as the model card shows them. */
export function summarize(model: tf.LayersModel, inputShape: number[]): ModelSummary {
  const layers = model.layers.map((layer) => {
    const shape = layer.outputShape as (number | null)[];
    return {
      name: layer.name,
      type: layer.getClassName(),
      outputShape: shape.slice(1).map((d) => d ?? -1),
      params: layer.countParams(),
    };
  });
  return { layers, totalParams: layers.reduce((s, l) => s + l.params, 0), inputShape };
}

/** Checks that the model's output fits the task: one probability per class. */
export function checkOutputFits(model: tf.LayersModel, numClasses: number): void {
  const out = model.outputs[0].shape;
  const last = model.layers[model.layers.length - 1];
  if (out.length !== 2 || out[1] !== numClasses) {
    throw new ModelSpecError('model.outputClasses', { name: last.name, shape: out.slice(1), classes: numClasses });
  }
}
