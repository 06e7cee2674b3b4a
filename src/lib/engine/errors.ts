import type { FileKind } from './data/limits';
import type { BinaryFormat } from './data/sniff';
import type { Task } from './data/dataset';
import type { LayerType } from './models/spec';
import type { LossName } from './train/losses';

/**
 * The engine speaks in codes: every error it throws and every note it returns is a code with plain-data
 * parameters. The page words them through `i18n` (`t.engine[code](params)`), in the user's language; the
 * engine imports no user-facing text. `EngineCodes` is the one list of codes and their parameters: the
 * type system makes every language's dictionary cover exactly these.
 */

/** Each code and the parameters its message needs (numbers, strings, lists of them). */
export interface EngineCodes {
  // Session
  'session.noDataset': Record<string, never>;
  'session.noModel': Record<string, never>;
  'session.busy': { job: 'training' | 'tuning' | 'landscape' | 'evaluating' | 'recovering' };
  'session.superseded': Record<string, never>;
  'session.noEvaluation': Record<string, never>;
  'session.not2d': Record<string, never>;
  'session.invalidConfig': { problems: EngineMessage[] };
  'session.notSequential': Record<string, never>;
  'session.backendReset': { backend: string; restored: string };
  'session.allocationFailed': { backend: string; detail: string };
  'session.importCannotBuild': { detail: string };
  'session.importUnsupportedLayers': { layers: string[] };
  'session.runNotStored': Record<string, never>;
  'session.checkpointMissing': { kind: 'last' | 'best' };
  'session.otherData': { run: string; checksum: string; loaded: string };
  'session.tfjsUnreadable': { status: number };
  // Data files (any kind), the notes of a loaded table
  'data.tooLarge': { file: string; bytes: number; limit: number; kind: FileKind };
  'data.badGzip': { file: string; detail: string };
  'data.noTable': Record<string, never>;
  'data.targetMissing': { count: number };
  'data.droppedRows': { count: number };
  'data.filled': { count: number };
  'data.unseenCategories': { count: number };
  'data.badValidationSplit': { value: number };
  'data.badTestFraction': { value: number };
  'data.badSyntheticSize': { count: number; min: number; max: number };
  'data.badSyntheticClasses': { classes: number; min: number; max: number };
  'data.checksumMismatch': { file: string; expected: string; actual: string };
  'data.streamFailed': { file: string; detail: string };
  // CSV/TSV tables
  'csv.notText': { file: string; format: BinaryFormat | null };
  'csv.encoding': { file: string };
  'csv.empty': { file: string };
  'csv.headerOnly': { file: string };
  'csv.noHeader': { file: string; first: string; columns: number };
  'csv.ragged': { file: string; line: number; got: number; expected: number };
  'csv.badQuotes': { file: string; line: number };
  'csv.nonNumeric': { file: string; line: number; column: string; value: string; others: number };
  'csv.targetNotNumeric': { file: string; line: number; column: string; value: string };
  'csv.oneClass': { file: string; column: string; value: string; rows: number };
  'csv.tooManyClasses': { file: string; column: string; count: number; max: number };
  'csv.noFeatures': { file: string };
  'csv.targetIgnored': { column: string };
  'csv.tooFewRows': { file: string; rows: number; dropped: number; min: number };
  'csv.targetGuess': { column: string; why: 'name' | 'y' | 'last' };
  // Image folders and zips
  'images.notImage': { file: string; format: BinaryFormat | null };
  'images.undecodable': { file: string; reason: string };
  'images.notZip': { file: string; format: BinaryFormat | null };
  'images.badZip': { file: string; reason: string };
  'images.none': { source: string };
  'images.notInFolders': { source: string; count: number; example: string };
  'images.oneClass': { source: string; name: string; count: number };
  'images.tooManyClasses': { source: string; count: number; max: number };
  'images.tooMany': { source: string; count: number; max: number };
  'images.emptyClass': { name: string; failures: ImageFailure[] };
  'images.allUndecodable': { count: number; failures: ImageFailure[] };
  'images.skipped': { files: string[] };
  'images.badResize': { width: number; height: number; size: number };
  'images.unpacksTooLarge': { file: string; bytes: number; limit: number };
  // MNIST-style idx files
  'idx.tooShort': { file: string; bytes: number };
  'idx.badMagic': { file: string; magic: number };
  'idx.wrongRank': { file: string; rank: number; magic: number; expected: number };
  'idx.truncatedHeader': { file: string; bytes: number; needed: number };
  'idx.truncated': { file: string; dims: number[]; count: number; available: number };
  'idx.labelCount': { file: string; labels: number; images: number; imageFile: string };
  'idx.labelRange': { file: string; label: number; index: number; max: number };
  'idx.sizeMismatch': { train: [number, number]; test: [number, number] };
  'idx.tooLarge': { file: string; dims: number[]; limit: number };
  // The layer editor's shape checks (`layer` is 1-based, as the editor numbers layers)
  'shape.empty': Record<string, never>;
  'shape.needsImage': LayerRef & { shape: number[]; first: boolean };
  'shape.needsFlat': LayerRef & { shape: number[] };
  'shape.alreadyFlat': LayerRef & { shape: number[] };
  'shape.tooSmall': LayerRef & { shape: number[]; window: number };
  'shape.badInteger': LayerRef & { field: 'units' | 'filters' | 'kernelSize' | 'poolSize' | 'strides'; value: number; max: number };
  'shape.badRate': LayerRef & { value: number };
  'shape.outputClasses': LayerRef & { shape: number[]; classes: number };
  'shape.outputRegression': LayerRef & { shape: number[] };
  'shape.needsSoftmax': LayerRef & { activation: string };
  'shape.lastNotDense': LayerRef;
  'shape.softmaxRegression': LayerRef;
  'shape.lossTask': { loss: LossName; task: Task; fits: LossName[] };
  // Building and loading TF.js models
  'model.empty': Record<string, never>;
  'model.badUnits': { layer: number; units: number };
  'model.badRate': { layer: number; rate: number };
  'model.doesNotFit': { shape: number[]; detail: string };
  'model.outputClasses': { name: string; shape: (number | null)[]; classes: number };
  'model.inputShape': { modelShape: (number | null)[]; dataset: string; dataShape: number[] };
  'model.notBuildable': { detail: string };
  // Importing a model the user brings back
  'import.noFiles': Record<string, never>;
  'import.fileTooLarge': { file: string; bytes: number; limit: number };
  'import.notZip': { file: string };
  'import.tooManyEntries': { file: string; max: number };
  'import.unpacksTooLarge': { file: string; limit: number };
  'import.badZip': { file: string; detail: string };
  'import.badJson': { file: string; as: 'model' | 'card'; detail: string };
  'import.manyModelJson': { count: number };
  'import.noModelJson': { files: string[] };
  'import.modelJsonTooLarge': { file: string; bytes: number; limit: number };
  'import.isCard': { file: string };
  'import.notObject': { file: string; holds: string };
  'import.graphModel': { file: string };
  'import.missingKey': { file: string; key: 'modelTopology' | 'weightsManifest'; keys: string[] };
  'import.noClassName': { file: string };
  'import.emptyManifest': { file: string };
  'import.badGroup': { file: string; group: number };
  'import.specNoName': WeightRef;
  'import.specShape': WeightRef & { name: string; shape: string };
  'import.specDtype': WeightRef & { name: string; dtype: string };
  'import.specQuantisation': WeightRef & { name: string; dtype: string };
  'import.missingWeights': { name: string };
  'import.weightsSize': { files: string[]; actual: number; expected: number; group: number | null };
  'import.weightsTooLarge': { bytes: number; limit: number };
  'import.cardIgnored': Record<string, never>;
  'import.cardUnreadable': { problem: EngineMessage };
  /** A field of an imported model-card.json that does not hold what the card's schema says (path such as `model.layers[1].units`). */
  'import.cardField': { path: string; want: 'object' | 'text' | 'number' | 'integer' | 'boolean' | 'choice' | 'list' | 'hex' | 'absent' | 'value'; choices: string[]; min: number | null; max: number | null };
  // Export
  'export.noWeights': Record<string, never>;
  // Training settings (each invalid field of a TrainConfig)
  'config.learningRate': { value: number; min: number; max: number };
  'config.batchSize': { value: number };
  'config.batchTooLarge': { batch: number; examples: number };
  'config.epochs': { value: number; min: number; max: number };
  'config.validationSplit': { value: number; min: number; max: number };
  'config.seed': { value: number };
  'config.patience': { value: number; min: number; max: number };
  'config.earlyStoppingNeedsValidation': Record<string, never>;
  // Training runs
  'train.badLearningRate': { value: number };
  'train.diverged': { lr: number; exploded: boolean };
  'train.nonFiniteGradient': { layer: string; step: number };
  'train.nonFiniteWeights': { layer: string; epoch: number };
  'train.leak': { epochs: number; counts: number[] };
  'train.earlyStopped': { epoch: number; patience: number; best: BestEpoch | null; restored: boolean };
  'train.finishedAll': { best: BestEpoch | null; restored: boolean };
  'train.storageFull': { epoch: number };
  'train.saveFailed': { detail: string };
  'train.fusedAdamHeap': Record<string, never>;
  'train.fusedAdamCpu': Record<string, never>;
  // TF.js backends
  'backend.startTimeout': { backend: string; seconds: number };
  'backend.initFailed': Record<string, never>;
  'backend.notIncluded': { backend: string };
  'backend.unavailable': { backend: string; problem: EngineMessage | null };
  'backend.softwareGpu': { backend: string; detail: string };
  'backend.startFailed': { backend: string; problem: EngineMessage };
  'backend.noneStarted': { notices: EngineMessage[] };
  'backend.noneTrained': { failures: { backend: string; problem: EngineMessage }[] };
  'backend.chosenByYou': { backend: string };
  'backend.firstThatWorks': { backend: string; order: string[] };
  'backend.fastestKind': { backend: string };
  'backend.channelsLastOnly': Record<string, never>;
  'bench.firstStepTooSlow': { seconds: number };
  // Tuning
  'tune.batchTooLarge': { batch: number; examples: number };
  'tune.noBatchMeasured': { why: EngineMessage };
  'tune.planLimit': { batch: number };
  'tune.triedLimit': { batch: number };
  'tune.batchFailed': { batch: number; problem: EngineMessage };
  'tune.stepTooSlow': { batch: number; ms: number; budget: number };
  'tune.smallGain': { batch: number };
  'tune.chosenNoNoise': { batch: number; samplesPerSec: number };
  'tune.chosenFastest': { batch: number; samplesPerSec: number; noiseScale: number };
  'tune.chosenBelowNoise': { batch: number; fastest: number; noiseScale: number };
  'tune.noiseScaleInput': Record<string, never>;
  // Loss landscape and the decision boundary
  'landscape.badSize': { value: number; min: number; max: number };
  'landscape.badRange': { value: number };
  'landscape.pcaNeedsEpochs': { epochs: number };
  'landscape.pcaFlat': Record<string, never>;
  'boundary.badSize': { value: number; min: number; max: number };
  // Generic: a failure whose text comes from a library (TF.js, the browser), passed on as it is.
  'engine.failed': { detail: string };
  // Runs: another tab (or its worker) holds the run, so this one may not write it.
  'run.heldElsewhere': { name: string };
  // Races (issue 16)
  'race.contenders': { count: number; min: number; max: number };
  // A model too large to train on the backend (estimated before anything is built): bytes needed, the backend's budget.
  'shape.tooLarge': { bytes: number; budget: number; batchSize: number; backend: string };
  // What the browser lacks for a backend (found before TF.js is asked to start it).
  'backend.missingFeature': { feature: 'webgpu' | 'webgpuAdapter' | 'offscreenCanvas' | 'webgl2' | 'webassembly' };
  // The backend comparison leaves a GPU emulated in software untimed (`detail`: the renderer's name).
  'backend.softwareNotTimed': { detail: string };
}

/** A layer as messages name it: its 1-based position and type ("Layer 3 (Conv2D)"). */
export interface LayerRef {
  layer: number;
  type: LayerType;
}

/** A weight of an imported manifest: its file, 1-based weight and group numbers. */
export interface WeightRef {
  file: string;
  weight: number;
  group: number;
}

/** An image that could not be decoded, and the decoder's reason (the browser's words). */
export interface ImageFailure {
  file: string;
  reason: string;
}

/** The best validation loss of a run and its epoch. */
export interface BestEpoch {
  loss: number;
  epoch: number;
}

export type EngineCode = keyof EngineCodes;

/** A code and its parameters: what crosses the worker boundary for every engine error and note. */
export interface EngineMessage<K extends EngineCode = EngineCode> {
  code: K;
  params: EngineCodes[K];
}

/** An error the engine throws on purpose: `code` and `params` say what, the page says it in words. */
export class EngineError<K extends EngineCode = EngineCode> extends Error {
  override name = 'EngineError';
  constructor(
    readonly code: K,
    readonly params: EngineCodes[K],
  ) {
    super(`${code} ${JSON.stringify(params)}`);
  }

  get engineMessage(): EngineMessage<K> {
    return { code: this.code, params: this.params };
  }
}

/** Builds an engine message (a note, a notice) without throwing. */
export function engineMessage<K extends EngineCode>(code: K, params: EngineCodes[K]): EngineMessage<K> {
  return { code, params };
}

/** An error as an engine message: EngineErrors keep their code; anything else becomes `engine.failed`. */
export function toEngineMessage(err: unknown): EngineMessage {
  if (err instanceof EngineError) return err.engineMessage;
  const coded = err as { code?: unknown; params?: unknown } | null;
  if (coded && typeof coded === 'object' && typeof coded.code === 'string' && coded.params && typeof coded.params === 'object') return { code: coded.code as EngineCode, params: coded.params as EngineCodes[EngineCode] };
  return { code: 'engine.failed', params: { detail: err instanceof Error ? err.message : String(err) } };
}

/**
 * Every code, for checks at run time (each language's dictionary has exactly these keys). The type below
 * makes a code added to `EngineCodes` but not here a compile error.
 */
export const ENGINE_CODES = [
  'session.noDataset',
  'session.noModel',
  'session.busy',
  'session.superseded',
  'session.noEvaluation',
  'session.not2d',
  'session.invalidConfig',
  'session.notSequential',
  'session.backendReset',
  'session.allocationFailed',
  'session.importCannotBuild',
  'session.importUnsupportedLayers',
  'session.runNotStored',
  'session.checkpointMissing',
  'session.otherData',
  'session.tfjsUnreadable',
  'data.tooLarge',
  'data.badGzip',
  'data.noTable',
  'data.targetMissing',
  'data.droppedRows',
  'data.filled',
  'data.unseenCategories',
  'data.badValidationSplit',
  'data.badTestFraction',
  'data.badSyntheticSize',
  'data.badSyntheticClasses',
  'data.checksumMismatch',
  'data.streamFailed',
  'csv.notText',
  'csv.encoding',
  'csv.empty',
  'csv.headerOnly',
  'csv.noHeader',
  'csv.ragged',
  'csv.badQuotes',
  'csv.nonNumeric',
  'csv.targetNotNumeric',
  'csv.oneClass',
  'csv.tooManyClasses',
  'csv.noFeatures',
  'csv.targetIgnored',
  'csv.tooFewRows',
  'csv.targetGuess',
  'images.notImage',
  'images.undecodable',
  'images.notZip',
  'images.badZip',
  'images.none',
  'images.notInFolders',
  'images.oneClass',
  'images.tooManyClasses',
  'images.tooMany',
  'images.emptyClass',
  'images.allUndecodable',
  'images.skipped',
  'images.badResize',
  'images.unpacksTooLarge',
  'idx.tooShort',
  'idx.badMagic',
  'idx.wrongRank',
  'idx.truncatedHeader',
  'idx.truncated',
  'idx.labelCount',
  'idx.labelRange',
  'idx.sizeMismatch',
  'idx.tooLarge',
  'shape.empty',
  'shape.needsImage',
  'shape.needsFlat',
  'shape.alreadyFlat',
  'shape.tooSmall',
  'shape.badInteger',
  'shape.badRate',
  'shape.outputClasses',
  'shape.outputRegression',
  'shape.needsSoftmax',
  'shape.lastNotDense',
  'shape.softmaxRegression',
  'shape.lossTask',
  'model.empty',
  'model.badUnits',
  'model.badRate',
  'model.doesNotFit',
  'model.outputClasses',
  'model.inputShape',
  'model.notBuildable',
  'import.noFiles',
  'import.fileTooLarge',
  'import.notZip',
  'import.tooManyEntries',
  'import.unpacksTooLarge',
  'import.badZip',
  'import.badJson',
  'import.manyModelJson',
  'import.noModelJson',
  'import.modelJsonTooLarge',
  'import.isCard',
  'import.notObject',
  'import.graphModel',
  'import.missingKey',
  'import.noClassName',
  'import.emptyManifest',
  'import.badGroup',
  'import.specNoName',
  'import.specShape',
  'import.specDtype',
  'import.specQuantisation',
  'import.missingWeights',
  'import.weightsSize',
  'import.weightsTooLarge',
  'import.cardIgnored',
  'import.cardUnreadable',
  'import.cardField',
  'export.noWeights',
  'config.learningRate',
  'config.batchSize',
  'config.batchTooLarge',
  'config.epochs',
  'config.validationSplit',
  'config.seed',
  'config.patience',
  'config.earlyStoppingNeedsValidation',
  'train.badLearningRate',
  'train.diverged',
  'train.nonFiniteGradient',
  'train.nonFiniteWeights',
  'train.leak',
  'train.earlyStopped',
  'train.finishedAll',
  'train.storageFull',
  'train.saveFailed',
  'train.fusedAdamHeap',
  'train.fusedAdamCpu',
  'backend.startTimeout',
  'backend.initFailed',
  'backend.notIncluded',
  'backend.unavailable',
  'backend.softwareGpu',
  'backend.startFailed',
  'backend.noneStarted',
  'backend.noneTrained',
  'backend.chosenByYou',
  'backend.firstThatWorks',
  'backend.fastestKind',
  'backend.channelsLastOnly',
  'bench.firstStepTooSlow',
  'tune.batchTooLarge',
  'tune.noBatchMeasured',
  'tune.planLimit',
  'tune.triedLimit',
  'tune.batchFailed',
  'tune.stepTooSlow',
  'tune.smallGain',
  'tune.chosenNoNoise',
  'tune.chosenFastest',
  'tune.chosenBelowNoise',
  'tune.noiseScaleInput',
  'landscape.badSize',
  'landscape.badRange',
  'landscape.pcaNeedsEpochs',
  'landscape.pcaFlat',
  'boundary.badSize',
  'engine.failed',
  'run.heldElsewhere',
  'race.contenders',
  'shape.tooLarge',
  'backend.missingFeature',
  'backend.softwareNotTimed',
] as const satisfies readonly EngineCode[];

type Unlisted = Exclude<EngineCode, (typeof ENGINE_CODES)[number]>;
/** Fails to compile, naming the code, when a code of `EngineCodes` is missing from ENGINE_CODES. */
export const ENGINE_CODES_COMPLETE: [Unlisted] extends [never] ? true : Unlisted = true;
