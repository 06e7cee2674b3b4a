import { isMissing, parseNumber, type CsvTable } from './csv';
import type { ColumnKind, CsvProfile } from './csv-profile';
import { splitIndices, type Dataset, type Task } from './dataset';
import { engineMessage, type EngineMessage } from '../errors';
import { DataError } from './errors';
import { meanStd, type FeatureEncoding, type MissingPolicy, type Preprocessing } from './preprocessing';
import type { ColumnStats } from './preview';
import { trainTestSplit } from './split';
import { keptRows, readTarget } from './tabular-target';

/** The user's choices in the upload form (plain data). */
export interface TabularOptions {
  /** Index of the target column. */
  target: number;
  task: Task;
  /** Use of every column (the target's entry is ignored). */
  kinds: ColumnKind[];
  missing: MissingPolicy;
  /** Share of the rows held out as the test set, and the seed of that split. */
  testFraction: number;
  splitSeed: number;
  /** The training settings' validation fraction and seed: statistics skip the rows the loop will validate on. */
  validationSplit: number;
  trainSeed: number;
  id?: string;
  name?: string;
  source?: string;
  /** Names of whole-number classes 0..k-1 (built-in tables). */
  classNames?: string[];
}

const MIN_ROWS = 10;

function checkNumeric(table: CsvTable, profile: CsvProfile, j: number): void {
  const decimalComma = table.delimiter === ';';
  const i = table.rows.findIndex((row) => !isMissing(row[j]) && Number.isNaN(parseNumber(row[j], decimalComma)));
  if (i >= 0) throw new DataError('csv.nonNumeric', { file: table.fileName, line: table.lines[i], column: table.header[j], value: table.rows[i][j], others: profile.columns[j].numericCount });
}

/** Encoding of one column, fitted on the cells of the fit rows. */
function fitColumn(table: CsvTable, j: number, kind: ColumnKind, fit: number[]): FeatureEncoding {
  const column = table.header[j];
  if (kind === 'numeric') {
    const decimalComma = table.delimiter === ';';
    return { column, kind, ...meanStd(fit.map((i) => (isMissing(table.rows[i][j]) ? NaN : parseNumber(table.rows[i][j], decimalComma)))) };
  }
  const counts = new Map<string, number>();
  for (const i of fit) {
    const cell = table.rows[i][j].trim();
    if (!isMissing(cell)) counts.set(cell, (counts.get(cell) ?? 0) + 1);
  }
  const categories = [...counts.keys()].sort((a, b) => a.localeCompare(b));
  const fill = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  return { column, kind: 'categorical', categories, fill };
}

/** Writes the features of table row `i` at `out[offset..]`; returns how many values were filled and unseen. */
function encodeRow(table: CsvTable, i: number, inputs: number[], enc: FeatureEncoding[], out: Float32Array, offset: number): { filled: number; unseen: number } {
  let k = offset;
  let filled = 0;
  let unseen = 0;
  inputs.forEach((j, c) => {
    const e = enc[c];
    const cell = table.rows[i][j].trim();
    const missing = isMissing(cell);
    if (missing) filled++;
    if (e.kind === 'numeric') {
      out[k++] = missing ? 0 : (parseNumber(cell, table.delimiter === ';') - e.mean) / e.std;
    } else {
      const at = e.categories.indexOf(missing ? e.fill : cell);
      if (at < 0) unseen++;
      for (let m = 0; m < e.categories.length; m++) out[k++] = m === at ? 1 : 0;
    }
  });
  return { filled, unseen };
}

function columnStats(profile: CsvProfile, opts: TabularOptions): ColumnStats[] {
  return profile.columns.map((c, j) => ({
    name: c.name,
    role: j === opts.target ? 'target' : opts.kinds[j] === 'ignore' ? 'ignored' : opts.kinds[j],
    missing: c.missing,
    unique: c.unique,
    min: c.min,
    max: c.max,
    mean: c.mean,
    std: c.std,
    top: c.top,
  }));
}

/**
 * Turns a parsed table into a dataset: drops or fills missing values, splits train/test (seeded, stratified
 * for classes), standardises numeric columns and one-hot encodes categorical ones with statistics of the
 * training rows only. Throws DataError with the file, line, column and value of the first problem.
 */
export function buildTabular(table: CsvTable, profile: CsvProfile, opts: TabularOptions): { dataset: Dataset; notes: EngineMessage[] } {
  const file = table.fileName;
  if (opts.kinds[opts.target] === 'ignore') throw new DataError('csv.targetIgnored', { column: table.header[opts.target] });
  const inputs = opts.kinds.map((k, j) => (j !== opts.target && k !== 'ignore' ? j : -1)).filter((j) => j >= 0);
  if (inputs.length === 0) throw new DataError('csv.noFeatures', { file });
  inputs.filter((j) => opts.kinds[j] === 'numeric').forEach((j) => checkNumeric(table, profile, j));
  const { rows, targetMissing, dropped } = keptRows(table, opts.target, inputs, opts.missing === 'drop');
  const target = readTarget(table, opts.target, rows, opts.task, opts.classNames);
  if (rows.length < MIN_ROWS) throw new DataError('csv.tooFewRows', { file, rows: rows.length, dropped, min: MIN_ROWS });
  const classification = opts.task === 'classification';
  const split = trainTestSplit(rows.length, opts.testFraction, opts.splitSeed, classification ? target.values : undefined);
  const fitLocal = splitIndices(split.train.length, opts.validationSplit, opts.trainSeed).train;
  const fit = Array.from(fitLocal, (k) => rows[split.train[k]]);
  const enc = inputs.map((j) => fitColumn(table, j, opts.kinds[j], fit));
  const featureNames = enc.flatMap((e) => (e.kind === 'numeric' ? [e.column] : e.categories.map((c) => `${e.column}=${c}`)));
  const width = featureNames.length;
  const targetStats = classification ? { mean: 0, std: 1 } : meanStd(Array.from(fitLocal, (k) => target.values[split.train[k]]));
  let filled = 0;
  let unseen = 0;
  const makeSplit = (order: Uint32Array) => {
    const x = new Float32Array(order.length * width);
    const y = classification ? new Int32Array(order.length) : new Float32Array(order.length);
    order.forEach((k, r) => {
      const counts = encodeRow(table, rows[k], inputs, enc, x, r * width);
      filled += counts.filled;
      unseen += counts.unseen;
      y[r] = classification ? target.values[k] : (target.values[k] - targetStats.mean) / targetStats.std;
    });
    return { x, y, count: order.length };
  };
  const train = makeSplit(split.train);
  const test = makeSplit(split.test);
  const targetName = table.header[opts.target];
  const preprocessing: Preprocessing = {
    features: enc,
    featureNames,
    target: classification ? { column: targetName, kind: 'classes', classes: target.classNames } : { column: targetName, kind: 'numeric', ...targetStats },
    missing: opts.missing,
    fitRows: fit.length,
    validationSplit: opts.validationSplit,
    seed: opts.trainSeed,
  };
  const notes: EngineMessage[] = [
    ...(targetMissing ? [engineMessage('data.targetMissing', { count: targetMissing })] : []),
    ...(dropped ? [engineMessage('data.droppedRows', { count: dropped })] : []),
    ...(filled ? [engineMessage('data.filled', { count: filled })] : []),
    ...(unseen ? [engineMessage('data.unseenCategories', { count: unseen })] : []),
  ];
  const dataset: Dataset = {
    id: opts.id ?? `csv:${file}`,
    name: opts.name ?? file,
    task: opts.task,
    inputShape: [width],
    numClasses: classification ? target.classNames.length : 1,
    classNames: classification ? target.classNames : [targetName],
    xScale: 1,
    train,
    test,
    source: opts.source ?? `${file}: ${rows.length} rows, ${inputs.length} input columns → ${width} features, target “${targetName}”`,
    preview: { kind: 'table', columns: columnStats(profile, opts), header: table.header, rows: profile.sampleRows },
    preprocessing,
    testRowText: Array.from(split.test, (k) => table.rows[rows[k]].join(', ')),
  };
  return { dataset, notes };
}
