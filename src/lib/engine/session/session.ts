import * as tf from '../tf';
import { filesChecksum, type ShippedHashes } from '../data/checksum';
import type { Dataset } from '../data/dataset';
import { IDX_FILE_NAMES, loadIdxDataset, type IdxDatasetInfo, type IdxFiles } from '../data/mnist';
import type { IdxFileKey } from '../data/idx-assembler';
import { generateSynthetic, type SyntheticOptions } from '../data/synthetic';
import { EngineError, type EngineMessage } from '../errors';
import type { UploadedFile } from '../export/import';
import type { LayersModelFiles } from '../export/layers-format';
import { loadForDataset, specFromModel } from '../export/model-io';
import type { DecisionGrid } from '../boundary/decision-grid';
import { computeLandscape, type LandscapeOptions, type LandscapeResult } from '../landscape/run';
import { lossProblem } from '../models/fit';
import type { ModelSpec, ModelSummary } from '../models/spec';
import type { RunOptions } from '../runs/monitored-run';
import type { RunRecorder } from '../runs/recorder';
import type { DatasetChecksum, DatasetInfo, ModelCard, QuantizeDtype, RunRecord } from '../runs/record';
import { validateConfig, type TrainConfig } from '../train/config';
import { evaluate, type Evaluation } from '../train/evaluate';
import type { TrainEventListener } from '../train/events';
import { defaultLoss } from '../train/losses';
import type { TrainResult } from '../train/loop';
import { evaluationReport, type EvaluationReport } from '../train/report';
import { DataSlot } from './data';
import { fillChecksum, RunSlot } from './run';
import { ModelSlot } from './models';
import { IdxStreamSlot, type StreamProgress } from './stream';
import { EMPTY_SNAPSHOT, type DatasetSummary, type EvaluationState, type ModelOrigin, type SessionJob, type SessionSnapshot } from './snapshot';
import { importModelFiles, quantizationReport, type ImportSummary } from './io';
import { SessionTools } from './tools';
import { decisionGrid, evaluationState } from './views';
import { assertFitsMemory } from '../models/memory';

/** Stores a run's test metrics where the run is kept (the worker passes IndexedDB); false when it could not. */
export type TestSink = (runId: string, test: NonNullable<RunRecord['test']>) => Promise<boolean>;

/**
 * The one owner of the engine's state: the dataset, the model (the plan the next run builds and the weights
 * held), the current run and its evaluation, and what the session is busy with. Every change is announced
 * as a `SessionSnapshot` to the listeners (the worker forwards it to the page). Plain TypeScript without DOM;
 * the worker wraps it, and unit tests drive it directly.
 */
export class Session {
  readonly data = new DataSlot();
  readonly models = new ModelSlot();
  /** Tuning and measuring on scratch copies of the plan (learning-rate test, batch finder, Auto, benchmarks). */
  readonly tools = new SessionTools(this);
  /** Where test metrics of runs not recorded in this session go (opened runs). */
  testSink: TestSink | null = null;
  private readonly runs = new RunSlot(() => this.changed());
  private evaluation: EvaluationState | null = null;
  /** Evaluations so far: each one's id. */
  private evaluations = 0;
  /** The last test evaluation as computed (for reports). */
  private lastTest?: Evaluation;
  private job: SessionJob | null = null;
  private notices: EngineMessage[] = [];
  private seq = 0;
  private readonly listeners = new Set<(s: SessionSnapshot) => void>();
  private landscapeStop = false;
  /** The built-in dataset streaming in, if any. */
  private readonly streams = new IdxStreamSlot({
    checkTicket: (ticket) => this.data.checkTicket(ticket),
    apply: (dataset, ticket) => this.setDataset(dataset, undefined, ticket),
    complete: (dataset, checksum) => {
      this.data.completed(dataset, checksum);
      this.changed();
    },
    changed: () => this.changed(),
  });

  /** Calls `listener` with every new snapshot (and once now); returns the unsubscribe function. */
  onChange(listener: (s: SessionSnapshot) => void): () => void {
    this.listeners.add(listener);
    listener(this.snapshot());
    return () => this.listeners.delete(listener);
  }

  snapshot(): SessionSnapshot {
    return {
      ...EMPTY_SNAPSHOT,
      seq: this.seq,
      datasetVersion: this.data.version,
      loading: this.data.loading,
      dataset: this.data.summary,
      arrival: this.data.dataset?.arrival?.state ?? null,
      plan: this.models.plan,
      model: this.models.state,
      run: this.runs.state,
      evaluation: this.evaluation,
      busy: this.job,
      notices: this.notices,
    };
  }

  private changed(): void {
    this.seq++;
    if (this.listeners.size === 0) return;
    const snap = this.snapshot();
    for (const l of this.listeners) l(snap);
  }

  /** Runs `work` as the session's one job; a second job while one runs is refused. */
  async withJob<T>(job: SessionJob, work: () => Promise<T>): Promise<T> {
    if (this.job) throw new EngineError('session.busy', { job: this.job });
    this.job = job;
    this.changed();
    try {
      return await work();
    } finally {
      this.job = null;
      this.changed();
    }
  }

  get busy(): SessionJob | null {
    return this.job;
  }

  // ---- Data ----

  /** A dataset load begins; its ticket is passed to the loader, and only the latest ticket's load is applied. */
  beginLoad(id: string): number {
    const ticket = this.data.begin(id);
    this.changed();
    return ticket;
  }

  /** A load ended without a dataset (it failed): the picker stops showing it as loading. */
  endLoad(ticket: number): void {
    this.data.end(ticket);
    this.changed();
  }

  /** `transport`: per file name, whether the server's Content-Encoding unzipped it, and the shipped sums (checksum.ts). */
  async loadIdxDataset(files: IdxFiles, info: IdxDatasetInfo, ticket?: number, transport: Record<string, { decoded: boolean; shipped?: ShippedHashes }> = {}): Promise<DatasetSummary> {
    const keys = Object.keys(IDX_FILE_NAMES) as (keyof IdxFiles)[];
    const checksum = await filesChecksum(keys.map((k) => ({ name: IDX_FILE_NAMES[k], bytes: files[k], ...transport[IDX_FILE_NAMES[k]] })));
    this.data.checkTicket(ticket);
    return this.setDataset(await loadIdxDataset(files, info), checksum, ticket);
  }

  /**
   * A built-in idx dataset begins to stream in under the load's `ticket` (session/stream.ts): its files come in
   * chunks (`pushIdxChunk`, `endIdxFile`); it becomes the session's dataset once the first block of training
   * examples is in, and complete (checksum verified) once all four files are.
   */
  beginIdxStream(info: IdxDatasetInfo, ticket: number): void {
    this.streams.begin(info, ticket);
  }

  /** The next chunk(s) of a file as received, in order (a `.gz` as shipped, or unzipped by the transport). */
  pushIdxChunk(ticket: number, file: IdxFileKey, bytes: ArrayBuffer | ArrayBuffer[]): Promise<StreamProgress> {
    return this.streams.push(ticket, file, bytes);
  }

  /** A file of the stream has arrived in full; `shipped`: its sums from the data folder, checked once all are in. */
  endIdxFile(ticket: number, file: IdxFileKey, shipped?: ShippedHashes): Promise<StreamProgress> {
    return this.streams.end(ticket, file, shipped);
  }

  /** The page could not fetch the rest of a file (network): a run waiting on the data stops with this code. */
  failIdxStream(ticket: number, file: string, detail: string): void {
    this.streams.fail(ticket, file, detail);
  }

  /**
   * The dataset in full: waits while it still streams in, throws the stream's failure. Whatever needs every example
   * at once (the test evaluation, tuning, races, the landscape) waits here.
   */
  async fullData(): Promise<Dataset> {
    const dataset = this.data.require();
    await dataset.arrival?.waitComplete();
    return dataset;
  }

  loadSynthetic(options: SyntheticOptions, ticket?: number): DatasetSummary {
    return this.setDataset(generateSynthetic(options), undefined, ticket);
  }

  /**
   * Makes `dataset` the current one (every loader ends here): a plan or model that does not fit it is dropped,
   * and the evaluation (of another test set) is cleared. Refused while a job runs or when a later load was asked for.
   */
  setDataset(dataset: Dataset, checksum?: DatasetChecksum, ticket?: number): DatasetSummary {
    this.data.checkTicket(ticket);
    if (this.job) throw new EngineError('session.busy', { job: this.job });
    // A dataset still streaming in that is replaced stops arriving.
    this.streams.replacedBy(dataset);
    const summary = this.data.set(dataset, checksum);
    this.data.end(ticket);
    this.models.onDataset(dataset);
    this.evaluation = null;
    this.lastTest = undefined;
    this.runs.clear();
    this.changed();
    return summary;
  }

  describeData(): Promise<DatasetInfo> {
    return this.data.describe();
  }

  /** The loaded dataset; throws when there is none. */
  get activeDataset(): Dataset {
    return this.data.require();
  }

  // ---- Models ----

  /** Makes `spec` the plan for the next run (checked against the data); see ModelSlot.setPlan. */
  setModel(spec: ModelSpec, seed: number): ModelSummary {
    if (this.job === 'training') throw new EngineError('session.busy', { job: this.job });
    const summary = this.models.setPlan(spec, this.data.require(), seed);
    this.changed();
    return summary;
  }

  /** Forgets the plan (the editor's model does not fit the data): nothing can train until a new one is set. */
  clearPlan(): void {
    this.models.plan = null;
    this.changed();
  }

  /** Makes stored or imported weights the held model (checked against the loaded data). */
  async loadModelFiles(files: LayersModelFiles, spec?: ModelSpec, origin: ModelOrigin = 'opened', runId: string | null = null, card: ModelCard | null = null): Promise<ModelSummary> {
    if (this.runs.isTraining) throw new EngineError('session.busy', { job: 'training' });
    const dataset = this.data.require();
    let modelSpec = spec;
    if (!modelSpec) {
      const probe = await loadForDataset(files, dataset);
      modelSpec = specFromModel(probe, 'Imported model').spec;
      probe.dispose();
    }
    const summary = await this.models.load(files, dataset, modelSpec, origin, runId, card);
    this.runs.forgetPath();
    await this.models.settle();
    this.changed();
    return summary;
  }

  /** Validates uploaded files (a bundle .zip, or model.json + weights) and, when it fits the data, makes it the held model. */
  importModel(uploaded: UploadedFile[]): Promise<ImportSummary> {
    return importModelFiles(
      uploaded,
      (files, spec, card) => this.loadModelFiles(files, spec, 'imported', null, card),
      async () => (this.data.dataset ? this.data.describe() : null),
    );
  }

  /** The spec of the held model (the plan when nothing is held). */
  get currentSpec(): ModelSpec | undefined {
    return this.models.state?.spec ?? this.models.plan?.spec;
  }

  /** The held model (trained, opened, imported, or the plan's initial weights). */
  get currentModel(): tf.LayersModel | undefined {
    return this.models.net;
  }

  // ---- Runs ----

  /**
   * Trains a fresh model of the plan (initialised from `config.seed`), which replaces the held model, and keeps
   * it, also when stopped early. With `options.fromCurrentWeights` or `options.resume` it trains the held
   * weights instead; with `options.record` the run is recorded and checkpointed every epoch.
   */
  async train(config: TrainConfig, onEvent: TrainEventListener, options: RunOptions = {}): Promise<TrainResult> {
    const dataset = this.data.require();
    dataset.arrival?.check();
    const fromHeld = !!(options.fromCurrentWeights || options.resume);
    if (!fromHeld) this.models.requirePlan();
    else this.models.require();
    const problems = validateConfig(config, dataset.train.count);
    if (problems.length) throw new EngineError('session.invalidConfig', { problems });
    const lossError = lossProblem(config.loss, dataset.task);
    if (lossError) throw new EngineError('session.invalidConfig', { problems: [lossError] });
    // A model too large for the backend is refused before it allocates (a failed allocation can break WASM).
    const spec = fromHeld ? this.models.state!.spec : this.models.plan!.spec;
    assertFitsMemory(spec.layers, dataset.inputShape, { batchSize: config.batchSize, backend: tf.getBackend(), optimizer: config.optimizer });
    return this.withJob('training', async () => {
      const runId = options.record?.id ?? options.resume?.record.id ?? null;
      const model = fromHeld ? this.models.continueAs(runId) : this.models.startFresh(dataset, config.seed, runId);
      const state = this.models.state!;
      try {
        return await this.runs.train(model, state.version, state.spec, dataset, config, onEvent, options, () => this.describeData());
      } finally {
        await this.models.settle().catch(() => {});
      }
    });
  }

  stop(): void {
    this.runs.stop();
    this.tools.stop();
  }

  get isTraining(): boolean {
    return this.runs.isTraining;
  }

  /** The recorder of the last recorded run (its record is live), to add test metrics or retry a failed save. */
  get lastRun(): RunRecorder | null {
    return this.runs.recorder;
  }

  // ---- Evaluation ----

  /** Evaluates the held model on the test set; the result becomes the session's evaluation of that model. */
  async evaluateTest(): Promise<Evaluation> {
    const dataset = this.data.require();
    const model = this.models.require();
    const state = this.models.state!;
    return this.withJob('evaluating', async () => {
      // The test files arrive after the training files: the evaluation waits for them (and their checksum).
      await this.fullData();
      const ev = await evaluate(model, dataset, dataset.test);
      this.lastTest = { ...ev, predicted: ev.predicted.slice(), confidence: ev.confidence.slice() };
      this.evaluation = evaluationState(++this.evaluations, dataset, ev, state.version, state.runId);
      return ev;
    });
  }

  /** Evaluates the held model and stores the metrics with its run; false when the run's record could not take them. */
  async evaluateAndRecord(): Promise<boolean> {
    const ev = await this.evaluateTest();
    const runId = this.models.state?.runId;
    if (!runId) return true;
    const test = { loss: ev.loss, accuracy: ev.accuracy, count: ev.count };
    if (this.runs.recorder?.record.id === runId) {
      await fillChecksum(this.runs.recorder, () => this.describeData());
      return this.runs.recorder.setTest(test);
    }
    return this.testSink ? this.testSink(runId, test) : true;
  }

  /** Confusion matrix and per-class scores, or R²/RMSE, of the last test evaluation. */
  testReport(): EvaluationReport {
    if (!this.lastTest) throw new EngineError('session.noEvaluation', {});
    return evaluationReport(this.data.require(), this.lastTest);
  }

  // ---- Views of the data and the model ----

  getTestRowText(indices: number[]): string[] {
    return this.data.testRowText(indices);
  }

  getImages(split: 'train' | 'test', indices: number[]): Uint8Array {
    return this.data.images(split, indices);
  }

  getLabels(split: 'train' | 'test'): Uint8Array {
    return this.data.labels(split);
  }

  getPoints(): { x: Float32Array; labels: Uint8Array } {
    return this.data.points();
  }

  /** The held model's class map on a `size × size` grid over the training data's plane (2-D data only). */
  predictGrid(size: number): Promise<DecisionGrid> {
    return decisionGrid(this.models.require(), this.data.require(), size);
  }

  /**
   * A 2-D slice of the loss around the held weights (see `computeLandscape`), with the last run's path on it.
   * Not while another job runs; `cancelLandscape()` ends it early (then it returns null).
   */
  async computeLandscape(options: LandscapeOptions, onProgress: (fraction: number) => void): Promise<LandscapeResult | null> {
    const dataset = this.data.require();
    const model = this.models.require();
    this.landscapeStop = false;
    return this.withJob('landscape', async () => {
      await this.fullData();
      return computeLandscape(model, dataset, this.runs.lossName ?? defaultLoss(dataset.task), this.runs.path, options, onProgress, () => this.landscapeStop);
    });
  }

  cancelLandscape(): void {
    this.landscapeStop = true;
  }

  // ---- Export ----

  /** The held model's files: exactly the weights whose evaluation the page shows. */
  exportModel(): Promise<LayersModelFiles> {
    return this.models.exportFiles();
  }

  /** Quantises model files and measures size and test accuracy before and after (on the loaded data when they fit it). */
  measureQuantization(files: LayersModelFiles, dtype: QuantizeDtype) {
    return quantizationReport(files, dtype, this.data.require());
  }

  // ---- Recovery ----

  /**
   * After the backend was rebuilt (a failed allocation left it broken): the held model comes back from its
   * last settled weights, and the page is told what happened. The dataset lives outside the backend and stays.
   */
  async restoreAfterReset(backend: string): Promise<void> {
    this.job = null;
    const dataset = this.data.dataset;
    const plan = this.models.plan;
    this.models.forgetBroken();
    const restored = dataset ? await this.models.restore(dataset).catch(() => null) : null;
    // The plan's summary is plain data and stays valid; an untrained model is rebuilt from it.
    if (!restored && plan && dataset) this.models.setPlan(plan.spec, dataset, this.runs.state?.config.seed ?? 42);
    if (this.runs.state?.status === 'training') this.runs.state = { ...this.runs.state, status: 'error' };
    this.runs.forgetPath();
    this.notices = [{ code: 'session.backendReset', params: { backend, restored: restored ? (restored.runId ?? restored.origin) : '' } }];
    this.changed();
    this.notices = [];
  }
}

