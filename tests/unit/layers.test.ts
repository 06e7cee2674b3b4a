import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, summarize } from '../../src/lib/engine/models/build';
import { checkModelFits } from '../../src/lib/engine/models/fit';
import { PRESET_IDS, makePreset, presetFits } from '../../src/lib/engine/models/presets';
import { inferShapes } from '../../src/lib/engine/models/shapes';
import type { LayerSpec } from '../../src/lib/engine/models/spec';
import { useCpu } from './helpers';
import type { EngineMessage } from '../../src/lib/engine/errors';
import { describe as wordOf } from '../../src/lib/i18n/engine-text';

/** A matcher: the shape problem, in English, is exactly `text` (the expected text is shown on failure). */
const says = (text: string) => (problem: EngineMessage | undefined) => {
  expect(problem && wordOf(problem)).toBe(text);
  return true;
};

beforeAll(useCpu);

/** Our inferred shapes and parameter counts must equal what TF.js builds. */
function expectSameAsTf(layers: LayerSpec[], inputShape: number[]): void {
  const ours = inferShapes(layers, inputShape);
  expect(ours.error).toBeUndefined();
  const model = buildModel({ name: 't', layers }, inputShape, 1);
  const tf = summarize(model, inputShape);
  model.dispose();
  expect(ours.layers.map((l) => [l.outputShape, l.params])).toEqual(tf.layers.map((l) => [l.outputShape, l.params]));
  expect(ours.totalParams).toBe(tf.totalParams);
}

const conv = (filters: number, kernelSize: number, strides: number, padding: 'valid' | 'same'): LayerSpec => ({ type: 'conv2d', filters, kernelSize, strides, padding, activation: 'relu' });
const pool = (poolSize: number, strides: number, padding: 'valid' | 'same'): LayerSpec => ({ type: 'maxPooling2d', poolSize, strides, padding });
const dense = (units: number, activation: 'relu' | 'softmax' | 'linear' = 'relu'): LayerSpec => ({ type: 'dense', units, activation });

describe('shape inference matches TF.js for each layer type', () => {
  it('Dense and Dropout on flat input', () => expectSameAsTf([dense(7), { type: 'dropout', rate: 0.5 }, dense(3, 'softmax')], [5]));
  it('Flatten on images', () => expectSameAsTf([{ type: 'flatten' }, dense(4)], [6, 5, 3]));
  it('Conv2D, valid and same padding, strides 1 to 3', () => {
    for (const padding of ['valid', 'same'] as const) for (const s of [1, 2, 3]) expectSameAsTf([conv(4, 3, s, padding)], [13, 10, 2]);
    expectSameAsTf([conv(8, 5, 1, 'valid'), conv(3, 1, 1, 'same')], [28, 28, 1]);
  });
  it('MaxPooling2D, valid and same, odd sizes and strides', () => {
    for (const padding of ['valid', 'same'] as const) for (const [p, s] of [[2, 2], [3, 2], [2, 1]]) expectSameAsTf([pool(p, s, padding)], [9, 7, 3]);
  });
  it('BatchNormalization counts gamma, beta and the two moving statistics', () => {
    expectSameAsTf([{ type: 'batchNormalization' }], [8]);
    expectSameAsTf([conv(6, 3, 1, 'same'), { type: 'batchNormalization' }], [10, 10, 3]);
  });
  it('every preset on the data it fits', () => {
    const shapes = [
      { inputShape: [28, 28, 1], task: 'classification' as const, numClasses: 10 },
      { inputShape: [32, 32, 3], task: 'classification' as const, numClasses: 4 },
      { inputShape: [13], task: 'classification' as const, numClasses: 3 },
      { inputShape: [10], task: 'regression' as const, numClasses: 1 },
    ];
    for (const data of shapes) for (const id of PRESET_IDS.filter((p) => presetFits(p, data))) expectSameAsTf(makePreset(id, data, id).layers, data.inputShape);
    expect(inferShapes(makePreset('lenet', shapes[0], 'l').layers, [28, 28, 1]).totalParams).toBe(61706);
  });
});

describe('a layer that cannot take its input is named', () => {
  it('Conv2D and pooling need images; Dense needs flat input; Flatten refuses flat input', () => {
    expect(inferShapes([conv(4, 3, 1, 'same')], [4]).error).toEqual({ index: 0, code: 'shape.needsImage', params: { layer: 1, type: 'conv2d', shape: [4], first: true } });
    expect(inferShapes([conv(4, 3, 1, 'same')], [4]).error).toSatisfy(
      says('Layer 1 (Conv2D) needs an image input [height, width, channels] but gets [4]. This data is not a set of images: use Dense layers.'),
    );
    expect(inferShapes([{ type: 'flatten' }, pool(2, 2, 'valid')], [8, 8, 1]).error).toSatisfy(says(
      'Layer 2 (MaxPooling2D) needs an image input [height, width, channels] but gets [64]. Put it before any Flatten or Dense layer.',
    ));
    expect(inferShapes([dense(10)], [28, 28, 1]).error).toSatisfy(says('Layer 1 (Dense) gets [28, 28, 1]: add a Flatten layer before it.'));
    expect(inferShapes([{ type: 'flatten' }, dense(2)], [4]).error).toSatisfy(says('Layer 1 (Flatten) gets [4], which is already flat: remove this layer.'));
  });
  it('a window larger than its input, bad sizes and rates', () => {
    const layers = [conv(4, 5, 1, 'valid'), pool(2, 2, 'valid'), conv(4, 5, 1, 'valid')];
    expect(inferShapes(layers, [12, 12, 1]).error).toEqual({ index: 2, code: 'shape.tooSmall', params: { layer: 3, type: 'conv2d', shape: [4, 4, 4], window: 5 } });
    expect(inferShapes(layers, [12, 12, 1]).error).toSatisfy(
      says('Layer 3 (Conv2D) gets [4, 4, 4], smaller than its 5×5 window: use “same” padding, a smaller window, or fewer pooling layers before it.'),
    );
    expect(inferShapes([dense(0)], [3]).error).toSatisfy(says('Layer 1 (Dense): units must be a whole number from 1 to 100000, got 0.'));
    expect(inferShapes([conv(4, 3, 0, 'same')], [8, 8, 1]).error).toSatisfy(says('Layer 1 (Conv2D): stride must be a whole number from 1 to 64, got 0.'));
    expect(inferShapes([{ type: 'dropout', rate: 1 }], [3]).error).toSatisfy(says('Layer 1 (Dropout): the dropout rate must be at least 0 and below 1, got 1.'));
    expect(inferShapes([], [3]).error).toSatisfy(says('The model has no layers: add at least one.'));
  });
});

describe('a model that does not fit the task is refused, naming the layer', () => {
  const iris = { inputShape: [4], task: 'classification' as const, numClasses: 3 };
  const diabetes = { inputShape: [10], task: 'regression' as const, numClasses: 1 };
  it('wrong output size or activation for classes', () => {
    expect(checkModelFits([dense(8), dense(10, 'softmax')], iris).error).toSatisfy(says(
      'Layer 2 (Dense) is the last layer and outputs [10], but the data has 3 classes: it must output [3] (a Dense layer with 3 units).',
    ));
    expect(checkModelFits([dense(3, 'relu')], iris).error).toSatisfy(says(
      'Layer 1 (Dense) is the last layer and uses “relu”, but cross-entropy needs class probabilities: use softmax on the last layer.',
    ));
    expect(checkModelFits([dense(3, 'softmax'), { type: 'dropout', rate: 0.1 }], iris).error).toSatisfy(says(
      'Layer 2 (Dropout) is the last layer, but the output must come from a Dense layer (with softmax for classes, linear for regression).',
    ));
    expect(checkModelFits([dense(3, 'softmax')], iris).error).toBeUndefined();
  });
  it('wrong output for regression, and a loss that does not fit the task', () => {
    expect(checkModelFits([dense(3, 'linear')], diabetes).error).toSatisfy(says(
      'Layer 1 (Dense) is the last layer and outputs [3], but regression predicts one number: it must output [1] (a Dense layer with 1 unit).',
    ));
    expect(checkModelFits([dense(1, 'softmax')], diabetes).error).toSatisfy(says('Layer 1 (Dense) uses softmax, which always outputs 1 for one unit: use a linear activation to predict a number.'));
    expect(checkModelFits([dense(1, 'linear')], diabetes, 'sparseCategoricalCrossentropy').error).toSatisfy(says(
      'The loss “Cross-entropy (classes)” does not fit a regression task: use Mean squared error or Mean absolute error.',
    ));
    expect(checkModelFits([dense(3, 'softmax')], iris, 'meanAbsoluteError').error).toSatisfy(says('The loss “Mean absolute error” does not fit a classification task: use Cross-entropy (classes).'));
  });
});
