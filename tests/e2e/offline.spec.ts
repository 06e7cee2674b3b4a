import { spawn } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { setField } from './helpers';

// These specs are about the service worker (playwright.config.ts blocks it elsewhere).
test.use({ serviceWorkers: 'allow' });

/** Trains Iris for one epoch from the Train view and waits until the run is done. */
async function trainIrisOneEpoch(page: Page): Promise<void> {
  await page.getByTestId('dataset-picker').selectOption('iris');
  await expect(page.getByTestId('dataset-size')).toContainText('120 training and 30 test examples', { timeout: 30_000 });
  await setField(page, 'epochs', 1);
  await setField(page, 'batch-size', 16);
  await expect(page.getByTestId('train')).toBeEnabled({ timeout: 30_000 });
  await page.getByTestId('train').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
}

test('once visited, the app works offline: Train trains again, the Lab steps, and the page stays isolated', async ({ page, context }) => {
  test.setTimeout(60_000);
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto('./#/train');
  await expect(page.getByTestId('total-params')).toHaveText('101,770', { timeout: 30_000 });
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 15_000 }).toBe(true);
  // The installable app: a manifest with icons that load.
  const manifest = await page.evaluate(async () => {
    const href = document.querySelector<HTMLLinkElement>('link[rel=manifest]')!.href;
    const json = await (await fetch(href)).json();
    const icons = await Promise.all(json.icons.map(async (i: { src: string }) => (await fetch(new URL(i.src, href))).headers.get('content-type')));
    return { name: json.short_name, display: json.display, icons };
  });
  expect(manifest).toEqual({ name: 'Descent', display: 'standalone', icons: ['image/png', 'image/png', 'image/png'] });

  await trainIrisOneEpoch(page);
  // The engine's files are kept once the engine has started (the service worker fetches them in the background).
  await expect
    .poll(() => page.evaluate(async () => (await caches.keys()).some((k) => k.startsWith('descent-engine-')) && (await (await caches.open((await caches.keys()).find((k) => k.startsWith('descent-engine-'))!)).keys()).length > 3), { timeout: 20_000 })
    .toBe(true);
  // At most 3 workers in this page load (the trainer, the backend comparison, a GEMM thread).
  expect(workers.length, workers.join(', ')).toBeLessThanOrEqual(3);

  await context.setOffline(true);
  workers.length = 0;
  await page.reload();
  expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
  // The default MNIST comes from the cache, then Iris, and a run trains.
  await expect(page.getByTestId('total-params')).toHaveText('101,770', { timeout: 30_000 });
  await trainIrisOneEpoch(page);
  expect(workers.length, workers.join(', ')).toBeLessThanOrEqual(3);

  await page.goto('./#/lab');
  await page.reload();
  await page.getByTestId('lab-step').click();
  await expect(page.getByTestId('lab-step-count')).toHaveAttribute('data-value', '1');
  expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
  // The Runs view lists the stored runs offline and says whether the browser keeps them.
  await page.goto('./#/runs');
  await expect(page.getByTestId('runs-table')).toBeVisible();
  await expect(page.getByTestId('storage-persistent')).toHaveAttribute('data-persistent', /true|false/);
  await context.setOffline(false);
  expect(errors).toEqual([]);
});

test('from a sub-folder of a plain static host, the service worker isolates the page and the Lab works offline', async ({ browser }) => {
  test.setTimeout(60_000);
  // The built app under /sub/ of a server that sends no COOP/COEP headers.
  const site = mkdtempSync(join(tmpdir(), 'descent-site-'));
  symlinkSync(resolve(process.env.E2E_DIST ?? 'dist'), join(site, 'sub'));
  const port = 4192 + Number(process.env.E2E_PORT ?? 4173) - 4173;
  const server = spawn('node', ['scripts/static-serve.mjs', site, String(port)], { stdio: 'ignore' });
  const context = await browser.newContext({ serviceWorkers: 'allow' });
  try {
    const page = await context.newPage();
    for (let i = 0; i < 50; i++) {
      try {
        await page.goto(`http://127.0.0.1:${port}/sub/#/lab`);
        break;
      } catch {
        await page.waitForTimeout(100);
      }
    }
    // One reload under the worker, then isolated; the worker's scope is the sub-folder.
    await expect.poll(() => page.evaluate(() => window.crossOriginIsolated).catch(() => false), { timeout: 20_000 }).toBe(true);
    expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).scope)).toBe(`http://127.0.0.1:${port}/sub/`);
    await expect(page.getByTestId('lab-step')).toBeEnabled();
    await context.setOffline(true);
    await page.reload();
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
    await page.getByTestId('lab-step').click();
    await expect(page.getByTestId('lab-step-count')).toHaveAttribute('data-value', '1');
  } finally {
    await context.close();
    server.kill();
  }
});
