import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { strFromU8 } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { isMissing, parseCsv } from '../../src/lib/engine/data/csv';
import { profileTable } from '../../src/lib/engine/data/csv-profile';
import { MISSING_VALUES } from '../../src/lib/engine/data/describe';
import type { Dataset, Task } from '../../src/lib/engine/data/dataset';
import { packChannels, resizeSquare } from '../../src/lib/engine/data/image-resize';
import { buildTabular } from '../../src/lib/engine/data/tabular';
import { loadDescentModel, rgbaToPixels, rowToInput, type DescentModel, type Prediction } from '../../src/lib/engine/export/assets/predict.js';
import { bundleFiles, localizeCard } from '../../src/lib/engine/export/bundle';
import { enBundle } from '../../src/lib/i18n/en-bundle';
import { checkModelCard } from '../../src/lib/engine/export/card-schema';
import type { ModelSpec } from '../../src/lib/engine/models/spec';
import { cardFromRun, type ModelCard } from '../../src/lib/engine/runs/record';
import { Session } from '../../src/lib/engine/session';
import { DEFAULT_CONFIG } from '../../src/lib/engine/train/config';
import { mnistSession, recordedRun, SMALL_CONFIG } from './fixtures';
import { DATA_DIR, useCpu } from './helpers';

beforeAll(useCpu);

const TFJS = new Uint8Array(readFileSync(resolve(__dirname, '../../node_modules/@tensorflow/tfjs/dist/tf.min.js')));
/** Served from a sub-folder: the module must fetch relative to it, not from the site root. */
const BASE = 'https://example.test/apps/models/my-model/';

function table(text: string | Uint8Array, name: string, task: Task, missing: 'drop' | 'fill', classNames?: string[]): Dataset {
  const t = parseCsv(typeof text === 'string' ? new TextEncoder().encode(text) : text, name);
  const p = profileTable(t);
  const kinds = p.columns.map((c) => c.kind);
  return buildTabular(t, p, { target: kinds.length - 1, task, kinds, missing, testFraction: 0.25, splitSeed: 3, validationSplit: 0.1, trainSeed: 5, classNames }).dataset;
}

/** Trains a small MLP on `dataset`, exports the bundle, and loads it through predict.js with a fetch over the bundle's files. */
async function exported(dataset: Dataset, spec?: ModelSpec, epochs = 30) {
  const session = new Session();
  session.setDataset(dataset);
  const out = dataset.task === 'classification' ? { units: dataset.numClasses, activation: 'softmax' as const } : { units: 1, activation: 'linear' as const };
  session.setModel(spec ?? { name: 'Small MLP', layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', ...out }] }, 3);
  const { record } = await recordedRun(session, { ...DEFAULT_CONFIG, epochs, batchSize: 16, validationSplit: 0.1, seed: 5, learningRate: 0.01 });
  const ev = await session.evaluateTest();
  const card = cardFromRun(record, 'last', null);
  const files = bundleFiles({ model: await session.exportModel(), card, tfjs: TFJS, texts: enBundle });
  const fetched: string[] = [];
  const fetchFunc = async (url: string) => {
    fetched.push(url);
    const name = url.startsWith(BASE) ? url.slice(BASE.length) : '';
    const body = files[name];
    return body ? new Response(body.slice(), { status: 200 }) : new Response('not found', { status: 404 });
  };
  const model: DescentModel = await loadDescentModel(BASE, { tf, fetch: fetchFunc });
  return { session, ev, card, files, model, fetched };
}

/** The raw cells of the test rows, as the CSV had them (`Dataset.testRowText` joins them with ", "). */
function rawRows(session: Session, dataset: Dataset): string[][] {
  return session.getTestRowText(Array.from({ length: dataset.test.count }, (_, i) => i)).map((line) => line.split(', '));
}

const label = (p: Prediction) => ('index' in p ? p.index : NaN);

/** A seeded table with numbers, categories and missing cells; `regression` puts a scaled number in the target. */
function mixedCsv(regression: boolean): string {
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const colours = ['red', 'green', 'blue'];
  const sizes = ['S', 'M', 'L'];
  const lines = ['height,colour,weight,size,outcome'];
  for (let i = 0; i < 240; i++) {
    const h = 150 + rnd() * 50;
    const c = colours[Math.floor(rnd() * 3)];
    const w = 40 + rnd() * 60;
    const z = sizes[Math.floor(rnd() * 3)];
    const score = (h - 175) / 25 + (c === 'red' ? 1.2 : c === 'blue' ? -1.2 : 0) + (w - 70) / 30 + (z === 'L' ? 0.5 : 0);
    const target = regression ? (1000 + 120 * score + rnd() * 5).toFixed(2) : score > 0 ? 'yes' : 'no';
    const hs = i % 17 === 5 ? 'NA' : h.toFixed(1);
    const cs = i % 23 === 7 ? '' : c;
    lines.push([hs, cs, w.toFixed(1), z, target].join(','));
  }
  return lines.join('\n');
}

describe('predict.js, the bundle module', () => {
  it('Iris: raw test rows (by column name and as cell lists) give the same classes as the app, and the card carries the preprocessing', async () => {
    const meta = JSON.parse(readFileSync(resolve(DATA_DIR, 'tabular', 'meta.json'), 'utf8'))['iris.csv'];
    const dataset = table(readFileSync(resolve(DATA_DIR, 'tabular', 'iris.csv')), 'iris.csv', 'classification', 'drop', meta.target_names);
    const { session, ev, card, files, model, fetched } = await exported(dataset);
    expect(ev.accuracy).toBeGreaterThan(0.8);
    expect(fetched).toEqual([`${BASE}model-card.json`, `${BASE}model.json`, `${BASE}group1-shard1of1.bin`]);
    const pre = card.dataset.preprocessing;
    expect(pre.columns!.map((c) => c.column)).toEqual(meta.features);
    expect(pre.columns!.every((c) => c.kind === 'numeric' && c.std > 0)).toBe(true);
    expect(pre.target).toEqual({ column: 'target', kind: 'classes', classes: ['setosa', 'versicolor', 'virginica'] });
    expect(pre.header).toEqual([...meta.features, 'target']);
    expect(pre.missing).toBe('drop');
    expect(checkModelCard(JSON.parse(strFromU8(files['model-card.json'])))).toEqual(localizeCard(card, enBundle));
    // Imported cards: the new fields are checked too, and the first wrong one is named.
    const pathOf = (edit: (c: ModelCard) => void) => {
      const c = JSON.parse(strFromU8(files['model-card.json'])) as ModelCard;
      edit(c);
      try {
        checkModelCard(c);
        return null;
      } catch (e) {
        return (e as { params: { path: string } }).params.path;
      }
    };
    expect(pathOf(() => {})).toBeNull();
    expect(pathOf((c) => ((c.dataset.preprocessing.columns![1] as { std: number }).std = 0))).toBe('dataset.preprocessing.columns[1].std');
    expect(pathOf((c) => ((c.dataset.preprocessing.columns![0] as unknown as { kind: string }).kind = 'text'))).toBe('dataset.preprocessing.columns[0].kind');
    expect(pathOf((c) => Object.assign(c.dataset.preprocessing.columns![2], { onload: 'x' }))).toBe('dataset.preprocessing.columns[2].onload');
    expect(pathOf((c) => ((c.dataset.preprocessing as { missing: unknown }).missing = 'guess'))).toBe('dataset.preprocessing.missing');
    expect(pathOf((c) => ((c.dataset.preprocessing.target as { classes: unknown }).classes = [1, 2, 3]))).toBe('dataset.preprocessing.target.classes[0]');
    expect(pathOf((c) => ((c.dataset.preprocessing as { header: unknown }).header = 'a,b'))).toBe('dataset.preprocessing.header');
    expect(pathOf((c) => (c.dataset.preprocessing.image = { height: 0, width: 28, channels: 1 }))).toBe('dataset.preprocessing.image.height');

    const rows = rawRows(session, dataset);
    expect(rows.length).toBe(dataset.test.count);
    const byName = rows.map((cells) => Object.fromEntries(meta.features.map((f: string, j: number) => [f, cells[j]])));
    const fromObjects = await model.predictBatch(byName);
    const fromLists = await Promise.all(rows.map((cells) => model.predictRow(cells)));
    expect(fromObjects.map(label)).toEqual(Array.from(ev.predicted));
    expect(fromLists.map(label)).toEqual(Array.from(ev.predicted));
    const first = fromObjects[0] as Extract<Prediction, { label: string }>;
    expect(first.label).toBe(meta.target_names[ev.predicted[0]]);
    expect(Object.keys(first.probabilities)).toEqual(meta.target_names);
    expect(Object.values(first.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);

    await expect(model.predictRow({ ...byName[0], 'petal width (cm)': undefined })).rejects.toThrow('"petal width (cm)" is missing');
    const { 'sepal width (cm)': _, ...noWidth } = byName[0];
    await expect(model.predictRow(noWidth)).rejects.toThrow('The row has no field "sepal width (cm)".');
    await expect(model.predictRow({ ...byName[0], 'sepal length (cm)': 'long' })).rejects.toThrow('"sepal length (cm)" needs a number, not "long".');
    model.dispose();
  });

  it('a CSV with numeric, categorical and missing cells: the encoded rows equal the engine\'s, and the predictions the app\'s', async () => {
    const dataset = table(mixedCsv(false), 'mixed.csv', 'classification', 'fill');
    const { session, ev, card, model } = await exported(dataset);
    const pre = card.dataset.preprocessing;
    expect(pre.columns!.map((c) => [c.column, c.kind])).toEqual([['height', 'numeric'], ['colour', 'categorical'], ['weight', 'numeric'], ['size', 'categorical']]);
    expect(pre.columns![1]).toMatchObject({ categories: ['blue', 'green', 'red'] });
    expect(pre.missing).toBe('fill');
    for (const v of pre.missingValues!) expect(isMissing(v)).toBe(true);
    expect(pre.missingValues).toEqual(MISSING_VALUES);

    const rows = rawRows(session, dataset);
    const width = dataset.inputShape[0];
    expect(rows.some((r) => r[0] === 'NA' || r[1] === '')).toBe(true);
    // The row → vector function of predict.js gives the engine's own test features, row for row.
    rows.forEach((cells, i) => {
      const x = rowToInput(card, cells);
      const engine = (dataset.test.x as Float32Array).subarray(i * width, (i + 1) * width);
      for (let k = 0; k < width; k++) expect(Math.abs(x[k] - engine[k])).toBeLessThan(1e-5);
    });
    const predicted = await model.predictBatch(rows);
    expect(predicted.map(label)).toEqual(Array.from(ev.predicted));
    const agree = predicted.filter((p, i) => 'label' in p && p.label === ['no', 'yes'][dataset.test.y[i]]).length;
    expect(agree / rows.length).toBeCloseTo(ev.accuracy, 10);

    const row = Object.fromEntries(pre.header!.map((h, j) => [h, rows[0][j]]));
    await expect(model.predictRow({ ...row, colour: 'purple' })).rejects.toThrow('"colour" = "purple" is not one of the values the model was trained on: blue, green, red.');
    expect(Array.from(rowToInput(card, { ...row, colour: 'purple' }, { unknownCategories: 'zeros' }).subarray(1, 4))).toEqual([0, 0, 0]);
    // Missing cells are filled as the engine fills them: the mean (0 after standardising) and the most frequent category.
    const filled = rowToInput(card, { ...row, height: 'NA', size: '' });
    expect(filled[0]).toBe(0);
    const size = pre.columns![3];
    expect(size.kind === 'categorical' && Array.from(filled.subarray(5, 8))).toEqual(size.kind === 'categorical' ? size.categories.map((c) => (c === size.fill ? 1 : 0)) : false);
    model.dispose();
  });

  it('a regression CSV: values in the target\'s units within 1e-4 of the app\'s', async () => {
    const dataset = table(mixedCsv(true), 'reg.csv', 'regression', 'fill');
    const { session, ev, card, model } = await exported(dataset);
    const target = card.dataset.preprocessing.target!;
    expect(target.kind === 'numeric' && target.std > 10 && target.mean > 900).toBe(true);
    if (target.kind !== 'numeric') return;
    const predicted = await model.predictBatch(rawRows(session, dataset));
    predicted.forEach((p, i) => {
      const app = ev.confidence[i] * target.std + target.mean;
      expect('value' in p).toBe(true);
      if ('value' in p) expect(Math.abs(p.value - app) / Math.abs(app)).toBeLessThan(1e-4);
    });
    model.dispose();
  });

  it('MNIST: raw pixels (0–255, flat or RGBA ImageData) give the app\'s classes; metadata.json carries the labels', async () => {
    const session = await mnistSession(640, 100);
    const { record } = await recordedRun(session, SMALL_CONFIG);
    const ev = await session.evaluateTest();
    const card: ModelCard = cardFromRun(record, 'last', null);
    expect(card.dataset.preprocessing.image).toEqual({ height: 28, width: 28, channels: 1 });
    const files = bundleFiles({ model: await session.exportModel(), card, tfjs: TFJS, texts: enBundle });
    const meta = JSON.parse(strFromU8(files['metadata.json']));
    expect(meta).toMatchObject({ labels: card.dataset.classNames, imageSize: 28, modelName: 'Test run', tfjsVersion: tf.version.tfjs });
    const model = await loadDescentModel(BASE, { tf, fetch: async (url: string) => new Response(files[url.slice(BASE.length)].slice()) });
    const pixels = session.getImages('test', Array.from({ length: 100 }, (_, i) => i));
    const got: number[] = [];
    for (let i = 0; i < 100; i++) got.push(label(await model.predictImage(pixels.subarray(i * 784, (i + 1) * 784))));
    expect(got).toEqual(Array.from(ev.predicted));
    const rgba = new Uint8ClampedArray(784 * 4);
    for (let i = 0; i < 784; i++) rgba.fill(pixels[784 + i], 4 * i, 4 * i + 3), (rgba[4 * i + 3] = 255);
    expect(label(await model.predictImage({ data: rgba, width: 28, height: 28 }))).toBe(ev.predicted[1]);
    // Colour pixels of another shape are cropped, resized and turned grey exactly as the app read its images.
    const photo = { data: Uint8ClampedArray.from({ length: 30 * 44 * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 37) % 251)), width: 30, height: 44 };
    const grey = new Uint8Array(784);
    packChannels(resizeSquare(photo.data, 30, 44, 28), 784, 1, grey);
    expect(Array.from(rgbaToPixels(card, photo))).toEqual(Array.from(grey));
    expect(Array.from(model.imagePixels(photo))).toEqual(Array.from(grey));
    expect(label(await model.predictImage(photo))).toBe(label(await model.predictImage(grey)));
    await expect(model.predictRow({})).rejects.toThrow('This model card has no table columns');
    model.dispose();
  });
});
