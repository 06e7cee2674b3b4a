import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { unzipSync, strFromU8 } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/lib/engine/data/checksum';
import { MNIST_INFO } from '../../src/lib/engine/data/mnist';
import { bundleFiles, bundleFolder, zipBundle } from '../../src/lib/engine/export/bundle';
import { enBundle } from '../../src/lib/i18n/en-bundle';
import { readModelUpload } from '../../src/lib/engine/export/import';
import { cardFromRun, type ModelCard } from '../../src/lib/engine/runs/record';
import { Session } from '../../src/lib/engine/session';
import { DATA_DIR, mnistFiles, useCpu } from './helpers';
import { mnistSession, recordedRun } from './fixtures';

beforeAll(useCpu);

const TFJS = new Uint8Array(readFileSync(resolve(__dirname, '../../node_modules/@tensorflow/tfjs/dist/tf.min.js')));

async function trainedBundle(shardBytes?: number) {
  const session = await mnistSession();
  const { record } = await recordedRun(session);
  const ev = await session.evaluateTest();
  record.test = { loss: ev.loss, accuracy: ev.accuracy, count: ev.count };
  const card = cardFromRun(record, 'last', null);
  const model = await session.exportModel();
  const files = bundleFiles({ model, card, tfjs: TFJS, texts: enBundle, shardBytes });
  return { session, record, card, model, files };
}

describe('export bundle', () => {
  it('holds the model, its card, a README, the demo page with TF.js and its licence, and train.py', async () => {
    const { card, files, model, session } = await trainedBundle();
    const zip = zipBundle(bundleFolder(card.name), files);
    const unzipped = unzipSync(zip);
    const names = Object.keys(unzipped).filter((n) => !n.endsWith('/')).sort();
    expect(names).toEqual(
      ['LICENSE-tfjs.txt', 'README.md', 'demo.js', 'group1-shard1of1.bin', 'index.html', 'metadata.json', 'model-card.json', 'model.json', 'predict.js', 'tf.min.js', 'train.py', 'train_torch.py'].map((n) => `test-run/${n}`),
    );
    // The zip is smaller than its parts (text compresses) and tf.min.js is the stock file, byte for byte.
    expect(zip.length).toBeLessThan(Object.values(files).reduce((s, f) => s + f.length, 0));
    expect(unzipped['test-run/tf.min.js']).toEqual(TFJS);
    expect(strFromU8(unzipped['test-run/LICENSE-tfjs.txt'])).toContain('Apache License');

    // model.json + shard load with stock TF.js and predict as the trained model does.
    const json = JSON.parse(strFromU8(unzipped['test-run/model.json']));
    expect(json.weightsManifest[0].paths).toEqual(['group1-shard1of1.bin']);
    const loaded = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: unzipped['test-run/group1-shard1of1.bin'].slice().buffer }),
    );
    const x = tf.randomUniform([5, 28, 28, 1], 0, 1, 'float32', 3);
    const [a, b] = [session.currentModel!, loaded].map((m) => m.predict(x) as tf.Tensor);
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    loaded.dispose();
    expect(unzipped['test-run/group1-shard1of1.bin'].length).toBe(model.weights.byteLength);

    // The page references TF.js and its script relatively (works offline, from any folder).
    const html = strFromU8(unzipped['test-run/index.html']);
    expect(html).toContain('<script src="tf.min.js"></script>');
    expect(html).toContain('<script type="module" src="demo.js"></script>');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self' 'unsafe-eval';`);
    expect(html).toContain('<title>Test run</title>');
    expect(html).not.toContain('http://');
    // predict.js is a module that loads relative to its folder; the page script imports it.
    expect(strFromU8(unzipped['test-run/predict.js'])).toContain('export async function loadDescentModel(');
    expect(strFromU8(unzipped['test-run/demo.js'])).toContain("import { loadDescentModel } from './predict.js';");
    expect(JSON.parse(strFromU8(unzipped['test-run/metadata.json']))).toMatchObject({ labels: card.dataset.classNames, imageSize: 28, modelName: 'Test run' });
  });

  it('writes a model card with dataset, checksum, preprocessing, classes, architecture, hyper-parameters, metrics, backend, date and seed', async () => {
    const { card, files, record } = await trainedBundle();
    const written = JSON.parse(strFromU8(files['model-card.json'])) as ModelCard;
    // The card as recorded, with its language and its words (the preprocessing) written by the bundle's texts.
    expect(written).toEqual({ ...card, language: 'en', dataset: { ...card.dataset, preprocessing: { ...card.dataset.preprocessing, description: written.dataset.preprocessing.description } } });
    expect(written.dataset.preprocessing.description).toBe('raw values are multiplied by 0.00392156862745098 (1/255).');
    expect(written.format).toBe('descent-model-card');
    expect(written.dataset).toMatchObject({ id: 'mnist', name: 'MNIST', task: 'classification', inputShape: [28, 28, 1], inputKind: 'image', numClasses: 10, darkBackground: true });
    expect(written.dataset.classNames).toEqual(MNIST_INFO.classNames);
    expect(written.dataset.checksum).toMatchObject({ algorithm: 'SHA-256', of: 'content' });
    expect(written.dataset.checksum!.value).toMatch(/^[0-9a-f]{64}$/);
    expect(written.dataset.preprocessing.scale).toBeCloseTo(1 / 255, 12);
    expect(written.model.layers).toEqual([{ type: 'flatten' }, { type: 'dense', units: 128, activation: 'relu' }, { type: 'dense', units: 10, activation: 'softmax' }]);
    expect(written.totalParams).toBe(101770);
    expect(written.hyperParameters).toEqual(record.config);
    expect(written.seed).toBe(7);
    expect(written.tuner).toBeNull();
    expect(written.backend).toBe('cpu');
    expect(written.tfjsVersion).toBe(tf.version.tfjs);
    expect(Date.parse(written.createdAt)).toBeGreaterThan(Date.parse('2025-01-01'));
    expect(written.metrics).toMatchObject({ epochs: 2, steps: 2 * Math.floor(512 / 64), testAccuracy: record.test!.accuracy, bestEpoch: record.bestEpoch });
    expect(written.metrics!.valLoss).toBe(record.epochs[1].valLoss);
    expect(written.weights).toEqual({ epoch: 2, kind: 'last' });

    const readme = strFromU8(files['README.md']);
    for (const text of [card.dataset.checksum!.value, 'Classic MLP', '101,770 parameters', '| Learning rate | 0.001 |', 'multiplied by 0.00392156862745098', 'cpu', 'The hyper-parameters were set by hand', "import { loadDescentModel } from './predict.js';", 'model.predictImage(']) {
      expect(readme).toContain(text);
    }
    expect(readme).toContain(`${(record.test!.accuracy * 100).toFixed(2)}%`);
  });

  it('records the checksum of the MNIST files as loaded: the SHA-256 of their sha256sum listing', async () => {
    const session = new Session();
    await session.loadIdxDataset(mnistFiles(), MNIST_INFO);
    const info = await session.describeData();
    const listing = readFileSync(resolve(DATA_DIR, 'mnist/SHA256SUMS'));
    expect(info.checksum).toMatchObject({ of: 'files', value: await sha256Hex(listing) });
    expect(info.checksum!.files!.map((f) => `${f.sha256}  ${f.name}\n`).join('')).toBe(listing.toString());
  });

  it('shards large weights as the converter does, and the shards import back in order', async () => {
    const { files, model } = await trainedBundle(100_000);
    const shards = Object.keys(files).filter((n) => n.endsWith('.bin'));
    expect(shards).toEqual(['group1-shard1of5.bin', 'group1-shard2of5.bin', 'group1-shard3of5.bin', 'group1-shard4of5.bin', 'group1-shard5of5.bin']);
    const back = readModelUpload(Object.entries(files).map(([name, bytes]) => ({ name, bytes })));
    expect(new Uint8Array(back.files.weights)).toEqual(new Uint8Array(model.weights));
    expect(back.card?.name).toBe('Test run');
  });
});
