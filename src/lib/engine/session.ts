import * as tf from '@tensorflow/tfjs';
import { classCounts, featureSize, type Dataset } from './data/dataset';
import { loadIdxDataset, type IdxDatasetInfo, type IdxFiles } from './data/mnist';
import { generateSynthetic, type SyntheticOptions } from './data/synthetic';
import { dataDomain, predictGrid, type DecisionGrid } from './boundary/decision-grid';
import { saveLayersModel, type LayersModelFiles } from './export/layers-format';
import { computeLandscape, type LandscapeOptions, type LandscapeResult } from './landscape/run';
import { TrajectoryRecorder } from './landscape/trajectory';
import { buildModel, checkOutputFits, summarize } from './models/build';
import type { ModelSpec, ModelSummary } from './models/spec';
import { validateConfig, type TrainConfig } from './train/config';
import { evaluate, type Evaluation } from './train/evaluate';
import type { TrainEventListener } from './train/events';
import { defaultLoss, type LossName } from './train/losses';
import { Trainer, type TrainResult } from './train/loop';

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
}

const SAMPLE_COUNT = 32;

/**
 * The engine's state in one place: the loaded dataset, the model and the run in progress.
 * Plain TypeScript without DOM; the worker wraps it, and unit tests drive it directly.
 */
export class Session {
  private dataset?: Dataset;
  private spec?: ModelSpec;
  private model?: tf.Sequential;
  private trainer?: Trainer;
  /** Weights at the start and at each epoch's end of the last run (for the loss landscape's path). */
  private trajectory?: TrajectoryRecorder;
  private lossName?: LossName;
  private landscapeBusy = false;
  private landscapeStop = false;

  async loadIdxDataset(files: IdxFiles, info: IdxDatasetInfo): Promise<DatasetSummary> {
    return this.setDataset(await loadIdxDataset(files, info));
  }

  loadSynthetic(options: SyntheticOptions): DatasetSummary {
    return this.setDataset(generateSynthetic(options));
  }

  /** Makes `dataset` the current one (every loader ends here) and describes it for the dataset card. */
  setDataset(dataset: Dataset): DatasetSummary {
    this.dataset = dataset;
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
    };
  }

  /** Builds (and keeps) a fresh model from `spec`; throws ModelSpecError when it does not fit the data. */
  setModel(spec: ModelSpec, seed: number): ModelSummary {
    const dataset = this.requireDataset();
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

  /** Trains a fresh model (initialised from `config.seed`) and keeps it, also when stopped early. */
  async train(config: TrainConfig, onEvent: TrainEventListener): Promise<TrainResult> {
    const dataset = this.requireDataset();
    if (!this.spec) throw new Error('Choose a model before training.');
    if (this.trainer) throw new Error('A run is already in progress.');
    if (this.landscapeBusy) throw new Error('A loss landscape is being computed; cancel it first.');
    const errors = validateConfig(config, dataset.train.count);
    if (errors.length) throw new Error(`Invalid settings: ${errors.join('; ')}.`);
    this.setModel(this.spec, config.seed);
    this.lossName = config.loss ?? defaultLoss(dataset.task);
    const recorder = new TrajectoryRecorder();
    this.trajectory = recorder;
    await recorder.record(this.model!, 0);
    const trainer = new Trainer(this.model!, dataset, config, { onEpochEnd: (ctx) => recorder.record(ctx.model, ctx.step) });
    this.trainer = trainer;
    try {
      return await trainer.run(onEvent);
    } finally {
      trainer.dispose();
      this.trainer = undefined;
    }
  }

  stop(): void {
    this.trainer?.stop();
  }

  get isTraining(): boolean {
    return this.trainer !== undefined;
  }

  async evaluateTest(): Promise<Evaluation> {
    const dataset = this.requireDataset();
    return evaluate(this.requireModel(), dataset, dataset.test);
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

  private requireDataset(): Dataset {
    if (!this.dataset) throw new Error('Load a dataset first.');
    return this.dataset;
  }

  private requireModel(): tf.LayersModel {
    if (!this.model) throw new Error('There is no model yet: choose one and train it.');
    return this.model;
  }
}
