import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { expect, test, type Page } from '@playwright/test';
import { barImage, goodCsv } from './files';
import { openApp, setField } from './helpers';

const csvFile = (name: string, text: string | Buffer) => ({ name, mimeType: 'text/csv', buffer: Buffer.isBuffer(text) ? text : Buffer.from(text) });

async function trainTiny(page: Page, epochs: number, batchSize: number): Promise<void> {
  await setField(page, 'epochs', epochs);
  await setField(page, 'batch-size', batchSize);
  await expect(page.getByTestId('train')).toBeEnabled();
  await page.getByTestId('train').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
}

test.describe('your own data', () => {
  let pageErrors: string[] = [];
  test.beforeEach(async ({ page }) => {
    pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await openApp(page);
  });
  test.afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  test('a CSV made here: columns are profiled, the model adapts, it trains, and a confusion-matrix cell shows its rows', async ({ page }) => {
    await page.getByTestId('dataset-picker').selectOption('own-csv');
    await page.getByTestId('csv-file').setInputFiles(csvFile('points.csv', goodCsv()));
    await expect(page.getByTestId('csv-summary')).toContainText('points.csv: 80 rows × 4 columns');
    await expect(page.getByTestId('csv-target')).toHaveValue('3');
    await expect(page.getByTestId('csv-task')).toHaveValue('classification');
    await expect(page.getByTestId('csv-kind-2')).toHaveValue('categorical');
    await page.getByTestId('csv-missing').selectOption('fill');
    await page.getByTestId('csv-apply').click();
    await expect(page.getByTestId('dataset-size')).toContainText('64 training and 16 test examples, 5 input features, 2 classes');
    await expect(page.getByTestId('column-stats')).toContainText('colour');
    await expect(page.getByTestId('class-histogram')).toContainText('yes');
    await expect(page.getByTestId('data-notes')).toContainText('missing values were filled');
    await expect(page.getByTestId('layer-list').getByTestId('layer-row')).toHaveCount(2);
    await expect(page.getByTestId('total-params')).toHaveText((5 * 128 + 128 + 128 * 2 + 2).toLocaleString('en'));

    await trainTiny(page, 15, 8);
    const matrix = page.getByTestId('confusion-matrix');
    await expect(matrix).toBeVisible({ timeout: 30_000 });
    await expect(matrix).toHaveAttribute('data-classes', '2');
    const cells = await Promise.all(['0-0', '0-1', '1-0', '1-1'].map(async (c) => Number(await page.getByTestId(`cell-${c}`).textContent())));
    expect(cells.reduce((a, b) => a + b, 0)).toBe(16);
    expect(cells[0] + cells[3]).toBeGreaterThanOrEqual(12);
    await page.getByTestId('cell-1-1').click();
    await expect(page.getByTestId('cell-examples').locator('li')).toHaveCount(cells[3]);
    await expect(page.getByTestId('class-scores')).toContainText('yes');
  });

  test('an image zip made here (one folder per class, with a broken PNG and a text file) trains and shows the confusion matrix', async ({ page }) => {
    const files: Record<string, Uint8Array> = { 'bars/readme.txt': Buffer.from('two classes of bars') };
    for (let i = 0; i < 12; i++) {
      files[`bars/left/${i}.png`] = barImage('left', i);
      files[`bars/right/${i}.png`] = barImage('right', i);
    }
    files['bars/right/broken.png'] = Buffer.concat([barImage('right', 0).subarray(0, 40), Buffer.alloc(30, 7)]);
    await page.getByTestId('dataset-picker').selectOption('own-images');
    await page.getByTestId('image-zip').setInputFiles({ name: 'bars.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(files)) });
    await page.getByTestId('image-size').selectOption('16');
    await page.getByTestId('images-apply').click();
    await expect(page.getByTestId('dataset-size')).toContainText('20 training and 4 test examples, each 16×16×1, 2 classes');
    const notes = page.getByTestId('data-notes');
    await expect(notes).toContainText('Skipped 1 file that is not an image: bars.zip/bars/readme.txt.');
    await expect(notes).toContainText('bars.zip/bars/right/broken.png could not be decoded as an image (');
    // Full rows of 6 (class names longer than 2 letters get larger cells).
    await expect(page.getByTestId('sample-grid').locator('canvas')).toHaveCount(18);

    await trainTiny(page, 8, 4);
    await expect(page.getByTestId('confusion-matrix')).toHaveAttribute('data-classes', '2', { timeout: 30_000 });
    await page.getByTestId('cell-0-0').click();
    await expect(page.getByTestId('cell-caption')).toContainText('of left predicted as left');
    await expect(page.getByTestId('cell-examples').locator('canvas').first()).toBeVisible();
  });

  test('every bad file gets its message, nothing typed is lost, and the page keeps working', async ({ page }) => {
    const error = page.getByTestId('data-error');
    await page.getByTestId('dataset-picker').selectOption('own-csv');
    // A good file first, with choices the bad files must not undo.
    await page.getByTestId('csv-file').setInputFiles(csvFile('points.csv', goodCsv()));
    await page.getByTestId('test-fraction').fill('0.25');
    await page.getByTestId('split-seed').fill('7');
    await page.getByTestId('csv-missing').selectOption('fill');
    const pick = async (name: string, body: string | Buffer, message: string) => {
      await page.getByTestId('csv-file').setInputFiles(csvFile(name, body));
      await expect(error).toContainText(message);
    };
    await pick('empty.csv', '', 'empty.csv is empty: it has no rows.');
    await pick('ragged.csv', 'a,b,c\n1,2,3\n4,5\n', 'ragged.csv, line 3: 2 fields, but the header has 3 columns.');
    await pick('photo.csv', barImage('left', 0), 'photo.csv is not a CSV or TSV text file: it looks like a PNG image.');
    const big = join(mkdtempSync(join(tmpdir(), 'descent-big-')), 'big.csv');
    writeFileSync(big, '');
    truncateSync(big, 21 * 1024 * 1024);
    await page.getByTestId('csv-file').setInputFiles(big);
    await expect(error).toContainText('big.csv is 21 MB, over the 20 MB limit for CSV files; it was not read.');
    // The form still holds the good file and every choice.
    await expect(page.getByTestId('csv-summary')).toContainText('points.csv: 80 rows');
    await expect(page.getByTestId('test-fraction')).toHaveValue('0.25');
    await expect(page.getByTestId('split-seed')).toHaveValue('7');
    await expect(page.getByTestId('csv-missing')).toHaveValue('fill');

    // Problems found when the data is used: a non-number, a target with one class, too many classes.
    const apply = async (name: string, body: string, message: string) => {
      await page.getByTestId('csv-file').setInputFiles(csvFile(name, body));
      await expect(page.getByTestId('csv-summary')).toContainText(name);
      await page.getByTestId('csv-apply').click();
      await expect(error).toContainText(message);
    };
    const rows = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');
    await apply('letters.csv', 'x,label\n' + rows(30, (i) => `${i === 3 ? 'oops' : i},${i % 2 ? 'a' : 'b'}`), 'letters.csv, line 5, column “x”: “oops” is not a number, but 29 other values in this column are.');
    await apply('one.csv', 'x,label\n' + rows(20, (i) => `${i},same`), 'one.csv: the target column “label” has only one value (“same”) in all 20 rows');
    await apply('many.csv', 'x,label\n' + rows(60, (i) => `${i},k${i}`), 'many.csv: the target column “label” has 60 different values, more than the 50 classes allowed.');
    await page.getByTestId('csv-file').setInputFiles(csvFile('nohead.csv', rows(20, (i) => `${i},${i % 2}`)));
    await expect(page.getByTestId('data-notes')).toContainText('nohead.csv has no header row: line 1 (“0,0”) holds values, not column names');
    await expect(page.getByTestId('test-fraction')).toHaveValue('0.25');

    // Bad images: not a zip, one class, a PDF among the picked files.
    await page.getByTestId('dataset-picker').selectOption('own-images');
    await page.getByTestId('image-zip').setInputFiles({ name: 'notes.zip', mimeType: 'application/zip', buffer: Buffer.from('hello') });
    await page.getByTestId('images-apply').click();
    await expect(error).toContainText('notes.zip is not a zip archive.');
    const oneClass = zipSync({ 'cats/1.png': barImage('left', 1), 'cats/2.png': barImage('left', 2), 'cats/3.png': barImage('left', 3) });
    await page.getByTestId('image-zip').setInputFiles({ name: 'cats.zip', mimeType: 'application/zip', buffer: Buffer.from(oneClass) });
    await page.getByTestId('images-apply').click();
    await expect(error).toContainText('cats.zip: all 3 images are in one class (“cats”); a classifier needs at least two classes, one folder each.');
    await page.getByText('Or add files class by class').click();
    await page.getByTestId('class-name-0').fill('bars');
    await page.getByTestId('class-files-0').setInputFiles([{ name: 'a.png', mimeType: 'image/png', buffer: barImage('left', 1) }]);
    await page.getByTestId('class-name-1').fill('docs');
    await page.getByTestId('class-files-1').setInputFiles([{ name: 'doc.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 not an image') }]);
    await page.getByTestId('images-apply').click();
    await expect(error).toContainText('docs/doc.pdf is not an image: it looks like a PDF document.');
    await expect(page.getByTestId('class-name-0')).toHaveValue('bars');

    // The page still works: MNIST is still the dataset and a short run finishes.
    await expect(page.getByTestId('dataset-name')).toHaveText('MNIST');
    await page.getByTestId('dataset-picker').selectOption('iris');
    await expect(page.getByTestId('dataset-size')).toContainText('120 training and 30 test examples');
    await trainTiny(page, 3, 16);
    await expect(page.getByTestId('confusion-matrix')).toHaveAttribute('data-classes', '3', { timeout: 30_000 });
  });
});
