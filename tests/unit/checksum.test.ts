import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { filesChecksum } from '../../src/lib/engine/data/checksum';
import { parseSums } from '../../src/lib/io/builtin-data';

const DIR = resolve(import.meta.dirname, '../../public/data/mnist');
const NAMES = ['t10k-labels-idx1-ubyte.gz', 'train-labels-idx1-ubyte.gz'];
const bytes = (name: string) => {
  const b = readFileSync(resolve(DIR, name));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};
const unzipped = (name: string) => {
  const b = gunzipSync(readFileSync(resolve(DIR, name)));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};

describe('filesChecksum: the hashes of the files as shipped, whatever the transport did', () => {
  const shipped = parseSums(readFileSync(resolve(DIR, 'SHA256SUMS'), 'utf8'));
  const contents = parseSums(readFileSync(resolve(DIR, 'CONTENT-SHA256SUMS'), 'utf8'));
  // What `sha256sum` says of the shipped files, computed here independently of the sums files.
  const sha256sum = new Map(
    execSync(`sha256sum ${NAMES.join(' ')}`, { cwd: DIR })
      .toString()
      .trim()
      .split('\n')
      .map((l) => [l.split(/\s+/)[1], l.split(/\s+/)[0]] as const),
  );

  it('hashes the bytes as they arrived when they are the shipped .gz files', async () => {
    const c = await filesChecksum(NAMES.map((name) => ({ name, bytes: bytes(name) })));
    expect(c.files).toEqual(NAMES.map((name) => ({ name, sha256: sha256sum.get(name) })).sort((a, b) => (a.name < b.name ? -1 : 1)));
  });

  it('names the shipped hashes when the server unzipped the files (Content-Encoding: gzip) and their contents match the sums', async () => {
    const transported = NAMES.map((name) => ({ name, bytes: unzipped(name), decoded: true, shipped: { sha256: shipped.get(name)!, contentSha256: contents.get(name) } }));
    const c = await filesChecksum(transported);
    const plain = await filesChecksum(NAMES.map((name) => ({ name, bytes: bytes(name) })));
    expect(c).toEqual(plain);
    for (const f of c.files!) expect(f.sha256).toBe(sha256sum.get(f.name));
  });

  it('does not label unzipped bytes with a .gz name when they do not match the shipped contents', async () => {
    const wrong = new Uint8Array(unzipped(NAMES[0])).slice();
    wrong[100] ^= 1;
    const c = await filesChecksum([{ name: NAMES[0], bytes: wrong.buffer, decoded: true, shipped: { sha256: shipped.get(NAMES[0])!, contentSha256: contents.get(NAMES[0]) } }]);
    expect(c.files![0].name).toBe('t10k-labels-idx1-ubyte');
    expect(c.files![0].sha256).not.toBe(sha256sum.get(NAMES[0]));
  });
});
