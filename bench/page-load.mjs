// The page bench (`npm run bench -- page`, or on its own: `node bench/page-load.mjs --url http://127.0.0.1:4173/`):
// per route, what a first visit costs: bytes sent by the server, Web Workers started, and on a network throttled to
// 10 Mbit/s with 40 ms latency (CDP Network.emulateNetworkConditions, which also holds for the page's workers), the
// time until Train (Lab: Step) can be pressed and until the first training step (Lab: the first step drawn).
//
// Bytes are counted on the wire by a TCP proxy in front of the server (headers and compressed bodies as sent): the
// DevTools protocol of the page does not report what its workers fetch.
import net from 'node:net';

const ROUTES = [
  { name: 'Train', hash: '#/train' },
  { name: 'Lab', hash: '#/lab' },
  { name: 'Runs', hash: '#/runs' },
];
const THROTTLE = { offline: false, latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 10e6 / 8 };

/** A TCP proxy to `port` that counts the bytes the server sends. */
async function countingProxy(port) {
  const counter = { bytes: 0 };
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    upstream.on('data', (chunk) => (counter.bytes += chunk.length));
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { counter, port: server.address().port, close: () => server.close() };
}

/** Waits until the proxy has sent nothing new for `quietMs` (at most `maxMs`). */
async function settle(counter, quietMs = 2000, maxMs = 60_000) {
  const start = Date.now();
  let last = counter.bytes;
  let since = Date.now();
  while (Date.now() - start < maxMs) {
    await new Promise((r) => setTimeout(r, 250));
    if (counter.bytes !== last) {
      last = counter.bytes;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) break;
  }
}

/** What makes a route usable: Train enabled, Step enabled, the runs list (or its empty note) shown. */
async function waitUsable(page, route) {
  const ready = {
    Train: () => page.getByTestId('train').and(page.locator(':enabled')).waitFor({ timeout: 120_000 }),
    Lab: () => page.getByTestId('lab-step').and(page.locator(':enabled')).waitFor({ timeout: 120_000 }),
    Runs: () => page.locator('[data-testid="runs-empty"], [data-testid="runs-table"]').first().waitFor({ timeout: 120_000 }),
  };
  await ready[route.name]();
}

/**
 * What the throttled visit presses, and what shows that the first step happened. The page itself presses it the
 * moment it is enabled and notes the times (a MutationObserver, installed before the page's own scripts): the
 * harness's own polling (Playwright's waits back off to 500 ms) would otherwise add up to half a second to both.
 */
export const PRESS = {
  Train: { press: '[data-testid="train"]', done: '[data-testid="loss-now"]' },
  Lab: { press: '[data-testid="lab-step"]', done: '[data-testid="lab-step-count"][data-value="1"]' },
};

/** Runs in the page before its scripts: presses `press` once enabled, notes when (ms after navigation) and when `done` shows. */
export function pressWhenUsable({ press, done }) {
  const times = { usable: null, done: null };
  window.__pageBench = times;
  const check = () => {
    if (times.usable === null) {
      const button = document.querySelector(press);
      if (button && !button.disabled) {
        times.usable = performance.now();
        button.click();
      }
    }
    if (times.usable !== null && times.done === null && document.querySelector(done)) {
      times.done = performance.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(check);
  document.addEventListener('DOMContentLoaded', () => {
    observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true });
    check();
  });
}

/** One first visit of a route in a fresh context; `throttled` emulates the slow network. */
async function visit(browser, baseUrl, route, proxy, throttled) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const workers = [];
  page.on('worker', (w) => workers.push(w.url()));
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (throttled) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', THROTTLE);
  }
  proxy.counter.bytes = 0;
  if (throttled && PRESS[route.name]) await page.addInitScript(pressWhenUsable, PRESS[route.name]);
  const t0 = Date.now();
  await page.goto(new URL(route.hash, baseUrl).href);
  await waitUsable(page, route);
  let usableMs = Date.now() - t0;
  let firstStepMs = null;
  if (!throttled) {
    // A page load as it is, nothing pressed: everything it fetches and every worker it starts on its own.
    await settle(proxy.counter);
  } else if (PRESS[route.name]) {
    await page.waitForFunction(() => window.__pageBench?.done != null, null, { timeout: 180_000 });
    const times = await page.evaluate(() => window.__pageBench);
    usableMs = times.usable;
    firstStepMs = times.done;
    if (route.name === 'Train') await page.getByTestId('stop').click().catch(() => {});
  }
  const result = { route: route.name, throttled, usableMs, firstStepMs, bytes: proxy.counter.bytes, workers: workers.length, workerUrls: workers, errors };
  await context.close();
  return result;
}

const mb = (b) => `${(b / 1e6).toFixed(2)} MB`;
const s = (ms) => (ms === null ? '–' : `${(ms / 1000).toFixed(1)} s`);

/**
 * Measures every route: a first visit on the open network (bytes until the traffic settles, workers), then a
 * throttled first visit (times). `serverPort` is the port of a running server with the built app.
 */
export async function pageLoadBench(browser, serverPort) {
  const proxy = await countingProxy(serverPort);
  const baseUrl = `http://127.0.0.1:${proxy.port}/`;
  const rows = [];
  try {
    for (const route of ROUTES) {
      const open = await visit(browser, baseUrl, route, proxy, false);
      const slow = await visit(browser, baseUrl, route, proxy, true);
      rows.push({ route: route.name, bytes: open.bytes, workers: open.workers, workerUrls: open.workerUrls, usableMs: slow.usableMs, firstStepMs: slow.firstStepMs, throttledBytes: slow.bytes, errors: [...open.errors, ...slow.errors] });
    }
  } finally {
    proxy.close();
  }
  console.log('\nFirst visit per route: bytes sent and workers started (open network); usable and first step at 10 Mbit/s, 40 ms');
  console.log('route | bytes on first visit | workers | usable (Train/Step) | first step after navigation');
  for (const r of rows) console.log(`${r.route.padEnd(5)} | ${mb(r.bytes).padStart(20)} | ${String(r.workers).padStart(7)} | ${s(r.usableMs).padStart(19)} | ${s(r.firstStepMs)}`);
  for (const r of rows) if (r.errors.length) console.log(`${r.route}: page errors: ${r.errors.join('; ')}`);
  return rows;
}

// On its own: node bench/page-load.mjs --url http://127.0.0.1:4173/
if (import.meta.url === `file://${process.argv[1]}`) {
  const { chromium } = await import('@playwright/test');
  const url = process.argv[process.argv.indexOf('--url') + 1] ?? 'http://127.0.0.1:4173/';
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--disable-dev-shm-usage', '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--enable-unsafe-webgpu'],
  });
  try {
    const rows = await pageLoadBench(browser, Number(new URL(url).port));
    if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
  } finally {
    await browser.close();
  }
}
