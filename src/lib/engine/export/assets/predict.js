/* Classifies a drawn or uploaded image, or a filled-in form, with the exported model and stock TF.js.
   Reads model-card.json for the input shape, the preprocessing and the class names. Plain ES2017, no build. */
(async function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var card, model;
  try {
    card = await (await fetch('model-card.json')).json();
    model = await tf.loadLayersModel('model.json');
  } catch (err) {
    $('about').textContent = 'The model could not be loaded: ' + err.message +
      ' (open this page through a web server, e.g. `python3 -m http.server`, not as a file).';
    return;
  }
  var ds = card.dataset;
  var shape = ds.inputShape;
  var size = shape.reduce(function (a, b) { return a * b; }, 1);
  var norm = ds.preprocessing.normalization;
  $('about').textContent = card.model.name + ' trained on ' + ds.name + ' (' + ds.task + ', input ' + shape.join('×') + ')' +
    (card.metrics && card.metrics.testAccuracy !== null ? ', test accuracy ' + (card.metrics.testAccuracy * 100).toFixed(2) + '%' : '') + '.';

  /** Raw values (as in the dataset files) → model input: scale, then standardise. */
  function preprocess(raw) {
    var x = new Float32Array(size);
    for (var i = 0; i < size; i++) {
      var v = raw[i] * ds.preprocessing.scale;
      if (norm) {
        var k = norm.mean.length === size ? i : i % norm.mean.length;
        v = (v - norm.mean[k]) / norm.std[k];
      }
      x[i] = v;
    }
    return x;
  }

  async function predict(raw) {
    var out = tf.tidy(function () { return model.predict(tf.tensor(preprocess(raw), [1].concat(shape))); });
    var values = await out.data();
    out.dispose();
    show(values);
    return values;
  }

  function show(values) {
    var answer = $('answer');
    var scores = $('scores');
    scores.textContent = '';
    if (ds.task !== 'classification') {
      answer.textContent = values[0].toPrecision(4);
      answer.dataset.pred = String(values[0]);
      return;
    }
    var order = Array.from(values.keys()).sort(function (a, b) { return values[b] - values[a]; });
    answer.textContent = ds.classNames[order[0]];
    answer.dataset.pred = String(order[0]);
    order.slice(0, 3).forEach(function (c) {
      var row = scores.insertRow();
      row.insertCell().textContent = ds.classNames[c];
      row.insertCell().textContent = (values[c] * 100).toFixed(1) + '%';
      var bar = document.createElement('div');
      bar.className = 'bar';
      bar.style.width = Math.max(1, Math.round(values[c] * 160)) + 'px';
      row.insertCell().appendChild(bar);
    });
  }

  function report(err) { $('error').textContent = err.message || String(err); }

  if (ds.inputKind === 'image') setupImage(); else setupTabular();

  function setupImage() {
    var h = shape[0], w = shape[1], c = shape[2];
    $('image-input').hidden = false;
    var pad = $('pad'), ctx = pad.getContext('2d'), preview = $('preview');
    preview.width = w;
    preview.height = h;
    var drawing = false, dirty = false;
    function clear() {
      ctx.fillStyle = ds.darkBackground === false ? '#fff' : '#000';
      ctx.fillRect(0, 0, pad.width, pad.height);
      dirty = false;
    }
    clear();
    ctx.lineCap = ctx.lineJoin = 'round';
    ctx.lineWidth = 20;
    ctx.strokeStyle = ds.darkBackground === false ? '#000' : '#fff';
    function at(e) { var r = pad.getBoundingClientRect(); return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height]; }
    pad.addEventListener('pointerdown', function (e) { drawing = dirty = true; pad.setPointerCapture(e.pointerId); var p = at(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); ctx.lineTo(p[0] + 0.1, p[1]); ctx.stroke(); });
    pad.addEventListener('pointermove', function (e) { if (!drawing) return; var p = at(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); });
    pad.addEventListener('pointerup', function () { drawing = false; if (dirty) classifyCanvas(pad, true).catch(report); });
    $('clear').addEventListener('click', function () { clear(); $('answer').textContent = ''; $('scores').textContent = ''; });
    $('upload').addEventListener('change', function (e) {
      var file = e.target.files[0];
      if (!file) return;
      var img = new Image();
      img.onload = function () {
        var tmp = document.createElement('canvas');
        tmp.width = img.naturalWidth;
        tmp.height = img.naturalHeight;
        tmp.getContext('2d').drawImage(img, 0, 0);
        URL.revokeObjectURL(img.src);
        classifyCanvas(tmp, false).catch(report);
      };
      img.onerror = function () { report(new Error(file.name + ' is not an image this browser can read.')); };
      img.src = URL.createObjectURL(file);
    });

    /** Pixels of `source` at the model's size. A drawing is cropped to its ink and centred as MNIST digits are. */
    function classifyCanvas(source, fromPad) {
      var small = preview.getContext('2d');
      small.fillStyle = ds.darkBackground === false ? '#fff' : '#000';
      small.fillRect(0, 0, w, h);
      var box = fromPad ? inkBox(source) : null;
      if (box) {
        var s = (0.71 * Math.min(w, h)) / Math.max(box.w, box.h);
        small.imageSmoothingQuality = 'high';
        small.drawImage(source, box.x, box.y, box.w, box.h, (w - box.w * s) / 2, (h - box.h * s) / 2, box.w * s, box.h * s);
      } else {
        small.drawImage(source, 0, 0, w, h);
      }
      var rgba = small.getImageData(0, 0, w, h).data;
      var raw = new Float32Array(size);
      var invert = !fromPad && ds.darkBackground === true && borderMean(rgba, w, h) > 127;
      for (var i = 0; i < w * h; i++) {
        for (var k = 0; k < c; k++) {
          var v = c === 1 ? (rgba[4 * i] + rgba[4 * i + 1] + rgba[4 * i + 2]) / 3 : rgba[4 * i + k];
          raw[i * c + k] = invert ? 255 - v : v;
        }
      }
      if (invert) small.putImageData(invertData(small.getImageData(0, 0, w, h)), 0, 0);
      return predict(raw);
    }
  }

  function inkBox(canvas) {
    var d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    var bg = d[0], x0 = canvas.width, y0 = canvas.height, x1 = -1, y1 = -1;
    for (var y = 0; y < canvas.height; y++) {
      for (var x = 0; x < canvas.width; x++) {
        if (Math.abs(d[4 * (y * canvas.width + x)] - bg) > 40) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
      }
    }
    return x1 < 0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
  }

  function borderMean(rgba, w, h) {
    var sum = 0, n = 0;
    for (var y = 0; y < h; y++) for (var x = 0; x < w; x++) {
      if (y === 0 || x === 0 || y === h - 1 || x === w - 1) { var i = 4 * (y * w + x); sum += (rgba[i] + rgba[i + 1] + rgba[i + 2]) / 3; n++; }
    }
    return sum / n;
  }

  function invertData(img) {
    for (var i = 0; i < img.data.length; i += 4) { img.data[i] = 255 - img.data[i]; img.data[i + 1] = 255 - img.data[i + 1]; img.data[i + 2] = 255 - img.data[i + 2]; }
    return img;
  }

  function setupTabular() {
    $('tabular-input').hidden = false;
    var form = $('tabular');
    var names = ds.featureNames || Array.from({ length: size }, function (_, i) { return 'x' + (i + 1); });
    names.forEach(function (name, i) {
      var label = document.createElement('label');
      label.textContent = name;
      var input = document.createElement('input');
      input.type = 'number';
      input.step = 'any';
      input.required = true;
      input.value = '0';
      input.name = 'f' + i;
      label.appendChild(input);
      form.appendChild(label);
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      $('error').textContent = '';
      var raw = names.map(function (_, i) { return Number(form.elements['f' + i].value); });
      if (raw.some(function (v) { return !isFinite(v); })) { report(new Error('Every field needs a number.')); return; }
      predict(raw).catch(report);
    });
  }
  document.body.dataset.ready = 'true';
})();
