import * as Comlink from 'comlink';
import type { BackendName, BackendSpeed } from '../engine/backend';
import { MNIST_INFO } from '../engine/data/mnist';
import { classicMlp, type ModelSpec, type ModelSummary } from '../engine/models/spec';
import type { SyntheticOptions } from '../engine/data/synthetic';
import { PLAYGROUND_CONFIG, playgroundMlp } from '../engine/models/playground';
import type { DatasetSummary } from '../engine/session';
import { DEFAULT_CONFIG, type TrainConfig, type TuningRecord } from '../engine/train/config';
import { tunerDecisions } from '../engine/tune/auto';
import type { TrainEvent } from '../engine/train/events';
import { t } from '../i18n';
import { downloadFile } from '../io/download';
import { fetchIdxFiles } from '../io/builtin-data';
import { TrainerClient } from '../worker/client';
import { BackendCommands } from './backend-commands.svelte';
import { BackendComparison } from './backend-comparison.svelte';
import { BoundaryState } from './boundary.svelte';
import { LandscapeState } from './landscape.svelte';
import { RunState } from './run.svelte';
import { TuneState } from './tune.svelte';
import { TuneCommands } from './tune-commands.svelte';
import { HealthState } from './health.svelte';
import { newRunId, runName } from './run-names';
import type { RunRecord } from '../engine/runs/record';
import { errorMessage } from './errors';

export interface BackendInfo {
  name: BackendName;
  reason: string;
  notices: string[];
  failures: string[];
  detail: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /** WASM threads in use (0 for other backends). */
  threads: number;
  /** The start-up measurement the automatic choice came from, if any. */
  speeds?: BackendSpeed[];
  measuredAt?: string;
  cached?: boolean;
  /** For GPU backends: the loss of one batch here and on the CPU backend (same weights). */
  numerics?: { loss: number; cpuLoss: number; relative: number };
}

export interface TestResult {
  accuracy: number;
  loss: number;
  count: number;
  predicted: Uint8Array;
  confidence: Float32Array;
  labels: Uint8Array;
  /** Pixels of the gallery's images (the first `galleryCount` test images). */
  galleryImages: Uint8Array;
  galleryCount: number;
}

export interface Notice {
  id: number;
  level: 'info' | 'warning' | 'error';
  text: string;
}

const GALLERY_COUNT = 100;


/** The page's state and the commands the UI sends to the engine. */
export class AppState {
  backend = $state.raw<BackendInfo | null>(null);
  backendStarting = $state(false);
  /** The automatic choice's measurement, beside the trainer. */
  readonly comparison = new BackendComparison();
  /** The engine commands (start, automatic choice, numerics check, fallback), on the state above. */
  readonly engine = new BackendCommands(this);
  forcedBackend = $state<BackendName | 'auto'>('auto');
  dataset = $state.raw<DatasetSummary | null>(null);
  datasetLoading = $state<number | null>(null);
  spec = $state.raw<ModelSpec>(classicMlp());
  model = $state.raw<ModelSummary | null>(null);
  settings = $state<TrainConfig>({ ...DEFAULT_CONFIG });
  test = $state.raw<TestResult | null>(null);
  evaluating = $state(false);
  exporting = $state(false);
  notices = $state<Notice[]>([]);
  readonly run = new RunState();
  readonly tune = new TuneState();
  /** The tuner's commands (range test, batch finder, Auto), on the state above. */
  readonly tuner = new TuneCommands(this);
  readonly health = new HealthState();
  /** The stored run the current model belongs to (null for an imported model not trained here yet). */
  currentRunId = $state<string | null>(null);
  readonly boundary = new BoundaryState(() => this.client.api);
  readonly landscape = new LandscapeState(() => this.client.api);
  private readonly client = new TrainerClient();
  private noticeId = 0;
  /** Steps run before every training run (e.g. refitting table statistics to the validation split); a throw cancels the run. */
  readonly beforeTrain: (() => Promise<void>)[] = [];

  /** The worker's API, for the feature state classes (data uploads, evaluation). */
  get api() {
    return this.client.api;
  }

  constructor() {
    this.health.onNotice = (level, text) => this.notify(level, text);
  }

  /** The worker's API, for the state classes of other features (runs, export, import). */
  get worker() {
    return this.client.api;
  }

  get ready(): boolean {
    return this.backend !== null && this.dataset !== null && this.model !== null && !this.backendStarting && !this.landscape.computing;
  }

  /** Two input features and classes: the data the decision boundary can show. */
  get is2d(): boolean {
    const d = this.dataset;
    return d !== null && d.task === 'classification' && d.inputShape.length === 1 && d.inputShape[0] === 2;
  }

  notify(level: Notice['level'], text: string): void {
    this.notices = [...this.notices, { id: ++this.noticeId, level, text }];
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  /** Starts the engine, loads the default dataset (MNIST) and builds the classic model. */
  async start(): Promise<void> {
    await this.engine.start();
    await this.loadMnist();
    await this.buildModel();
    await this.engine.pickFastest();
  }

  async loadMnist(): Promise<void> {
    this.datasetLoading = 0;
    try {
      const { files, buffers } = await fetchIdxFiles('mnist', '', (pct) => (this.datasetLoading = pct));
      this.dataset = await this.client.api.loadIdxDataset(Comlink.transfer(files, buffers), MNIST_INFO);
    } catch (err) {
      this.notify('error', t.dataset.failed(errorMessage(err)));
    } finally {
      this.datasetLoading = null;
    }
  }

  /** Generates a seeded 2-D dataset, picks the playground MLP and its settings, and shows the class map. */
  async loadSynthetic(options: SyntheticOptions): Promise<void> {
    if (this.run.isActive) return;
    this.test = null;
    this.boundary.clear();
    this.landscape.clear();
    try {
      this.dataset = await this.client.api.loadSynthetic(options);
    } catch (err) {
      this.notify('error', t.dataset.failed(errorMessage(err)));
      return;
    }
    this.spec = playgroundMlp(this.dataset.numClasses);
    Object.assign(this.settings, PLAYGROUND_CONFIG);
    await this.buildModel();
  }

  /** Back to MNIST with the classic model and settings. */
  async loadClassicMnist(): Promise<void> {
    if (this.run.isActive) return;
    this.test = null;
    this.boundary.clear();
    this.landscape.clear();
    await this.loadMnist();
    this.spec = classicMlp();
    Object.assign(this.settings, DEFAULT_CONFIG);
    await this.buildModel();
  }

  async buildModel(): Promise<void> {
    try {
      this.model = await this.client.api.setModel($state.snapshot(this.spec) as ModelSpec, this.settings.seed);
    } catch (err) {
      this.model = null;
      this.notify('error', t.model.failed(errorMessage(err)));
    }
  }

  /**
   * Trains a fresh model, or the current weights (`fromCurrentWeights`: an imported or opened model), or
   * continues a stored run from its last checkpoint (`resume`). Every run is recorded in IndexedDB.
   * `tuning` records what Auto decided (absent for a hand-set run).
   */
  async train(options: { fromCurrentWeights?: boolean; resume?: RunRecord; tuning?: TuningRecord } = {}): Promise<void> {
    if (!this.ready || this.run.isActive || this.tune.isBusy) return;
    this.landscape.clear();
    await this.engine.beforeHeavyWork();
    try {
      for (const step of this.beforeTrain) await step();
    } catch (err) {
      this.notify('error', t.train.failed(errorMessage(err)));
      return;
    }
    this.test = null;
    const config: TrainConfig = { ...$state.snapshot(this.settings), ...(options.tuning ? { tuning: options.tuning } : {}) };
    this.run.reset(config);
    this.health.reset();
    if (options.resume) this.run.restore(options.resume, 'training');
    const parent = options.fromCurrentWeights ? this.currentRunId : null;
    const runId = options.resume?.id ?? newRunId();
    this.currentRunId = runId;
    const onEvent = Comlink.proxy((event: TrainEvent) => {
      this.run.apply(event);
      this.health.apply(event);
      if (event.kind === 'fallback') this.engine.onFallback(event);
    });
    try {
      const name = runName(this.dataset?.name ?? '', this.spec.name);
      const tuner = options.tuning ? tunerDecisions(options.tuning) : null;
      await this.client.api.train(config, onEvent, { runId, name, parent, tuner, fromCurrentWeights: options.fromCurrentWeights, resume: !!options.resume });
    } catch (err) {
      this.run.apply({ kind: 'error', message: errorMessage(err) });
      this.notify('error', t.train.failed(errorMessage(err)));
      return;
    } finally {
      this.engine.resumeMeasurementSoon();
    }
    await this.evaluateTest();
  }

  async stop(): Promise<void> {
    if (this.tune.isBusy) {
      this.tune.cancelRequested = true;
      await this.client.api.stop();
      return;
    }
    if (this.run.status !== 'training') return;
    this.run.status = 'stopping';
    await this.client.api.stop();
  }

  async evaluateTest(): Promise<void> {
    const dataset = this.dataset;
    if (!dataset) return;
    this.evaluating = true;
    try {
      const ev = await this.client.api.evaluateTest();
      const n = Math.min(GALLERY_COUNT, dataset.testCount);
      const indices = Array.from({ length: n }, (_, i) => i);
      const [galleryImages, labels] = await Promise.all([this.client.api.getImages('test', indices), this.client.api.getLabels('test')]);
      this.test = { ...ev, labels, galleryImages, galleryCount: n };
      if (this.currentRunId) {
        const saved = await this.client.api.recordTest(this.currentRunId, { loss: ev.loss, accuracy: ev.accuracy, count: ev.count });
        if (!saved) this.notify('warning', t.deploy.runs.testNotSaved);
      }
    } catch (err) {
      this.notify('error', errorMessage(err));
    } finally {
      this.evaluating = false;
    }
  }

  async exportModel(): Promise<void> {
    this.exporting = true;
    try {
      const files = await this.client.api.exportModel();
      downloadFile('model.json', files.modelJson, 'application/json');
      downloadFile(files.weightsFileName, files.weights);
      this.notify('info', t.results.exported(`model.json, ${files.weightsFileName}`));
    } catch (err) {
      this.notify('error', t.results.exportFailed(errorMessage(err)));
    } finally {
      this.exporting = false;
    }
  }
}

export const app = new AppState();
