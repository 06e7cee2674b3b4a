import { featureSize, type Dataset } from './dataset';

/** Per-column statistics of a table, for the preview. */
export interface ColumnStats {
  name: string;
  /** How the column is used. */
  role: 'numeric' | 'categorical' | 'ignored' | 'target';
  missing: number;
  unique: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  /** Most frequent values (categorical columns). */
  top: string[];
}

/** What the dataset card draws: an image grid, a table with column statistics, or a scatter plot. */
export type DatasetPreview =
  | { kind: 'images'; width: number; height: number; channels: number; pixels: Uint8Array; labels: number[] }
  | { kind: 'table'; columns: ColumnStats[]; header: string[]; rows: string[][] }
  | {
      kind: 'scatter';
      x: Float32Array;
      y: Float32Array;
      /** Class index (classification) or target value (regression) per point. */
      value: Float32Array;
      xLabel: string;
      yLabel: string;
    };

/** Bins of the regression target (in its original units), for the target histogram. */
export interface Histogram {
  edges: number[];
  counts: number[];
}

const MAX_POINTS = 800;

/** The preview of a dataset: its own (tables give one), else images or a scatter plot derived from the data. */
export function datasetPreview(dataset: Dataset, sampleCount: number): DatasetPreview {
  if (dataset.preview) return dataset.preview;
  const { train, inputShape } = dataset;
  if (train.x instanceof Uint8Array && inputShape.length === 3) {
    const n = Math.min(sampleCount, train.count);
    const size = featureSize(inputShape);
    return { kind: 'images', height: inputShape[0], width: inputShape[1], channels: inputShape[2], pixels: Uint8Array.from(train.x.subarray(0, n * size)), labels: Array.from(train.y.subarray(0, n)) };
  }
  const width = featureSize(inputShape);
  const n = Math.min(MAX_POINTS, train.count);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const value = new Float32Array(n);
  const regression1d = width === 1;
  for (let i = 0; i < n; i++) {
    x[i] = train.x[i * width] * dataset.xScale;
    y[i] = regression1d ? train.y[i] : train.x[i * width + 1] * dataset.xScale;
    value[i] = train.y[i];
  }
  return { kind: 'scatter', x, y, value, xLabel: 'x₁', yLabel: regression1d ? 'y' : 'x₂' };
}

/** Histogram of regression targets in original units (`bins` equal-width bins). */
export function targetHistogram(dataset: Dataset, bins = 20): Histogram | undefined {
  if (dataset.task !== 'regression') return undefined;
  const target = dataset.preprocessing?.target;
  const scale = target?.kind === 'numeric' ? target : { mean: 0, std: 1 };
  const values = Array.from(dataset.train.y, (v) => v * scale.std + scale.mean);
  const lo = values.reduce((a, b) => Math.min(a, b), Infinity);
  const hi = values.reduce((a, b) => Math.max(a, b), -Infinity);
  const step = (hi - lo) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / step))]++;
  return { edges: Array.from({ length: bins + 1 }, (_, i) => lo + i * step), counts };
}
