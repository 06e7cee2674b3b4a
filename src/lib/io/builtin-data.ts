import type { ShippedHashes } from '../engine/data/checksum';
import { DataError } from '../engine/data/errors';
import { IDX_FILE_NAMES, type IdxFiles } from '../engine/data/mnist';
import { fetchBytes, fetchFile, fetchJson, streamFile } from './fetch-files';

/** A built-in dataset folder's manifest.json: each file's size as shipped and unzipped. */
interface DataManifest {
  files: Record<string, { bytes: number; contentBytes: number }>;
}

/** Per file name: whether the transport unzipped it, and what the data folder's sums say of it. */
export type TransportInfo = Record<string, { decoded: boolean; shipped?: ShippedHashes }>;

/** Parses a `sha256sum` listing (`<hex>  <name>` lines) into a map from name to hex digest. */
export function parseSums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (m) sums.set(m[2], m[1]);
  }
  return sums;
}

/** The sums shipped with a built-in dataset: of the files (SHA256SUMS) and of their unzipped contents (CONTENT-SHA256SUMS). */
async function shippedSums(dir: string): Promise<{ files: Map<string, string>; contents: Map<string, string> }> {
  const text = async (name: string) => new TextDecoder().decode(await fetchBytes(`${dir}${name}`));
  const [files, contents] = await Promise.all([text('SHA256SUMS'), text('CONTENT-SHA256SUMS')]);
  return { files: parseSums(files), contents: parseSums(contents) };
}

/** Where the chunks of a streaming built-in dataset go (the worker's session); `started` once it can train. */
export interface IdxStreamSink {
  /** The next chunks of a file, in order, each with a buffer of its own (to transfer: no copy on the page). */
  chunk(file: keyof IdxFiles, chunks: Uint8Array[]): Promise<{ started: boolean }>;
  end(file: keyof IdxFiles, shipped?: ShippedHashes): Promise<{ started: boolean }>;
}

/** The order the files stream in: the training labels (small, needed by every example), the training images, the test files. */
export const STREAM_ORDER: readonly (keyof IdxFiles)[] = ['trainLabels', 'trainImages', 'testLabels', 'testImages'];

/**
 * Streams the four idx files of a built-in dataset under `<base>data/<id>/` to `sink`, one file after the other in
 * `STREAM_ORDER`, chunk by chunk as the network delivers them (the worker unzips and parses them as they come, so
 * training starts on the first block). Each file's end carries what the folder's sums say of it (SHA256SUMS,
 * CONTENT-SHA256SUMS), which the worker verifies once all have arrived. `onProgress`: percent of all bytes received.
 * A file that cannot be fetched in full throws `data.streamFailed`; the sink's own errors (a damaged file) pass as
 * they are; an abort (`signal`) throws the AbortError.
 */
export async function streamIdxFiles(
  id: string,
  sink: IdxStreamSink,
  options: { base?: string; signal?: AbortSignal; onProgress?: (percent: number) => void; /** Awaited before each chunk is read on (a pause). */ hold?: () => Promise<void> | undefined } = {},
): Promise<void> {
  const dir = `${options.base ?? ''}data/${id}/`;
  let sizes: DataManifest['files'] | null = null;
  void fetchJson<DataManifest>(`${dir}manifest.json`).then((m) => (sizes = m.files), () => null);
  const sums = shippedSums(dir).catch(() => null);
  let got = 0;
  let encoded: boolean | null = null;
  const report = () => {
    if (!sizes || !options.onProgress) return;
    const total = STREAM_ORDER.reduce((n, key) => {
      const size = sizes![IDX_FILE_NAMES[key]];
      return n + ((encoded ? size?.contentBytes : size?.bytes) ?? NaN);
    }, 0);
    if (total > 0) options.onProgress(Math.min(100, Math.round((100 * got) / total)));
  };
  for (const key of STREAM_ORDER) {
    const name = IDX_FILE_NAMES[key];
    const sender = new ChunkSender((chunks) => sink.chunk(key, chunks));
    try {
      await streamFile(
        `${dir}${name}`,
        async (chunk, transportEncoded) => {
          await options.hold?.();
          encoded = transportEncoded;
          got += chunk.length;
          report();
          await sender.add(chunk);
        },
        options.signal,
      );
    } catch (err) {
      if (sender.failed(err) || (err as Error)?.name === 'AbortError') throw err;
      throw new DataError('data.streamFailed', { file: name, detail: err instanceof Error ? err.message : String(err) });
    }
    await sender.flush();
    const listed = await sums;
    const sha256 = listed?.files.get(name);
    await sink.end(key, sha256 ? { sha256, contentSha256: listed?.contents.get(name) } : undefined);
  }
}

/**
 * Sends a file's chunks on in messages of at least `SEND_BYTES` (a network chunk is often a few KB: one message each
 * would be thousands for MNIST unzipped by the transport), with up to `IN_FLIGHT` sends unanswered, so the network
 * is not held up by the worker's replies (a training worker answers between steps). Sends stay in order.
 */
class ChunkSender {
  private static readonly SEND_BYTES = 256 * 1024;
  /** Up to 8 MB: the first block waits here while the worker starts on a first visit. */
  private static readonly IN_FLIGHT = 32;
  private parts: Uint8Array[] = [];
  private bytes = 0;
  private inFlight: Promise<unknown>[] = [];
  private error: { err: unknown } | null = null;

  constructor(private readonly send: (chunks: Uint8Array[]) => Promise<unknown>) {}

  async add(chunk: Uint8Array): Promise<void> {
    this.parts.push(chunk);
    this.bytes += chunk.length;
    if (this.bytes >= ChunkSender.SEND_BYTES) await this.dispatch();
  }

  /** Sends what is left and waits for every answer; throws the first error of a send. */
  async flush(): Promise<void> {
    if (this.bytes > 0) await this.dispatch();
    while (this.inFlight.length) await this.inFlight.shift();
    this.throwIfFailed();
  }

  /** True when `err` came from a send (not from the network). */
  failed(err: unknown): boolean {
    return this.error !== null && this.error.err === err;
  }

  private async dispatch(): Promise<void> {
    this.throwIfFailed();
    const piece = this.parts;
    this.parts = [];
    this.bytes = 0;
    this.inFlight.push(
      this.send(piece).catch((err) => {
        this.error ??= { err };
      }),
    );
    if (this.inFlight.length > ChunkSender.IN_FLIGHT) await this.inFlight.shift();
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.error) throw this.error.err;
  }
}

/**
 * Fetches the four idx files of a built-in dataset under `<base>data/<id>/` as raw bytes, the same bytes a
 * user's own files give. `onProgress` receives the percentage of all bytes received. When the server sent a `.gz`
 * file with `Content-Encoding: gzip` (the browser then unzips it), `transport` says so and carries the folder's
 * sums, so that the dataset's checksum still names the files as shipped (engine/data/checksum.ts).
 */
export async function fetchIdxFiles(id: string, base = '', onProgress?: (percent: number) => void): Promise<{ files: IdxFiles; buffers: ArrayBuffer[]; transport: TransportInfo }> {
  const keys = Object.keys(IDX_FILE_NAMES) as (keyof IdxFiles)[];
  const dir = `${base}data/${id}/`;
  // Sizes of the files and of their unzipped contents: progress stays right when the transport unzips them.
  let sizes: DataManifest['files'] | null = null;
  const manifest = fetchJson<DataManifest>(`${dir}manifest.json`).then((m) => (sizes = m.files), () => null);
  const received = new Map<keyof IdxFiles, { got: number; total: number; encoded: boolean }>();
  const report = () => {
    let got = 0;
    let total = 0;
    for (const key of keys) {
      const r = received.get(key);
      const size = sizes?.[IDX_FILE_NAMES[key]];
      got += r?.got ?? 0;
      total += r && !r.encoded && r.total > 0 ? r.total : r?.encoded ? (size?.contentBytes ?? NaN) : (size?.bytes ?? NaN);
    }
    if (total > 0) onProgress?.(Math.min(100, Math.round((100 * got) / total)));
  };
  const fetched = await Promise.all(
    keys.map((key) =>
      fetchFile(`${dir}${IDX_FILE_NAMES[key]}`, (got, total, encoded) => {
        received.set(key, { got, total, encoded });
        report();
      }),
    ),
  );
  await manifest;
  const transport: TransportInfo = {};
  const sums = fetched.some((f) => f.transportDecoded) ? await shippedSums(dir) : null;
  keys.forEach((key, i) => {
    const name = IDX_FILE_NAMES[key];
    const sha256 = sums?.files.get(name);
    transport[name] = { decoded: fetched[i].transportDecoded, shipped: sha256 ? { sha256, contentSha256: sums?.contents.get(name) } : undefined };
  });
  const buffers = fetched.map((f) => f.bytes);
  const files = Object.fromEntries(keys.map((k, i) => [k, buffers[i]])) as unknown as IdxFiles;
  return { files, buffers, transport };
}
