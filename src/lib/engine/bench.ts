import { EngineError } from './errors';
import * as tf from './tf';
import { featureSize, type Dataset } from './data/dataset';
import { buildModel } from './models/build';
import type { ModelSpec } from './models/spec';
import type { TrainConfig } from './train/config';
import { Trainer } from './train/loop';
import { defaultLoss } from './train/losses';
import { createOptimizer } from './train/optimizers';
import { StepRunner } from './train/step';
import { profileWholeStep } from './kernels/dense-train';
import { BatchSource } from './tune/batches';
import { evaluate } from './train/evaluate';
import type { TrainerHooks } from './train/hooks';

export interface ThroughputResult {
  batchSize: number;
  samplesPerSec: number;
  measuredSteps: number;
  seconds: number;
}

/**
 * Samples/s of our training loop: a fresh model from `spec`, `warmupMs` of steps first (shader
 * compilation, allocation), then steps for `measureMs`, timed from the loop's own coalesced reports.
 */
export async function measureThroughput(
  dataset: Dataset,
  spec: ModelSpec,
  config: TrainConfig,
  warmupMs = 1000,
  measureMs = 3000,
): Promise<ThroughputResult> {
  const model = buildModel(spec, dataset.inputShape, config.seed);
  const trainer = new Trainer(model, dataset, { ...config, epochs: 1000, validationSplit: 0 });
  const t0 = performance.now();
  let startAt = 0;
  let startStep = 0;
  let lastAt = 0;
  let lastStep = 0;
  try {
    await trainer.run((e) => {
      if (e.kind !== 'steps') return;
      const now = performance.now();
      const stepsDone = e.firstStep + e.loss.length;
      if (!startAt) {
        if (now - t0 >= warmupMs) [startAt, startStep] = [now, stepsDone];
        return;
      }
      [lastAt, lastStep] = [now, stepsDone];
      if (now - startAt >= measureMs) trainer.stop();
    });
  } finally {
    trainer.dispose();
    model.dispose();
  }
  const seconds = (lastAt - startAt) / 1000;
  const measuredSteps = lastStep - startStep;
  return { batchSize: config.batchSize, samplesPerSec: (measuredSteps * config.batchSize) / Math.max(seconds, 1e-9), measuredSteps, seconds };
}

/**
 * Reference: plain TF.js `model.fit` on the same model, optimizer and batch size, over `samples`
 * examples already in one tensor (so data handling costs it nothing). One warm-up epoch, then one timed.
 */
export async function measureModelFit(dataset: Dataset, spec: ModelSpec, config: TrainConfig, samples = 8192): Promise<ThroughputResult> {
  const n = Math.min(samples, dataset.train.count);
  const size = featureSize(dataset.inputShape);
  const xs = tf.tidy(() => tf.mul(tf.tensor(Float32Array.from(dataset.train.x.subarray(0, n * size)), [n, ...dataset.inputShape]), dataset.xScale));
  const ys = tf.tensor1d(Float32Array.from(dataset.train.y.subarray(0, n)));
  const model = buildModel(spec, dataset.inputShape, config.seed);
  const optimizer = createOptimizer(config.optimizer, config.learningRate, true);
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
  try {
    await model.fit(xs, ys, { batchSize: config.batchSize, epochs: 1, shuffle: true, verbose: 0 });
    const t0 = performance.now();
    await model.fit(xs, ys, { batchSize: config.batchSize, epochs: 1, shuffle: true, verbose: 0 });
    const seconds = (performance.now() - t0) / 1000;
    return { batchSize: config.batchSize, samplesPerSec: n / seconds, measuredSteps: Math.ceil(n / config.batchSize), seconds };
  } finally {
    tf.dispose([xs, ys]);
    model.dispose();
    optimizer.dispose();
  }
}

export interface KernelShare {
  kernel: string;
  ms: number;
  calls: number;
}

/**
 * Where one training step's time goes: a few warm-up steps of a fresh model, then `tf.profile` over
 * `repeats` steps, kernel times summed by kernel name (a custom gradient's wrapper, `forward`, left out since
 * it contains its own kernels). `wallMs` is one step's time without profiling.
 */
export async function profileStep(dataset: Dataset, spec: ModelSpec, config: TrainConfig, repeats = 5): Promise<{ wallMs: number; kernels: KernelShare[]; kernelCount: number }> {
  const model = buildModel(spec, dataset.inputShape, config.seed);
  const optimizer = createOptimizer(config.optimizer, config.learningRate);
  const stepper = new StepRunner(model, dataset, defaultLoss(dataset.task));
  const batch = Math.min(config.batchSize, dataset.train.count);
  const source = new BatchSource(dataset, Uint32Array.from({ length: Math.min(dataset.train.count, 8192) }, (_, i) => i), batch, 1);
  const run = async () => {
    source.next(batch);
    const s = stepper.step(optimizer, source.x, source.y, batch);
    await s[0].data();
    tf.dispose(s);
  };
  try {
    for (let i = 0; i < 3; i++) await run();
    const t0 = performance.now();
    for (let i = 0; i < repeats; i++) await run();
    const wallMs = (performance.now() - t0) / repeats;
    const totals = new Map<string, KernelShare>();
    let kernelCount = 0;
    // Where the whole-step kernel runs, TF.js sees almost no kernels: its own parts are timed instead.
    profileWholeStep(true);
    for (let i = 0; i < repeats; i++) {
      source.next(batch);
      const info = await tf.profile(() => {
        tf.dispose(stepper.step(optimizer, source.x, source.y, batch));
        return [];
      });
      for (const k of info.kernels) {
        if (k.name === 'forward') continue;
        kernelCount++;
        const ms = Number(await k.kernelTimeMs) || 0;
        const row = totals.get(k.name) ?? { kernel: k.name, ms: 0, calls: 0 };
        row.ms += ms / repeats;
        row.calls += 1 / repeats;
        totals.set(k.name, row);
      }
    }
    const whole = profileWholeStep(false);
    if (whole?.steps) {
      const row = (kernel: string, ms: number) => totals.set(kernel, { kernel, ms: ms / whole.steps, calls: 1 });
      row(`whole step on ${whole.threads} thread${whole.threads > 1 ? 's' : ''} (forward, loss, backward, Adam)`, whole.run - whole.gatherDuring);
      row('batch gathered (bytes)', whole.gatherBefore + whole.gatherDuring);
      row('weights written back', whole.writeBack);
    }
    return { wallMs, kernels: [...totals.values()].sort((a, b) => b.ms - a.ms), kernelCount: kernelCount / repeats };
  } finally {
    profileWholeStep(false);
    optimizer.dispose();
    model.dispose();
  }
}

export interface TrackedEpoch {
  epoch: number;
  /** Training seconds since the run started, not counting the test evaluations made for this record. */
  seconds: number;
  testAccuracy: number;
}

/**
 * Hooks for benchmarks: evaluates the test set at every epoch end, keeps the clock without that time, and
 * stops once `targetAccuracy` is reached and at least `minEpochs` are done.
 */
export function testTracking(dataset: Dataset, targetAccuracy: number, minEpochs: number, log: TrackedEpoch[]): TrainerHooks {
  const t0 = performance.now();
  let evalMs = 0;
  return {
    onEpochEnd: async ({ epoch, model }) => {
      const seconds = (performance.now() - t0 - evalMs) / 1000;
      const e0 = performance.now();
      const { accuracy } = await evaluate(model, dataset, dataset.test);
      evalMs += performance.now() - e0;
      log.push({ epoch, seconds, testAccuracy: accuracy });
      return accuracy >= targetAccuracy && epoch >= minEpochs ? 'stop' : undefined;
    },
  };
}

/** A few training steps of a fresh model from `spec` within `budgetMs`, first steps included: samples/s. */
export async function quickThroughput(dataset: Dataset, spec: ModelSpec, batchSize: number, budgetMs: number): Promise<number> {
  const model = buildModel(spec, dataset.inputShape, 1);
  const optimizer = createOptimizer('adam', 1e-3);
  const stepper = new StepRunner(model, dataset, defaultLoss(dataset.task));
  const batch = Math.min(batchSize, dataset.train.count);
  const source = new BatchSource(dataset, Uint32Array.from({ length: Math.min(dataset.train.count, 4096) }, (_, i) => i), batch, 1);
  try {
    // One untimed step starts the backend's kernels; its time still counts against the budget.
    const t0 = performance.now();
    source.next(batch);
    const first = stepper.step(optimizer, source.x, source.y, batch);
    const done = first[0].data().finally(() => tf.dispose(first));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new EngineError('bench.firstStepTooSlow', { seconds: (2 * budgetMs) / 1000 })), 2 * budgetMs);
    });
    await Promise.race([done, late]).finally(() => clearTimeout(timer));
    const t1 = performance.now();
    let steps = 0;
    while (steps < 2 || performance.now() - t0 < budgetMs) {
      source.next(batch);
      const s = stepper.step(optimizer, source.x, source.y, batch);
      await s[0].data();
      tf.dispose(s);
      steps++;
      if (performance.now() - t0 > budgetMs * 3) break;
    }
    return (steps * batch * 1000) / (performance.now() - t1);
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}
