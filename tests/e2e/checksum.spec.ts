import { execSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { callWorker } from './worker-call';

/** A server that sends the shipped .gz files with Content-Encoding: gzip (the browser unzips them); its port. */
function encodingServer(): Promise<{ port: number; close: () => void }> {
  const server = createServer((req, res) => {
    const name = (req.url ?? '').split('/').pop() ?? '';
    if (!SHIPPED.has(name)) return void res.writeHead(404).end();
    const body = readFileSync(resolve(DIR, name));
    res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': body.length, 'Cross-Origin-Resource-Policy': 'cross-origin' }).end(body);
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done({ port: (server.address() as { port: number }).port, close: () => server.close() })));
}

const DIR = resolve(import.meta.dirname, '../../public/data/mnist');
/** `sha256sum` of the shipped files, by name. */
const SHIPPED = new Map(
  execSync('sha256sum *.gz', { cwd: DIR })
    .toString()
    .trim()
    .split('\n')
    .map((l) => [l.split(/\s+/)[1], l.split(/\s+/)[0]] as const),
);

for (const encoding of ['gzip', null] as const) {
  test(`the dataset checksum is of the files as shipped (.gz served ${encoding ? 'with Content-Encoding: gzip' : 'as plain bytes'})`, async ({ browser }) => {
    // No service worker: the routes below must see every request.
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    const encodings: (string | undefined)[] = [];
    page.on('response', (r) => r.url().endsWith('.gz') && encodings.push(r.headers()['content-encoding']));
    // `npm start`'s server sends the .gz files as they are, as static hosts do (the worker unzips them). Some
    // servers send them with Content-Encoding: gzip, and the browser unzips them on the way: a server of that kind
    // answers in place of the app's (a route's own Content-Encoding is not decoded by the browser).
    if (encoding) {
      const { port, close } = await encodingServer();
      context.on('close', close);
      await page.route('**/data/mnist/*.gz', (route) => route.continue({ url: `http://127.0.0.1:${port}/${new URL(route.request().url()).pathname.split('/').pop()}` }));
    }
    await page.goto('./#/train');
    await expect(page.getByTestId('total-params')).toHaveText('101,770', { timeout: 60_000 });
    // The files stream in: their checksum is known (and verified) once all four have arrived.
    type Info = { checksum: { of: string; files: { name: string; sha256: string }[] } | null };
    await expect.poll(async () => (await callWorker<Info>(page, ['data', 'describe'])).checksum?.of ?? null, { timeout: 60_000 }).toBe('files');
    const info = (await callWorker<Info>(page, ['data', 'describe'])) as { checksum: NonNullable<Info['checksum']> };
    expect(info.checksum.files).toEqual([...SHIPPED.entries()].map(([name, sha256]) => ({ name, sha256 })).sort((a, b) => (a.name < b.name ? -1 : 1)));
    expect(encodings).toEqual(Array(4).fill(encoding ?? undefined));
    // The page reads the sums shipped with the data: the worker verifies the files against them once all have
    // arrived, and, when the transport unzipped them, names the files' own hashes from them.
    expect(requested.some((p) => p.endsWith('/SHA256SUMS'))).toBe(true);
    expect(requested.some((p) => p.endsWith('/CONTENT-SHA256SUMS'))).toBe(true);
    await context.close();
  });
}
