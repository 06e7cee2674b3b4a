import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARRIVAL_BLOCK, arrangeByArrival } from '../../src/lib/engine/data/arrival';
import { filesChecksum } from '../../src/lib/engine/data/checksum';
import { splitIndices } from '../../src/lib/engine/data/dataset';
import { IdxStreamAssembler, type IdxFileKey } from '../../src/lib/engine/data/idx-assembler';
import { IDX_FILE_NAMES, MNIST_INFO, loadIdxDataset, type IdxDatasetInfo, type IdxFiles } from '../../src/lib/engine/data/mnist';
import { toEngineMessage } from '../../src/lib/engine/errors';
import { Rng } from '../../src/lib/engine/rng';
import { Session } from '../../src/lib/engine/session';
import { DEFAULT_CONFIG } from '../../src/lib/engine/train/config';
import type { TrainEvent } from '../../src/lib/engine/train/events';
import { parseSums } from '../../src/lib/io/builtin-data';
import { DATA_DIR, mnistFiles, useCpu } from './helpers';

const ORDER: IdxFileKey[] = ['trainLabels', 'trainImages', 'testLabels', 'testImages'];
const KEYS = Object.keys(IDX_FILE_NAMES) as IdxFileKey[];
const u8 = (b: ArrayBuffer) => new Uint8Array(b);
const ab = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** An idx file of uint8: header (magic, dims) and `data`. */
function idx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint8(2, 0x08);
  view.setUint8(3, dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** A small idx dataset (4×4 images, 3 classes), more than two arrival blocks of training examples, gzipped as shipped. */
function smallFiles(train = 2 * ARRIVAL_BLOCK + 700, test = 300): IdxFiles {
  const rng = new Rng(3);
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => rng.int(256));
  const labels = (n: number) => Uint8Array.from({ length: n }, () => rng.int(3));
  const gz = (b: Uint8Array) => ab(new Uint8Array(gzipSync(b)));
  return {
    trainImages: gz(idx([train, 4, 4], bytes(train * 16))),
    trainLabels: gz(idx([train], labels(train))),
    testImages: gz(idx([test, 4, 4], bytes(test * 16))),
    testLabels: gz(idx([test], labels(test))),
  };
}
const SMALL_INFO: IdxDatasetInfo = { id: 'small', name: 'Small', classNames: ['a', 'b', 'c'], source: 'test' };

/** Chunks of `bytes`: sizes from 1 byte up to `max`, seeded. */
function chunks(bytes: ArrayBuffer, max = 65536, seed = 1): Uint8Array[] {
  const rng = new Rng(seed);
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.byteLength; ) {
    const n = Math.min(bytes.byteLength - at, 1 + rng.int(max));
    out.push(new Uint8Array(bytes.slice(at, at + n)));
    at += n;
  }
  return out;
}

async function streamAll(asm: IdxStreamAssembler, files: IdxFiles, options: { max?: number; shipped?: Partial<Record<IdxFileKey, { sha256: string; contentSha256?: string }>> } = {}) {
  for (const key of ORDER) {
    for (const c of chunks(files[key], options.max)) await asm.push(key, c);
    await asm.end(key, options.shipped?.[key]);
  }
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'no error';
  } catch (err) {
    return toEngineMessage(err).code;
  }
};

describe('streaming idx loader: the same dataset and checksum as loading the files at once', () => {
  it('assembles MNIST byte-identical to the one-shot loader, with the checksum of the shipped files, verified against SHA256SUMS', async () => {
    const files = mnistFiles();
    const oneShot = await loadIdxDataset(files, MNIST_INFO);
    const expected = await filesChecksum(KEYS.map((k) => ({ name: IDX_FILE_NAMES[k], bytes: files[k] })));
    const sums = parseSums(readFileSync(resolve(DATA_DIR, 'mnist/SHA256SUMS'), 'utf8'));
    const asm = new IdxStreamAssembler(MNIST_INFO);
    await streamAll(asm, files, { shipped: Object.fromEntries(KEYS.map((k) => [k, { sha256: sums.get(IDX_FILE_NAMES[k])! }])) });
    const d = asm.dataset!;
    expect(asm.complete).toBe(true);
    expect(d.inputShape).toEqual(oneShot.inputShape);
    expect(d.train.count).toBe(60_000);
    expect(d.test.count).toBe(10_000);
    expect(Buffer.compare(Buffer.from(d.train.x), Buffer.from(oneShot.train.x))).toBe(0);
    expect(Buffer.compare(Buffer.from(d.train.y), Buffer.from(oneShot.train.y))).toBe(0);
    expect(Buffer.compare(Buffer.from(d.test.x), Buffer.from(oneShot.test.x))).toBe(0);
    expect(Buffer.compare(Buffer.from(d.test.y), Buffer.from(oneShot.test.y))).toBe(0);
    expect(asm.checksum).toEqual(expected);
  });

  it('takes chunks of any size, down to single bytes, and files the transport unzipped (checksum still of the shipped .gz files)', async () => {
    const files = smallFiles();
    const oneShot = await loadIdxDataset(files, SMALL_INFO);
    const shipped = Object.fromEntries(
      await Promise.all(KEYS.map(async (k) => [k, { sha256: (await filesChecksum([{ name: 'x', bytes: files[k] }])).files![0].sha256, contentSha256: (await filesChecksum([{ name: 'x', bytes: ab(gunzipSync(u8(files[k]))) }])).files![0].sha256 }])),
    );
    const expected = await filesChecksum(KEYS.map((k) => ({ name: IDX_FILE_NAMES[k], bytes: files[k] })));
    // Small chunks (from a single byte up), gzip as shipped.
    const tiny = new IdxStreamAssembler(SMALL_INFO);
    await streamAll(tiny, files, { max: 40, shipped });
    expect(Buffer.from(tiny.dataset!.train.x).equals(Buffer.from(oneShot.train.x))).toBe(true);
    expect(tiny.checksum).toEqual(expected);
    // The server sent Content-Encoding: gzip: the bytes arrive unzipped; the checksum names the shipped files.
    const unzipped = Object.fromEntries(KEYS.map((k) => [k, ab(gunzipSync(u8(files[k])))])) as unknown as IdxFiles;
    const decoded = new IdxStreamAssembler(SMALL_INFO);
    await streamAll(decoded, unzipped, { max: 5000, shipped });
    expect(Buffer.from(decoded.dataset!.test.x).equals(Buffer.from(oneShot.test.x))).toBe(true);
    expect(decoded.checksum).toEqual(expected);
  });

  it('is usable after the labels and the first block of training images; arrival counts what is in', async () => {
    const files = smallFiles();
    const asm = new IdxStreamAssembler(SMALL_INFO);
    for (const c of chunks(files.trainLabels)) await asm.push('trainLabels', c);
    await asm.end('trainLabels');
    expect(asm.ready).toBe(false);
    // Feed the unzipped training images a few examples at a time (gzip delays its output).
    const plain = gunzipSync(u8(files.trainImages));
    const header = 16;
    let at = 0;
    const feed = async (examples: number) => {
      const end = Math.min(plain.length, header + examples * 16);
      await asm.push('trainImages', new Uint8Array(plain.subarray(at, end)));
      at = end;
    };
    await feed(ARRIVAL_BLOCK - 1);
    expect(asm.train!.train).toBe(ARRIVAL_BLOCK - 1);
    expect(asm.ready).toBe(false);
    await feed(ARRIVAL_BLOCK);
    expect(asm.ready).toBe(true);
    expect(asm.train!.state).toMatchObject({ trainArrived: ARRIVAL_BLOCK, trainTotal: 2 * ARRIVAL_BLOCK + 700, complete: false, failed: null });
    expect(asm.dataset!.test.count).toBe(0);
  });
});

describe('first epoch over data that streams in', () => {
  it('visits every training example exactly once, block by block, the same order for the same seed', () => {
    const count = 60_000;
    const firstEpoch = (seed: number) => {
      const { train } = splitIndices(count, 0.1, seed);
      const order = new Uint32Array(train.length);
      new Rng(seed).permutation(order);
      for (let i = 0; i < order.length; i++) order[i] = train[order[i]];
      return { train, order: arrangeByArrival(order.slice()), shuffled: order };
    };
    const a = firstEpoch(42);
    expect(Array.from(a.order).sort((x, y) => x - y)).toEqual(Array.from(a.train).sort((x, y) => x - y));
    expect(new Set(a.order).size).toBe(a.train.length);
    const backwards = a.order.findIndex((r, i) => i > 0 && Math.floor(r / ARRIVAL_BLOCK) < Math.floor(a.order[i - 1] / ARRIVAL_BLOCK));
    expect(backwards).toBe(-1);
    // Within a block, the seeded shuffle's order.
    const block3 = Array.from(a.shuffled).filter((r) => Math.floor(r / ARRIVAL_BLOCK) === 3);
    expect(Array.from(a.order).filter((r) => Math.floor(r / ARRIVAL_BLOCK) === 3)).toEqual(block3);
    expect(firstEpoch(42).order).toEqual(a.order);
    expect(firstEpoch(43).order).not.toEqual(a.order);
  });
});

describe('a session training on data that streams in', () => {
  beforeAll(useCpu);

  /** A session whose small dataset has only its first block in; `rest()` streams the remainder. */
  async function startedSession(files = smallFiles()) {
    const session = new Session();
    const ticket = session.beginLoad('small');
    session.beginIdxStream(SMALL_INFO, ticket);
    for (const c of chunks(files.trainLabels)) await session.pushIdxChunk(ticket, 'trainLabels', ab(c));
    await session.endIdxFile(ticket, 'trainLabels');
    const plain = gunzipSync(u8(files.trainImages));
    const firstBlock = 16 + ARRIVAL_BLOCK * 16;
    const started = await session.pushIdxChunk(ticket, 'trainImages', ab(plain.subarray(0, firstBlock)));
    const rest = async (tamper?: (key: IdxFileKey, bytes: Uint8Array) => Uint8Array) => {
      for (const c of chunks(ab(plain.subarray(firstBlock)), 20_000)) {
        await new Promise((r) => setTimeout(r, 5));
        await session.pushIdxChunk(ticket, 'trainImages', ab(c));
      }
      await session.endIdxFile(ticket, 'trainImages');
      for (const key of ['testLabels', 'testImages'] as const) {
        const bytes = tamper ? tamper(key, u8(files[key])) : u8(files[key]);
        for (const c of chunks(ab(bytes), 20_000)) await session.pushIdxChunk(ticket, key, ab(c));
        await session.endIdxFile(ticket, key, { sha256: (await filesChecksum([{ name: 'x', bytes: files[key] }])).files![0].sha256 });
      }
    };
    session.setModel({ name: 'small', layers: [{ type: 'flatten' }, { type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 3, activation: 'softmax' }] }, 1);
    return { session, started, rest, ticket };
  }

  it('starts on the first block, reports epoch 1 only once all training data is in, evaluates after the test files; no tensor leak', async () => {
    const { session, started, rest } = await startedSession();
    expect(started.started).toBe(true);
    expect(session.snapshot().loading).toBeNull();
    expect(session.snapshot().arrival).toMatchObject({ trainArrived: ARRIVAL_BLOCK, complete: false });
    const events: (TrainEvent & { arrivedAtEvent?: number })[] = [];
    const firstStep: { arrived?: number } = {};
    const config = { ...DEFAULT_CONFIG, epochs: 2, batchSize: 100, validationSplit: 0.1, seed: 5 };
    const before = tf.memory().numTensors;
    const training = session.train(config, (e) => {
      if (e.kind === 'steps' && firstStep.arrived === undefined) firstStep.arrived = session.snapshot().arrival!.trainArrived;
      events.push({ ...e, arrivedAtEvent: session.snapshot().arrival!.trainArrived });
    });
    await rest();
    const result = await training;
    expect(result.epochs).toBe(2);
    expect(firstStep.arrived).toBeLessThan(2 * ARRIVAL_BLOCK + 700);
    const epochs = events.filter((e) => e.kind === 'epoch');
    expect(epochs).toHaveLength(2);
    expect(epochs[0].arrivedAtEvent).toBe(2 * ARRIVAL_BLOCK + 700);
    const ev = await session.evaluateTest();
    expect(ev.count).toBe(300);
    expect(session.snapshot().arrival).toMatchObject({ complete: true, testArrived: 300, testTotal: 300 });
    expect((await session.describeData()).checksum?.of).toBe('files');
    expect(session.snapshot().dataset!.testCount).toBe(300);
    // The model, its evaluation and nothing else stay allocated: a second run allocates no more.
    const afterFirst = tf.memory().numTensors;
    await session.train(config, () => {});
    expect(tf.memory().numTensors).toBe(afterFirst);
    expect(afterFirst - before).toBeLessThan(20);
  });

  it('a damaged file arriving while training stops the run with a code; the session keeps working', async () => {
    const files = smallFiles();
    const { session, ticket } = await startedSession(files);
    const config = { ...DEFAULT_CONFIG, epochs: 3, batchSize: 100, validationSplit: 0.1, seed: 5 };
    const training = session.train(config, () => {});
    // The run has taken the first block and waits for the second; the test labels arrive cut short.
    await new Promise((r) => setTimeout(r, 300));
    await session.pushIdxChunk(ticket, 'testLabels', ab(u8(files.testLabels).slice(0, 40)));
    expect(await codeOf(session.endIdxFile(ticket, 'testLabels'))).toBe('data.badGzip');
    expect(await codeOf(training)).toBe('data.badGzip');
    expect(session.snapshot().arrival!.failed?.code).toBe('data.badGzip');
    expect(session.snapshot().run?.status).toBe('error');
    expect(await codeOf(session.train(config, () => {}))).toBe('data.badGzip');
    expect(await codeOf(session.pushIdxChunk(ticket, 'trainImages', new ArrayBuffer(8)))).toBe('data.badGzip');
    // Another dataset loads and trains as usual.
    const again = session.beginLoad('small-again');
    const other = smallFiles(ARRIVAL_BLOCK, 100);
    session.beginIdxStream(SMALL_INFO, again);
    for (const key of ORDER) {
      await session.pushIdxChunk(again, key, other[key]);
      await session.endIdxFile(again, key);
    }
    expect(session.snapshot().arrival).toMatchObject({ complete: true, failed: null });
    expect((await session.train({ ...config, epochs: 1 }, () => {})).epochs).toBe(1);
  });

  it('a checksum that does not match the shipped sums fails the arrival with data.checksumMismatch', async () => {
    const files = smallFiles(ARRIVAL_BLOCK, 50);
    const asm = new IdxStreamAssembler(SMALL_INFO);
    const wrong = { sha256: '0'.repeat(64) };
    let failure = 'none';
    for (const key of ORDER) {
      for (const c of chunks(files[key])) await asm.push(key, c);
      failure = await codeOf(asm.end(key, key === 'testLabels' ? wrong : undefined));
    }
    expect(failure).toBe('data.checksumMismatch');
    expect(asm.complete).toBe(false);
    expect(asm.train!.state.failed?.code).toBe('data.checksumMismatch');
    expect(await codeOf(asm.train!.waitComplete())).toBe('data.checksumMismatch');
  });

  it('a truncated or damaged stream gives an engine code', async () => {
    const files = smallFiles(ARRIVAL_BLOCK, 50);
    const plainLabels = gunzipSync(u8(files.trainLabels));
    // A plain idx file cut short.
    const cut = new IdxStreamAssembler(SMALL_INFO);
    await cut.push('trainLabels', new Uint8Array(plainLabels.subarray(0, 100)));
    expect(await codeOf(cut.end('trainLabels'))).toBe('idx.truncated');
    // A gzip file cut short.
    const gzCut = new IdxStreamAssembler(SMALL_INFO);
    await gzCut.push('trainLabels', u8(files.trainLabels).slice(0, 200));
    expect(await codeOf(gzCut.end('trainLabels'))).toBe('data.badGzip');
    // Garbage after a gzip header.
    const garbage = new IdxStreamAssembler(SMALL_INFO);
    const bad = u8(files.trainLabels).slice();
    for (let i = 10; i < 60; i++) bad[i] = 0xff;
    expect(await codeOf((async () => {
      await garbage.push('trainLabels', bad);
      await garbage.end('trainLabels');
    })())).toBe('data.badGzip');
    // Not an idx file; a header that asks for gigabytes; swapped files.
    expect(await codeOf(new IdxStreamAssembler(SMALL_INFO).push('trainLabels', new TextEncoder().encode('hello, world')))).toBe('idx.badMagic');
    expect(await codeOf(new IdxStreamAssembler(SMALL_INFO).push('trainImages', idx([1_000_000, 100, 100], new Uint8Array(0))))).toBe('idx.tooLarge');
    expect(await codeOf(new IdxStreamAssembler(SMALL_INFO).push('trainLabels', u8(gunzipSync(u8(files.trainImages)).buffer)))).toBe('idx.wrongRank');
  });
});
