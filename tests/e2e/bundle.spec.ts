/**
 * The exported bundle predicts what the app predicts (issue 12). For each dataset the app loads it as a
 * user does, trains briefly and exports the zip through the Export dialog; the zip is unpacked into a
 * sub-folder of a plain static server, and a fresh page there imports the bundle's predict.js and runs it on
 * the raw test rows (as the CSV has them) or images (ImageData, canvas, <img> of the original files). Its
 * classes must all equal the app's own test predictions (the worker's evaluation report); regression
 * values must agree within 1e-4 relative. The demo page (index.html, with its CSP) must load from the
 * sub-folder without console errors or dialogs, predict what the app predicts, and show hostile names as text.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { CATALOG } from '../../src/lib/engine/data/catalog';
import { HOSTILE, HOSTILE_CLASSES, PHOTO, appGrey, classImage, csvCells, hostileCsv, regressionCsv } from './bundle-data';
import { serveFile, startStaticServer, unpackBundle, type StaticServer } from './bundle-server';
import { openApp, setField } from './helpers';
import { testImages, testReport, testRowText, type TestReport } from './worker-call';

const ROOT = resolve(import.meta.dirname, '../..');

type Column = { column: string; kind: 'numeric' | 'categorical'; categories?: string[] };
interface Card {
  name: string;
  model: { name: string };
  dataset: { name: string; source: string; task: string; classNames: string[]; preprocessing: { columns?: Column[]; header?: string[]; target?: { classes?: string[] } } };
}
interface Bundle {
  url: string;
  card: Card;
  zip: Uint8Array;
}
type Raw = Record<string, string | number>;
type Predicted = { index: number; label: string } | { value: number };

interface Agreement {
  dataset: string;
  rows: number;
  classesEqual: string;
  maxRelDiff: string;
  backend: string;
}
const agreement: Agreement[] = [];

let context: BrowserContext;
let app: Page;
let server: StaticServer;
const dialogs: string[] = [];
const appErrors: string[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }, info) => {
  const use = info.project.use;
  context = await browser.newContext({ baseURL: use.baseURL, viewport: use.viewport ?? null, acceptDownloads: true });
  // No page of the app or of a bundle may ever raise a dialog (an injected alert would).
  context.on('dialog', (d) => {
    dialogs.push(`${d.page()?.url()}: ${d.type()} ${d.message()}`);
    void d.dismiss();
  });
  app = await context.newPage();
  app.on('pageerror', (e) => appErrors.push(e.message));
  await openApp(app);
  server = await startStaticServer();
  serveFile(server, 'data/t10k-images.gz', readFileSync(resolve(ROOT, 'public/data/mnist/t10k-images-idx3-ubyte.gz')));
});

test.afterAll(async () => {
  const lines = [
    '| dataset | test rows | classes equal | max relative regression diff | backend of the fresh page |',
    '|---|---|---|---|---|',
    ...agreement.map((a) => `| ${a.dataset} | ${a.rows} | ${a.classesEqual} | ${a.maxRelDiff} | ${a.backend} |`),
  ];
  console.log(`\nBundle vs app, test predictions:\n${lines.join('\n')}\n`);
  await context?.close();
  await server?.close();
});

test.afterEach(() => {
  expect(dialogs).toEqual([]);
  expect(appErrors).toEqual([]);
});

/** The version of the model whose evaluation the Results card shows, or null. */
async function shownVersion(): Promise<string | null> {
  const headline = app.getByTestId('results-headline');
  return (await headline.count()) ? headline.getAttribute('data-model-version') : null;
}

/** Waits until a model other than `before` is evaluated and can be exported. */
async function newModelEvaluated(before: string | null): Promise<void> {
  await expect
    .poll(
      async () => {
        const version = await shownVersion();
        if (version === null) return 'no results yet';
        if (version === before) return 'previous model';
        if (await app.getByTestId('results-stale').count()) return 'stale';
        return (await app.getByTestId('export-bundle').isEnabled()) ? 'ready' : 'export off';
      },
      { timeout: 120_000 },
    )
    .toBe('ready');
}

/** Trains the loaded data briefly and waits until the new model is evaluated and can be exported. */
async function train(epochs: number, batchSize: number): Promise<void> {
  const before = await shownVersion();
  await setField(app, 'epochs', epochs);
  await setField(app, 'batch-size', batchSize);
  await expect(app.getByTestId('train')).toBeEnabled();
  await app.getByTestId('train').click();
  await newModelEvaluated(before);
  await expect(app.getByTestId('train-status')).toHaveAttribute('data-status', 'done');
}

/** Exports the held model's bundle zip through the Export dialog and serves it unpacked at `/some/folder/<folder>/`. */
async function exportBundle(folder: string): Promise<Bundle> {
  await app.getByTestId('export-bundle').click();
  const dialog = app.getByTestId('export-dialog');
  await expect(dialog).toBeVisible();
  await app.getByTestId('dtype-none').check();
  const download = app.waitForEvent('download');
  await app.getByTestId('download-zip').click();
  const zip = new Uint8Array(readFileSync(await (await download).path()));
  await dialog.locator('button.close').click();
  await expect(dialog).toBeHidden();
  const names = unpackBundle(server, zip, `some/folder/${folder}`);
  expect(names).toEqual(expect.arrayContaining(['index.html', 'demo.js', 'predict.js', 'tf.min.js', 'model.json', 'model-card.json', 'metadata.json']));
  const card = JSON.parse(readFileSync(join(server.root, 'some/folder', folder, 'model-card.json'), 'utf8')) as Card;
  return { url: `${server.origin}/some/folder/${folder}/`, card, zip };
}

/** Console errors and uncaught exceptions of a bundle page (the browser's own favicon request is not the bundle's). */
function watchErrors(page: Page, errors: string[]): void {
  page.on('console', (m) => void (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico') && errors.push(`${m.text()} (${m.location().url})`)));
  page.on('pageerror', (e) => errors.push(e.message));
}

/**
 * Runs `use` on a fresh page that has only loaded the bundle's tf.min.js, in the bundle's folder; fails on
 * any console error. Unless `defaultBackend`, TF.js runs on its plain JavaScript backend there: without a
 * GPU, headless Chromium's WebGL is SwiftShader, which takes seconds to compile the shaders of each page.
 */
async function probe<R>(bundle: Bundle, use: (page: Page) => Promise<R>, defaultBackend = false): Promise<R> {
  const page = await context.newPage();
  const errors: string[] = [];
  watchErrors(page, errors);
  await page.goto(`${bundle.url}probe.html`);
  if (!defaultBackend) await page.evaluate(() => (globalThis as unknown as { tf: { setBackend(b: string): Promise<boolean> } }).tf.setBackend('cpu'));
  const result = await use(page);
  await page.close();
  expect(errors).toEqual([]);
  return result;
}

/**
 * predict.js of each bundle on its raw table rows, all in one fresh page (as a page using several models
 * would): each module is imported from its own folder and loads its model from there. predictBatch for all
 * rows, predictRow for the first.
 */
function predictRows(jobs: { bundle: Bundle; rows: Raw[] }[]): Promise<{ backend: string; out: Predicted[]; first: Predicted }[]> {
  return probe(jobs[0].bundle, (page) =>
    page.evaluate(async (jobs) => {
      const backend = (globalThis as unknown as { tf: { getBackend(): string } }).tf.getBackend();
      const plain = (p: { index?: number; label?: string; value?: number }) => ('index' in p ? { index: p.index!, label: p.label! } : { value: p.value! });
      const results = [];
      for (const { url, rows } of jobs) {
        const { loadDescentModel } = await import(`${url}predict.js`);
        const model = await loadDescentModel();
        const out = (await model.predictBatch(rows)).map(plain);
        const first = plain(await model.predictRow(rows[0]));
        model.dispose();
        results.push({ backend, out, first });
      }
      return results;
    }, jobs.map((j) => ({ url: j.bundle.url, rows: j.rows }))),
  );
}

/**
 * Compares the module's predictions of the first test examples with the app's report and records the
 * agreement; unless `part`, the module must have predicted every test example.
 */
function compare(dataset: string, report: TestReport, out: Predicted[], backend: string, part = false): void {
  if (!part) expect(out.length, `${dataset}: predictions of the bundle`).toBe(report.count);
  const at = out.map((_, i) => i);
  if (report.kind === 'classification') {
    const wrong = at.map((k, j) => ({ k, app: report.predicted[k], bundle: 'index' in out[j] ? out[j].index : NaN })).filter((d) => d.app !== d.bundle);
    agreement.push({ dataset, rows: at.length, classesEqual: `${((100 * (at.length - wrong.length)) / at.length).toFixed(1)}%`, maxRelDiff: '–', backend });
    expect(wrong, `${dataset}: test examples whose class differs between the app and the bundle`).toEqual([]);
  } else {
    let max = 0;
    at.forEach((k, j) => {
      const p = out[j];
      const v = 'value' in p ? p.value : NaN;
      const rel = Math.abs(v - report.predicted[k]) / Math.max(Math.abs(report.predicted[k]), 1e-12);
      max = Number.isNaN(rel) ? Infinity : Math.max(max, rel);
    });
    agreement.push({ dataset, rows: at.length, classesEqual: '–', maxRelDiff: max.toExponential(2), backend });
    expect(max, `${dataset}: largest relative difference of a regression value`).toBeLessThan(1e-4);
  }
}

/**
 * The raw CSV rows of the app's test set, in its order: each test row's original text (the worker's
 * `testRowText`) is found among the rows of the file as parsed here. `asNumbers` passes numeric cells as
 * numbers (the module takes both).
 */
async function rawTestRows(csvText: string, count: number, asNumbers = false): Promise<{ header: string[]; rows: Raw[]; cells: string[][] }> {
  const { header, rows } = csvCells(csvText);
  const byText = new Map(rows.map((r) => [r.join(', '), r]));
  const texts = await testRowText(app, count);
  expect(texts.length).toBe(count);
  const cells = texts.map((t) => {
    const r = byText.get(t);
    if (!r) throw new Error(`test row “${t}” is not a row of the file`);
    return r;
  });
  const value = (c: string) => (asNumbers && c.trim() !== '' && Number.isFinite(Number(c)) ? Number(c) : c);
  return { header, cells, rows: cells.map((r) => Object.fromEntries(header.map((h, j) => [h, value(r[j])]))) };
}

/**
 * Opens the demo page (index.html) from the sub-folder; it must get ready with no console error. Unless
 * `webgl`, the page has no WebGL, as on a machine without a GPU (SwiftShader's would compile shaders for
 * seconds): TF.js falls back to its JavaScript backend.
 */
async function openDemo(bundle: Bundle, webgl = false): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  if (!webgl) await page.addInitScript(() => {
    for (const C of [HTMLCanvasElement, OffscreenCanvas]) {
      const get = C.prototype.getContext as (this: unknown, type: string, ...rest: unknown[]) => unknown;
      C.prototype.getContext = function (this: unknown, type: string, ...rest: unknown[]) {
        return /webgl/i.test(type) ? null : get.call(this, type, ...rest);
      } as typeof C.prototype.getContext;
    }
  });
  const errors: string[] = [];
  watchErrors(page, errors);
  await page.goto(bundle.url);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  // Every name lands as text: the title and heading are the card's name, the summary names the data.
  await expect(page.locator('h1')).toHaveJSProperty('textContent', bundle.card.name);
  expect(await page.evaluate(() => document.title)).toBe(bundle.card.name.replace(/\s+/g, ' ').trim());
  const about = await page.locator('#about').evaluate((e) => e.textContent);
  expect(about).toContain(bundle.card.model.name);
  expect(about).toContain(bundle.card.dataset.name);
  return { page, errors };
}

/** Nothing injected: no <img>, only the bundle's two scripts (and the one JSON block of its texts), no console error. */
async function closeDemo(demo: { page: Page; errors: string[] }): Promise<void> {
  expect(await demo.page.locator('img').count()).toBe(0);
  expect(await demo.page.locator('script:not([type="application/json"])').evaluateAll((s) => s.map((e) => e.getAttribute('src')))).toEqual(['tf.min.js', 'demo.js']);
  expect(await demo.page.locator('script[type="application/json"]').evaluateAll((s) => s.map((e) => e.id))).toEqual(['texts']);
  expect(demo.errors).toEqual([]);
  await demo.page.close();
}

/**
 * The demo page's form: one field per column, labelled with the column's name as text; filled with a raw test
 * row and submitted, it shows the app's prediction for that row.
 */
async function demoPredictsRow(bundle: Bundle, row: Raw, expected: { index: number } | { value: number }): Promise<void> {
  const demo = await openDemo(bundle);
  const { page } = demo;
  const columns = bundle.card.dataset.preprocessing.columns!;
  const labels = page.locator('#tabular label');
  await expect(labels).toHaveCount(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i];
    expect(await labels.nth(i).evaluate((l) => l.firstChild?.textContent)).toBe(c.column);
    const field = page.locator(`[name="f${i}"]`);
    if (c.kind === 'categorical') {
      expect(await field.locator('option').evaluateAll((o) => o.map((e) => e.textContent))).toEqual(c.categories);
      await field.selectOption({ value: String(row[c.column]).trim() });
    } else await field.fill(String(row[c.column]));
  }
  await page.locator('button[type=submit]').click();
  const answer = page.locator('#answer');
  await expect(answer).not.toHaveAttribute('data-pred', '');
  await expect(page.locator('#error')).toHaveText('');
  if ('index' in expected) {
    await expect(answer).toHaveAttribute('data-pred', String(expected.index));
    expect(await answer.evaluate((e) => e.textContent)).toBe(bundle.card.dataset.classNames[expected.index]);
    const shown = await page.locator('#scores tr td:first-child').evaluateAll((t) => t.map((e) => e.textContent));
    expect(shown.length).toBeGreaterThan(0);
    for (const name of shown) expect(bundle.card.dataset.classNames).toContain(name);
  } else {
    const value = Number(await answer.getAttribute('data-pred'));
    expect(Math.abs(value - expected.value) / Math.abs(expected.value)).toBeLessThan(1e-4);
  }
  await closeDemo(demo);
}

/** The first test row with no missing input cell (the demo's form has no "missing" choice). */
function completeRow(header: string[], cells: string[][], target: string): number {
  const k = cells.findIndex((r) => r.every((c, j) => header[j] === target || !['', 'na'].includes(c.trim().toLowerCase())));
  expect(k).toBeGreaterThanOrEqual(0);
  return k;
}

const appValue = (report: TestReport, k: number) => (report.kind === 'classification' ? { index: report.predicted[k] } : { value: report.predicted[k] });

test('MNIST: the raw test digits (ImageData, canvas) through the exported module give the app\'s classes', async () => {
  await train(1, 512);
  const report = await testReport(app);
  expect(report.count).toBe(10000);
  const bundle = await exportBundle('mnist');
  const result = await probe(bundle, (page) =>
    page.evaluate(async ({ onDefault, onCanvas }) => {
      const tf = (globalThis as unknown as { tf: { getBackend(): string; setBackend(b: string): Promise<boolean> } }).tf;
      const { loadDescentModel } = await import(new URL('./predict.js', location.href).href);
      const model = await loadDescentModel();
      const gz = await fetch('/data/t10k-images.gz');
      const bytes = new Uint8Array(await new Response(gz.body!.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
      const count = (bytes[4] << 24) | (bytes[5] << 16) | (bytes[6] << 8) | bytes[7];
      const imageAt = (i: number) => {
        const img = new ImageData(28, 28);
        for (let p = 0; p < 784; p++) img.data.fill(bytes[16 + i * 784 + p], 4 * p, 4 * p + 3), (img.data[4 * p + 3] = 255);
        return img;
      };
      const classify = async (n: number, source: (i: number) => ImageData | HTMLCanvasElement) => {
        const out: { index: number; label: string }[] = [];
        for (let i = 0; i < n; i++) {
          const p = await model.predictImage(source(i));
          out.push({ index: p.index, label: p.label });
        }
        return out;
      };
      // The backend TF.js picks in this page first (WebGL here, a software GPU: about 10 ms an image)…
      const backend = tf.getBackend();
      const first = await classify(onDefault, imageAt);
      // …a canvas goes through the module's own drawing path…
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 28;
      const viaCanvas = await classify(onCanvas, (i) => (canvas.getContext('2d')!.putImageData(imageAt(i), 0, 0), canvas));
      // …then every test digit on the plain JavaScript backend (about 0.5 ms an image).
      await tf.setBackend('cpu');
      const all = await classify(count, imageAt);
      model.dispose();
      return { backend, first, viaCanvas, all };
    }, { onDefault: 200, onCanvas: 50 }),
    true,
  );
  compare('MNIST, ImageData', report, result.first, result.backend, true);
  compare('MNIST, canvas', report, result.viaCanvas, result.backend, true);
  compare('MNIST, ImageData (all)', report, result.all, 'cpu');
  expect(result.all[0].label).toBe(String(report.predicted[0]));
  await closeDemo(await openDemo(bundle, true));
});

test('built-in tables: raw test rows through the exported module give the app\'s classes and values', async () => {
  const sets = CATALOG.flatMap((e) => (e.kind === 'table' ? [e] : []));
  expect(sets.map((e) => e.id)).toEqual(['iris', 'wine', 'breast-cancer', 'digits8x8', 'diabetes']);
  const jobs: { set: (typeof sets)[number]; report: TestReport; bundle: Bundle; rows: Raw[] }[] = [];
  for (const set of sets) {
    await app.getByTestId('dataset-picker').selectOption(set.id);
    await expect(app.getByTestId('dataset-name')).toHaveText(set.name, { timeout: 30_000 });
    await train(2, 32);
    const report = await testReport(app);
    const bundle = await exportBundle(set.id);
    const csv = readFileSync(resolve(ROOT, 'public/data/tabular', set.file), 'utf8');
    jobs.push({ set, report, bundle, rows: (await rawTestRows(csv, report.count, true)).rows });
  }
  const results = await predictRows(jobs);
  jobs.forEach((job, i) => {
    compare(job.set.name, job.report, results[i].out, results[i].backend);
    expect(results[i].first).toEqual(results[i].out[0]);
  });
});

test('a user CSV with numeric, categorical and missing values and hostile names; a hostile imported card', async () => {
  const csv = hostileCsv();
  const fileName = `${HOSTILE.img} ${HOSTILE.dollar}.csv`;
  await app.getByTestId('dataset-picker').selectOption('own-csv');
  await app.getByTestId('csv-file').setInputFiles({ name: fileName, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(app.getByTestId('csv-summary')).toContainText('200 rows × 5 columns');
  await expect(app.getByTestId('csv-target')).toHaveValue('4');
  await expect(app.getByTestId('csv-target-guess')).toContainText('Target: “label”, chosen by its name');
  await expect(app.getByTestId('csv-kind-1')).toHaveValue('numeric');
  await expect(app.getByTestId('csv-kind-2')).toHaveValue('categorical');
  await expect(app.getByTestId('csv-kind-3')).toHaveValue('categorical');
  await app.getByTestId('csv-missing').selectOption('fill');
  await app.getByTestId('csv-apply').click();
  await expect(app.getByTestId('dataset-name')).toHaveText(fileName, { timeout: 30_000 });
  await expect(app.getByTestId('column-stats')).toContainText(HOSTILE.img);
  expect(await app.locator('img').count()).toBe(0);
  await train(3, 32);
  const report = await testReport(app);
  const bundle = await exportBundle('hostile-csv');
  const pre = bundle.card.dataset.preprocessing;
  expect(pre.columns!.map((c) => c.column)).toEqual([HOSTILE.img, HOSTILE.quotes, HOSTILE.triple, HOSTILE.dollar]);
  expect([...pre.target!.classes!].sort()).toEqual([...HOSTILE_CLASSES].sort());
  expect(bundle.card.dataset.name).toBe(fileName);

  const { header, rows, cells } = await rawTestRows(csv, report.count);
  expect(cells.some((r) => r[0] === 'NA' || r[1] === '' || r[2] === '')).toBe(true);
  const [{ backend, out }] = await predictRows([{ bundle, rows }]);
  compare('user CSV (hostile names, missing cells)', report, out, backend);
  for (const p of out) expect(HOSTILE_CLASSES).toContain('label' in p ? p.label : null);
  const k = completeRow(header, cells, 'label');
  await demoPredictsRow(bundle, rows[k], appValue(report, k));

  // A card with Python in a numeric field is set aside, with a note naming the field; nothing runs.
  const entries = unzipSync(bundle.zip);
  const cardPath = Object.keys(entries).find((n) => n.endsWith('/model-card.json'))!;
  const withCard = (card: unknown) => Buffer.from(zipSync({ ...entries, [cardPath]: strToU8(JSON.stringify(card)) }));
  const original = JSON.parse(new TextDecoder().decode(entries[cardPath]));
  const numeric = structuredClone(original);
  numeric.dataset.preprocessing.columns[0].mean = "__import__('os').system('echo INJECTED')";
  const importInput = app.getByTestId('import-input');
  await importInput.setInputFiles({ name: 'numeric.zip', mimeType: 'application/zip', buffer: withCard(numeric) });
  const result = app.getByTestId('import-result');
  await expect(result).toContainText('model-card.json: dataset.preprocessing.columns[0].mean should be a number. It was ignored.');
  await expect(result).toContainText('No model card came with it');

  // A card with Python and markup in its text fields loads; its bundle shows them as text and still predicts.
  const hostile = structuredClone(original);
  const rename = (name: string, i: number) => `${HOSTILE.python} ${['<', '"', "'", '$&'][i % 4]}${i} ${name}`;
  const columns = hostile.dataset.preprocessing.columns as Column[];
  const renamed = new Map(columns.map((c, i) => [c.column, rename(c.column, i)]));
  columns.forEach((c) => (c.column = renamed.get(c.column)!));
  hostile.dataset.preprocessing.header = hostile.dataset.preprocessing.header.map((h: string) => renamed.get(h) ?? h);
  hostile.name = HOSTILE.python;
  hostile.model.name = '</title><script>alert(1)</script>';
  hostile.dataset.name = `${HOSTILE.img} ${HOSTILE.quotes}`;
  hostile.dataset.source = "'''; import os; os.system('echo INJECTED'); '''";
  const before = await shownVersion();
  await importInput.setInputFiles({ name: 'hostile.zip', mimeType: 'application/zip', buffer: withCard(hostile) });
  await expect(app.getByTestId('model-card-view')).toContainText(HOSTILE.img);
  await expect(result).toHaveAttribute('data-fits', 'true');
  await newModelEvaluated(before);
  expect(await app.locator('img').count()).toBe(0);
  const imported = await exportBundle('hostile-card');
  expect(imported.card.name).toBe(HOSTILE.python);
  expect(imported.card.dataset.preprocessing.columns!.map((c) => c.column)).toEqual([...renamed.values()]);
  const again = await testReport(app);
  const renamedRows = rows.map((r) => Object.fromEntries(Object.entries(r).map(([key, v]) => [renamed.get(key) ?? key, v])));
  const [viaCard] = await predictRows([{ bundle: imported, rows: renamedRows }]);
  compare('imported hostile card', again, viaCard.out, viaCard.backend);
  await demoPredictsRow(imported, renamedRows[k], appValue(again, k));
});

test('a regression CSV with the header x,y,label: the target guess says it picked label; values agree within 1e-4', async () => {
  const csv = regressionCsv();
  await app.getByTestId('dataset-picker').selectOption('own-csv');
  await app.getByTestId('csv-file').setInputFiles({ name: 'xy.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(app.getByTestId('csv-summary')).toContainText('xy.csv');
  await expect(app.getByTestId('csv-target')).toHaveValue('2');
  await expect(app.getByTestId('csv-target-guess')).toHaveText('Target: “label”, chosen by its name. Choose another if this is not what to predict.');
  await expect(app.getByTestId('csv-task')).toHaveValue('regression');
  await app.getByTestId('csv-apply').click();
  await expect(app.getByTestId('dataset-size')).toContainText('160 training and 40 test examples', { timeout: 30_000 });
  await train(3, 32);
  const report = await testReport(app);
  expect(report.kind).toBe('regression');
  const bundle = await exportBundle('regression');
  const { header, rows, cells } = await rawTestRows(csv, report.count);
  const [{ backend, out }] = await predictRows([{ bundle, rows }]);
  compare('regression CSV (x,y,label)', report, out, backend);
  const k = completeRow(header, cells, 'label');
  await demoPredictsRow(bundle, rows[k], appValue(report, k));
});

test('an image-folder zip (colour, non-square, hostile names): the original files through the exported module give the app\'s classes', async () => {
  const classes = [HOSTILE.img, HOSTILE.dollar, HOSTILE.triple];
  const files: Record<string, Uint8Array> = {};
  const images: { path: string; url: string; rgb: Uint8Array; png: Buffer }[] = [];
  for (let k = 0; k < classes.length; k++) {
    for (let i = 0; i < 16; i++) {
      const { rgb, png } = classImage(k, i);
      files[`photos/${classes[k]}/${HOSTILE.quotes.replace('\n', ' ')} ${i}.png`] = png;
      images.push({ path: `${k}-${i}`, url: serveFile(server, `data/photos/${k}-${i}.png`, png), rgb, png });
    }
  }
  await app.getByTestId('dataset-picker').selectOption('own-images');
  await app.getByTestId('image-zip').setInputFiles({ name: `${HOSTILE.img} "q" $'.zip`, mimeType: 'application/zip', buffer: Buffer.from(zipSync(files)) });
  await app.getByTestId('image-size').selectOption(String(PHOTO.size));
  await app.getByTestId('image-channels').selectOption('1');
  await app.getByTestId('images-apply').click();
  await expect(app.getByTestId('dataset-size')).toContainText(`each ${PHOTO.size}×${PHOTO.size}×1, 3 classes`, { timeout: 30_000 });
  expect(await app.locator('img').count()).toBe(0);
  await train(4, 8);
  const report = await testReport(app);
  const bundle = await exportBundle('photos');
  expect([...bundle.card.dataset.classNames].sort()).toEqual([...classes].sort());

  // Which file each test image came from: the one whose pixels, read as the app reads them, are the test image's.
  const side = PHOTO.size * PHOTO.size;
  const pixels = await testImages(app, Array.from({ length: report.count }, (_, i) => i));
  const grey = images.map((im) => appGrey(im.rgb).join());
  const sources = Array.from({ length: report.count }, (_, t) => {
    const mine = pixels.slice(t * side, (t + 1) * side).join();
    const found = grey.flatMap((g, i) => (g === mine ? [i] : []));
    expect(found, `files whose pixels are test image ${t}`).toHaveLength(1);
    return found[0];
  });
  const result = await probe(bundle, (page) =>
    page.evaluate(async ({ urls }) => {
      const { loadDescentModel } = await import(new URL('./predict.js', location.href).href);
      const model = await loadDescentModel();
      const out: { index: number; label: string }[] = [];
      const seen: number[][] = [];
      for (const url of urls) {
        const img = new Image();
        img.src = url;
        await img.decode();
        const p = await model.predictImage(img);
        out.push({ index: p.index, label: p.label });
        seen.push(Array.from(model.imagePixels(img) as ArrayLike<number>));
      }
      model.dispose();
      return { backend: (globalThis as unknown as { tf: { getBackend(): string } }).tf.getBackend(), out, seen };
    }, { urls: sources.map((i) => images[i].url) }),
  );
  // The module reads each file exactly as the app did (crop, area resize, BT.601 grey).
  result.seen.forEach((seen, t) => expect(seen, `pixels of test image ${t}`).toEqual(pixels.slice(t * side, (t + 1) * side)));
  compare('image folder (colour PNG 20×28 → 16×16 grey)', report, result.out, result.backend);
  for (const p of result.out) expect(classes).toContain(p.label);

  // The demo page: an uploaded test file gets the app's class, its name shown as text.
  const demo = await openDemo(bundle);
  const answer = demo.page.locator('#answer');
  await demo.page.locator('#upload').setInputFiles({ name: `${HOSTILE.img}.png`, mimeType: 'image/png', buffer: images[sources[0]].png });
  await expect(answer).toHaveAttribute('data-pred', String(report.predicted[0]));
  expect(await answer.evaluate((e) => e.textContent)).toBe(bundle.card.dataset.classNames[report.predicted[0]]);
  await closeDemo(demo);
});
