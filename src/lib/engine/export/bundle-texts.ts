import type { Preprocessing, TunerDecision } from '../runs/record';
import type { TuningRecord } from '../train/config';

/**
 * What the export's renderers (readme.ts, bundle.ts) need in words: the contract the page's dictionaries fulfil
 * (i18n/en-bundle.ts, zh-bundle.ts). The engine keeps no prose: the worker hands one language's texts in with the
 * export command.
 *
 * README functions get values that are already Markdown (readme.ts escapes names from the card first). `demo`
 * holds plain strings only: they travel to the bundle's demo page as JSON, where demo.js fills `{placeholders}`
 * and sets them as text, never as markup.
 */
export type BundleLanguage = 'en' | 'zh-CN';

/** predict.js's error codes: one text each, in the README (Markdown) and on the demo page. */
export type PredictErrorTexts = Record<
  'missingField' | 'missingValue' | 'notANumber' | 'unknownCategory' | 'rowLength' | 'noHeader' | 'rowType' | 'notTable' | 'notImage' | 'imageSize' | 'noPixels' | 'pixelCount' | 'noTf' | 'cardUnreadable',
  string
>;

export interface ReadmeTexts {
  /** Joins of the README's structure: a label and its value, an aside, the items of a list. */
  colon: string;
  paren: (s: string) => string;
  listSeparator: string;
  intro: (task: string, dataset: string) => string;
  exported: (date: string, weights: string) => string;
  bestWeights: (epoch: number | null) => string;
  lastWeights: (epoch: number | null) => string;
  useIt: string;
  useItList: (image: boolean, shape: string, ownCodeAnchor: string, torchAnchor: string) => string;
  ownCode: string;
  ownCodeAnchor: string;
  /** Comments of the code sample (the code itself is the same in every language). */
  usage: { load: string; folder: string; image: (shape: string) => string; row: string; everyColumn: string; columnValue: string; classes: string; value: string; rows: string; batch: string; errors: string };
  errorsTitle: string;
  errorsIntro: string;
  errors: PredictErrorTexts;
  metadataNote: string;
  torch: string;
  torchAnchor: string;
  torchIntro: string;
  torchComments: { one: string; ddp: string };
  torchAfter: string;
  dataset: string;
  datasetRows: { name: string; id: string; source: string; examples: string; inputShape: string; classes: string };
  examples: (train: number, test: number) => string;
  regressionClasses: string;
  checksum: string;
  checksumOf: (of: 'files' | 'content') => string;
  notRecorded: string;
  preprocessing: string;
  normalisation: string;
  mean: string;
  std: string;
  model: string;
  params: (name: string, count: number) => string;
  hyperParameters: string;
  unknownHyper: string;
  hyperRows: { optimizer: string; learningRate: string; batchSize: string; epochs: string; validationSplit: string; loss: string; earlyStopping: string; seed: string };
  /** A loss's name in words; a name without one is shown as the card has it. */
  lossNames: Record<string, string>;
  earlyStopping: (patience: number, restoreBest: boolean) => string;
  off: string;
  tuner: string;
  /** A tuned setting's name in words; a name without one is shown as the card has it (`learningRate`). */
  tunerParameters: Record<string, string>;
  byHand: string;
  results: string;
  resultRows: { epochs: string; steps: string; train: string; val: string; test: string; best: string; time: string };
  seconds: (s: number) => string;
  noMetrics: string;
  trainedOn: (backend: string, version: string) => string;
  quantisation: string;
  noQuantisation: string;
  quantNotMeasured: string;
  quantAccuracy: (before: number, after: number, count: number) => string;
  quantStored: (dtype: string, before: number, after: number, accuracy: string) => string;
  files: string;
  tfjsNote: (version: string) => string;
  datasetLicence: (source: string) => string;
}

/** The demo page (index.html + demo.js): plain strings, `{name}` filled by demo.js. */
export interface DemoTexts {
  loading: string;
  pad: string;
  clear: string;
  upload: string;
  sees: string;
  predict: string;
  footer: string;
  about: string;
  aboutAccuracy: string;
  tasks: { classification: string; regression: string };
  kinds: { image: string; tabular: string };
  trainingRange: string;
  loadFailed: string;
  badImage: string;
  listSeparator: string;
  errors: PredictErrorTexts;
}

/** The bundle's texts in one language. */
export interface BundleTexts {
  /** The card's `language` field. */
  language: BundleLanguage;
  /** The name of a model imported without its card. */
  importedName: string;
  task: Record<string, string>;
  inputKind: Record<string, string>;
  /** Words of the card (`dataset.preprocessing.description`). */
  card: {
    preprocessing: (pre: Preprocessing) => string;
    /** A tuner decision's reason in this language, or null to keep the card's own text (English as recorded). */
    tunerReason: (decision: TunerDecision, tuning: TuningRecord | undefined) => string | null;
  };
  readme: ReadmeTexts;
  demo: DemoTexts;
}
