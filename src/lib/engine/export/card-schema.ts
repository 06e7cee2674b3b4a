/**
 * Field-by-field check of an imported model-card.json against `ModelCard`: an uploaded card is user data,
 * and its values end up in the README, the demo page and train.py of the next export. Numbers must be
 * finite and in range, enums one of their values, text text, layers as the layer editor accepts them.
 * The first wrong field is named by its path (`hyperParameters.learningRate`, `model.layers[2].units`).
 * DOM-free: runs in the worker and in Node tests.
 */
import { EngineError, type EngineCodes } from '../errors';
import { ACTIVATIONS, type LayerSpec } from '../models/spec';
import type { ModelCard } from '../runs/record';
import { CONFIG_LIMITS, OPTIMIZERS, withinLimit, type NumberLimit } from '../train/config';

type Want = EngineCodes['import.cardField']['want'];

/** A card field that does not hold what `ModelCard` says it holds. */
export class CardFieldError extends EngineError<'import.cardField'> {
  override name = 'CardFieldError';
}

function fail(path: string, want: Want, extra: { choices?: readonly string[]; min?: number; max?: number } = {}): never {
  throw new CardFieldError('import.cardField', { path, want, choices: [...(extra.choices ?? [])], min: extra.min ?? null, max: extra.max ?? null });
}

/** Longest text accepted in one field: names and descriptions, not documents. */
const MAX_TEXT = 10_000;
/** Longest list (class names, columns, normalisation constants, layers). */
const MAX_LIST = 100_000;
/** Largest layer size, as the layer editor (models/shapes.ts) allows. */
const MAX_LAYER_SIZE = 100_000;
const MAX_WINDOW = 64;
const COUNT: NumberLimit = { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true, step: 1 };
const ANY_NUMBER: NumberLimit = { integer: false, step: 'any' };

type Obj = Record<string, unknown>;

function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'object');
  return v as Obj;
}

function text(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.length > MAX_TEXT) fail(path, 'text', { max: MAX_TEXT });
  return v;
}

function num(v: unknown, path: string, limit: NumberLimit = ANY_NUMBER): number {
  // typeof first: a string such as "__import__('os')" or "1" is not a number, whatever it parses to.
  if (typeof v !== 'number' || !withinLimit(v, limit)) fail(path, limit.integer ? 'integer' : 'number', { min: limit.min, max: limit.max });
  return v;
}

function int(v: unknown, path: string, min: number, max: number): number {
  return num(v, path, { min, max, integer: true, step: 1 });
}

function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, 'boolean');
  return v;
}

function choice<T extends string>(v: unknown, path: string, choices: readonly T[]): T {
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) fail(path, 'choice', { choices });
  return v as T;
}

function list<T>(v: unknown, path: string, item: (x: unknown, path: string) => T, max = MAX_LIST): T[] {
  if (!Array.isArray(v) || v.length > max) fail(path, 'list', { max });
  return v.map((x, i) => item(x, `${path}[${i}]`));
}

function nullable<T>(v: unknown, path: string, read: (x: unknown, path: string) => T): T | null {
  return v === null ? null : read(v, path);
}

function optional<T>(o: Obj, key: string, path: string, read: (x: unknown, path: string) => T): void {
  if (key in o && o[key] !== undefined) read(o[key], `${path}.${key}`);
}

const finite = (x: unknown, p: string) => num(x, p);
const count = (x: unknown, p: string) => num(x, p, COUNT);
const hex64 = (x: unknown, p: string) => {
  if (typeof x !== 'string' || !/^[0-9a-f]{64}$/.test(x)) fail(p, 'hex');
  return x;
};

/** A layer as the layer editor builds it: known type, its own keys only, sizes in the editor's ranges. */
function layer(v: unknown, path: string): LayerSpec {
  const l = obj(v, path);
  const type = choice(l.type, `${path}.type`, ['flatten', 'dense', 'dropout', 'conv2d', 'maxPooling2d', 'batchNormalization'] as const);
  const keys: Record<LayerSpec['type'], string[]> = {
    flatten: [],
    batchNormalization: [],
    dense: ['units', 'activation'],
    dropout: ['rate'],
    conv2d: ['filters', 'kernelSize', 'strides', 'padding', 'activation'],
    maxPooling2d: ['poolSize', 'strides', 'padding'],
  };
  // Unknown keys would reach the README's layer list and train.py's layer arguments.
  for (const k of Object.keys(l)) if (k !== 'type' && !keys[type].includes(k)) fail(`${path}.${k}`, 'absent');
  const p = (k: string) => `${path}.${k}`;
  if (type === 'dense') {
    int(l.units, p('units'), 1, MAX_LAYER_SIZE);
    choice(l.activation, p('activation'), ACTIVATIONS);
  } else if (type === 'dropout') {
    if (typeof l.rate !== 'number' || !(l.rate >= 0 && l.rate < 1)) fail(p('rate'), 'number', { min: 0, max: 1 });
  } else if (type === 'conv2d' || type === 'maxPooling2d') {
    if (type === 'conv2d') {
      int(l.filters, p('filters'), 1, MAX_LAYER_SIZE);
      int(l.kernelSize, p('kernelSize'), 1, MAX_WINDOW);
      choice(l.activation, p('activation'), ACTIVATIONS);
    } else int(l.poolSize, p('poolSize'), 1, MAX_WINDOW);
    int(l.strides, p('strides'), 1, MAX_WINDOW);
    choice(l.padding, p('padding'), ['valid', 'same'] as const);
  }
  return l as unknown as LayerSpec;
}

function dataset(v: unknown, path: string): void {
  const d = obj(v, path);
  const p = (k: string) => `${path}.${k}`;
  text(d.id, p('id'));
  text(d.name, p('name'));
  text(d.source, p('source'));
  choice(d.task, p('task'), ['classification', 'regression'] as const);
  list(d.inputShape, p('inputShape'), (x, q) => int(x, q, 1, MAX_LAYER_SIZE), 4);
  choice(d.inputKind, p('inputKind'), ['image', 'tabular'] as const);
  int(d.numClasses, p('numClasses'), 1, MAX_LAYER_SIZE);
  list(d.classNames, p('classNames'), text);
  optional(d, 'featureNames', path, (x, q) => list(x, q, text));
  optional(d, 'darkBackground', path, bool);
  count(d.trainCount, p('trainCount'));
  count(d.testCount, p('testCount'));
  nullable(d.checksum, p('checksum'), (x, q) => {
    const c = obj(x, q);
    choice(c.algorithm, `${q}.algorithm`, ['SHA-256'] as const);
    hex64(c.value, `${q}.value`);
    choice(c.of, `${q}.of`, ['files', 'content'] as const);
    optional(c, 'files', q, (f, fq) =>
      list(f, fq, (e, eq) => {
        const entry = obj(e, eq);
        text(entry.name, `${eq}.name`);
        hex64(entry.sha256, `${eq}.sha256`);
      }),
    );
  });
  const pre = obj(d.preprocessing, p('preprocessing'));
  finite(pre.scale, `${path}.preprocessing.scale`);
  text(pre.description, `${path}.preprocessing.description`);
  optional(pre, 'normalization', `${path}.preprocessing`, (x, q) => {
    const n = obj(x, q);
    list(n.mean, `${q}.mean`, finite);
    list(n.std, `${q}.std`, finite);
  });
  tableEncoding(pre, `${path}.preprocessing`);
  optional(pre, 'image', `${path}.preprocessing`, (x, q) => {
    const i = obj(x, q);
    int(i.height, `${q}.height`, 1, MAX_LAYER_SIZE);
    int(i.width, `${q}.width`, 1, MAX_LAYER_SIZE);
    int(i.channels, `${q}.channels`, 1, 4);
  });
}

/** A standard deviation: finite and above zero (predict.js divides by it). */
const positive = (x: unknown, p: string) => num(x, p, { min: 0, minExclusive: true, integer: false, step: 'any' });

/** The table encoding predict.js applies to raw rows: columns with their constants, missing policy, header, target. */
function tableEncoding(pre: Obj, path: string): void {
  optional(pre, 'columns', path, (x, q) =>
    list(x, q, (v, cq) => {
      const c = obj(v, cq);
      text(c.column, `${cq}.column`);
      const kind = choice(c.kind, `${cq}.kind`, ['numeric', 'categorical'] as const);
      const keys = kind === 'numeric' ? ['column', 'kind', 'mean', 'std'] : ['column', 'kind', 'categories', 'fill'];
      for (const k of Object.keys(c)) if (!keys.includes(k)) fail(`${cq}.${k}`, 'absent');
      if (kind === 'numeric') {
        finite(c.mean, `${cq}.mean`);
        positive(c.std, `${cq}.std`);
      } else {
        list(c.categories, `${cq}.categories`, text);
        text(c.fill, `${cq}.fill`);
      }
    }),
  );
  optional(pre, 'missing', path, (x, q) => choice(x, q, ['drop', 'fill'] as const));
  optional(pre, 'missingValues', path, (x, q) => list(x, q, text, 100));
  optional(pre, 'header', path, (x, q) => list(x, q, text));
  optional(pre, 'target', path, (x, q) => {
    const t = obj(x, q);
    text(t.column, `${q}.column`);
    if (choice(t.kind, `${q}.kind`, ['classes', 'numeric'] as const) === 'classes') list(t.classes, `${q}.classes`, text);
    else {
      finite(t.mean, `${q}.mean`);
      positive(t.std, `${q}.std`);
    }
  });
}

function schedule(v: unknown, path: string): void {
  const s = obj(v, path);
  const kind = choice(s.kind, `${path}.kind`, ['constant', 'one-cycle'] as const);
  if (kind === 'one-cycle') {
    num(s.pctStart, `${path}.pctStart`, { min: 0, max: 1, integer: false, step: 'any' });
    num(s.divFactor, `${path}.divFactor`, { min: 0, minExclusive: true, integer: false, step: 'any' });
    num(s.finalDivFactor, `${path}.finalDivFactor`, { min: 0, minExclusive: true, integer: false, step: 'any' });
    optional(s, 'rounds', path, (x, q) => list(x, q, (r, rq) => int(r, rq, 1, CONFIG_LIMITS.epochs.max)));
    optional(s, 'peaks', path, (x, q) => list(x, q, finite));
  }
}

function tuning(v: unknown, path: string): void {
  const t = obj(v, path);
  const p = (k: string) => `${path}.${k}`;
  optional(t, 'batch', path, (x, q) => {
    const b = obj(x, q);
    count(b.chosen, `${q}.chosen`);
    nullable(b.noiseScale, `${q}.noiseScale`, finite);
    text(b.reason, `${q}.reason`);
    list(b.rows, `${q}.rows`, (r, rq) => {
      const row = obj(r, rq);
      count(row.batchSize, `${rq}.batchSize`);
      finite(row.samplesPerSec, `${rq}.samplesPerSec`);
    });
  });
  optional(t, 'learningRate', path, (x, q) => {
    const l = obj(x, q);
    choice(l.rule, `${q}.rule`, ['valley', 'steepest', 'edge', 'cycle', 'manual'] as const);
    finite(l.value, `${q}.value`);
    finite(l.valley, `${q}.valley`);
    finite(l.steepest, `${q}.steepest`);
  });
  choice(t.schedule, p('schedule'), ['constant', 'one-cycle'] as const);
  optional(t, 'rounds', path, (x, q) => list(x, q, count));
  optional(t, 'roundPeaks', path, (x, q) => list(x, q, finite));
  optional(t, 'optimizer', path, (x, q) => {
    const o = obj(x, q);
    choice(o.from, `${q}.from`, OPTIMIZERS);
    choice(o.to, `${q}.to`, OPTIMIZERS);
  });
  finite(t.tunerSeconds, p('tunerSeconds'));
}

function hyperParameters(v: unknown, path: string): void {
  const h = obj(v, path);
  const p = (k: string) => `${path}.${k}`;
  const L = CONFIG_LIMITS;
  choice(h.optimizer, p('optimizer'), OPTIMIZERS);
  num(h.learningRate, p('learningRate'), L.learningRate);
  num(h.batchSize, p('batchSize'), { ...L.batchSize, max: Number.MAX_SAFE_INTEGER });
  num(h.epochs, p('epochs'), L.epochs);
  num(h.validationSplit, p('validationSplit'), L.validationSplit);
  num(h.seed, p('seed'), { ...L.seed, min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
  optional(h, 'loss', path, (x, q) => choice(x, q, ['sparseCategoricalCrossentropy', 'meanSquaredError', 'meanAbsoluteError'] as const));
  optional(h, 'schedule', path, schedule);
  optional(h, 'tuning', path, tuning);
  optional(h, 'earlyStopping', path, (x, q) => {
    const e = obj(x, q);
    num(e.patience, `${q}.patience`, L.patience);
    bool(e.restoreBest, `${q}.restoreBest`);
  });
}

function metrics(v: unknown, path: string): void {
  const m = obj(v, path);
  const p = (k: string) => `${path}.${k}`;
  count(m.epochs, p('epochs'));
  count(m.steps, p('steps'));
  for (const k of ['trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'testLoss', 'testAccuracy']) nullable(m[k], p(k), finite);
  nullable(m.bestEpoch, p('bestEpoch'), count);
  num(m.seconds, p('seconds'), { min: 0, integer: false, step: 'any' });
}

function quantization(v: unknown, path: string): void {
  const q = obj(v, path);
  const p = (k: string) => `${path}.${k}`;
  choice(q.dtype, p('dtype'), ['float16', 'uint8'] as const);
  count(q.bytesBefore, p('bytesBefore'));
  count(q.bytesAfter, p('bytesAfter'));
  for (const k of ['testAccuracyBefore', 'testAccuracyAfter', 'testLossBefore', 'testLossAfter']) nullable(q[k], p(k), finite);
  count(q.testCount, p('testCount'));
}

/**
 * Returns `x` as a `ModelCard` when every field holds what the card's schema says, else throws a
 * `CardFieldError` (`import.cardField`) naming the first wrong field's path.
 */
export function checkModelCard(x: unknown): ModelCard {
  const c = obj(x, 'card');
  if (c.format !== 'descent-model-card') fail('format', 'choice', { choices: ['descent-model-card'] });
  if (c.version !== 1) fail('version', 'choice', { choices: ['1'] });
  text(c.name, 'name');
  text(c.createdAt, 'createdAt');
  nullable(c.runId, 'runId', text);
  dataset(c.dataset, 'dataset');
  const model = obj(c.model, 'model');
  text(model.name, 'model.name');
  list(model.layers, 'model.layers', layer, 1000);
  count(c.totalParams, 'totalParams');
  nullable(c.hyperParameters, 'hyperParameters', hyperParameters);
  nullable(c.tuner, 'tuner', (x, q) =>
    list(x, q, (t, tq) => {
      const d = obj(t, tq);
      text(d.parameter, `${tq}.parameter`);
      if (!['string', 'number', 'boolean'].includes(typeof d.value) || (typeof d.value === 'number' && !Number.isFinite(d.value))) fail(`${tq}.value`, 'value');
      text(d.reason, `${tq}.reason`);
    }),
  );
  nullable(c.metrics, 'metrics', metrics);
  const w = obj(c.weights, 'weights');
  nullable(w.epoch, 'weights.epoch', count);
  choice(w.kind, 'weights.kind', ['last', 'best'] as const);
  nullable(c.quantization, 'quantization', quantization);
  text(c.backend, 'backend');
  text(c.tfjsVersion, 'tfjsVersion');
  num(c.seed, 'seed', { integer: true, min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER, step: 1 });
  text(c.generator, 'generator');
  if (c.language !== undefined) choice(c.language, 'language', ['en', 'zh-CN'] as const);
  return c as unknown as ModelCard;
}
