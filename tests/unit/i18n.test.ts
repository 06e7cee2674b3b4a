/**
 * The Chinese dictionary mirrors the English one (issue 13): the same keys at every depth, the same function
 * parameters, every text callable on realistic arguments, Chinese words where English has words, and the
 * terms of docs/GLOSSARY.md used as the glossary says. TypeScript checks most of the shape already; this
 * catches what it lets through (extra keys in spread parts, functions with fewer parameters).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGINE_CODES, type EngineCode, type EngineMessage } from '../../src/lib/engine/errors';
import { en } from '../../src/lib/i18n/en';
import { zh } from '../../src/lib/i18n/zh';

type Fn = (...args: unknown[]) => unknown;
type Dict = Record<string, unknown>;

/** Every node of a dictionary by dotted path: 'object', 'string' or 'function/<parameter count>'. */
function shapeOf(node: unknown, path = '', out: Record<string, string> = {}): Record<string, string> {
  if (typeof node === 'string') out[path] = 'string';
  else if (typeof node === 'function') out[path] = `function/${node.length}`;
  else if (node && typeof node === 'object' && !Array.isArray(node)) {
    out[path || '(root)'] = 'object';
    for (const [k, v] of Object.entries(node)) shapeOf(v, path ? `${path}.${k}` : k, out);
  } else out[path] = `unexpected ${Array.isArray(node) ? 'array' : typeof node}`;
  return out;
}

function at(dict: unknown, path: string): unknown {
  // Engine codes contain dots ('csv.ragged'): they are one key under `engine`.
  if (path.startsWith('engine.')) return (dict as Dict & { engine: Dict }).engine[path.slice('engine.'.length)];
  return path.split('.').reduce<unknown>((node, k) => (node as Dict)[k], dict);
}

function shapeOfDict(dict: Dict): Record<string, string> {
  const { engine, ...rest } = dict;
  const out = shapeOf(rest);
  for (const [code, fn] of Object.entries(engine as Dict)) out[`engine.${code}`] = typeof fn === 'function' ? `function/${fn.length}` : typeof fn;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Sample arguments. Page texts: by parameter name (read from the English function's source), the first value
// the default, the others variants that take the other branches. Engine texts: by field of their one
// parameter object. A name or field without a sample fails the test, so a new text gets samples with it.

const pageSamples: Record<string, unknown[]> = {
  pct: [42, 0, 100],
  // A run's default name (classroom.runName).
  optimizer: ['Adam'],
  learningRate: ['0.001'],
  batch: [32],
  schedule: ['one-cycle', ''],
  msg: ['WebGL context lost'],
  name: ['run 3 (MNIST)'],
  n: [5, 1, 0],
  isolated: [true, false],
  at: ['2025-03-14T09:26:53.000Z'],
  from: ['webgpu'],
  to: ['wasm'],
  why: ['device lost'],
  epoch: [3, 0],
  rel: [2.3e-7],
  train: [60_000],
  test: [10_000],
  shape: [[28, 28, 1], [4]],
  classes: [10],
  epochs: [10],
  step: [120],
  steps: [469],
  s: [12.34],
  total: [10_000],
  files: ['model.json, model.weights.bin'],
  p: [0.873],
  rule: ['valley'],
  lr: ['3.0e-3'],
  b: [812],
  pair: ['32 / 256'],
  rounds: [[2, 4], [1], [3]],
  maxBatch: [512],
  minSteps: [300],
  min: [2],
  max: [5_000],
  evals: [625],
  params: [101_770],
  backend: ['WebGL'],
  k: [1, 2],
  explained: [undefined, 0.423],
  what: ['Range'],
  t: [3, 12],
  names: [['w', 'b'], ['θ₁', 'θ₂']],
  param: ['lr'],
  value: ['fast'],
  text: ['abc'],
  loss: ['3.2e+4'],
  label: ['Dense 2'],
  actual: ['cat'],
  predicted: ['dog'],
  confidence: [0.973, 0.5],
  limit: ['10 MB'],
  rows: [1_200, 1],
  cols: [5],
  delimiter: [',', '\t', ';'],
  i: [2],
  index: [3],
  file: ['descent-mnist.zip'],
  size: ['12.5 MB'],
  kind: ['CSV'],
  before: [400_000],
  after: [100_000],
  bytes: [3_500_000, 800],
  usage: [12_000_000],
  quota: [2_000_000_000],
  date: ['2025/3/14 09:26'],
  tfTotal: [101_770],
  term: ['Learning rate'],
  zip: ['500 MB'],
  image: ['20 MB'],
};
/** Texts whose parameters mean something else than the names above say elsewhere. */
const pageOverrides: Record<string, unknown[][]> = {
  'evaluation.regressionRow': [[3.14159, 2.5], [-0.002, 1200]],
  'tune.noiseScale': [['1.2e+3', '32 / 256']],
  'deploy.import.tooBig': [['model.bin', 3_500_000, 50_000_000]],
  'deploy.export.accuracyChange': [[0.9812, 0.979], [0.95, 0.96]],
  'deploy.export.lossChange': [[0.0712, 0.0735]],
  'lab.badRate': [['abc', 1e-5, 10]],
  'dataUi.generatedSource': [['spiral', 400, 0.2, 7], ['XOR', 1, 0, 0]],
};

/** The parameter names of a compiled arrow or plain function (no destructuring in page texts). */
function paramNames(fn: Fn): string[] {
  const src = fn.toString();
  const m = /^(?:async\s*)?(?:function\s*[\w$]*\s*)?\(([^)]*)\)/.exec(src) ?? /^([\w$]+)\s*=>/.exec(src);
  if (!m) throw new Error(`cannot read the parameters of ${src.slice(0, 60)}`);
  return m[1]
    .split(',')
    .map((p) => p.replace(/=.*$/, '').trim())
    .filter(Boolean);
}

/** Argument lists to call a page text with: the defaults, then one variant at a time. */
function pageCalls(path: string, enFn: Fn): unknown[][] {
  if (pageOverrides[path]) return pageOverrides[path];
  const names = paramNames(enFn);
  const missing = names.filter((p) => !(p in pageSamples));
  if (missing.length) throw new Error(`${path}: add sample arguments for ${missing.join(', ')} to pageSamples`);
  const defaults = names.map((p) => pageSamples[p][0]);
  const calls = [defaults];
  names.forEach((p, i) => pageSamples[p].slice(1).forEach((v) => calls.push(defaults.map((d, j) => (j === i ? v : d)))));
  return calls;
}

const timeout: EngineMessage = { code: 'backend.startTimeout', params: { backend: 'webgpu', seconds: 10 } };
const nested: EngineMessage = { code: 'tune.smallGain', params: { batch: 64 } };
const imageFailures = [
  { file: 'a.png', reason: 'bad PNG header' },
  { file: 'b.jpg', reason: 'truncated' },
];
const engineSamples: Record<string, unknown[]> = {
  job: ['training', 'tuning', 'landscape', 'evaluating', 'recovering'],
  problems: [[{ code: 'config.batchSize', params: { value: 0 } }, { code: 'config.seed', params: { value: 1.5 } }]],
  backend: ['webgl', 'wasm', 'cpu', 'webgpu', 'something-new'],
  restored: ['run-12'],
  detail: ['out of memory'],
  layers: [['GRU', 'Lambda']],
  kind: ['csv', 'image', 'zip'],
  run: ['MNIST'],
  checksum: ['3f9a1c0e'],
  loaded: ['Fashion-MNIST'],
  status: [404],
  file: ['data.csv'],
  bytes: [12_000_000, 800, 3_000, 5 * 1024 ** 3],
  limit: [10 * 1024 * 1024],
  count: [3, 1, 12_345],
  value: [0.5],
  min: [1],
  max: [50],
  classes: [12],
  format: [null, 'png', 'jpeg', 'gif', 'webp', 'bmp', 'zip', 'gzip', 'pdf', 'office'],
  first: ['x1,x2,y'],
  columns: [3],
  line: [7],
  got: [2, 1],
  expected: [3],
  column: ['price'],
  others: [99],
  rows: [150],
  dropped: [0, 12],
  why: ['name', 'y', 'last'],
  reason: ['bad PNG header'],
  source: ['flowers.zip'],
  example: ['photo.jpg'],
  name: ['cats'],
  failures: [imageFailures, []],
  files: [['notes.txt'], ['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt', 'f.txt']],
  width: [640],
  height: [480],
  size: [28],
  magic: [1234],
  rank: [1],
  dims: [[60_000, 28, 28]],
  available: [1_000],
  labels: [60_000],
  images: [59_999],
  imageFile: ['train-images-idx3-ubyte'],
  label: [11],
  index: [5],
  needed: [16],
  train: [[28, 28]],
  test: [[32, 32]],
  layer: [3],
  type: ['dense', 'conv2d', 'maxPooling2d', 'flatten', 'dropout', 'batchNormalization'],
  shape: [[7, 7, 32], [null, 10]],
  window: [3],
  field: ['units', 'filters', 'kernelSize', 'poolSize', 'strides'],
  activation: ['relu'],
  loss: ['sparseCategoricalCrossentropy', 'meanSquaredError', 'meanAbsoluteError'],
  task: ['regression', 'classification'],
  fits: [['meanSquaredError', 'meanAbsoluteError'], ['sparseCategoricalCrossentropy']],
  units: [0],
  rate: [1.2],
  modelShape: [[null, 4]],
  dataset: ['Iris'],
  dataShape: [[2]],
  as: ['model', 'card'],
  holds: ['list', 'string', 'number'],
  key: ['modelTopology', 'weightsManifest'],
  keys: [['format'], []],
  group: [2],
  weight: [4],
  dtype: ['complex64'],
  actual: [1_000],
  path: ['model.layers[1].units'],
  want: ['object', 'text', 'number', 'integer', 'boolean', 'choice', 'list', 'hex', 'absent', 'value'],
  choices: [['relu', 'tanh']],
  problem: [timeout, nested],
  batch: [512],
  examples: [400],
  epochs: [2, 1],
  counts: [[100, 120, 140]],
  epoch: [7],
  patience: [3, 1],
  best: [{ loss: 0.0812, epoch: 5 }, null],
  exploded: [true, false],
  lr: [0.3],
  step: [42],
  seconds: [10, 2.5],
  notices: [[{ code: 'backend.startFailed', params: { backend: 'webgpu', problem: timeout } }, { code: 'backend.softwareGpu', params: { backend: 'webgl', detail: 'SwiftShader' } }]],
  order: [['webgpu', 'webgl', 'wasm', 'cpu']],
  ms: [850],
  budget: [500, 2 * 1024 ** 3],
  samplesPerSec: [12_345.6],
  noiseScale: [812.3],
  fastest: [1_024],
  batchSize: [64],
  feature: ['webgpu', 'webgpuAdapter', 'offscreenCanvas', 'webgl2', 'webassembly'],
};
/** Codes whose fields mean something else than the same field name elsewhere. */
const engineOverrides: Partial<Record<EngineCode, Record<string, unknown[]>>> = {
  'session.checkpointMissing': { kind: ['last', 'best'] },
  'session.backendReset': { restored: ['run-12', 'import'] },
  'train.earlyStopped': { restored: [true, false] },
  'train.finishedAll': { restored: [true, false] },
  'train.nonFiniteGradient': { layer: ['dense_Dense2'] },
  'train.nonFiniteWeights': { layer: ['conv2d_Conv2D1'] },
  'tune.noBatchMeasured': { why: [nested, timeout] },
  'backend.unavailable': { problem: [null, timeout] },
  'backend.noneTrained': { failures: [[{ backend: 'webgl', problem: timeout }, { backend: 'wasm', problem: nested }]] },
  'import.specShape': { shape: ['[3,-1]'] },
  'import.weightsSize': { group: [2, null], files: [['group1-shard1of1.bin'], ['a.bin', 'b.bin']] },
  'import.noModelJson': { files: [['weights.bin', 'notes.txt'], []] },
  'import.cardField': { min: [null, 1, null], max: [null, 100, 64] },
  'import.cardUnreadable': { problem: [{ code: 'import.badJson', params: { file: 'model-card.json', as: 'card', detail: 'Unexpected token' } }] },
};

/** A parameter object that fails loudly when a text reads a field no sample exists for; records what is read. */
function strictParams(code: string, values: Dict, read: Set<string>): Dict {
  return new Proxy(values, {
    get(target, key) {
      if (typeof key !== 'string' || key === 'toJSON' || key === 'then') return Reflect.get(target, key);
      if (!(key in target)) throw new Error(`${code}: add a sample for the field "${key}" to engineSamples`);
      read.add(key);
      return target[key];
    },
  });
}

/** Parameter objects to call an engine text with: the defaults, then one variant of each field it reads. */
function engineCalls(code: EngineCode, enFn: Fn): Dict[] {
  const table = { ...engineSamples, ...engineOverrides[code] };
  const defaults = Object.fromEntries(Object.entries(table).map(([k, v]) => [k, v[0]]));
  const read = new Set<string>();
  enFn(strictParams(code, defaults, read));
  const calls: Dict[] = [defaults];
  for (const field of read) for (const v of table[field].slice(1)) calls.push({ ...defaults, [field]: v });
  return calls;
}

interface Said {
  path: string;
  args: string;
  en: unknown;
  zh: unknown;
}

/** What a text returns, or what it threw (so the failure names the text and its arguments). */
function attempt(say: () => unknown): unknown {
  try {
    return say();
  } catch (err) {
    return { threw: err instanceof Error ? err.message : String(err) };
  }
}

/** Every text of both dictionaries: leaf strings as they are, functions called with every argument list. */
function everything(): Said[] {
  const out: Said[] = [];
  for (const [path, kind] of Object.entries(shapeOfDict(en))) {
    if (kind === 'object') continue;
    const e = at(en, path);
    const z = at(zh, path);
    if (typeof e === 'string') out.push({ path, args: '', en: e, zh: z });
    else if (path.startsWith('engine.')) {
      const code = path.slice('engine.'.length) as EngineCode;
      for (const p of engineCalls(code, e as Fn)) {
        const read = new Set<string>();
        out.push({ path, args: JSON.stringify(p), en: attempt(() => (e as Fn)(strictParams(code, p, read))), zh: attempt(() => (z as Fn)(strictParams(code, p, read))) });
      }
    } else for (const args of pageCalls(path, e as Fn)) out.push({ path, args: JSON.stringify(args), en: attempt(() => (e as Fn)(...args)), zh: attempt(() => (z as Fn)(...args)) });
  }
  return out;
}

/** zh texts that are only symbols, formulas or names, so hold no Chinese character ('x.*': everything under x). */
const latinOnly = [
  'appName',
  'language.names.en',
  'backend.names.webgpu',
  'backend.names.webgl',
  'backend.names.wasm',
  'params.optimizers.sgd',
  'params.optimizers.rmsprop',
  'params.optimizers.adam',
  'lab.surfaces.beale',
  'lab.formulas.*',
  'lab.optimizerNames.sgd',
  'lab.optimizerNames.nesterov',
  'lab.optimizerNames.rmsprop',
  'lab.optimizerNames.adam',
  'lab.theta.rows.theta',
  'lab.theta.rows.loss',
  'lab.theta.rows.grad',
  'lab.theta.rows.lr',
  'lab.theta.rows.mu',
  'lab.theta.rows.rho',
  'lab.theta.rows.betas',
  'lab.theta.rows.velocity',
  'lab.theta.rows.meanSquare',
  'lab.theta.rows.m',
  'lab.theta.rows.v',
  'lab.theta.rows.mHat',
  'lab.theta.rows.vHat',
  'lab.theta.rows.update.*',
  'terms.rmsprop.term',
  'terms.adam.term',
  'terms.relu.term',
  'terms.softmax.term',
  'dataUi.csv.encodings.utf-8',
  'evaluation.caption',
  'evaluation.r2',
  'evaluation.rmse',
  'evaluation.mae',
  'layerNames.*',
  'deploy.size',
  // A library's own words (TF.js, the browser), passed on unchanged.
  'engine.engine.failed',
];
const isLatinOnly = (path: string) => latinOnly.some((a) => (a.endsWith('.*') ? path.startsWith(a.slice(0, -1)) : path === a));
const han = /\p{Script=Han}/u;
/** The joins between a label and its value (colon, comma, …) are Chinese full-width punctuation alone. */
const fullWidthPunctuation = /^[\u3000-\u303f\uff00-\uffef]+$/u;

// ---------------------------------------------------------------------------------------------------------
// docs/GLOSSARY.md

interface GlossaryRow {
  key: string | null;
  english: string;
  chinese: string;
  avoid: string[];
}

function glossary(): { explained: GlossaryRow[]; other: GlossaryRow[] } {
  const text = readFileSync(new URL('../../docs/GLOSSARY.md', import.meta.url), 'utf8');
  const section = (title: string) => {
    const start = text.indexOf(`## ${title}`);
    if (start < 0) throw new Error(`docs/GLOSSARY.md has no section "${title}"`);
    const end = text.indexOf('\n## ', start + 3);
    return text.slice(start, end < 0 ? undefined : end);
  };
  const rows = (body: string) =>
    body
      .split('\n')
      .filter((l) => l.startsWith('|') && !/^\|[-| ]+\|$/.test(l))
      .slice(1) // the header row
      .map((l) => l.slice(1, -1).split('|').map((c) => c.trim()));
  const avoid = (cell: string) => (cell ? cell.split('、').map((w) => w.trim()) : []);
  return {
    explained: rows(section('Terms with explanations')).map(([key, english, chinese, av]) => ({ key: key.replace(/`/g, ''), english, chinese, avoid: avoid(av) })),
    other: rows(section('Other standard terms')).map(([english, chinese, av]) => ({ key: null, english, chinese, avoid: avoid(av) })),
  };
}

// ---------------------------------------------------------------------------------------------------------

describe('the Chinese dictionary mirrors the English one', () => {
  it('has exactly the same keys at every depth, the same kind of value and the same parameter counts', () => {
    const enShape = shapeOfDict(en);
    const zhShape = shapeOfDict(zh);
    expect(Object.keys(enShape).length).toBeGreaterThan(500);
    const missing = Object.keys(enShape).filter((p) => !(p in zhShape));
    const extra = Object.keys(zhShape).filter((p) => !(p in enShape));
    const differ = Object.keys(enShape).filter((p) => p in zhShape && enShape[p] !== zhShape[p]).map((p) => `${p}: en ${enShape[p]}, zh ${zhShape[p]}`);
    expect({ missing, extra, differ }).toEqual({ missing: [], extra: [], differ: [] });
  });

  it('has a text for every engine code', () => {
    expect(Object.keys(zh.engine).sort()).toEqual([...ENGINE_CODES].sort());
  });

  it('every text is a string, on every sample argument; empty exactly where the English one is empty', () => {
    const said = everything();
    expect(said.length).toBeGreaterThan(1_000);
    const count = (text: unknown, word: string) => String(text).split(word).length - 1;
    const bad = said.filter(
      (s) => typeof s.zh !== 'string' || typeof s.en !== 'string' || (s.zh === '') !== (s.en === '') || /undefined|\[object /.test(s.zh) || count(s.zh, 'NaN') !== count(s.en, 'NaN'),
    );
    expect(bad.map((s) => `${s.path}(${s.args}) → ${JSON.stringify(s.zh)} (en ${JSON.stringify(s.en)})`)).toEqual([]);
    // Empty texts are rare, deliberate (no thread count, no stage yet) and the same in both languages.
    expect(new Set(said.filter((s) => s.zh === '').map((s) => s.path))).toEqual(new Set(['backend.threads', 'tune.stages.idle', 'lab.status.ok', 'classroom.schedules.constant']));
  });

  it('speaks Chinese: every non-empty text holds Chinese characters, except the listed symbols and names', () => {
    const said = everything();
    const english = said.filter((s) => s.zh !== '' && !han.test(String(s.zh)) && !fullWidthPunctuation.test(String(s.zh)) && !isLatinOnly(s.path));
    expect(english.map((s) => `${s.path}(${s.args}) → ${JSON.stringify(s.zh)}`)).toEqual([]);
    // The list names only what exists, and nothing on it slipped into English words.
    const paths = Object.keys(shapeOfDict(en));
    expect(latinOnly.filter((a) => !paths.some((p) => (a.endsWith('.*') ? p.startsWith(a.slice(0, -1)) : p === a)))).toEqual([]);
  });

  it('formats numbers and dates for zh-CN and uses Chinese punctuation in sentences', () => {
    expect(zh.dataset.size(60_000, 10_000)).toBe('60,000 个训练样本，10,000 个测试样本');
    expect(zh.backend.cachedReason('WebGL', '2025-03-14T09:26:53.000Z')).toContain(new Date('2025-03-14T09:26:53.000Z').toLocaleString('zh-CN'));
    expect(zh.engine['csv.ragged']({ file: 'a.csv', line: 4, got: 1, expected: 3 })).toBe('a.csv，第 4 行：有 1 个字段，但表头有 3 列。每一行的每一列都需要一个值。');
    // A nested engine message is worded in Chinese too, not in English.
    expect(zh.engine['backend.noneStarted']({ notices: [{ code: 'backend.startFailed', params: { backend: 'webgpu', problem: timeout } }] })).toBe(
      '没有任何 TF.js 后端能够启动：webgpu：webgpu 未能在 10 秒内启动',
    );
    const sentences = everything().filter((s) => han.test(String(s.zh)));
    // ASCII ", " or ". " right after a Chinese character is English punctuation in a Chinese sentence
    // (inside ASCII brackets it is notation: Dense(类别数, softmax), [高, 宽, 通道]).
    const notation = /\([^()]*\)|\[[^[\]]*\]/g;
    const ascii = sentences.filter((s) => /\p{Script=Han}[,.;:!?](\s|$)/u.test(String(s.zh).replace(notation, '')));
    expect(ascii.map((s) => `${s.path} → ${s.zh}`)).toEqual([]);
  });
});

describe('terms: each technical term explained in both languages', () => {
  const keys = Object.keys(en.terms);

  it('has the terms the issue asks for', () => {
    for (const k of ['epoch', 'batchSize', 'learningRate', 'loss', 'optimizer', 'sgd', 'momentum', 'rmsprop', 'adam', 'validationSplit', 'trainingSet', 'validationSet', 'testSet', 'accuracy', 'confusionMatrix', 'overfitting', 'earlyStopping', 'lrSchedule', 'oneCycle', 'warmUp', 'gradientNoiseScale', 'lrRangeTest', 'dropout', 'batchNorm', 'dense', 'convolution', 'maxPooling', 'activation', 'relu', 'softmax', 'seed', 'parameters', 'gradientDescent', 'gradient', 'lossSurface', 'lossLandscape', 'decisionBoundary', 'standardisation', 'oneHot', 'quantisation', 'rSquared', 'backend', 'wasmThreads', 'crossOriginIsolation'])
      expect(keys).toContain(k);
  });

  it('explains each in one or two sentences', () => {
    for (const k of keys) {
      const e = en.terms[k as keyof typeof en.terms];
      const z = zh.terms[k as keyof typeof zh.terms];
      const enSentences = e.explain.match(/[.!?](?=\s|$)/g)?.length ?? 0;
      const zhSentences = z.explain.match(/[。！？]/g)?.length ?? 0;
      expect([k, enSentences >= 1 && enSentences <= 2, zhSentences >= 1 && zhSentences <= 2, /[.]$/.test(e.explain), /。$/.test(z.explain)]).toEqual([k, true, true, true, true]);
      expect(han.test(z.explain)).toBe(true);
    }
  });
});

describe('docs/GLOSSARY.md is the terminology the dictionaries use', () => {
  const { explained, other } = glossary();

  it('lists every term of `terms` once, with the same English and Chinese words', () => {
    expect(explained.map((r) => r.key).sort()).toEqual(Object.keys(zh.terms).sort());
    for (const r of explained) {
      const key = r.key as keyof typeof zh.terms;
      expect([key, en.terms[key]?.term, zh.terms[key]?.term]).toEqual([key, r.english, r.chinese]);
    }
  });

  it('its other terms are the ones the Chinese texts use', () => {
    expect(other.length).toBeGreaterThan(10);
    const all = everything().map((s) => String(s.zh)).join('\n');
    expect(other.filter((r) => !all.includes(r.chinese)).map((r) => `${r.english}: ${r.chinese}`)).toEqual([]);
  });

  it('no Chinese text uses a word the glossary says to avoid', () => {
    const said = everything();
    const avoided = [...explained, ...other].flatMap((r) => r.avoid.map((w) => ({ w, instead: r.chinese })));
    expect(avoided.length).toBeGreaterThan(20);
    const found = avoided.flatMap(({ w, instead }) => said.filter((s) => String(s.zh).includes(w)).map((s) => `${s.path}: “${w}” (use ${instead})`));
    expect(found).toEqual([]);
  });

  it('the UI labels for explained terms use the glossary word', () => {
    const uses: [string, keyof typeof zh.terms][] = [
      ['params.learningRate', 'learningRate'],
      ['params.batchSize', 'batchSize'],
      ['params.optimizer', 'optimizer'],
      ['params.validationSplit', 'validationSplit'],
      ['params.seed', 'seed'],
      ['schedule.label', 'lrSchedule'],
      ['tune.batchCols.batch', 'batchSize'],
      ['boundary.title', 'decisionBoundary'],
      ['landscape.title', 'lossLandscape'],
      ['evaluation.precision', 'precision'],
      ['evaluation.recall', 'recall'],
      ['results.testAccuracy', 'accuracy'],
      ['charts.gradNorm', 'gradientNorm'],
      ['lab.condition', 'conditionNumber'],
      ['deploy.early.enable', 'earlyStopping'],
      ['charts.valLoss', 'loss'],
    ];
    expect(uses.filter(([path, key]) => !String(at(zh, path)).includes(zh.terms[key].term)).map(([path, key]) => `${path} lacks ${zh.terms[key].term}`)).toEqual([]);
  });
});
