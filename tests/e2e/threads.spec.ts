import { expect, test } from '@playwright/test';

/**
 * Our WASM GEMM's threads (engine/kernels/gemm-pool.ts): on the cross-origin isolated page, training on WASM
 * shares the matmuls out to navigator.hardwareConcurrency threads, and the other threads do part of the rows.
 * Runs through the benchmark page, which drives the app's own worker.
 */
test('training on the isolated page uses every core for our WASM matmuls', async ({ page }) => {
  page.on('pageerror', (e) => console.log('page error:', e.message));
  await page.goto('bench/page.html');
  await page.waitForFunction(() => document.title.endsWith('ready'));
  const r = await page.evaluate(() =>
    (window as unknown as { descentBench: { throughput: (...a: unknown[]) => Promise<{ backend: string; isolated: boolean; cores: number; rows: { ours: number }[]; kernels: { own: boolean; threads: number; helpedChunks: number } }> } }).descentBench.throughput('wasm', [128], 1500, false, 'mlp', { own: true, threads: 0 }),
  );
  expect(r.backend).toBe('wasm');
  expect(r.isolated).toBe(true);
  expect(r.kernels.own).toBe(true);
  expect(r.rows[0].ours).toBeGreaterThan(0);
  if (r.cores > 1) {
    expect(r.kernels.threads).toBe(r.cores);
    // Chunks of rows computed by the pool's other threads, not the trainer worker.
    expect(r.kernels.helpedChunks).toBeGreaterThan(0);
  } else {
    expect(r.kernels.threads).toBe(1);
  }
  // The pool's workers (one per extra core) were started by the trainer worker.
  expect(page.workers().length).toBeGreaterThanOrEqual(r.cores > 1 ? r.cores : 1);
});
