import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/**
 * `vite preview` (what `npm start` serves) compresses text, JavaScript and JSON but sends `.wasm` as it is: the
 * WASM backend's 425 kB file took 0.7 s of a 10 Mbit/s first visit, 137 kB gzipped. Static hosts compress it
 * (application/wasm is compressible); this does the same for the preview server: gzip once per file, kept in memory.
 */
export function wasmGzip(): Plugin {
  const cache = new Map<string, Buffer>();
  return {
    name: 'descent-wasm-gzip',
    configurePreviewServer(server) {
      const root = server.config.build.outDir;
      const headers = server.config.preview.headers ?? {};
      server.middlewares.use(async (req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]);
        if (!path.endsWith('.wasm') || !/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
        const file = normalize(join(server.config.root, root, path.replace(/^\/+/, '')));
        if (!file.startsWith(normalize(join(server.config.root, root)))) return next();
        let body = cache.get(file);
        if (!body) {
          try {
            body = gzipSync(await readFile(file), { level: 9 });
          } catch {
            return next();
          }
          cache.set(file, body);
        }
        for (const [k, v] of Object.entries(headers)) res.setHeader(k, v as string);
        res.setHeader('Content-Type', 'application/wasm');
        res.setHeader('Content-Encoding', 'gzip');
        res.setHeader('Vary', 'Accept-Encoding');
        // A hashed name never changes content: kept without asking again (the page's warmed copy is used as it is).
        res.setHeader('Cache-Control', /-[\w-]{8}\.wasm$/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
        res.setHeader('Content-Length', String(body.length));
        res.end(req.method === 'HEAD' ? undefined : body);
      });
    },
  };
}
