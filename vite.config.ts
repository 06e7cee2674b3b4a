/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { serviceWorker } from './service-worker/plugin';
import { staticHost } from './vite-plugins/static-host';

/**
 * Cross-origin isolation lets the WASM backend use threads (SharedArrayBuffer).
 * Both the dev server and `vite preview` (what `npm start` serves) send the headers.
 */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative base: dist/ works from any sub-folder of a static host.
  base: './',
  plugins: [svelte(), serviceWorker(), staticHost()],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders, port: 4173 },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    rolldownOptions: {
      // The benchmark page (npm run bench) is built beside the app and drives the same worker.
      input: { main: 'index.html', bench: 'bench/page.html' },
    },
  },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    setupFiles: ['tests/unit/setup-tf.ts'],
    environment: 'node',
    testTimeout: 120_000,
    pool: 'forks',
  },
});
