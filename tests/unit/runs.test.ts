import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MonitorEvent } from '../../src/lib/engine/train/monitor-events';
import type { TrainEvent } from '../../src/lib/engine/train/events';
import type { TrainConfig } from '../../src/lib/engine/train/config';
import { useCpu } from './helpers';
import { MemoryRunStore } from './memory-store';
import { mnistSession, recordedRun, SMALL_CONFIG } from './fixtures';
import { describe as wordOf } from '../../src/lib/i18n/engine-text';

beforeAll(useCpu);

const checkpoints = (events: TrainEvent[]) => events.filter((e): e is Extract<MonitorEvent, { kind: 'checkpoint' }> => e.kind === 'checkpoint');

describe('recorded runs', () => {
  it('stores the record before the first epoch and a checkpoint after every epoch', async () => {
    const session = await mnistSession();
    const { store, record, events } = await recordedRun(session, { ...SMALL_CONFIG, epochs: 3 });
    const stepsPerEpoch = Math.floor(512 / 64);
    // begin, 3 epoch ends, finish
    expect(store.history.map((r) => [r.status, r.completedEpochs, r.steps])).toEqual([
      ['running', 0, 0],
      ['running', 1, stepsPerEpoch],
      ['running', 2, 2 * stepsPerEpoch],
      ['running', 3, 3 * stepsPerEpoch],
      ['done', 3, 3 * stepsPerEpoch],
    ]);
    expect(record).toMatchObject({ name: 'Test run', status: 'done', stepsPerEpoch, batchSize: 64, backend: 'cpu', tuner: null, error: null });
    expect(record.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(record.stepLoss).toHaveLength(3 * stepsPerEpoch);
    expect(record.stepLoss.every(Number.isFinite)).toBe(true);
    expect(record.bestEpoch).toBe(record.epochs.reduce((b, e) => (e.valLoss! < b.valLoss! ? e : b)).epoch);
    expect(store.checkpoints.get('run-1/last')?.epoch).toBe(3);
    expect(store.checkpoints.get('run-1/best')?.epoch).toBe(record.bestEpoch);
    expect(checkpoints(events).map((c) => [c.epoch, c.saved])).toEqual([[0, true], [1, true], [2, true], [3, true], [3, true]]);
  });

  it('resumes from the last checkpoint as if never interrupted (SGD: same batches, same weights)', async () => {
    const config: TrainConfig = { ...SMALL_CONFIG, optimizer: 'sgd', learningRate: 0.1, epochs: 3 };
    const straight = await mnistSession();
    await recordedRun(straight, config);
    const expected = straight.currentModel!.getWeights().map((w) => w.dataSync());

    // A run whose page died after epoch 2: what the store holds is the record and checkpoint of epoch 2.
    const crashed = await mnistSession();
    const store = new MemoryRunStore();
    await recordedRun(crashed, { ...config, epochs: 2 }, store);
    const stored = structuredClone(store.history.find((r) => r.completedEpochs === 2 && r.status === 'running')!);
    stored.config = config;
    const ckpt = store.checkpoints.get('run-1/last')!;

    const resumed = await mnistSession();
    await resumed.loadModelFiles(ckpt.files, stored.model);
    const events: TrainEvent[] = [];
    const result = await resumed.train(config, (e) => events.push(e), { resume: { record: stored, store, best: null } });
    expect(result).toMatchObject({ epochs: 3, steps: 3 * 8, stopped: false });
    expect(events.filter((e) => e.kind === 'epoch').map((e) => (e as { epoch: number }).epoch)).toEqual([3]);
    expect((events.find((e) => e.kind === 'steps') as { firstStep: number }).firstStep).toBe(16);
    const got = resumed.currentModel!.getWeights().map((w) => w.dataSync());
    // (a number, not a deep equality of 100k floats: a failing diff of those takes minutes to print)
    let maxDiff = 0;
    got.forEach((w, i) => w.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - expected[i][k])))));
    expect(maxDiff).toBe(0);
    const final = store.runs.get('run-1')!;
    expect(final).toMatchObject({ status: 'done', completedEpochs: 3, steps: 24 });
    expect(final.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(final.stepLoss).toHaveLength(24);
  });

  it('keeps training when storage is full, says so, and saves the pending checkpoint once space is freed', async () => {
    const session = await mnistSession();
    const store = new MemoryRunStore(0);
    const events: TrainEvent[] = [];
    const run = session.train({ ...SMALL_CONFIG, epochs: 3 }, (e) => {
      events.push(e);
      if (e.kind === 'checkpoint' && e.epoch === 2) store.quotaBytes = Infinity;
    }, { record: { id: 'full', name: 'Full', tuner: null, parent: null, store } });
    const result = await run;
    expect(result.epochs).toBe(3);
    const ck = checkpoints(events);
    expect(ck.map((c) => [c.epoch, c.saved])).toEqual([[0, true], [1, false], [2, false], [3, true], [3, true]]);
    expect(ck[1].message).toEqual({ code: 'train.storageFull', params: { epoch: 1 } });
    expect(wordOf(ck[1].message!)).toBe('Browser storage is full: epoch 1 of this run is not saved yet. Delete old runs (or their weights) in Runs; the next epoch retries.');
    expect(store.runs.get('full')).toMatchObject({ status: 'done', completedEpochs: 3 });
    expect(store.checkpoints.get('full/last')?.epoch).toBe(3);
  });

  it('keeps the tensor count flat across epochs with every monitor on', async () => {
    const session = await mnistSession();
    const counts: number[] = [];
    await session.train({ ...SMALL_CONFIG, epochs: 5, earlyStopping: { patience: 10, restoreBest: true } }, (e) => {
      if (e.kind === 'health-epoch') counts.push(e.memory.numTensors);
    }, { record: { id: 'flat', name: 'Flat', tuner: null, parent: null, store: new MemoryRunStore() } });
    expect(counts).toHaveLength(5);
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBeLessThanOrEqual(counts[0]);
  });
});
