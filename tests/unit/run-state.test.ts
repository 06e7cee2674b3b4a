import { describe, expect, it } from 'vitest';
import { emaSeries } from '../../src/lib/engine/train/ema';
import type { TrainEvent } from '../../src/lib/engine/train/events';
import { RunState } from '../../src/lib/state/run.svelte';

type StepsEvent = Extract<TrainEvent, { kind: 'steps' }>;

/** `n` steps from global step `first` with a recognisable loss (1/(step+1)) and accuracy. */
function steps(first: number, n: number, epoch: number, stepInEpoch: number): StepsEvent {
  const idx = Array.from({ length: n }, (_, i) => first + i);
  return {
    kind: 'steps',
    firstStep: first,
    loss: Float32Array.from(idx, (s) => 1 / (s + 1)),
    accuracy: Float32Array.from(idx, (s) => Math.min(1, s / 20)),
    learningRate: Float32Array.from(idx, () => 0.01),
    gradNorm: Float32Array.from(idx, (s) => 2 + s),
    epoch,
    stepInEpoch,
    samplesPerSec: 500,
  };
}

const epochRow = (epoch: number) => ({ epoch, trainLoss: 1 / epoch, trainAccuracy: 0.5 + epoch / 100, valLoss: 1.1 / epoch, valAccuracy: 0.4 + epoch / 100, seconds: 0.5 });

/** A run of three epochs of 4 steps, reported in two batches per epoch. */
function threeEpochs(run: RunState): void {
  run.reset();
  run.apply({ kind: 'start', epochs: 3, stepsPerEpoch: 4, batchSize: 8, trainCount: 32, valCount: 8 });
  for (let e = 1; e <= 3; e++) {
    run.apply(steps((e - 1) * 4, 2, e, 2));
    run.apply(steps((e - 1) * 4 + 2, 2, e, 4));
    run.apply({ kind: 'epoch', ...epochRow(e) });
  }
}

describe('RunState (the page’s view of a run)', () => {
  it("'start' sets the plan; 'steps' appends every per-step column and the smoothed curves", () => {
    const run = new RunState();
    run.reset();
    expect(run.status).toBe('training');
    run.apply({ kind: 'start', epochs: 5, stepsPerEpoch: 10, batchSize: 16, trainCount: 160, valCount: 40 });
    expect([run.epochs, run.stepsPerEpoch, run.trainCount, run.valCount]).toEqual([5, 10, 160, 40]);
    const v0 = run.version;
    run.apply(steps(0, 3, 1, 3));
    run.apply(steps(3, 4, 1, 7));
    expect(run.version).toBeGreaterThan(v0);
    expect(Array.from(run.steps.view())).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(run.loss.length).toBe(7);
    expect(run.accuracy.length).toBe(7);
    expect(Array.from(run.gradNorm.view())).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(run.learningRate.view()[6]).toBeCloseTo(0.01, 6);
    expect(run.totalSteps).toBe(7);
    expect(run.stepInEpoch).toBe(7);
    expect(run.samplesPerSec).toBe(500);
    expect(run.lastLoss).toBeCloseTo(1 / 7, 6);
    const smooth = emaSeries(run.loss.view(), run.smoothing);
    expect(Array.from(run.lossSmooth.view())).toEqual(smooth.map((v) => expect.closeTo(v, 9)));
    expect(Array.from(run.accSmooth.view())).toEqual(emaSeries(run.accuracy.view(), run.smoothing).map((v) => expect.closeTo(v, 9)));
    expect(run.smoothedLoss).toBeCloseTo(smooth[6], 9);
    expect(run.progress).toBeCloseTo(7 / 50, 9);
  });

  it("'epoch' adds a row; 'done' ends as done or stopped; 'error' keeps the message and whether it diverged", () => {
    const run = new RunState();
    threeEpochs(run);
    // (Rows keep the event's `kind` field today, so compare the metrics only.)
    expect(run.epochRows).toMatchObject([1, 2, 3].map(epochRow));
    expect(run.epochRows).toHaveLength(3);
    run.apply({ kind: 'done', stopped: false, steps: 12, epochs: 3, seconds: 4.2 });
    expect(run.status).toBe('done');
    expect(run.seconds).toBe(4.2);
    expect(run.isActive).toBe(false);

    run.reset();
    run.apply({ kind: 'done', stopped: true, steps: 3, epochs: 1, seconds: 1 });
    expect(run.status).toBe('stopped');

    run.reset();
    expect(run.epochRows).toEqual([]);
    expect(run.loss.length).toBe(0);
    run.apply({ kind: 'error', message: { code: 'train.diverged', params: { lr: 10, exploded: false } }, diverged: true });
    expect(run.status).toBe('error');
    expect(run.error).toBe('The loss became NaN or infinite at learning rate 10: the steps were too large and the weights blew up. Try a learning rate 10× lower.');
    expect(run.diverged).toBe(true);
    // A 'done' after the error does not hide it.
    run.apply({ kind: 'done', stopped: true, steps: 0, epochs: 0, seconds: 0.1 });
    expect(run.status).toBe('error');

    run.reset();
    run.apply({ kind: 'error', message: { code: 'engine.failed', params: { detail: 'out of memory' } } });
    expect(run.diverged).toBe(false);
  });

  it("a backend hand-over ('fallback') cuts every per-step column and the epoch rows back to the checkpoint and recomputes the smoothing", () => {
    const run = new RunState();
    threeEpochs(run);
    run.setSmoothing(0.6);
    run.apply({ kind: 'error', message: { code: 'engine.failed', params: { detail: 'backend lost' } } });
    run.apply({ kind: 'fallback', from: 'webgpu', to: 'wasm', reason: { code: 'engine.failed', params: { detail: 'device lost' } }, resumeStep: 8, resumeEpoch: 2 });
    expect(run.status).toBe('training');
    expect(run.error).toBeNull();
    for (const s of [run.steps, run.loss, run.lossSmooth, run.accSmooth, run.accuracy, run.learningRate, run.gradNorm]) expect(s.length).toBe(8);
    expect(run.totalSteps).toBe(8);
    expect(run.epochRows.map((r) => r.epoch)).toEqual([1, 2]);

    // Epoch 3 again, on the new backend, with other losses: the smoothed curve continues from step 8's average.
    const redo = steps(8, 4, 3, 4);
    redo.loss = Float32Array.from([5, 4, 3, 2]);
    run.apply(redo);
    run.apply({ kind: 'epoch', ...epochRow(3) });
    expect(Array.from(run.steps.view())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const loss = Array.from(run.loss.view());
    expect(loss.slice(8)).toEqual([5, 4, 3, 2]);
    expect(Array.from(run.lossSmooth.view())).toEqual(emaSeries(loss, 0.6).map((v) => expect.closeTo(v, 9)));
    expect(Array.from(run.accSmooth.view())).toEqual(emaSeries(run.accuracy.view(), 0.6).map((v) => expect.closeTo(v, 9)));
    expect(run.epochRows.map((r) => r.epoch)).toEqual([1, 2, 3]);
  });

  it('changing the smoothing recomputes both smoothed curves over every step', () => {
    const run = new RunState();
    threeEpochs(run);
    run.setSmoothing(0);
    expect(Array.from(run.lossSmooth.view())).toEqual(Array.from(run.loss.view()));
    run.setSmoothing(0.9);
    expect(Array.from(run.lossSmooth.view())).toEqual(emaSeries(run.loss.view(), 0.9).map((v) => expect.closeTo(v, 9)));
  });
});
