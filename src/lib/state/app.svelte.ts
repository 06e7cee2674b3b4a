import * as Comlink from 'comlink';
import type { BackendName } from '../engine/backend';
import { IDX_FILE_NAMES, MNIST_INFO, type IdxFiles } from '../engine/data/mnist';
import { classicMlp, type ModelSpec, type ModelSummary } from '../engine/models/spec';
import type { SyntheticOptions } from '../engine/data/synthetic';
import { PLAYGROUND_CONFIG, playgroundMlp } from '../engine/models/playground';
import type { DatasetSummary } from '../engine/session';
import { DEFAULT_CONFIG, type TrainConfig } from '../engine/train/config';
import type { TrainEvent } from '../engine/train/events';
import { t } from '../i18n';
import { downloadFile } from '../io/download';
import { fetchBytes } from '../io/fetch-files';
import { TrainerClient } from '../worker/client';
import { BoundaryState } from './boundary.svelte';
import { LandscapeState } from './landscape.svelte';
import { RunState } from './run.svelte';

export interface BackendInfo {
  name: BackendName;
  reason: string;
  notices: string[];
  detail: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
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

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The page's state and the commands the UI sends to the engine. */
export class AppState {
  backend = $state.raw<BackendInfo | null>(null);
  backendStarting = $state(false);
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
  readonly boundary = new BoundaryState(() => this.client.api);
  readonly landscape = new LandscapeState(() => this.client.api);
  private readonly client = new TrainerClient();
  private noticeId = 0;

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
    await this.startBackend();
    await this.loadMnist();
    this.buildModel();
  }

  async startBackend(): Promise<void> {
    this.backendStarting = true;
    try {
      const forced = this.forcedBackend === 'auto' ? undefined : this.forcedBackend;
      const info = await this.client.api.init(forced);
      this.backend = info;
      if (forced && info.name !== forced) this.notify('warning', `${info.notices.join('; ')}. ${t.backend.fellBack(t.backend.names[info.name])}`);
    } catch (err) {
      this.notify('error', t.backend.failed(errorMessage(err)));
    } finally {
      this.backendStarting = false;
    }
  }

  async chooseBackend(choice: BackendName | 'auto'): Promise<void> {
    if (this.run.isActive) return;
    this.forcedBackend = choice;
    await this.startBackend();
  }

  async loadMnist(): Promise<void> {
    this.datasetLoading = 0;
    try {
      const keys = Object.keys(IDX_FILE_NAMES) as (keyof IdxFiles)[];
      const received = new Map<string, [number, number]>();
      const buffers = await Promise.all(
        keys.map((key) =>
          fetchBytes(`data/mnist/${IDX_FILE_NAMES[key]}`, (got, total) => {
            received.set(key, [got, total]);
            const [a, b] = [...received.values()].reduce(([x, y], [g, tt]) => [x + g, y + tt], [0, 0]);
            this.datasetLoading = b > 0 ? Math.round((100 * a) / b) : 0;
          }),
        ),
      );
      const files = Object.fromEntries(keys.map((k, i) => [k, buffers[i]])) as unknown as IdxFiles;
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

  async train(): Promise<void> {
    if (!this.ready || this.run.isActive) return;
    this.test = null;
    this.landscape.clear();
    this.run.reset();
    const onEvent = Comlink.proxy((event: TrainEvent) => this.run.apply(event));
    try {
      await this.client.api.train($state.snapshot(this.settings), onEvent);
    } catch (err) {
      this.run.apply({ kind: 'error', message: errorMessage(err) });
      this.notify('error', t.train.failed(errorMessage(err)));
      return;
    }
    await this.evaluateTest();
  }

  async stop(): Promise<void> {
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
