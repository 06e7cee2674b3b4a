import type { DatasetSummary, Session } from '../session/index';
import { EngineError, type EngineMessage } from '../errors';
import { parseCsv, type CsvTable } from './csv';
import { profileTable, type CsvProfile } from './csv-profile';
import { buildImageDataset, type ImageDecoder, type ImageOptions } from './image-dataset';
import { groupByClass, unzipImages, type ImageFile } from './image-files';
import { buildTabular, type TabularOptions } from './tabular';

/** Images as the page sends them: one zip, or files (with folders in their paths, or a class each). */
export type ImageSource =
  | { kind: 'zip'; name: string; bytes: ArrayBuffer }
  | { kind: 'files'; name: string; files: { path: string; bytes: ArrayBuffer; className?: string }[] };

export interface LoadResult {
  summary: DatasetSummary;
  /** Remarks for the user: rows dropped, files skipped, images that would not decode. */
  notes: EngineMessage[];
}

/**
 * Turns user files (and built-in tables) into datasets: keeps the last parsed table so the form can be
 * re-applied with other choices without reading the file again. Every dataset ends in `session.setDataset`.
 */
/** Where a parsed table is kept: the user's file and a built-in table do not replace each other. */
export type TableSlot = 'user' | 'builtin';

interface KeptTable {
  table: CsvTable;
  profile: CsvProfile;
  bytes: Uint8Array;
}

export class DataWorkshop {
  private readonly tables = new Map<TableSlot, KeptTable>();

  constructor(
    private readonly session: Session,
    private readonly decode: ImageDecoder,
  ) {}

  /** Parses a CSV/TSV file and describes its columns; `hasHeader` overrides the header heuristic. */
  inspectCsv(bytes: ArrayBuffer, fileName: string, hasHeader?: boolean, slot: TableSlot = 'user'): CsvProfile {
    const data = new Uint8Array(bytes);
    const table = parseCsv(data, fileName, hasHeader);
    const profile = profileTable(table);
    this.tables.set(slot, { table, profile, bytes: data });
    return profile;
  }

  /** Re-reads the kept file with the header choice changed. */
  setHeader(hasHeader: boolean, slot: TableSlot = 'user'): CsvProfile {
    const kept = this.requireTable(slot);
    return this.inspectCsv(kept.bytes.slice().buffer, kept.table.fileName, hasHeader, slot);
  }

  /** Builds a dataset from the kept table with the form's choices and makes it the current one. */
  loadTable(opts: TabularOptions, slot: TableSlot = 'user', ticket?: number): LoadResult {
    const { table, profile } = this.requireTable(slot);
    const { dataset, notes } = buildTabular(table, profile, opts);
    return { summary: this.session.setDataset(dataset, undefined, ticket), notes };
  }

  /** Decodes, resizes and packs images into a dataset and makes it the current one. */
  async loadImages(source: ImageSource, opts: ImageOptions, ticket?: number): Promise<LoadResult> {
    const files: ImageFile[] =
      source.kind === 'zip'
        ? unzipImages(new Uint8Array(source.bytes), source.name)
        : source.files.map((f) => ({ path: f.path, bytes: new Uint8Array(f.bytes), ...(f.className ? { className: f.className } : {}) }));
    const strict = source.kind === 'files' && source.files.every((f) => f.className);
    const grouped = groupByClass(files, source.name, strict, source.kind === 'zip' ? `${source.name}/` : '');
    const { dataset, notes } = await buildImageDataset(grouped, opts, this.decode);
    return { summary: this.session.setDataset(dataset, undefined, ticket), notes };
  }

  private requireTable(slot: TableSlot): KeptTable {
    const kept = this.tables.get(slot);
    if (!kept) throw new EngineError('data.noTable', {});
    return kept;
  }
}
