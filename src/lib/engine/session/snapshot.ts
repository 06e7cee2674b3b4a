import type { ArrivalState } from '../data/arrival';
import type { Dataset } from '../data/dataset';
import type { DatasetPreview, Histogram } from '../data/preview';
import type { Preprocessing } from '../data/preprocessing';
import type { EngineMessage } from '../errors';
import type { ModelCard } from '../runs/record';
import type { ModelSpec, ModelSummary } from '../models/spec';
import type { TrainConfig } from '../train/config';

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

/** Where the weights of the session's model came from. */
export type ModelOrigin = 'initial' | 'trained' | 'opened' | 'imported';

/** The model whose weights the session holds: what is evaluated, drawn and exported. */
export interface ModelState {
  /** Increases whenever the weights are replaced (never while they only train). */
  version: number;
  spec: ModelSpec;
  summary: ModelSummary;
  origin: ModelOrigin;
  /** The stored run these weights belong to (null for a model not trained here). */
  runId: string | null;
}

/** The session's current or last run. */
export interface RunState {
  runId: string | null;
  status: 'training' | 'done' | 'stopped' | 'error';
  config: TrainConfig;
  /** The model version this run trains (its weights replace the session's model when it starts). */
  modelVersion: number;
}

/** The test evaluation of one model version, with what the results card draws. */
export interface EvaluationState {
  /** Increases with every evaluation. */
  id: number;
  modelVersion: number;
  runId: string | null;
  loss: number;
  accuracy: number;
  count: number;
  predicted: Uint8Array;
  confidence: Float32Array;
  labels: Uint8Array;
  /** Pixels of the first `galleryCount` test examples (images only; empty otherwise). */
  galleryImages: Uint8Array;
  galleryCount: number;
}

export type SessionJob = 'training' | 'tuning' | 'landscape' | 'evaluating' | 'recovering';

/**
 * Everything the worker's session holds that the page shows, as one plain-data value. The worker emits a new
 * snapshot whenever any of it changes; the page keeps the latest and derives the rest from it.
 */
export interface SessionSnapshot {
  /** Increases with every snapshot. */
  seq: number;
  /** Increases whenever another dataset is set (also one with the same id, e.g. generated again). */
  datasetVersion: number;
  /** The dataset load the user asked for last, while it runs. */
  loading: { ticket: number; id: string } | null;
  dataset: DatasetSummary | null;
  /** How much of a built-in dataset that streams in has arrived (null for data loaded at once). */
  arrival: ArrivalState | null;
  /** The model the next run builds (what the layer editor sent), checked against the data. */
  plan: { spec: ModelSpec; summary: ModelSummary } | null;
  /** The weights the session holds. */
  model: ModelState | null;
  run: RunState | null;
  /** The latest test evaluation; it belongs to the model only when `modelVersion` matches. */
  evaluation: EvaluationState | null;
  /** The model card that would be exported with the current model (null when it has none yet). */
  card: ModelCard | null;
  /** What the session is busy with (at most one job at a time). */
  busy: SessionJob | null;
  /** Notes of the last change worth telling the user (a recovered backend, a restored model). */
  notices: EngineMessage[];
}

export const EMPTY_SNAPSHOT: SessionSnapshot = {
  seq: 0,
  datasetVersion: 0,
  loading: null,
  dataset: null,
  arrival: null,
  plan: null,
  model: null,
  run: null,
  evaluation: null,
  card: null,
  busy: null,
  notices: [],
};

/** Derived facts the page shows, computed the same way wherever they are needed. */
export function canExport(s: SessionSnapshot): boolean {
  return s.busy === null && s.model !== null && s.evaluation !== null && s.evaluation.modelVersion === s.model.version;
}

/** True when the results on screen belong to an earlier model than the one the session holds. */
export function evaluationIsStale(s: SessionSnapshot): boolean {
  return s.evaluation !== null && (s.model === null || s.evaluation.modelVersion !== s.model.version);
}
