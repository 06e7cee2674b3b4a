import type * as tf from '../tf';
import { dataDomain, predictGrid, type DecisionGrid } from '../boundary/decision-grid';
import { featureSize, is2dClassification, type Dataset } from '../data/dataset';
import { EngineError } from '../errors';
import type { Evaluation } from '../train/evaluate';
import type { EvaluationState } from './snapshot';

/** Test examples whose pictures the results card shows beside the predictions. */
export const GALLERY_COUNT = 100;

/** A test evaluation as the results card draws it: scores, predictions, labels and the gallery's pixels. */
export function evaluationState(id: number, dataset: Dataset, ev: Evaluation, modelVersion: number, runId: string | null): EvaluationState {
  const { x, y } = dataset.test;
  const galleryCount = x instanceof Uint8Array ? Math.min(GALLERY_COUNT, dataset.test.count) : 0;
  return {
    id,
    modelVersion,
    runId,
    loss: ev.loss,
    accuracy: ev.accuracy,
    count: ev.count,
    predicted: ev.predicted.slice(),
    confidence: ev.confidence.slice(),
    labels: dataset.task === 'classification' ? Uint8Array.from(y) : new Uint8Array(0),
    galleryImages: x instanceof Uint8Array ? x.slice(0, galleryCount * featureSize(dataset.inputShape)) : new Uint8Array(0),
    galleryCount,
  };
}

/** The model's class map on a `size × size` grid over the training data's plane (2-D data only). */
export function decisionGrid(model: tf.LayersModel, dataset: Dataset, size: number): Promise<DecisionGrid> {
  if (!is2dClassification(dataset)) throw new EngineError('session.not2d', {});
  return predictGrid(model, dataDomain(dataset.train, 2), size);
}
