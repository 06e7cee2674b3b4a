import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSynthetic } from '../../src/lib/engine/data/synthetic';
import { buildModel } from '../../src/lib/engine/models/build';
import type { ModelSpec } from '../../src/lib/engine/models/spec';
import { findBatchSize, type BatchRow } from '../../src/lib/engine/tune/batch-finder';
import { MIN_SLICES, SLICE_MS, WARMUP_STEPS, measureThroughput, type StepDriver } from '../../src/lib/engine/tune/throughput';
import { describe as wordOf } from '../../src/lib/i18n/engine-text';
import { useCpu } from './helpers';
import { rejected } from './worded';

/**
 * A fake backend on a virtual clock: step i takes `stepMs(i)` ms of the clock when queued, and a read-back
 * takes `readBackMs`. Steps are numbered from 0, warm-up steps first. Every handle must be discarded once.
 */
function fakeDriver(stepMs: (i: number) => number, readBackMs = 0) {
  let clock = 0;
  let made = 0;
  const live = new Set<number>();
  const log = { steps: 0, readBacks: 0, yields: 0, discardedTwice: 0 };
  const driver: StepDriver<number> = {
    step: () => {
      const i = made++;
      clock += stepMs(i);
      live.add(i);
      log.steps++;
      return i;
    },
    readBack: async (i) => {
      clock += readBackMs;
      log.readBacks++;
      return 100 - i; // a loss that falls step by step
    },
    discard: (i) => {
      if (!live.delete(i)) log.discardedTwice++;
    },
    now: () => clock,
    yieldNow: async () => {
      log.yields++;
    },
  };
  return { driver, log, live };
}

describe('batch finder: throughput measurement', () => {
  it('times slices of steps until the measuring time has passed, and frees every step', async () => {
    // 1 ms steps: a slice is 4 steps (4 ms); slices end at 4, 8, …, 32 ms, the first at or past 30 ms.
    const { driver, log, live } = fakeDriver(() => 1);
    const m = await measureThroughput(driver, { batch: 10, measureMs: 30 });
    expect(m.slices).toHaveLength(8);
    for (const s of m.slices) expect(s).toEqual({ steps: 4, ms: 4, samplesPerSec: 10_000 });
    expect(m.samplesPerSec).toBe(10_000);
    expect(log.steps).toBe(WARMUP_STEPS + 8 * 4);
    // One read-back per warm-up step and one per slice.
    expect(log.readBacks).toBe(WARMUP_STEPS + 8);
    expect(log.yields).toBe(2);
    expect(live.size).toBe(0);
    expect(log.discardedTwice).toBe(0);
    // The first loss is the first warm-up step's, the last the last timed step's.
    expect(m.firstLoss).toBe(100);
    expect(m.lastLoss).toBe(100 - (WARMUP_STEPS + 32 - 1));
  });

  it('does not count the warm-up steps, however slow they are', async () => {
    // Shader compilation: the warm-up steps take 500 ms each.
    const { driver } = fakeDriver((i) => (i < WARMUP_STEPS ? 500 : 1));
    const m = await measureThroughput(driver, { batch: 10, measureMs: 30 });
    expect(m.samplesPerSec).toBe(10_000);
    expect(m.slices.every((s) => s.samplesPerSec === 10_000)).toBe(true);
  });

  it('takes the median slice, so one slow moment does not change the throughput', async () => {
    // One step in the third timed slice takes 40 ms (the machine was busy elsewhere).
    const slowStep = WARMUP_STEPS + 2 * 4 + 1;
    const { driver } = fakeDriver((i) => (i === slowStep ? 40 : 1));
    const m = await measureThroughput(driver, { batch: 10, measureMs: 60 });
    // Slices end at 4, 8, 49, 53, 57 and 61 ms.
    expect(m.slices).toHaveLength(6);
    const rates = m.slices.map((s) => s.samplesPerSec);
    // The slow slice stopped after 2 steps (41 ms): far below the others.
    expect(m.slices[2]).toEqual({ steps: 2, ms: 41, samplesPerSec: (2 * 10 * 1000) / 41 });
    expect(Math.min(...rates)).toBeLessThan(1000);
    expect(m.samplesPerSec).toBe(10_000);
    // A mean would have been pulled down.
    expect(rates.reduce((a, b) => a + b, 0) / rates.length).toBeLessThan(9000);
  });

  it(`merges short steps into slices of at least ${SLICE_MS} ms`, async () => {
    // 0.25 ms steps: 16 per slice, never a slice of one step timed alone.
    const { driver } = fakeDriver(() => 0.25);
    const m = await measureThroughput(driver, { batch: 8, measureMs: 20 });
    for (const s of m.slices) {
      expect(s.steps).toBe(16);
      expect(s.ms).toBeGreaterThanOrEqual(SLICE_MS);
    }
    expect(m.samplesPerSec).toBe((16 * 8 * 1000) / 4);
  });

  it('counts the read-back that ends a slice in its time (work a backend queued asynchronously)', async () => {
    // Queuing a step takes 1 ms, waiting for the queued work 4 ms more: 4 steps in 8 ms.
    const { driver } = fakeDriver(() => 1, 4);
    const m = await measureThroughput(driver, { batch: 10, measureMs: 30 });
    expect(m.slices[0]).toEqual({ steps: 4, ms: 8, samplesPerSec: 5000 });
    expect(m.samplesPerSec).toBe(5000);
  });

  it(`measures at least ${MIN_SLICES} slices when single steps outlast the measuring time`, async () => {
    const { driver, log } = fakeDriver((i) => (i < WARMUP_STEPS ? 1 : 50 + i));
    const m = await measureThroughput(driver, { batch: 100, measureMs: 30 });
    expect(m.slices.map((s) => s.steps)).toEqual([1, 1, 1]);
    expect(log.steps).toBe(WARMUP_STEPS + 3);
    // Median of 1 step each of 53, 54, 55 ms: the 54 ms one.
    expect(m.samplesPerSec).toBe((100 * 1000) / 54);
  });
});

describe('batch finder on a real model (cpu backend)', () => {
  beforeAll(useCpu);

  it('measures doubling sizes from 8, chooses one of them, and leaves the weights and tensor count as they were', async () => {
    const dataset = generateSynthetic({ kind: 'spiral', count: 400, noise: 0.1, seed: 2 });
    const spec: ModelSpec = { name: 'small', layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 2, activation: 'softmax' }] };
    const model = buildModel(spec, dataset.inputShape, 1);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const tensors = tf.memory().numTensors;
    const rows: BatchRow[] = [];
    const decision = await findBatchSize(model, dataset, { optimizer: 'adam', learningRate: 0.01, seed: 1, validationSplit: 0.2, measureMs: 10, maxBatch: 64 }, (r) => rows.push(r));
    // Where the doubling stops depends on this machine's speed; the sizes it measured do not.
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.map((r) => r.batchSize)).toEqual([8, 16, 32, 64].slice(0, rows.length));
    for (const r of rows) {
      expect(r.samplesPerSec).toBeGreaterThan(0);
      expect(Number.isFinite(r.samplesPerSec)).toBe(true);
      expect(r.stepMs).toBeCloseTo((r.batchSize * 1000) / r.samplesPerSec, 9);
    }
    expect(decision.rows.map((r) => r.batchSize)).toEqual(rows.map((r) => r.batchSize));
    expect(rows.map((r) => r.batchSize)).toContain(decision.chosen);
    // Why the doubling stopped: the plan's cap (64 of 320 examples) once all four sizes ran, otherwise at the last size measured.
    const last = rows.at(-1)!.batchSize;
    if (decision.stoppedBecause.code === 'tune.planLimit') expect([decision.stoppedBecause.params, rows.length]).toEqual([{ batch: 64 }, 4]);
    else expect(decision.stoppedBecause).toMatchObject({ code: expect.stringMatching(/^tune\.(smallGain|stepTooSlow)$/), params: { batch: last } });
    expect(['tune.chosenNoNoise', 'tune.chosenFastest', 'tune.chosenBelowNoise']).toContain(decision.reason.code);
    expect(decision.reason.params.batch).toBe(decision.chosen);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
    model.dispose();
  });

  it('when not even batch 8 runs, throws why, and leaves the weights and tensor count as they were', async () => {
    const dataset = generateSynthetic({ kind: 'spiral', count: 400, noise: 0.1, seed: 2 });
    // Built for three input features, given two: the first step cannot run.
    const spec: ModelSpec = { name: 'misfit', layers: [{ type: 'dense', units: 2, activation: 'softmax' }] };
    const model = buildModel(spec, [3], 1);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const tensors = tf.memory().numTensors;
    const err = await rejected(findBatchSize(model, dataset, { optimizer: 'adam', learningRate: 0.01, seed: 1, validationSplit: 0.2, measureMs: 10, maxBatch: 64 }));
    expect(err).toMatchObject({ code: 'tune.noBatchMeasured', params: { why: { code: 'tune.batchFailed', params: { batch: 8, problem: { code: 'engine.failed' } } } } });
    expect(wordOf(err)).toMatch(/^no batch size could be measured: batch 8 failed on this backend \(.+\)$/);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
    model.dispose();
  });
});
