import type { LayerSpec } from '../models/spec';
import type { ModelCard } from '../runs/record';
import { DEFAULT_CONFIG } from '../train/config';
import { mdCode, mdText } from './escape';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(2)}%`);
const num = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(4));

function layerLine(layer: LayerSpec, i: number): string {
  const { type, ...rest } = layer as { type: string } & Record<string, unknown>;
  const args = Object.entries(rest).map(([k, v]) => `${mdText(k)} ${mdText(JSON.stringify(v))}`).join(', ');
  return `${i + 1}. ${mdText(type)}${args ? ` (${args})` : ''}`;
}

/** A two-column table; the values must already be Markdown (mdText escapes `|` with the rest). */
function table(rows: [string, string][]): string {
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

function sizeText(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

function quantizationSection(card: ModelCard): string {
  const q = card.quantization;
  if (!q) return 'None: the weights are stored as 32-bit floats.';
  const acc = q.testAccuracyBefore === null || q.testAccuracyAfter === null
    ? 'The accuracy change was not measured (the dataset was not loaded).'
    : `Test accuracy ${pct(q.testAccuracyBefore)} before, ${pct(q.testAccuracyAfter)} after (${((q.testAccuracyAfter - q.testAccuracyBefore) * 100).toFixed(2)} points, on ${q.testCount} test examples).`;
  return `Weights stored as **${q.dtype}**: ${sizeText(q.bytesBefore)} → ${sizeText(q.bytesAfter)}. TF.js turns them back into 32-bit floats when it loads the model. ${acc}`;
}

/** A ten-line example of predict.js with this model's own columns, in a fenced block (names escaped as JS strings). */
function usage(card: ModelCard): string {
  const d = card.dataset;
  const cols = d.preprocessing.columns ?? [];
  const example = (c: (typeof cols)[number]) => (c.kind === 'numeric' ? String(+c.mean.toPrecision(4)) : c.categories[0] ?? c.fill);
  const row = cols.slice(0, 6).map((c) => `${jsString(c.column)}: ${jsString(example(c))}`).join(', ') + (cols.length > 6 ? ', /* … every column */' : '');
  const call = d.preprocessing.image
    ? `const result = await model.predictImage(document.querySelector('canvas')); // an img or canvas element, ImageData, or ${d.inputShape.join('×')} pixel values 0–255`
    : `const result = await model.predictRow({ ${row || '/* column: raw value */'} }); // raw values as in the CSV`;
  const out = d.task === 'classification' ? 'console.log(result.label, result.probabilities); // { label, index, probabilities: { class: p } }' : `console.log(result.value); // in the units of the target`;
  return [
    '```js',
    '// In a module script of your page, after tf.min.js (or pass { tf } from @tensorflow/tfjs as the second argument):',
    "import { loadDescentModel } from './predict.js';",
    "const model = await loadDescentModel(new URL('./', import.meta.url)); // or 'https://example.com/models/this-folder/'",
    call,
    out,
    'const results = await model.predictBatch([/* rows */]); // one result per row',
    '// A missing column or an unknown category throws an Error that names it.',
    'model.dispose();',
    '```',
  ].join('\n');
}

/** A JavaScript string literal (JSON's escaping), safe inside a fenced code block: no backticks can close it. */
function jsString(s: string): string {
  return JSON.stringify(s).replace(/`/g, '\\u0060').replace(/</g, '\\u003c');
}

/** README.md of an exported bundle: what the model is, how it was trained, how to use the files. */
export function renderReadme(card: ModelCard, fileNames: string[]): string {
  const d = card.dataset;
  const m = card.metrics;
  const h = card.hyperParameters ?? DEFAULT_CONFIG;
  const checksum = d.checksum
    ? `SHA-256 ${mdCode(d.checksum.value)} (of the ${d.checksum.of === 'files' ? 'files as loaded' : 'parsed data'})` +
      (d.checksum.files ? '\n\n' + d.checksum.files.map((f) => `- ${mdCode(f.sha256)}  ${mdText(f.name)}`).join('\n') : '')
    : 'not recorded';
  const norm = d.preprocessing.normalization
    ? `\n\nNormalisation constants:\n\n- mean: ${mdCode(JSON.stringify(d.preprocessing.normalization.mean))}\n- std: ${mdCode(JSON.stringify(d.preprocessing.normalization.std))}`
    : '';
  const tuner = card.tuner?.length
    ? card.tuner.map((t) => `- **${mdText(t.parameter)}** = ${mdCode(String(t.value))}: ${mdText(t.reason)}`).join('\n')
    : 'The hyper-parameters were set by hand (the auto-tuner did not run).';
  return `# ${mdText(card.name)}

A ${mdText(d.task)} model for **${mdText(d.name)}**, trained in the browser with Descent and exported in the TF.js layers format.
Exported ${mdText(card.createdAt)} (${card.weights.kind === 'best' ? `weights of the best epoch, ${card.weights.epoch}` : `weights after epoch ${card.weights.epoch ?? '–'}`}).

## Use it

- **In a web page:** serve this folder with any static server (\`python3 -m http.server\`) and open \`index.html\`.
  ${d.inputKind === 'image' ? 'Draw a digit or upload an image' : 'Fill in the form'} and the page classifies it with stock TF.js (\`tf.min.js\` is included; no network needed).
- **In your own code:** \`predict.js\` is an ES module that loads this folder and applies the preprocessing below itself
  (see [Use it from your own code](#use-it-from-your-own-code)). The bare model is \`tf.loadLayersModel('model.json')\`, with inputs of shape
  \`[batch, ${d.inputShape.join(', ')}]\` already preprocessed.
- **In Python/Keras:** \`python3 train.py --data DATA\` rebuilds the same model, loads these weights and trains it with the same
  hyper-parameters on your GPU (\`--from-scratch\` starts from new weights).
- **In PyTorch:** \`train_torch.py\` does the same and can spread the work over several GPUs or processes; see
  [Continue in PyTorch](#continue-in-pytorch).

## Use it from your own code

${usage(card)}

\`metadata.json\` lists the class labels in output order (as Teachable Machine and ml5 bundles do).

## Continue in PyTorch

\`train_torch.py\` rebuilds the model layer for layer, loads these weights, applies the preprocessing below to the
same data file (DATA: the CSV, a folder with MNIST's idx files, or a folder with a sub-folder of images per class)
and trains with the same hyper-parameters. It writes the result as a TF.js model that Descent imports.

\`\`\`sh
pip install torch numpy pillow
python3 train_torch.py --data DATA --epochs 5 --out trained            # one process, CPU or one GPU
torchrun --nproc_per_node=4 train_torch.py --data DATA --out trained   # DistributedDataParallel over 4 processes
\`\`\`

Then import the files in \`trained\` (model.json, its weights, model-card.json) in Descent with **Import a model**.
\`python3 train_torch.py --help\` lists the options.

## Dataset

${table([
    ['Name', mdText(d.name)],
    ['Id', mdText(d.id)],
    ['Source', mdText(d.source)],
    ['Examples', `${d.trainCount} training, ${d.testCount} test`],
    ['Input shape', `[${d.inputShape.join(', ')}] (${mdText(d.inputKind)})`],
    ['Classes', d.task === 'classification' ? d.classNames.map(mdText).join(', ') : 'one output (regression)'],
  ])}

Checksum: ${checksum}

## Preprocessing

${mdText(d.preprocessing.description)}${norm}

## Model

${mdText(card.model.name)}, ${card.totalParams.toLocaleString('en')} parameters:

${card.model.layers.map(layerLine).join('\n')}

## Hyper-parameters

${card.hyperParameters ? '' : 'Not known (the model was imported without its card); train.py uses these defaults:\n\n'}${table([
    ['Optimizer', mdText(h.optimizer)],
    ['Learning rate', String(h.learningRate)],
    ['Batch size', String(h.batchSize)],
    ['Epochs', String(h.epochs)],
    ['Validation split', String(h.validationSplit)],
    ['Loss', mdText(h.loss ?? (d.task === 'classification' ? 'sparseCategoricalCrossentropy' : 'meanSquaredError'))],
    ['Early stopping', h.earlyStopping ? `patience ${h.earlyStopping.patience}, restore best weights: ${h.earlyStopping.restoreBest ? 'yes' : 'no'}` : 'off'],
    ['Seed', String(card.seed)],
  ])}

### Auto-tuner

${tuner}

## Results

${m
    ? table([
        ['Epochs trained', String(m.epochs)],
        ['Steps', String(m.steps)],
        ['Training loss / accuracy (last epoch)', `${num(m.trainLoss)} / ${pct(m.trainAccuracy)}`],
        ['Validation loss / accuracy', `${num(m.valLoss)} / ${pct(m.valAccuracy)}`],
        ['Test loss / accuracy', `${num(m.testLoss)} / ${pct(m.testAccuracy)}`],
        ['Best epoch (lowest validation loss)', m.bestEpoch === null ? '–' : String(m.bestEpoch)],
        ['Training time', `${m.seconds.toFixed(1)} s`],
      ])
    : 'No metrics were recorded.'}

Trained on the TF.js **${mdText(card.backend)}** backend, TF.js ${mdText(card.tfjsVersion)}.

## Quantisation

${quantizationSection(card)}

## Files

${fileNames.map((f) => `- ${mdCode(f)}`).join('\n')}

\`tf.min.js\` is TensorFlow.js ${mdText(card.tfjsVersion)} (Apache License 2.0, © Google LLC; see \`LICENSE-tfjs.txt\`).
The dataset keeps its own licence (${mdText(d.source)}).
`;
}
