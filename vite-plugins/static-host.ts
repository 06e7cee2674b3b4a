import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, normalize, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin, PreviewServer } from 'vite';

/**
 * `npm start`'s server (vite preview) made to send two kinds of file as static hosts do:
 * - `.wasm` gzipped: vite preview compresses text, JavaScript and JSON but sent the WASM backend's 425 kB file as it
 *   is (0.7 s of a 10 Mbit/s first visit; 137 kB gzipped). Static hosts compress it (application/wasm is
 *   compressible). Gzipped once per file, kept in memory.
 * - the datasets' `.gz` files as they are (`application/gzip`, no `Content-Encoding`), as GitHub Pages, Netlify or
 *   nginx send them. vite preview sent them with `Content-Encoding: gzip`, so the browser unzipped MNIST's 11 MB into
 *   55 MB that the page passed on to the worker in network-sized pieces: its main thread handled thousands of
 *   chunks while training started, and missed frames. The worker unzips them itself (both kinds of server stay
 *   supported: the checksum spec serves them the other way too).
 */
export function staticHost(): Plugin {
  const gzipped = new Map<string, Buffer>();
  return {
    name: 'descent-static-host',
    configurePreviewServer(server) {
      const root = resolve(server.config.root, server.config.build.outDir);
      server.middlewares.use(async (req, res, next) => {
        if (req.method !== 'GET' && req.method !== 'HEAD') return next();
        const path = decodeURIComponent((req.url ?? '').split('?')[0]);
        const file = normalize(join(root, path.replace(/^\/+/, '')));
        if (!file.startsWith(root)) return next();
        if (path.endsWith('.wasm') && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
          let body = gzipped.get(file);
          if (!body) {
            try {
              body = gzipSync(await readFile(file), { level: 9 });
            } catch {
              return next();
            }
            gzipped.set(file, body);
          }
          setHeaders(server, res, {
            'Content-Type': 'application/wasm',
            'Content-Encoding': 'gzip',
            Vary: 'Accept-Encoding',
            // A hashed name never changes content: kept without asking again (the page's warmed copy is used as it is).
            'Cache-Control': /-[\w-]{8}\.wasm$/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
            'Content-Length': String(body.length),
          });
          res.end(req.method === 'HEAD' ? undefined : body);
          return;
        }
        if (/\/data\/.+\.gz$/.test(path)) {
          let size: number;
          try {
            const info = await stat(file);
            if (!info.isFile()) return next();
            size = info.size;
          } catch {
            return next();
          }
          setHeaders(server, res, { 'Content-Type': 'application/gzip', 'Cache-Control': 'no-cache', 'Content-Length': String(size) });
          if (req.method === 'HEAD') res.end();
          else createReadStream(file).pipe(res);
          return;
        }
        next();
      });
    },
  };
}

/** The preview server's own headers (cross-origin isolation), then these. */
function setHeaders(server: PreviewServer, res: import('node:http').ServerResponse, headers: Record<string, string>): void {
  for (const [k, v] of Object.entries(server.config.preview.headers ?? {})) res.setHeader(k, v as string);
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
}
