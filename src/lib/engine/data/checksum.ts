import type { DatasetChecksum } from '../runs/record';
import type { Dataset } from './dataset';

function toHex(digest: ArrayBuffer): string {
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** SHA-256 of some bytes as lower-case hex (Web Crypto: works in the page, in workers and in Node ≥ 20). */
export async function sha256Hex(data: ArrayBuffer | ArrayBufferView): Promise<string> {
  const view = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return toHex(await crypto.subtle.digest('SHA-256', view as Uint8Array<ArrayBuffer>));
}

/**
 * What a built-in dataset's sums files say of one shipped file: `sha256` of the file as shipped (SHA256SUMS) and
 * `contentSha256` of its contents unzipped (CONTENT-SHA256SUMS), for a `.gz` file.
 */
export interface ShippedHashes {
  sha256: string;
  contentSha256?: string;
}

/**
 * One file's entry: the SHA-256 of the bytes as shipped. A `.gz` file the server sent with `Content-Encoding: gzip`
 * arrives unzipped (`decoded`): its shipped hash cannot be computed from these bytes, so it is taken from the sums
 * shipped with the data when the unzipped bytes hash to the listed contents (they are that file's contents, checked);
 * otherwise the entry names what was hashed, the unzipped file (the name without `.gz`).
 */
async function fileEntry(f: { name: string; bytes: ArrayBuffer; decoded?: boolean; shipped?: ShippedHashes }): Promise<{ name: string; sha256: string }> {
  const sha256 = await sha256Hex(f.bytes);
  if (!f.decoded) return { name: f.name, sha256 };
  if (f.shipped?.contentSha256 === sha256) return { name: f.name, sha256: f.shipped.sha256 };
  return { name: f.name.replace(/\.gz$/i, ''), sha256 };
}

/**
 * Checksum of a dataset's files as shipped (see `fileEntry` for files the transport unzipped). `value` is the
 * SHA-256 of the `sha256sum` listing of the files sorted by name (`<hex>  <name>\n` lines), so
 * `sha256sum * | sha256sum` in the data folder reproduces it.
 */
export async function filesChecksum(files: { name: string; bytes: ArrayBuffer; decoded?: boolean; shipped?: ShippedHashes }[]): Promise<DatasetChecksum> {
  const hashed = await Promise.all(files.map(fileEntry));
  hashed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const listing = hashed.map((f) => `${f.sha256}  ${f.name}\n`).join('');
  return { algorithm: 'SHA-256', value: await sha256Hex(new TextEncoder().encode(listing)), of: 'files', files: hashed };
}

/**
 * Checksum of a dataset's parsed contents (for data without files, e.g. generated): the SHA-256 of the
 * hex digests of train.x, train.y, test.x, test.y, one per line.
 */
export async function contentChecksum(dataset: Dataset): Promise<DatasetChecksum> {
  const parts = [dataset.train.x, dataset.train.y, dataset.test.x, dataset.test.y];
  const digests = await Promise.all(parts.map((p) => sha256Hex(p)));
  return { algorithm: 'SHA-256', value: await sha256Hex(new TextEncoder().encode(digests.join('\n') + '\n')), of: 'content' };
}
