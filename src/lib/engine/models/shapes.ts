import type { EngineCodes, EngineMessage, LayerRef } from '../errors';
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
  error?: ShapeProblem;
}

/** Codes of the shape checks (the editor shows them under the layer they name). */
export type ShapeCode = Extract<keyof EngineCodes, `shape.${string}`>;

/** The first reason the model cannot train: the layer (`index`, -1 for the model as a whole) and why. */
export type ShapeProblem = { index: number } & EngineMessage<ShapeCode>;

const MAX_SIZE = 100_000;

/** How messages name a layer: 1-based, as the editor numbers them ("Layer 3 (Conv2D)"). */
export function layerRef(layer: LayerSpec, index: number): LayerRef {
  return { layer: index + 1, type: layer.type };
}

/** A shape problem as a message, typed by its code. */
export function shapeProblem<K extends ShapeCode>(code: K, params: EngineCodes[K]): EngineMessage<ShapeCode> {
  return { code, params } as EngineMessage<ShapeCode>;
}

type IntField = EngineCodes['shape.badInteger']['field'];

function checkInt(ref: LayerRef, field: IntField, value: number, max = MAX_SIZE): EngineMessage<ShapeCode> | null {
  return Number.isInteger(value) && value >= 1 && value <= max ? null : shapeProblem('shape.badInteger', { ...ref, field, value, max });
}

/** Output size of a sliding window along one axis (TF.js / Keras convention). */
function windowOut(size: number, window: number, stride: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - window) / stride) + 1;
}

/** Output shape and parameters of one layer, or a message saying why it cannot take `input`. */
function inferLayer(layer: LayerSpec, index: number, input: number[]): InferredLayer | EngineMessage<ShapeCode> {
  const label = layerRef(layer, index);
  const last = input[input.length - 1];
  switch (layer.type) {
    case 'dense':
      if (input.length !== 1) return shapeProblem('shape.needsFlat', { ...label, shape: input });
      return checkInt(label, 'units', layer.units) ?? { outputShape: [layer.units], params: last * layer.units + layer.units };
    case 'flatten':
      if (input.length === 1) return shapeProblem('shape.alreadyFlat', { ...label, shape: input });
      return { outputShape: [input.reduce((a, b) => a * b, 1)], params: 0 };
    case 'dropout':
      if (!(layer.rate >= 0 && layer.rate < 1)) return shapeProblem('shape.badRate', { ...label, value: layer.rate });
      return { outputShape: input, params: 0 };
    case 'batchNormalization':
      // gamma, beta, moving mean and moving variance per channel (Keras counts all four).
      return { outputShape: input, params: 4 * last };
    case 'conv2d':
    case 'maxPooling2d': {
      if (input.length !== 3) return shapeProblem('shape.needsImage', { ...label, shape: input, first: index === 0 });
      const conv = layer.type === 'conv2d';
      const window = conv ? layer.kernelSize : layer.poolSize;
      const bad =
        (conv ? checkInt(label, 'filters', layer.filters) : null) ?? checkInt(label, conv ? 'kernelSize' : 'poolSize', window, 64) ?? checkInt(label, 'strides', layer.strides, 64);
      if (bad) return bad;
      const [h, w, c] = input;
      if (layer.padding === 'valid' && (h < window || w < window)) return shapeProblem('shape.tooSmall', { ...label, shape: input, window });
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
  if (layers.length === 0) return { layers: out, totalParams: 0, error: { index: -1, code: 'shape.empty', params: {} } };
  for (let i = 0; i < layers.length; i++) {
    const result = inferLayer(layers[i], i, shape);
    if ('code' in result) return { layers: out, totalParams: out.reduce((s, l) => s + l.params, 0), error: { index: i, ...result } };
    out.push(result);
    shape = result.outputShape;
  }
  return { layers: out, totalParams: out.reduce((s, l) => s + l.params, 0) };
}
