import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultClasses, generateSynthetic } from '../../src/lib/engine/data/synthetic';
import { PLAYGROUND_CONFIG, playgroundMlp } from '../../src/lib/engine/models/playground';
import { Session } from '../../src/lib/engine/session';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/lib/engine/train/config';

/** The page's default spiral (data.generator) and what picking it sets: the 2-D model and settings. */
const SPIRAL = { kind: 'spiral' as const, count: 400, noise: 0.2, classes: defaultClasses('spiral') };

async function testAccuracy(dataSeed: number, trainSeed: number): Promise<number> {
  const session = new Session();
  session.setDataset(generateSynthetic({ ...SPIRAL, seed: dataSeed }));
  session.setModel(playgroundMlp(SPIRAL.classes), trainSeed);
  const config: TrainConfig = { ...DEFAULT_CONFIG, ...PLAYGROUND_CONFIG, seed: trainSeed };
  await session.train(config, () => {});
  return (await session.evaluateTest()).accuracy;
}

describe('defaults that succeed: the 2-D spiral', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('reaches at least 95% test accuracy with the default epochs, for every seed tried (CPU backend)', async () => {
    // The page's own seeds (generator 1, settings 42) and four others, data and weights both varied.
    const seeds: [number, number][] = [[1, 42], [2, 7], [3, 1], [4, 123], [17, 2024]];
    const accuracies: number[] = [];
    for (const [dataSeed, trainSeed] of seeds) accuracies.push(await testAccuracy(dataSeed, trainSeed));
    expect(PLAYGROUND_CONFIG.epochs).toBeLessThanOrEqual(40);
    console.log(`2-D spiral defaults, test accuracy per seed: ${accuracies.map((a) => a.toFixed(2)).join(', ')}`);
    for (const a of accuracies) expect(a).toBeGreaterThanOrEqual(0.95);
  }, 300_000);
});
