import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { STOCK_TFJS, collectDownloads, mnistTestImages, openApp, setField } from './helpers';

test('trains the classic MNIST model for one epoch, shows the loss and ≥ 90% test accuracy, and exports a model stock TF.js loads', async ({ page, context }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openApp(page);
  await expect(page.getByTestId('dataset-size')).toContainText('60,000 training and 10,000 test examples');
  await expect(page.getByTestId('sample-grid').locator('canvas')).toHaveCount(32);

  await setField(page, 'epochs', 1);
  await page.getByTestId('train').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'training');
  // Loss points are drawn while training.
  await expect.poll(async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThan(50);
  await expect(page.getByTestId('samples-per-sec')).toContainText('samples/s');

  const accuracy = page.getByTestId('test-accuracy');
  await expect(accuracy).toBeVisible({ timeout: 200_000 });
  expect(Number(await accuracy.getAttribute('data-value'))).toBeGreaterThanOrEqual(0.9);
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('epoch-table').locator('tbody tr')).toHaveCount(1);
  await page.screenshot({ path: info.outputPath('trained.png'), fullPage: true });
  await info.attach('trained page', { path: info.outputPath('trained.png'), contentType: 'image/png' });

  // The app's predictions for the first 100 test digits.
  const appPredictions = (await page.getByTestId('prediction').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-pred'))))).slice(0, 100);
  expect(appPredictions).toHaveLength(100);

  // Export: model.json and the weights file download.
  const downloads = collectDownloads(page);
  await page.getByTestId('export').click();
  await expect.poll(() => Object.keys(downloads).sort(), { timeout: 30_000 }).toEqual(['model.json', 'model.weights.bin']);
  expect(errors).toEqual([]);

  // A fresh page with stock TF.js loads the files and predicts the same classes.
  const fresh = await context.newPage();
  const files: Record<string, { body: Buffer; type: string }> = {
    '/index.html': { body: Buffer.from('<!doctype html><script src="tf.min.js"></script>'), type: 'text/html' },
    '/tf.min.js': { body: readFileSync(STOCK_TFJS), type: 'text/javascript' },
    '/model.json': { body: readFileSync(downloads['model.json']), type: 'application/json' },
    '/model.weights.bin': { body: readFileSync(downloads['model.weights.bin']), type: 'application/octet-stream' },
  };
  await fresh.route('http://stock.test/**', (route) => {
    const file = files[new URL(route.request().url()).pathname];
    return file ? route.fulfill({ body: file.body, contentType: file.type }) : route.fulfill({ status: 404 });
  });
  await fresh.goto('http://stock.test/index.html');
  const images = mnistTestImages(100);
  const stockPredictions = await fresh.evaluate(async (imgs) => {
    const tf = (window as unknown as { tf: typeof import('@tensorflow/tfjs') }).tf;
    const model = await tf.loadLayersModel('http://stock.test/model.json');
    const x = tf.tensor(imgs.flat(), [imgs.length, 28, 28, 1]);
    const pred = model.predict(x) as import('@tensorflow/tfjs').Tensor;
    return Array.from(await pred.argMax(1).data());
  }, images);
  expect(stockPredictions).toEqual(appPredictions);
});

test('Stop ends a run before its end and keeps what was learned', async ({ page }) => {
  await openApp(page);
  // Far more epochs than can pass before Stop arrives, even on a fast GPU.
  await setField(page, 'epochs', 20);
  await page.getByTestId('train').click();
  await expect.poll(async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThan(300);
  await page.getByTestId('stop').click();
  // No wall-clock bound (that measures the machine): the run must end as stopped, short of the full run.
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 });
  expect(Number(await page.getByTestId('loss-now').getAttribute('data-steps'))).toBeGreaterThan(0);
  const progress = await page.getByTestId('progress').evaluate((el) => (el as HTMLProgressElement).value);
  expect(progress).toBeGreaterThan(0);
  expect(progress).toBeLessThan(1);
  expect(await page.getByTestId('epoch-table').locator('tbody tr').count()).toBeLessThan(20);
  await expect(page.getByTestId('train')).toBeEnabled();
  // The stopped model is evaluated on the test set: it learned something (chance is 10%).
  const accuracy = page.getByTestId('test-accuracy');
  await expect(accuracy).toBeVisible({ timeout: 60_000 });
  expect(Number(await accuracy.getAttribute('data-value'))).toBeGreaterThan(0.6);
});
