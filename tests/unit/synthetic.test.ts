import { beforeAll, describe, expect, it } from 'vitest';
import { classCounts } from '../../src/lib/engine/data/dataset';
import { SYNTHETIC_KINDS, generateSynthetic } from '../../src/lib/engine/data/synthetic';
import { Session } from '../../src/lib/engine/session';
import { DEFAULT_CONFIG } from '../../src/lib/engine/train/config';
import { useCpu } from './helpers';
import { words } from './worded';

beforeAll(useCpu);

describe('2-D generators', () => {
  it('are reproducible by seed and differ across seeds', () => {
    for (const kind of SYNTHETIC_KINDS) {
      const a = generateSynthetic({ kind, count: 200, noise: 0.2, seed: 1 });
      const b = generateSynthetic({ kind, count: 200, noise: 0.2, seed: 1 });
      const c = generateSynthetic({ kind, count: 200, noise: 0.2, seed: 2 });
      expect(Array.from(a.train.x)).toEqual(Array.from(b.train.x));
      expect(Array.from(a.train.x)).not.toEqual(Array.from(c.train.x));
      expect(a.train.count).toBe(200);
      expect(a.test.count).toBe(50);
    }
  });

  it('balances the classes of a spiral and an xor', () => {
    expect(classCounts(generateSynthetic({ kind: 'spiral', count: 300, noise: 0, seed: 3, classes: 3 }).train, 3)).toEqual([100, 100, 100]);
    const xor = generateSynthetic({ kind: 'xor', count: 400, noise: 0, seed: 3 });
    const [neg, pos] = classCounts(xor.train, 2);
    expect(Math.abs(neg - pos)).toBeLessThan(80);
  });

  it('rejects a size or class count out of range', () => {
    expect(words(() => generateSynthetic({ kind: 'spiral', count: 3, noise: 0, seed: 1 }))).toMatch(/size must be an integer from 8/);
    expect(words(() => generateSynthetic({ kind: 'gaussian', count: 100, noise: 0, seed: 1, classes: 9 }))).toMatch(/classes must be from 2 to 5/);
  });

  it('a small MLP learns the circles and a linear model fits the noisy line', async () => {
    const session = new Session();
    session.loadSynthetic({ kind: 'circles', count: 400, noise: 0.05, seed: 4 });
    session.setModel({ name: 'mlp', layers: [{ type: 'dense', units: 8, activation: 'tanh' }, { type: 'dense', units: 2, activation: 'softmax' }] }, 1);
    await session.train({ ...DEFAULT_CONFIG, learningRate: 0.03, batchSize: 16, epochs: 30, validationSplit: 0 }, () => {});
    expect((await session.evaluateTest()).accuracy).toBeGreaterThan(0.9);

    session.loadSynthetic({ kind: 'linear', count: 400, noise: 0.1, seed: 4 });
    session.setModel({ name: 'linear', layers: [{ type: 'dense', units: 1, activation: 'linear' }] }, 1);
    await session.train({ ...DEFAULT_CONFIG, learningRate: 0.05, batchSize: 16, epochs: 20, validationSplit: 0 }, () => {});
    const w = session.currentModel!.getWeights().map((t) => t.dataSync()[0]);
    expect(w[0]).toBeCloseTo(0.5, 1);
    expect(w[1]).toBeCloseTo(1, 1);
  });
});
