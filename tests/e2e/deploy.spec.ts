import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { expect, test, type Page } from '@playwright/test';
import { STOCK_TFJS, mnistTestImages, openApp, setField } from './helpers';
import { greyPng } from './png';

const DIGITS = 8;

function unzippedModelJson(zipPath: string): Uint8Array {
  const entries = unzipSync(new Uint8Array(readFileSync(zipPath)));
  return Object.entries(entries).find(([name]) => name.endsWith('/model.json'))![1];
}

async function trainBriefly(page: Page, epochs: number): Promise<void> {
  await setField(page, 'epochs', epochs);
  await setField(page, 'batch-size', 512);
  await page.getByTestId('train').click();
}

test('a full storage quota is reported and recovered from; the exported zip re-imports, and its own page predicts what the app predicts', async ({ page, context }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openApp(page);
  // Chromium's own quota, lowered below one checkpoint (407 kB of weights): the writes really fail.
  const cdp = await context.newCDPSession(page);
  const origin = new URL(page.url()).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 150_000 });
  await trainBriefly(page, 1);
  const save = page.getByTestId('save-status');
  await expect(save).toContainText('Browser storage is full: epoch 1 of this run is not saved yet', { timeout: 90_000 });
  await expect(page.getByTestId('notice-error')).toContainText('Browser storage is full');
  await expect(page.getByTestId('test-accuracy')).toBeVisible({ timeout: 90_000 });
  const accuracy = await page.getByTestId('test-accuracy').getAttribute('data-value');
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1e9 });
  await save.getByRole('button', { name: 'Save again' }).click();
  await expect(save).toHaveAttribute('data-saved-epoch', '1');
  await expect(page.getByTestId('notice-info')).toContainText('The run is stored now.');
  const appPredictions = (await page.getByTestId('prediction').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-pred'))))).slice(0, DIGITS);

  // Export dialog: quantisation is measured before download; then the zip (32-bit weights) downloads.
  await page.getByTestId('export-bundle').click();
  await expect(page.getByTestId('export-dialog')).toBeVisible();
  await page.getByTestId('dtype-float16').check();
  await expect(page.getByTestId('size-change')).toHaveText(/^Weights 407\.1 kB → 203\.5 kB \(50%\)$/, { timeout: 60_000 });
  await expect(page.getByTestId('accuracy-change')).toContainText('Test accuracy');
  await page.screenshot({ path: info.outputPath('export-dialog.png') });
  await page.getByTestId('dtype-none').check();
  const download = page.waitForEvent('download');
  await page.getByTestId('download-zip').click();
  const zipPath = info.outputPath('bundle.zip');
  await (await download).saveAs(zipPath);
  await page.getByRole('button', { name: 'Close' }).click();

  // Import: a lone model.json is refused with what is missing; the zip loads back and scores the same.
  const importInput = page.getByTestId('import-input');
  await importInput.setInputFiles({ name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(unzippedModelJson(zipPath)) });
  await expect(page.getByTestId('import-error')).toHaveText("Import failed: model.json needs the weights file 'group1-shard1of1.bin', which is not among the chosen files.");
  await importInput.setInputFiles(zipPath);
  await expect(page.getByTestId('import-result')).toHaveAttribute('data-fits', 'true');
  await expect(page.getByTestId('model-card-view')).toContainText('MNIST (matches the loaded data)');
  await expect(page.getByTestId('test-accuracy')).toHaveAttribute('data-value', accuracy!, { timeout: 60_000 });
  expect(errors).toEqual([]);

  // Unzip in the test and serve the folder from a local origin.
  const entries = unzipSync(new Uint8Array(readFileSync(zipPath)));
  const files = Object.fromEntries(Object.entries(entries).filter(([n]) => !n.endsWith('/')).map(([n, b]) => [n.split('/').slice(1).join('/'), Buffer.from(b)]));
  expect(Object.keys(files).sort()).toEqual(['LICENSE-tfjs.txt', 'README.md', 'demo.js', 'group1-shard1of1.bin', 'index.html', 'metadata.json', 'model-card.json', 'model.json', 'predict.js', 'tf.min.js', 'train.py', 'train_torch.py']);
  expect(files['tf.min.js'].equals(readFileSync(STOCK_TFJS))).toBe(true);
  const types: Record<string, string> = { html: 'text/html', js: 'text/javascript', json: 'application/json', md: 'text/markdown', txt: 'text/plain', py: 'text/x-python', bin: 'application/octet-stream' };
  await context.route('http://bundle.test/**', (route) => {
    const name = new URL(route.request().url()).pathname.slice(1);
    const body = files[name];
    return body ? route.fulfill({ body, contentType: types[name.split('.').pop()!] }) : route.fulfill({ status: 404 });
  });
  const demo = await context.newPage();
  const demoErrors: string[] = [];
  demo.on('pageerror', (e) => demoErrors.push(e.message));
  await demo.goto('http://bundle.test/index.html');
  await expect(demo.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await expect(demo.locator('#about')).toContainText('trained on MNIST');

  // Upload the first test digits as PNG files: the page gives the app's predictions.
  const images = mnistTestImages(DIGITS);
  const answer = demo.locator('#answer');
  const demoPredictions: number[] = [];
  for (let i = 0; i < DIGITS; i++) {
    await answer.evaluate((el) => el.setAttribute('data-pred', ''));
    await demo.locator('#upload').setInputFiles({ name: `digit-${i}.png`, mimeType: 'image/png', buffer: greyPng(images[i].map((v) => Math.round(v * 255)), 28, 28) });
    await expect(answer).not.toHaveAttribute('data-pred', '');
    demoPredictions.push(Number(await answer.getAttribute('data-pred')));
  }
  expect(demoPredictions).toEqual(appPredictions);

  // Drawing works too (any digit class is fine: this checks the pad feeds the model).
  await demo.locator('#clear').click();
  await answer.evaluate((el) => el.setAttribute('data-pred', ''));
  const pad = (await demo.locator('#pad').boundingBox())!;
  await demo.mouse.move(pad.x + 140, pad.y + 50);
  await demo.mouse.down();
  await demo.mouse.move(pad.x + 140, pad.y + 150, { steps: 5 });
  await demo.mouse.move(pad.x + 140, pad.y + 230, { steps: 5 });
  await demo.mouse.up();
  await expect(answer).not.toHaveAttribute('data-pred', '');
  await demo.screenshot({ path: info.outputPath('demo-page.png') });
  expect(demoErrors).toEqual([]);
});

test('a reload mid-run offers to resume from the last epoch; the run list survives reloads', async ({ page }, info) => {
  await openApp(page);
  await trainBriefly(page, 2);
  // Reload once epoch 1's checkpoint is stored, while epoch 2 trains.
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-saved-epoch', '1', { timeout: 90_000 });
  await page.reload();
  await openApp(page);
  const banner = page.getByTestId('resume-banner');
  await expect(banner).toContainText('after epoch 1 of 2');
  await page.getByTestId('resume-run').click();
  await expect(banner).toHaveCount(0);
  await expect(page.getByTestId('test-accuracy')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done');
  // The table shows epoch 1 (restored) and epoch 2 (trained after the reload).
  await expect(page.getByTestId('epoch-table').locator('tbody tr')).toHaveCount(2);
  expect(Number(await page.getByTestId('test-accuracy').getAttribute('data-value'))).toBeGreaterThan(0.85);
  await expect(page.getByTestId('num-tensors')).toBeVisible();
  await page.screenshot({ path: info.outputPath('resumed.png'), fullPage: true });

  await page.getByTestId('nav-runs').click();
  const row = page.getByTestId('run-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('run-test-accuracy')).toHaveText(/^\d+\.\d\d%$/);
  await expect(row).toContainText('2 / 2');
  await row.getByTestId('rename-run').click();
  await row.getByTestId('rename-input').fill('Resumed MNIST run');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByTestId('run-name')).toHaveText('Resumed MNIST run');

  await page.reload();
  await expect(page.getByTestId('run-row')).toHaveCount(1, { timeout: 30_000 });
  await expect(page.getByTestId('run-name')).toHaveText('Resumed MNIST run');
  await expect(page.getByTestId('compare-chart')).toHaveAttribute('data-series', '1');
  await expect(page.getByTestId('resume-banner')).toHaveCount(0);
  await page.screenshot({ path: info.outputPath('runs.png'), fullPage: true });
});
