/**
 * Plain-data records of a run and of an exported model. No TF.js here: the page, the worker, IndexedDB
 * and the exported bundle all share these shapes. Fields that later features fill in (normalisation
 * constants of CSV/image data, the auto-tuner's decisions) are optional or nullable.
 */
import type { EngineMessage } from '../errors';
import type { Task } from '../data/dataset';
import type { FeatureEncoding, MissingPolicy, TargetEncoding } from '../data/preprocessing';
import type { ModelSpec } from '../models/spec';
import type { TrainConfig } from '../train/config';
import type { EpochMetrics } from '../train/events';

/** One decision of the auto-tuner (issue 3), e.g. `{ parameter: 'learningRate', value: 0.003, reason: 'LR range test: steepest descent' }`. */
export interface TunerDecision {
  parameter: string;
  value: string | number | boolean;
  reason: string;
}

/** SHA-256 of the data as loaded: of the original files when there were files, else of the parsed arrays. */
export interface DatasetChecksum {
  algorithm: 'SHA-256';
  /** Hex digest. For files: the SHA-256 of the `sha256sum`-style listing (`<hex>  <name>\n`, sorted by name). */
  value: string;
  of: 'files' | 'content';
  files?: { name: string; sha256: string }[];
}

/** What is done to the raw features before they reach the model, in this order. */
export interface Preprocessing {
  /** Multiplier applied to the raw values (1/255 for 8-bit pixels, 1 for numbers). */
  scale: number;
  /** Per-feature or per-channel standardisation after scaling, `(x - mean) / std` (CSV and image datasets, issue 5). */
  normalization?: { mean: number[]; std: number[] };
  /** In words, for the README. */
  description: string;
  /**
   * Tables: every input column in the engine's order, with its statistics from the training rows. A raw row
   * becomes the input vector column by column: numeric `(value − mean) / std`, categorical one 1 at the
   * category's place among `categories` (zeros elsewhere). The bundle's predict.js does exactly this.
   */
  columns?: FeatureEncoding[];
  /** Tables: 'fill' encodes a missing numeric cell as its mean (0) and a missing category as `fill`; 'drop' refuses rows with a missing input. */
  missing?: MissingPolicy;
  /** Tables: cells read as missing, compared trimmed and lower-cased. */
  missingValues?: string[];
  /** Tables: every column of the CSV in file order (inputs, target, ignored), so a row can be given as a list of cells. */
  header?: string[];
  /** Tables: the target column; class names in the model's output order, or (regression) value = output · std + mean. */
  target?: TargetEncoding;
  /** Images: the model's pixel grid; pixel values 0–255 are multiplied by `scale`; one channel is the mean of red, green and blue. */
  image?: { height: number; width: number; channels: number };
}

/** The dataset as a model card describes it. */
export interface DatasetInfo {
  id: string;
  name: string;
  source: string;
  task: Task;
  /** Shape of one example, without the batch dimension. */
  inputShape: number[];
  /** 'image' for [height, width, channels] inputs, else 'tabular'. */
  inputKind: 'image' | 'tabular';
  numClasses: number;
  classNames: string[];
  /** Column names of tabular data, when known. */
  featureNames?: string[];
  /** Images with a dark background and light strokes (as MNIST): the demo page inverts light uploads. */
  darkBackground?: boolean;
  trainCount: number;
  testCount: number;
  checksum: DatasetChecksum | null;
  preprocessing: Preprocessing;
}

/** Why a run ended before its last epoch, when a monitor ended it. */
export interface RunHalt {
  reason: 'early-stop' | 'leak' | 'non-finite' | 'diverged';
  /** Runs stored before engine codes hold an English string here. */
  message: EngineMessage;
  epoch: number;
}

export type StoredRunStatus = 'running' | 'done' | 'stopped' | 'error' | 'interrupted';

/** A run as stored in IndexedDB after every epoch: enough to list, compare, resume and export it. */
export interface RunRecord {
  id: string;
  name: string;
  /** ISO dates. */
  createdAt: string;
  updatedAt: string;
  status: StoredRunStatus;
  dataset: DatasetInfo;
  model: ModelSpec;
  totalParams: number;
  config: TrainConfig;
  backend: string;
  tfjsVersion: string;
  tuner: TunerDecision[] | null;
  /** The run this one continued from (an imported model or an opened run), if any. */
  parent: string | null;
  epochs: EpochMetrics[];
  /** Loss and batch accuracy of every step done so far (index i = step i + 1). */
  stepLoss: Float32Array;
  stepAccuracy: Float32Array;
  stepsPerEpoch: number;
  batchSize: number;
  completedEpochs: number;
  steps: number;
  /** Epoch with the lowest validation loss (training loss without validation) and that loss. */
  bestEpoch: number | null;
  bestLoss: number | null;
  test: { loss: number; accuracy: number; count: number } | null;
  halt: RunHalt | null;
  /** Why the run failed (runs stored before engine codes hold an English string). */
  error: EngineMessage | null;
  seconds: number;
  /** Bytes of the stored weights (last + best checkpoints). */
  checkpointBytes: number;
  /** Set when the run was one contender of a race (issue 16): the race, and this contender's place in it. */
  race?: RaceMark;
}

/** Which race a run took part in: runs of one race share `id`; `contender` is 0-based, of `contenders`. */
export interface RaceMark {
  id: string;
  contender: number;
  contenders: number;
}

/** Summary metrics for the model card. */
export interface FinalMetrics {
  epochs: number;
  steps: number;
  trainLoss: number | null;
  trainAccuracy: number | null;
  valLoss: number | null;
  valAccuracy: number | null;
  testLoss: number | null;
  testAccuracy: number | null;
  bestEpoch: number | null;
  seconds: number;
}

export type QuantizeDtype = 'float16' | 'uint8';

/** Size and test-accuracy change of a quantised export, measured before download. */
export interface QuantizationReport {
  dtype: QuantizeDtype;
  bytesBefore: number;
  bytesAfter: number;
  /** Null when the loaded dataset is not the model's (nothing to measure on). */
  testAccuracyBefore: number | null;
  testAccuracyAfter: number | null;
  testLossBefore: number | null;
  testLossAfter: number | null;
  testCount: number;
}

/** `model-card.json` of an exported model. */
export interface ModelCard {
  format: 'descent-model-card';
  version: 1;
  name: string;
  /** When the card was written (ISO). */
  createdAt: string;
  runId: string | null;
  dataset: DatasetInfo;
  model: ModelSpec;
  totalParams: number;
  /** Null when unknown (a model imported without a card). */
  hyperParameters: TrainConfig | null;
  /** The auto-tuner's decisions, or null when the settings were chosen by hand. */
  tuner: TunerDecision[] | null;
  metrics: FinalMetrics | null;
  /** Which weights were exported: the last epoch's or the best epoch's. */
  weights: { epoch: number | null; kind: 'last' | 'best' };
  quantization: QuantizationReport | null;
  backend: string;
  tfjsVersion: string;
  seed: number;
  generator: string;
  /** The language of the card's words (preprocessing description, tuner reasons) as exported; absent in older cards. */
  language?: 'en' | 'zh-CN';
}

export const GENERATOR = 'Descent 0.1.0';

function last<T>(xs: T[]): T | undefined {
  return xs[xs.length - 1];
}

/** The card's metrics, read from a run record. */
export function finalMetrics(run: RunRecord): FinalMetrics {
  const e = last(run.epochs);
  return {
    epochs: run.completedEpochs,
    steps: run.steps,
    trainLoss: e?.trainLoss ?? null,
    trainAccuracy: e && Number.isFinite(e.trainAccuracy) ? e.trainAccuracy : null,
    valLoss: e?.valLoss ?? null,
    valAccuracy: e?.valAccuracy ?? null,
    testLoss: run.test?.loss ?? null,
    testAccuracy: run.test?.accuracy ?? null,
    bestEpoch: run.bestEpoch,
    seconds: run.seconds,
  };
}

/** The model card of a run's weights (`kind` says which checkpoint), optionally quantised. */
export function cardFromRun(run: RunRecord, kind: 'last' | 'best', quantization: QuantizationReport | null, now = new Date()): ModelCard {
  return {
    format: 'descent-model-card',
    version: 1,
    name: run.name,
    createdAt: now.toISOString(),
    runId: run.id,
    dataset: run.dataset,
    model: run.model,
    totalParams: run.totalParams,
    hyperParameters: run.config,
    tuner: run.tuner,
    metrics: finalMetrics(run),
    weights: { epoch: kind === 'best' ? run.bestEpoch : run.completedEpochs, kind },
    quantization,
    backend: run.backend,
    tfjsVersion: run.tfjsVersion,
    seed: run.config.seed,
    generator: GENERATOR,
  };
}

/**
 * True when `x` says it is a Descent model card (its `format` marker): used to tell a card from a model.json.
 * Whether its fields hold what they should is `checkModelCard`'s job (export/card-schema.ts).
 */
export function isModelCard(x: unknown): x is Pick<ModelCard, 'format'> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && (x as { format?: unknown }).format === 'descent-model-card';
}
