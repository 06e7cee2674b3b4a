import * as Comlink from 'comlink';
import type { BackendName, BackendSpeed } from '../engine/backend';
import { is2dClassification } from '../engine/data/dataset';
import { toEngineMessage, type EngineMessage } from '../engine/errors';
import type { ModelSpec, ModelSummary } from '../engine/models/spec';
import type { RunRecord } from '../engine/runs/record';
import { canExport, EMPTY_SNAPSHOT, evaluationIsStale, type DatasetSummary, type EvaluationState, type SessionSnapshot } from '../engine/session/snapshot';
import { DEFAULT_CONFIG, type TrainConfig, type TuningRecord } from '../engine/train/config';
import type { TrainEvent } from '../engine/train/events';
import type { AutoEvent } from '../engine/tune/events';
import { t } from '../i18n';
import { describe } from '../i18n/engine-text';
import { downloadFile } from '../io/download';
import { TrainerClient } from '../worker/client';
import { cacheEngineFiles } from '../io/isolation';
import { requestPersistentStorage } from '../io/storage';
import { BackendCommands } from './backend-commands.svelte';
import { BackendComparison } from './backend-comparison.svelte';
import { BoundaryState } from './boundary.svelte';
import { errorMessage } from './errors';
import { HealthState } from './health.svelte';
import { LandscapeState } from './landscape.svelte';
import { configRunName, newRunId } from './run-names';
import { RunState } from './run.svelte';
import { TuneCommands } from './tune-commands.svelte';
import { TuneState } from './tune.svelte';

export interface BackendInfo {
  name: BackendName;
  /** Why this backend runs: the engine's choice (a code), or the page's own reason (a measurement, the cache, a take-over mid-run) already in words. */
  reason: EngineMessage | string | (() => string);
  /** Backends skipped or failed on the way (codes the page words). */
  notices: EngineMessage[];
  /** Backends that failed or hung while starting (a subset of `notices`). */
  failures: EngineMessage[];
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

/** A load the user replaced by a later choice ends with this: nothing to tell. */
function isSuperseded(err: unknown): boolean {
  return toEngineMessage(err).code === 'session.superseded';
}

export interface Notice {
  id: number;
  level: 'info' | 'warning' | 'error';
  /** The words, said again in the page's language whenever it is shown (a switch re-words open notices). */
  text: () => string;
}

/**
 * The page's state. The worker owns the session (dataset, model, run, evaluation, what it is busy with): the
 * page keeps its latest snapshot in `session` and derives the rest from it. Besides, the page holds what is
 * its own: the forms (`settings`), the live curves of the run (`run`), the tuner's curves (`tune`), notices.
 */
export class AppState {
  /** The worker's session as last reported (the one source of what is loaded, trained and evaluated). */
  session = $state.raw<SessionSnapshot>(EMPTY_SNAPSHOT);
  backend = $state.raw<BackendInfo | null>(null);
  backendStarting = $state(false);
  /** The automatic choice's measurement, beside the trainer. */
  readonly comparison = new BackendComparison();
  /** The engine commands (start, automatic choice, numerics check, fallback), on the state above. */
  readonly engine = new BackendCommands(this);
  forcedBackend = $state<BackendName | 'auto'>('auto');
  /** Download progress of a built-in dataset (percent), while the page fetches it. */
  datasetLoading = $state<number | null>(null);
  /**
   * Loads the page has started and not finished (the data state counts them): from the pick until the editor has
   * planned its model for the new data. The worker's snapshot says it is loading only once the command arrives, and
   * is done before the page's plan: Train and the experiment link wait for both.
   */
  pageLoads = $state(0);
  /** The hyper-parameter form: what the next run (or Auto) starts from. */
  settings = $state<TrainConfig>({ ...DEFAULT_CONFIG });
  exporting = $state(false);
  notices = $state<Notice[]>([]);
  readonly run = new RunState();
  readonly tune = new TuneState();
  /** The tuner's commands (range test, batch finder, Auto), on the state above. */
  readonly tuner = new TuneCommands(this);
  readonly health = new HealthState();
  readonly boundary = new BoundaryState(() => this.client.api);
  readonly landscape = new LandscapeState(() => this.client.api);
  private readonly client = new TrainerClient();
  private noticeId = 0;

  constructor() {
    this.health.onNotice = (level, text) => this.notify(level, text);
  }

  /** The worker's API (namespaces: data, model, train, tune, views, deploy, bench). */
  get api() {
    return this.client.api;
  }

  // ---- Derived from the session ----

  get dataset(): DatasetSummary | null {
    return this.session.dataset;
  }

  /** The model the next run builds (what the layer editor chose), when it fits the data. */
  get model(): ModelSummary | null {
    return this.session.plan?.summary ?? null;
  }

  get spec(): ModelSpec | null {
    return this.session.plan?.spec ?? null;
  }

  /** The evaluation on screen (it may belong to the previous run while a new one trains). */
  get test(): EvaluationState | null {
    return this.session.evaluation;
  }

  /** True while the results shown belong to earlier weights than the session now holds. */
  get testIsStale(): boolean {
    return evaluationIsStale(this.session);
  }

  /** Export is offered only for the weights whose results are on screen. */
  get canExport(): boolean {
    return canExport(this.session) && !this.run.isActive;
  }

  get evaluating(): boolean {
    return this.session.busy === 'evaluating';
  }

  /** The stored run the held model belongs to (null for a model not trained here). */
  get currentRunId(): string | null {
    return this.session.model?.runId ?? null;
  }

  /** Hyper-parameters cannot change while the tuner or a run uses them. */
  get settingsLocked(): boolean {
    return this.session.busy === 'tuning' || this.session.busy === 'training';
  }

  get ready(): boolean {
    const s = this.session;
    return this.backend !== null && s.dataset !== null && s.plan !== null && s.loading === null && s.busy === null && this.pageLoads === 0 && !this.backendStarting && !s.arrival?.failed;
  }

  /** Two input features and classes: the data the decision boundary can show. */
  get is2d(): boolean {
    return is2dClassification(this.session.dataset);
  }

  // ---- Notices ----

  notify(level: Notice['level'], text: string | (() => string)): void {
    this.notices = [...this.notices, { id: ++this.noticeId, level, text: typeof text === 'string' ? () => text : text }];
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  /** Shows an error as a notice, unless it only says that a later choice replaced this one. */
  fail(err: unknown, wrap: (message: string) => string = (m) => m): void {
    if (!isSuperseded(err)) this.notify('error', () => wrap(errorMessage(err)));
  }

  // ---- Commands ----

  /** Starts the worker and warms the WASM binary's cache before the page mounts (main.ts, on the Train view). */
  prestartEngine(): void {
    this.client.prestart();
  }

  /**
   * Resolves once the first dataset is in whole (or its download failed), at the latest after `capMs`. main.ts
   * registers the service worker then: on a first visit its install would otherwise share the network with the
   * engine and the data, and, taking control mid-load, take over the dataset's download.
   */
  async firstLoadSettled(capMs: number): Promise<void> {
    const until = Date.now() + capMs;
    while (Date.now() < until) {
      const s = this.session;
      const a = s.arrival;
      if (s.dataset !== null && s.loading === null && this.pageLoads === 0 && (!a || a.complete || a.failed)) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** What the engine's first start loads (App sets it: the data picker's choice). */
  initialLoad: () => Promise<void> = async () => {};
  private started: Promise<void> | null = null;
  private engineStart: Promise<void> | null = null;

  /** Resolves once the engine's first start (the backend) has ended, so a model can be built. */
  engineReady(): Promise<void> {
    return this.engineStart ?? Promise.resolve();
  }

  /**
   * Starts the engine once and mirrors the worker's session, then `initialLoad` loads the data and model. The
   * Train view starts it when first shown, and so does any command that needs the engine (opening a stored run):
   * the Lab and the Runs list alone start no worker and load no TF.js. Later calls wait for the same start.
   */
  start(): Promise<void> {
    this.started ??= (async () => {
      // The data starts arriving while the worker and the backend start; a load waits for the backend before it
      // fits the model.
      const subscribed = this.client.api.session.subscribe(Comlink.proxy((s: SessionSnapshot) => this.mirror(s)));
      this.engineStart = subscribed.then(() => this.engine.start());
      await Promise.all([this.engineStart, this.initialLoad()]);
      await this.engine.pickFastest(false, { deferMeasurement: true });
      // Offline, the Train view needs the engine's files: the service worker keeps them from now on.
      void cacheEngineFiles().catch(() => {});
    })();
    return this.started;
  }

  /**
   * Catches the mirror up with the worker. Snapshots are pushed through their own message channel, which is not
   * ordered with the replies to commands: after a command whose result the next step reads from the session (a
   * dataset the editor fits its model to), the page asks for the current snapshot on the command channel.
   */
  async sync(): Promise<void> {
    this.mirror(await this.client.api.session.current());
  }

  /**
   * Takes a snapshot from the worker. Parts that did not change keep their objects (each snapshot arrives as a
   * fresh copy), so views keyed on them (the dataset card, the evaluation views) do not reload.
   */
  private mirror(next: SessionSnapshot): void {
    const prev = this.session;
    if (next.seq < prev.seq) return;
    const datasetChanged = next.datasetVersion !== prev.datasetVersion;
    const s: SessionSnapshot = {
      ...next,
      dataset: datasetChanged ? next.dataset : prev.dataset,
      evaluation: next.evaluation && prev.evaluation?.id === next.evaluation.id ? prev.evaluation : next.evaluation,
    };
    this.session = s;
    for (const notice of s.notices) this.notify('warning', () => describe(notice as EngineMessage));
    // New data: the views of the old data go, and 2-D data brings its points.
    if (datasetChanged) {
      this.boundary.clear();
      this.landscape.clear();
      if (this.is2d) void this.boundary.loadPoints();
    }
  }

  /** Sends the layer editor's model to the worker: the plan of the next run. */
  async setPlan(spec: ModelSpec): Promise<boolean> {
    try {
      await this.client.api.model.setPlan({ spec, seed: this.settings.seed });
      await this.sync();
      return true;
    } catch (err) {
      this.fail(err, t.model.failed);
      return false;
    }
  }

  /**
   * Trains a fresh model, or the held weights (`fromCurrentWeights`: an imported or opened model), or continues a
   * stored run from its last checkpoint (`resume`). Every run is recorded in IndexedDB and evaluated at its end.
   */
  async train(options: { fromCurrentWeights?: boolean; resume?: RunRecord } = {}): Promise<void> {
    if (!this.ready || this.run.isActive) return;
    await this.beforeWork();
    const config: TrainConfig = $state.snapshot(this.settings);
    this.startRunView(config);
    if (options.resume) this.run.restore(options.resume, 'training');
    const parent = options.fromCurrentWeights ? this.currentRunId : null;
    const runId = options.resume?.id ?? newRunId();
    const onEvent = Comlink.proxy((event: TrainEvent) => this.applyTrainEvent(event));
    // The run is stored in this browser as it goes: ask that the browser keep it (once per page).
    void requestPersistentStorage();
    try {
      const name = configRunName(config);
      const out = await this.client.api.train.run({ config, run: { runId, name, parent, fromCurrentWeights: options.fromCurrentWeights, resume: !!options.resume } }, onEvent);
      if (!out.testSaved) this.notify('warning', () => t.deploy.runs.testNotSaved);
    } catch (err) {
      this.runFailed(err);
    } finally {
      await this.sync().catch(() => {});
      this.engine.resumeMeasurementSoon();
    }
  }

  /** Auto in one worker call: its tuning events fill the tuning panel, then its run's events the training card. */
  async auto(): Promise<void> {
    if (!this.ready || this.run.isActive) return;
    await this.beforeWork();
    const config: TrainConfig = $state.snapshot(this.settings);
    this.tune.begin();
    const runId = newRunId();
    void requestPersistentStorage();
    const onEvent = Comlink.proxy((event: AutoEvent) => {
      if (event.kind.startsWith('tune-')) this.tuner.apply(event as Extract<AutoEvent, { kind: `tune-${string}` }>);
      else this.applyTrainEvent(event as TrainEvent);
    });
    try {
      const name = configRunName(config);
      const out = await this.client.api.tune.auto({ config, run: { runId, name, parent: null } }, onEvent);
      if (out && !out.testSaved) this.notify('warning', () => t.deploy.runs.testNotSaved);
      this.tune.stage = out && this.run.status === 'done' ? 'done' : 'cancelled';
    } catch (err) {
      this.tune.stage = 'error';
      if (this.run.isActive) this.runFailed(err);
      else this.fail(err);
    } finally {
      await this.sync().catch(() => {});
      this.engine.resumeMeasurementSoon();
    }
  }

  /** The live view of a new run: curves and health start empty. */
  startRunView(config: TrainConfig | null, tuning?: TuningRecord): void {
    this.run.reset(config && tuning ? { ...config, tuning } : config);
    this.health.reset();
    this.landscape.clear();
  }

  applyTrainEvent(event: TrainEvent): void {
    this.run.apply(event);
    this.health.apply(event);
    if (event.kind === 'fallback') this.engine.onFallback(event);
  }

  private runFailed(err: unknown): void {
    this.run.apply({ kind: 'error', message: toEngineMessage(err) });
    this.fail(err, t.train.failed);
  }

  /** Training or tuning is about to start: a background backend measurement gives way. */
  async beforeWork(): Promise<void> {
    await this.engine.beforeHeavyWork();
  }

  async stop(): Promise<void> {
    if (this.session.busy === 'tuning') this.tune.cancelRequested = true;
    else if (this.run.status === 'training') this.run.status = 'stopping';
    else return;
    await this.client.api.train.stop();
  }

  /** Evaluates the held model (after opening or importing one); the snapshot brings the result. */
  async evaluateTest(): Promise<void> {
    try {
      const saved = await this.client.api.train.evaluate();
      await this.sync();
      if (!saved) this.notify('warning', () => t.deploy.runs.testNotSaved);
    } catch (err) {
      this.fail(err);
    }
  }

  /** Downloads model.json and the weights of the held model: the one whose results are on screen. */
  async exportModel(): Promise<void> {
    if (!this.canExport) return;
    this.exporting = true;
    try {
      const files = await this.client.api.deploy.exportFiles({ source: { kind: 'session' }, dtype: null });
      downloadFile('model.json', files.modelJson, 'application/json');
      downloadFile(files.weightsFileName, files.weights);
      this.notify('info', () => t.results.exported(`model.json, ${files.weightsFileName}`));
    } catch (err) {
      this.fail(err, t.results.exportFailed);
    } finally {
      this.exporting = false;
    }
  }
}

export const app = new AppState();
