/* The demo page of the bundle: a form with one field per column of the training table, or a drawing pad and
   an upload for images, both classified by predict.js (the module your own code can import too). */
import { loadDescentModel } from './predict.js';

const $ = (id) => document.getElementById(id);

/** The page's words in the bundle's language (index.html's JSON block; set only as text, never as markup). */
const texts = JSON.parse($('texts').textContent);

/** A text with its `{name}` placeholders filled: lists joined, input kinds in words. */
function say(template, params) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => {
    if (!params || !(key in params)) return whole;
    const v = params[key];
    if (Array.isArray(v)) return v.join(texts.listSeparator);
    if (key === 'kind' && Object.prototype.hasOwnProperty.call(texts.kinds, v)) return texts.kinds[v];
    return String(v);
  });
}

/** An error in words: predict.js's errors carry a `code` and `params`; anything else keeps its own message. */
function worded(err) {
  if (err && err.code && Object.prototype.hasOwnProperty.call(texts.errors, err.code)) return say(texts.errors[err.code], err.params);
  return err && err.message ? err.message : String(err);
}

function report(err) { $('error').textContent = worded(err); }

function show(card, result) {
  const answer = $('answer');
  const scores = $('scores');
  scores.textContent = '';
  if (!('index' in result)) {
    answer.textContent = result.value.toPrecision(4);
    answer.dataset.pred = String(result.value);
    return;
  }
  answer.textContent = result.label;
  answer.dataset.pred = String(result.index);
  Object.entries(result.probabilities).sort((a, b) => b[1] - a[1]).slice(0, 3).forEach(([name, p]) => {
    const row = scores.insertRow();
    row.insertCell().textContent = name;
    row.insertCell().textContent = (p * 100).toFixed(1) + '%';
    const bar = document.createElement('div');
    bar.className = 'bar';
    bar.style.width = Math.max(1, Math.round(p * 160)) + 'px';
    row.insertCell().appendChild(bar);
  });
}

function setupTabular(model) {
  const card = model.card;
  $('tabular-input').hidden = false;
  const form = $('tabular');
  model.columns.forEach((c, i) => {
    const label = document.createElement('label');
    label.textContent = c.column;
    let input;
    if (c.kind === 'categorical') {
      input = document.createElement('select');
      c.categories.forEach((v) => input.add(new Option(v, v)));
      input.value = c.fill;
    } else {
      input = document.createElement('input');
      input.type = 'text';
      input.inputMode = 'decimal';
      input.value = String(+c.mean.toPrecision(4));
      const hint = document.createElement('small');
      hint.textContent = say(texts.trainingRange, { mean: +c.mean.toPrecision(4), std: +c.std.toPrecision(3) });
      label.append(input, hint);
    }
    input.name = 'f' + i;
    input.dataset.column = c.column;
    if (!input.parentNode) label.appendChild(input);
    form.appendChild(label);
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    $('error').textContent = '';
    const row = {};
    model.columns.forEach((c, i) => { row[c.column] = form.elements['f' + i].value; });
    model.predictRow(row).then((r) => show(card, r)).catch(report);
  });
}

function setupImage(model) {
  const ds = model.card.dataset;
  const img = ds.preprocessing.image;
  const h = img.height, w = img.width, c = img.channels;
  $('image-input').hidden = false;
  const pad = $('pad'), ctx = pad.getContext('2d'), preview = $('preview');
  preview.width = w;
  preview.height = h;
  let drawing = false, dirty = false;
  const background = ds.darkBackground === false ? '#fff' : '#000';
  function clear() {
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, pad.width, pad.height);
    dirty = false;
  }
  clear();
  ctx.lineCap = ctx.lineJoin = 'round';
  ctx.lineWidth = 20;
  ctx.strokeStyle = ds.darkBackground === false ? '#000' : '#fff';
  const at = (e) => { const r = pad.getBoundingClientRect(); return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height]; };
  pad.addEventListener('pointerdown', (e) => { drawing = dirty = true; pad.setPointerCapture(e.pointerId); const p = at(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); ctx.lineTo(p[0] + 0.1, p[1]); ctx.stroke(); });
  pad.addEventListener('pointermove', (e) => { if (!drawing) return; const p = at(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); });
  pad.addEventListener('pointerup', () => { drawing = false; if (dirty) classify(pad, true).catch(report); });
  $('clear').addEventListener('click', () => { clear(); $('answer').textContent = ''; $('scores').textContent = ''; });
  $('upload').addEventListener('change', (e) => {
    const file = e.target.files[0];
    if (!file) return;
    const image = new Image();
    image.onload = () => {
      const tmp = document.createElement('canvas');
      tmp.width = image.naturalWidth;
      tmp.height = image.naturalHeight;
      tmp.getContext('2d').drawImage(image, 0, 0);
      URL.revokeObjectURL(image.src);
      classify(tmp, false).catch(report);
    };
    image.onerror = () => report(new Error(say(texts.badImage, { file: file.name })));
    image.src = URL.createObjectURL(file);
  });

  /**
   * Pixels of `source` as the model sees them (predict.js crops and resizes them as the app did). A drawing is
   * first cropped to its ink and centred as MNIST digits are; an upload on a light background is inverted
   * for a model trained on dark ones.
   */
  async function classify(source, fromPad) {
    const small = preview.getContext('2d');
    let raw;
    if (fromPad) {
      small.fillStyle = background;
      small.fillRect(0, 0, w, h);
      const box = inkBox(source);
      if (box) {
        const s = (0.71 * Math.min(w, h)) / Math.max(box.w, box.h);
        small.imageSmoothingQuality = 'high';
        small.drawImage(source, box.x, box.y, box.w, box.h, (w - box.w * s) / 2, (h - box.h * s) / 2, box.w * s, box.h * s);
      }
      raw = model.imagePixels(preview);
    } else {
      raw = Uint8ClampedArray.from(model.imagePixels(source));
      if (ds.darkBackground === true && borderMean(raw, w, h, c) > 127) raw = raw.map((v) => 255 - v);
      small.putImageData(toImageData(raw, w, h, c), 0, 0);
    }
    show(model.card, await model.predictImage(raw));
  }
}

function toImageData(raw, w, h, c) {
  const img = new ImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    for (let k = 0; k < 3; k++) img.data[4 * i + k] = raw[i * c + (c === 1 ? 0 : k)];
    img.data[4 * i + 3] = 255;
  }
  return img;
}

function inkBox(canvas) {
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const bg = d[0];
  let x0 = canvas.width, y0 = canvas.height, x1 = -1, y1 = -1;
  for (let y = 0; y < canvas.height; y++) {
    for (let x = 0; x < canvas.width; x++) {
      if (Math.abs(d[4 * (y * canvas.width + x)] - bg) > 40) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

/** Mean of the border pixels (all channels) of raw `h × w × c` values. */
function borderMean(raw, w, h, c) {
  let sum = 0, n = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    if (y === 0 || x === 0 || y === h - 1 || x === w - 1) { for (let k = 0; k < c; k++) sum += raw[(y * w + x) * c + k]; n += c; }
  }
  return sum / n;
}

async function main() {
  let model;
  try {
    model = await loadDescentModel(new URL('./', import.meta.url));
  } catch (err) {
    $('about').textContent = say(texts.loadFailed, { message: worded(err) });
    return;
  }
  const card = model.card;
  const ds = card.dataset;
  const accuracy = card.metrics && card.metrics.testAccuracy !== null ? (card.metrics.testAccuracy * 100).toFixed(2) : null;
  const task = Object.prototype.hasOwnProperty.call(texts.tasks, ds.task) ? texts.tasks[ds.task] : ds.task;
  $('about').textContent = say(accuracy === null ? texts.about : texts.aboutAccuracy, { model: card.model.name, dataset: ds.name, task: task, shape: ds.inputShape.join('×'), accuracy: accuracy });
  if (ds.preprocessing.image) setupImage(model); else setupTabular(model);
  document.body.dataset.ready = 'true';
}

main().catch(report);
