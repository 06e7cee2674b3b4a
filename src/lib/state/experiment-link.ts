import { CATALOG } from '../engine/data/catalog';
import { SYNTHETIC_LIMITS, takesClasses, type SyntheticKind } from '../engine/data/synthetic';
import { PRESET_IDS, type PresetId } from '../engine/models/presets';
import { ACTIVATIONS, type Activation, type LayerSpec, type Padding } from '../engine/models/spec';
import { CONFIG_LIMITS, OPTIMIZERS, withinLimit, type NumberLimit, type OptimizerName, type TrainConfig } from '../engine/train/config';
import type { LossName } from '../engine/train/loss-names';
import type { ScheduleSpec } from '../engine/train/schedules';

/**
 * A whole experiment as the query of `#/train?…`, as TensorFlow Playground keeps its settings in its URL: the
 * data (a built-in dataset, or a generator with its parameters), the model (a preset or every layer), the loss,
 * the hyper-parameters, the schedule, early stopping and the seed. Every value read back is checked against
 * the same limits the forms use; a bad one is reported and its default kept (a link is data, never code).
 */
export interface Experiment {
  /** A catalog id (`mnist`, `iris`, `gen-spiral`, …). */
  data: string;
  generator?: { kind: SyntheticKind; count: number; noise: number; seed: number; classes?: number };
  model: { preset: PresetId } | { layers: LayerSpec[] };
  /** Only when it is not the task's default. */
  loss?: LossName;
  config: TrainConfig;
}

export type ExperimentParam =
  | 'data' | 'n' | 'noise' | 'dseed' | 'classes' | 'preset' | 'layers' | 'loss'
  | 'opt' | 'lr' | 'batch' | 'epochs' | 'val' | 'seed' | 'sched' | 'es';

export interface ExperimentParamError {
  param: ExperimentParam;
  value: string;
}

/** The parameters that make a `#/train` link an experiment link. */
export const EXPERIMENT_PARAMS: readonly ExperimentParam[] = ['data', 'n', 'noise', 'dseed', 'classes', 'preset', 'layers', 'loss', 'opt', 'lr', 'batch', 'epochs', 'val', 'seed', 'sched', 'es'];

const LOSSES: readonly LossName[] = ['sparseCategoricalCrossentropy', 'meanSquaredError', 'meanAbsoluteError'];
/** Layer sizes a link may ask for (the editor's memory check still applies once the data is known). */
const LAYER_LIMITS = { units: 4096, filters: 512, kernelSize: 11, strides: 4, poolSize: 4, layers: 32 } as const;

const num = (v: number) => String(v);

function encodeLayer(l: LayerSpec): string {
  switch (l.type) {
    case 'dense':
      return `dense:${l.units}:${l.activation}`;
    case 'conv2d':
      return `conv2d:${l.filters}:${l.kernelSize}:${l.strides}:${l.padding}:${l.activation}`;
    case 'maxPooling2d':
      return `maxPooling2d:${l.poolSize}:${l.strides}:${l.padding}`;
    case 'dropout':
      return `dropout:${num(l.rate)}`;
    case 'flatten':
    case 'batchNormalization':
      return l.type;
  }
}

function encodeSchedule(s: ScheduleSpec): string {
  if (s.kind === 'one-cycle') return `one-cycle:${num(s.pctStart)}:${num(s.divFactor)}:${num(s.finalDivFactor)}`;
  if (s.kind === 'step-decay') return `step-decay:${s.everyEpochs}:${num(s.gamma)}`;
  return 'constant';
}

export function encodeExperiment(e: Experiment): URLSearchParams {
  const p = new URLSearchParams();
  p.set('data', e.data);
  if (e.generator) {
    p.set('n', num(e.generator.count));
    p.set('noise', num(e.generator.noise));
    p.set('dseed', num(e.generator.seed));
    if (e.generator.classes !== undefined && takesClasses(e.generator.kind)) p.set('classes', num(e.generator.classes));
  }
  if ('preset' in e.model) p.set('preset', e.model.preset);
  else p.set('layers', e.model.layers.map(encodeLayer).join(','));
  if (e.loss) p.set('loss', e.loss);
  const c = e.config;
  p.set('opt', c.optimizer);
  p.set('lr', num(c.learningRate));
  p.set('batch', num(c.batchSize));
  p.set('epochs', num(c.epochs));
  p.set('val', num(c.validationSplit));
  p.set('seed', num(c.seed));
  if (c.schedule && c.schedule.kind !== 'constant') p.set('sched', encodeSchedule(c.schedule));
  if (c.earlyStopping) p.set('es', `${c.earlyStopping.patience}:${c.earlyStopping.restoreBest ? 1 : 0}`);
  return p;
}

/** A finite number from text within [min, max] (whole when `integer`), or undefined. */
function parseNumber(text: string, min: number, max: number, integer = false): number | undefined {
  if (text.trim() === '') return undefined;
  const v = Number(text);
  if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) return undefined;
  return v;
}

function parseLimited(text: string, limit: NumberLimit): number | undefined {
  if (text.trim() === '') return undefined;
  const v = Number(text);
  return withinLimit(v, limit) ? v : undefined;
}

const isActivation = (v: string): v is Activation => (ACTIVATIONS as readonly string[]).includes(v);
const isPadding = (v: string): v is Padding => v === 'same' || v === 'valid';

function parseLayer(text: string): LayerSpec | undefined {
  const [type, ...f] = text.split(':');
  const L = LAYER_LIMITS;
  if (type === 'flatten' || type === 'batchNormalization') return f.length === 0 ? { type } : undefined;
  if (type === 'dense' && f.length === 2) {
    const units = parseNumber(f[0], 1, L.units, true);
    return units !== undefined && isActivation(f[1]) ? { type, units, activation: f[1] } : undefined;
  }
  if (type === 'dropout' && f.length === 1) {
    const rate = parseNumber(f[0], 0, 0.95);
    return rate === undefined ? undefined : { type, rate };
  }
  if (type === 'conv2d' && f.length === 5) {
    const [filters, kernelSize, strides] = [parseNumber(f[0], 1, L.filters, true), parseNumber(f[1], 1, L.kernelSize, true), parseNumber(f[2], 1, L.strides, true)];
    if (filters === undefined || kernelSize === undefined || strides === undefined || !isPadding(f[3]) || !isActivation(f[4])) return undefined;
    return { type, filters, kernelSize, strides, padding: f[3], activation: f[4] };
  }
  if (type === 'maxPooling2d' && f.length === 3) {
    const [poolSize, strides] = [parseNumber(f[0], 1, L.poolSize, true), parseNumber(f[1], 1, L.strides, true)];
    if (poolSize === undefined || strides === undefined || !isPadding(f[2])) return undefined;
    return { type, poolSize, strides, padding: f[2] };
  }
  return undefined;
}

function parseLayers(text: string): LayerSpec[] | undefined {
  const parts = text.split(',');
  if (text === '' || parts.length > LAYER_LIMITS.layers) return undefined;
  const layers: LayerSpec[] = [];
  for (const part of parts) {
    const layer = parseLayer(part);
    if (!layer) return undefined;
    layers.push(layer);
  }
  return layers;
}

function parseSchedule(text: string): ScheduleSpec | undefined {
  const [kind, ...f] = text.split(':');
  if (kind === 'constant' && f.length === 0) return { kind };
  if (kind === 'one-cycle' && f.length === 3) {
    const [pctStart, divFactor, finalDivFactor] = [parseNumber(f[0], 0.01, 0.99), parseNumber(f[1], 1, 1e6), parseNumber(f[2], 1, 1e9)];
    return pctStart === undefined || divFactor === undefined || finalDivFactor === undefined ? undefined : { kind, pctStart, divFactor, finalDivFactor };
  }
  if (kind === 'step-decay' && f.length === 2) {
    const [everyEpochs, gamma] = [parseNumber(f[0], 1, 1000, true), parseNumber(f[1], 1e-6, 1)];
    return everyEpochs === undefined || gamma === undefined ? undefined : { kind, everyEpochs, gamma };
  }
  return undefined;
}

/** Whether a `#/train` query asks for an experiment (it names its data). */
export function isExperimentLink(params: URLSearchParams): boolean {
  return params.has('data');
}

/**
 * Reads an experiment link over `defaults` (the page's current setup): every parameter present replaces its
 * default when it is valid, and is listed in `errors` (the default kept) when it is not.
 */
export function decodeExperiment(params: URLSearchParams, defaults: Experiment): { experiment: Experiment; errors: ExperimentParamError[] } {
  const errors: ExperimentParamError[] = [];
  const read = <T>(param: ExperimentParam, parse: (text: string) => T | undefined, apply: (v: T) => void) => {
    const text = params.get(param);
    if (text === null) return;
    const v = parse(text);
    if (v === undefined) errors.push({ param, value: text });
    else apply(v);
  };
  const e: Experiment = structuredClone(defaults);
  read('data', (t) => (CATALOG.some((c) => c.id === t) ? t : undefined), (v) => (e.data = v));
  const entry = CATALOG.find((c) => c.id === e.data);
  if (entry?.kind === 'generator') {
    const G = SYNTHETIC_LIMITS;
    const g: NonNullable<Experiment['generator']> = { count: 400, noise: 0.2, seed: 1, ...e.generator, kind: entry.synth };
    read('n', (t) => parseNumber(t, G.count.min, G.count.max, true), (v) => (g.count = v));
    read('noise', (t) => parseNumber(t, G.noise.min, G.noise.max), (v) => (g.noise = v));
    read('dseed', (t) => parseNumber(t, 0, 2 ** 31, true), (v) => (g.seed = v));
    if (takesClasses(entry.synth)) read('classes', (t) => parseNumber(t, G.classes.min, G.classes.max, true), (v) => (g.classes = v));
    e.generator = g;
  } else delete e.generator;
  read('preset', (t) => ((PRESET_IDS as readonly string[]).includes(t) ? (t as PresetId) : undefined), (v) => (e.model = { preset: v }));
  read('layers', parseLayers, (v) => (e.model = { layers: v }));
  read('loss', (t) => ((LOSSES as readonly string[]).includes(t) ? (t as LossName) : undefined), (v) => (e.loss = v));
  const c = e.config;
  const L = CONFIG_LIMITS;
  read('opt', (t) => ((OPTIMIZERS as readonly string[]).includes(t) ? (t as OptimizerName) : undefined), (v) => (c.optimizer = v));
  read('lr', (t) => parseLimited(t, L.learningRate), (v) => (c.learningRate = v));
  read('batch', (t) => parseNumber(t, 1, 65536, true), (v) => (c.batchSize = v));
  read('epochs', (t) => parseLimited(t, L.epochs), (v) => (c.epochs = v));
  read('val', (t) => parseLimited(t, L.validationSplit), (v) => (c.validationSplit = v));
  read('seed', (t) => parseNumber(t, -(2 ** 31), 2 ** 31, true), (v) => (c.seed = v));
  read('sched', parseSchedule, (v) => (c.schedule = v.kind === 'constant' ? undefined : v));
  read('es', (t) => {
    const [patience, restore] = t.split(':');
    const p = parseLimited(patience ?? '', L.patience);
    return p === undefined || (restore !== '0' && restore !== '1') ? undefined : { patience: p, restoreBest: restore === '1' };
  }, (v) => (c.earlyStopping = v));
  if (c.schedule === undefined) delete c.schedule;
  return { experiment: e, errors };
}

