import { expect, test } from '@playwright/test';

/**
 * Race mode (issue 16): the learning-rate preset on a generated spiral. Three curves grow live, the too-large
 * rate stops alone with its sentence, the other two finish, and the three runs are listed in Runs.
 */
test('a learning-rate race: three live curves, the too-large rate diverges alone, three runs stored', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('./#/train');
  await expect(page.getByTestId('train')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('synthetic-kind').selectOption('spiral');
  await page.getByTestId('synthetic-size').fill('1200');
  await page.getByTestId('synthetic-load').click();
  await expect(page.getByTestId('dataset-size')).toContainText(/1,?200 training/);
  await expect(page.getByTestId('train')).toBeEnabled({ timeout: 30_000 });
  // Enough epochs to watch it run: on WASM the three contenders train 5 epochs of this spiral in about a second.
  await page.getByTestId('epochs').fill('20');

  await page.getByTestId('race-mode').check();
  await page.getByTestId('race-preset').selectOption('learningRates');
  await expect(page.getByTestId('race-contender')).toHaveCount(3);
  await expect(page.getByTestId('race-contender').nth(2)).toContainText(/learning rate \d/);
  await page.getByTestId('race-start').click();

  // Live: the chart holds three curves and grows while the race runs; the single Train button waits.
  await expect(page.getByTestId('race-live')).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('train')).toBeDisabled();
  const chart = page.getByTestId('race-chart');
  await expect(chart).toHaveAttribute('data-series', '3');
  await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThan(60);
  await page.getByTestId('race-card').screenshot({ path: info.outputPath('race-in-progress.png') });
  await info.attach('race in progress', { path: info.outputPath('race-in-progress.png'), contentType: 'image/png' });

  await expect(page.getByTestId('race-live')).toHaveAttribute('data-status', 'finished', { timeout: 120_000 });
  const outcomes = page.getByTestId('race-outcome');
  await expect(outcomes).toHaveCount(3);
  await expect(outcomes.nth(2)).toHaveAttribute('data-status', 'diverged');
  await expect(outcomes.nth(2)).toContainText(/learning rate [\d.e-]+ diverged at step \d+: the loss (grew past 4× its best|became NaN or infinite)/);
  for (const i of [0, 1]) {
    await expect(outcomes.nth(i)).toHaveAttribute('data-status', 'done');
    await expect(outcomes.nth(i)).toContainText(/finished 20 epochs .*test accuracy \d+\.\d%/);
  }
  // The calm contenders trained all their steps, the wild one stopped early.
  const rows = page.getByTestId('race-row');
  await expect(rows.nth(0)).toHaveAttribute('data-status', 'done');
  await expect(rows.nth(2)).toHaveAttribute('data-status', 'diverged');
  await page.getByTestId('race-card').screenshot({ path: info.outputPath('race-finished.png') });
  await expect(page.getByTestId('train')).toBeEnabled();

  // The link opens the same race.
  const params = await page.getByTestId('total-params').textContent();
  await page.getByTestId('race-share').click();
  const link = await page.getByTestId('race-link').inputValue();
  expect(link).toContain('race=learningRates');
  expect(link).toContain('data=gen-spiral');

  // The whole experiment travels with the contenders: the generator's settings, the model and the shared settings.
  const query = new URLSearchParams(link.split('?')[1]);
  expect(query.get('n')).toBe('1200');
  expect(query.get('epochs')).toBe('20');
  expect(query.get('layers') ?? query.get('preset')).toBeTruthy();

  await page.goto('./#/runs');
  const names = page.getByTestId('run-name');
  await expect.poll(async () => (await names.allTextContents()).filter((n) => n.startsWith('Race')).length, { timeout: 15_000 }).toBe(3);

  // The link opens the same race in a fresh page: race mode on, the same contenders, the same generated data.
  await page.goto(link);
  await page.reload();
  await expect(page.getByTestId('race-mode')).toBeChecked({ timeout: 60_000 });
  await expect(page.getByTestId('race-preset')).toHaveValue('learningRates');
  await expect(page.getByTestId('race-contender')).toHaveCount(3);
  await expect(page.getByTestId('dataset-size')).toContainText(/1,?200 training/, { timeout: 60_000 });
  await expect(page.getByTestId('epochs')).toHaveValue('20');
  await expect(page.getByTestId('total-params')).toHaveText(params!);
  await expect(page.getByTestId('race-start')).toBeEnabled({ timeout: 30_000 });
  expect(errors).toEqual([]);
});

test('on a phone, in Chinese: the chart comes first and the table below it, and every contender is worded', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('./#/train?lang=zh-CN');
  await expect(page.getByTestId('train')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('synthetic-kind').selectOption('spiral');
  await page.getByTestId('synthetic-load').click();
  await expect(page.getByTestId('train')).toBeEnabled({ timeout: 30_000 });
  await page.getByTestId('epochs').fill('3');
  await page.getByTestId('race-mode').check();
  await page.getByTestId('race-preset').selectOption('batchSizes');
  await expect(page.getByTestId('race-contender').first()).toContainText('批大小 8');
  await page.getByTestId('race-start').click();
  await expect(page.getByTestId('race-live')).toHaveAttribute('data-status', 'finished', { timeout: 90_000 });
  const chart = await page.getByTestId('race-chart').boundingBox();
  const table = await page.getByTestId('race-table').boundingBox();
  expect(chart!.y + chart!.height).toBeLessThanOrEqual(table!.y);
  // Nothing wider than the phone's screen (the table scrolls inside its own box).
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expect(page.getByTestId('race-outcome')).toHaveCount(3);
  for (const o of await page.getByTestId('race-outcome').allTextContents()) expect(o).toMatch(/批大小 \d+ (完成了 3 轮|在第 \d+ 步发散)/);
  await page.getByTestId('race-card').screenshot({ path: info.outputPath('race-phone-zh.png') });
  expect(errors).toEqual([]);
});
