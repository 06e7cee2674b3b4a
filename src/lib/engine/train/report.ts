import type { Dataset } from '../data/dataset';
import type { Evaluation } from './evaluate';

/** Confusion matrix and per-class scores of a classifier on the test set (plain data for the page). */
export interface ClassificationReport {
  kind: 'classification';
  numClasses: number;
  count: number;
  accuracy: number;
  /** Row-major `numClasses × numClasses`: row = true class, column = predicted class. */
  confusion: number[];
  /** Per class; NaN where undefined (nothing predicted as, or no example of, that class). */
  precision: number[];
  recall: number[];
  support: number[];
  labels: Int32Array;
  predicted: Uint8Array;
  confidence: Float32Array;
  /** Test indices of the wrong predictions, most confident first. */
  worst: number[];
}

/** Predicted against true values of a regression on the test set, in the target's original units. */
export interface RegressionReport {
  kind: 'regression';
  count: number;
  r2: number;
  rmse: number;
  mae: number;
  actual: Float32Array;
  predicted: Float32Array;
  /** Test indices with the largest absolute errors first. */
  worst: number[];
}

export type EvaluationReport = ClassificationReport | RegressionReport;

const WORST = 48;

/** Builds the classification report from per-example predictions and true labels. */
export function classificationReport(labels: ArrayLike<number>, predicted: Uint8Array, confidence: Float32Array, numClasses: number): ClassificationReport {
  const count = predicted.length;
  const confusion = new Array<number>(numClasses * numClasses).fill(0);
  for (let i = 0; i < count; i++) confusion[labels[i] * numClasses + predicted[i]]++;
  const precision: number[] = [];
  const recall: number[] = [];
  const support: number[] = [];
  let correct = 0;
  for (let c = 0; c < numClasses; c++) {
    const hit = confusion[c * numClasses + c];
    let row = 0;
    let col = 0;
    for (let k = 0; k < numClasses; k++) {
      row += confusion[c * numClasses + k];
      col += confusion[k * numClasses + c];
    }
    correct += hit;
    precision.push(col ? hit / col : NaN);
    recall.push(row ? hit / row : NaN);
    support.push(row);
  }
  const wrong: number[] = [];
  for (let i = 0; i < count; i++) if (predicted[i] !== labels[i]) wrong.push(i);
  wrong.sort((a, b) => confidence[b] - confidence[a]);
  return {
    kind: 'classification',
    numClasses,
    count,
    accuracy: count ? correct / count : NaN,
    confusion,
    precision,
    recall,
    support,
    labels: Int32Array.from(labels),
    predicted: Uint8Array.from(predicted),
    confidence: Float32Array.from(confidence),
    worst: wrong.slice(0, WORST),
  };
}

/** R², RMSE and MAE of predictions against true values (same units). */
export function regressionReport(actual: Float32Array, predicted: Float32Array): RegressionReport {
  const count = actual.length;
  let mean = 0;
  for (let i = 0; i < count; i++) mean += actual[i] / count;
  let ssRes = 0;
  let ssTot = 0;
  let abs = 0;
  for (let i = 0; i < count; i++) {
    const e = actual[i] - predicted[i];
    ssRes += e * e;
    ssTot += (actual[i] - mean) ** 2;
    abs += Math.abs(e);
  }
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => Math.abs(actual[b] - predicted[b]) - Math.abs(actual[a] - predicted[a]));
  return {
    kind: 'regression',
    count,
    r2: ssTot > 0 ? 1 - ssRes / ssTot : NaN,
    rmse: Math.sqrt(ssRes / Math.max(1, count)),
    mae: abs / Math.max(1, count),
    actual,
    predicted,
    worst: order.slice(0, WORST),
  };
}

/** The report for an evaluation of `dataset.test`; regression values are turned back into original units. */
export function evaluationReport(dataset: Dataset, ev: Evaluation): EvaluationReport {
  const y = dataset.test.y;
  if (dataset.task === 'classification') return classificationReport(y, ev.predicted, ev.confidence, dataset.numClasses);
  const target = dataset.preprocessing?.target;
  const { mean, std } = target?.kind === 'numeric' ? target : { mean: 0, std: 1 };
  const n = ev.count;
  return regressionReport(
    Float32Array.from({ length: n }, (_, i) => y[i] * std + mean),
    Float32Array.from({ length: n }, (_, i) => ev.confidence[i] * std + mean),
  );
}
