import { isMissing, parseNumber, type CsvTable } from './csv';
import type { Task } from './dataset';
import { DataError } from './errors';
import { LIMITS } from './limits';

/** The target of every kept row: class index or number, with the class names. */
export interface TargetValues {
  values: Float64Array;
  classNames: string[];
}

/**
 * Reads the target column of `rows` (indices into the table) as classes or numbers.
 * Classes are sorted (numerically when all are numbers); `classNames` from a built-in dataset's meta data
 * name whole-number targets 0..k-1. Throws DataError for one class, too many classes or a non-number.
 */
export function readTarget(table: CsvTable, column: number, rows: number[], task: Task, classNames?: string[]): TargetValues {
  const name = table.header[column];
  const decimalComma = table.delimiter === ';';
  const cells = rows.map((i) => table.rows[i][column].trim());
  if (task === 'regression') {
    const values = new Float64Array(cells.length);
    cells.forEach((cell, k) => {
      const v = parseNumber(cell, decimalComma);
      if (Number.isNaN(v)) throw new DataError('csv.targetNotNumeric', { file: table.fileName, line: table.lines[rows[k]], column: name, value: cell });
      values[k] = v;
    });
    return { values, classNames: [name] };
  }
  const distinct = [...new Set(cells)];
  if (distinct.length < 2) throw new DataError('csv.oneClass', { file: table.fileName, column: name, value: distinct[0] ?? '', rows: cells.length });
  if (distinct.length > LIMITS.maxClasses) throw new DataError('csv.tooManyClasses', { file: table.fileName, column: name, count: distinct.length, max: LIMITS.maxClasses });
  const numbers = distinct.map((c) => parseNumber(c, decimalComma));
  const allNumbers = numbers.every((v) => !Number.isNaN(v));
  const named = classNames && allNumbers && numbers.every((v) => Number.isInteger(v) && v >= 0 && v < classNames.length);
  let names: string[];
  let index: Map<string, number>;
  if (named) {
    names = classNames;
    index = new Map(distinct.map((c, k) => [c, numbers[k]]));
  } else {
    const order = distinct.map((c, k) => ({ c, v: numbers[k] }));
    order.sort(allNumbers ? (a, b) => a.v - b.v : (a, b) => a.c.localeCompare(b.c));
    names = order.map((o) => o.c);
    index = new Map(names.map((c, k) => [c, k]));
  }
  return { values: Float64Array.from(cells, (c) => index.get(c)!), classNames: names };
}

/** Rows to keep: a target is present and, when missing inputs are dropped, every input too. */
export function keptRows(table: CsvTable, target: number, inputs: number[], dropMissing: boolean): { rows: number[]; targetMissing: number; dropped: number } {
  const rows: number[] = [];
  let targetMissing = 0;
  let dropped = 0;
  table.rows.forEach((row, i) => {
    if (isMissing(row[target])) targetMissing++;
    else if (dropMissing && inputs.some((j) => isMissing(row[j]))) dropped++;
    else rows.push(i);
  });
  return { rows, targetMissing, dropped };
}
