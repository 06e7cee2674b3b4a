import type { DatasetChecksum } from '../runs/record';
import { ARRIVAL_BLOCK, DataArrival } from './arrival';
import type { ShippedHashes } from './checksum';
import type { Dataset } from './dataset';
import { IdxFormatError } from './idx';
import { IdxFileStream, verifiedChecksum } from './idx-stream';
import { IDX_FILE_NAMES, type IdxDatasetInfo, type IdxFiles } from './mnist';

export type IdxFileKey = keyof IdxFiles;

const RANK: Record<IdxFileKey, number> = { trainImages: 3, trainLabels: 1, testImages: 3, testLabels: 1 };
/** The largest idx file the stream allocates (bytes of data): a damaged header must not ask for gigabytes. */
export const IDX_STREAM_MAX_BYTES = 256 * 1024 * 1024;

/**
 * A built-in idx dataset (MNIST, Fashion-MNIST) assembled from its four files as they stream in, in any order
 * (the page sends the training labels, then the training images, then the test files). The dataset exists as soon as
 * the training labels and the training images' header are in: its arrays are allocated in full from the headers and
 * filled as bytes arrive; `arrival` says how many examples are in. It is usable (`ready`) once the first block of
 * training examples is in. When all four files are in, the test split is set, the files' checksum (of the files as
 * shipped, as the one-shot loader computes it) is verified against the shipped sums, and the arrival completes.
 * A damaged, truncated or mismatched file fails the arrival with its code.
 */
export class IdxStreamAssembler {
  readonly files: Record<IdxFileKey, IdxFileStream>;
  dataset: Dataset | null = null;
  checksum: DatasetChecksum | null = null;
  private readonly shipped: Partial<Record<IdxFileKey, ShippedHashes>> = {};
  private arrival: DataArrival | null = null;
  private lastBlock = -1;
  private queue: Promise<unknown> = Promise.resolve();
  private failure: unknown = null;

  constructor(
    private readonly info: IdxDatasetInfo,
    /** Called when the arrival moved by a block, a file ended, or the dataset came to exist. */
    private readonly onChange: () => void = () => {},
  ) {
    const keys = Object.keys(IDX_FILE_NAMES) as IdxFileKey[];
    this.files = Object.fromEntries(
      keys.map((key) => [key, new IdxFileStream(IDX_FILE_NAMES[key], RANK[key], (dims) => this.allocate(key, dims), () => this.progress(key))]),
    ) as Record<IdxFileKey, IdxFileStream>;
  }

  /** The training examples in so far, once the dataset exists. */
  get train(): DataArrival | null {
    return this.arrival;
  }

  /** The first block of training examples (and all training labels) are in: training can start. */
  get ready(): boolean {
    const a = this.train;
    return !!a && !this.failure && a.train >= Math.min(ARRIVAL_BLOCK, a.trainTotal);
  }

  get complete(): boolean {
    return this.train?.complete ?? false;
  }

  /** The next chunk of a file as received. Chunks of one file must come in order; calls are handled one at a time. */
  push(key: IdxFileKey, chunk: Uint8Array): Promise<void> {
    return this.serial(async () => {
      await this.files[key].push(chunk);
      this.build();
    });
  }

  /** A file has been received in full; `shipped`: what the data folder's sums say of it (checked once all are in). */
  end(key: IdxFileKey, shipped?: ShippedHashes): Promise<void> {
    return this.serial(async () => {
      if (shipped) this.shipped[key] = shipped;
      await this.files[key].end();
      if (key === 'trainLabels') this.checkLabels(this.files.trainLabels);
      this.build();
      if ((Object.keys(this.files) as IdxFileKey[]).every((k) => this.files[k].ended)) await this.finish();
      this.onChange();
    });
  }

  /** The stream ended early (network error, a later choice): whoever waits on the data hears `err`. */
  fail(err: unknown): void {
    if (this.failure || this.complete) return;
    this.failure = err;
    this.train?.fail(err);
    this.onChange();
  }

  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(async () => {
      if (this.failure) throw this.failure;
      try {
        await work();
      } catch (err) {
        this.fail(err);
        throw err;
      }
    });
    this.queue = next.catch(() => {});
    return next;
  }

  private allocate(key: IdxFileKey, dims: number[]): Uint8Array {
    const bytes = dims.reduce((a, b) => a * b, 1);
    if (bytes > IDX_STREAM_MAX_BYTES) throw new IdxFormatError('idx.tooLarge', { file: IDX_FILE_NAMES[key], dims, limit: IDX_STREAM_MAX_BYTES });
    const labels = key === 'trainImages' ? this.files.trainLabels.dims : key === 'trainLabels' ? this.files.trainImages.dims : null;
    if (labels && labels[0] !== dims[0]) this.labelCountError('train', key === 'trainImages' ? labels[0] : dims[0], key === 'trainImages' ? dims[0] : labels[0]);
    return new Uint8Array(bytes);
  }

  private labelCountError(split: 'train' | 'test', labels: number, images: number): never {
    const l = split === 'train' ? 'trainLabels' : 'testLabels';
    const i = split === 'train' ? 'trainImages' : 'testImages';
    throw new IdxFormatError('idx.labelCount', { file: IDX_FILE_NAMES[l], labels, images, imageFile: IDX_FILE_NAMES[i] });
  }

  private checkLabels(file: IdxFileStream): void {
    const max = this.info.classNames.length - 1;
    const y = file.data!;
    for (let i = 0; i < y.length; i++) {
      if (y[i] > max) throw new IdxFormatError('idx.labelRange', { file: file.name, label: y[i], index: i, max });
    }
  }

  /** The dataset comes to exist once the training labels are in and the training images' size is known. */
  private build(): void {
    if (this.dataset || this.failure) return;
    const { trainImages: images, trainLabels: labels } = this.files;
    if (!labels.ended || !images.dims) return;
    const [count, rows, cols] = images.dims;
    if (labels.dims![0] !== count) this.labelCountError('train', labels.dims![0], count);
    const arrival = new DataArrival(count);
    this.arrival = arrival;
    this.dataset = {
      id: this.info.id,
      name: this.info.name,
      task: 'classification',
      inputShape: [rows, cols, 1],
      numClasses: this.info.classNames.length,
      classNames: this.info.classNames,
      xScale: 1 / 255,
      train: { x: images.data!, y: labels.data!, count },
      test: { x: new Uint8Array(0), y: new Uint8Array(0), count: 0 },
      source: this.info.source,
      arrival,
    };
    this.progress('trainImages');
  }

  private progress(key: IdxFileKey): void {
    const arrival = this.train;
    if (!arrival) return;
    const file = this.files[key];
    if (!file.dims) return;
    const size = file.dims.slice(1).reduce((a, b) => a * b, 1);
    const count = size > 0 ? Math.floor(file.filled / size) : file.dims[0];
    if (key === 'trainImages') {
      arrival.setTrain(count);
      const block = arrival.train >= arrival.trainTotal ? Infinity : Math.floor(arrival.train / ARRIVAL_BLOCK);
      if (block !== this.lastBlock) {
        this.lastBlock = block;
        this.onChange();
      }
    } else if (key === 'testImages') arrival.setTest(count, file.dims[0]);
  }

  /** All four files are in: the test split is checked and set, the checksum verified, the arrival complete. */
  private async finish(): Promise<void> {
    const { testImages, testLabels, trainImages } = this.files;
    const [count, rows, cols] = testImages.dims!;
    if (testLabels.dims![0] !== count) this.labelCountError('test', testLabels.dims![0], count);
    this.checkLabels(testLabels);
    const [, trainRows, trainCols] = trainImages.dims!;
    if (rows !== trainRows || cols !== trainCols) throw new IdxFormatError('idx.sizeMismatch', { train: [trainRows, trainCols], test: [rows, cols] });
    const keys = Object.keys(IDX_FILE_NAMES) as IdxFileKey[];
    this.checksum = await verifiedChecksum(
      keys.map((k) => ({ name: IDX_FILE_NAMES[k], bytes: this.files[k].bytes(), decoded: /\.gz$/i.test(IDX_FILE_NAMES[k]) && !this.files[k].isGzip, shipped: this.shipped[k] })),
    );
    this.dataset!.test = { x: testImages.data!, y: testLabels.data!, count };
    this.train!.finish();
  }
}
