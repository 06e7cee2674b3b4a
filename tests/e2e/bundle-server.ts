/**
 * A plain static file server for exported bundles (node:http, no compression), as a user's web host would
 * serve the unzipped folder, and the bundle zip unpacked into a sub-folder of it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { unzipSync } from 'fflate';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.py': 'text/x-python; charset=utf-8',
  '.png': 'image/png',
  '.gz': 'application/gzip',
};

/**
 * A page that only loads the bundle's tf.min.js: tests import predict.js into it, as a user's own page would.
 * Served as `probe.html` in any folder (it is not a file of the bundle).
 */
const PROBE_HTML = '<!doctype html><html><head><meta charset="utf-8"><title>probe</title></head><body><script src="tf.min.js"></script></body></html>';

export interface StaticServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  origin: string;
  /** The folder served at `/`. */
  root: string;
  close(): Promise<void>;
}

/** Serves `root` (a fresh temporary folder) on a free port of 127.0.0.1. */
export async function startStaticServer(): Promise<StaticServer> {
  const root = mkdtempSync(join(tmpdir(), 'descent-bundles-'));
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    let body: Buffer;
    if (file.endsWith(`${sep}probe.html`)) body = Buffer.from(PROBE_HTML);
    else {
      try {
        if (!statSync(file).isFile()) throw new Error('not a file');
        body = readFileSync(file);
      } catch {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
        return;
      }
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': body.length, 'Cache-Control': 'no-store' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the static server has no port');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    root,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(root, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

/**
 * Unpacks a bundle zip (one top folder) into `<root>/<folder>/`; returns the file names inside the bundle.
 * `folder` is a path such as `some/folder/iris`.
 */
export function unpackBundle(server: StaticServer, zipBytes: Uint8Array, folder: string): string[] {
  const entries = unzipSync(zipBytes);
  const names: string[] = [];
  for (const [name, bytes] of Object.entries(entries)) {
    if (name.endsWith('/')) continue;
    const inner = name.split('/').slice(1).join('/');
    const target = join(server.root, folder, inner);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
    names.push(inner);
  }
  return names.sort();
}

/** Writes a file of test data under the server's root (e.g. images the page loads). */
export function serveFile(server: StaticServer, path: string, bytes: Uint8Array): string {
  const target = join(server.root, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, bytes);
  return `${server.origin}/${path}`;
}
