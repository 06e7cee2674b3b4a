import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { classicMlp } from '../src/lib/engine/models/spec';
import { Session } from '../src/lib/engine/session';
import { DEFAULT_CONFIG } from '../src/lib/engine/train/config';
import { loadMnist, slice } from '../tests/unit/helpers';

/**
 * Compute time of the loss landscape of the classic MNIST model (784-128-10) on Node's cpu backend:
 * a 25 × 25 grid on 512 training examples, filter-normalised random directions and PCA of a short run.
 */
it('loss landscape of the classic MNIST model, 25 × 25 on 512 examples, cpu backend', async () => {
  await tf.setBackend('cpu');
  const session = new Session();
  session.setDataset(slice(await loadMnist(), 6000, 1000));
  session.setModel(classicMlp(), 42);
  await session.train({ ...DEFAULT_CONFIG, epochs: 3, batchSize: 128 }, () => {});
  for (const method of ['random', 'pca'] as const) {
    const t0 = performance.now();
    const result = await session.computeLandscape({ method, size: 25, range: 1, seed: 1, subset: 512 }, () => {});
    const seconds = (performance.now() - t0) / 1000;
    console.log(`${method}: ${seconds.toFixed(1)} s for 625 evaluations of 512 examples (${result!.params} parameters), ${((seconds / 625) * 1000).toFixed(1)} ms each`);
    expect(result!.losses.every(Number.isFinite)).toBe(true);
  }
});
