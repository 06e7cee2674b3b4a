import { maybeGunzip } from './gzip';
import { IdxFormatError, parseIdx } from './idx';
import type { Dataset, Split } from './dataset';

/** The four idx files of an MNIST-style dataset, as raw (optionally gzipped) bytes. */
export interface IdxFiles {
  trainImages: ArrayBuffer;
  trainLabels: ArrayBuffer;
  testImages: ArrayBuffer;
  testLabels: ArrayBuffer;
}

export interface IdxDatasetInfo {
  id: string;
  name: string;
  classNames: string[];
  source: string;
}

export const MNIST_INFO: IdxDatasetInfo = {
  id: 'mnist',
  name: 'MNIST',
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  source: 'Y. LeCun, C. Cortes, C.J.C. Burges, "The MNIST database of handwritten digits" (CC BY-SA 3.0)',
};

/** File names of the original distribution, under `data/<id>/`. */
export const IDX_FILE_NAMES: Record<keyof IdxFiles, string> = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
};

async function parseSplit(images: ArrayBuffer, labels: ArrayBuffer, imageName: string, labelName: string, numClasses: number): Promise<{ split: Split; rows: number; cols: number }> {
  const img = parseIdx(await maybeGunzip(images, imageName), imageName, 3);
  const lab = parseIdx(await maybeGunzip(labels, labelName), labelName, 1);
  const [count, rows, cols] = img.dims;
  if (lab.dims[0] !== count) {
    throw new IdxFormatError('idx.labelCount', { file: labelName, labels: lab.dims[0], images: count, imageFile: imageName });
  }
  for (let i = 0; i < count; i++) {
    if (lab.data[i] >= numClasses) {
      throw new IdxFormatError('idx.labelRange', { file: labelName, label: lab.data[i], index: i, max: numClasses - 1 });
    }
  }
  return { split: { x: img.data, y: lab.data, count }, rows, cols };
}

/** Parses the four idx files (gzipped or not) into a classification dataset of greyscale images. */
export async function loadIdxDataset(files: IdxFiles, info: IdxDatasetInfo): Promise<Dataset> {
  const n = info.classNames.length;
  const train = await parseSplit(files.trainImages, files.trainLabels, IDX_FILE_NAMES.trainImages, IDX_FILE_NAMES.trainLabels, n);
  const test = await parseSplit(files.testImages, files.testLabels, IDX_FILE_NAMES.testImages, IDX_FILE_NAMES.testLabels, n);
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new IdxFormatError('idx.sizeMismatch', { train: [train.rows, train.cols], test: [test.rows, test.cols] });
  }
  return {
    id: info.id,
    name: info.name,
    task: 'classification',
    inputShape: [train.rows, train.cols, 1],
    numClasses: n,
    classNames: info.classNames,
    xScale: 1 / 255,
    train: train.split,
    test: test.split,
    source: info.source,
  };
}
