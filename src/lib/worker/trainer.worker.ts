/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import './error-transfer';
import * as tf from '../engine/tf';
import { BACKEND_ORDER, initBackend, setBackendLoader, type BackendName } from '../engine/backend';
import { isAllocationFailure, rebuildBackend } from '../engine/backend-recovery';
import { registerConv2dBackpropFilter } from '../engine/kernels/conv2d-backprop-filter';
import { installGemmThreads, setGemmOptions } from './gemm-threads';
import { DataWorkshop, type ImageSource, type TableSlot } from '../engine/data/workshop';
import type { IdxDatasetInfo, IdxFiles } from '../engine/data/mnist';
import type { IdxFileKey } from '../engine/data/idx-assembler';
import type { ShippedHashes } from '../engine/data/checksum';
import type { SyntheticOptions } from '../engine/data/synthetic';
import type { TabularOptions } from '../engine/data/tabular';
import type { ImageOptions } from '../engine/data/image-dataset';
import { EngineError, toEngineMessage } from '../engine/errors';
import type { UploadedFile } from '../engine/export/import';
import type { ModelSpec } from '../engine/models/spec';
import type { LandscapeOptions } from '../engine/landscape/run';
import type { QuantizeDtype } from '../engine/runs/record';
import { Session, type SessionSnapshot } from '../engine/session';
import { breakBackendForTest } from '../engine/testing/hooks';
import type { TrainConfig } from '../engine/train/config';
import type { TrainEvent } from '../engine/train/events';
import { injectBackendFailure, isBackendFailure } from '../engine/train/fault';
import type { TrainResult } from '../engine/train/loop';
import { tunerDecisions } from '../engine/tune/auto';
import type { AutoEvent, TuneEvent } from '../engine/tune/events';
import { decodeImage } from './decode-image';
import { probeBackend } from './probes';
import { backendApi } from './backend-api';
import { loadBackend } from './backend-loader';
import { deployApi, type ExportSource, type WorkerRunOptions } from './deploy-api';
import { raceApi, type WorkerRaceOptions } from './race-api';
import type { RaceEvent } from '../engine/race/events';

// Every backend is imported when first started (backend-loader.ts): the worker's first chunk is TF.js's core and layers.
setBackendLoader(['webgpu', 'wasm', 'webgl', 'cpu'], loadBackend);
// WASM lacks the conv filter gradient: without it a CNN cannot train there.
registerConv2dBackpropFilter('wasm');
// Our WASM GEMM (engine/kernels/matmul.ts) shares its rows out to a pool of threads when the page is isolated.
// Not in the backend comparison's worker (client.ts, role 'probe'): its pool would double the page's workers.
if (self.name !== 'descent-probe') installGemmThreads();

const session = new Session();
const workshop = new DataWorkshop(session, decodeImage);
const deploy = deployApi(session);
/** How the current table dataset was built, to refit its statistics when a run uses another split or seed. */
let tableSource: { options: TabularOptions; slot: TableSlot } | null = null;

/**
 * Table statistics (standardisation, vocabularies) come from the rows the loop trains on: when a run's
 * validation split or seed differs from the dataset's, the table is built again from the same choices.
 */
function refitTable(config: TrainConfig): void {
  const pre = session.data.dataset?.preprocessing;
  if (!pre || !tableSource || (pre.validationSplit === config.validationSplit && pre.seed === config.seed)) return;
  tableSource = { ...tableSource, options: { ...tableSource.options, validationSplit: config.validationSplit, trainSeed: config.seed } };
  workshop.loadTable(tableSource.options, tableSource.slot);
}

/** Frees the worker's end of a callback the page passed with `Comlink.proxy`. */
function release(callback: unknown): void {
  (callback as Comlink.Remote<() => void>)[Comlink.releaseProxy]();
}

/**
 * Runs work that allocates on the backend. A failed allocation can leave a backend broken for every later
 * call (WASM: "memory access out of bounds" from then on): the backend is rebuilt, the last good model
 * restored, the page told, and the error passed on.
 */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!isAllocationFailure(err)) throw err;
    const backend = tf.getBackend();
    await rebuildBackend(backend as BackendName);
    await session.restoreAfterReset(backend);
    throw new EngineError('session.allocationFailed', { backend, detail: err instanceof Error ? err.message : String(err) });
  }
}

/**
 * A recorded run; a backend that breaks mid-run (lost context or device) hands the run to the next one that
 * starts, resuming from the stored checkpoint. Then the model is evaluated on the test set, and the metrics
 * stored with the run.
 */
async function runAndEvaluate(config: TrainConfig, emit: (e: TrainEvent) => void, options: WorkerRunOptions): Promise<{ result: TrainResult; testSaved: boolean }> {
  if (!options.resume) refitTable(config);
  let opts = options;
  let result: TrainResult;
  for (let attempt = 0; ; attempt++) {
    try {
      result = await session.train(config, emit, await deploy.runOptions(opts));
      break;
    } catch (err) {
      if (attempt >= 2 || !isBackendFailure(err)) throw err;
      const from = tf.getBackend();
      const next = await initBackend(BACKEND_ORDER.filter((b) => b !== from), { probe: probeBackend, timeoutMs: 8000 });
      const point = await deploy.fallbackPoint(opts.runId);
      emit({ kind: 'fallback', from, to: next.name, reason: toEngineMessage(err), resumeStep: point.step, resumeEpoch: point.epoch });
      opts = { ...opts, resume: point.resume };
    }
  }
  const testSaved = await session.evaluateAndRecord();
  return { result, testSaved };
}

const backend = backendApi(session);
const race = raceApi(session, refitTable);

/**
 * The worker's API, in namespaces. The page sees its type through `TrainerApi`; every method takes one options
 * object and returns plain data. Each namespace is marked with `Comlink.proxy` so that comlink types it as
 * callable through the page's remote (`api.data.loadIdx(...)`); the calls go to these objects as they are.
 */
const api = {
  session: Comlink.proxy({
    /** `listener` (a comlink proxy) gets every snapshot of the session, the current one first. */
    subscribe(listener: (s: SessionSnapshot) => void): void {
      session.onChange((s) => void listener(s));
    },
    /** The current snapshot, answered on the command channel (ordered with the replies to other commands). */
    current: () => session.snapshot(),
  }),
  backend: Comlink.proxy(backend),
  data: Comlink.proxy({
    /** A dataset load begins (the user chose it); returns the ticket its loader passes. */
    begin: (options: { id: string }) => session.beginLoad(options.id),
    /** A load failed: the session no longer shows it as loading. */
    end: (options: { ticket: number }) => session.endLoad(options.ticket),
    async loadIdx(options: { ticket?: number; files: IdxFiles; info: IdxDatasetInfo; transport?: Record<string, { decoded: boolean; shipped?: ShippedHashes }> }) {
      const summary = await session.loadIdxDataset(options.files, options.info, options.ticket, options.transport);
      tableSource = null;
      return summary;
    },
    /** A built-in idx dataset begins to stream in (the page fetches its files and passes their chunks on). */
    streamBegin(options: { ticket: number; info: IdxDatasetInfo }) {
      session.beginIdxStream(options.info, options.ticket);
      tableSource = null;
    },
    /** The next chunks of a file as received (transferred); `started` once the dataset is the session's. */
    streamChunk: (options: { ticket: number; file: IdxFileKey; bytes: ArrayBuffer | ArrayBuffer[] }) => session.pushIdxChunk(options.ticket, options.file, options.bytes),
    /** A file has arrived in full; `shipped`: its sums from the data folder, verified once all files are in. */
    streamEnd: (options: { ticket: number; file: IdxFileKey; shipped?: ShippedHashes }) => session.endIdxFile(options.ticket, options.file, options.shipped),
    /** The page could not fetch the rest (network): whatever waits on the data stops with a code. */
    streamFail: (options: { ticket: number; file: string; detail: string }) => session.failIdxStream(options.ticket, options.file, options.detail),
    loadSynthetic(options: { ticket?: number; options: SyntheticOptions }) {
      const summary = session.loadSynthetic(options.options, options.ticket);
      tableSource = null;
      return summary;
    },
    inspectCsv: (options: { bytes: ArrayBuffer; fileName: string; hasHeader?: boolean; slot?: TableSlot }) => workshop.inspectCsv(options.bytes, options.fileName, options.hasHeader, options.slot),
    setCsvHeader: (options: { hasHeader: boolean }) => workshop.setHeader(options.hasHeader),
    loadTable(options: { ticket?: number; options: TabularOptions; slot: TableSlot }) {
      const result = workshop.loadTable(options.options, options.slot, options.ticket);
      tableSource = { options: options.options, slot: options.slot };
      return result;
    },
    async loadImages(options: { ticket?: number; source: ImageSource; options: ImageOptions }) {
      const result = await workshop.loadImages(options.source, options.options, options.ticket);
      tableSource = null;
      return result;
    },
    images: (options: { split: 'train' | 'test'; indices: number[] }) => {
      const images = session.getImages(options.split, options.indices);
      return Comlink.transfer(images, [images.buffer]);
    },
    labels: (options: { split: 'train' | 'test' }) => {
      const labels = session.getLabels(options.split);
      return Comlink.transfer(labels, [labels.buffer]);
    },
    testRowText: (options: { indices: number[] }) => session.getTestRowText(options.indices),
    /** The loaded dataset as a model card describes it (name, source, checksum of the files as shipped). */
    describe: () => session.data.describe(),
    points: () => {
      const points = session.getPoints();
      return Comlink.transfer(points, [points.x.buffer, points.labels.buffer]);
    },
  }),
  model: Comlink.proxy({
    /** The model the next run builds (the layer editor's), checked against the data. */
    setPlan: (options: { spec: ModelSpec; seed: number }) => guarded(async () => session.setModel(options.spec, options.seed)),
    /** The editor's model does not fit the data: nothing is planned, so nothing can train. */
    clearPlan: () => session.clearPlan(),
    import: (options: { files: UploadedFile[] }) => guarded(() => deploy.importModel(options.files)),
    openRun: (options: { runId: string; weights?: 'last' | 'best' }) => guarded(() => deploy.openRun(options.runId, options.weights)),
  }),
  train: Comlink.proxy({
    /** A recorded run, then its evaluation. `onEvent` arrives as a comlink proxy; it is released when the run ends. */
    async run(options: { config: TrainConfig; run: WorkerRunOptions }, onEvent: (e: TrainEvent) => void) {
      try {
        return await guarded(() => runAndEvaluate(options.config, (e) => void onEvent(e), options.run));
      } finally {
        release(onEvent);
      }
    },
    stop: () => session.stop(),
    /** Evaluates the held model on the test set (an opened or imported model); the snapshot carries the result. */
    evaluate: () => guarded(() => session.evaluateAndRecord()),
    report: () => {
      const report = session.testReport();
      const buffers = report.kind === 'classification' ? [report.labels.buffer, report.predicted.buffer, report.confidence.buffer] : [report.actual.buffer, report.predicted.buffer];
      return Comlink.transfer(report, buffers);
    },
  }),
  tune: Comlink.proxy({
    /** Callbacks arrive as comlink proxies; they are released when the job ends. */
    async rangeTest(options: { config: TrainConfig }, onEvent: (e: TuneEvent) => void) {
      try {
        return await guarded(() => session.tools.rangeTest(options.config, (e) => void onEvent(e)));
      } finally {
        release(onEvent);
      }
    },
    async findBatchSize(options: { config: TrainConfig; maxBatch?: number }, onEvent: (e: TuneEvent) => void) {
      try {
        return await guarded(() => session.tools.findBatchSize(options.config, (e) => void onEvent(e), options.maxBatch));
      } finally {
        release(onEvent);
      }
    },
    /** Auto in one call: plan, batch finder, range test, then the run with the tuned settings and its evaluation. */
    async auto(options: { config: TrainConfig; run: WorkerRunOptions }, onEvent: (e: AutoEvent) => void) {
      const emit = (e: AutoEvent) => void onEvent(e);
      try {
        const outcome: { run?: { result: TrainResult; testSaved: boolean } } = {};
        await guarded(() =>
          session.tools.auto(options.config, emit, async (tuned) => {
            outcome.run = await runAndEvaluate(tuned, emit, { ...options.run, tuner: tuned.tuning ? tunerDecisions(tuned.tuning) : null });
            return outcome.run.result;
          }),
        );
        return outcome.run ?? null;
      } finally {
        release(onEvent);
      }
    },
  }),
  /** Race mode (issue 16): contenders trained side by side, each stored as a run. */
  race: Comlink.proxy({
    /** `onEvent` arrives as a comlink proxy; it is released when the race ends. */
    async run(options: WorkerRaceOptions, onEvent: (e: RaceEvent) => void) {
      try {
        return await guarded(() => race.run(options, (e) => void onEvent(e)));
      } finally {
        release(onEvent);
      }
    },
    stop: () => race.stop(),
  }),
  views: Comlink.proxy({
    decisionGrid: async (options: { size: number }) => {
      const grid = await session.predictGrid(options.size);
      return Comlink.transfer(grid, [grid.classes.buffer, grid.confidence.buffer]);
    },
    /** `onProgress` arrives as a comlink proxy; it is released when the computation ends. */
    async landscape(options: { options: LandscapeOptions }, onProgress: (fraction: number) => void) {
      try {
        const result = await guarded(() => session.computeLandscape(options.options, (f) => void onProgress(f)));
        return result ? Comlink.transfer(result, [result.losses.buffer, result.path.buffer]) : null;
      } finally {
        release(onProgress);
      }
    },
    cancelLandscape: () => session.cancelLandscape(),
  }),
  deploy: Comlink.proxy({
    measureQuantization: (options: { source: ExportSource; dtype: QuantizeDtype }) => deploy.measureQuantization(options.source, options.dtype),
    exportBundle: (options: { source: ExportSource; dtype: QuantizeDtype | null; locale?: 'en' | 'zh-CN' }) => deploy.exportBundle(options.source, options.dtype, options.locale),
    exportFiles: (options: { source: ExportSource; dtype: QuantizeDtype | null }) => deploy.exportFiles(options.source, options.dtype),
    retrySave: () => deploy.retrySave(),
  }),
  bench: Comlink.proxy({
    throughput: (options: { spec: ModelSpec; config: TrainConfig; warmupMs?: number; measureMs?: number }) => session.tools.benchThroughput(options.spec, options.config, options.warmupMs, options.measureMs),
    modelFit: (options: { spec: ModelSpec; config: TrainConfig; samples?: number }) => session.tools.benchModelFit(options.spec, options.config, options.samples),
    profileStep: (options: { spec: ModelSpec; config: TrainConfig }) => session.tools.profileStep(options.spec, options.config),
    trainTracked: (options: { config: TrainConfig; targetAccuracy: number; minEpochs: number }) => session.tools.trainTracked(options.config, options.targetAccuracy, options.minEpochs),
    memory: () => ({ numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes }),
    /** Our WASM kernels on or off and their threads (0: all), for before/after tables; returns what is in effect. */
    kernels: (options: { own?: boolean; threads?: number }) => setGemmOptions(options),
    /** A run that is not recorded, then its test accuracy (benchmarks). */
    async run(options: { config: TrainConfig }, onEvent: (e: TrainEvent) => void) {
      try {
        const result = await session.train(options.config, (e) => void onEvent(e));
        const test = await session.evaluateTest();
        return { result, testAccuracy: test.accuracy };
      } finally {
        release(onEvent);
      }
    },
  }),
  /** For tests and demonstrations only; not part of the product's commands. */
  testHooks: Comlink.proxy({
    /** Makes the training step `afterSteps` from now fail as if the backend were lost. */
    injectBackendFailure: (options: { afterSteps: number }) => injectBackendFailure(options.afterSteps),
    /** Provokes a real failed allocation on the active backend, then recovers as a user's failure would. */
    breakBackend: () => guarded(async () => breakBackendForTest()),
    /**
     * Our WebGPU kernels (engine/kernels/webgpu): `check` compares them with the CPU backend, `time` measures them
     * against TF.js's per shape class and records the faster (the bench's classes), `force` makes every class run one
     * of them (null: the measured table again). Needs WebGPU active.
     */
    webgpuKernels: async (options: { check?: boolean; time?: boolean; explicit?: boolean; reps?: number; rounds?: number; force?: 'ours' | 'tfjs' | null }) => {
      const k = await import('../engine/kernels/webgpu/check');
      if (options.force !== undefined) k.forceWebGPUChoice(options.force);
      const timing = options.time ? await k.timeWebGPUKernels({ ...k.BENCH_SHAPES, explicit: options.explicit, reps: options.reps, rounds: options.rounds }) : null;
      return { check: options.check ? await k.checkWebGPUKernels() : null, timing, choices: k.webgpuChoices() };
    },
  }),
};

export type TrainerApi = typeof api;

Comlink.expose(api);
