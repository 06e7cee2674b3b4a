import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLayersModelFromFiles, saveLayersModel } from '../../src/lib/engine/export/layers-format';
import { buildModel } from '../../src/lib/engine/models/build';
import { classicMlp } from '../../src/lib/engine/models/spec';
import { DEFAULT_CONFIG } from '../../src/lib/engine/train/config';
import { Trainer } from '../../src/lib/engine/train/loop';
import { loadMnist, slice, useCpu } from './helpers';

beforeAll(useCpu);

describe('export in TF.js layers format', () => {
  it('reloads with tf.loadLayersModel(tf.io.fromMemory(...)) and predicts identically', async () => {
    const data = slice(await loadMnist(), 640, 200);
    const model = buildModel(classicMlp(), data.inputShape, 9);
    const trainer = new Trainer(model, data, { ...DEFAULT_CONFIG, epochs: 1, validationSplit: 0 });
    await trainer.run(() => {});
    trainer.dispose();

    const files = await saveLayersModel(model);
    const json = JSON.parse(files.modelJson);
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['./model.weights.bin']);
    expect(files.weights.byteLength).toBe(101770 * 4);

    const loaded = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: files.weights }));
    const again = await loadLayersModelFromFiles(files);
    const x = tf.tensor(Float32Array.from(data.test.x, (v) => v / 255), [200, 28, 28, 1]);
    const [p1, p2, p3] = [model, loaded, again].map((m) => m.predict(x) as tf.Tensor);
    expect(Array.from(p2.dataSync())).toEqual(Array.from(p1.dataSync()));
    expect(Array.from(p3.dataSync())).toEqual(Array.from(p1.dataSync()));
    tf.dispose([x, p1, p2, p3]);
    [model, loaded, again].forEach((m) => m.dispose());
  });
});
