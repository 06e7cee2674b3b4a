import * as tf from '../tf';
import type { Dataset } from '../data/dataset';
import { checkOutputFits } from '../models/build';
import { ModelSpecError, type Activation, type LayerSpec, type ModelSpec } from '../models/spec';
import type { QuantizationReport, QuantizeDtype } from '../runs/record';
import { evaluate } from '../train/evaluate';
import { loadLayersModelFromFiles, type LayersModelFiles } from './layers-format';
import { quantizeModelFiles } from './quantize';

/** Throws a ModelSpecError that says why `model` cannot run on `dataset` (input shape or classes). */
export function checkModelFitsData(model: tf.LayersModel, dataset: Dataset): void {
  const input = model.inputs[0].shape.slice(1);
  const same = input.length === dataset.inputShape.length && input.every((d, i) => d === null || d === dataset.inputShape[i]);
  if (!same) {
    throw new ModelSpecError('model.inputShape', { modelShape: input, dataset: dataset.name, dataShape: dataset.inputShape });
  }
  checkOutputFits(model, dataset.numClasses);
}

/** Loads model files and checks they fit the dataset; the caller owns (disposes) the model. */
export async function loadForDataset(files: LayersModelFiles, dataset: Dataset): Promise<tf.LayersModel> {
  let model: tf.LayersModel;
  try {
    model = await loadLayersModelFromFiles(files);
  } catch (err) {
    throw new ModelSpecError('model.notBuildable', { detail: (err as Error).message });
  }
  try {
    checkModelFitsData(model, dataset);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

async function testScore(files: LayersModelFiles, dataset: Dataset): Promise<{ accuracy: number; loss: number }> {
  const model = await loadForDataset(files, dataset);
  try {
    const ev = await evaluate(model, dataset, dataset.test);
    return { accuracy: ev.accuracy, loss: ev.loss };
  } finally {
    model.dispose();
  }
}

/**
 * Quantises `files` and measures what it costs: weight bytes before/after and, when `dataset` fits the
 * model, the test accuracy and loss of the reloaded float32 and quantised models.
 */
export async function measureQuantization(files: LayersModelFiles, dtype: QuantizeDtype, dataset: Dataset | null): Promise<{ report: QuantizationReport; files: LayersModelFiles }> {
  const quantized = quantizeModelFiles(files, dtype);
  let before: { accuracy: number; loss: number } | null = null;
  let after: { accuracy: number; loss: number } | null = null;
  if (dataset) {
    before = await testScore(files, dataset);
    after = await testScore(quantized, dataset);
  }
  return {
    files: quantized,
    report: {
      dtype,
      bytesBefore: files.weights.byteLength,
      bytesAfter: quantized.weights.byteLength,
      testAccuracyBefore: before?.accuracy ?? null,
      testAccuracyAfter: after?.accuracy ?? null,
      testLossBefore: before?.loss ?? null,
      testLossAfter: after?.loss ?? null,
      testCount: dataset ? dataset.test.count : 0,
    },
  };
}

const ACTIVATIONS: readonly string[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu'];

/** The JSON spec of a loaded model, as far as Descent's layer types describe it; `unsupported` names the rest. */
export function specFromModel(model: tf.LayersModel, name: string): { spec: ModelSpec; unsupported: string[] } {
  const layers: LayerSpec[] = [];
  const unsupported: string[] = [];
  for (const layer of model.layers) {
    const config = layer.getConfig() as { units?: number; activation?: string; rate?: number };
    switch (layer.getClassName()) {
      case 'Flatten':
        layers.push({ type: 'flatten' });
        break;
      case 'Dense':
        if (ACTIVATIONS.includes(config.activation ?? '')) layers.push({ type: 'dense', units: config.units!, activation: config.activation as Activation });
        else unsupported.push(`${layer.name} (Dense with activation ${config.activation})`);
        break;
      case 'Dropout':
        layers.push({ type: 'dropout', rate: config.rate! });
        break;
      case 'InputLayer':
        break;
      default:
        unsupported.push(`${layer.name} (${layer.getClassName()})`);
    }
  }
  return { spec: { name, layers }, unsupported };
}
