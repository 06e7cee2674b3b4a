import { expect, test, type Page } from '@playwright/test';
import { collectDownloads, openApp, setField, stockAccuracy } from './helpers';

/** The accuracy the results card shows, and the model version it belongs to. */
async function shown(page: Page): Promise<{ accuracy: number; version: string }> {
  const accuracy = Number(await page.getByTestId('test-accuracy').getAttribute('data-value'));
  const version = (await page.getByTestId('results-headline').getAttribute('data-model-version')) ?? '';
  return { accuracy, version };
}

/** Exports model.json + weights from the results card and scores them with stock TF.js on the 10,000 test digits. */
async function exportedAccuracy(page: Page, downloads: Record<string, string>): Promise<number> {
  for (const k of Object.keys(downloads)) delete downloads[k];
  await expect(page.getByTestId('export')).toBeEnabled();
  await page.getByTestId('export').click();
  await expect.poll(() => Object.keys(downloads).sort(), { timeout: 30_000 }).toEqual(['model.json', 'model.weights.bin']);
  return stockAccuracy(page.context(), downloads['model.json'], downloads['model.weights.bin']);
}

async function trainOneEpoch(page: Page): Promise<void> {
  await setField(page, 'epochs', 1);
  await page.getByTestId('train').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
  await expect(page.getByTestId('test-accuracy')).toBeVisible({ timeout: 60_000 });
}

test('tuning after a run never replaces the trained model: Find learning rate, then Export, scores what the page shows', async ({ page }, info) => {
  const downloads = collectDownloads(page);
  await openApp(page);
  await trainOneEpoch(page);
  const before = await shown(page);
  expect(before.accuracy).toBeGreaterThan(0.9);

  await page.getByTestId('find-lr').click();
  await expect(page.getByTestId('tune-stage')).toHaveAttribute('data-stage', 'done', { timeout: 120_000 });
  // The results and the model behind them are still the trained ones.
  expect(await shown(page)).toEqual(before);
  await expect(page.getByTestId('results-stale')).toHaveCount(0);
  await page.screenshot({ path: info.outputPath('after-find-lr.png'), fullPage: true });

  const exported = await exportedAccuracy(page, downloads);
  console.log(`after Find learning rate: page ${before.accuracy}, exported model in stock TF.js ${exported}`);
  expect(Math.abs(exported - before.accuracy)).toBeLessThanOrEqual(0.002);
});

test('Auto after a run: the old results are marked as the previous run while it trains, and the export scores the new results', async ({ page }) => {
  const downloads = collectDownloads(page);
  await openApp(page);
  await trainOneEpoch(page);
  const first = await shown(page);

  await setField(page, 'epochs', 2);
  await page.getByTestId('auto').click();
  // While Auto's run trains, the results on screen are the previous run's and cannot be exported.
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'training', { timeout: 120_000 });
  await expect(page.getByTestId('results-stale')).toBeVisible();
  await expect(page.getByTestId('export')).toBeDisabled();
  await expect(page.getByTestId('tune-stage')).toHaveAttribute('data-stage', 'done', { timeout: 240_000 });
  await expect(page.getByTestId('results-stale')).toHaveCount(0, { timeout: 60_000 });
  const tuned = await shown(page);
  expect(tuned.version).not.toEqual(first.version);

  const exported = await exportedAccuracy(page, downloads);
  console.log(`after Auto: page ${tuned.accuracy} (first run ${first.accuracy}), exported model in stock TF.js ${exported}`);
  expect(Math.abs(exported - tuned.accuracy)).toBeLessThanOrEqual(0.002);
});

test('choosing another dataset while the first is still loading ends with the chosen one in the picker, the data card and the run', async ({ page }) => {
  // Slow the built-in MNIST files down, so the pick surely happens while they load.
  await page.route('**/data/mnist/**', async (route) => {
    await new Promise((r) => setTimeout(r, 2500));
    await route.continue();
  });
  await page.goto('./');
  const picker = page.getByTestId('dataset-picker');
  await expect(picker).toBeEnabled();
  await picker.selectOption('fashion-mnist');
  await expect(page.getByTestId('dataset-name')).toHaveText('Fashion-MNIST', { timeout: 60_000 });
  // The first load ends later; it must not replace the choice.
  await page.waitForTimeout(4000);
  await expect(picker).toHaveValue('fashion-mnist');
  await expect(page.getByTestId('dataset-name')).toHaveText('Fashion-MNIST');

  await expect(page.getByTestId('train')).toBeEnabled({ timeout: 60_000 });
  await setField(page, 'epochs', 1);
  await page.getByTestId('train').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
  await expect(page.getByTestId('test-accuracy')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('nav-runs').click();
  // Runs are named by their settings; the dataset has its own column.
  await expect(page.getByTestId('run-row').first()).toContainText('Fashion-MNIST');
});
