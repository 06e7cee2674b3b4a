import type { DatasetChecksum, DatasetInfo, Preprocessing } from '../runs/record';
import { featureSize, type Dataset } from './dataset';

/** Extras a loader may know beyond `Dataset` (CSV column names, normalisation constants: issue 5). */
export interface DatasetExtras {
  featureNames?: string[];
  normalization?: Preprocessing['normalization'];
}

const BORDER_SAMPLE = 100;

/** Mean of the border pixels of the first images, in [0, 1]: below 0.5 means light strokes on dark. */
function borderMean(dataset: Dataset): number {
  const [h, w, c = 1] = dataset.inputShape;
  const size = featureSize(dataset.inputShape);
  const n = Math.min(BORDER_SAMPLE, dataset.train.count);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (y !== 0 && y !== h - 1 && x !== 0 && x !== w - 1) continue;
        for (let k = 0; k < c; k++) {
          sum += dataset.train.x[i * size + (y * w + x) * c + k] * dataset.xScale;
          count++;
        }
      }
    }
  }
  return count ? sum / count : 0;
}

/** Cells `isMissing` (csv.ts) reads as missing: written in the card so exported code reads them the same way. */
export const MISSING_VALUES = ['', 'na', 'n/a', 'nan', 'null', 'none', '?'];

function describePreprocessing(dataset: Dataset, extras: DatasetExtras): Preprocessing {
  const table = dataset.preprocessing;
  const scaled = dataset.xScale === 1 ? 'raw values are used as they are' : `raw values are multiplied by ${dataset.xScale} (1/${Math.round(1 / dataset.xScale)})`;
  const norm = extras.normalization ? '; then each feature is standardised: (x − mean) / std with the constants below' : '';
  const [height, width, channels = 1] = dataset.inputShape;
  if (table) {
    const header = dataset.preview?.kind === 'table' ? dataset.preview.header : undefined;
    const target = table.target.kind === 'numeric' ? `; the target “${table.target.column}” is standardised too: value = output × ${table.target.std} + ${table.target.mean}` : '';
    return {
      scale: dataset.xScale,
      description:
        `numeric columns are standardised with the mean and standard deviation of the ${table.fitRows} training rows, (x − mean) / std; ` +
        `categorical columns become one 1 per category (one-hot, in the order of their vocabulary); missing cells are ${table.missing === 'fill' ? 'filled with the mean (numbers) or the most frequent category' : 'not accepted (rows with one were dropped)'}${target}. ` +
        'The columns below hold the constants; predict.js applies them to raw rows.',
      columns: table.features.map((f) => (f.kind === 'numeric' ? { ...f } : { ...f, categories: [...f.categories] })),
      missing: table.missing,
      missingValues: [...MISSING_VALUES],
      ...(header ? { header: [...header] } : {}),
      target: table.target.kind === 'classes' ? { ...table.target, classes: [...table.target.classes] } : { ...table.target },
    };
  }
  return {
    scale: dataset.xScale,
    ...(extras.normalization ? { normalization: extras.normalization } : {}),
    description: `${scaled}${norm}.`,
    ...(dataset.inputShape.length === 3 ? { image: { height, width, channels } } : {}),
  };
}

/** The dataset as model cards and run records describe it. */
export function describeDataset(dataset: Dataset, checksum: DatasetChecksum | null, extras: DatasetExtras = {}): DatasetInfo {
  const image = dataset.inputShape.length === 3;
  return {
    id: dataset.id,
    name: dataset.name,
    source: dataset.source,
    task: dataset.task,
    inputShape: [...dataset.inputShape],
    inputKind: image ? 'image' : 'tabular',
    numClasses: dataset.numClasses,
    classNames: [...dataset.classNames],
    ...(extras.featureNames ? { featureNames: extras.featureNames } : dataset.preprocessing ? { featureNames: [...dataset.preprocessing.featureNames] } : {}),
    ...(image ? { darkBackground: borderMean(dataset) < 0.5 } : {}),
    trainCount: dataset.train.count,
    testCount: dataset.test.count,
    checksum,
    preprocessing: describePreprocessing(dataset, extras),
  };
}
