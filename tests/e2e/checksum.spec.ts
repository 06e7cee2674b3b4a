import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { callWorker } from './worker-call';

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
    // `npm start`'s server (vite preview) sends the .gz files with Content-Encoding: gzip, so the browser unzips
    // them; a route stands for a server that sends them as they are. (A route's own Content-Encoding is not
    // decoded by the browser, so it cannot stand for the first case.)
    if (!encoding) {
      await page.route('**/data/mnist/*.gz', (route) => {
        const name = new URL(route.request().url()).pathname.split('/').pop()!;
        return route.fulfill({ status: 200, body: readFileSync(resolve(DIR, name)), headers: { 'Content-Type': 'application/gzip' } });
      });
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
