/**
 * train_torch.py of the export bundle, run with Debian's PyTorch (scripts/ensure-python.mjs installs it):
 * PyTorch's predictions from the exported weights equal TF.js's (MLP, LeNet, a CNN with batch norm and
 * TF's asymmetric 'same' padding, a CSV of raw rows through the card's preprocessing), one epoch trains and
 * writes a TF.js model, two torchrun processes (gloo) end with identical weights, and the written-back model
 * imports into the app and predicts what PyTorch predicts.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/lib/engine/data/csv';
import { profileTable } from '../../src/lib/engine/data/csv-profile';
import { featureSize, type Dataset } from '../../src/lib/engine/data/dataset';
import { buildImageDataset } from '../../src/lib/engine/data/image-dataset';
import { groupByClass } from '../../src/lib/engine/data/image-files';
import { buildTabular } from '../../src/lib/engine/data/tabular';
import { loadDescentModel, pixelsToInput } from '../../src/lib/engine/export/assets/predict.js';
import { bundleFiles } from '../../src/lib/engine/export/bundle';
import { enBundle } from '../../src/lib/i18n/en-bundle';
import { checkModelCard } from '../../src/lib/engine/export/card-schema';
import { makePreset } from '../../src/lib/engine/models/presets';
import type { ModelSpec } from '../../src/lib/engine/models/spec';
import { cardFromRun, type ModelCard } from '../../src/lib/engine/runs/record';
import { Session } from '../../src/lib/engine/session';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/lib/engine/train/config';
import { decodeBmp, encodeBmp } from './bmp';
import { recordedRun } from './fixtures';
import { DATA_DIR, loadMnist, slice, useCpu } from './helpers';

beforeAll(useCpu);

const run = promisify(execFile);
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
/** One BLAS thread and one OpenMP thread a process: this CI has two cores for everything. */
const ENV = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
const MNIST_DIR = resolve(DATA_DIR, 'mnist');
const TEST_COUNT = 500;

/** Runs Python (a script and its arguments); stdout and stderr together, for the messages of a failure. */
async function python(args: string[], cwd?: string, timeout = 0): Promise<string> {
  try {
    const { stdout, stderr } = await run(PYTHON, args, { env: ENV, cwd, maxBuffer: 64 * 1024 * 1024, timeout });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${PYTHON} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** Writes the export bundle of the session's held model into a new folder. */
async function writeBundle(session: Session, card: ModelCard): Promise<{ dir: string; files: Record<string, Uint8Array> }> {
  const dir = mkdtempSync(join(tmpdir(), 'descent-torch-'));
  const files = bundleFiles({ model: await session.exportModel(), card, tfjs: new Uint8Array(8), texts: enBundle });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return { dir, files };
}

/** Trains `spec` briefly on a dataset (so the weights are not the initial ones) and writes its bundle. */
async function trained(dataset: Dataset, spec: ModelSpec, config: Partial<TrainConfig>) {
  const session = new Session();
  session.setDataset(dataset);
  session.setModel(spec, 3);
  const { record } = await recordedRun(session, { ...DEFAULT_CONFIG, ...config });
  const card = cardFromRun(record, 'last', null);
  return { session, card, ...(await writeBundle(session, card)) };
}

/** TF.js outputs of the session's held model on the test split: [count][outputs]. */
function appOutputs(session: Session, dataset: Dataset): number[][] {
  const model = session.currentModel!;
  const n = dataset.test.count;
  const out = tf.tidy(() => {
    const x = tf.mul(tf.tensor(Float32Array.from(dataset.test.x.subarray(0, n * featureSize(dataset.inputShape))), [n, ...dataset.inputShape]), dataset.xScale);
    return model.predict(x) as tf.Tensor2D;
  });
  const values = out.arraySync();
  out.dispose();
  return values;
}

/** PyTorch outputs of train_torch.py --predict (weights from `weights`, data as the script reads it). */
async function torchOutputs(dir: string, dataArgs: string[], weights = dir): Promise<{ outputs: number[][]; labels: number[] }> {
  const file = join(dir, `predict-${Math.random().toString(36).slice(2)}.json`);
  await python([join(dir, 'train_torch.py'), ...dataArgs, '--init-weights', weights, '--predict', file]);
  return JSON.parse(readFileSync(file, 'utf8'));
}

function maxAbsDiff(a: number[][], b: number[][]): number {
  expect(b.length).toBe(a.length);
  let max = 0;
  a.forEach((row, i) => row.forEach((v, k) => (max = Math.max(max, Math.abs(v - b[i][k])))));
  return max;
}

/** The agreement table of the report: max |Δ| between the app, the bundle (predict.js) and PyTorch, per model. */
const agreement: string[] = [];

const mnistArgs = (train: number, test = TEST_COUNT) => ['--data', MNIST_DIR, '--max-train', String(train), '--max-test', String(test)];

/** A seeded table with numbers, categories and missing cells (as predict-module.test.ts); `regression` puts a number in the target. */
function mixedCsv(regression: boolean): string {
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const colours = ['red', 'green', 'blue'];
  const sizes = ['S', 'M', 'L'];
  const lines = ['height,colour,weight,size,outcome'];
  for (let i = 0; i < 240; i++) {
    const h = 150 + rnd() * 50;
    const c = colours[Math.floor(rnd() * 3)];
    const w = 40 + rnd() * 60;
    const z = sizes[Math.floor(rnd() * 3)];
    const score = (h - 175) / 25 + (c === 'red' ? 1.2 : c === 'blue' ? -1.2 : 0) + (w - 70) / 30 + (z === 'L' ? 0.5 : 0);
    const target = regression ? (1000 + 120 * score + rnd() * 5).toFixed(2) : score > 0 ? 'yes' : 'no';
    lines.push([i % 17 === 5 ? 'NA' : h.toFixed(1), i % 23 === 7 ? '' : c, w.toFixed(1), i % 29 === 3 ? ' ? ' : z, target].join(','));
  }
  return lines.join('\n');
}

function table(text: string | Uint8Array, name: string, regression: boolean, missing: 'drop' | 'fill', split: { testFraction: number; splitSeed: number }, classNames?: string[]): Dataset {
  const t = parseCsv(typeof text === 'string' ? new TextEncoder().encode(text) : text, name);
  const p = profileTable(t);
  const kinds = p.columns.map((c) => c.kind);
  const task = regression ? 'regression' : 'classification';
  return buildTabular(t, p, { target: kinds.length - 1, task, kinds, missing, ...split, validationSplit: 0.1, trainSeed: 5, classNames }).dataset;
}

/** The splits as train_torch.py reads and encodes the CSV (its own code, imported as a module). */
async function pythonTable(dir: string, csvPath: string, split: { testFraction: number; splitSeed: number }) {
  const out = await python(['-c', `import json, sys; sys.path.insert(0, ${JSON.stringify(dir)}); import train_torch as t
d = t.load_dataset(${JSON.stringify(csvPath)}, ${split.testFraction}, ${split.splitSeed})
print(json.dumps({k: d[k].tolist() for k in ("x_train", "y_train", "x_test", "y_test")}))`]);
  return JSON.parse(out.trim().split('\n').pop()!) as { x_train: number[][]; y_train: number[]; x_test: number[][]; y_test: number[] };
}

function expectSameSplit(dataset: Dataset, py: Awaited<ReturnType<typeof pythonTable>>) {
  const width = dataset.inputShape[0];
  for (const [split, x, y] of [[dataset.train, py.x_train, py.y_train], [dataset.test, py.x_test, py.y_test]] as const) {
    expect(x.length).toBe(split.count);
    const ys = Array.from(split.y);
    y.forEach((v, i) => expect(Math.abs(v - ys[i])).toBeLessThanOrEqual(1e-6));
    x.forEach((row, i) => row.forEach((v, k) => expect(v).toBe(split.x[i * width + k])));
  }
}

/** predict.js over the bundle's files, fed the raw CSV cells of the test rows (unseen categories as zeros, as the app). */
async function bundleRowOutputs(files: Record<string, Uint8Array>, session: Session, count: number): Promise<number[][]> {
  const base = 'https://example.test/model/';
  const model = await loadDescentModel(base, { tf, fetch: async (url: string) => new Response(files[url.slice(base.length)].slice()) });
  const rows = session.getTestRowText(Array.from({ length: count }, (_, i) => i)).map((line) => line.split(', '));
  const predictions = (await model.predictBatch(rows, { unknownCategories: 'zeros' })) as { probabilities: Record<string, number> }[];
  model.dispose();
  return predictions.map((p) => Object.values(p.probabilities));
}

/** A CNN with batch normalisation, dropout and TF's asymmetric 'same' padding (3×3 stride 2 on 28 pads 0 before, 1 after). */
const ODD_CNN: ModelSpec = {
  name: 'Odd CNN',
  layers: [
    { type: 'conv2d', filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
    { type: 'batchNormalization' },
    { type: 'maxPooling2d', poolSize: 3, strides: 2, padding: 'same' },
    { type: 'conv2d', filters: 8, kernelSize: 2, strides: 1, padding: 'same', activation: 'elu' },
    { type: 'flatten' },
    { type: 'dropout', rate: 0.25 },
    { type: 'dense', units: 24, activation: 'tanh' },
    { type: 'batchNormalization' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
};

/** Bundles the next tests reuse: MNIST with the classic MLP, and with the odd CNN. */
const bundles: Partial<Record<'mlp' | 'cnn', { dir: string; dataset: Dataset }>> = {};

describe('train_torch.py: PyTorch predicts what TF.js predicts from the exported weights', () => {
  it('classic MLP on MNIST (500 test examples)', async () => {
    const mnist = slice(await loadMnist(), 640, TEST_COUNT);
    const { session, dir, files } = await trained(mnist, makePreset('classicMlp', mnist, 'Classic MLP'), { epochs: 1, batchSize: 64 });
    bundles.mlp = { dir, dataset: mnist };
    const app = appOutputs(session, mnist);
    const torch = await torchOutputs(dir, mnistArgs(640));
    expect(torch.labels).toEqual(Array.from(mnist.test.y));
    const bundle = await bundleImageOutputs(files, session, TEST_COUNT);
    const deltas = { bundle: maxAbsDiff(app, bundle), torch: maxAbsDiff(app, torch.outputs) };
    agreement.push(row('MNIST (500 test images)', 'classic MLP', deltas));
    expect(deltas.torch).toBeLessThanOrEqual(1e-4);
  });

  it('LeNet-style CNN on MNIST (500 test examples)', async () => {
    const mnist = slice(await loadMnist(), 128, TEST_COUNT);
    const { session, dir, files } = await trained(mnist, makePreset('lenet', mnist, 'LeNet'), { epochs: 1, batchSize: 32 });
    const app = appOutputs(session, mnist);
    const torch = await torchOutputs(dir, mnistArgs(128));
    const bundle = await bundleImageOutputs(files, session, TEST_COUNT);
    const deltas = { bundle: maxAbsDiff(app, bundle), torch: maxAbsDiff(app, torch.outputs) };
    agreement.push(row('MNIST (500 test images)', 'LeNet-style CNN', deltas));
    expect(deltas.torch).toBeLessThanOrEqual(1e-4);
  });

  it('a CNN with batch normalisation, dropout and asymmetric same padding (moving statistics trained)', async () => {
    const mnist = slice(await loadMnist(), 512, TEST_COUNT);
    const { session, dir, files } = await trained(mnist, ODD_CNN, { epochs: 1, batchSize: 32, optimizer: 'rmsprop', learningRate: 0.003 });
    bundles.cnn = { dir, dataset: mnist };
    const names = JSON.parse(new TextDecoder().decode(files['model.json'])).weightsManifest[0].weights.map((w: { name: string }) => w.name);
    // TF.js lists the moving statistics after every trainable weight: the loader must pair them by layer.
    expect(names.slice(-4)).toEqual(['batchNormalization_2/moving_mean', 'batchNormalization_2/moving_variance', 'batchNormalization_8/moving_mean', 'batchNormalization_8/moving_variance']);
    const app = appOutputs(session, mnist);
    const torch = await torchOutputs(dir, mnistArgs(512));
    const bundle = await bundleImageOutputs(files, session, TEST_COUNT);
    const deltas = { bundle: maxAbsDiff(app, bundle), torch: maxAbsDiff(app, torch.outputs) };
    agreement.push(row('MNIST (500 test images)', 'CNN with BN, odd padding', deltas));
    expect(deltas.torch).toBeLessThanOrEqual(1e-4);
  });

  it('a CSV with numbers, categories and missing cells: the raw rows are encoded and split as the app does', async () => {
    const split = { testFraction: 0.25, splitSeed: 3 };
    const dataset = table(mixedCsv(false), 'mixed.csv', false, 'fill', split);
    const spec: ModelSpec = { name: 'Small MLP', layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 2, activation: 'softmax' }] };
    const { session, dir, files } = await trained(dataset, spec, { epochs: 20, batchSize: 16, learningRate: 0.01 });
    const csvPath = join(dir, 'mixed.csv');
    writeFileSync(csvPath, mixedCsv(false));
    expectSameSplit(dataset, await pythonTable(dir, csvPath, split));
    const app = appOutputs(session, dataset);
    const torch = await torchOutputs(dir, ['--data', csvPath, '--test-fraction', '0.25', '--split-seed', '3']);
    expect(torch.labels).toEqual(Array.from(dataset.test.y));
    const deltas = { bundle: maxAbsDiff(app, await bundleRowOutputs(files, session, dataset.test.count)), torch: maxAbsDiff(app, torch.outputs) };
    agreement.push(row(`mixed CSV, raw rows (${dataset.test.count} test rows)`, 'MLP 16', deltas));
    expect(deltas.torch).toBeLessThanOrEqual(1e-4);

    // Bad data gets a message that names the file, line, column and value, and no traceback.
    const bad = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
    const lines = mixedCsv(false).split('\n');
    const cases = [
      bad('no-colour.csv', lines.map((l) => l.split(',').filter((_, j) => j !== 1).join(',')).join('\n')),
      bad('text.csv', [...lines.slice(0, 4), 'tall,red,70.0,M,yes', ...lines.slice(4)].join('\n')),
      bad('class.csv', [...lines, '170.0,red,70.0,M,perhaps'].join('\n')),
      join(dir, 'absent.csv'),
    ];
    const messages = JSON.parse((await python(['-c', `import json, sys; sys.path.insert(0, ${JSON.stringify(dir)}); import train_torch as t
out = []
for path in ${JSON.stringify(cases)}:
    try:
        t.load_dataset(path, 0.25, 3)
        out.append("no error")
    except t.DataProblem as err:
        out.append(str(err))
print(json.dumps(out))`])).trim().split('\n').pop()!);
    expect(messages).toEqual([
      "no-colour.csv has no column 'colour': its first row is height, weight, size, outcome. The model takes the columns height, colour, weight, size, outcome.",
      "text.csv, line 5: 'height' needs a number, not 'tall'.",
      `class.csv, line ${lines.length + 1}: 'outcome' = 'perhaps' is not one of the classes the model knows: no, yes.`,
      `${join(dir, 'absent.csv')} does not exist.`,
    ]);
    await expect(python([join(dir, 'train_torch.py'), '--data', cases[1]])).rejects.toThrow(/train_torch\.py: text\.csv, line 5: 'height' needs a number, not 'tall'\.\n\s*$/);
  });

  it('a regression CSV and Iris (missing rows dropped, classes named by the meta data): same rows, same encoding', async () => {
    const split = { testFraction: 0.25, splitSeed: 3 };
    const reg = table(mixedCsv(true), 'reg.csv', true, 'drop', split);
    const r = await trained(reg, { name: 'Linear', layers: [{ type: 'dense', units: 1, activation: 'linear' }] }, { epochs: 2, batchSize: 16 });
    writeFileSync(join(r.dir, 'reg.csv'), mixedCsv(true));
    expectSameSplit(reg, await pythonTable(r.dir, join(r.dir, 'reg.csv'), split));
    const regDelta = maxAbsDiff(appOutputs(r.session, reg), (await torchOutputs(r.dir, ['--data', join(r.dir, 'reg.csv'), '--test-fraction', '0.25', '--split-seed', '3'])).outputs);
    agreement.push(row(`regression CSV (${reg.test.count} test rows)`, 'linear', { bundle: NaN, torch: regDelta }));
    expect(regDelta).toBeLessThanOrEqual(1e-4);

    const meta = JSON.parse(readFileSync(resolve(DATA_DIR, 'tabular', 'meta.json'), 'utf8'))['iris.csv'];
    const irisPath = resolve(DATA_DIR, 'tabular', 'iris.csv');
    const app = { testFraction: 0.2, splitSeed: 1 };
    const iris = table(readFileSync(irisPath), 'iris.csv', false, 'drop', app, meta.target_names);
    const i = await trained(iris, makePreset('logistic', iris, 'Logistic'), { epochs: 2, batchSize: 16 });
    expectSameSplit(iris, await pythonTable(i.dir, irisPath, app));
  });
});

describe('train_torch.py reads an image folder as the app does', () => {
  it('class sub-folders, odd sizes, greyscale: decoded, centre-cropped, box-filtered, split and predicted alike', async () => {
    const sizes = [[37, 23], [23, 30], [32, 32], [29, 18]]; // crops from 7, 3.5, 0 and 5.5 pixels
    const classes = ['bird', 'cat', 'dog'];
    const files = classes.flatMap((cls, c) =>
      Array.from({ length: 8 }, (_, i) => {
        const [w, h] = sizes[(i + c) % sizes.length];
        const bytes = encodeBmp(w, h, (x, y) => [(x * 7 + c * 60 + i) % 256, (y * 11 + 3 * i) % 256, ((x + y) * (c + 2) * 5) % 256]);
        return { path: `pics/${cls}/${i}.bmp`, bytes };
      }),
    );
    const grouped = groupByClass(files, 'pics', false);
    const { dataset } = await buildImageDataset(grouped, { size: 8, channels: 1, testFraction: 0.25, splitSeed: 2, name: 'pics' }, decodeBmp);
    const { session, dir } = await trained(dataset, { name: 'Dense', layers: [{ type: 'flatten' }, { type: 'dense', units: 3, activation: 'softmax' }] }, { epochs: 3, batchSize: 4 });
    for (const f of files) {
      mkdirSync(join(dir, dirname(f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.bytes);
    }
    const out = await python(['-c', `import json, sys; sys.path.insert(0, ${JSON.stringify(dir)}); import train_torch as t
d = t.load_dataset(${JSON.stringify(join(dir, 'pics'))}, 0.25, 2)
print(json.dumps({k: d[k].reshape(len(d[k]), -1).tolist() if k[0] == "x" else d[k].tolist() for k in ("x_train", "y_train", "x_test", "y_test")}))`]);
    const py = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number[][] | number[]>;
    for (const [name, split] of [['train', dataset.train], ['test', dataset.test]] as const) {
      expect(py[`y_${name}`]).toEqual(Array.from(split.y));
      expect((py[`x_${name}`] as number[][]).flat()).toEqual(Array.from(split.x, (v) => Math.fround(v * dataset.xScale)));
    }
    const delta = maxAbsDiff(appOutputs(session, dataset), (await torchOutputs(dir, ['--data', join(dir, 'pics'), '--test-fraction', '0.25', '--split-seed', '2'])).outputs);
    agreement.push(row(`image folder, 8×8 grey (${dataset.test.count} test images)`, 'dense', { bundle: NaN, torch: delta }));
    expect(delta).toBeLessThanOrEqual(1e-4);
  });
});

describe('train_torch.py trains and writes back', () => {
  it('one epoch on one process writes a TF.js model and an honest card', async () => {
    const { dir } = bundles.mlp!;
    const out = join(dir, 'one');
    const log = await python([join(dir, 'train_torch.py'), ...mnistArgs(640, 100), '--epochs', '1', '--out', out]);
    expect(log).toMatch(/epoch 1\/1 {2}loss \d/);
    expect(readdirSync(out).sort()).toEqual(['group1-shard1of1.bin', 'model-card.json', 'model.json']);
    const card = checkModelCard(JSON.parse(readFileSync(join(out, 'model-card.json'), 'utf8')));
    expect(card.name).toBe('Test run (PyTorch)');
    expect(card.metrics).toMatchObject({ epochs: 1, steps: 9 });
    expect(card.hyperParameters).toMatchObject({ epochs: 1, batchSize: 64, optimizer: 'adam' });
    expect(card.backend).toMatch(/^PyTorch \S+ on cpu$/);
    expect(card.dataset.trainCount).toBe(640);
    expect(card.dataset.testCount).toBe(100);
  });

  it('torchrun --nproc_per_node=2 (gloo) splits each batch over the processes: the MLP ends where one process ends', async () => {
    const { dir } = bundles.mlp!;
    const log = await torchrun(dir, [...mnistArgs(640, 100), '--epochs', '1', '--out', join(dir, 'ddp')]);
    expect(log).toContain('(32 per process)');
    const weights = (sub: string) => new Float32Array(readFileSync(join(dir, sub, 'group1-shard1of1.bin')).buffer.slice(0));
    const [one, two, start] = [weights('one'), weights('ddp'), new Float32Array(readFileSync(join(dir, 'group1-shard1of1.bin')).buffer.slice(0))];
    const diff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    ddpNote = `classic MLP, 1 epoch of 9 Adam steps: one process vs two, max |Δw| = ${diff(one, two).toExponential(1)} (training moved the weights by up to ${diff(one, start).toFixed(3)})`;
    expect(diff(one, start)).toBeGreaterThan(1e-3);
    expect(diff(one, two)).toBeLessThan(1e-5);
  });

  it('torchrun --nproc_per_node=2 (gloo): both processes end with identical weights (batch norm too); the result imports into the app', async () => {
    const { dir, dataset } = bundles.cnn!;
    const out = join(dir, 'ddp');
    const log = await torchrun(dir, [...mnistArgs(512, 100), '--epochs', '1', '--out', out]);
    torchrunLog = log;
    expect(log).toContain('(16 per process)');

    const session = new Session();
    session.setDataset(dataset);
    const uploaded = readdirSync(out).map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(out, name))) }));
    const summary = await session.importModel(uploaded);
    expect(summary.mismatch).toBeNull();
    expect(summary.card?.backend).toMatch(/DistributedDataParallel over 2 processes \(gloo\)/);
    expect(summary.model?.layers.map((l) => l.name)).toEqual(ODD_CNN.layers.map((l, i) => `${l.type}_${i + 1}`));
    const torch = await torchOutputs(dir, mnistArgs(512, 50), out);
    const delta = maxAbsDiff(appOutputs(session, slice(dataset, 512, 50)), torch.outputs);
    agreement.push(row('MNIST (50 test images)', 'CNN trained by torchrun, imported', { bundle: NaN, torch: delta }));
    expect(delta).toBeLessThanOrEqual(1e-4);
  });
});

let torchrunLog = '';
let ddpNote = '';

/**
 * Two processes of train_torch.py under torchrun with the gloo backend; checks that both say the same hash of their
 * final weights. torch 1.13's launcher on Python 3.11 needs non-zero --redirects/--tee (docs/RUNTIME.md); newer ones do not.
 */
async function torchrun(dir: string, args: string[]): Promise<string> {
  // --standalone's rendezvous is always port 29400 in torch 1.13: a launcher still holding it (another
  // checkout's tests, a hung run) makes the second rank wait forever. A free port of our own instead, and a
  // time limit that stops the launcher (it stops its workers) before the test's own.
  const rendezvous = ['--nnodes=1', '--rdzv_backend=c10d', `--rdzv_endpoint=127.0.0.1:${await freePort()}`, `--rdzv_id=descent-${process.pid}-${Date.now()}`];
  const launcher = ['-m', 'torch.distributed.run', ...rendezvous, '--redirects', '1', '--tee', '1', '--nproc_per_node=2'];
  const log = await python([...launcher, join(dir, 'train_torch.py'), ...args], undefined, 100_000);
  expect(log).toContain('DistributedDataParallel: 2 processes, gloo backend.');
  const hashes = [...log.matchAll(/rank (\d) of 2: final weights sha256 ([0-9a-f]{64})/g)].map((m) => [m[1], m[2]]);
  expect(hashes.map((h) => h[0]).sort()).toEqual(['0', '1']);
  expect(hashes[0][1]).toBe(hashes[1][1]);
  expect(log).not.toContain('Warning');
  return log;
}

/** A TCP port nobody listens on now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

function row(data: string, model: string, d: { bundle: number; torch: number }): string {
  const f = (v: number) => (Number.isNaN(v) ? '–' : v.toExponential(1));
  return `| ${data} | ${model} | ${f(d.bundle)} | ${f(d.torch)} |`;
}

/** The bundle's model (stock tf.loadLayersModel through predict.js) on predict.js's encoding of the raw test pixels (0–255). */
async function bundleImageOutputs(files: Record<string, Uint8Array>, session: Session, count: number): Promise<number[][]> {
  const base = 'https://example.test/model/';
  const model = await loadDescentModel(base, { tf, fetch: async (url: string) => new Response(files[url.slice(base.length)].slice()) });
  const shape = model.card.dataset.inputShape as number[];
  const size = shape.reduce((a, b) => a * b, 1);
  const pixels = session.getImages('test', Array.from({ length: count }, (_, i) => i));
  const x = new Float32Array(count * size);
  for (let i = 0; i < count; i++) x.set(pixelsToInput(model.card, pixels.subarray(i * size, (i + 1) * size)), i * size);
  const out = tf.tidy(() => (model.model as tf.LayersModel).predict(tf.tensor(x, [count, ...shape])) as tf.Tensor2D);
  const values = out.arraySync();
  out.dispose();
  model.dispose();
  return values;
}

describe('report', () => {
  it('prints the agreement table and the torchrun output', () => {
    console.log(['| data | model | app vs bundle (predict.js) | app vs PyTorch |', '|---|---|---|---|', ...agreement].join('\n'));
    console.log(ddpNote);
    console.log(torchrunLog);
  });
});
