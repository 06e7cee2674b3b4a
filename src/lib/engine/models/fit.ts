import type { EngineMessage } from '../errors';
import type { Task } from '../data/dataset';
import type { LossName } from '../train/losses';
import { inferShapes, layerRef, shapeProblem as problem, type ShapeCode, type ShapeReport } from './shapes';
import { memoryProblem, type TrainingSetup } from './memory';
import type { LayerSpec } from './spec';

/** What a model must fit: the data's example shape and task. */
export interface DataShape {
  inputShape: number[];
  task: Task;
  numClasses: number;
}

/** Losses that fit each task. */
export const TASK_LOSSES: Record<Task, readonly LossName[]> = {
  classification: ['sparseCategoricalCrossentropy'],
  regression: ['meanSquaredError', 'meanAbsoluteError'],
};

/** A loss that does not fit the task, as a message; null when it fits. */
export function lossProblem(loss: LossName | undefined, task: Task): EngineMessage<'shape.lossTask'> | null {
  if (!loss || TASK_LOSSES[task].includes(loss)) return null;
  return { code: 'shape.lossTask', params: { loss, task, fits: [...TASK_LOSSES[task]] } };
}

/** Checks the last layer against the task: [classes] with softmax, or [1] without it. */
function outputProblem(layers: LayerSpec[], report: ShapeReport, data: DataShape): EngineMessage<ShapeCode> | null {
  const i = layers.length - 1;
  const last = layers[i];
  const label = layerRef(last, i);
  const shape = report.layers[i].outputShape;
  if (last.type !== 'dense') return problem('shape.lastNotDense', label);
  if (data.task === 'classification') {
    if (shape.length !== 1 || shape[0] !== data.numClasses) return problem('shape.outputClasses', { ...label, shape, classes: data.numClasses });
    if (last.activation !== 'softmax') return problem('shape.needsSoftmax', { ...label, activation: last.activation });
  } else {
    if (shape.length !== 1 || shape[0] !== 1) return problem('shape.outputRegression', { ...label, shape });
    if (last.activation === 'softmax') return problem('shape.softmaxRegression', label);
  }
  return null;
}

/**
 * Shapes of the model on this data, with the first reason it cannot train on it (a layer that cannot take
 * its input, a wrong output size or activation, or a loss that does not fit the task), naming the layer.
 * With `setup` (batch size, backend), also a model too large for the backend's memory (models/memory.ts).
 * `error.index` is -1 for problems of the model as a whole (no layers, the loss, memory).
 */
export function checkModelFits(layers: LayerSpec[], data: DataShape, loss?: LossName, setup?: TrainingSetup): ShapeReport {
  const report = inferShapes(layers, data.inputShape);
  if (report.error) return report;
  const output = outputProblem(layers, report, data);
  if (output) return { ...report, error: { index: layers.length - 1, ...output } };
  const lossError = lossProblem(loss, data.task);
  if (lossError) return { ...report, error: { index: -1, ...lossError } };
  const memory = setup ? memoryProblem(layers, report.layers, data.inputShape, setup) : null;
  return memory ? { ...report, error: { index: -1, ...memory } } : report;
}
