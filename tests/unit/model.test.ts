import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, checkOutputFits, summarize } from '../../src/lib/engine/models/build';
import { ModelSpecError, classicMlp } from '../../src/lib/engine/models/spec';
import { useCpu } from './helpers';
import { engineMessage } from '../../src/lib/engine/errors';
import { describe as wordOf } from '../../src/lib/i18n/engine-text';
import { rejected, worded, words } from './worded';

beforeAll(useCpu);

describe('model from spec', () => {
  it('builds the classic MLP with the Keras shapes and 101,770 parameters', () => {
    const model = buildModel(classicMlp(), [28, 28, 1], 1);
    const summary = summarize(model, [28, 28, 1]);
    expect(summary.layers.map((l) => [l.type, l.outputShape, l.params])).toEqual([
      ['Flatten', [784], 0],
      ['Dense', [128], 100480],
      ['Dense', [10], 1290],
    ]);
    expect(summary.totalParams).toBe(101770);
    model.dispose();
  });

  it('gives the same weights for the same seed and different ones for another seed', () => {
    const a = buildModel(classicMlp(), [28, 28, 1], 7);
    const b = buildModel(classicMlp(), [28, 28, 1], 7);
    const c = buildModel(classicMlp(), [28, 28, 1], 8);
    const w = (m: tf.LayersModel) => Array.from(m.getWeights()[0].dataSync().slice(0, 50));
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('refuses a model whose output does not match the classes, naming the layer', () => {
    const model = buildModel({ name: 'x', layers: [{ type: 'flatten' }, { type: 'dense', units: 5, activation: 'softmax' }] }, [28, 28, 1], 1);
    expect(words(() => checkOutputFits(model, 10))).toMatch(/The last layer \(dense_2\) outputs shape \[5\] but the data has 10 classes/);
    model.dispose();
  });

  it('refuses invalid layer settings and a model that cannot take the input', () => {
    expect(() => buildModel({ name: 'x', layers: [] }, [4], 1)).toThrow(ModelSpecError);
    expect(words(() => buildModel({ name: 'x', layers: [{ type: 'dense', units: 0, activation: 'relu' }] }, [4], 1))).toMatch(/units must be a positive integer/);
    expect(words(() => buildModel({ name: 'x', layers: [{ type: 'dropout', rate: 1.5 }] }, [4], 1))).toMatch(/rate must be in \[0, 1\)/);
  });
});

describe('backend start-up', () => {
  it('skips an emulated GPU, falls back past a backend that hangs, and says why in codes', async () => {
    const { initBackend } = await import('../../src/lib/engine/backend');
    tf.registerBackend('hangs', () => new Promise(() => {}), 0);
    const order = ['hangs', 'cpu'] as unknown as import('../../src/lib/engine/backend').BackendName[];
    const choice = await initBackend(order, { timeoutMs: 200 });
    expect(choice.name).toBe('cpu');
    const hung = { code: 'backend.startFailed', params: { backend: 'hangs', problem: { code: 'backend.startTimeout', params: { backend: 'hangs', seconds: 0.2 } } } };
    expect(choice.failures).toEqual([hung]);
    expect(choice.notices).toEqual([hung]);
    expect(worded(choice.failures)).toEqual(['hangs: hangs did not start within 0.2 s']);
    expect(choice.reason).toEqual({ code: 'backend.firstThatWorks', params: { backend: 'cpu', order: ['hangs', 'cpu'] } });
    expect(wordOf(choice.reason)).toBe('cpu: the first of hangs → cpu that works here');
    const soft = await rejected(initBackend(['cpu'], { probe: async () => ({ available: true, software: true, detail: 'SwiftShader' }), forced: undefined }));
    expect(soft).toEqual({ code: 'backend.noneStarted', params: { notices: [{ code: 'backend.softwareGpu', params: { backend: 'cpu', detail: 'SwiftShader' } }] } });
    expect(wordOf(soft)).toMatch(/cpu: skipped, the GPU is emulated in software \(SwiftShader\)/);
    tf.removeBackend('hangs');
    await tf.setBackend('cpu');
  });

  it('names why a probe found a backend unavailable, and why the user’s or the first choice runs', async () => {
    const { initBackend } = await import('../../src/lib/engine/backend');
    const lacking = await rejected(initBackend(['cpu'], { probe: async () => ({ available: false, detail: '', problem: engineMessage('backend.missingFeature', { feature: 'webgpuAdapter' }) }) }));
    expect(wordOf(lacking)).toBe('No TF.js backend could start: cpu: no WebGPU adapter');
    const broken = await rejected(initBackend(['cpu'], { probe: async () => Promise.reject(new Error('probe crashed')) }));
    expect(broken).toEqual({ code: 'backend.noneStarted', params: { notices: [{ code: 'backend.unavailable', params: { backend: 'cpu', problem: { code: 'engine.failed', params: { detail: 'probe crashed' } } } }] } });
    const silent = await rejected(initBackend(['cpu'], { probe: async () => ({ available: false, detail: '' }) }));
    expect(wordOf(silent)).toBe('No TF.js backend could start: cpu: not available on this device');
    const forced = await initBackend(['cpu'], { forced: 'cpu' });
    expect(wordOf(forced.reason)).toBe('cpu chosen by you');
    const first = await initBackend(['cpu']);
    expect(first.reason).toEqual({ code: 'backend.fastestKind', params: { backend: 'cpu' } });
    expect(first.notices).toEqual([]);
  });

  it('the speed comparison notes what failed, and says so when nothing could train', async () => {
    const { pickFastestBackend } = await import('../../src/lib/engine/backend');
    const ok = await pickFastestBackend(['cpu'], async () => 1234, 100);
    expect(ok).toEqual({ chosen: 'cpu', speeds: [{ name: 'cpu', samplesPerSec: 1234, note: null }] });
    const none = await rejected(pickFastestBackend(['cpu'], async () => Promise.reject(new Error('boom')), 100));
    expect(none).toEqual({ code: 'backend.noneTrained', params: { failures: [{ backend: 'cpu', problem: { code: 'engine.failed', params: { detail: 'boom' } } }] } });
    expect(wordOf(none)).toBe('No backend could train the model: cpu: boom');
  });
});
