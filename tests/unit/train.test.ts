import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { splitIndices } from '../../src/lib/engine/data/dataset';
import { buildModel } from '../../src/lib/engine/models/build';
import { classicMlp } from '../../src/lib/engine/models/spec';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/lib/engine/train/config';
import { evaluate } from '../../src/lib/engine/train/evaluate';
import type { TrainEvent } from '../../src/lib/engine/train/events';
import { Trainer } from '../../src/lib/engine/train/loop';
import { loadMnist, slice, useCpu } from './helpers';
import { describe as wordOf } from '../../src/lib/i18n/engine-text';

beforeAll(useCpu);

const config: TrainConfig = { ...DEFAULT_CONFIG, epochs: 3, batchSize: 32, validationSplit: 0.2, seed: 3 };

describe('training loop', () => {
  it('lowers the loss on a small slice of MNIST and reports every step and epoch', async () => {
    const data = slice(await loadMnist(), 1500, 500);
    const model = buildModel(classicMlp(), data.inputShape, config.seed);
    const before = await evaluate(model, data, data.test);
    const events: TrainEvent[] = [];
    const trainer = new Trainer(model, data, config);
    const result = await trainer.run((e) => events.push(e));
    trainer.dispose();
    const after = await evaluate(model, data, data.test);

    const losses = events.flatMap((e) => (e.kind === 'steps' ? Array.from(e.loss) : []));
    const stepsPerEpoch = Math.floor(1200 / 32);
    expect(result).toMatchObject({ stopped: false, steps: 3 * stepsPerEpoch, epochs: 3 });
    expect(losses).toHaveLength(3 * stepsPerEpoch);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-20))).toBeLessThan(mean(losses.slice(0, 20)) * 0.5);
    expect(after.loss).toBeLessThan(before.loss * 0.5);
    expect(after.accuracy).toBeGreaterThan(0.8);
    const epochs = events.filter((e) => e.kind === 'epoch');
    expect(epochs).toHaveLength(3);
    for (const e of epochs) expect(e.valLoss).toBeGreaterThan(0);
    expect(events.at(-1)).toMatchObject({ kind: 'done', stopped: false });
    model.dispose();
  });

  it('keeps the tensor count flat across epochs', async () => {
    const data = slice(await loadMnist(), 640, 100);
    const model = buildModel(classicMlp(), data.inputShape, 1);
    const counts: number[] = [];
    const trainer = new Trainer(model, data, { ...config, epochs: 4, validationSplit: 0.1 });
    await trainer.run((e) => {
      if (e.kind === 'epoch') counts.push(tf.memory().numTensors);
    });
    trainer.dispose();
    expect(counts).toHaveLength(4);
    // The first epoch creates the optimizer's slots; after that nothing may grow.
    expect(new Set(counts.slice(1)).size).toBe(1);
    model.dispose();
  });

  it('stops at once when asked and keeps the weights learned so far', async () => {
    const data = slice(await loadMnist(), 3200, 100);
    const model = buildModel(classicMlp(), data.inputShape, 1);
    const initial = model.getWeights()[0].dataSync().slice();
    const trainer = new Trainer(model, data, { ...config, epochs: 50 });
    let stepsSeen = 0;
    const result = await trainer.run((e) => {
      if (e.kind === 'steps') {
        stepsSeen += e.loss.length;
        if (stepsSeen >= 10) trainer.stop();
      }
    });
    trainer.dispose();
    // Progress arrives every few tens of ms, so how many steps precede the Stop depends on the machine's
    // speed; what must hold: no step runs after the request, and the run ends far short of its 50 epochs.
    const stepsPerEpoch = Math.floor(2560 / 32);
    expect(result.stopped).toBe(true);
    expect(result.steps).toBe(stepsSeen);
    expect(result.steps).toBeLessThan(50 * stepsPerEpoch);
    expect(result.epochs).toBe(Math.floor(result.steps / stepsPerEpoch));
    expect(model.getWeights()[0].dataSync()).not.toEqual(initial);
    model.dispose();
  });

  it('splits train/validation reproducibly by seed', () => {
    const a = splitIndices(100, 0.1, 5);
    const b = splitIndices(100, 0.1, 5);
    expect(a.val).toHaveLength(10);
    expect(Array.from(a.val)).toEqual(Array.from(b.val));
    expect(new Set([...a.train, ...a.val]).size).toBe(100);
  });
});

describe('divergence guard', () => {
  it('stops a run whose loss explodes and says what to do', async () => {
    const data = slice(await loadMnist(), 2000, 100);
    const model = buildModel(classicMlp(), data.inputShape, 1);
    const events: TrainEvent[] = [];
    const trainer = new Trainer(model, data, { ...config, optimizer: 'sgd', learningRate: 10, epochs: 5 });
    const result = await trainer.run((e) => events.push(e));
    trainer.dispose();
    expect(result.diverged).toBe(true);
    expect(result.epochs).toBe(0);
    const error = events.find((e) => e.kind === 'error');
    expect(error).toMatchObject({ kind: 'error', diverged: true });
    expect(error && 'message' in error && wordOf(error.message)).toMatch(/at learning rate 10: .*Try a learning rate 10× lower/);
    model.dispose();
  });

  it('does not fire on a healthy run with a one-cycle schedule', async () => {
    const { scheduleHooks, ONE_CYCLE } = await import('../../src/lib/engine/train/schedules');
    const data = slice(await loadMnist(), 2000, 100);
    const model = buildModel(classicMlp(), data.inputShape, 1);
    const trainer = new Trainer(model, data, { ...config, learningRate: 0.003, epochs: 2 }, scheduleHooks(ONE_CYCLE, 0.003, 2));
    const lrs: number[] = [];
    const result = await trainer.run((e) => e.kind === 'steps' && lrs.push(...e.learningRate));
    trainer.dispose();
    expect(result.diverged).toBeUndefined();
    expect(Math.max(...lrs)).toBeCloseTo(0.003, 5);
    expect(lrs[0]).toBeCloseTo(0.003 / 25, 6);
    model.dispose();
  });
});
