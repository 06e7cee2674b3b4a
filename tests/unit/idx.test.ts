import { describe, expect, it } from 'vitest';
import { IdxFormatError, parseIdx } from '../../src/lib/engine/data/idx';
import { maybeGunzip } from '../../src/lib/engine/data/gzip';
import { IDX_FILE_NAMES, MNIST_INFO, loadIdxDataset } from '../../src/lib/engine/data/mnist';
import { loadMnist, mnistFiles } from './helpers';
import { rejectedWords, words } from './worded';

function idxBytes(dims: number[], data: number[], magicType = 0x08): ArrayBuffer {
  const header = 4 + 4 * dims.length;
  const buf = new ArrayBuffer(header + data.length);
  const view = new DataView(buf);
  view.setUint8(2, magicType);
  view.setUint8(3, dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  new Uint8Array(buf, header).set(data);
  return buf;
}

describe('idx parser', () => {
  it('parses a small hand-made file', () => {
    const parsed = parseIdx(idxBytes([2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 'tiny', 3);
    expect(parsed.dims).toEqual([2, 2, 3]);
    expect(Array.from(parsed.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('reads the real MNIST files: counts, shapes and the published label histogram', async () => {
    const mnist = await loadMnist();
    expect(mnist.train.count).toBe(60000);
    expect(mnist.test.count).toBe(10000);
    expect(mnist.inputShape).toEqual([28, 28, 1]);
    const hist = new Array(10).fill(0);
    for (const y of mnist.test.y) hist[y]++;
    expect(hist).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(Array.from(mnist.train.y.subarray(0, 8))).toEqual([5, 0, 4, 1, 9, 2, 1, 3]);
  });

  it('rejects a wrong magic number with a clear message', async () => {
    const buf = idxBytes([2], [1, 2]);
    new DataView(buf).setUint8(2, 0x0d); // float32 type: not an uint8 idx file
    expect(() => parseIdx(buf, 'labels.idx')).toThrow(IdxFormatError);
    expect(words(() => parseIdx(buf, 'labels.idx'))).toMatch(/labels\.idx: wrong magic number 3329 .*2049 \(labels\) or 2051 \(images\)/);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).buffer;
    expect(words(() => parseIdx(png, 'photo.png'))).toMatch(/photo\.png: wrong magic number/);
  });

  it('rejects a truncated file, saying how much is missing', async () => {
    const real = await maybeGunzip(mnistFiles().testLabels);
    const cut = real.slice(0, 5000);
    expect(words(() => parseIdx(cut, 't10k-labels', 1))).toMatch(/t10k-labels: truncated: the header promises 10000 = 10000 bytes of data but only 4992 follow/);
    expect(words(() => parseIdx(real.slice(0, 6), 'x'))).toMatch(/truncated header/);
    expect(words(() => parseIdx(new ArrayBuffer(2), 'x'))).toMatch(/too short/);
  });

  it('rejects swapped image and label files', async () => {
    const f = mnistFiles();
    expect(await rejectedWords(loadIdxDataset({ ...f, trainImages: f.trainLabels, trainLabels: f.trainImages }, MNIST_INFO))).toMatch(
      new RegExp(`${IDX_FILE_NAMES.trainImages}: has 1 dimension\\(s\\) \\(magic 2049\\) but 3 were expected`),
    );
  });

  it('rejects damaged gzip data', async () => {
    const gz = new Uint8Array(mnistFiles().testLabels).slice(0, 200);
    expect(await rejectedWords(maybeGunzip(gz.buffer, 'labels.gz'))).toMatch(/labels\.gz: the gzip data is damaged or incomplete/);
  });
});
