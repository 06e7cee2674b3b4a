import { strToU8, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleFiles, localizeCard, zipBundle } from '../../src/lib/engine/export/bundle';
import { enBundle } from '../../src/lib/i18n/en-bundle';
import { IMPORT_LIMITS, ImportError, readModelUpload, type UploadedFile } from '../../src/lib/engine/export/import';
import { cardFromRun } from '../../src/lib/engine/runs/record';
import { generateSynthetic } from '../../src/lib/engine/data/synthetic';
import { describe as wordOf } from '../../src/lib/i18n/engine-text';
import { useCpu } from './helpers';
import { mnistSession, recordedRun } from './fixtures';

beforeAll(useCpu);

async function exported() {
  const session = await mnistSession(320, 200);
  const { record } = await recordedRun(session);
  const model = await session.exportModel();
  const card = cardFromRun(record, 'last', null);
  const files = bundleFiles({ model, card, tfjs: new Uint8Array(8), texts: enBundle });
  return { session, model, card, files };
}

const upload = (name: string, bytes: Uint8Array | string): UploadedFile => ({ name, bytes: typeof bytes === 'string' ? strToU8(bytes) : bytes });
const reject = (files: UploadedFile[]) => {
  try {
    readModelUpload(files);
  } catch (err) {
    expect(err).toBeInstanceOf(ImportError);
    return wordOf((err as ImportError).engineMessage);
  }
  throw new Error('the import was accepted');
};

describe('import', () => {
  it('loads an exported zip back with its card, evaluates it as before, and continues training it', async () => {
    const { session, files, card } = await exported();
    const before = await session.evaluateTest();
    const zip = zipBundle('my-model', files);
    const fresh = await mnistSession(320, 200);
    const summary = await fresh.importModel([upload('my-model.zip', zip)]);
    expect(summary.mismatch).toBeNull();
    expect(summary.data).toBe('same');
    expect(summary.card).toEqual(localizeCard(card, enBundle));
    expect(summary.model?.totalParams).toBe(101770);
    const after = await fresh.evaluateTest();
    expect(after.accuracy).toBe(before.accuracy);
    expect(after.loss).toBeCloseTo(before.loss, 6);
    // Continue training from the imported weights (not a fresh initialisation): the loss starts where it was.
    const losses: number[] = [];
    await fresh.train({ ...card.hyperParameters!, epochs: 1 }, (e) => e.kind === 'steps' && losses.push(...e.loss), { fromCurrentWeights: true });
    // (a fresh initialisation starts near ln 10 ≈ 2.3)
    expect(losses[0]).toBeLessThan(Math.min(2, before.loss * 1.3));
    expect((await fresh.evaluateTest()).accuracy).toBeGreaterThanOrEqual(before.accuracy - 0.05);
  });

  it('compares checksums, not only names: the same dataset name with other bytes is said to differ', async () => {
    const { files } = await exported();
    const subset = await mnistSession(320, 100);
    const summary = await subset.importModel([upload('m.zip', zipBundle('m', files))]);
    expect(summary.card?.dataset.id).toBe((await subset.data.describe()).id);
    expect(summary.data).toBe('changed');
    const noCard = await subset.importModel([upload('model.json', files['model.json']), upload('group1-shard1of1.bin', files['group1-shard1of1.bin'])]);
    expect(noCard.data).toBe('unknown');
  });

  it('loads model.json with its weights file chosen as separate files', async () => {
    const { files } = await exported();
    const back = readModelUpload([upload('model.json', files['model.json']), upload('group1-shard1of1.bin', files['group1-shard1of1.bin'])]);
    expect(back.card).toBeNull();
    expect(back.files.weights.byteLength).toBe(101770 * 4);
  });

  it('rejects a corrupt manifest with a clear message', async () => {
    const { files } = await exported();
    const json = JSON.parse(new TextDecoder().decode(files['model.json']));
    const bin = upload('group1-shard1of1.bin', files['group1-shard1of1.bin']);
    expect(reject([upload('model.json', new TextDecoder().decode(files['model.json']).slice(0, 200)), bin])).toMatch(/^model\.json is not valid JSON, so it cannot be read as a model \(/);
    // The message quotes the weight's name as the manifest gives it.
    const biasName: string = json.weightsManifest[0].weights[1].name;
    expect(biasName).toMatch(/^dense_\d+\/bias$/);
    json.weightsManifest[0].weights[1].shape = [128, 'x'];
    expect(reject([upload('model.json', JSON.stringify(json)), bin])).toBe(`model.json: weight 2 of group 1 ('${biasName}'): its shape must be a list of non-negative integers, got [128,"x"].`);
    json.weightsManifest[0].weights[1] = { name: biasName, shape: [128], dtype: 'complex128' };
    expect(reject([upload('model.json', JSON.stringify(json)), bin])).toMatch(/dtype 'complex128' is not supported/);
    json.weightsManifest = {};
    expect(reject([upload('model.json', JSON.stringify(json)), bin])).toBe('model.json: weightsManifest must be a non-empty list of weight groups.');
  });

  it('rejects weight files whose sizes do not match the manifest, and missing ones', async () => {
    const { files } = await exported();
    const bin = files['group1-shard1of1.bin'];
    expect(reject([upload('model.json', files['model.json']), upload('group1-shard1of1.bin', bin.slice(0, bin.length - 40))])).toBe(
      'The weights file group1-shard1of1.bin holds 407,040 bytes, but model.json describes 407,080 bytes of weights: the files are truncated, or belong to another model.',
    );
    expect(reject([upload('model.json', files['model.json'])])).toBe("model.json needs the weights file 'group1-shard1of1.bin', which is not among the chosen files.");
    const zip = zipSync({ m: { 'model.json': files['model.json'], 'group1-shard1of1.bin': new Uint8Array(bin.length + 4) } });
    expect(reject([upload('m.zip', zip)])).toMatch(/holds 407,084 bytes, but model\.json describes 407,080 bytes/);
  });

  it('rejects JSON that is not a model, with what it is instead', async () => {
    const { files } = await exported();
    expect(reject([upload('package.json', '{"name":"descent","version":"0.1.0","scripts":{}}')])).toBe(
      'package.json is not a TF.js layers model: it has no modelTopology (it holds name, version, scripts).',
    );
    expect(reject([upload('model.json', '[1, 2, 3]')])).toMatch(/holds a list, not an object/);
    expect(reject([upload('model-card.json', files['model-card.json']), upload('model.json', files['model-card.json'])])).toBe(
      'model.json is a Descent model card, not a model: choose model.json and its weights file(s), or the whole .zip.',
    );
    expect(reject([upload('model.json', '{"format":"graph-model","modelTopology":{"node":[]},"weightsManifest":[]}')])).toMatch(/graph model/);
    expect(reject([upload('weights.bin', new Uint8Array(4))])).toMatch(/^No model\.json among weights\.bin/);
    expect(reject([upload('model.zip', strToU8('not a zip at all'))])).toBe('model.zip is not a zip archive (it does not start like one).');
    expect(reject([upload('big.bin', new Uint8Array(IMPORT_LIMITS.fileBytes + 1))])).toMatch(/^big\.bin is 300\.0 MB; the largest file Descent imports is 300\.0 MB\.$/);
  });

  it('shows the card but refuses to evaluate a model whose input does not fit the loaded data', async () => {
    const { files } = await exported();
    const other = await mnistSession(64, 64);
    other.setDataset(generateSynthetic({ kind: 'spiral', count: 200, noise: 0, seed: 1 }));
    const summary = await other.importModel(Object.entries(files).map(([n, b]) => upload(n, b)));
    expect(summary.model).toBeNull();
    expect(summary.card?.dataset.name).toBe('MNIST');
    expect(summary.mismatch?.code).toBe('model.inputShape');
    expect(summary.data).toBe('other');
    expect(wordOf(summary.mismatch!)).toMatch(/^This model takes inputs of shape \[28, 28, 1\], but .* has examples of shape \[2\]\. Load the data it was trained on\.$/);
  });
});
