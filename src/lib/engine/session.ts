import * as tf from '@tensorflow/tfjs';
import { SessionTools } from './session-tools';
import { contentChecksum, filesChecksum } from './data/checksum';
import { classCounts, featureSize, type Dataset } from './data/dataset';
import { describeDataset } from './data/describe';
import { IDX_FILE_NAMES, loadIdxDataset, type IdxDatasetInfo, type IdxFiles } from './data/mnist';
import { generateSynthetic, type SyntheticOptions } from './data/synthetic';
import type { Preprocessing } from './data/preprocessing';
import { datasetPreview, targetHistogram, type DatasetPreview, type Histogram } from './data/preview';
import { readModelUpload, type UploadedFile } from './export/import';
import { saveLayersModel, type LayersModelFiles } from './export/layers-format';
import { loadForDataset, measureQuantization, specFromModel } from './export/model-io';
import { dataDomain, predictGrid, type DecisionGrid } from './boundary/decision-grid';
import { computeLandscape, type LandscapeOptions, type LandscapeResult } from './landscape/run';
import { TrajectoryRecorder } from './landscape/trajectory';
import { buildModel, checkOutputFits, summarize } from './models/build';
import { checkModelFits, lossProblem } from './models/fit';
import { ModelSpecError, type ModelSpec, type ModelSummary } from './models/spec';
import { validateConfig, type TrainConfig } from './train/config';
import { evaluate, type Evaluation } from './train/evaluate';
import { evaluationReport, type EvaluationReport } from './train/report';
import type { TrainEventListener } from './train/events';
import { defaultLoss, type LossName } from './train/losses';
import { Trainer, type TrainResult } from './train/loop';
import { mergeHooks, type EpochContext, type TrainerHooks } from './train/hooks';
import { scheduleHooks } from './train/schedules';
import { MonitoredRun, type RunOptions } from './runs/monitored-run';
import type { RunRecorder } from './runs/recorder';
import type { DatasetChecksum, DatasetInfo, ModelCard, QuantizeDtype } from './runs/record';

/** What the dataset card shows. */
export interface DatasetSummary {
  id: string;
  name: string;
  source: string;
  trainCount: number;
  testCount: number;
  inputShape: number[];
  numClasses: number;
  classNames: string[];
  trainClassCounts: number[];
  task: Dataset['task'];
  /** The first training images (uint8, row-major; empty for non-image data) and their labels or targets. */
  sampleImages: Uint8Array;
  sampleLabels: number[];
  /** Image grid, table with column statistics, or scatter plot. */
  preview: DatasetPreview;
  testClassCounts: number[];
  /** Regression: histogram of the training targets (original units). */
  targetHistogram?: Histogram;
  /** Tables: how columns became features, with training-split statistics. */
  preprocessing?: Preprocessing;
}

const SAMPLE_COUNT = 32;

/** What an imported model turned out to be, for the page's import card. */
export interface ImportSummary {
  card: ModelCard | null;
  notes: string[];
  /** The model's layers when it fits the loaded dataset (it is then the current model), else null. */
  model: ModelSummary | null;
  spec: ModelSpec;
  /** Why it cannot be evaluated or trained on the loaded data, when it cannot. */
  mismatch: string | null;
}

/**
 * The engine's state in one place: the loaded dataset, the model and the run in progress.
 * Plain TypeScript without DOM; the worker wraps it, and unit tests drive it directly.
 */
export class Session {
  private dataset?: Dataset;
  private spec?: ModelSpec;
  private model?: tf.Sequential;
  private trainer?: Trainer;
  /** Tuning and measuring on the session's data and model (learning-rate test, batch finder, benchmarks). */
  readonly tools = new SessionTools(this);
  /** A copy of the last test evaluation (the worker transfers the original's buffers away). */
  private lastTest?: Evaluation;
  /** Checksums of datasets loaded from files, taken from the bytes as loaded. */
  private readonly checksums = new WeakMap<Dataset, DatasetChecksum>();
  private lastRecorder: RunRecorder | null = null;
  /** Weights at the start and at each epoch's end of the last run (for the loss landscape's path). */
  private trajectory?: TrajectoryRecorder;
  private lossName?: LossName;
  private landscapeBusy = false;
  private landscapeStop = false;

  async loadIdxDataset(files: IdxFiles, info: IdxDatasetInfo): Promise<DatasetSummary> {
    const keys = Object.keys(IDX_FILE_NAMES) as (keyof IdxFiles)[];
    const checksum = await filesChecksum(keys.map((k) => ({ name: IDX_FILE_NAMES[k], bytes: files[k] })));
    const summary = this.setDataset(await loadIdxDataset(files, info));
    this.checksums.set(this.dataset!, checksum);
    return summary;
  }

  /** The loaded dataset as model cards describe it, with its checksum (of the files, else of the parsed data). */
  async describeData(): Promise<DatasetInfo> {
    const dataset = this.requireDataset();
    let checksum = this.checksums.get(dataset);
    if (!checksum) {
      checksum = await contentChecksum(dataset);
      this.checksums.set(dataset, checksum);
    }
    return describeDataset(dataset, checksum);
  }

  loadSynthetic(options: SyntheticOptions): DatasetSummary {
    return this.setDataset(generateSynthetic(options));
  }

  /** Makes `dataset` the current one (every loader ends here) and describes it for the dataset card. */
  setDataset(dataset: Dataset): DatasetSummary {
    this.dataset = dataset;
    this.lastTest = undefined;
    const size = featureSize(dataset.inputShape);
    const n = Math.min(SAMPLE_COUNT, dataset.train.count);
    return {
      id: dataset.id,
      name: dataset.name,
      source: dataset.source,
      trainCount: dataset.train.count,
      testCount: dataset.test.count,
      inputShape: dataset.inputShape,
      numClasses: dataset.numClasses,
      classNames: dataset.classNames,
      trainClassCounts: dataset.task === 'classification' ? classCounts(dataset.train, dataset.numClasses) : [],
      task: dataset.task,
      sampleImages: dataset.train.x instanceof Uint8Array ? Uint8Array.from(dataset.train.x.subarray(0, n * size)) : new Uint8Array(0),
      sampleLabels: Array.from(dataset.train.y.subarray(0, n)),
      preview: datasetPreview(dataset, SAMPLE_COUNT),
      testClassCounts: dataset.task === 'classification' ? classCounts(dataset.test, dataset.numClasses) : [],
      targetHistogram: targetHistogram(dataset),
      preprocessing: dataset.preprocessing,
    };
  }

  /** Builds (and keeps) a fresh model from `spec`; throws ModelSpecError when it does not fit the data. */
  setModel(spec: ModelSpec, seed: number): ModelSummary {
    const dataset = this.requireDataset();
    const fit = checkModelFits(spec.layers, dataset);
    if (fit.error) throw new ModelSpecError(fit.error.message);
    const model = buildModel(spec, dataset.inputShape, seed);
    try {
      checkOutputFits(model, dataset.numClasses);
    } catch (err) {
      model.dispose();
      throw err;
    }
    this.model?.dispose();
    this.model = model;
    this.spec = spec;
    this.trajectory = undefined;
    return summarize(model, dataset.inputShape);
  }

  /**
   * Trains a fresh model (initialised from `config.seed`) and keeps it, also when stopped early. With
   * `options.fromCurrentWeights` or `options.resume` it trains the current model's weights instead; with
   * `options.record` the run is recorded and checkpointed every epoch.
   */
  async train(config: TrainConfig, onEvent: TrainEventListener, options: RunOptions = {}): Promise<TrainResult> {
    const dataset = this.requireDataset();
    if (!this.spec) throw new Error('Choose a model before training.');
    if (this.trainer || this.tools.isBusy) throw new Error('A run is already in progress.');
    if (this.landscapeBusy) throw new Error('A loss landscape is being computed; cancel it first.');
    const errors = validateConfig(config, dataset.train.count);
    if (errors.length) throw new Error(`Invalid settings: ${errors.join('; ')}.`);
    const lossError = lossProblem(config.loss, dataset.task);
    if (lossError) throw new Error(lossError);
    if (!options.fromCurrentWeights && !options.resume) this.setModel(this.spec, config.seed);
    const model = this.requireModel();
    this.lossName = config.loss ?? defaultLoss(dataset.task);
    // Weights at the start and at each epoch's end: the path drawn on the loss landscape.
    const trajectory = new TrajectoryRecorder();
    this.trajectory = trajectory;
    await trajectory.record(model, 0);
    const run = await MonitoredRun.create(model, this.spec, config, onEvent, options, () => this.describeData());
    this.lastRecorder = run.recorder;
    const schedule = scheduleHooks(config.schedule ?? { kind: 'constant' }, config.learningRate, config.epochs);
    const path = { onEpochEnd: (ctx: EpochContext) => trajectory.record(ctx.model, ctx.step) };
    const hooks = mergeHooks(schedule, run.hooks, path, options.hooks ?? {});
    const trainer = new Trainer(model, dataset, config, hooks, MonitoredRun.resumePoint(options));
    run.onStop(() => trainer.stop());
    this.trainer = trainer;
    try {
      return await run.track(trainer.run(run.listener));
    } finally {
      trainer.dispose();
      run.dispose();
      this.trainer = undefined;
    }
  }

  /**
   * Makes stored or imported weights the current model (checked against the loaded data). `spec` describes
   * them; without one it is read from the model's layers.
   */
  async loadModelFiles(files: LayersModelFiles, spec?: ModelSpec): Promise<ModelSummary> {
    const dataset = this.requireDataset();
    if (this.trainer) throw new Error('A run is in progress: stop it first.');
    const loaded = await loadForDataset(files, dataset);
    if (!(loaded instanceof tf.Sequential)) {
      loaded.dispose();
      throw new Error('Only sequential models (one layer after another) can be trained here.');
    }
    this.model?.dispose();
    this.model = loaded;
    this.spec = spec ?? specFromModel(loaded, 'Imported model').spec;
    return summarize(loaded, dataset.inputShape);
  }

  /** Validates uploaded files (a bundle .zip, or model.json + weights) and, when it fits the data, makes it the current model. */
  async importModel(uploaded: UploadedFile[]): Promise<ImportSummary> {
    const imported = readModelUpload(uploaded);
    const probe = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: JSON.parse(imported.files.modelJson).modelTopology })).catch((err: Error) => {
      throw new Error(`model.json passed the checks but TF.js cannot build it: ${err.message}`);
    });
    const derived = specFromModel(probe, imported.card?.name ?? 'Imported model');
    probe.dispose();
    const spec = imported.card?.model ?? derived.spec;
    const notes = [...imported.notes];
    if (derived.unsupported.length) notes.push(`Layers Descent cannot rebuild (train.py will not either): ${derived.unsupported.join(', ')}.`);
    try {
      const model = await this.loadModelFiles(imported.files, spec);
      return { card: imported.card, notes, model, spec, mismatch: null };
    } catch (err) {
      return { card: imported.card, notes, model: null, spec, mismatch: (err as Error).message };
    }
  }

  /** The recorder of the last recorded run (its record is live), to add test metrics or retry a failed save. */
  get lastRun(): RunRecorder | null {
    return this.lastRecorder;
  }

  /** The spec of the current model. */
  get currentSpec(): ModelSpec | undefined {
    return this.spec;
  }

  /** Quantises the current model's weights and measures size and test accuracy before and after. */
  async measureQuantization(files: LayersModelFiles, dtype: QuantizeDtype) {
    const dataset = this.requireDataset();
    let fits: Dataset | null = dataset;
    try {
      (await loadForDataset(files, dataset)).dispose();
    } catch {
      fits = null;
    }
    return measureQuantization(files, dtype, fits);
  }

  stop(): void {
    this.trainer?.stop();
    this.tools.stop();
  }

  get isTraining(): boolean {
    return this.trainer !== undefined;
  }

  async evaluateTest(): Promise<Evaluation> {
    const dataset = this.requireDataset();
    const ev = await evaluate(this.requireModel(), dataset, dataset.test);
    this.lastTest = { ...ev, predicted: ev.predicted.slice(), confidence: ev.confidence.slice() };
    return ev;
  }

  /** Confusion matrix and per-class scores, or R²/RMSE, of the last test evaluation. */
  testReport(): EvaluationReport {
    if (!this.lastTest) throw new Error('Evaluate the model on the test set first.');
    return evaluationReport(this.requireDataset(), this.lastTest);
  }

  /** The original text of test rows (tables), the feature values of other non-image data, or [] for images. */
  getTestRowText(indices: number[]): string[] {
    const dataset = this.requireDataset();
    if (dataset.testRowText) return indices.map((i) => dataset.testRowText![i] ?? '');
    const { x } = dataset.test;
    if (x instanceof Uint8Array) return [];
    const width = featureSize(dataset.inputShape);
    return indices.map((i) => Array.from(x.subarray(i * width, (i + 1) * width), (v) => +v.toPrecision(4)).join(', '));
  }

  /** Raw uint8 pixels of the examples at `indices`, concatenated. */
  getImages(split: 'train' | 'test', indices: number[]): Uint8Array {
    const dataset = this.requireDataset();
    const size = featureSize(dataset.inputShape);
    const source = dataset[split].x;
    const out = new Uint8Array(indices.length * size);
    indices.forEach((row, j) => out.set(source.subarray(row * size, (row + 1) * size), j * size));
    return out;
  }

  /** A copy of all class labels of a split. */
  getLabels(split: 'train' | 'test'): Uint8Array {
    return Uint8Array.from(this.requireDataset()[split].y);
  }

  /** True for data the decision boundary can show: two input features and classes. */
  get is2dClassification(): boolean {
    const d = this.dataset;
    return d !== undefined && d.task === 'classification' && d.inputShape.length === 1 && d.inputShape[0] === 2;
  }

  /** The model's class map on a `size × size` grid over the training data's plane (2-D data only). */
  async predictGrid(size: number): Promise<DecisionGrid> {
    const dataset = this.requireDataset();
    if (!this.is2dClassification) throw new Error('The decision boundary needs data with two input features and classes.');
    return predictGrid(this.requireModel(), dataDomain(dataset.train, 2), size);
  }

  /** The training points of 2-D data: features (x₁, x₂ interleaved) and class labels. */
  getPoints(): { x: Float32Array; labels: Uint8Array } {
    const dataset = this.requireDataset();
    if (!this.is2dClassification) throw new Error('Only data with two input features has points to plot.');
    return { x: Float32Array.from(dataset.train.x), labels: Uint8Array.from(dataset.train.y) };
  }

  /**
   * A 2-D slice of the loss around the current weights (see `computeLandscape`), with the last run's
   * path on it. Not while training; `cancelLandscape()` ends it early (then it returns null).
   */
  async computeLandscape(options: LandscapeOptions, onProgress: (fraction: number) => void): Promise<LandscapeResult | null> {
    const dataset = this.requireDataset();
    const model = this.requireModel();
    if (this.trainer) throw new Error('Stop the run first: computing the landscape moves the weights.');
    if (this.landscapeBusy) throw new Error('A loss landscape is already being computed.');
    this.landscapeBusy = true;
    this.landscapeStop = false;
    try {
      return await computeLandscape(model, dataset, this.lossName ?? defaultLoss(dataset.task), this.trajectory?.snapshots ?? [], options, onProgress, () => this.landscapeStop);
    } finally {
      this.landscapeBusy = false;
    }
  }

  cancelLandscape(): void {
    this.landscapeStop = true;
  }

  async exportModel(): Promise<LayersModelFiles> {
    return saveLayersModel(this.requireModel());
  }

  /** The model being trained or last trained (for tests and evaluation). */
  get currentModel(): tf.LayersModel | undefined {
    return this.model;
  }

  /** The loaded dataset; throws when there is none. */
  get activeDataset(): Dataset {
    return this.requireDataset();
  }

  private requireDataset(): Dataset {
    if (!this.dataset) throw new Error('Load a dataset first.');
    return this.dataset;
  }

  private requireModel(): tf.LayersModel {
    if (!this.model) throw new Error('There is no model yet: choose one and train it.');
    return this.model;
  }
}
