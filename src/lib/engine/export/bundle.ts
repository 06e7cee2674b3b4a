/**
 * The export bundle: model.json + weight shards, model-card.json, metadata.json, README.md, a ready page
 * (index.html + demo.js on the predict.js module, tf.min.js and its licence), train.py (Keras) and train_torch.py (PyTorch), zipped in one folder. Pure: strings and bytes in,
 * bytes out, so it runs in the worker and in Node tests.
 */
import { zipSync, strToU8, type Zippable } from 'fflate';
import type { ModelCard } from '../runs/record';
import indexHtml from './assets/index.html?raw';
import tfjsLicence from './assets/LICENSE-tfjs.txt?raw';
import demoJs from './assets/demo.js?raw';
import predictJs from './assets/predict.js?raw';
import type { BundleTexts } from './bundle-texts';
import { fillTemplate, htmlText } from './escape';
import { renderTrainPy } from './keras';
import type { LayersModelFiles } from './layers-format';
import type { ModelJson } from './quantize';
import { renderReadme } from './readme';
import { renderTrainTorchPy } from './torch';

/** Shard size of the tensorflowjs converter: browsers cache files of this size well. */
export const SHARD_BYTES = 4 * 1024 * 1024;

export interface BundleInput {
  model: LayersModelFiles;
  card: ModelCard;
  /** Contents of @tensorflow/tfjs/dist/tf.min.js (the page loads it from the bundle: no network needed). */
  tfjs: Uint8Array;
  /** The words of README.md, the card and the demo page, in the page's language (i18n/en-bundle.ts, zh-bundle.ts). */
  texts: BundleTexts;
  shardBytes?: number;
}

/** Splits the weights into converter-style shards (`group1-shard1of2.bin`, …) and points the manifest at them. */
export function shardModel(files: LayersModelFiles, shardBytes = SHARD_BYTES): { modelJson: string; shards: { name: string; bytes: Uint8Array }[] } {
  const json = JSON.parse(files.modelJson) as ModelJson;
  const all = new Uint8Array(files.weights);
  const count = Math.max(1, Math.ceil(all.length / shardBytes));
  const shards = Array.from({ length: count }, (_, i) => ({
    name: `group1-shard${i + 1}of${count}.bin`,
    bytes: all.slice(i * shardBytes, Math.min(all.length, (i + 1) * shardBytes)),
  }));
  const weights = json.weightsManifest.flatMap((g) => g.weights);
  const modelJson = { ...json, weightsManifest: [{ paths: shards.map((s) => s.name), weights }] };
  return { modelJson: JSON.stringify(modelJson), shards };
}

/** A folder name from the model's name: lower-case letters, digits and dashes. */
export function bundleFolder(name: string): string {
  const slug = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return slug || 'descent-model';
}

/**
 * `metadata.json` as Teachable Machine and ml5 bundles carry it: the class labels in output order (for a
 * regression model, the target column), the TF.js version, the model's name, the export time and, for
 * images, the side of the square input.
 */
export function bundleMetadata(card: ModelCard): Record<string, unknown> {
  const d = card.dataset;
  const image = d.preprocessing.image;
  return {
    tfjsVersion: card.tfjsVersion,
    packageName: 'descent',
    packageVersion: card.generator,
    modelName: card.name,
    timeStamp: card.createdAt,
    labels: d.task === 'classification' ? [...d.classNames] : [],
    ...(d.task === 'regression' ? { target: d.preprocessing.target?.column ?? d.classNames[0] } : {}),
    ...(image ? { imageSize: image.width === image.height ? image.width : [image.height, image.width], imageChannels: image.channels } : {}),
    userMetadata: { task: d.task, inputShape: [...d.inputShape], preprocessing: 'model-card.json: dataset.preprocessing' },
  };
}

/**
 * The card as the bundle writes it: its `language`, and its words (the preprocessing, the tuner's reasons) in
 * that language. Machine fields (keys, column names, numbers) are the card's own, so predict.js and import
 * read a card in any language alike.
 */
export function localizeCard(card: ModelCard, texts: BundleTexts): ModelCard {
  const pre = card.dataset.preprocessing;
  const tuning = card.hyperParameters?.tuning;
  return {
    ...card,
    language: texts.language,
    dataset: { ...card.dataset, preprocessing: { ...pre, description: texts.card.preprocessing(pre) } },
    tuner: card.tuner?.map((d) => ({ ...d, reason: texts.card.tunerReason(d, tuning) ?? d.reason })) ?? card.tuner,
  };
}

/** JSON inside a `<script type="application/json">` block: no `<` can end the block or open a comment. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** index.html in the language of `texts`: static words filled in here, the rest (demo.js's) as a JSON block it reads. */
export function renderIndexHtml(card: ModelCard, texts: BundleTexts): string {
  const t = texts.demo;
  const link = (href: string) => `<a href="${href}">${href}</a>`;
  const footer = htmlText(t.footer)
    .replace('{tfjs}', '<code>tf.min.js</code>')
    .replace('{readme}', link('README.md'))
    .replace('{card}', link('model-card.json'));
  return fillTemplate(indexHtml, {
    LANG: htmlText(texts.language),
    TITLE: htmlText(card.name),
    LOADING: htmlText(t.loading),
    PAD: htmlText(t.pad),
    CLEAR: htmlText(t.clear),
    UPLOAD: htmlText(t.upload),
    SEES: htmlText(t.sees),
    PREDICT: htmlText(t.predict),
    FOOTER: footer,
    TEXTS: scriptJson(t),
  });
}

/** Every file of the bundle by its path inside the folder. */
export function bundleFiles(input: BundleInput): Record<string, Uint8Array> {
  const { modelJson, shards } = shardModel(input.model, input.shardBytes);
  const card = localizeCard(input.card, input.texts);
  const files: Record<string, Uint8Array> = {
    'model.json': strToU8(modelJson),
    ...Object.fromEntries(shards.map((s) => [s.name, s.bytes])),
    'model-card.json': strToU8(JSON.stringify(card, null, 2)),
    'index.html': strToU8(renderIndexHtml(card, input.texts)),
    'predict.js': strToU8(predictJs),
    'demo.js': strToU8(demoJs),
    'metadata.json': strToU8(JSON.stringify(bundleMetadata(card), null, 2)),
    'tf.min.js': input.tfjs,
    'LICENSE-tfjs.txt': strToU8(tfjsLicence),
    'train.py': strToU8(renderTrainPy(card)),
    'train_torch.py': strToU8(renderTrainTorchPy(card)),
  };
  files['README.md'] = strToU8(renderReadme(card, [...Object.keys(files), 'README.md'], input.texts));
  return files;
}

/** Zips the files under one folder; float weights barely compress, so they are stored as they are. */
export function zipBundle(folder: string, files: Record<string, Uint8Array>): Uint8Array {
  const tree: Zippable = {};
  for (const [name, bytes] of Object.entries(files)) {
    tree[name] = [bytes, { level: name.endsWith('.bin') ? 0 : name === 'tf.min.js' ? 6 : 9 }];
  }
  return zipSync({ [folder]: tree }, { mtime: new Date('2026-01-01T00:00:00Z') });
}
