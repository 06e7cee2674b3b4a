import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { unzipImages } from '../../src/lib/engine/data/image-files';
import { LIMITS } from '../../src/lib/engine/data/limits';
import { thrown, words } from './worded';

const MB = 1024 * 1024;

/** Rewrites the uncompressed size every central-directory entry declares (what a zip bomb lies about). */
function declare(zip: Uint8Array, size: number): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = zip.length - 22;
  while (view.getUint32(end, true) !== 0x06054b50) end--;
  let at = view.getUint32(end + 16, true);
  for (let i = 0; i < view.getUint16(end + 10, true); i++) {
    expect(view.getUint32(at, true)).toBe(0x02014b50);
    view.setUint32(at + 24, size, true);
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return zip;
}

const zeros = (entries: number, bytes: number) => {
  const files: Record<string, [Uint8Array, { level: 9 }]> = {};
  for (let i = 0; i < entries; i++) files[`bomb/${i}/zeros.bmp`] = [new Uint8Array(bytes), { level: 9 }];
  return zipSync(files);
};

/** Runs `fn`, which must throw, and says how long it took. */
function timed(fn: () => unknown) {
  const start = performance.now();
  const message = thrown(fn);
  return { message, ms: performance.now() - start };
}

describe('image zips are checked before and while they are unpacked', () => {
  it('refuses a zip whose entries declare 4 × 1,000 MB before inflating anything', () => {
    const zip = declare(zeros(4, 64 * 1024), 1000 * MB);
    const { message, ms } = timed(() => unzipImages(zip, 'bomb.zip'));
    expect(ms).toBeLessThan(1000);
    // Each entry is past the one-image limit already.
    expect(message).toEqual({ code: 'data.tooLarge', params: { file: 'bomb.zip/bomb/0/zeros.bmp', bytes: 1000 * MB, limit: LIMITS.imageBytes, kind: 'image' } });
  });

  it('refuses a zip whose declared total passes the limit though every entry is allowed', () => {
    const count = Math.floor(LIMITS.unzippedBytes / LIMITS.imageBytes) + 1;
    const zip = declare(zeros(count, 1024), LIMITS.imageBytes);
    const { message, ms } = timed(() => unzipImages(zip, 'many.zip'));
    expect(ms).toBeLessThan(1000);
    expect(message).toEqual({ code: 'images.unpacksTooLarge', params: { file: 'many.zip', bytes: count * LIMITS.imageBytes, limit: LIMITS.unzippedBytes } });
    expect(words(() => unzipImages(zip, 'many.zip'))).toBe(
      'many.zip unpacks to 310 MB or more, past the 300 MB one zip of images may hold; it was not unpacked. Use fewer or smaller images.',
    );
  });

  it('stops inflating at the limit when the declared sizes lie low', () => {
    // 2 entries of 16 MB real zeros, each declared as 100 bytes; the limit is 6 MB in all, 20 MB an entry.
    const zip = declare(zeros(2, 16 * MB), 100);
    const limits = { zipBytes: LIMITS.zipBytes, imageBytes: 20 * MB, unzippedBytes: 6 * MB };
    const { message, ms } = timed(() => unzipImages(zip, 'liar.zip', limits));
    expect(ms).toBeLessThan(1000);
    expect(message.code).toBe('images.unpacksTooLarge');
    const { bytes, limit } = message.params as { bytes: number; limit: number };
    expect(limit).toBe(6 * MB);
    // Stopped within one pushed chunk (4 KB of deflate, at most ~4.1 MB of output) past the limit, not at the 32 MB in the zip.
    expect(bytes).toBeGreaterThan(6 * MB);
    expect(bytes).toBeLessThan(11 * MB);
  });

  it('stops one lying entry at the one-image limit', () => {
    const zip = declare(zeros(1, 24 * MB), 100);
    const { message } = timed(() => unzipImages(zip, 'one.zip'));
    expect(message.code).toBe('data.tooLarge');
    expect((message.params as { bytes: number }).bytes).toBeGreaterThan(LIMITS.imageBytes);
    expect((message.params as { bytes: number }).bytes).toBeLessThan(LIMITS.imageBytes + 5 * MB);
  });

  it('calls a lie that stays under the limits damage', () => {
    const zip = declare(zeros(2, 4096), 100);
    expect(thrown(() => unzipImages(zip, 'odd.zip'))).toEqual({
      code: 'images.badZip',
      params: { file: 'odd.zip', reason: 'bomb/0/zeros.bmp holds 4096 bytes, its header says 100' },
    });
  });

  it('still unpacks an ordinary zip, stored and deflated entries alike, with folders and names intact', () => {
    const a = new Uint8Array(3000).map((_, i) => i % 251);
    const b = new TextEncoder().encode('BM not really');
    const zip = zipSync({ 'set/cats/a.bmp': [a, { level: 9 }], 'set/dogs/b.bmp': [b, { level: 0 }], 'set/empty/': new Uint8Array(0), 'set/dogs/é.bmp': new Uint8Array(0) });
    const files = unzipImages(zip, 'set.zip');
    expect(files.map((f) => f.path)).toEqual(['set.zip/set/cats/a.bmp', 'set.zip/set/dogs/b.bmp', 'set.zip/set/dogs/é.bmp']);
    expect(files[0].bytes).toEqual(a);
    expect(files[1].bytes).toEqual(b);
    expect(files[2].bytes).toHaveLength(0);
  });
});
