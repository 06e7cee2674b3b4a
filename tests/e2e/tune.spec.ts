import { expect, test } from '@playwright/test';
import { openApp, setField } from './helpers';

test('Auto finds the batch size and the learning rate, shows how it decided, then trains with them', async ({ page }, info) => {
  await openApp(page);
  await setField(page, 'epochs', 1);
  await page.getByTestId('auto').click();
  // The batch-size table fills in row by row, then names its choice (the batch stage itself can pass between two
  // polls on WASM: its table is the proof it ran).
  await expect(page.getByTestId('batch-reason')).toBeVisible({ timeout: 60_000 });
  const chosenRow = page.locator('[data-testid=batch-table] tr.chosen');
  await expect(chosenRow).toHaveCount(1);
  const chosenBatch = Number(await chosenRow.getAttribute('data-batch'));
  expect(await page.locator('[data-testid=batch-table] tbody tr').count()).toBeGreaterThanOrEqual(2);
  // The learning-rate curve is drawn live, then the suggestion is marked and applied.
  await expect(page.getByTestId('lr-rule')).toBeVisible({ timeout: 60_000 });
  expect(Number(await page.getByTestId('lr-curve').getAttribute('data-points'))).toBeGreaterThanOrEqual(30);
  await expect(page.getByTestId('lr-rule')).toContainText('peak of the one-cycle schedule');
  await expect(page.getByTestId('auto-plan')).toContainText('one one-cycle over 1 epoch');
  // Training starts with the tuned values.
  await expect(page.getByTestId('tune-stage')).toHaveAttribute('data-stage', 'train', { timeout: 30_000 });
  await expect(page.getByTestId('batch-size')).toHaveValue(String(chosenBatch));
  await expect(page.getByTestId('schedule')).toHaveValue('one-cycle');
  const lr = Number(await page.getByTestId('learning-rate').inputValue());
  expect(lr).toBeGreaterThan(1e-5);
  expect(lr).toBeLessThan(1);
  await expect.poll(async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThan(10);
  await expect(page.getByTestId('test-accuracy')).toBeVisible({ timeout: 120_000 });
  expect(Number(await page.getByTestId('test-accuracy').getAttribute('data-value'))).toBeGreaterThan(0.9);
  await page.screenshot({ path: info.outputPath('auto.png'), fullPage: true });
});

test('clicking the learning-rate curve applies the clicked rate, and a diverging run offers a retry at a lower rate', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('find-lr').click();
  await expect(page.getByTestId('lr-rule')).toBeVisible({ timeout: 60_000 });
  const box = (await page.getByTestId('lr-curve').locator('.u-over').boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.2, box.y + box.height / 2);
  await expect(page.getByTestId('lr-rule')).toContainText('the rate you clicked');
  const clicked = Number(await page.getByTestId('learning-rate').inputValue());
  expect(clicked).toBeLessThan(1e-4);

  await page.getByTestId('optimizer').selectOption('sgd');
  await setField(page, 'learning-rate', 10);
  await setField(page, 'epochs', 1);
  await page.getByTestId('train').click();
  await expect(page.getByTestId('train-error')).toContainText(/NaN or infinite|exploded/, { timeout: 60_000 });
  await expect(page.getByTestId('retry-lower')).toContainText('Retry at 1.0');
});
