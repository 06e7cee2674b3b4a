import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

/** Files of `public/` the shell needs offline (the rest of public/, the datasets, is cached on first use). */
const PUBLIC_SHELL = ['manifest.webmanifest', 'icons/icon-192.png', 'icons/icon-512.png', 'icons/icon-maskable-512.png'];

/**
 * Emits `sw.js` (from service-worker/sw.js) beside index.html with the build's file lists filled in: the shell
 * (the page's chunks and styles, index.html, the manifest and icons) and the engine (the worker's chunks and the
 * WASM files, which Vite emits as assets of the page's build). The bench page and the stock tf.min.js that exports
 * bundle are left out (the latter is cached when an export first fetches it). The version is a hash of the lists,
 * so a new build installs a new worker and drops the old caches.
 */
export function serviceWorker(): Plugin {
  return {
    name: 'descent-service-worker',
    apply: 'build',
    // After Vite's own hooks, so index.html is in the bundle.
    enforce: 'post',
    generateBundle(_options, bundle) {
      const shell = ['./', ...PUBLIC_SHELL];
      const engine: string[] = [];
      for (const file of Object.values(bundle)) {
        const name = file.fileName;
        if (name.startsWith('bench/') || name.endsWith('.map') || /(^|\/)tf\.min-[^/]*\.js$/.test(name)) continue;
        if (file.type === 'chunk') {
          if (file.facadeModuleId?.includes('/bench/')) continue;
          shell.push(name);
        } else if (name === 'index.html' || name.endsWith('.css')) shell.push(name);
        else if (name.endsWith('.wasm') || name.endsWith('.js')) engine.push(name);
      }
      const version = createHash('sha256').update(JSON.stringify([shell, engine])).digest('hex').slice(0, 12);
      const source = readFileSync(new URL('./sw.js', import.meta.url), 'utf8')
        .replace('__VERSION__', JSON.stringify(version))
        .replace('__SHELL__', JSON.stringify(shell))
        .replace('__ENGINE__', JSON.stringify(engine));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}
