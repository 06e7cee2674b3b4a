import { contentChecksum } from '../data/checksum';
import { classCounts, featureSize, is2dClassification, type Dataset } from '../data/dataset';
import { describeDataset } from '../data/describe';
import { datasetPreview, targetHistogram } from '../data/preview';
import { EngineError } from '../errors';
import type { DatasetChecksum, DatasetInfo } from '../runs/record';
import type { DatasetSummary } from './snapshot';

const SAMPLE_COUNT = 32;

/**
 * The session's dataset: which one is loaded, which load is the latest the user asked for, and the views
 * of it the page reads (samples, labels, row text, points). Plain data; no TF.js.
 */
export class DataSlot {
  private current?: Dataset;
  private summaryCache?: DatasetSummary;
  /** Checksums of datasets loaded from files, taken from the bytes as loaded. */
  private readonly checksums = new WeakMap<Dataset, DatasetChecksum>();
  private ticket = 0;
  /** Increases with every dataset set. */
  version = 0;
  /** The load in progress the user asked for last (null when none). */
  loading: { ticket: number; id: string } | null = null;

  get dataset(): Dataset | undefined {
    return this.current;
  }

  get summary(): DatasetSummary | null {
    return this.summaryCache ?? null;
  }

  require(): Dataset {
    if (!this.current) throw new EngineError('session.noDataset', {});
    return this.current;
  }

  /**
   * A load begins: it gets a ticket, and only the latest ticket's result is applied. Loads end in any order
   * (a large built-in dataset may finish after a small one chosen later); the user's last choice wins.
   */
  begin(id: string): number {
    this.loading = { ticket: ++this.ticket, id };
    return this.ticket;
  }

  /** Throws `session.superseded` when a later load was asked for after `ticket`. */
  checkTicket(ticket: number | undefined): void {
    if (ticket !== undefined && ticket !== this.ticket) throw new EngineError('session.superseded', {});
  }

  /** A load that failed or was superseded ends: the slot no longer shows it as loading. */
  end(ticket: number | undefined): void {
    if (ticket !== undefined && this.loading?.ticket === ticket) this.loading = null;
  }

  set(dataset: Dataset, checksum?: DatasetChecksum): DatasetSummary {
    this.current = dataset;
    this.version++;
    if (checksum) this.checksums.set(dataset, checksum);
    this.summaryCache = summarizeDataset(dataset);
    return this.summaryCache;
  }

  /**
   * A dataset that streamed in is complete: its checksum (of the files as shipped) is known, and the summary is
   * made again with the test split (a new version, so the page takes it).
   */
  completed(dataset: Dataset, checksum: DatasetChecksum): void {
    this.checksums.set(dataset, checksum);
    if (dataset !== this.current) return;
    this.version++;
    this.summaryCache = summarizeDataset(dataset);
  }

  /**
   * The loaded dataset as model cards describe it, with its checksum (of the files, else of the parsed data). While
   * a dataset still streams in, its checksum is null (it is of the files, known once all have arrived).
   */
  async describe(): Promise<DatasetInfo> {
    const dataset = this.require();
    if (dataset.arrival && !dataset.arrival.complete) return describeDataset(dataset, null);
    let checksum = this.checksums.get(dataset);
    if (!checksum) {
      checksum = await contentChecksum(dataset);
      this.checksums.set(dataset, checksum);
    }
    return describeDataset(dataset, checksum);
  }

  /** The original text of test rows (tables), the feature values of other non-image data, or [] for images. */
  testRowText(indices: number[]): string[] {
    const dataset = this.require();
    if (dataset.testRowText) return indices.map((i) => dataset.testRowText![i] ?? '');
    const { x } = dataset.test;
    if (x instanceof Uint8Array) return [];
    const width = featureSize(dataset.inputShape);
    return indices.map((i) => Array.from(x.subarray(i * width, (i + 1) * width), (v) => +v.toPrecision(4)).join(', '));
  }

  /** Raw uint8 pixels of the examples at `indices`, concatenated. */
  images(split: 'train' | 'test', indices: number[]): Uint8Array {
    const dataset = this.require();
    const size = featureSize(dataset.inputShape);
    const source = dataset[split].x;
    const out = new Uint8Array(indices.length * size);
    indices.forEach((row, j) => out.set(source.subarray(row * size, (row + 1) * size), j * size));
    return out;
  }

  /** A copy of all class labels (or targets' class bytes) of a split. */
  labels(split: 'train' | 'test'): Uint8Array {
    return Uint8Array.from(this.require()[split].y);
  }

  /** The training points of 2-D data: features (x₁, x₂ interleaved) and class labels. */
  points(): { x: Float32Array; labels: Uint8Array } {
    const dataset = this.require();
    if (!is2dClassification(dataset)) throw new EngineError('session.not2d', {});
    return { x: Float32Array.from(dataset.train.x), labels: Uint8Array.from(dataset.train.y) };
  }
}

/** What the dataset card shows. */
export function summarizeDataset(dataset: Dataset): DatasetSummary {
  const size = featureSize(dataset.inputShape);
  const n = Math.min(SAMPLE_COUNT, dataset.train.count);
  return {
    id: dataset.id,
    name: dataset.name,
    source: dataset.source,
    trainCount: dataset.train.count,
    testCount: dataset.test.count,
    inputShape: dataset.inputShape,
    numClasses: dataset.numClasses,
    classNames: dataset.classNames,
    trainClassCounts: dataset.task === 'classification' ? classCounts(dataset.train, dataset.numClasses) : [],
    task: dataset.task,
    sampleImages: dataset.train.x instanceof Uint8Array ? Uint8Array.from(dataset.train.x.subarray(0, n * size)) : new Uint8Array(0),
    sampleLabels: Array.from(dataset.train.y.subarray(0, n)),
    preview: datasetPreview(dataset, SAMPLE_COUNT),
    testClassCounts: dataset.task === 'classification' ? classCounts(dataset.test, dataset.numClasses) : [],
    targetHistogram: targetHistogram(dataset),
    preprocessing: dataset.preprocessing,
  };
}
