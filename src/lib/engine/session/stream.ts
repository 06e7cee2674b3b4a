import type { ShippedHashes } from '../data/checksum';
import type { Dataset } from '../data/dataset';
import { DataError } from '../data/errors';
import { IdxStreamAssembler, type IdxFileKey } from '../data/idx-assembler';
import type { IdxDatasetInfo } from '../data/mnist';
import { EngineError } from '../errors';
import type { DatasetChecksum } from '../runs/record';

/** What the stream needs of the session that holds it. */
export interface StreamHost {
  /** Throws when `ticket` is no longer the latest load (another choice came after it). */
  checkTicket(ticket: number): void;
  /** The first block is in: the stream's dataset becomes the session's. */
  apply(dataset: Dataset, ticket: number): void;
  /** Every file is in and its checksum verified. */
  complete(dataset: Dataset, checksum: DatasetChecksum): void;
  /** More has arrived (the snapshot's arrival state changed). */
  changed(): void;
}

/** Whether the stream's dataset is the session's yet (`started`), and whether all of it has arrived. */
export interface StreamProgress {
  started: boolean;
  complete: boolean;
}

/**
 * The built-in idx dataset streaming in under its load's ticket (engine/data/idx-assembler.ts): its files come in
 * chunks; it becomes the session's dataset once the first block of training examples is in, and complete
 * (checksum verified) once all four files are. One at a time: a new one, or any other dataset, replaces it.
 */
export class IdxStreamSlot {
  private stream: { ticket: number; assembler: IdxStreamAssembler; applied: boolean; completed: boolean } | null = null;

  constructor(private readonly host: StreamHost) {}

  begin(info: IdxDatasetInfo, ticket: number): void {
    this.host.checkTicket(ticket);
    this.stream?.assembler.fail(new EngineError('session.superseded', {}));
    const assembler = new IdxStreamAssembler(info, () => {
      if (this.stream?.assembler === assembler && this.stream.applied) this.host.changed();
    });
    this.stream = { ticket, assembler, applied: false, completed: false };
  }

  /** The next chunk(s) of a file as received, in order (a `.gz` as shipped, or unzipped by the transport). */
  async push(ticket: number, file: IdxFileKey, bytes: ArrayBuffer | ArrayBuffer[]): Promise<StreamProgress> {
    const stream = this.current(ticket);
    for (const b of Array.isArray(bytes) ? bytes : [bytes]) await stream.assembler.push(file, new Uint8Array(b));
    return this.progress(stream);
  }

  /** A file has arrived in full; `shipped`: its sums from the data folder, checked once all are in. */
  async end(ticket: number, file: IdxFileKey, shipped?: ShippedHashes): Promise<StreamProgress> {
    const stream = this.current(ticket);
    await stream.assembler.end(file, shipped);
    return this.progress(stream);
  }

  /** The page could not fetch the rest of a file (network): a run waiting on the data stops with this code. */
  fail(ticket: number, file: string, detail: string): void {
    if (this.stream?.ticket !== ticket) return;
    this.stream.assembler.fail(new DataError('data.streamFailed', { file, detail }));
  }

  /** `dataset` becomes the session's: a stream of another dataset stops arriving. */
  replacedBy(dataset: Dataset): void {
    if (this.stream && this.stream.assembler.dataset !== dataset) {
      this.stream.assembler.fail(new EngineError('session.superseded', {}));
      this.stream = null;
    }
  }

  private current(ticket: number): NonNullable<IdxStreamSlot['stream']> {
    const stream = this.stream;
    if (!stream || stream.ticket !== ticket) throw new EngineError('session.superseded', {});
    // A later choice replaces a stream that has not become the dataset yet.
    if (!stream.applied) this.host.checkTicket(ticket);
    return stream;
  }

  private progress(stream: NonNullable<IdxStreamSlot['stream']>): StreamProgress {
    const { assembler } = stream;
    if (!stream.applied && assembler.ready) {
      this.host.apply(assembler.dataset!, stream.ticket);
      stream.applied = true;
    }
    if (stream.applied && !stream.completed && assembler.complete && assembler.checksum) {
      stream.completed = true;
      this.host.complete(assembler.dataset!, assembler.checksum);
    }
    return { started: stream.applied, complete: assembler.complete };
  }
}
