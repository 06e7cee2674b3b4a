/**
 * The benchmark page: drives the app's own worker (same engine, same backends) for `npm run bench`.
 * Each call starts a fresh worker on the requested backend.
 */
import * as Comlink from 'comlink';
import type { BackendName } from '../src/lib/engine/backend';
import { MNIST_INFO } from '../src/lib/engine/data/mnist';
import { classicMlp, type ModelSpec } from '../src/lib/engine/models/spec';
import { makePreset } from '../src/lib/engine/models/presets';
import { autoConfig, autoPlan } from '../src/lib/engine/tune/auto';
import { DEFAULT_CONFIG, type TrainConfig } from '../src/lib/engine/train/config';
import type { TrainEvent } from '../src/lib/engine/train/events';
import { fetchIdxFiles } from '../src/lib/io/builtin-data';
import { TrainerClient } from '../src/lib/worker/client';
// Race mode's benchmark (`npm run bench -- race`) lives in its own module.
import './race-page';

const client = new TrainerClient();

type BenchModel = 'mlp' | 'lenet';
const MNIST_SHAPE = { inputShape: [28, 28, 1], numClasses: 10, task: 'classification' as const };
const specOf = (model: BenchModel): ModelSpec => (model === 'mlp' ? classicMlp() : makePreset('lenet', MNIST_SHAPE, 'LeNet-style CNN'));

async function setup(backend: BackendName | undefined, model: BenchModel = 'mlp') {
  client.terminate();
  const info = await client.api.backend.init({ forced: backend });
  const { files, buffers } = await fetchIdxFiles('mnist', '../');
  await client.api.data.loadIdx(Comlink.transfer({ files, info: MNIST_INFO }, buffers));
  await client.api.model.setPlan({ spec: specOf(model), seed: DEFAULT_CONFIG.seed });
  return info;
}

/** Which kernels WASM uses: TF.js's own (`own: false`) or ours, on `threads` threads (0: all available). */
type KernelChoice = { own?: boolean; threads?: number };

async function throughput(backend: BackendName, batchSizes: number[], measureMs = 3000, withFit = true, model: BenchModel = 'mlp', kernels?: KernelChoice) {
  const info = await setup(backend, model);
  const inEffect = kernels && backend === 'wasm' ? await client.api.bench.kernels(kernels) : null;
  const spec = specOf(model);
  const rows = [];
  for (const batchSize of batchSizes) {
    const config = { ...DEFAULT_CONFIG, batchSize };
    const ours = await client.api.bench.throughput({ spec, config, warmupMs: model === 'mlp' ? 1500 : 500, measureMs });
    const fit = withFit ? await client.api.bench.modelFit({ spec, config, samples: Math.max(4096, Math.min(60000, Math.round((ours.samplesPerSec * measureMs) / 1000))) }) : null;
    rows.push({ batchSize, ours: ours.samplesPerSec, fit: fit?.samplesPerSec ?? null });
  }
  const after = inEffect ? await client.api.bench.kernels({}) : null;
  return { backend: info.name, reason: info.reason, detail: info.detail, notices: info.notices, rows, kernels: after, isolated: self.crossOriginIsolated, cores: navigator.hardwareConcurrency };
}

/** Kernel times of one step of the classic MLP on `backend` at `batchSize`. */
async function profile(backend: BackendName, batchSize: number, kernels?: KernelChoice, model: BenchModel = 'mlp') {
  const info = await setup(backend, model);
  if (kernels && backend === 'wasm') await client.api.bench.kernels(kernels);
  const result = await client.api.bench.profileStep({ spec: specOf(model), config: { ...DEFAULT_CONFIG, batchSize } });
  return { backend: info.name, ...result };
}

/** A full run at the given settings on the automatically chosen backend; returns per-epoch times and test accuracy. */
async function fullRun(overrides: Partial<TrainConfig>) {
  const info = await setup(undefined);
  const epochs: { epoch: number; seconds: number; valAccuracy: number | null }[] = [];
  const onEvent = Comlink.proxy((e: TrainEvent) => {
    if (e.kind === 'epoch') epochs.push({ epoch: e.epoch, seconds: e.seconds, valAccuracy: e.valAccuracy });
  });
  const { result, testAccuracy } = await client.api.bench.run({ config: { ...DEFAULT_CONFIG, ...overrides } }, onEvent);
  return { backend: info.name, result, epochs, testAccuracy };
}


type BenchData = 'mnist' | 'spiral';
const SPIRAL_COUNT = 2000;
const SPIRAL_MODEL: ModelSpec = {
  name: 'Spiral MLP',
  layers: [
    { type: 'dense', units: 32, activation: 'tanh' },
    { type: 'dense', units: 32, activation: 'tanh' },
    { type: 'dense', units: 2, activation: 'softmax' },
  ],
};

async function setupData(data: BenchData) {
  client.terminate();
  const info = await client.api.backend.init();
  let summary;
  if (data === 'mnist') {
    const { files, buffers } = await fetchIdxFiles('mnist', '../');
    summary = await client.api.data.loadIdx(Comlink.transfer({ files, info: MNIST_INFO }, buffers));
    await client.api.model.setPlan({ spec: classicMlp(), seed: DEFAULT_CONFIG.seed });
  } else {
    summary = await client.api.data.loadSynthetic({ options: { kind: 'spiral', count: SPIRAL_COUNT, noise: 0.1, seed: 7 } });
    await client.api.model.setPlan({ spec: SPIRAL_MODEL, seed: DEFAULT_CONFIG.seed });
  }
  return { ...info, trainCount: summary.trainCount };
}

/**
 * One contender of `npm run bench -- tune`: the given settings as they are, or Auto starting from them.
 * Tuner time is counted in Auto's wall-clock total.
 */
async function tuneRun(data: BenchData, auto: boolean, base: Partial<TrainConfig>, target: number, minEpochs: number) {
  const info = await setupData(data);
  let config: TrainConfig = { ...DEFAULT_CONFIG, ...base };
  let tunerSeconds = 0;
  let decided: { noiseScale: number | null; rows: { batchSize: number; samplesPerSec: number }[]; rule: string } | null = null;
  if (auto) {
    // The same steps as Auto (engine/session/tools.ts): plan, batch finder, range test at that size.
    const t0 = performance.now();
    const plan = autoPlan(config, info.trainCount);
    const batch = await client.api.tune.findBatchSize({ config: { ...config, optimizer: plan.optimizer }, maxBatch: plan.maxBatch }, Comlink.proxy(() => {}));
    const lr = await client.api.tune.rangeTest({ config: { ...config, optimizer: plan.optimizer, batchSize: batch.chosen } }, Comlink.proxy(() => {}));
    tunerSeconds = (performance.now() - t0) / 1000;
    config = autoConfig(config, plan, batch, lr, tunerSeconds);
    decided = { noiseScale: batch.noiseScale, rows: batch.rows.map((r) => ({ batchSize: r.batchSize, samplesPerSec: Math.round(r.samplesPerSec) })), rule: lr.applied };
  }
  const { epochs } = await client.api.bench.trainTracked({ config, targetAccuracy: target, minEpochs });
  const reached = epochs.find((e) => e.testAccuracy >= target);
  return {
    backend: info.name,
    auto,
    optimizer: config.optimizer,
    batchSize: config.batchSize,
    learningRate: config.learningRate,
    schedule: config.schedule?.kind === 'one-cycle' && config.schedule.rounds ? `one-cycle rounds ${config.schedule.rounds.join('+')}` : (config.schedule?.kind ?? 'constant'),
    tunerSeconds,
    decided,
    epochs,
    reachedEpoch: reached?.epoch ?? null,
    reachedSeconds: reached ? reached.seconds + tunerSeconds : null,
    finalAccuracy: epochs.at(-1)?.testAccuracy ?? 0,
  };
}

/** Rounds of the MLP comparison: as many as the kernel timing's, at most 3 (each is three 4.5 s runs). */
const rounds_ = (rounds?: number) => Math.max(1, Math.min(3, rounds ?? 3));

/**
 * Our WebGPU kernels against TF.js's, per shape class (engine/kernels/webgpu/timing.ts), on a fresh worker forced
 * to WebGPU with MNIST loaded; also TF.js's Dense pass with its transposes materialised (the path before); then the
 * classic MLP's training loop three ways. Null rows: WebGPU did not start.
 */

async function webgpuKernels(reps?: number, rounds?: number, batchSizes: number[] = [32, 128], measureMs = 3000) {
  const info = await setup('webgpu');
  if (info.name !== 'webgpu') return { backend: info.name, detail: info.detail, rows: null, mlp: null };
  const { timing } = await client.api.testHooks.webgpuKernels({ time: true, explicit: true, reps, rounds });
  // The classic MLP's training loop with every class on TF.js's kernels, on ours, and as measured (the table
  // above), rounds alternating; every round's samples/s is kept.
  const spec = specOf('mlp');
  const mlp = [];
  for (const batchSize of batchSizes) {
    const runs: Record<'tfjs' | 'ours' | 'measured', number[]> = { tfjs: [], ours: [], measured: [] };
    for (let round = 0; round < rounds_(rounds); round++) {
      for (const mode of ['tfjs', 'ours', 'measured'] as const) {
        await client.api.testHooks.webgpuKernels({ force: mode === 'measured' ? null : mode });
        const r = await client.api.bench.throughput({ spec, config: { ...DEFAULT_CONFIG, batchSize }, warmupMs: 1500, measureMs });
        runs[mode].push(r.samplesPerSec);
      }
    }
    mlp.push({ batchSize, runs });
  }
  await client.api.testHooks.webgpuKernels({ force: null });
  return { backend: info.name, detail: info.detail, rows: timing, mlp };
}

Object.assign(window, { descentBench: { throughput, fullRun, tuneRun, profile, webgpuKernels } });
document.title = 'Descent benchmark: ready';
