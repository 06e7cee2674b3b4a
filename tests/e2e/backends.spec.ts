import { spawn } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { openApp } from './helpers';

test('the preview server is cross-origin isolated and WASM uses threads', async ({ page }) => {
  await openApp(page);
  const isolation = page.getByTestId('isolation');
  await expect(isolation).toHaveAttribute('data-isolated', 'true');
  await expect(page.getByTestId('backend-name')).toHaveAttribute('data-backend', 'wasm');
  // The threaded WASM build started (its pool size is fixed when TF.js is built: half the cores, at least 1).
  expect(Number(await isolation.getAttribute('data-threads'))).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId('backend-name')).toContainText('WASM thread');
});

test('on a static host without headers, the service worker makes the page isolated after one reload', async ({ browser }) => {
  const port = 4191 + Number(process.env.E2E_PORT ?? 4173) - 4173;
  const server = spawn('node', ['scripts/static-serve.mjs', 'dist', String(port)], { stdio: 'ignore' });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (let i = 0; i < 50; i++) {
      try {
        await page.goto(`http://127.0.0.1:${port}/`);
        break;
      } catch {
        await page.waitForTimeout(100);
      }
    }
    await expect(page.getByTestId('total-params')).toBeVisible({ timeout: 60_000 });
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
    await expect(page.getByTestId('isolation')).toHaveAttribute('data-isolated', 'true');
    await context.close();
  } finally {
    server.kill();
  }
});
