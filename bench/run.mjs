// npm run bench [-- quick]: trains in headless Chromium through the app's own worker and prints a table.
// Writes bench/results.json. A benchmark, not a test: numbers depend on the machine.
import { spawn, execSync } from 'node:child_process';
import { writeFileSync, existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const args = new Set(process.argv.slice(2));
const PORT = 4180;
const CHROMIUM_ARGS = [
  '--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-quic', '--disable-dev-shm-usage', '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
  '--enable-unsafe-webgpu',
];

function fmt(n) {
  return n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en');
}

async function startServer() {
  if (!args.has('no-build')) execSync('npx vite build', { stdio: 'ignore' });
  const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort', '--host', '127.0.0.1'], { stdio: 'ignore', detached: true });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/`)).ok) return server;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('preview server did not start');
}

async function benchPage(browser) {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`http://127.0.0.1:${PORT}/bench/page.html`);
  await page.waitForFunction(() => document.title.endsWith('ready'));
  return page;
}

const server = await startServer();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
const results = { date: new Date().toISOString(), machine: `${(await import('node:os')).cpus()[0].model}, ${(await import('node:os')).cpus().length} cores`, backends: [], fullRun: null };
try {
  console.log('\nThroughput of the classic MNIST MLP (784-128-10, Adam), samples/s after warm-up');
  console.log('backend  | batch | ours (custom loop) | plain model.fit | ours/fit | one epoch of 60,000');
  for (const backend of ['wasm', 'webgl', 'webgpu', 'cpu']) {
    const page = await benchPage(browser);
    try {
      const r = await page.evaluate(([b]) => window.descentBench.throughput(b, [32, 128, 512], 3000, true), [backend]);
      results.backends.push({ requested: backend, ...r });
      if (r.backend !== backend) {
        console.log(`${backend.padEnd(8)} | did not start here (${r.notices.join('; ')})`);
        continue;
      }
      for (const row of r.rows) {
        console.log(`${backend.padEnd(8)} | ${String(row.batchSize).padStart(5)} | ${fmt(row.ours).padStart(18)} | ${fmt(row.fit).padStart(15)} | ${(row.ours / row.fit).toFixed(2).padStart(8)} | ${(60000 / row.ours).toFixed(1)} s`);
      }
    } catch (err) {
      console.log(`${backend.padEnd(8)} | failed: ${err.message.split('\n')[0]}`);
      results.backends.push({ requested: backend, error: err.message });
    } finally {
      await page.close();
    }
  }

  if (!args.has('quick')) {
    console.log('\nFull run at the defaults (Adam 0.001, batch 32, 10 epochs, validation 0.1) on the automatic backend…');
    const page = await benchPage(browser);
    const r = await page.evaluate(() => window.descentBench.fullRun({}));
    await page.close();
    results.fullRun = r;
    for (const e of r.epochs) console.log(`  epoch ${e.epoch}: ${e.seconds.toFixed(1)} s, val. accuracy ${(e.valAccuracy * 100).toFixed(2)}%`);
    console.log(`backend ${r.backend}: ${r.result.seconds.toFixed(1)} s in all, test accuracy ${(r.testAccuracy * 100).toFixed(2)}% on 10,000 test images`);
  }
} finally {
  await browser.close();
  process.kill(-server.pid);
}
writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify(results, null, 2));
console.log('\nwrote bench/results.json');
