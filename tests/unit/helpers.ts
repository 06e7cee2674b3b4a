import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../src/lib/engine/data/dataset';
import { IDX_FILE_NAMES, MNIST_INFO, loadIdxDataset, type IdxFiles } from '../../src/lib/engine/data/mnist';

export const DATA_DIR = resolve(__dirname, '../../public/data');

export function readArrayBuffer(path: string): ArrayBuffer {
  const buf = readFileSync(path);
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

/** The shipped MNIST files, read the way the page reads them (raw .gz bytes). */
export function mnistFiles(): IdxFiles {
  const read = (key: keyof IdxFiles) => readArrayBuffer(resolve(DATA_DIR, 'mnist', IDX_FILE_NAMES[key]));
  return { trainImages: read('trainImages'), trainLabels: read('trainLabels'), testImages: read('testImages'), testLabels: read('testLabels') };
}

let cached: Promise<Dataset> | undefined;
export function loadMnist(): Promise<Dataset> {
  cached ??= loadIdxDataset(mnistFiles(), MNIST_INFO);
  return cached;
}

/** The first `trainCount` / `testCount` examples of a dataset (views, no copy). */
export function slice(d: Dataset, trainCount: number, testCount: number): Dataset {
  const size = d.inputShape.reduce((a, b) => a * b, 1);
  const cut = (s: Dataset['train'], n: number) => ({ x: s.x.subarray(0, n * size), y: s.y.subarray(0, n), count: n });
  return { ...d, train: cut(d.train, trainCount), test: cut(d.test, testCount) };
}

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}
