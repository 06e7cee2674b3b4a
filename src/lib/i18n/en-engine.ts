/**
 * English words for every engine code (errors, notes, notices). The engine throws and returns codes with
 * plain-data parameters (src/lib/engine/errors.ts); this dictionary formats numbers and says them. Typed by
 * `EngineTexts`, so a code without a text, or a text without a code, is a compile error.
 */
import type { EngineCode, EngineCodes, EngineMessage, LayerRef } from '../engine/errors';
import { formatBytes } from '../engine/data/limits';
import type { BinaryFormat } from '../engine/data/sniff';
import { dataMessages } from './en-data';
import { modelMessages } from './en-model';

/** Bytes as the memory check speaks of them: GB past 1 GB (binary, as `formatBytes` counts). */
const gigabytes = (bytes: number) => (bytes >= 1024 ** 3 ? `${+(bytes / 1024 ** 3).toFixed(1)} GB` : formatBytes(bytes));
const engineNames: Record<string, string> = { wasm: 'this engine (WebAssembly)', cpu: 'this engine (plain JavaScript)', webgl: 'this engine (WebGL)', webgpu: 'this engine (WebGPU)' };

/** One function per engine code: its parameters in, the sentence out. */
export type EngineTexts = { [K in EngineCode]: (p: EngineCodes[K]) => string };

const q = (s: string) => `“${s.length > 40 ? `${s.slice(0, 40)}…` : s}”`;
const n = (v: number) => v.toLocaleString('en');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const shape = (s: readonly (number | null)[]) => `[${s.join(', ')}]`;
const s = (count: number) => (count === 1 ? '' : 's');
const kindNames = dataMessages.dataErrors.kindNames;
const losses = modelMessages.editor.losses;
const layer = (p: LayerRef) => `Layer ${p.layer} (${modelMessages.layerNames[p.type]})`;
const formats: Record<BinaryFormat, string> = {
  png: 'a PNG image',
  jpeg: 'a JPEG image',
  gif: 'a GIF image',
  webp: 'a WEBP image',
  bmp: 'a BMP image',
  zip: 'a zip archive (an Excel .xlsx file is one too)',
  gzip: 'gzip-compressed data',
  pdf: 'a PDF document',
  office: 'an old Excel/Word document',
};
const looksLike = (format: BinaryFormat | null) => (format ? `: it looks like ${formats[format]}` : '');
const shapeFields = { units: 'units', filters: 'filters', kernelSize: 'kernel size', poolSize: 'pool size', strides: 'stride' } as const;
const undecodable = (p: { file: string; reason: string }) => `${p.file} could not be decoded as an image (${p.reason}); the file may be damaged or cut short.`;
const withFailures = (first: string, failures: { file: string; reason: string }[]) => [first, ...failures.slice(0, 5).map(undecodable)].join(' ');
const best = (b: { loss: number; epoch: number } | null) => (b ? ` (best ${b.loss.toFixed(4)} at epoch ${b.epoch})` : '');
const restoredText = (b: { epoch: number } | null, restored: boolean) => (restored && b ? ` The weights of epoch ${b.epoch} were restored.` : '');
const missingFeatures = {
  webgpu: 'this browser has no WebGPU',
  webgpuAdapter: 'no WebGPU adapter',
  offscreenCanvas: 'no OffscreenCanvas in workers',
  webgl2: 'no WebGL2 context in a worker',
  webassembly: 'no WebAssembly',
} as const;
const jobs = { training: 'A run is already in progress.', tuning: 'The auto-tuner is running; wait for it or cancel it.', landscape: 'A loss landscape is being computed; cancel it first.', evaluating: 'The model is being evaluated on the test set; wait a moment.', recovering: 'The engine is recovering from a failed allocation; wait a moment.' };

/** A nested message (a failure inside a failure) in English. */
function say(m: EngineMessage): string {
  return (enEngine[m.code] as (p: EngineMessage['params']) => string)(m.params);
}

export const enEngine: EngineTexts = {
  // Session
  'session.noDataset': () => 'Load a dataset first.',
  'session.noModel': () => 'There is no model yet: choose one and train it.',
  'session.busy': (p) => jobs[p.job],
  'session.superseded': () => 'A newer request replaced this one.',
  'session.noEvaluation': () => 'Evaluate the model on the test set first.',
  'session.not2d': () => 'The decision boundary needs data with two input features and classes.',
  'session.invalidConfig': (p) => `Invalid settings: ${p.problems.map(say).join('; ')}.`,
  'session.notSequential': () => 'Only sequential models (one layer after another) can be trained here.',
  'session.backendReset': (p) => `The ${p.backend} backend was reset; the model was restored from ${p.restored}.`,
  'session.allocationFailed': (p) => `${p.backend} ran out of memory (${p.detail}); the backend was restarted and the last good model restored. Try a smaller batch or model.`,
  'session.importCannotBuild': (p) => `model.json passed the checks but TF.js cannot build it: ${p.detail}`,
  'session.importUnsupportedLayers': (p) => `Layers Descent cannot rebuild (train.py will not either): ${p.layers.join(', ')}.`,
  'session.runNotStored': () => 'This run is no longer stored (it was deleted).',
  'session.checkpointMissing': (p) => `The ${p.kind === 'best' ? 'best' : 'last'} weights of this run are not stored (they were deleted to free space, or never saved).`,
  'session.otherData': (p) => `This run was trained on ${p.run} (checksum ${p.checksum}…), not on the loaded ${p.loaded}: load its data first.`,
  'session.tfjsUnreadable': (p) => `tf.min.js could not be read (HTTP ${p.status}).`,
  // Data
  'data.tooLarge': (p) => dataMessages.dataErrors.tooLarge(p.file, formatBytes(p.bytes), formatBytes(p.limit), kindNames[p.kind]),
  'data.badGzip': (p) => `${p.file}: the gzip data is damaged or incomplete (${p.detail}).`,
  'data.noTable': () => 'Choose a CSV file first.',
  'data.targetMissing': (p) => `${n(p.count)} row${s(p.count)} without a target value were left out.`,
  'data.droppedRows': (p) => `${n(p.count)} row${s(p.count)} with missing values were dropped.`,
  'data.filled': (p) => `${n(p.count)} missing value${p.count === 1 ? ' was' : 's were'} filled with the training mean (numbers) or most frequent value (categories).`,
  'data.unseenCategories': (p) => `${n(p.count)} value${s(p.count)} in validation or test rows had a category never seen in the training rows (encoded as all zeros).`,
  'data.badValidationSplit': (p) => `validation split must be in [0, 1), got ${p.value}`,
  'data.badTestFraction': (p) => `test fraction must be in (0, 1), got ${p.value}`,
  'data.badSyntheticSize': (p) => `size must be an integer from ${p.min} to ${p.max}, got ${p.count}`,
  'data.badSyntheticClasses': (p) => `classes must be from ${p.min} to ${p.max}, got ${p.classes}`,
  'data.checksumMismatch': (p) => `${p.file}: the file that arrived is not the one shipped (SHA-256 ${String(p.actual).slice(0, 12)}…, expected ${String(p.expected).slice(0, 12)}…). Choose the dataset again to reload it.`,
  'data.streamFailed': (p) => `${p.file} stopped arriving (${p.detail}). Choose the dataset again to reload it.`,
  // CSV
  'csv.notText': (p) =>
    `${p.file} is not a CSV or TSV text file${p.format ? looksLike(p.format) : ': it holds binary data'}. Export the table as CSV (comma- or tab-separated text) and try again.`,
  'csv.encoding': (p) =>
    `${p.file} is text in an encoding Descent cannot read: it is neither UTF-8 (with or without BOM), UTF-16 with BOM, GBK/GB18030 nor Windows-1252. Save it again as “CSV UTF-8” and try again.`,
  'csv.empty': (p) => `${p.file} is empty: it has no rows.`,
  'csv.headerOnly': (p) => `${p.file} has a header row but no data rows.`,
  'csv.noHeader': (p) =>
    `${p.file} has no header row: line 1 (${q(p.first)}) holds values, not column names, so the ${p.columns} columns are named column 1 to column ${p.columns}. Untick “First line holds column names” only if that is wrong.`,
  'csv.ragged': (p) => `${p.file}, line ${p.line}: ${p.got} field${s(p.got)}, but the header has ${p.expected} columns. Every row needs one value per column.`,
  'csv.badQuotes': (p) => `${p.file}, line ${p.line}: a quoted field is never closed (a “"” is missing).`,
  'csv.nonNumeric': (p) =>
    `${p.file}, line ${p.line}, column ${q(p.column)}: ${q(p.value)} is not a number, but ${n(p.others)} other values in this column are. Fix the value, or set the column to “categorical” or “ignore”.`,
  'csv.targetNotNumeric': (p) =>
    `${p.file}, line ${p.line}: the target ${q(p.column)} is ${q(p.value)}, not a number, so it cannot be predicted by regression. Switch the task to classification.`,
  'csv.oneClass': (p) =>
    `${p.file}: the target column ${q(p.column)} has only one value (${q(p.value)}) in all ${n(p.rows)} rows; a classifier needs at least two classes. Choose another target column.`,
  'csv.tooManyClasses': (p) =>
    `${p.file}: the target column ${q(p.column)} has ${n(p.count)} different values, more than the ${p.max} classes allowed. If it is a quantity, switch the task to regression; otherwise choose another target column.`,
  'csv.noFeatures': (p) => `${p.file}: no input columns are left besides the target. Set at least one column to numeric or categorical.`,
  'csv.targetIgnored': (p) => `The target column ${q(p.column)} is set to “ignore”; choose another target or column type.`,
  'csv.tooFewRows': (p) =>
    `${p.file}: only ${n(p.rows)} usable rows${p.dropped ? ` (${n(p.dropped)} were dropped for missing values)` : ''}; at least ${p.min} are needed. Fill missing values instead of dropping rows, or use more data.`,
  'csv.targetGuess': (p) =>
    `Target: ${q(p.column)}, ${p.why === 'name' ? 'chosen by its name' : p.why === 'y' ? 'chosen because it is named “y” and no column is named target, label or class' : 'the last column, as no column is named target, label, class or y'}. Choose another if this is not what to predict.`,
  // Images
  'images.notImage': (p) => `${p.file} is not an image${looksLike(p.format)}. Use PNG, JPEG, GIF, WebP or BMP files, or a zip of them.`,
  'images.undecodable': undecodable,
  'images.notZip': (p) => `${p.file} is not a zip archive${looksLike(p.format)}.`,
  'images.badZip': (p) => `${p.file} could not be unpacked (${p.reason}); the archive may be damaged.`,
  'images.none': (p) => `${p.source} holds no images (PNG, JPEG, GIF, WebP or BMP).`,
  'images.notInFolders': (p) =>
    `${p.source}: ${n(p.count)} image${p.count === 1 ? ' is' : 's are'} not in a class folder (for example ${p.example}); put the images of each class in a sub-folder named after the class.`,
  'images.oneClass': (p) => `${p.source}: all ${n(p.count)} images are in one class (${q(p.name)}); a classifier needs at least two classes, one folder each.`,
  'images.tooManyClasses': (p) => `${p.source} has ${n(p.count)} class folders, more than the ${p.max} classes allowed.`,
  'images.tooMany': (p) => `${p.source} holds ${n(p.count)} images, more than the ${n(p.max)} allowed in one dataset.`,
  'images.emptyClass': (p) => withFailures(dataMessages.dataErrors.emptyClass(p.name), p.failures),
  'images.allUndecodable': (p) => withFailures(`None of the ${n(p.count)} images could be decoded; see the messages below.`, p.failures),
  'images.skipped': ({ files }) =>
    `Skipped ${files.length} file${s(files.length)} that ${files.length === 1 ? 'is' : 'are'} not an image: ${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''}.`,
  'images.badResize': (p) => `cannot resize a ${p.width}×${p.height} image to ${p.size}×${p.size}`,
  'images.unpacksTooLarge': (p) =>
    `${p.file} unpacks to ${formatBytes(p.bytes)} or more, past the ${formatBytes(p.limit)} one zip of images may hold; it was not unpacked. Use fewer or smaller images.`,
  // idx
  'idx.tooShort': (p) => `${p.file}: ${p.bytes} bytes is too short for an idx header (needs at least 4).`,
  'idx.badMagic': (p) => `${p.file}: wrong magic number ${p.magic} (0x${p.magic.toString(16).padStart(8, '0')}); an idx file of uint8 starts with 2049 (labels) or 2051 (images).`,
  'idx.wrongRank': (p) => `${p.file}: has ${p.rank} dimension(s) (magic ${p.magic}) but ${p.expected} were expected; are the image and label files swapped?`,
  'idx.truncatedHeader': (p) => `${p.file}: truncated header (${p.bytes} of ${p.needed} bytes).`,
  'idx.truncated': (p) => `${p.file}: truncated: the header promises ${p.dims.join('×')} = ${p.count} bytes of data but only ${p.available} follow.`,
  'idx.labelCount': (p) => `${p.file}: ${p.labels} labels for ${p.images} images in ${p.imageFile}.`,
  'idx.labelRange': (p) => `${p.file}: label ${p.label} at index ${p.index} is outside 0..${p.max}.`,
  'idx.sizeMismatch': (p) => `train images are ${p.train[0]}×${p.train[1]} but test images are ${p.test[0]}×${p.test[1]}.`,
  'idx.tooLarge': (p) => `${p.file}: the header promises ${p.dims.join('×')} values, more than the ${formatBytes(p.limit)} a built-in file may hold.`,
  // Shape checks
  'shape.empty': () => 'The model has no layers: add at least one.',
  'shape.needsImage': (p) =>
    `${layer(p)} needs an image input [height, width, channels] but gets ${shape(p.shape)}. ${p.first ? 'This data is not a set of images: use Dense layers.' : 'Put it before any Flatten or Dense layer.'}`,
  'shape.needsFlat': (p) => `${layer(p)} gets ${shape(p.shape)}: add a Flatten layer before it.`,
  'shape.alreadyFlat': (p) => `${layer(p)} gets ${shape(p.shape)}, which is already flat: remove this layer.`,
  'shape.tooSmall': (p) =>
    `${layer(p)} gets ${shape(p.shape)}, smaller than its ${p.window}×${p.window} window: use “same” padding, a smaller window, or fewer pooling layers before it.`,
  'shape.badInteger': (p) => `${layer(p)}: ${shapeFields[p.field]} must be a whole number from 1 to ${p.max}, got ${p.value}.`,
  'shape.badRate': (p) => `${layer(p)}: the dropout rate must be at least 0 and below 1, got ${p.value}.`,
  'shape.outputClasses': (p) =>
    `${layer(p)} is the last layer and outputs ${shape(p.shape)}, but the data has ${p.classes} classes: it must output [${p.classes}] (a Dense layer with ${p.classes} units).`,
  'shape.outputRegression': (p) => `${layer(p)} is the last layer and outputs ${shape(p.shape)}, but regression predicts one number: it must output [1] (a Dense layer with 1 unit).`,
  'shape.needsSoftmax': (p) => `${layer(p)} is the last layer and uses “${p.activation}”, but cross-entropy needs class probabilities: use softmax on the last layer.`,
  'shape.lastNotDense': (p) => `${layer(p)} is the last layer, but the output must come from a Dense layer (with softmax for classes, linear for regression).`,
  'shape.softmaxRegression': (p) => `${layer(p)} uses softmax, which always outputs 1 for one unit: use a linear activation to predict a number.`,
  'shape.lossTask': (p) => `The loss “${losses[p.loss]}” does not fit a ${p.task} task: use ${p.fits.map((l) => losses[l]).join(' or ')}.`,
  // Models
  'model.empty': () => 'The model has no layers.',
  'model.badUnits': (p) => `Layer ${p.layer} (dense): units must be a positive integer, got ${p.units}.`,
  'model.badRate': (p) => `Layer ${p.layer} (dropout): rate must be in [0, 1), got ${p.rate}.`,
  'model.doesNotFit': (p) => `The model does not fit the data of shape ${shape(p.shape)}: ${p.detail}`,
  'model.outputClasses': (p) => `The last layer (${p.name}) outputs shape ${shape(p.shape)} but the data has ${p.classes} classes: it must output [${p.classes}].`,
  'model.inputShape': (p) => `This model takes inputs of shape ${shape(p.modelShape)}, but ${p.dataset} has examples of shape ${shape(p.dataShape)}. Load the data it was trained on.`,
  'model.notBuildable': (p) => `TF.js could not build the model from model.json: ${p.detail}`,
  // Import
  'import.noFiles': () => 'Choose a model: the exported .zip, or model.json with its weights file(s).',
  'import.fileTooLarge': (p) => `${p.file} is ${mb(p.bytes)}; the largest file Descent imports is ${mb(p.limit)}.`,
  'import.notZip': (p) => `${p.file} is not a zip archive (it does not start like one).`,
  'import.tooManyEntries': (p) => `${p.file} holds more than ${p.max} files: it is not an exported model.`,
  'import.unpacksTooLarge': (p) => `${p.file} unpacks to more than ${mb(p.limit)}, the most Descent imports.`,
  'import.badZip': (p) => `${p.file} is not a readable zip archive (${p.detail}).`,
  'import.badJson': (p) => `${p.file} is not valid JSON, so it cannot be read as a model${p.as === 'card' ? ' card' : ''} (${p.detail}).`,
  'import.manyModelJson': (p) => `Found ${p.count} files named model.json: import one model at a time.`,
  'import.noModelJson': (p) => `No model.json among ${p.files.join(', ') || 'the chosen files'}: choose the exported .zip, or model.json with its weights file(s).`,
  'import.modelJsonTooLarge': (p) => `${p.file} is ${mb(p.bytes)}: too large for a model description (the limit is ${mb(p.limit)}).`,
  'import.isCard': (p) => `${p.file} is a Descent model card, not a model: choose model.json and its weights file(s), or the whole .zip.`,
  'import.notObject': (p) => `${p.file} is not a TF.js model: it holds ${p.holds === 'list' ? 'a list' : p.holds}, not an object with modelTopology and weightsManifest.`,
  'import.graphModel': (p) => `${p.file} is a TF.js graph model (converted from a SavedModel): only layers models can be evaluated and trained here.`,
  'import.missingKey': (p) => `${p.file} is not a TF.js layers model: it has no ${p.key} (it holds ${p.keys.join(', ') || 'nothing'}).`,
  'import.noClassName': (p) => `${p.file}: modelTopology has no class_name, so it does not describe a Keras/TF.js layers model.`,
  'import.emptyManifest': (p) => `${p.file}: weightsManifest must be a non-empty list of weight groups.`,
  'import.badGroup': (p) => `${p.file}: weight group ${p.group} of the manifest needs a list of paths and a list of weights.`,
  'import.specNoName': (p) => `${p.file}: weight ${p.weight} of group ${p.group} has no name: the weights manifest is damaged.`,
  'import.specShape': (p) => `${p.file}: weight ${p.weight} of group ${p.group} ('${p.name}'): its shape must be a list of non-negative integers, got ${p.shape}.`,
  'import.specDtype': (p) =>
    `${p.file}: weight ${p.weight} of group ${p.group} ('${p.name}'): dtype '${p.dtype}' is not supported (float32, int32, bool; quantised uint8, uint16, float16).`,
  'import.specQuantisation': (p) => `${p.file}: weight ${p.weight} of group ${p.group} ('${p.name}'): ${p.dtype} quantisation needs numeric scale and min.`,
  'import.missingWeights': (p) => `model.json needs the weights file '${p.name}', which is not among the chosen files.`,
  'import.weightsSize': (p) =>
    `The weights file${s(p.files.length)} ${p.files.join(', ')} hold${p.files.length > 1 ? '' : 's'} ${n(p.actual)} bytes, but model.json describes ${n(p.expected)} bytes of weights${p.group === null ? '' : ` in group ${p.group}`}: the files are truncated, or belong to another model.`,
  'import.weightsTooLarge': (p) => `The weights take ${mb(p.bytes)}; the most Descent imports is ${mb(p.limit)}.`,
  'import.cardIgnored': () => 'model-card.json is not a Descent model card; it was ignored.',
  'import.cardUnreadable': (p) => `${say(p.problem)} It was ignored.`,
  'import.cardField': (p) => {
    const range = p.min !== null && p.max !== null ? ` from ${p.min} to ${p.max}` : p.min !== null ? ` of at least ${p.min}` : p.max !== null ? ` of at most ${p.max}` : '';
    const want = {
      object: 'an object',
      text: `text${p.max !== null ? ` (at most ${p.max} characters)` : ''}`,
      number: `a number${range}`,
      integer: `a whole number${range}`,
      boolean: 'true or false',
      choice: `one of ${p.choices.join(', ')}`,
      list: `a list${p.max !== null ? ` (at most ${p.max} items)` : ''}`,
      hex: 'a SHA-256 digest (64 lower-case hex digits)',
      absent: 'nothing: this layer type has no such setting',
      value: 'text, a number or true/false',
    }[p.want];
    return `model-card.json: ${p.path} should be ${want}.`;
  },
  // Export
  'export.noWeights': () => 'the model has no weights to save',
  // Training settings
  'config.learningRate': (p) => `learning rate must be in (${p.min}, ${p.max}], got ${p.value}`,
  'config.batchSize': (p) => `batch size must be a positive integer, got ${p.value}`,
  'config.batchTooLarge': (p) => `batch size ${p.batch} is larger than the ${p.examples} training examples`,
  'config.epochs': (p) => `epochs must be an integer from ${p.min} to ${p.max}, got ${p.value}`,
  'config.validationSplit': (p) => `validation split must be in [${p.min}, ${p.max}], got ${p.value}`,
  'config.seed': (p) => `seed must be an integer, got ${p.value}`,
  'config.patience': (p) => `early-stopping patience must be an integer from ${p.min} to ${p.max}, got ${p.value}`,
  'config.earlyStoppingNeedsValidation': () => 'early stopping watches the validation loss: set a validation split above 0',
  // Training runs
  'train.badLearningRate': (p) => `learning rate must be a positive number, got ${p.value}`,
  'train.diverged': (p) =>
    `${p.exploded ? 'The loss exploded (its running average grew past 4× its best)' : 'The loss became NaN or infinite'} at learning rate ${p.lr.toPrecision(2)}: the steps were too large and the weights blew up. Try a learning rate 10× lower.`,
  'train.nonFiniteGradient': (p) => `The gradient of layer ${p.layer} became NaN or infinite at step ${p.step}: the updates blew up. Try a lower learning rate, or a smaller model.`,
  'train.nonFiniteWeights': (p) => `The weights of layer ${p.layer} hold NaN or infinite values after epoch ${p.epoch}. Try a lower learning rate.`,
  'train.leak': (p) =>
    `Memory leak: the number of tensors grew at the end of each of the last ${p.epochs} epochs (${p.counts.join(' → ')}). A run that keeps allocating would exhaust the memory, so it was stopped; this is a bug in the training code, please report it.`,
  'train.earlyStopped': (p) =>
    `Stopped early after epoch ${p.epoch}: the validation loss had not improved for ${p.patience} epoch${s(p.patience)}${best(p.best)}.${restoredText(p.best, p.restored)}`,
  'train.finishedAll': (p) => `Finished all epochs${best(p.best)}.${restoredText(p.best, p.restored)}`,
  'train.storageFull': (p) => `Browser storage is full: epoch ${p.epoch} of this run is not saved yet. Delete old runs (or their weights) in Runs; the next epoch retries.`,
  'train.saveFailed': (p) => `Saving the run failed: ${p.detail}`,
  'train.fusedAdamHeap': () => 'fused Adam: a tensor is not on the WASM heap',
  'train.fusedAdamCpu': () => 'fused Adam: a tensor is not in the CPU backend’s memory',
  // Backends
  'backend.startTimeout': (p) => `${p.backend} did not start within ${p.seconds} s`,
  'backend.initFailed': () => 'failed to initialise',
  'backend.notIncluded': (p) => `${p.backend}: not included in this build`,
  'backend.unavailable': (p) => `${p.backend}: ${p.problem ? say(p.problem) : 'not available on this device'}`,
  'backend.softwareGpu': (p) => `${p.backend}: skipped, the GPU is emulated in software (${p.detail}), slower than WASM`,
  'backend.startFailed': (p) => `${p.backend}: ${say(p.problem)}`,
  'backend.noneStarted': (p) => `No TF.js backend could start: ${p.notices.map(say).join('; ')}`,
  'backend.noneTrained': (p) => `No backend could train the model: ${p.failures.map((f) => `${f.backend}: ${say(f.problem)}`).join('; ')}`,
  'backend.chosenByYou': (p) => `${p.backend} chosen by you`,
  'backend.firstThatWorks': (p) => `${p.backend}: the first of ${p.order.join(' → ')} that works here`,
  'backend.fastestKind': (p) => `${p.backend}: the fastest kind of backend, available here`,
  'backend.channelsLastOnly': () => 'Conv2DBackpropFilter (WASM): only channels-last data is supported.',
  'bench.firstStepTooSlow': (p) => `its first training step took over ${p.seconds.toFixed(1)} s`,
  // Tuning
  'tune.batchTooLarge': (p) => `batch ${p.batch} is larger than the ${p.examples} examples`,
  'tune.noBatchMeasured': (p) => `no batch size could be measured: ${say(p.why)}`,
  'tune.planLimit': (p) => `reached the largest size the plan allows (${p.batch})`,
  'tune.triedLimit': (p) => `reached the largest size to try (${p.batch})`,
  'tune.batchFailed': (p) => `batch ${p.batch} failed on this backend (${say(p.problem)})`,
  'tune.stepTooSlow': (p) => `one step at batch ${p.batch} took ${p.ms.toFixed(0)} ms (budget ${p.budget} ms)`,
  'tune.smallGain': (p) => `doubling to ${p.batch} gained less than 5% throughput`,
  'tune.chosenNoNoise': (p) => `The gradient noise could not be estimated, so batch ${p.batch} was chosen for its throughput (${Math.round(p.samplesPerSec)} samples/s).`,
  'tune.chosenFastest': (p) =>
    `Batch ${p.batch} has the highest throughput (${Math.round(p.samplesPerSec)} samples/s) and is still small next to the gradient noise scale (${Math.round(p.noiseScale)}), so it reaches the target soonest.`,
  'tune.chosenBelowNoise': (p) =>
    `Batch ${p.fastest} would process more samples/s, but above the gradient noise scale (${Math.round(p.noiseScale)}) larger batches need proportionally more examples, so batch ${p.batch} reaches the target soonest.`,
  'tune.noiseScaleInput': () => 'needs samples and 0 < small < big',
  // Landscape, boundary
  'landscape.badSize': (p) => `grid size must be an integer from ${p.min} to ${p.max}, got ${p.value}`,
  'landscape.badRange': (p) => `range must be positive, got ${p.value}`,
  'landscape.pcaNeedsEpochs': (p) => `PCA directions need the weights of at least two epochs; this run has ${p.epochs}. Train longer or use random directions.`,
  'landscape.pcaFlat': () => 'The trajectory needs at least two snapshots that differ from the final weights.',
  'boundary.badSize': (p) => `grid size must be an integer from ${p.min} to ${p.max}, got ${p.value}`,
  // Generic
  'engine.failed': (p) => p.detail,
  'run.heldElsewhere': (p) => `The run “${p.name}” is open in another tab, which is saving it; this tab cannot write it.`,
  'race.contenders': (p) => `A race needs ${p.min} to ${p.max} contenders, not ${p.count}.`,
  'shape.tooLarge': (p) =>
    `The model needs about ${gigabytes(p.bytes)} of memory to train at batch ${n(p.batchSize)}; ${engineNames[p.backend] ?? 'the engine'} can give about ${gigabytes(p.budget)}. Use fewer filters or units, pool earlier, or a smaller batch.`,
  'backend.missingFeature': (p) => missingFeatures[p.feature],
  'backend.softwareNotTimed': (p) => `emulated in software (${p.detail}), far slower than WASM; not timed`,
};
