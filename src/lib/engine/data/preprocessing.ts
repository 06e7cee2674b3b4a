/**
 * How the columns of a table became model inputs: plain data, kept with the dataset (and the run) so an
 * exported model can encode new rows the same way. Statistics come from the training rows only.
 */
export type FeatureEncoding =
  | { column: string; kind: 'numeric'; mean: number; std: number }
  | { column: string; kind: 'categorical'; categories: string[]; fill: string };

export type TargetEncoding =
  | { column: string; kind: 'classes'; classes: string[] }
  /** Regression targets are standardised too: prediction = output · std + mean. */
  | { column: string; kind: 'numeric'; mean: number; std: number };

export interface Preprocessing {
  /** One entry per input column in order; a categorical column expands to one feature per category. */
  features: FeatureEncoding[];
  /** Name of every model input, e.g. "petal length (cm)" or "colour=red". */
  featureNames: string[];
  target: TargetEncoding;
  missing: MissingPolicy;
  /** Number of training rows the statistics were computed from (validation and test rows excluded). */
  fitRows: number;
  /** Validation fraction and seed that chose those rows (the training loop makes the same choice). */
  validationSplit: number;
  seed: number;
}

/** Rows with a missing input are dropped, or the value is filled (training mean / most frequent category). */
export type MissingPolicy = 'drop' | 'fill';

/** Mean and standard deviation (1 when constant, so standardising never divides by zero). */
export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    sum += v;
    sumSq += v * v;
    n++;
  }
  const mean = n ? sum / n : 0;
  const std = n ? Math.sqrt(Math.max(0, sumSq / n - mean * mean)) : 0;
  return { mean, std: std > 1e-12 ? std : 1 };
}
