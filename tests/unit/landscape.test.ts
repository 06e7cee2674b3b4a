import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataDomain } from '../../src/lib/engine/boundary/decision-grid';
import { generateSynthetic } from '../../src/lib/engine/data/synthetic';
import { filterNormalizedDirection, filterNorms } from '../../src/lib/engine/landscape/directions';
import { firstDenseEvaluator } from '../../src/lib/engine/landscape/evaluators';
import { computeSlice } from '../../src/lib/engine/landscape/landscape';
import { projectTrajectory, trajectoryPca } from '../../src/lib/engine/landscape/pca';
import { computeLandscape } from '../../src/lib/engine/landscape/run';
import { flattenWeights, splitToTensors, weightLayout } from '../../src/lib/engine/landscape/weights';
import { buildModel } from '../../src/lib/engine/models/build';
import type { ModelSpec } from '../../src/lib/engine/models/spec';
import { Rng } from '../../src/lib/engine/rng';
import { Session } from '../../src/lib/engine/session';
import { DEFAULT_CONFIG } from '../../src/lib/engine/train/config';
import { evaluate } from '../../src/lib/engine/train/evaluate';
import { useCpu } from './helpers';
import { rejectedWords } from './worded';

beforeAll(useCpu);

const SMALL: ModelSpec = {
  name: 'small',
  layers: [
    { type: 'dense', units: 8, activation: 'tanh' },
    { type: 'dense', units: 3, activation: 'softmax' },
  ],
};

describe('filter-normalised directions', () => {
  it('have the per-filter (per-neuron) norms of the weights, and zero for biases', async () => {
    const model = buildModel(SMALL, [4], 3);
    const layout = weightLayout(model);
    const w = await flattenWeights(model);
    const d = filterNormalizedDirection(w, layout, new Rng(5));
    expect(layout.shapes).toEqual([[4, 8], [8], [8, 3], [3]]);
    for (const k of [0, 2]) {
      const dn = filterNorms(d, layout, k);
      const wn = filterNorms(w, layout, k);
      expect(dn).toHaveLength(layout.shapes[k][1]);
      dn.forEach((v, f) => expect(v).toBeCloseTo(wn[f], 5));
    }
    for (const k of [1, 3]) expect(Array.from(d.subarray(layout.offsets[k], layout.offsets[k] + layout.sizes[k])).every((v) => v === 0)).toBe(true);
    // Random, not a copy of the weights: d and w point different ways within a neuron.
    const col = (v: Float32Array) => Array.from({ length: 4 }, (_, i) => v[i * 8]);
    const [a, b] = [col(d), col(w)];
    const cos = a.reduce((s, x, i) => s + x * b[i], 0) / (Math.hypot(...a) * Math.hypot(...b));
    expect(Math.abs(cos)).toBeLessThan(0.999);
    model.dispose();
  });
});

describe('trajectory PCA', () => {
  it('finds the two directions a path moved along and its coordinates', () => {
    const P = 50;
    const e1 = new Float32Array(P).map((_, i) => (i < 25 ? 0.2 : 0));
    const e2 = new Float32Array(P).map((_, i) => (i >= 25 ? 0.2 : 0));
    const final = new Float32Array(P).map((_, i) => Math.sin(i));
    // Σ a·b = 0, so e1 and e2 are exactly the principal axes (about the final point).
    const coords = [
      [4, 1],
      [3, -1],
      [2, -1],
      [1, 1],
      [0, 0],
    ];
    const snaps = coords.map(([a, b]) => final.map((x, i) => x + a * e1[i] + b * e2[i]));
    const pca = trajectoryPca(snaps, final);
    const cos = (u: Float32Array, v: Float32Array) => Math.abs(u.reduce((s, x, i) => s + x * v[i], 0));
    expect(cos(pca.directions[0], e1)).toBeCloseTo(1, 5);
    expect(cos(pca.directions[1], e2)).toBeCloseTo(1, 5);
    expect(pca.explained[0] + pca.explained[1]).toBeCloseTo(1, 6);
    expect(pca.explained[0]).toBeGreaterThan(pca.explained[1]);
    const sign = Math.sign(pca.coords[0]);
    coords.forEach(([a], k) => expect(sign * pca.coords[2 * k]).toBeCloseTo(a, 4));
    // Least-squares projection onto the same (unit) directions gives the same coordinates.
    const proj = projectTrajectory(snaps, final, pca.directions[0], pca.directions[1]);
    proj.forEach((v, k) => expect(v).toBeCloseTo(pca.coords[k], 4));
  });
});

describe('loss landscape', () => {
  it('measures the loss at the current weights in the middle, leaves the weights and tensor count unchanged', async () => {
    const dataset = generateSynthetic({ kind: 'gaussian', count: 200, noise: 0.2, seed: 1 });
    const model = buildModel(SMALL, [2], 7);
    const before = await flattenWeights(model);
    const tensors = tf.memory().numTensors;
    const progress: number[] = [];
    const result = await computeLandscape(model, dataset, 'sparseCategoricalCrossentropy', [], { method: 'random', size: 7, range: 1, seed: 2, subset: 200 }, (f) => progress.push(f), () => false);
    expect(result).not.toBeNull();
    expect(result!.losses).toHaveLength(49);
    expect(progress).toHaveLength(7);
    expect(progress[6]).toBe(1);
    const centre = await evaluate(model, dataset, dataset.train);
    expect(result!.losses[3 * 7 + 3]).toBeCloseTo(centre.loss, 4);
    // Away from the middle the loss differs (the slice really moves the weights).
    expect(new Set(Array.from(result!.losses, (v) => v.toFixed(4))).size).toBeGreaterThan(20);
    expect(Array.from(await flattenWeights(model))).toEqual(Array.from(before));
    expect(tf.memory().numTensors).toBe(tensors);
    model.dispose();
  });

  it('the first-layer shortcut gives the same losses as running the whole model at each point', async () => {
    const dataset = generateSynthetic({ kind: 'spiral', count: 150, noise: 0.1, seed: 4, classes: 3 });
    const spec: ModelSpec = { name: 'deep', layers: [{ type: 'dense', units: 12, activation: 'relu' }, { type: 'dropout', rate: 0.3 }, { type: 'dense', units: 6, activation: 'sigmoid' }, { type: 'dense', units: 3, activation: 'softmax' }] };
    const model = buildModel(spec, [2], 9);
    const layout = weightLayout(model);
    const center = await flattenWeights(model);
    const rng = new Rng(3);
    const [d1, d2] = [filterNormalizedDirection(center, layout, rng), filterNormalizedDirection(center, layout, rng)];
    const x = tf.tensor2d(dataset.train.x as Float32Array, [150, 2]);
    const y = tf.tensor1d(dataset.train.y as Int32Array, 'int32');
    const base = { model, layout, center, d1, d2, x, y, lossName: 'sparseCategoricalCrossentropy' as const, size: 6, domain: { xMin: -1.5, xMax: 1, yMin: -1, yMax: 2 } };
    const fast = await computeSlice(base, () => {}, () => false);
    const naive = await computeSlice({ ...base, naive: true }, () => {}, () => false);
    fast!.losses.forEach((v, i) => expect(v).toBeCloseTo(naive!.losses[i], 5));
    // …and the shortcut really applies to this model.
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const parts = [center, d1, d2].map((f) => splitToTensors(f, layout));
    const evaluator = firstDenseEvaluator({ model, vars, center: parts[0], d1: parts[1], d2: parts[2], x, y, lossName: 'sparseCategoricalCrossentropy' });
    expect(evaluator).not.toBeNull();
    evaluator!.dispose();
    tf.dispose([x, y, ...parts.flat()]);
    model.dispose();
  });

  it('stops when cancelled and puts the weights back', async () => {
    const dataset = generateSynthetic({ kind: 'xor', count: 100, noise: 0.1, seed: 1 });
    const model = buildModel({ ...SMALL, layers: [SMALL.layers[0], { type: 'dense', units: 2, activation: 'softmax' }] }, [2], 7);
    const before = await flattenWeights(model);
    let rows = 0;
    const result = await computeLandscape(model, dataset, 'sparseCategoricalCrossentropy', [], { method: 'random', size: 11, range: 1, seed: 2, subset: 100 }, () => rows++, () => rows >= 2);
    expect(result).toBeNull();
    expect(rows).toBe(2);
    expect(Array.from(await flattenWeights(model))).toEqual(Array.from(before));
    model.dispose();
  });

  it('projects a real run onto its PCA plane: the path ends at the centre', async () => {
    const session = new Session();
    session.loadSynthetic({ kind: 'spiral', count: 200, noise: 0.1, seed: 3 });
    session.setModel({ ...SMALL, layers: [SMALL.layers[0], { type: 'dense', units: 2, activation: 'softmax' }] }, 1);
    await session.train({ ...DEFAULT_CONFIG, epochs: 4, batchSize: 16, learningRate: 0.02, validationSplit: 0 }, () => {});
    const result = await session.computeLandscape({ method: 'pca', size: 9, range: 1, seed: 1, subset: 128 }, () => {});
    expect(result!.path).toHaveLength(2 * 5); // start + 4 epoch ends
    expect(Math.hypot(result!.path[8], result!.path[9])).toBeLessThan(1e-4);
    expect(result!.explained![0]).toBeGreaterThan(0.3);
    const d = result!.domain;
    for (let k = 0; k < result!.path.length; k += 2) {
      expect(result!.path[k]).toBeGreaterThanOrEqual(d.xMin);
      expect(result!.path[k]).toBeLessThanOrEqual(d.xMax);
    }
    const grid = await session.predictGrid(20);
    expect(grid.classes).toHaveLength(400);
    expect(new Set(grid.classes).size).toBe(2);
  });

  it('refuses PCA without a trajectory, with a message that says why', async () => {
    const session = new Session();
    session.loadSynthetic({ kind: 'circles', count: 100, noise: 0.1, seed: 3 });
    session.setModel({ ...SMALL, layers: [SMALL.layers[0], { type: 'dense', units: 2, activation: 'softmax' }] }, 1);
    expect(await rejectedWords(session.computeLandscape({ method: 'pca', size: 9, range: 1, seed: 1, subset: 64 }, () => {}))).toMatch(/at least two epochs/);
  });
});

describe('decision grid', () => {
  it('spans the data in a square box', () => {
    const d = generateSynthetic({ kind: 'circles', count: 300, noise: 0.1, seed: 1 });
    const box = dataDomain(d.train, 2);
    expect(box.xMax - box.xMin).toBeCloseTo(box.yMax - box.yMin, 9);
    for (let i = 0; i < d.train.count; i++) {
      expect(d.train.x[2 * i]).toBeGreaterThan(box.xMin);
      expect(d.train.x[2 * i + 1]).toBeLessThan(box.yMax);
    }
  });
});
