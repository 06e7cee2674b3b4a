import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../src/lib/engine/errors';
import type { RunRecord } from '../../src/lib/engine/runs/record';
import { isResumable, savedName } from '../../src/lib/engine/runs/store';
import type { TrainConfig } from '../../src/lib/engine/train/config';
import type { TrainEvent } from '../../src/lib/engine/train/events';
import { useCpu } from './helpers';
import { MemoryRunStore } from './memory-store';
import { mnistSession, recordedRun, SMALL_CONFIG } from './fixtures';

beforeAll(useCpu);

const CONFIG: TrainConfig = { ...SMALL_CONFIG, optimizer: 'sgd', learningRate: 0.1, epochs: 3 };

/** A store holding run-1 as a page left it that closed after epoch 2 of 3 (status still 'running'). */
async function interruptedRun(): Promise<{ store: MemoryRunStore; stored: RunRecord }> {
  const store = new MemoryRunStore();
  await recordedRun(await mnistSession(), { ...CONFIG, epochs: 2 }, store);
  const stored = structuredClone(store.history.find((r) => r.completedEpochs === 2 && r.status === 'running')!);
  stored.config = CONFIG;
  store.runs.set(stored.id, structuredClone(stored));
  return { store, stored };
}

describe('which runs are offered for resume', () => {
  const base = { id: 'a', status: 'running', completedEpochs: 1, checkpointBytes: 1000, config: { epochs: 3 } } as RunRecord;

  it('offers a run still marked running only when no tab holds it', () => {
    expect(isResumable(base, new Set())).toBe(true);
    expect(isResumable(base, new Set(['a']))).toBe(false);
    expect(isResumable(base, new Set(['b']))).toBe(true);
  });

  it('needs a stored checkpoint and epochs left', () => {
    expect(isResumable({ ...base, status: 'done' }, new Set())).toBe(false);
    expect(isResumable({ ...base, status: 'interrupted' }, new Set())).toBe(false);
    expect(isResumable({ ...base, completedEpochs: 0 }, new Set())).toBe(false);
    expect(isResumable({ ...base, completedEpochs: 3 }, new Set())).toBe(false);
    expect(isResumable({ ...base, checkpointBytes: 0 }, new Set())).toBe(false);
  });
});

describe('one owner per run', () => {
  it('holds the run from before its first write until its final state is stored', async () => {
    const store = new MemoryRunStore();
    const heldAt: boolean[] = [];
    const session = await mnistSession();
    await session.train(CONFIG, (e) => e.kind === 'epoch' && heldAt.push(store.locks.held.has('r')), { record: { id: 'r', name: 'R', tuner: null, parent: null, store } });
    expect(heldAt).toEqual([true, true, true]);
    expect(store.locks.log).toEqual([{ runId: 'r', granted: true }]);
    expect(store.locks.held.size).toBe(0);
    expect(store.runs.get('r')?.status).toBe('done');
  });

  it('refuses a resume while another tab holds the run, and writes nothing', async () => {
    const { store, stored } = await interruptedRun();
    const before = { history: store.history.length, record: structuredClone(store.runs.get('run-1')), checkpoints: new Map(store.checkpoints) };
    // Tab B resumed it first.
    const tabB = await store.claim('run-1');
    expect(tabB).not.toBeNull();

    const tabC = await mnistSession();
    await tabC.loadModelFiles(store.checkpoints.get('run-1/last')!.files, stored.model);
    const tensors = tf.memory().numTensors;
    const events: TrainEvent[] = [];
    const refused = await tabC.train(CONFIG, (e) => events.push(e), { resume: { record: structuredClone(stored), store, best: null } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EngineError);
    expect((refused as EngineError).engineMessage).toEqual({ code: 'run.heldElsewhere', params: { name: 'Test run' } });
    expect(store.history).toHaveLength(before.history);
    expect(store.runs.get('run-1')).toEqual(before.record);
    expect([...store.checkpoints.entries()]).toEqual([...before.checkpoints.entries()]);
    expect(events.filter((e) => e.kind === 'checkpoint' || e.kind === 'steps')).toEqual([]);
    // The refused run left nothing behind: no tensors, no busy session, B still the owner.
    expect(tf.memory().numTensors).toBe(tensors);
    expect(store.locks.held.has('run-1')).toBe(true);

    // Once B's tab has gone, C may resume it and finishes it.
    await tabB!.release();
    const result = await tabC.train(CONFIG, () => {}, { resume: { record: structuredClone(stored), store, best: null } });
    expect(result).toMatchObject({ epochs: 3, steps: 24 });
    expect(store.runs.get('run-1')).toMatchObject({ status: 'done', completedEpochs: 3 });
    expect(store.locks.held.size).toBe(0);
  });

  it('writes test metrics after the end under the run, and not once another tab holds it', async () => {
    const session = await mnistSession();
    const { store } = await recordedRun(session, { ...CONFIG, epochs: 1 });
    const recorder = session.lastRun!;
    expect(await recorder.setTest({ loss: 0.5, accuracy: 0.8, count: 500 })).toBe(true);
    expect(store.runs.get('run-1')?.test).toEqual({ loss: 0.5, accuracy: 0.8, count: 500 });
    expect(store.locks.held.size).toBe(0);

    const other = await store.claim('run-1');
    const writes = store.history.length;
    expect(await recorder.setTest({ loss: 0.1, accuracy: 0.9, count: 500 })).toBe(false);
    expect(store.history).toHaveLength(writes);
    expect(store.runs.get('run-1')?.test?.accuracy).toBe(0.8);
    await other!.release();
  });

  it('keeps holding a run whose final state is not stored yet (full storage) until the retry stores it', async () => {
    const store = new MemoryRunStore(0);
    const session = await mnistSession();
    await session.train({ ...CONFIG, epochs: 1 }, () => {}, { record: { id: 'full', name: 'Full', tuner: null, parent: null, store } });
    // Stored as running with nothing saved: another tab must not take it for an interrupted run.
    expect(store.runs.get('full')?.status).toBe('running');
    expect(store.locks.held.has('full')).toBe(true);
    store.quotaBytes = Infinity;
    expect(await session.lastRun!.retry()).toBe(true);
    expect(store.runs.get('full')?.status).toBe('done');
    expect(store.locks.held.has('full')).toBe(false);
  });
});

describe('a name the user changed meanwhile is kept', () => {
  it('takes the stored name over the one the run started with', () => {
    expect(savedName({ name: 'MNIST · MLP' }, { name: 'My best run' })).toBe('My best run');
    expect(savedName({ name: 'MNIST · MLP' }, undefined)).toBe('MNIST · MLP');
  });

  it('survives the checkpoints written after a rename in the Runs view', async () => {
    const store = new MemoryRunStore();
    const session = await mnistSession();
    await session.train(CONFIG, (e) => e.kind === 'checkpoint' && e.epoch === 1 && store.rename('n', 'Renamed while training'), { record: { id: 'n', name: 'Started as', tuner: null, parent: null, store } });
    const names = store.history.map((r) => r.name);
    // begin and epoch 1 were written before the rename; epochs 2, 3 and the end after it.
    expect(names).toEqual(['Started as', 'Started as', 'Renamed while training', 'Renamed while training', 'Renamed while training']);
    expect(session.lastRun!.record.name).toBe('Renamed while training');
    expect(await session.lastRun!.setTest({ loss: 1, accuracy: 0.5, count: 10 })).toBe(true);
    expect(store.runs.get('n')?.name).toBe('Renamed while training');
  });
});
