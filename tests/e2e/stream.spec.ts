import { expect, test } from '@playwright/test';
import { ARRIVAL_BLOCK } from '../../src/lib/engine/data/arrival';

/**
 * Issue 14: built-in data streams in. On a slow network (CDP throttling, which the page's fetches obey), Train is
 * offered and the first step is taken before all of MNIST has arrived; the card's arrival line counts up to the
 * full training set, and epoch 1 is reported only once all of it is in.
 */
test('MNIST streams in: training starts on the first block, epoch 1 is reported over the full data', async ({ page, context }) => {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  // About 1 MB/s: MNIST's 11.5 MB take ~10 s, the first block well under that.
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 40, downloadThroughput: 1e6, uploadThroughput: 1e6 });
  // What the page shows, every 50 ms: the arrival line's count and the epoch table's rows.
  await page.addInitScript(() => {
    const log: { t: number; arrived: number | null; total: number | null; epochs: number; step: boolean }[] = [];
    (window as unknown as { arrivalLog: typeof log }).arrivalLog = log;
    setInterval(() => {
      const line = document.querySelector<HTMLElement>('[data-testid="data-arrival"]');
      log.push({
        t: performance.now(),
        arrived: line ? Number(line.dataset.arrived) : null,
        total: line ? Number(line.dataset.total) : null,
        epochs: document.querySelectorAll('[data-testid="epoch-table"] tbody tr').length,
        step: !!document.querySelector('[data-testid="loss-now"]'),
      });
    }, 50);
  });
  await page.goto('./#/train');
  await expect(page.getByTestId('train')).toBeEnabled({ timeout: 60_000 });
  const line = page.getByTestId('data-arrival');
  await expect(line).toBeVisible();
  const atStart = Number(await line.getAttribute('data-arrived'));
  // Offered once the first block is in (the engine's own block size, not a copy of it).
  expect(atStart).toBeGreaterThanOrEqual(ARRIVAL_BLOCK);
  expect(atStart).toBeLessThan(60_000);
  await page.getByTestId('epochs').fill('1');
  await page.getByTestId('train').click();
  await expect(page.getByTestId('loss-now')).toBeVisible({ timeout: 30_000 });
  // The first steps were taken on part of the data.
  expect(Number(await line.getAttribute('data-arrived'))).toBeLessThan(60_000);
  await expect(page.getByTestId('epoch-table').locator('tbody tr')).toHaveCount(1, { timeout: 120_000 });
  // Every file in and verified: the line goes; the run's test evaluation follows.
  await expect(line).toBeHidden({ timeout: 60_000 });
  await expect(page.getByTestId('test-accuracy')).toBeVisible({ timeout: 60_000 });

  const log = await page.evaluate(() => (window as unknown as { arrivalLog: { t: number; arrived: number | null; total: number | null; epochs: number; step: boolean }[] }).arrivalLog);
  const seen = log.filter((e) => e.arrived !== null);
  const firstStep = log.find((e) => e.step)!;
  const firstEpoch = log.find((e) => e.epochs > 0)!;
  const lastShown = [...seen].reverse().find((e) => e.t < firstEpoch.t)!;
  console.log(
    `arrival: ${seen.length} samples, from ${seen[0].arrived} to ${seen.at(-1)!.arrived} of ${seen[0].total}; ` +
      `first step at ${(firstStep.t / 1000).toFixed(1)} s with ${firstStep.arrived ?? 'all'} examples in; epoch 1 row at ${(firstEpoch.t / 1000).toFixed(1)} s`,
  );
  // The count rose block by block up to the whole training set, and epoch 1 came after it had.
  expect(new Set(seen.map((e) => e.arrived)).size).toBeGreaterThan(2);
  expect(Math.max(...seen.map((e) => e.arrived!))).toBe(60_000);
  expect(firstStep.arrived).not.toBeNull();
  expect(firstStep.arrived!).toBeLessThan(60_000);
  expect(lastShown.arrived).toBe(60_000);
});
