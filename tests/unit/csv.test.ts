import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/lib/engine/data/csv';
import { inferTask, profileTable } from '../../src/lib/engine/data/csv-profile';
import { classCounts } from '../../src/lib/engine/data/dataset';
import { LIMITS } from '../../src/lib/engine/data/limits';
import { buildTabular, type TabularOptions } from '../../src/lib/engine/data/tabular';
import { DATA_DIR } from './helpers';
import { thrown, worded, words } from './worded';

const enc = (s: string) => new TextEncoder().encode(s);
const options = (over: Partial<TabularOptions> & { kinds: TabularOptions['kinds'] }): TabularOptions => ({
  target: over.kinds.length - 1,
  task: 'classification',
  missing: 'drop',
  testFraction: 0.2,
  splitSeed: 1,
  validationSplit: 0.1,
  trainSeed: 42,
  ...over,
});
function load(text: string, name: string, over: Partial<TabularOptions> = {}) {
  const table = parseCsv(enc(text), name);
  const profile = profileTable(table);
  return buildTabular(table, profile, options({ kinds: profile.columns.map((c) => c.kind), ...over }));
}
const tabular = (name: string) => readFileSync(resolve(DATA_DIR, 'tabular', name));

describe('the target guess', () => {
  const guess = (text: string) => profileTable(parseCsv(enc(text), 'g.csv'));

  it('prefers a column named label, target or class (any case) over y, and says it chose by name', () => {
    const p = guess('x,y,label\n1,2,a\n3,4,b\n5,6,a\n');
    expect(p.suggestedTarget).toBe(2);
    expect(p.targetGuess).toEqual({ code: 'csv.targetGuess', params: { column: 'label', why: 'name' } });
    expect(worded([p.targetGuess])).toEqual(['Target: “label”, chosen by its name. Choose another if this is not what to predict.']);
    expect(guess('CLASS,x,y\na,1,2\nb,3,4\n').suggestedTarget).toBe(0);
    expect(guess('x,Target,y\n1,2,3\n4,5,6\n').suggestedTarget).toBe(1);
  });

  it('falls back to y, then to the last column, and says so', () => {
    const y = guess('x,y,z\n1,2,3\n4,5,6\n');
    expect(y.suggestedTarget).toBe(1);
    expect(y.targetGuess.params).toEqual({ column: 'y', why: 'y' });
    const last = guess('a,b,species\n1,2,setosa\n3,4,virginica\n');
    expect(last.suggestedTarget).toBe(2);
    expect(last.targetGuess.params).toEqual({ column: 'species', why: 'last' });
  });
});

describe('CSV parsing', () => {
  it('reads iris with its header, infers numeric columns and a 3-class target, and splits stratified', () => {
    const table = parseCsv(tabular('iris.csv'), 'iris.csv');
    expect(table.hasHeader).toBe(true);
    expect(table.header).toEqual(['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)', 'target']);
    expect(table.rows).toHaveLength(150);
    const profile = profileTable(table);
    expect(profile.columns.map((c) => c.kind)).toEqual(['numeric', 'numeric', 'numeric', 'numeric', 'numeric']);
    expect(profile.suggestedTarget).toBe(4);
    expect(profile.targetGuess).toEqual({ code: 'csv.targetGuess', params: { column: 'target', why: 'name' } });
    expect(inferTask(profile.columns[4])).toBe('classification');
    const meta = JSON.parse(readFileSync(resolve(DATA_DIR, 'tabular', 'meta.json'), 'utf8'))['iris.csv'];
    const { dataset } = buildTabular(table, profile, options({ kinds: profile.columns.map((c) => c.kind), classNames: meta.target_names }));
    expect(dataset.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(dataset.inputShape).toEqual([4]);
    expect(dataset.train.count + dataset.test.count).toBe(150);
    expect(classCounts(dataset.test, 3)).toEqual([10, 10, 10]);
    expect(dataset.testRowText).toHaveLength(30);
  });

  it('standardises with statistics of the training rows only (validation and test rows excluded)', () => {
    const { dataset } = load(readFileSync(resolve(DATA_DIR, 'tabular', 'iris.csv'), 'utf8'), 'iris.csv');
    const pre = dataset.preprocessing!;
    expect(pre.fitRows).toBe(Math.round(120 * 0.9));
    // Mean of the standardised feature over all training rows (incl. validation) is close to, but not exactly, 0.
    const col0 = Array.from({ length: dataset.train.count }, (_, i) => dataset.train.x[i * 4]);
    const mean = col0.reduce((a, b) => a + b, 0) / col0.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(pre.features[0]).toMatchObject({ column: 'sepal length (cm)', kind: 'numeric' });
    const all = readFileSync(resolve(DATA_DIR, 'tabular', 'iris.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
    const fullMean = all.reduce((a, b) => a + b, 0) / all.length;
    expect((pre.features[0] as { mean: number }).mean).not.toBe(fullMean);
  });

  it('infers regression for diabetes and standardises the target', () => {
    const table = parseCsv(tabular('diabetes.csv'), 'diabetes.csv');
    const profile = profileTable(table);
    expect(inferTask(profile.columns[10])).toBe('regression');
    const { dataset } = buildTabular(table, profile, options({ kinds: profile.columns.map((c) => c.kind), task: 'regression' }));
    expect(dataset.task).toBe('regression');
    expect(dataset.numClasses).toBe(1);
    expect(dataset.train.y).toBeInstanceOf(Float32Array);
    const target = dataset.preprocessing!.target;
    expect(target.kind).toBe('numeric');
    if (target.kind === 'numeric') expect(target.mean).toBeGreaterThan(100);
  });

  it('reads TSV and semicolon files with decimal commas; one-hot encodes categories; counts and fills missing values', () => {
    const tsv = 'a\tb\tlabel\n1\tx\tyes\n2\ty\tno\n3\tx\tyes\n4\ty\tno\n5\tx\tyes\n6\ty\tno\n7\tx\tyes\n8\ty\tno\n9\tx\tyes\n10\ty\tno\n';
    const t1 = parseCsv(enc(tsv), 'data.tsv');
    expect(t1.delimiter).toBe('\t');
    const p1 = profileTable(t1);
    expect(p1.columns.map((c) => c.kind)).toEqual(['numeric', 'categorical', 'categorical']);
    const r1 = buildTabular(t1, p1, options({ kinds: p1.columns.map((c) => c.kind), testFraction: 0.2 }));
    expect(r1.dataset.preprocessing!.featureNames).toEqual(['a', 'b=x', 'b=y']);
    expect(r1.dataset.classNames).toEqual(['no', 'yes']);

    const semi = 'h;w;c\n' + Array.from({ length: 16 }, (_, i) => `${i},5;${i % 3 === 0 ? 'NA' : `${i * 2},25`};${i % 2}`).join('\n');
    const t2 = parseCsv(enc(semi), 'eu.csv');
    expect(t2.delimiter).toBe(';');
    const p2 = profileTable(t2);
    expect(p2.columns[0].kind).toBe('numeric');
    expect(p2.columns[0].mean).toBeCloseTo(8, 5);
    expect(p2.columns[1].missing).toBe(6);
    const dropped = buildTabular(t2, p2, options({ kinds: p2.columns.map((c) => c.kind), missing: 'drop' }));
    expect(dropped.dataset.train.count + dropped.dataset.test.count).toBe(10);
    expect(dropped.notes).toContainEqual({ code: 'data.droppedRows', params: { count: 6 } });
    expect(worded(dropped.notes).join(' ')).toContain('6 rows with missing values were dropped');
    const filled = buildTabular(t2, p2, options({ kinds: p2.columns.map((c) => c.kind), missing: 'fill' }));
    expect(filled.dataset.train.count + filled.dataset.test.count).toBe(16);
    expect(worded(filled.notes).join(' ')).toContain('6 missing values were filled with the training mean');
  });

  it('detects a missing header and names the columns, and the user can override it', () => {
    const text = '5.1,3.5,0\n4.9,3.0,0\n6.2,2.9,1\n';
    const table = parseCsv(enc(text), 'nohead.csv');
    expect(table.hasHeader).toBe(false);
    expect(table.header).toEqual(['column 1', 'column 2', 'column 3']);
    expect(table.rows).toHaveLength(3);
    expect(table.notes[0]).toEqual({ code: 'csv.noHeader', params: { file: 'nohead.csv', first: '5.1,3.5,0', columns: 3 } });
    expect(worded(table.notes)[0]).toBe(
      'nohead.csv has no header row: line 1 (“5.1,3.5,0”) holds values, not column names, so the 3 columns are named column 1 to column 3. Untick “First line holds column names” only if that is wrong.',
    );
    expect(parseCsv(enc(text), 'nohead.csv', true).header).toEqual(['5.1', '3.5', '0']);
  });
});

describe('bad CSV input gets a message that says where and what', () => {
  const rows = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');

  it('empty file, header only, blank lines only', () => {
    expect(thrown(() => parseCsv(new Uint8Array(0), 'empty.csv'))).toEqual({ code: 'csv.empty', params: { file: 'empty.csv' } });
    expect(words(() => parseCsv(new Uint8Array(0), 'empty.csv'))).toBe('empty.csv is empty: it has no rows.');
    expect(words(() => parseCsv(enc('\n\n  \n'), 'blank.csv'))).toContain('blank.csv is empty: it has no rows.');
    expect(words(() => parseCsv(enc('a,b,target\n'), 'head.csv'))).toContain('head.csv has a header row but no data rows.');
  });

  it('ragged rows name the line and the counts', () => {
    expect(words(() => parseCsv(enc('a,b,c\n1,2,3\n\n4,5\n'), 'ragged.csv'))).toContain(
      'ragged.csv, line 4: 2 fields, but the header has 3 columns. Every row needs one value per column.',
    );
  });

  it('a non-number in a numeric column names the line, column and value', () => {
    const text = 'age,label\n' + rows(30, (i) => (i === 12 ? 'twelve,a' : `${i},${i % 2 ? 'a' : 'b'}`));
    expect(words(() => load(text, 'ages.csv'))).toContain(
      'ages.csv, line 14, column “age”: “twelve” is not a number, but 29 other values in this column are. Fix the value, or set the column to “categorical” or “ignore”.',
    );
    // Made categorical, the same file loads.
    expect(load(text, 'ages.csv', { kinds: ['categorical', 'categorical'] }).dataset.train.count).toBeGreaterThan(0);
  });

  it('a target with one class, too many classes, a non-number regression target', () => {
    expect(words(() => load('x,y\n' + rows(20, (i) => `${i},yes`), 'one.csv'))).toContain(
      'one.csv: the target column “y” has only one value (“yes”) in all 20 rows; a classifier needs at least two classes. Choose another target column.',
    );
    expect(words(() => load('x,id\n' + rows(80, (i) => `${i},k${i}`), 'many.csv', { kinds: ['numeric', 'categorical'] }))).toContain(
      `many.csv: the target column “id” has 80 different values, more than the ${LIMITS.maxClasses} classes allowed. If it is a quantity, switch the task to regression; otherwise choose another target column.`,
    );
    expect(words(() => load('x,price\n' + rows(20, (i) => `${i},${i === 5 ? 'cheap' : i * 3}`), 'price.csv', { task: 'regression', kinds: ['numeric', 'numeric'] }))).toContain(
      'price.csv, line 7: the target “price” is “cheap”, not a number, so it cannot be predicted by regression. Switch the task to classification.',
    );
  });

  it('a file that is not CSV says what it looks like', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(words(() => parseCsv(png, 'photo.csv'))).toContain('photo.csv is not a CSV or TSV text file: it looks like a PNG image. Export the table as CSV (comma- or tab-separated text) and try again.');
    expect(words(() => parseCsv(new Uint8Array([0x50, 0x4b, 3, 4, 1, 2]), 'book.xlsx'))).toContain('book.xlsx is not a CSV or TSV text file: it looks like a zip archive (an Excel .xlsx file is one too).');
    expect(words(() => parseCsv(new Uint8Array([65, 0, 66, 10]), 'blob.csv'))).toContain('blob.csv is not a CSV or TSV text file: it holds binary data.');
  });

  it('an unclosed quote, no inputs left, too few rows, a file over the size limit', () => {
    expect(words(() => parseCsv(enc('a,b\n1,2\n3,"4\n5,6\n'), 'quote.csv'))).toContain('quote.csv, line 3: a quoted field is never closed (a “"” is missing).');
    expect(words(() => load('x,y\n' + rows(20, (i) => `${i},${i % 2}`), 'only.csv', { kinds: ['ignore', 'numeric'] }))).toContain(
      'only.csv: no input columns are left besides the target. Set at least one column to numeric or categorical.',
    );
    expect(words(() => load('x,y\n' + rows(12, (i) => `${i % 3 ? i : ''},${i % 2}`), 'few.csv'))).toContain(
      'few.csv: only 8 usable rows (4 were dropped for missing values); at least 10 are needed.',
    );
    const big = new Uint8Array(LIMITS.csvBytes + 1);
    expect(words(() => parseCsv(big, 'big.csv'))).toContain('big.csv is 20 MB, over the 20 MB limit for CSV files; it was not read.');
  });
});
