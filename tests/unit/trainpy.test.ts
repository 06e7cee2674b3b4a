import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { splitIndices } from '../../src/lib/engine/data/dataset';
import { shardModel } from '../../src/lib/engine/export/bundle';
import { renderTrainPy } from '../../src/lib/engine/export/keras';
import { quantizeModelFiles } from '../../src/lib/engine/export/quantize';
import { cardFromRun } from '../../src/lib/engine/runs/record';
import { useCpu } from './helpers';
import { mnistSession, recordedRun } from './fixtures';

beforeAll(useCpu);

const PYTHON = process.env.PYTHON ?? 'python3';

/** A folder with train.py (and the exported model) written to disk. */
async function exportedFolder(config?: Parameters<typeof recordedRun>[1]) {
  const session = await mnistSession(320, 100);
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

describe('train.py', () => {
  it('passes python3 -m py_compile, and holds the model and hyper-parameters', async () => {
    const { dir } = await exportedFolder({ optimizer: 'momentum', learningRate: 0.05, batchSize: 32, epochs: 3, validationSplit: 0.25, seed: 11, earlyStopping: { patience: 2, restoreBest: true } });
    execFileSync(PYTHON, ['-m', 'py_compile', join(dir, 'train.py')]);
    const out = python(dir, 'print(train.INPUT_SHAPE, train.NUM_CLASSES, train.LEARNING_RATE, train.BATCH_SIZE, train.EPOCHS, train.VALIDATION_SPLIT, train.SEED, train.LOSS, round(train.SCALE * 255, 9))');
    expect(out.trim()).toBe('(28, 28, 1) 10 0.05 32 3 0.25 11 sparse_categorical_crossentropy 1.0');
    const source = python(dir, 'import inspect; print(inspect.getsource(train.build_model)); print(inspect.getsource(train.make_optimizer)); print(inspect.getsource(train.main))');
    expect(source).toContain('layers.Flatten(name="flatten_1")');
    expect(source).toContain('layers.Dense(128, activation="relu", name="dense_2")');
    expect(source).toContain('layers.Dense(10, activation="softmax", name="dense_3")');
    expect(source).toContain('keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)');
    expect(source).toContain('EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)');
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
    const files = await session.exportModel();
    const expected = session.currentModel!.getWeights().map((w) => Array.from(w.dataSync().slice(0, 3)));
    for (const dtype of [null, 'float16', 'uint8'] as const) {
      const sub = join(dir, dtype ?? 'float32');
      execFileSync('mkdir', ['-p', sub]);
      const { modelJson, shards } = shardModel(dtype ? quantizeModelFiles(files, dtype) : files, 150_000);
      writeFileSync(join(sub, 'model.json'), modelJson);
      for (const s of shards) writeFileSync(join(sub, s.name), s.bytes);
      // Keras is not installed here: a stand-in with Keras' two attributes records what set_weights gets.
      const out = python(dir, `
class Layer:
    def __init__(self, n): self.weights = [0] * n; self.got = None
    def set_weights(self, w): self.got = w
class Model:
    layers = [Layer(0), Layer(2), Layer(2)]
m = Model()
train.load_tfjs_weights(m, ${JSON.stringify(sub)})
import json
print(json.dumps([[float(x) for x in w.reshape(-1)[:3]] for l in m.layers[1:] for w in l.got]))
print([list(w.shape) for l in m.layers[1:] for w in l.got])`);
      const [values, shapes] = out.trim().split('\n');
      expect(shapes).toBe('[[784, 128], [128], [128, 10], [10]]');
      const got = JSON.parse(values) as number[][];
      const tol = dtype === 'uint8' ? 0.01 : dtype === 'float16' ? 1e-3 : 0;
      got.forEach((w, i) => w.forEach((v, k) => expect(Math.abs(v - expected[i][k])).toBeLessThanOrEqual(tol)));
    }
  });
});
