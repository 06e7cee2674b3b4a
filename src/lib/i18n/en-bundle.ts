/**
 * English texts of the exported bundle (issue 13): README.md, the model card's words and the demo page, as the
 * engine's renderers ask for them (`BundleTexts`, engine/export/bundle-texts.ts). zh-bundle.ts is the same in
 * Chinese. The worker loads one of the two with the export command and hands it to the renderers.
 *
 * README functions get values that are already Markdown (readme.ts escapes names from the card with mdText
 * or mdCode before they arrive here). `demo` holds plain strings only: demo.js fills `{placeholders}` and sets
 * them as text, never as markup.
 */
import type { BundleTexts } from '../engine/export/bundle-texts';
import type { Preprocessing } from '../engine/runs/record';

export type { BundleLanguage, BundleTexts } from '../engine/export/bundle-texts';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(2)}%`);
const size = (bytes: number) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} kB`);

/** The preprocessing of the card in words, from its fields (scale, standardisation, table columns, target). */
function preprocessing(pre: Preprocessing): string {
  if (pre.columns) {
    const t = pre.target;
    const target = t && t.kind === 'numeric' ? `; the target “${t.column}” is standardised too: value = output × ${t.std} + ${t.mean}` : '';
    return (
      'numeric columns are standardised with the mean and standard deviation of the training rows (the validation rows left out), (x − mean) / std; ' +
      `categorical columns become one 1 per category (one-hot, in the order of their vocabulary); missing cells are ${pre.missing === 'fill' ? 'filled with the mean (numbers) or the most frequent category' : 'not accepted (rows with one were dropped)'}${target}. ` +
      'The columns below hold the constants; predict.js applies them to raw rows.'
    );
  }
  const scaled = pre.scale === 1 ? 'raw values are used as they are' : `raw values are multiplied by ${pre.scale} (1/${Math.round(1 / pre.scale)})`;
  const norm = pre.normalization ? '; then each feature is standardised: (x − mean) / std with the constants below' : '';
  return `${scaled}${norm}.`;
}

export const enBundle: BundleTexts = {
  /** The card's `language` field. */
  language: 'en',
  /** The name of a model imported without its card. */
  importedName: 'Imported model',
  task: { classification: 'classification', regression: 'regression' },
  inputKind: { image: 'image', tabular: 'tabular' },
  /** Words of the card (`dataset.preprocessing.description`). */
  card: {
    preprocessing,
    /** A tuner decision's reason in this language, or null to keep the card's own text (English as recorded). */
    tunerReason: () => null,
  },
  readme: {
    /** Joins of the README's structure: a label and its value, an aside, the items of a list. */
    colon: ': ',
    paren: (s: string) => ` (${s})`,
    listSeparator: ', ',
    intro: (task: string, dataset: string) => `A ${task} model for **${dataset}**, trained in the browser with Descent and exported in the TF.js layers format.`,
    exported: (date: string, weights: string) => `Exported ${date} (${weights}).`,
    bestWeights: (epoch: number | null) => `weights of the best epoch, ${epoch ?? '–'}`,
    lastWeights: (epoch: number | null) => `weights after epoch ${epoch ?? '–'}`,
    useIt: 'Use it',
    useItList: (image: boolean, shape: string, ownCodeAnchor: string, torchAnchor: string) =>
      [
        '- **In a web page:** serve this folder with any static server (`python3 -m http.server`) and open `index.html`.',
        `  ${image ? 'Draw a digit or upload an image' : 'Fill in the form'} and the page classifies it with stock TF.js (\`tf.min.js\` is included; no network needed).`,
        '- **In your own code:** `predict.js` is an ES module that loads this folder and applies the preprocessing below itself',
        `  (see [Use it from your own code](${ownCodeAnchor})). The bare model is \`tf.loadLayersModel('model.json')\`, with inputs of shape`,
        `  \`[batch, ${shape}]\` already preprocessed.`,
        '- **In Python/Keras:** `python3 train.py --data DATA` rebuilds the same model, loads these weights and trains it with the same',
        '  hyper-parameters on your GPU (`--from-scratch` starts from new weights).',
        '- **In PyTorch:** `train_torch.py` does the same and can spread the work over several GPUs or processes; see',
        `  [Continue in PyTorch](${torchAnchor}).`,
      ].join('\n'),
    ownCode: 'Use it from your own code',
    ownCodeAnchor: '#use-it-from-your-own-code',
    /** Comments of the code sample (the code itself is the same in every language). */
    usage: {
      load: 'In a module script of your page, after tf.min.js (or pass { tf } from @tensorflow/tfjs as the second argument):',
      folder: "or 'https://example.com/models/this-folder/'",
      image: (shape: string) => `an img or canvas element, ImageData, or ${shape} pixel values 0–255`,
      row: 'raw values as in the CSV',
      everyColumn: '… every column',
      columnValue: 'column: raw value',
      classes: '{ label, index, probabilities: { class: p } }',
      value: 'in the units of the target',
      rows: 'rows',
      batch: 'one result per row',
      errors: 'A missing column or an unknown category throws an Error with a `code` and `params` (see below).',
    },
    errorsTitle: 'Errors of predict.js',
    errorsIntro: 'predict.js throws an `Error` whose `message` is English for developers, with `code` and `params` for your own words (the demo page words them in its language):',
    errors: {
      missingField: 'the row has no field `params.column`',
      missingValue: 'the value of `params.column` is missing and the model was trained without missing values',
      notANumber: '`params.column` needs a number, not `params.value`',
      unknownCategory: '`params.value` is not one of the values of `params.column` the model was trained on (`params.categories`)',
      rowLength: 'a row given as a list has `params.cells` cells, the CSV had `params.columns` (`params.header`)',
      noHeader: 'a row was given as a list, but the card has no CSV header',
      rowType: 'a row is neither an object nor a list',
      notTable: 'a table row was given to a model of `params.kind` inputs',
      notImage: 'an image was given to a model of `params.kind` inputs',
      imageSize: 'the image is `params.width`×`params.height`, the model takes `params.modelWidth`×`params.modelHeight`',
      noPixels: 'the image has no pixels yet (not loaded)',
      pixelCount: 'the pixel values are `params.got`, the model needs `params.size`',
      noTf: 'TensorFlow.js is not loaded',
      cardUnreadable: '`model-card.json` could not be read (`params.status`)',
    },
    metadataNote: '`metadata.json` lists the class labels in output order (as Teachable Machine and ml5 bundles do).',
    torch: 'Continue in PyTorch',
    torchAnchor: '#continue-in-pytorch',
    torchIntro: [
      '`train_torch.py` rebuilds the model layer for layer, loads these weights, applies the preprocessing below to the',
      'same data file (DATA: the CSV, a folder with MNIST’s idx files, or a folder with a sub-folder of images per class)',
      'and trains with the same hyper-parameters. It writes the result as a TF.js model that Descent imports.',
    ].join('\n'),
    torchComments: { one: 'one process, CPU or one GPU', ddp: 'DistributedDataParallel over 4 processes' },
    torchAfter: 'Then import the files in `trained` (model.json, its weights, model-card.json) in Descent with **Import a model**.\n`python3 train_torch.py --help` lists the options.',
    dataset: 'Dataset',
    datasetRows: { name: 'Name', id: 'Id', source: 'Source', examples: 'Examples', inputShape: 'Input shape', classes: 'Classes' },
    examples: (train: number, test: number) => `${train} training, ${test} test`,
    regressionClasses: 'one output (regression)',
    checksum: 'Checksum',
    checksumOf: (of: 'files' | 'content') => `of the ${of === 'files' ? 'files as loaded' : 'parsed data'}`,
    notRecorded: 'not recorded',
    preprocessing: 'Preprocessing',
    normalisation: 'Normalisation constants:',
    mean: 'mean',
    std: 'std',
    model: 'Model',
    params: (name: string, count: number) => `${name}, ${count.toLocaleString('en')} parameters:`,
    hyperParameters: 'Hyper-parameters',
    unknownHyper: 'Not known (the model was imported without its card); train.py uses these defaults:',
    hyperRows: {
      optimizer: 'Optimizer',
      learningRate: 'Learning rate',
      batchSize: 'Batch size',
      epochs: 'Epochs',
      validationSplit: 'Validation split',
      loss: 'Loss',
      earlyStopping: 'Early stopping',
      seed: 'Seed',
    },
    lossNames: {},
    earlyStopping: (patience: number, restoreBest: boolean) => `patience ${patience}, restore best weights: ${restoreBest ? 'yes' : 'no'}`,
    off: 'off',
    tuner: 'Auto-tuner',
    /** A tuned setting's name in words; a name without one is shown as the card has it (`learningRate`). */
    tunerParameters: {},
    byHand: 'The hyper-parameters were set by hand (the auto-tuner did not run).',
    results: 'Results',
    resultRows: {
      epochs: 'Epochs trained',
      steps: 'Steps',
      train: 'Training loss / accuracy (last epoch)',
      val: 'Validation loss / accuracy',
      test: 'Test loss / accuracy',
      best: 'Best epoch (lowest validation loss)',
      time: 'Training time',
    },
    seconds: (s: number) => `${s.toFixed(1)} s`,
    noMetrics: 'No metrics were recorded.',
    trainedOn: (backend: string, version: string) => `Trained on the TF.js **${backend}** backend, TF.js ${version}.`,
    quantisation: 'Quantisation',
    noQuantisation: 'None: the weights are stored as 32-bit floats.',
    quantNotMeasured: 'The accuracy change was not measured (the dataset was not loaded).',
    quantAccuracy: (before: number, after: number, count: number) =>
      `Test accuracy ${pct(before)} before, ${pct(after)} after (${((after - before) * 100).toFixed(2)} points, on ${count} test examples).`,
    quantStored: (dtype: string, before: number, after: number, accuracy: string) =>
      `Weights stored as **${dtype}**: ${size(before)} → ${size(after)}. TF.js turns them back into 32-bit floats when it loads the model. ${accuracy}`,
    files: 'Files',
    tfjsNote: (version: string) => `\`tf.min.js\` is TensorFlow.js ${version} (Apache License 2.0, © Google LLC; see \`LICENSE-tfjs.txt\`).`,
    datasetLicence: (source: string) => `The dataset keeps its own licence (${source}).`,
  },
  /** The demo page (index.html + demo.js): plain strings, `{name}` filled by demo.js. */
  demo: {
    loading: 'Loading the model…',
    pad: 'Drawing pad: draw with the mouse, a pen or a finger',
    clear: 'Clear',
    upload: 'or upload an image',
    sees: 'What the model sees:',
    predict: 'Predict',
    footer: 'Runs entirely in this page with TensorFlow.js ({tfjs}, Apache 2.0). Model details: {readme}, {card}.',
    about: '{model} trained on {dataset} ({task}, input {shape}).',
    aboutAccuracy: '{model} trained on {dataset} ({task}, input {shape}), test accuracy {accuracy}%.',
    tasks: { classification: 'classification', regression: 'regression' },
    kinds: { image: 'images', tabular: 'table rows' },
    trainingRange: 'training rows: {mean} ± {std}',
    loadFailed: 'The model could not be loaded: {message} (open this page through a web server, e.g. `python3 -m http.server`, not as a file).',
    badImage: '{file} is not an image this browser can read.',
    listSeparator: ', ',
    /** predict.js's error codes in words. */
    errors: {
      missingField: 'The row has no field “{column}”.',
      missingValue: '“{column}” is missing; this model was trained without rows with missing values.',
      notANumber: '“{column}” needs a number, not “{value}”.',
      unknownCategory: '“{column}” = “{value}” is not one of the values the model was trained on: {categories}.',
      rowLength: 'The row has {cells} cells; the CSV had {columns} columns ({header}).',
      noHeader: 'This model card has no CSV header: give the row as an object { column: value }.',
      rowType: 'A row is an object { column: value } or a list of cells.',
      notTable: 'This model card has no table columns: {dataset} takes {kind}.',
      notImage: 'This model takes {kind}, not images.',
      imageSize: 'The image is {width}×{height}; the model takes {modelWidth}×{modelHeight}.',
      noPixels: 'The image has no pixels yet (wait for it to load).',
      pixelCount: 'An image needs {size} pixel values ({height}×{width}×{channels}), not {got}.',
      noTf: 'TensorFlow.js is not loaded: tf.min.js is missing from this folder.',
      cardUnreadable: '{url} could not be read (HTTP {status}).',
    },
  },
};
