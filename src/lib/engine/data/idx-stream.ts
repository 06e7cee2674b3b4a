import { filesChecksum, type ShippedHashes } from './checksum';
import { isGzip } from './gzip';
import { IdxFormatError, parseIdxHeader } from './idx';
import { DataError } from './errors';

/**
 * One idx file that arrives in chunks (a built-in dataset streaming in): unzipped on the fly when it is gzip
 * (DecompressionStream, in workers and Node alike), its header read as soon as it is in, and its data copied into
 * the array `allocate` returns for the header's dimensions, so the first examples can be used before the rest
 * arrives. The bytes as received are kept (gzip) or can be rebuilt (plain idx) for the file's checksum.
 */
export class IdxFileStream {
  /** Dimensions from the header (null until it has arrived). */
  dims: number[] | null = null;
  /** The file's data (row-major uint8), filled as it arrives; null until the header is in. */
  data: Uint8Array | null = null;
  /** Bytes of `data` filled so far. */
  filled = 0;
  ended = false;
  private gzip: boolean | null = null;
  /** The first bytes, until there are two (gzip or not). */
  private lead: Uint8Array[] = [];
  private received: Uint8Array[] = [];
  private header: Uint8Array = new Uint8Array(0);
  private headerBytes = 0;
  /** Bytes after the data the header promises (kept for the checksum of a plain file). */
  private tail: Uint8Array[] = [];
  private writer?: WritableStreamDefaultWriter<Uint8Array>;
  private pump?: Promise<void>;
  private error: unknown = null;

  constructor(
    readonly name: string,
    private readonly rank: number,
    private readonly allocate: (dims: number[]) => Uint8Array,
    private readonly onData: () => void,
  ) {}

  /** Takes the next chunk of the file as received. Throws a code (`idx.*`, `data.badGzip`) when it cannot be one. */
  async push(chunk: Uint8Array): Promise<void> {
    this.throwIfFailed();
    if (this.ended) return;
    if (this.gzip === null) {
      this.lead.push(chunk);
      const total = this.lead.reduce((n, c) => n + c.length, 0);
      if (total < 2) return;
      const first = concat(this.lead);
      this.lead = [];
      this.gzip = isGzip(first);
      if (this.gzip) this.startInflater();
      chunk = first;
    }
    if (this.gzip) {
      this.received.push(chunk);
      try {
        await this.writer!.write(chunk);
      } catch (err) {
        this.failWith(err);
      }
    } else this.consume(chunk);
    this.throwIfFailed();
  }

  /** The file has been received in full: checks that it held all the data its header promised. */
  async end(): Promise<void> {
    this.throwIfFailed();
    if (this.ended) return;
    if (this.gzip === null) {
      // Fewer than two bytes in all: too short for any header.
      const first = concat(this.lead);
      this.lead = [];
      this.gzip = false;
      this.consume(first);
    }
    if (this.gzip) {
      try {
        await this.writer!.close();
      } catch (err) {
        this.failWith(err);
      }
      await this.pump;
    }
    this.throwIfFailed();
    this.ended = true;
    if (!this.dims) {
      const got = this.header.length;
      if (got < 4) throw new IdxFormatError('idx.tooShort', { file: this.name, bytes: got });
      throw new IdxFormatError('idx.truncatedHeader', { file: this.name, bytes: got, needed: 4 + 4 * this.rank });
    }
    const count = this.data!.length;
    if (this.filled < count) throw new IdxFormatError('idx.truncated', { file: this.name, dims: this.dims, count, available: this.filled });
  }

  /** True when the file arrived gzipped (as shipped); false when it is plain idx (or the transport unzipped it). */
  get isGzip(): boolean {
    return this.gzip === true;
  }

  /** The file's bytes as received (a gzip file as shipped, a plain or transport-unzipped one as its contents). */
  bytes(): ArrayBuffer {
    if (this.gzip) return concat(this.received).buffer as ArrayBuffer;
    return concat([this.header, this.data ?? new Uint8Array(0), ...this.tail]).buffer as ArrayBuffer;
  }

  private startInflater(): void {
    const inflater = new DecompressionStream('gzip');
    this.writer = inflater.writable.getWriter() as WritableStreamDefaultWriter<Uint8Array>;
    const reader = inflater.readable.getReader();
    this.pump = (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          this.consume(value as Uint8Array);
        }
      } catch (err) {
        this.failWith(err);
      }
    })();
  }

  /** Unzipped bytes in file order: the header first, then the data, then anything after it. */
  private consume(bytes: Uint8Array): void {
    if (this.error) return;
    try {
      let at = 0;
      if (!this.dims) {
        const take = Math.min(bytes.length, 4 + 4 * 4 - this.header.length);
        this.header = concat([this.header, bytes.subarray(0, take)]);
        const head = parseIdxHeader(this.header, this.name, this.rank);
        if (!head) return;
        // The header may be shorter than the bytes taken: the rest is data.
        at = take - (this.header.length - head.headerBytes);
        this.header = this.header.slice(0, head.headerBytes);
        this.headerBytes = head.headerBytes;
        this.dims = head.dims;
        this.data = this.allocate(head.dims);
      }
      const data = this.data!;
      const n = Math.min(bytes.length - at, data.length - this.filled);
      if (n > 0) {
        data.set(bytes.subarray(at, at + n), this.filled);
        this.filled += n;
        this.onData();
      }
      if (at + Math.max(n, 0) < bytes.length) this.tail.push(bytes.slice(at + Math.max(n, 0)));
    } catch (err) {
      this.error = err;
    }
  }

  private failWith(err: unknown): void {
    if (this.error) return;
    this.error = err instanceof IdxFormatError || err instanceof DataError ? err : new DataError('data.badGzip', { file: this.name, detail: err instanceof Error ? err.message : String(err) });
  }

  private throwIfFailed(): void {
    if (this.error) throw this.error;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Checks received files against the sums shipped with the data (SHA256SUMS of the files, CONTENT-SHA256SUMS of their
 * contents for a file the transport unzipped) and returns the dataset's checksum of the files as shipped, the same
 * value the one-shot loader gives. Throws `data.checksumMismatch` for a file whose bytes are not the listed ones.
 */
export async function verifiedChecksum(files: { name: string; bytes: ArrayBuffer; decoded: boolean; shipped?: ShippedHashes }[]) {
  const checksum = await filesChecksum(files);
  for (const f of files) {
    if (!f.shipped) continue;
    const expected = f.decoded ? f.shipped.contentSha256 : f.shipped.sha256;
    if (!expected) continue;
    const entry = checksum.files!.find((e) => e.name === f.name || e.name === f.name.replace(/\.gz$/i, ''));
    const listed = f.decoded ? f.shipped.sha256 : expected;
    if (!entry || entry.sha256 !== listed) {
      throw new DataError('data.checksumMismatch', { file: f.name, expected, actual: entry?.sha256 ?? '' });
    }
  }
  return checksum;
}
