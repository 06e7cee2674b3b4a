import { defineConfig } from '@playwright/test';

/** Flags that work for Debian's headless Chromium (docs/RUNTIME.md, "Headless Chromium"). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--disable-dev-shm-usage',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--enable-unsafe-webgpu',
];

const PORT = Number(process.env.E2E_PORT ?? 4173);
/** The built app to serve (several builds can be tested side by side with E2E_DIST and E2E_PORT). */
const DIST = process.env.E2E_DIST ?? 'dist';

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: process.env.E2E_DIST ? `test-results-${process.env.E2E_DIST}` : 'test-results',
  timeout: 240_000,
  expect: { timeout: 30_000 },
  // Training saturates both cores: run the specs one at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1400, height: 1000 },
    // The app's service worker would serve requests that specs route or slow down (page.route does not see what a
    // service worker fetches); the preview server isolates the page by itself. Specs of the worker allow it.
    serviceWorkers: 'block',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
  },
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort --host 127.0.0.1 --outDir ${DIST}`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
