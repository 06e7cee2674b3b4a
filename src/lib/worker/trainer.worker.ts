/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import './error-transfer';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BACKEND_ORDER, initBackend, pickFastestBackend, startBackend, type BackendName, type BackendSpeed } from '../engine/backend';
import { registerConv2dBackpropFilter } from '../engine/kernels/conv2d-backprop-filter';
import { DataWorkshop } from '../engine/data/workshop';
import type { Task } from '../engine/data/dataset';
import { placeholderDataset } from '../engine/data/placeholder';
import type { ModelSpec } from '../engine/models/spec';
import type { LandscapeOptions } from '../engine/landscape/run';
import { Session } from '../engine/session';
import type { TrainConfig } from '../engine/train/config';
import type { TrainEvent, TrainEventListener } from '../engine/train/events';
import { injectBackendFailure, isBackendFailure } from '../engine/train/fault';
import type { BatchRow } from '../engine/tune/batch-finder';
import type { RangeTestPoint } from '../engine/tune/lr-finder';
import { decodeImage } from './decode-image';
import { probeBackend } from './probes';
import { deployApi, type WorkerRunOptions } from './deploy-api';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});
// WASM lacks the conv filter gradient: without it a CNN cannot train there.
registerConv2dBackpropFilter('wasm');

// TF.js caps its WASM thread pool at half the logical cores (1 on a 2-core machine); use them all.
if (self.crossOriginIsolated) setThreadsCount(Math.max(1, navigator.hardwareConcurrency || 1));

const session = new Session();
const workshop = new DataWorkshop(session, decodeImage);

/** Frees the worker's end of a callback the page passed with `Comlink.proxy`. */
function release(callback: unknown): void {
  (callback as Comlink.Remote<() => void>)[Comlink.releaseProxy]();
}
const deploy = deployApi(session);

/** The worker's API. The page sees its type through `TrainerApi`; every method takes and returns plain data. */
const api = {
  async init(forced?: BackendName) {
    const choice = await initBackend(BACKEND_ORDER, { probe: probeBackend, forced, timeoutMs: 8000 });
    const threads = choice.name === 'wasm' ? getThreadsCount() : 0;
    return { ...choice, threads, crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, tfVersion: tf.version.tfjs };
  },
  /**
   * Measures a few training steps of the current model on every backend that starts here within ~2 s, and
   * keeps the fastest active. A GPU emulated in software is listed as skipped unless `includeSoftware`: it is
   * many times slower than WASM, and its work queued in the browser's GPU process outlives a cancelled
   * measurement (measured: the page drew no frame for 2–3 s after Train cut such a measurement short).
   */
  async measureBackends(budgetMs = 2000, includeSoftware = false) {
    const candidates: BackendName[] = [];
    const skipped: BackendSpeed[] = [];
    const details = new Map<BackendName, string>();
    for (const name of BACKEND_ORDER) {
      if (!tf.findBackendFactory(name)) continue;
      const probe = await probeBackend(name).catch(() => ({ available: false, software: false, detail: '' }));
      if (!probe.available) continue;
      details.set(name, probe.detail);
      if (probe.software && !includeSoftware) skipped.push({ name, samplesPerSec: null, note: `emulated in software (${probe.detail}), far slower than WASM; not timed` });
      else candidates.push(name);
    }
    const picked = await pickFastestBackend(candidates, (ms) => session.tools.quickThroughput(ms), budgetMs);
    return { ...picked, speeds: [...skipped, ...picked.speeds], detail: details.get(picked.chosen) ?? '', threads: picked.chosen === 'wasm' ? getThreadsCount() : 0 };
  },
  /**
   * The same measurement for a model and data shape this worker does not hold: random examples stand in
   * for the data. The page runs it in a second worker, so the trainer stays free to start at once.
   */
  async measureBackendsFor(spec: ModelSpec, inputShape: number[], numClasses: number, task: Task, includeSoftware = false, budgetMs = 2000) {
    session.setDataset(placeholderDataset(inputShape, numClasses, task));
    session.setModel(spec, 1);
    return api.measureBackends(budgetMs, includeSoftware);
  },
  /** The active backend's loss on one batch against the CPU backend's, same weights: relative difference. */
  async checkNumerics() {
    const backend = tf.getBackend() as BackendName;
    const loss = await session.tools.lossOnFirstBatch();
    await startBackend('cpu');
    const cpuLoss = await session.tools.lossOnFirstBatch();
    await startBackend(backend);
    return { backend, loss, cpuLoss, relative: Math.abs(loss - cpuLoss) / Math.max(Math.abs(cpuLoss), 1e-12) };
  },
  loadIdxDataset: session.loadIdxDataset.bind(session),
  loadSynthetic: session.loadSynthetic.bind(session),
  setModel: session.setModel.bind(session),
  /** `onEvent` arrives as a comlink proxy of the page's callback; it is released when the run ends. */
  async train(config: TrainConfig, onEvent: TrainEventListener, options?: WorkerRunOptions) {
    const emit = (event: TrainEvent) => void onEvent(event);
    try {
      let opts = options;
      for (let attempt = 0; ; attempt++) {
        try {
          return await session.train(config, emit, await deploy.runOptions(opts));
        } catch (err) {
          // A backend that breaks mid-run (lost context or device) hands the run to the next one that starts.
          if (!opts || attempt >= 2 || !isBackendFailure(err)) throw err;
          const from = tf.getBackend();
          const next = await initBackend(BACKEND_ORDER.filter((b) => b !== from), { probe: probeBackend, timeoutMs: 8000 });
          const point = await deploy.fallbackPoint(opts.runId);
          emit({ kind: 'fallback', from, to: next.name, reason: (err as Error).message, resumeStep: point.step, resumeEpoch: point.epoch });
          opts = { ...opts, resume: point.resume };
        }
      }
    } finally {
      release(onEvent);
    }
  },
  /** Makes the training step `afterSteps` from now fail as if the backend were lost (tests and demonstrations). */
  injectBackendFailure,

  /** Callbacks arrive as comlink proxies; they are released when the job ends. */
  async rangeTest(config: TrainConfig, onPoint: (p: RangeTestPoint, index: number, total: number) => void) {
    try {
      return await session.tools.rangeTest(config, (p, i, n) => void onPoint(p, i, n));
    } finally {
      release(onPoint);
    }
  },
  async findBatchSize(config: TrainConfig, onRow: (row: BatchRow) => void, maxBatch?: number) {
    try {
      return await session.tools.findBatchSize(config, (row) => void onRow(row), maxBatch);
    } finally {
      release(onRow);
    }
  },
  stop: session.stop.bind(session),
  benchThroughput: session.tools.benchThroughput.bind(session.tools),
  benchModelFit: session.tools.benchModelFit.bind(session.tools),
  profileStep: session.tools.profileStep.bind(session.tools),
  trainTracked: session.tools.trainTracked.bind(session.tools),
  evaluateTest: async () => {
    const ev = await session.evaluateTest();
    return Comlink.transfer(ev, [ev.predicted.buffer, ev.confidence.buffer]);
  },
  getImages: (split: 'train' | 'test', indices: number[]) => {
    const images = session.getImages(split, indices);
    return Comlink.transfer(images, [images.buffer]);
  },
  getLabels: (split: 'train' | 'test') => {
    const labels = session.getLabels(split);
    return Comlink.transfer(labels, [labels.buffer]);
  },
  exportModel: async () => {
    const files = await session.exportModel();
    return Comlink.transfer(files, [files.weights]);
  },
  inspectCsv: workshop.inspectCsv.bind(workshop),
  setCsvHeader: workshop.setHeader.bind(workshop),
  loadTable: workshop.loadTable.bind(workshop),
  loadImages: workshop.loadImages.bind(workshop),
  testReport: () => {
    const report = session.testReport();
    const buffers = report.kind === 'classification' ? [report.labels.buffer, report.predicted.buffer, report.confidence.buffer] : [report.actual.buffer, report.predicted.buffer];
    return Comlink.transfer(report, buffers);
  },
  getTestRowText: session.getTestRowText.bind(session),
  predictGrid: async (size: number) => {
    const grid = await session.predictGrid(size);
    return Comlink.transfer(grid, [grid.classes.buffer, grid.confidence.buffer]);
  },
  getPoints: () => {
    const points = session.getPoints();
    return Comlink.transfer(points, [points.x.buffer, points.labels.buffer]);
  },
  /** `onProgress` arrives as a comlink proxy; it is released when the computation ends. */
  async computeLandscape(options: LandscapeOptions, onProgress: (fraction: number) => void) {
    try {
      const result = await session.computeLandscape(options, (f) => void onProgress(f));
      return result ? Comlink.transfer(result, [result.losses.buffer, result.path.buffer]) : null;
    } finally {
      (onProgress as unknown as Comlink.Remote<typeof onProgress>)[Comlink.releaseProxy]();
    }
  },
  cancelLandscape: session.cancelLandscape.bind(session),
  memory: () => ({ numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes }),
  openRun: deploy.openRun,
  importModel: deploy.importModel,
  recordTest: deploy.recordTest,
  retrySave: deploy.retrySave,
  measureQuantization: deploy.measureQuantization,
  exportBundle: deploy.exportBundle,
  exportFiles: deploy.exportFiles,
};

export type TrainerApi = typeof api;

Comlink.expose(api);
