/**
 * predict.js: use this exported model from any web page or app, with stock TensorFlow.js.
 *
 *   <script src="tf.min.js"></script>                      (or pass { tf } from `import * as tf from '@tensorflow/tfjs'`)
 *   <script type="module">
 *     import { loadDescentModel } from './predict.js';
 *     const model = await loadDescentModel(new URL('./', import.meta.url));   // the folder holding model.json
 *     await model.predictRow({ 'sepal length (cm)': '5.1', ... });  // → { label, index, probabilities: { class: p } } or { value }
 *     await model.predictBatch([row1, row2]);                        // → one result per row
 *     await model.predictImage(imgOrCanvasOrImageData);              // image models
 *   </script>
 *
 * Rows hold raw values as in the training CSV (strings or numbers), by column name, or a list of cells in
 * the CSV's column order. The model card (model-card.json) carries the preprocessing: standardisation
 * constants of the training rows, one-hot vocabularies, the missing-value policy, the class names or the
 * target's scale. A missing column or a category the model never saw throws an Error that names it.
 * Plain ES2017 module, no build step, no network beyond the model's own files.
 */

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const COMMA_DECIMAL = /^[-+]?\d+,\d+$/;
const DEFAULT_MISSING = ['', 'na', 'n/a', 'nan', 'null', 'none', '?'];

function cellText(value) {
  return value === null || value === undefined ? '' : String(value).trim();
}

/** A cell as a number ("3,5" reads as 3.5, as in ";"-separated files), or NaN. */
export function parseNumber(value) {
  if (typeof value === 'number') return value;
  const s = cellText(value);
  if (NUMBER.test(s)) return Number(s);
  if (COMMA_DECIMAL.test(s)) return Number(s.replace(',', '.'));
  return NaN;
}

/** Number of model inputs of one table column. */
function width(column) {
  return column.kind === 'numeric' ? 1 : column.categories.length;
}

/** The row as `{ column: value }`: an object is taken as it is, a list is read in the CSV's column order. */
function asRecord(card, row) {
  if (Array.isArray(row)) {
    const header = card.dataset.preprocessing.header;
    if (!header) throw new Error('This model card has no CSV header: give the row as an object { column: value }.');
    if (row.length !== header.length) throw new Error('The row has ' + row.length + ' cells; the CSV had ' + header.length + ' columns (' + header.join(', ') + ').');
    const out = {};
    header.forEach(function (name, i) { out[name] = row[i]; });
    return out;
  }
  if (typeof row !== 'object' || row === null) throw new Error('A row is an object { column: value } or a list of cells.');
  return row;
}

/**
 * The model's input vector of one raw table row, in the order the app encoded its training data.
 * `options.unknownCategories: 'zeros'` encodes a category the model never saw as all zeros (as the app does
 * for its own test rows) instead of throwing.
 */
export function rowToInput(card, row, options) {
  const pre = card.dataset.preprocessing;
  const columns = pre.columns;
  if (!columns) throw new Error('This model card has no table columns: ' + card.dataset.name + ' takes ' + card.dataset.inputKind + ' inputs.');
  const record = asRecord(card, row);
  const missingValues = pre.missingValues || DEFAULT_MISSING;
  const zeros = options && options.unknownCategories === 'zeros';
  const x = new Float32Array(columns.reduce(function (n, c) { return n + width(c); }, 0));
  let k = 0;
  for (const c of columns) {
    if (!Object.prototype.hasOwnProperty.call(record, c.column)) throw new Error('The row has no field "' + c.column + '".');
    const raw = record[c.column];
    const text = cellText(raw);
    const missing = typeof raw !== 'number' && missingValues.indexOf(text.toLowerCase()) >= 0;
    if (missing && pre.missing !== 'fill') throw new Error('"' + c.column + '" is missing; this model was trained without rows with missing values.');
    if (c.kind === 'numeric') {
      const v = missing ? c.mean : parseNumber(raw);
      if (!Number.isFinite(v)) throw new Error('"' + c.column + '" needs a number, not "' + text + '".');
      x[k++] = (v - c.mean) / c.std;
    } else {
      const at = c.categories.indexOf(missing ? c.fill : text);
      if (at < 0 && !zeros) throw new Error('"' + c.column + '" = "' + text + '" is not one of the values the model was trained on: ' + c.categories.join(', ') + '.');
      for (let m = 0; m < c.categories.length; m++) x[k++] = m === at ? 1 : 0;
    }
  }
  return x;
}

/**
 * The model's input of one image given as raw pixels: `{ data, width, height }` in RGBA (ImageData) at the
 * model's size, or a flat array of `height × width × channels` values 0–255.
 */
export function pixelsToInput(card, pixels) {
  const ds = card.dataset;
  const img = ds.preprocessing.image;
  if (!img) throw new Error('This model takes ' + ds.inputKind + ' inputs, not images.');
  const size = img.height * img.width * img.channels;
  const scale = ds.preprocessing.scale;
  const x = new Float32Array(size);
  const rgba = pixels && pixels.data && typeof pixels.width === 'number';
  if (rgba) {
    if (pixels.width !== img.width || pixels.height !== img.height) throw new Error('The image is ' + pixels.width + '×' + pixels.height + '; the model takes ' + img.width + '×' + img.height + ' (give an <img> or <canvas> to have it resized).');
    const d = pixels.data;
    for (let i = 0; i < img.width * img.height; i++) {
      for (let c = 0; c < img.channels; c++) {
        const v = img.channels === 1 ? (d[4 * i] + d[4 * i + 1] + d[4 * i + 2]) / 3 : d[4 * i + c];
        x[i * img.channels + c] = v * scale;
      }
    }
    return x;
  }
  if (!pixels || pixels.length !== size) throw new Error('An image needs ' + size + ' pixel values (' + img.height + '×' + img.width + '×' + img.channels + '), not ' + (pixels ? pixels.length : 0) + '.');
  for (let i = 0; i < size; i++) x[i] = pixels[i] * scale;
  return x;
}

/** One output row of the model → `{ label, index, probabilities }` (classes) or `{ value }` in the target's units. */
export function outputToPrediction(card, values) {
  const ds = card.dataset;
  if (ds.task !== 'classification') {
    const t = ds.preprocessing.target;
    return { value: t && t.kind === 'numeric' ? values[0] * t.std + t.mean : values[0] };
  }
  const t = ds.preprocessing.target;
  const names = t && t.kind === 'classes' ? t.classes : ds.classNames;
  let index = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[index]) index = i;
  const probabilities = {};
  for (let i = 0; i < values.length; i++) probabilities[names[i] !== undefined ? names[i] : String(i)] = values[i];
  return { label: names[index] !== undefined ? names[index] : String(index), index: index, probabilities: probabilities };
}

/** Pixels of an <img>, <canvas>, ImageBitmap or <video> drawn at the model's size (browsers only). */
function drawnPixels(card, source) {
  const img = card.dataset.preprocessing.image;
  const canvas = document.createElement('canvas');
  canvas.width = img.width;
  canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, img.width, img.height);
  return ctx.getImageData(0, 0, img.width, img.height);
}

function folderUrl(base) {
  const href = base === undefined ? new URL('./', import.meta.url).href : String(base instanceof URL ? base.href : base);
  return new URL(href.endsWith('/') ? href : href + '/', typeof location !== 'undefined' ? location.href : undefined);
}

/**
 * Loads the model and its card from the folder `base` (a URL or a path; default: the folder of this file).
 * Options: `tf` (else the global `tf` of tf.min.js), `fetch` (a fetch function for the card and the weights).
 */
export async function loadDescentModel(base, options) {
  const opts = options || {};
  const tf = opts.tf || globalThis.tf;
  if (!tf) throw new Error('TensorFlow.js is not loaded: add <script src="tf.min.js"></script> before this module, or pass { tf }.');
  const fetchFunc = opts.fetch || globalThis.fetch.bind(globalThis);
  const folder = folderUrl(base);
  const cardUrl = new URL('model-card.json', folder).href;
  const response = await fetchFunc(cardUrl);
  if (!response.ok) throw new Error(cardUrl + ' could not be read (HTTP ' + response.status + ').');
  const card = await response.json();
  const model = await tf.loadLayersModel(new URL('model.json', folder).href, opts.fetch ? { fetchFunc: fetchFunc } : undefined);
  const shape = card.dataset.inputShape;
  const size = shape.reduce(function (a, b) { return a * b; }, 1);

  async function run(inputs) {
    const flat = new Float32Array(inputs.length * size);
    inputs.forEach(function (x, i) { flat.set(x, i * size); });
    const out = tf.tidy(function () { return model.predict(tf.tensor(flat, [inputs.length].concat(shape))); });
    const values = await out.data();
    out.dispose();
    const outputs = values.length / inputs.length;
    return inputs.map(function (_, i) { return outputToPrediction(card, values.subarray(i * outputs, (i + 1) * outputs)); });
  }

  return {
    card: card,
    model: model,
    folder: folder.href,
    /** The input columns: name, kind, and the vocabulary (categorical) or the training mean and std (numeric). */
    columns: card.dataset.preprocessing.columns || [],
    inputVector: function (row, rowOptions) { return rowToInput(card, row, rowOptions); },
    predictRow: async function (row, rowOptions) { return (await run([rowToInput(card, row, rowOptions)]))[0]; },
    predictBatch: function (rows, rowOptions) { return run(rows.map(function (r) { return rowToInput(card, r, rowOptions); })); },
    predictImage: async function (source) {
      const isPixels = source && (source.data || Array.isArray(source) || ArrayBuffer.isView(source));
      return (await run([pixelsToInput(card, isPixels ? source : drawnPixels(card, source))]))[0];
    },
    /** An input already encoded (Float32Array of the model's input size). */
    predictInput: async function (x) { return (await run([x]))[0]; },
    dispose: function () { model.dispose(); },
  };
}
