import { EngineError } from '../errors';
import * as tf from '../tf';

/** A model in TF.js layers format, as the files `tf.loadLayersModel` reads. */
export interface LayersModelFiles {
  /** Contents of `model.json`. */
  modelJson: string;
  /** Contents of the weights file named in the manifest. */
  weights: ArrayBuffer;
  weightsFileName: string;
}

/**
 * Serialises a model to `model.json` + one weights file without any I/O (works in a worker, where
 * `downloads://` has no document). The page turns the result into downloads.
 */
export async function saveLayersModel(model: tf.LayersModel, weightsFileName = 'model.weights.bin'): Promise<LayersModelFiles> {
  let saved: LayersModelFiles | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      if (!artifacts.weightData || !artifacts.weightSpecs) throw new EngineError('export.noWeights', {});
      const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        weightsManifest: [{ paths: [`./${weightsFileName}`], weights: artifacts.weightSpecs }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      };
      saved = { modelJson: JSON.stringify(modelJson), weights, weightsFileName };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    }),
  );
  return saved!;
}

/** Loads files produced by `saveLayersModel` back into a model (the caller disposes it). */
export async function loadLayersModelFromFiles(files: LayersModelFiles): Promise<tf.LayersModel> {
  const json = JSON.parse(files.modelJson) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: files.weights }));
}
