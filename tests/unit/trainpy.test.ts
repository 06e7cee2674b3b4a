/**
 * train.py of the export bundle (Keras). TensorFlow is not installed here, so the script is compiled and
 * its numpy parts run: the card's constants, the layers it builds, the split, the data preprocessing and
 * the reading of the exported weights into the layers (with a stand-in for Keras' two layer attributes).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/lib/engine/data/csv';
import { profileTable } from '../../src/lib/engine/data/csv-profile';
import { splitIndices } from '../../src/lib/engine/data/dataset';
import { buildTabular } from '../../src/lib/engine/data/tabular';
import { shardModel } from '../../src/lib/engine/export/bundle';
import { renderTrainPy } from '../../src/lib/engine/export/keras';
import { quantizeModelFiles } from '../../src/lib/engine/export/quantize';
import type { ModelSpec } from '../../src/lib/engine/models/spec';
import { cardFromRun } from '../../src/lib/engine/runs/record';
import { Session } from '../../src/lib/engine/session';
import { DEFAULT_CONFIG } from '../../src/lib/engine/train/config';
import { useCpu, DATA_DIR } from './helpers';
import { mnistSession, recordedRun } from './fixtures';

beforeAll(useCpu);

const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';

/** A folder with train.py (and the exported model) written to disk. */
async function exportedFolder(config?: Parameters<typeof recordedRun>[1], session?: Session) {
  session ??= await mnistSession(320, 100);
  const { record } = await recordedRun(session, config);
  const card = cardFromRun(record, 'last', null);
  const dir = mkdtempSync(join(tmpdir(), 'descent-trainpy-'));
  writeFileSync(join(dir, 'train.py'), renderTrainPy(card));
  return { dir, card, session };
}

/** Runs Python with train.py importable as a module. */
function python(dir: string, code: string): string {
  return execFileSync(PYTHON, ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(dir)}); import train\n${code}`], { encoding: 'utf8' });
}

/** Writes the session's model as model.json + shards (optionally quantised) into `sub`. */
async function writeModel(session: Session, sub: string, dtype: 'float16' | 'uint8' | null) {
  const files = await session.exportModel();
  execFileSync('mkdir', ['-p', sub]);
  const { modelJson, shards } = shardModel(dtype ? quantizeModelFiles(files, dtype) : files, 150_000);
  writeFileSync(join(sub, 'model.json'), modelJson);
  for (const s of shards) writeFileSync(join(sub, s.name), s.bytes);
}

/** Keras is not installed here: a stand-in with Keras' two layer attributes records what set_weights gets. */
function loadIntoStandIn(dir: string, sub: string, weightsPerLayer: number[]) {
  const out = python(dir, `
class Layer:
    def __init__(self, n): self.weights = [0] * n; self.got = None
    def set_weights(self, w): self.got = w
class Model:
    layers = [Layer(n) for n in ${JSON.stringify(weightsPerLayer)}]
m = Model()
train.load_tfjs_weights(m, ${JSON.stringify(sub)})
import json
print(json.dumps([[float(x) for x in w.reshape(-1)[:3]] for l in m.layers if l.got for w in l.got]))
print(json.dumps([list(w.shape) for l in m.layers if l.got for w in l.got]))`);
  const [values, shapes] = out.trim().split('\n');
  return { values: JSON.parse(values) as number[][], shapes: JSON.parse(shapes) as number[][] };
}

describe('train.py', () => {
  it('passes python3 -m py_compile, and holds the model and hyper-parameters', async () => {
    const { dir } = await exportedFolder({ optimizer: 'momentum', learningRate: 0.05, batchSize: 32, epochs: 3, validationSplit: 0.25, seed: 11, earlyStopping: { patience: 2, restoreBest: true } });
    execFileSync(PYTHON, ['-m', 'py_compile', join(dir, 'train.py')]);
    const out = python(dir, 'print(train.INPUT_SHAPE, train.NUM_CLASSES, train.LEARNING_RATE, train.BATCH_SIZE, train.EPOCHS, train.VALIDATION_SPLIT, train.SEED, train.KERAS_LOSS, round(train.SCALE * 255, 9))');
    expect(out.trim()).toBe('(28, 28, 1) 10 0.05 32 3 0.25 11 sparse_categorical_crossentropy 1.0');
    const source = python(dir, 'import inspect; print(inspect.getsource(train.build_model)); print(inspect.getsource(train.make_optimizer)); print(inspect.getsource(train.main))');
    expect(source).toContain('layers.Flatten(name="flatten_1")');
    expect(source).toContain('layers.Dense(128, activation="relu", name="dense_2")');
    expect(source).toContain('layers.Dense(10, activation="softmax", name="dense_3")');
    expect(source).toContain('keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)');
    expect(source).toContain('EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)');
    // The exported weights are loaded unless --from-scratch says otherwise.
    expect(source).toContain('if not args.from_scratch:\n        try:\n            load_tfjs_weights(model, args.init_weights)');
  });

  it('builds Conv2D, MaxPooling2D and BatchNormalization, and loads their weights in Keras order', async () => {
    const spec: ModelSpec = {
      name: 'CNN',
      layers: [
        { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
        { type: 'batchNormalization' },
        { type: 'maxPooling2d', poolSize: 2, strides: 2, padding: 'valid' },
        { type: 'flatten' },
        { type: 'dense', units: 10, activation: 'softmax' },
      ],
    };
    const session = await mnistSession(128, 20);
    session.setModel(spec, 1);
    const { dir } = await exportedFolder({ ...DEFAULT_CONFIG, epochs: 1, batchSize: 32 }, session);
    const source = python(dir, 'import inspect; print(inspect.getsource(train.build_model))');
    expect(source).toContain('layers.Conv2D(4, 3, strides=2, padding="same", activation="relu", name="conv2d_1")');
    expect(source).toContain('layers.BatchNormalization(momentum=0.99, epsilon=0.001, name="batchNormalization_2")');
    expect(source).toContain('layers.MaxPooling2D(pool_size=2, strides=2, padding="valid", name="maxPooling2d_3")');
    const weights = session.currentModel!.layers.flatMap((l) => l.getWeights().map((w) => Array.from(w.dataSync().slice(0, 3))));
    await writeModel(session, join(dir, 'm'), null);
    const got = loadIntoStandIn(dir, join(dir, 'm'), [2, 4, 0, 0, 2]);
    // Keras' order per layer: kernel, bias; gamma, beta, moving_mean, moving_variance (TF.js lists the last two at the end).
    expect(got.shapes).toEqual([[3, 3, 1, 4], [4], [4], [4], [4], [4], [196, 10], [10]]);
    got.values.forEach((w, i) => w.forEach((v, k) => expect(v).toBe(weights[i][k])));
  });

  it('splits train/validation exactly as Descent does (same RNG, same seed)', async () => {
    const { dir } = await exportedFolder();
    for (const [count, fraction, seed] of [[100, 0.1, 5], [1000, 0.2, 42], [60000, 0.1, -3]] as const) {
      const js = splitIndices(count, fraction, seed);
      const out = python(dir, `t, v = train.split_indices(${count}, ${fraction}, ${seed}); print(v.tolist()[:50], len(t), t.tolist()[:50])`);
      expect(out.trim()).toBe(`${JSON.stringify(Array.from(js.val.slice(0, 50))).replaceAll(',', ', ')} ${js.train.length} ${JSON.stringify(Array.from(js.train.slice(0, 50))).replaceAll(',', ', ')}`);
    }
  });

  it('reads the exported TF.js weights (float32, float16 and uint8 shards) into the layers in order', async () => {
    const { dir, session } = await exportedFolder();
    const expected = session.currentModel!.getWeights().map((w) => Array.from(w.dataSync().slice(0, 3)));
    for (const dtype of [null, 'float16', 'uint8'] as const) {
      const sub = join(dir, dtype ?? 'float32');
      await writeModel(session, sub, dtype);
      const { values, shapes } = loadIntoStandIn(dir, sub, [0, 2, 2]);
      expect(shapes).toEqual([[784, 128], [128], [128, 10], [10]]);
      const tol = dtype === 'uint8' ? 0.01 : dtype === 'float16' ? 1e-3 : 0;
      values.forEach((w, i) => w.forEach((v, k) => expect(Math.abs(v - expected[i][k])).toBeLessThanOrEqual(tol)));
    }
  });

  it('reads MNIST idx files and a CSV as the app does (pixels scaled; rows split and encoded with the card\'s constants)', async () => {
    const { dir } = await exportedFolder();
    const mnist = (await mnistSession(50, 20)).activeDataset;
    const out = python(dir, `d = train.load_dataset(${JSON.stringify(resolve(DATA_DIR, 'mnist'))}, max_train=50, max_test=20)
print(d["x_train"].shape, d["x_test"].shape, d["y_train"].tolist()[:10], float(d["x_train"][3].sum()))`);
    const sum = Array.from(mnist.train.x.subarray(3 * 784, 4 * 784)).reduce((a, b) => a + Math.fround(b * mnist.xScale), 0);
    const [shapes, labels, total] = out.trim().split(/(?<=\)) (?=\[)|(?<=\]) (?=\d)/);
    expect(shapes).toBe('(50, 28, 28, 1) (20, 28, 28, 1)');
    expect(labels).toBe(JSON.stringify(Array.from(mnist.train.y.slice(0, 10))).replaceAll(',', ', '));
    expect(Math.abs(Number(total) - sum)).toBeLessThan(1e-3);

    // A CSV with a ';' delimiter, decimal commas, quoted cells and a missing category, against the engine's encoding.
    const csv = 'a;colour;"target"\n' + Array.from({ length: 40 }, (_, i) => `${i % 9 === 4 ? 'NA' : `${(i * 0.37).toFixed(2).replace('.', ',')}`};${['"red"', 'green', '', 'blue'][i % 4]};${i % 3 === 0 ? 'x' : 'y'}`).join('\n');
    const t = parseCsv(new TextEncoder().encode(csv), 'semi.csv');
    const p = profileTable(t);
    const kinds = p.columns.map((c) => c.kind);
    const split = { testFraction: 0.3, splitSeed: 9 };
    const dataset = buildTabular(t, p, { target: 2, task: 'classification', kinds, missing: 'fill', ...split, validationSplit: 0.2, trainSeed: 4 }).dataset;
    const s = new Session();
    s.setDataset(dataset);
    s.setModel({ name: 'Logistic', layers: [{ type: 'dense', units: 2, activation: 'softmax' }] }, 1);
    const csvRun = await exportedFolder({ ...DEFAULT_CONFIG, epochs: 1, batchSize: 8, validationSplit: 0.2, seed: 4 }, s);
    writeFileSync(join(csvRun.dir, 'semi.csv'), csv);
    const got = JSON.parse(python(csvRun.dir, `import json; d = train.load_dataset(${JSON.stringify(join(csvRun.dir, 'semi.csv'))}, 0.3, 9)
print(json.dumps({k: d[k].tolist() for k in ("x_train", "y_train", "x_test", "y_test")}))`));
    const width = dataset.inputShape[0];
    expect(width).toBe(4);
    expect(got.y_test).toEqual(Array.from(dataset.test.y));
    expect(got.x_train.flat()).toEqual(Array.from(dataset.train.x.subarray(0, dataset.train.count * width)));
    expect(got.x_test.flat()).toEqual(Array.from(dataset.test.x.subarray(0, dataset.test.count * width)));
  });
});
