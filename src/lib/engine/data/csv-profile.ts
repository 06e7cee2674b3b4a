import type { EngineMessage } from '../errors';
import type { CsvTable } from './csv';
import { isMissing, parseNumber } from './csv';
import type { Task } from './dataset';
import type { TextEncodingName } from './encoding';

export type ColumnKind = 'numeric' | 'categorical' | 'ignore';

/** What one column holds, as the column table of the upload form shows it. */
export interface ColumnProfile {
  name: string;
  /** Inferred use; the user may change it. */
  kind: ColumnKind;
  missing: number;
  /** Distinct non-missing values (counting stops at 1001). */
  unique: number;
  /** Non-missing values that are numbers. */
  numericCount: number;
  /** All numeric values are whole numbers. */
  integer: boolean;
  min: number;
  max: number;
  mean: number;
  std: number;
  /** Up to 5 most frequent values, most frequent first. */
  top: string[];
  /** The first value that is not a number (for a column that is mostly numbers). */
  firstBad?: { line: number; value: string };
}

export interface CsvProfile {
  fileName: string;
  encoding: TextEncodingName;
  rowCount: number;
  delimiter: string;
  hasHeader: boolean;
  detectedHeader: boolean;
  columns: ColumnProfile[];
  notes: EngineMessage[];
  /** Index of the column that looks like the target (see `guessTarget`). */
  suggestedTarget: number;
  /** Which column was guessed and why, for the form to say. */
  targetGuess: EngineMessage<'csv.targetGuess'>;
  /** The first rows as text, for the preview table. */
  sampleRows: string[][];
}

const UNIQUE_CAP = 1001;
/** A column with at least this share of numbers is numeric (its other values are errors to fix). */
const NUMERIC_SHARE = 0.9;
/** Classification is inferred for whole-number targets with at most this many distinct values. */
const MAX_INFERRED_CLASSES = 20;

function profileColumn(table: CsvTable, j: number): ColumnProfile {
  const decimalComma = table.delimiter === ';';
  const counts = new Map<string, number>();
  let missing = 0;
  let numericCount = 0;
  let integer = true;
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  let max = -Infinity;
  let firstBad: ColumnProfile['firstBad'];
  table.rows.forEach((row, i) => {
    const cell = row[j];
    if (isMissing(cell)) {
      missing++;
      return;
    }
    const key = cell.trim();
    if (counts.size < UNIQUE_CAP || counts.has(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
    const v = parseNumber(cell, decimalComma);
    if (Number.isNaN(v)) {
      firstBad ??= { line: table.lines[i], value: cell };
      return;
    }
    numericCount++;
    if (!Number.isInteger(v)) integer = false;
    sum += v;
    sumSq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  });
  const present = table.rows.length - missing;
  const mean = numericCount ? sum / numericCount : NaN;
  const std = numericCount ? Math.sqrt(Math.max(0, sumSq / numericCount - mean * mean)) : NaN;
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([v]) => v);
  const numeric = present > 0 && numericCount >= NUMERIC_SHARE * present;
  // Free text or identifiers (almost every value distinct) are not useful one-hot columns.
  const idLike = !numeric && counts.size > 50 && counts.size > 0.5 * present;
  return {
    name: table.header[j],
    kind: numeric ? 'numeric' : idLike || present === 0 ? 'ignore' : 'categorical',
    missing,
    unique: counts.size,
    numericCount,
    integer,
    min: numericCount ? min : NaN,
    max: numericCount ? max : NaN,
    mean,
    std,
    top,
    ...(numeric && firstBad ? { firstBad } : {}),
  };
}

/** Names that say "this is what to predict" (any case); they win over "y", which in `x,y,label` is a feature. */
const TARGET_NAMES = /^(target|targets|label|labels|class|classes)$/i;

/** The target column to suggest: one named target/label/class, else one named "y", else the last. */
export function guessTarget(names: string[]): { index: number; why: 'name' | 'y' | 'last' } {
  const named = names.findIndex((n) => TARGET_NAMES.test(n.trim()));
  if (named >= 0) return { index: named, why: 'name' };
  const y = names.findIndex((n) => n.trim().toLowerCase() === 'y');
  if (y >= 0) return { index: y, why: 'y' };
  return { index: names.length - 1, why: 'last' };
}

/** Profiles every column of a parsed table and suggests a target. */
export function profileTable(table: CsvTable): CsvProfile {
  const columns = table.header.map((_, j) => profileColumn(table, j));
  const guess = guessTarget(columns.map((c) => c.name));
  return {
    fileName: table.fileName,
    encoding: table.encoding,
    rowCount: table.rows.length,
    delimiter: table.delimiter,
    hasHeader: table.hasHeader,
    detectedHeader: table.detectedHeader,
    columns,
    notes: table.notes,
    suggestedTarget: guess.index,
    targetGuess: { code: 'csv.targetGuess', params: { column: columns[guess.index]?.name ?? '', why: guess.why } },
    sampleRows: table.rows.slice(0, 8),
  };
}

/** Classification for text or few whole-number values; regression for other numbers. */
export function inferTask(column: ColumnProfile): Task {
  if (column.kind !== 'numeric') return 'classification';
  return column.integer && column.unique <= MAX_INFERRED_CLASSES ? 'classification' : 'regression';
}
