import { expect, test, type Page } from '@playwright/test';
import { openApp, setField } from './helpers';

interface StoredRun {
  id: string;
  createdAt: string;
  status: string;
  completedEpochs: number;
  accuracy: number | null;
}

/** The runs as stored in IndexedDB (what every tab of the origin shares), oldest first. */
function storedRuns(page: Page): Promise<StoredRun[]> {
  return page.evaluate(
    () =>
      new Promise<StoredRun[]>((resolve, reject) => {
        const open = indexedDB.open('descent');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction('runs').objectStore('runs').getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () => {
            db.close();
            const runs = (all.result as { id: string; createdAt: string; status: string; completedEpochs: number; test: { accuracy: number } | null }[]).map((r) => ({
              id: r.id,
              createdAt: r.createdAt,
              status: r.status,
              completedEpochs: r.completedEpochs,
              accuracy: r.test?.accuracy ?? null,
            }));
            resolve(runs.sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1)));
          };
        };
      }),
  );
}

const savedEpoch = async (page: Page) => Number(await page.getByTestId('save-status').getAttribute('data-saved-epoch'));

/**
 * Spiral data and many epochs: checkpoints come within seconds, and the run goes on until stopped. The
 * largest spiral keeps epochs long enough (250 steps) that the page is not flooded with epoch updates.
 */
async function startLongRun(page: Page): Promise<void> {
  await openApp(page);
  await page.getByTestId('synthetic-kind').selectOption('spiral');
  await page.getByTestId('synthetic-size').fill('5000');
  await page.getByTestId('synthetic-load').click();
  await expect(page.getByTestId('dataset-size')).toContainText(/5,?000 training/);
  await expect(page.getByTestId('train')).toBeEnabled({ timeout: 30_000 });
  await setField(page, 'epochs', 1000);
  // Plain SGD, slowly: the loss stays far from zero, so the divergence check (smoothed loss above 4× its
  // best) cannot end the run in error, as it may once Adam has fitted the spiral and the loss is noise.
  await page.getByTestId('optimizer').selectOption('sgd');
  await setField(page, 'learning-rate', 0.01);
  await page.getByTestId('train').click();
  // Epoch 1 stored: a run still marked running with a checkpoint, which a page that went away would leave.
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-saved-epoch', /^[1-9]\d*$/, { timeout: 90_000 });
}

async function stop(page: Page): Promise<{ epoch: number; accuracy: number }> {
  await page.bringToFront();
  // A plain click waits for the button to hold still across frames, which a page busy drawing a run's
  // charts on a loaded machine may not give in time: the click event itself is what matters here.
  await page.getByTestId('stop').dispatchEvent('click');
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'stopped', { timeout: 30_000 });
  await expect(page.getByTestId('test-accuracy')).toBeVisible({ timeout: 30_000 });
  return { epoch: await savedEpoch(page), accuracy: Number(await page.getByTestId('test-accuracy').getAttribute('data-value')) };
}

test('a run training in one tab is not offered for resume in another, and each tab stores only its own run', async ({ context }, info) => {
  // Three tabs, two of them training, share the machine's cores: about 70 s when it is idle, minutes when busy.
  test.setTimeout(360_000);
  const errors: string[] = [];
  const open = async () => {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    return page;
  };
  const a = await open();
  await startLongRun(a);
  const b = await open();
  await startLongRun(b);

  // Tab C, opened while A and B train: both runs are stored as 'running' with checkpoints, and both are held.
  // (C only looks: it need not load its own data, which would slow A and B down.)
  const c = await open();
  await c.goto('./');
  await c.getByTestId('nav-runs').click();
  await expect(c.getByTestId('run-row')).toHaveCount(2, { timeout: 30_000 });
  await expect(c.getByTestId('run-status')).toHaveText(['running in another tab', 'running in another tab']);
  await expect(c.getByTestId('run-row').getByRole('button', { name: 'Resume', exact: true })).toHaveCount(0);
  await expect(c.getByTestId('resume-banner')).toHaveCount(0);
  const during = await storedRuns(c);
  expect(during.map((r) => [r.status, r.completedEpochs > 0])).toEqual([
    ['running', true],
    ['running', true],
  ]);
  await c.screenshot({ path: info.outputPath('tab-c-runs.png'), fullPage: true });
  // Still training now: C looked while both runs were held. (Pages are tabs of one window: a tab in the
  // background draws no frames, so each is brought to the front before it is read.)
  for (const p of [a, b]) {
    await p.bringToFront();
    await expect(p.getByTestId('train-status')).toHaveAttribute('data-status', 'training');
  }

  // A stops first; B trains on a few more epochs, so the two runs end at different epochs.
  const endA = await stop(a);
  await b.bringToFront();
  await expect.poll(() => savedEpoch(b), { timeout: 60_000 }).toBeGreaterThan(endA.epoch + 2);
  const endB = await stop(b);
  expect(endB.epoch).toBeGreaterThan(endA.epoch);

  // Each stored run holds what its own tab showed.
  await expect.poll(async () => (await storedRuns(c)).map((r) => r.accuracy !== null), { timeout: 30_000 }).toEqual([true, true]);
  const [runA, runB] = await storedRuns(c);
  expect(runA).toMatchObject({ status: 'stopped', completedEpochs: endA.epoch, accuracy: endA.accuracy });
  expect(runB).toMatchObject({ status: 'stopped', completedEpochs: endB.epoch, accuracy: endB.accuracy });

  // Once they ended, C lists them as stopped: it looks again when its tab is shown (headless Chromium does
  // not fire the event on bringToFront, so the test fires it).
  await c.bringToFront();
  await c.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await expect(c.getByTestId('run-status')).toHaveText(['stopped', 'stopped']);
  expect(errors).toEqual([]);
});
