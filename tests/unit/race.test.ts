import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { generateSynthetic } from '../../src/lib/engine/data/synthetic';
import { toEngineMessage } from '../../src/lib/engine/errors';
import { playgroundMlp } from '../../src/lib/engine/models/playground';
import type { RaceEvent } from '../../src/lib/engine/race/events';
import { contenderConfig, differingFields, presetContenders, type ContenderSettings } from '../../src/lib/engine/race/presets';
import { RaceRunner } from '../../src/lib/engine/race/race';
import { Session } from '../../src/lib/engine/session';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/lib/engine/train/config';
import { MemoryRunStore } from './memory-store';

const BASE: TrainConfig = { ...DEFAULT_CONFIG, optimizer: 'sgd', learningRate: 0.05, epochs: 2, batchSize: 16, validationSplit: 0.1, seed: 7 };

function spiralSession() {
  const session = new Session();
  session.setDataset(generateSynthetic({ kind: 'spiral', count: 300, noise: 0.1, seed: 1, classes: 3 }));
  session.setModel(playgroundMlp(3), 1);
  return session;
}

/** Per contender: the loss of every step in order, and every event it sent. */
function collect() {
  const events: RaceEvent[] = [];
  const losses: number[][] = [];
  const listener = (e: RaceEvent) => {
    events.push(e);
    if (e.kind === 'contender' && e.event.kind === 'steps') {
      const own = (losses[e.index] ??= []);
      expect(e.event.firstStep).toBe(own.length);
      own.push(...e.event.loss);
    }
  };
  return { events, losses, listener };
}

const sgd = (learningRate: number, batchSize = 16): ContenderSettings => ({ optimizer: 'sgd', learningRate, batchSize, schedule: 'constant' });

describe('race', () => {
  it('contenders with equal settings start from the same weights and see the same batches: equal losses at every step', async () => {
    const session = spiralSession();
    const { losses, listener } = collect();
    const result = await new RaceRunner(session).run({ raceId: 'r1', base: BASE, contenders: [sgd(0.05), sgd(0.05), sgd(0.05)] }, listener);
    expect(result.outcomes.map((o) => o.status)).toEqual(['done', 'done', 'done']);
    expect(losses[0].length).toBe(result.outcomes[0].steps);
    expect(losses[0].length).toBeGreaterThan(20);
    expect(losses[1]).toEqual(losses[0]);
    expect(losses[2]).toEqual(losses[0]);
    expect(result.tests[1]!.accuracy).toBe(result.tests[0]!.accuracy);
  });

  it('SGD, momentum and Adam: the first step (before any update) has the same loss, the later ones differ', async () => {
    const session = spiralSession();
    const { losses, listener } = collect();
    const contenders = presetContenders('optimizers', BASE, 270);
    expect(contenders.map((c) => c.optimizer)).toEqual(['sgd', 'momentum', 'adam']);
    expect(differingFields(contenders)).toEqual(['optimizer', 'learningRate']);
    await new RaceRunner(session).run({ raceId: 'r2', base: { ...BASE, epochs: 1 }, contenders }, listener);
    expect(losses[1][0]).toBe(losses[0][0]);
    expect(losses[2][0]).toBe(losses[0][0]);
    expect(losses[2][5]).not.toBe(losses[0][5]);
  });

  it('a contender that diverges stops alone, with the step and the rate; the others finish', async () => {
    const session = spiralSession();
    const { events, listener } = collect();
    const result = await new RaceRunner(session).run({ raceId: 'r3', base: { ...BASE, epochs: 4 }, contenders: [sgd(0.05), sgd(10)] }, listener);
    const [calm, wild] = result.outcomes;
    expect(wild.status).toBe('diverged');
    expect(wild.divergedAt!.step).toBeGreaterThan(0);
    expect(wild.divergedAt!.step).toBeLessThanOrEqual(wild.steps);
    expect(wild.divergedAt!.learningRate).toBeCloseTo(10);
    expect(calm.status).toBe('done');
    expect(calm.epochs).toBe(4);
    // The calm one went on training after the other had stopped.
    const wildEnd = events.findIndex((e) => e.kind === 'contender-end' && e.index === 1);
    expect(events.slice(wildEnd).some((e) => e.kind === 'contender' && e.index === 0 && e.event.kind === 'steps')).toBe(true);
    const error = events.find((e) => e.kind === 'contender' && e.index === 1 && e.event.kind === 'error');
    expect(error && error.kind === 'contender' && error.event.kind === 'error' && error.event.diverged).toBe(true);
    expect(events.some((e) => e.kind === 'contender' && e.index === 0 && e.event.kind === 'error')).toBe(false);
  });

  it('stores every contender as a normal run marked with the race, with its test metrics; the held model stays', async () => {
    const session = spiralSession();
    const heldBefore = session.snapshot().model!.version;
    const store = new MemoryRunStore();
    const runs = [{ id: 'a', name: 'lr 0.05' }, { id: 'b', name: 'lr 0.5' }];
    const result = await new RaceRunner(session).run({ raceId: 'r4', base: BASE, contenders: [sgd(0.05), sgd(0.5)], record: { store, runs } }, () => {});
    expect(result.saved).toBe(true);
    for (const [i, { id, name }] of runs.entries()) {
      const r = store.runs.get(id)!;
      expect(r.name).toBe(name);
      expect(r.status).toBe('done');
      expect(r.race).toEqual({ id: 'r4', contender: i, contenders: 2 });
      expect(r.config).toEqual(contenderConfig(BASE, [sgd(0.05), sgd(0.5)][i]));
      expect(r.completedEpochs).toBe(2);
      expect(r.epochs.length).toBe(2);
      expect(r.stepLoss.length).toBe(r.steps);
      expect(r.test?.accuracy).toBe(result.tests[i]!.accuracy);
      expect(store.checkpoints.has(`${id}/last`)).toBe(true);
    }
    expect(store.locks.held.size).toBe(0);
    expect(session.snapshot().model!.version).toBe(heldBefore);
    expect(session.busy).toBeNull();
  });

  it('leaves no tensors behind, also when stopped mid-way', async () => {
    const session = spiralSession();
    const runner = new RaceRunner(session);
    await runner.run({ raceId: 'warm', base: { ...BASE, epochs: 1 }, contenders: [sgd(0.05), sgd(0.1)] }, () => {});
    const before = tf.memory().numTensors;
    await runner.run({ raceId: 'r5', base: BASE, contenders: [sgd(0.05), { ...sgd(0.01), optimizer: 'adam' }, { ...sgd(0.05), schedule: 'one-cycle' }] }, () => {});
    expect(tf.memory().numTensors).toBe(before);
    let steps = 0;
    const stopped = await runner.run({ raceId: 'r6', base: { ...BASE, epochs: 50 }, contenders: [sgd(0.05), sgd(10)] }, (e) => {
      if (e.kind === 'contender' && e.event.kind === 'steps' && (steps += e.event.loss.length) > 30) runner.stop();
    });
    expect(stopped.outcomes[0].status).toBe('stopped');
    expect(stopped.outcomes[0].epochs).toBeLessThan(50);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses fewer than two or more than five contenders, and a contender whose settings are invalid', async () => {
    const session = spiralSession();
    const runner = new RaceRunner(session);
    const refusal = (contenders: ContenderSettings[]) => runner.run({ raceId: 'x', base: BASE, contenders }, () => {}).then(() => null, (e) => toEngineMessage(e));
    expect((await refusal([sgd(0.1)]))?.code).toBe('race.contenders');
    expect((await refusal(Array.from({ length: 6 }, () => sgd(0.1))))?.code).toBe('race.contenders');
    expect((await refusal([sgd(0.1), sgd(0.1, 100_000)]))?.code).toBe('session.invalidConfig');
    expect(session.busy).toBeNull();
  });

  it('presets: the learning-rate preset spans a hundredth to a thousand times the rate, batch sizes are capped by the data', () => {
    expect(presetContenders('learningRates', { ...BASE, optimizer: 'adam', learningRate: 0.001 }, 1000).map((c) => c.learningRate)).toEqual([1e-5, 0.001, 1]);
    expect(presetContenders('batchSizes', BASE, 100).map((c) => c.batchSize)).toEqual([8, 32, 100]);
    expect(presetContenders('schedules', BASE, 100).map((c) => c.schedule)).toEqual(['constant', 'one-cycle']);
    expect(contenderConfig(BASE, { ...sgd(0.1), schedule: 'one-cycle' }).schedule?.kind).toBe('one-cycle');
    expect(contenderConfig({ ...BASE, earlyStopping: { patience: 2, restoreBest: true } }, sgd(0.1)).earlyStopping).toBeUndefined();
  });
});
