import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/lib/engine/train/config';
import { decodeExperiment, encodeExperiment, isExperimentLink, type Experiment } from '../../src/lib/state/experiment-link';

const MNIST: Experiment = { data: 'mnist', model: { preset: 'classicMlp' }, config: { ...DEFAULT_CONFIG } };

const SPIRAL: Experiment = {
  data: 'gen-spiral',
  generator: { kind: 'spiral', count: 250, noise: 0.35, seed: 9, classes: 3 },
  model: { layers: [{ type: 'dense', units: 64, activation: 'relu' }, { type: 'dropout', rate: 0.1 }, { type: 'dense', units: 3, activation: 'softmax' }] },
  config: {
    optimizer: 'momentum', learningRate: 0.0123, batchSize: 16, epochs: 7, validationSplit: 0.15, seed: 77,
    schedule: { kind: 'one-cycle', pctStart: 0.3, divFactor: 25, finalDivFactor: 10000 },
    earlyStopping: { patience: 3, restoreBest: true },
  },
};

const CNN: Experiment = {
  data: 'fashion-mnist',
  model: { layers: [{ type: 'conv2d', filters: 8, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' }, { type: 'maxPooling2d', poolSize: 2, strides: 2, padding: 'valid' }, { type: 'batchNormalization' }, { type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax' }] },
  loss: 'meanSquaredError',
  config: { ...DEFAULT_CONFIG, schedule: { kind: 'step-decay', everyEpochs: 2, gamma: 0.5 } },
};

const through = (e: Experiment) => decodeExperiment(new URLSearchParams(encodeExperiment(e).toString()), MNIST);

describe('experiment link', () => {
  it('round-trips built-in data with a preset, a generator with its parameters and every layer, schedule and early stopping', () => {
    for (const e of [MNIST, SPIRAL, CNN]) expect(through(e)).toEqual({ experiment: e, errors: [] });
    expect(isExperimentLink(encodeExperiment(SPIRAL))).toBe(true);
    expect(isExperimentLink(new URLSearchParams('lang=en'))).toBe(false);
  });

  it('reports every value it cannot use and keeps the default for it (no value is ever run as code)', () => {
    const bad = new URLSearchParams('data=gen-spiral&n=3&noise=2&classes=9&layers=dense:64:relu,eval:1&opt=lbfgs&lr=-1&batch=0.5&epochs=100000&val=0.9&seed=x&sched=one-cycle:2:1:1&es=0:1&loss=hinge&preset=alert(1)');
    const { experiment, errors } = decodeExperiment(bad, MNIST);
    expect(errors.map((e) => e.param)).toEqual(['n', 'noise', 'classes', 'preset', 'layers', 'loss', 'opt', 'lr', 'batch', 'epochs', 'val', 'seed', 'sched', 'es']);
    expect(experiment.data).toBe('gen-spiral');
    expect(experiment.generator).toEqual({ kind: 'spiral', count: 400, noise: 0.2, seed: 1 });
    expect(experiment.model).toEqual(MNIST.model);
    expect(experiment.config).toEqual(MNIST.config);
    expect(decodeExperiment(new URLSearchParams('data=../../etc'), MNIST).errors).toEqual([{ param: 'data', value: '../../etc' }]);
  });
});
