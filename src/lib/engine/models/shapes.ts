import { t } from '../../i18n';
import type { LayerSpec } from './spec';

/** One layer's output shape (without the batch dimension) and parameter count, as TF.js will build it. */
export interface InferredLayer {
  outputShape: number[];
  params: number;
}

/** Shapes of every layer up to the first one that cannot take its input; `error` names that layer. */
export interface ShapeReport {
  layers: InferredLayer[];
  totalParams: number;
  error?: { index: number; message: string };
}

const MAX_SIZE = 100_000;

/** "Layer 3 (Conv2D)": how messages name a layer (1-based, as the editor numbers them). */
export function layerLabel(layer: LayerSpec, index: number): string {
  return t.shapeErrors.layer(index + 1, t.layerNames[layer.type]);
}

function checkInt(label: string, field: string, value: number, max = MAX_SIZE): string | null {
  return Number.isInteger(value) && value >= 1 && value <= max ? null : t.shapeErrors.badInteger(label, field, value, max);
}

/** Output size of a sliding window along one axis (TF.js / Keras convention). */
function windowOut(size: number, window: number, stride: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - window) / stride) + 1;
}

/** Output shape and parameters of one layer, or a message saying why it cannot take `input`. */
function inferLayer(layer: LayerSpec, index: number, input: number[]): InferredLayer | string {
  const label = layerLabel(layer, index);
  const last = input[input.length - 1];
  switch (layer.type) {
    case 'dense':
      if (input.length !== 1) return t.shapeErrors.needsFlat(label, input);
      return checkInt(label, 'units', layer.units) ?? { outputShape: [layer.units], params: last * layer.units + layer.units };
    case 'flatten':
      if (input.length === 1) return t.shapeErrors.alreadyFlat(label, input);
      return { outputShape: [input.reduce((a, b) => a * b, 1)], params: 0 };
    case 'dropout':
      if (!(layer.rate >= 0 && layer.rate < 1)) return t.shapeErrors.badRate(label, layer.rate);
      return { outputShape: input, params: 0 };
    case 'batchNormalization':
      // gamma, beta, moving mean and moving variance per channel (Keras counts all four).
      return { outputShape: input, params: 4 * last };
    case 'conv2d':
    case 'maxPooling2d': {
      if (input.length !== 3) return t.shapeErrors.needsImage(label, input, index === 0);
      const conv = layer.type === 'conv2d';
      const window = conv ? layer.kernelSize : layer.poolSize;
      const bad =
        (conv ? checkInt(label, 'filters', layer.filters) : null) ?? checkInt(label, conv ? 'kernel size' : 'pool size', window, 64) ?? checkInt(label, 'stride', layer.strides, 64);
      if (bad) return bad;
      const [h, w, c] = input;
      if (layer.padding === 'valid' && (h < window || w < window)) return t.shapeErrors.tooSmall(label, input, window);
      const out = [windowOut(h, window, layer.strides, layer.padding), windowOut(w, window, layer.strides, layer.padding)];
      return conv ? { outputShape: [...out, layer.filters], params: window * window * c * layer.filters + layer.filters } : { outputShape: [...out, c], params: 0 };
    }
  }
}

/**
 * Infers every layer's output shape and parameter count in plain TypeScript (no TF.js), so the editor
 * updates as you type; stops at the first layer that cannot take its input and names it.
 */
export function inferShapes(layers: LayerSpec[], inputShape: number[]): ShapeReport {
  const out: InferredLayer[] = [];
  let shape = inputShape;
  if (layers.length === 0) return { layers: out, totalParams: 0, error: { index: -1, message: t.shapeErrors.empty } };
  for (let i = 0; i < layers.length; i++) {
    const result = inferLayer(layers[i], i, shape);
    if (typeof result === 'string') return { layers: out, totalParams: out.reduce((s, l) => s + l.params, 0), error: { index: i, message: result } };
    out.push(result);
    shape = result.outputShape;
  }
  return { layers: out, totalParams: out.reduce((s, l) => s + l.params, 0) };
}
