/**
 * What train.py and train_torch.py share: the card's facts as a block of Python constants, and the numpy
 * code (assets/train_common.py) that reads the data file, applies the card's preprocessing, splits it as
 * the app does and reads the exported TF.js weights. Every value from the card is written as a Python
 * literal (escape.ts), and layers and columns only with the keys their type has, so no card value can
 * become code. Pure strings: runs in the worker and in Node tests.
 */
import type { LayerSpec } from '../models/spec';
import type { ModelCard } from '../runs/record';
import { DEFAULT_CONFIG } from '../train/config';
import type { ScheduleSpec } from '../train/schedules';
import commonPy from './assets/train_common.py?raw';
import { pyInt, pyLit, pyNum, pyStr } from './escape';

export { commonPy };

/** A Python dict literal from keys we name and values already written as Python literals. */
function pyDict(entries: [string, string][]): string {
  return `{${entries.map(([k, v]) => `${pyStr(k)}: ${v}`).join(', ')}}`;
}

function pyTuple(values: number[]): string {
  return `(${values.map(pyInt).join(', ')}${values.length === 1 ? ',' : ''})`;
}

function layerDict(layer: LayerSpec): string {
  const type: [string, string] = ['type', pyStr(layer.type)];
  switch (layer.type) {
    case 'flatten':
    case 'batchNormalization':
      return pyDict([type]);
    case 'dense':
      return pyDict([type, ['units', pyInt(layer.units)], ['activation', pyStr(layer.activation)]]);
    case 'dropout':
      return pyDict([type, ['rate', pyNum(layer.rate)]]);
    case 'conv2d':
      return pyDict([type, ['filters', pyInt(layer.filters)], ['kernelSize', pyInt(layer.kernelSize)], ['strides', pyInt(layer.strides)], ['padding', pyStr(layer.padding)], ['activation', pyStr(layer.activation)]]);
    case 'maxPooling2d':
      return pyDict([type, ['poolSize', pyInt(layer.poolSize)], ['strides', pyInt(layer.strides)], ['padding', pyStr(layer.padding)]]);
  }
}

function scheduleDict(s: ScheduleSpec | undefined): string {
  if (!s || s.kind === 'constant') return 'None';
  if (s.kind === 'step-decay') return pyDict([['kind', pyStr(s.kind)], ['everyEpochs', pyNum(s.everyEpochs)], ['gamma', pyNum(s.gamma)]]);
  return pyDict([
    ['kind', pyStr(s.kind)],
    ['pctStart', pyNum(s.pctStart)],
    ['divFactor', pyNum(s.divFactor)],
    ['finalDivFactor', pyNum(s.finalDivFactor)],
    ['rounds', s.rounds ? `[${s.rounds.map(pyInt).join(', ')}]` : 'None'],
    ['peaks', s.peaks ? `[${s.peaks.map(pyNum).join(', ')}]` : 'None'],
  ]);
}

/** The loss the run minimised: the card's, else the one that fits the task. */
export function cardLoss(card: ModelCard): string {
  return card.hyperParameters?.loss ?? (card.dataset.task === 'classification' ? 'sparseCategoricalCrossentropy' : 'meanSquaredError');
}

/** The constants block both scripts start from (one `NAME = literal` per line). */
export function renderCardConstants(card: ModelCard): string {
  const d = card.dataset;
  const pre = d.preprocessing;
  // Hyper-parameters are unknown for a model imported without its card: Descent's defaults then.
  const h = card.hyperParameters ?? DEFAULT_CONFIG;
  const columns = pre.columns?.map((c) =>
    c.kind === 'numeric'
      ? pyDict([['column', pyStr(c.column)], ['kind', pyStr(c.kind)], ['mean', pyNum(c.mean)], ['std', pyNum(c.std)]])
      : pyDict([['column', pyStr(c.column)], ['kind', pyStr(c.kind)], ['categories', pyLit(c.categories)], ['fill', pyStr(c.fill)]]),
  );
  const t = pre.target;
  const target = !t
    ? 'None'
    : t.kind === 'classes'
      ? pyDict([['column', pyStr(t.column)], ['kind', pyStr(t.kind)], ['classes', pyLit(t.classes)]])
      : pyDict([['column', pyStr(t.column)], ['kind', pyStr(t.kind)], ['mean', pyNum(t.mean)], ['std', pyNum(t.std)]]);
  const checksum = d.checksum?.of === 'files' ? d.checksum : null;
  const lines: [string, string][] = [
    ['MODEL_NAME', pyStr(card.name)],
    ['DATASET_ID', pyStr(d.id)],
    ['DATASET_NAME', pyStr(d.name)],
    ['TASK', pyStr(d.task)],
    ['INPUT_SHAPE', pyTuple(d.inputShape)],
    ['NUM_CLASSES', pyInt(d.numClasses)],
    ['CLASS_NAMES', pyLit(d.classNames)],
    ['SCALE', pyNum(pre.scale)],
    ['NORM_MEAN', pre.normalization ? pyLit(pre.normalization.mean) : 'None'],
    ['NORM_STD', pre.normalization ? pyLit(pre.normalization.std) : 'None'],
    ['IMAGE', pre.image ? pyTuple([pre.image.height, pre.image.width, pre.image.channels]) : 'None'],
    ['COLUMNS', columns ? `[\n    ${columns.join(',\n    ')},\n]` : 'None'],
    ['MISSING', pre.missing ? pyStr(pre.missing) : 'None'],
    ['MISSING_VALUES', pre.missingValues ? pyLit(pre.missingValues) : 'None'],
    ['HEADER', pre.header ? pyLit(pre.header) : 'None'],
    ['TARGET', target],
    ['DATA_FILES', pyLit(checksum?.files?.map((f) => f.name) ?? [])],
    ['DATA_CHECKSUM', checksum ? pyStr(checksum.value) : 'None'],
    ['TRAIN_COUNT', pyInt(d.trainCount)],
    ['TEST_COUNT', pyInt(d.testCount)],
    ['LAYERS', `[\n    ${card.model.layers.map(layerDict).join(',\n    ')},\n]`],
    ['OPTIMIZER', pyStr(h.optimizer)],
    ['LEARNING_RATE', pyNum(h.learningRate)],
    ['BATCH_SIZE', pyInt(h.batchSize)],
    ['EPOCHS', pyInt(h.epochs)],
    ['VALIDATION_SPLIT', pyNum(h.validationSplit)],
    ['SEED', pyInt(card.seed)],
    ['LOSS', pyStr(cardLoss(card))],
    ['SCHEDULE', scheduleDict(h.schedule)],
    ['EARLY_STOPPING', h.earlyStopping ? pyDict([['patience', pyInt(h.earlyStopping.patience)], ['restoreBest', pyLit(h.earlyStopping.restoreBest)]]) : 'None'],
    ['HYPER_PARAMETERS_KNOWN', pyLit(card.hyperParameters !== null)],
  ];
  return ['# ---- From model-card.json: every value is a Python literal written by Descent ----', ...lines.map(([k, v]) => `${k} = ${v}`)].join('\n');
}
