/**
 * predict.js: use this exported model from any web page or app, with stock TensorFlow.js.
 *
 *   <script src="tf.min.js"></script>                      (or pass { tf } from `import * as tf from '@tensorflow/tfjs'`)
 *   <script type="module">
 *     import { loadDescentModel } from './predict.js';
 *     const model = await loadDescentModel(new URL('./', import.meta.url));   // the folder holding model.json
 *     await model.predictRow({ 'sepal length (cm)': '5.1', ... });  // → { label, index, probabilities: { class: p } } or { value }
 *     await model.predictBatch([row1, row2]);                        // → one result per row
 *     await model.predictImage(imgOrCanvasOrImageData);              // image models (any size: cropped and resized as the app did)
 *   </script>
 *
 * Rows hold raw values as in the training CSV (strings or numbers), by column name, or a list of cells in
 * the CSV's column order. The model card (model-card.json) carries the preprocessing: standardisation
 * constants of the training rows, one-hot vocabularies, the missing-value policy, the class names or the
 * target's scale. A missing column or a category the model never saw throws an Error that names it.
 * Every Error thrown here has a `code` and `params` besides its (English) message, so a page can word it in
 * its own language (the bundle's demo.js does; README.md lists the codes).
 * Plain ES2017 module, no build step, no network beyond the model's own files.
 */

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const COMMA_DECIMAL = /^[-+]?\d+,\d+$/;
const DEFAULT_MISSING = ['', 'na', 'n/a', 'nan', 'null', 'none', '?'];

/** Throws an Error with `code` and `params` (for a page's own words) and an English `message` (for developers). */
function fail(code, params, message) {
  const err = new Error(message);
  err.code = code;
  err.params = params;
  throw err;
}

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
    if (!header) fail('noHeader', {}, 'This model card has no CSV header: give the row as an object { column: value }.');
    if (row.length !== header.length) fail('rowLength', { cells: row.length, columns: header.length, header: header.slice() }, 'The row has ' + row.length + ' cells; the CSV had ' + header.length + ' columns (' + header.join(', ') + ').');
    const out = {};
    header.forEach(function (name, i) { out[name] = row[i]; });
    return out;
  }
  if (typeof row !== 'object' || row === null) fail('rowType', {}, 'A row is an object { column: value } or a list of cells.');
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
  if (!columns) fail('notTable', { dataset: card.dataset.name, kind: card.dataset.inputKind }, 'This model card has no table columns: ' + card.dataset.name + ' takes ' + card.dataset.inputKind + ' inputs.');
  const record = asRecord(card, row);
  const missingValues = pre.missingValues || DEFAULT_MISSING;
  const zeros = options && options.unknownCategories === 'zeros';
  const x = new Float32Array(columns.reduce(function (n, c) { return n + width(c); }, 0));
  let k = 0;
  for (const c of columns) {
    if (!Object.prototype.hasOwnProperty.call(record, c.column)) fail('missingField', { column: c.column }, 'The row has no field "' + c.column + '".');
    const raw = record[c.column];
    const text = cellText(raw);
    const missing = typeof raw !== 'number' && missingValues.indexOf(text.toLowerCase()) >= 0;
    if (missing && pre.missing !== 'fill') fail('missingValue', { column: c.column }, '"' + c.column + '" is missing; this model was trained without rows with missing values.');
    if (c.kind === 'numeric') {
      const v = missing ? c.mean : parseNumber(raw);
      if (!Number.isFinite(v)) fail('notANumber', { column: c.column, value: text }, '"' + c.column + '" needs a number, not "' + text + '".');
      x[k++] = (v - c.mean) / c.std;
    } else {
      const at = c.categories.indexOf(missing ? c.fill : text);
      if (at < 0 && !zeros) fail('unknownCategory', { column: c.column, value: text, categories: c.categories.slice() }, '"' + c.column + '" = "' + text + '" is not one of the values the model was trained on: ' + c.categories.join(', ') + '.');
      for (let m = 0; m < c.categories.length; m++) x[k++] = m === at ? 1 : 0;
    }
  }
  return x;
}

/** A decoded photo may be drawn at up to this multiple of the model's side first, as the app does (the box filter does the rest). */
const PRE_SHRINK = 4;

/** Source indices and weights that cover output pixel `o` of `outSize`, over `length` source pixels from `start`. */
function axisWeights(start, length, outSize) {
  const scale = length / outSize;
  const index = [];
  const weight = [];
  const offsets = new Int32Array(outSize + 1);
  for (let o = 0; o < outSize; o++) {
    offsets[o] = index.length;
    const lo = start + o * scale;
    const hi = lo + scale;
    for (let s = Math.floor(lo); s < Math.ceil(hi); s++) {
      const cover = Math.min(hi, s + 1) - Math.max(lo, s);
      if (cover > 1e-9) {
        index.push(s);
        weight.push(cover / scale);
      }
    }
  }
  offsets[outSize] = index.length;
  return { index: Int32Array.from(index), weight: Float32Array.from(weight), offsets: offsets };
}

/**
 * RGBA pixels (`width × height`) → a `size × size` RGBA square, exactly as the app resized its training
 * images: the largest centred square is cropped, then each output pixel averages the source area it covers.
 */
export function resizeSquare(rgba, width, height, size) {
  const side = Math.min(width, height);
  const xs = axisWeights((width - side) / 2, side, size);
  const ys = axisWeights((height - side) / 2, side, size);
  const tmp = new Float32Array(height * size * 4);
  for (let y = 0; y < height; y++) {
    for (let o = 0; o < size; o++) {
      for (let k = xs.offsets[o]; k < xs.offsets[o + 1]; k++) {
        const src = (y * width + xs.index[k]) * 4;
        const dst = (y * size + o) * 4;
        const w = xs.weight[k];
        for (let c = 0; c < 4; c++) tmp[dst + c] += rgba[src + c] * w;
      }
    }
  }
  const out = new Uint8ClampedArray(size * size * 4);
  for (let o = 0; o < size; o++) {
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0];
      for (let k = ys.offsets[o]; k < ys.offsets[o + 1]; k++) {
        const src = (ys.index[k] * size + x) * 4;
        for (let c = 0; c < 4; c++) acc[c] += tmp[src + c] * ys.weight[k];
      }
      for (let c = 0; c < 4; c++) out[(o * size + x) * 4 + c] = Math.round(acc[c]);
    }
  }
  return out;
}

/**
 * Raw pixel values (0–255, `height × width × channels`) of RGBA pixels `{ data, width, height }` of any size:
 * cropped and resized to the model's square as the app did, then greyscale (luma, ITU-R BT.601, rounded) or RGB.
 */
export function rgbaToPixels(card, pixels) {
  const ds = card.dataset;
  const img = ds.preprocessing.image;
  if (!img) fail('notImage', { kind: ds.inputKind }, 'This model takes ' + ds.inputKind + ' inputs, not images.');
  let d = pixels.data;
  if (pixels.width !== img.width || pixels.height !== img.height) {
    if (img.width !== img.height) fail('imageSize', { width: pixels.width, height: pixels.height, modelWidth: img.width, modelHeight: img.height }, 'The image is ' + pixels.width + '×' + pixels.height + '; the model takes ' + img.width + '×' + img.height + '.');
    d = resizeSquare(d, pixels.width, pixels.height, img.width);
  }
  const out = new Uint8ClampedArray(img.height * img.width * img.channels);
  for (let i = 0; i < img.width * img.height; i++) {
    if (img.channels === 1) out[i] = Math.round(0.299 * d[4 * i] + 0.587 * d[4 * i + 1] + 0.114 * d[4 * i + 2]);
    else for (let c = 0; c < img.channels; c++) out[i * img.channels + c] = d[4 * i + c];
  }
  return out;
}

/**
 * The model's input of one image given as raw pixels: `{ data, width, height }` in RGBA (ImageData, any
 * size: cropped and resized as the app did), or a flat array of `height × width × channels` values 0–255.
 */
export function pixelsToInput(card, pixels) {
  const ds = card.dataset;
  const img = ds.preprocessing.image;
  if (!img) fail('notImage', { kind: ds.inputKind }, 'This model takes ' + ds.inputKind + ' inputs, not images.');
  const size = img.height * img.width * img.channels;
  const scale = ds.preprocessing.scale;
  const rgba = pixels && pixels.data && typeof pixels.width === 'number';
  const raw = rgba ? rgbaToPixels(card, pixels) : pixels;
  if (!raw || raw.length !== size) fail('pixelCount', { size: size, height: img.height, width: img.width, channels: img.channels, got: raw ? raw.length : 0 }, 'An image needs ' + size + ' pixel values (' + img.height + '×' + img.width + '×' + img.channels + '), not ' + (raw ? raw.length : 0) + '.');
  const x = new Float32Array(size);
  for (let i = 0; i < size; i++) x[i] = raw[i] * scale;
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

/**
 * RGBA pixels of an <img>, <canvas>, ImageBitmap or <video> (browsers only), read as the app read its
 * training images: over a white background, a large photo drawn at about PRE_SHRINK times the model's side.
 */
function drawnPixels(card, source) {
  const img = card.dataset.preprocessing.image;
  if (!img) fail('notImage', { kind: card.dataset.inputKind }, 'This model takes ' + card.dataset.inputKind + ' inputs, not images.');
  const w0 = source.naturalWidth || source.videoWidth || source.width;
  const h0 = source.naturalHeight || source.videoHeight || source.height;
  if (!(w0 > 0 && h0 > 0)) fail('noPixels', {}, 'The image has no pixels yet (wait for it to load).');
  const scale = Math.min(1, (Math.max(img.width, img.height) * PRE_SHRINK) / Math.min(w0, h0));
  const width = Math.max(1, Math.round(w0 * scale));
  const height = Math.max(1, Math.round(h0 * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height);
}

function isPixels(source) {
  return !!source && (!!source.data || Array.isArray(source) || ArrayBuffer.isView(source));
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
  if (!tf) fail('noTf', {}, 'TensorFlow.js is not loaded: add <script src="tf.min.js"></script> before this module, or pass { tf }.');
  const fetchFunc = opts.fetch || globalThis.fetch.bind(globalThis);
  const folder = folderUrl(base);
  const cardUrl = new URL('model-card.json', folder).href;
  const response = await fetchFunc(cardUrl);
  if (!response.ok) fail('cardUnreadable', { url: cardUrl, status: response.status }, cardUrl + ' could not be read (HTTP ' + response.status + ').');
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
    /** Raw pixel values (0–255, height × width × channels) of an image, ImageData or canvas, as the model sees it. */
    imagePixels: function (source) { return isPixels(source) && !source.data ? source : rgbaToPixels(card, isPixels(source) ? source : drawnPixels(card, source)); },
    predictImage: async function (source) {
      return (await run([pixelsToInput(card, isPixels(source) ? source : drawnPixels(card, source))]))[0];
    },
    /** An input already encoded (Float32Array of the model's input size). */
    predictInput: async function (x) { return (await run([x]))[0]; },
    dispose: function () { model.dispose(); },
  };
}
