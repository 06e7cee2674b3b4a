// Dev helper: opens the served app in headless Chromium and saves a screenshot.
// Usage: node scripts/shot.mjs [url] [out.png] [waitSelector] [clickSelector]
import { chromium } from '@playwright/test';

const [url = 'http://127.0.0.1:4173/', out = 'shot.png', waitFor, click] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--disable-dev-shm-usage', '--enable-unsafe-webgpu'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
page.on('console', (m) => console.log('console:', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto(url);
if (click) await page.click(click);
if (waitFor) await page.waitForSelector(waitFor, { timeout: 240_000 });
else await page.waitForTimeout(5000);
await page.screenshot({ path: out, fullPage: true });
await browser.close();
