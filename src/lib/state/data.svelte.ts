import * as Comlink from 'comlink';
import { CATALOG, type CatalogEntry, type TableMeta } from '../engine/data/catalog';
import { IDX_FILE_NAMES, type IdxFiles } from '../engine/data/mnist';
import type { SyntheticKind } from '../engine/data/synthetic';
import type { DatasetSummary } from '../engine/session';
import { t } from '../i18n';
import { fetchBytes } from '../io/fetch-files';
import { readWithLimit } from '../io/user-files';
import { app } from './app.svelte';
import { CsvForm } from './csv-form.svelte';
import { evaluation } from './evaluation.svelte';
import { ImageForm } from './image-form.svelte';

export type DataChoice = string | 'own-csv' | 'own-images';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The dataset picker's state and commands: built-in datasets, generators and the user's own files all end
 * in the worker's parsers and `Session.setDataset`. A failed load leaves the current dataset and every
 * choice in the forms as they were, and says what went wrong in `error`.
 */
export class DataState {
  choice = $state<DataChoice>('mnist');
  busy = $state<string | null>(null);
  error = $state<string | null>(null);
  notes = $state<string[]>([]);
  generator = $state({ kind: 'spiral' as SyntheticKind, count: 400, noise: 0.2, seed: 1, classes: 3 });
  readonly csv = new CsvForm();
  readonly images = new ImageForm();
  private tableMeta?: Promise<Record<string, TableMeta>>;
  /** The options of the table dataset in use, to refit its statistics when the validation split changes. */
  private tableInUse: { choice: DataChoice; apply: (validationSplit: number, seed: number) => Promise<void> } | null = null;

  constructor() {
    app.beforeTrain.push(() => this.refitTable());
  }

  get entry(): CatalogEntry | undefined {
    return CATALOG.find((e) => e.id === this.choice);
  }

  /** Picks a dataset; built-ins and generators load at once, own data waits for its form. */
  async select(choice: DataChoice): Promise<void> {
    this.choice = choice;
    this.error = null;
    this.notes = [];
    const entry = this.entry;
    if (!entry) return;
    if (entry.kind === 'generator') {
      this.generator.kind = entry.synth;
      await this.generate();
    } else if (entry.kind === 'idx') await this.run(t.dataset.loading(0), () => this.loadIdx(entry));
    else await this.run(t.dataUi.loadingFile(entry.file), () => this.loadBuiltinTable(entry));
  }

  async generate(): Promise<void> {
    const g = $state.snapshot(this.generator);
    await this.run(t.dataUi.generator.generate, async () => {
      this.use(await app.api.loadSynthetic({ kind: g.kind, count: g.count, noise: g.noise, seed: g.seed, classes: g.classes }));
    });
  }

  /** Reads a user's CSV/TSV file (refused by size before it is read) and profiles its columns. */
  async pickCsv(file: File): Promise<void> {
    await this.run(t.dataUi.loadingFile(file.name), async () => {
      const bytes = await readWithLimit(file, 'csv');
      this.csv.setProfile(await app.api.inspectCsv(Comlink.transfer(bytes, [bytes]), file.name));
      this.notes = this.csv.profile?.notes ?? [];
    });
  }

  async setHeader(hasHeader: boolean): Promise<void> {
    await this.run(null, async () => {
      this.csv.setProfile(await app.api.setCsvHeader(hasHeader));
      this.notes = this.csv.profile?.notes ?? [];
    });
  }

  /** Builds the dataset from the CSV form. */
  async applyCsv(): Promise<void> {
    // The form's choices as they are now: a later refit must not pick up edits that were never applied.
    const chosen = this.csv.options(0, 0);
    const apply = async (validationSplit: number, seed: number) => {
      const { summary, notes } = await app.api.loadTable({ ...chosen, validationSplit, trainSeed: seed }, 'user');
      this.use(summary, [...(this.csv.profile?.notes ?? []), ...notes]);
    };
    await this.run(null, () => this.withTable('own-csv', apply));
  }

  async applyImages(): Promise<void> {
    await this.run(t.dataUi.decoding, async () => {
      const source = await this.images.source();
      const buffers = source.kind === 'zip' ? [source.bytes] : source.files.map((f) => f.bytes);
      const { summary, notes } = await app.api.loadImages(Comlink.transfer(source, buffers), this.images.options());
      this.use(summary, notes);
    });
  }

  private async loadBuiltinTable(entry: Extract<CatalogEntry, { kind: 'table' }>): Promise<void> {
    this.tableMeta ??= fetch('data/tabular/meta.json').then((r) => r.json());
    const [meta, bytes] = await Promise.all([this.tableMeta, fetchBytes(`data/tabular/${entry.file}`)]);
    const info = meta[entry.file];
    const profile = await app.api.inspectCsv(Comlink.transfer(bytes, [bytes]), entry.file, undefined, 'builtin');
    const target = profile.columns.findIndex((c) => c.name === info.target);
    const apply = async (validationSplit: number, seed: number) => {
      const opts = { target, task: info.task, kinds: profile.columns.map((c) => c.kind), missing: 'drop' as const, testFraction: 0.2, splitSeed: 1, validationSplit, trainSeed: seed };
      const { summary, notes } = await app.api.loadTable({ ...opts, id: entry.id, name: entry.name, source: entry.source, classNames: info.target_names }, 'builtin');
      this.use(summary, notes);
    };
    await this.withTable(entry.id, apply);
  }

  private async loadIdx(entry: Extract<CatalogEntry, { kind: 'idx' }>): Promise<void> {
    const keys = Object.keys(IDX_FILE_NAMES) as (keyof IdxFiles)[];
    const received = new Map<string, [number, number]>();
    app.datasetLoading = 0;
    try {
      const buffers = await Promise.all(
        keys.map((key) =>
          fetchBytes(`${entry.dir}/${IDX_FILE_NAMES[key]}`, (got, total) => {
            received.set(key, [got, total]);
            const [a, b] = [...received.values()].reduce(([x, y], [g, tt]) => [x + g, y + tt], [0, 0]);
            app.datasetLoading = b > 0 ? Math.round((100 * a) / b) : 0;
          }),
        ),
      );
      const files = Object.fromEntries(keys.map((k, i) => [k, buffers[i]])) as unknown as IdxFiles;
      this.use(await app.api.loadIdxDataset(Comlink.transfer(files, buffers), entry.info));
    } finally {
      app.datasetLoading = null;
    }
  }

  /** Applies a table dataset now and remembers how, to refit its statistics before training. */
  private async withTable(choice: DataChoice, apply: (validationSplit: number, seed: number) => Promise<void>): Promise<void> {
    await apply(app.settings.validationSplit, app.settings.seed);
    this.tableInUse = { choice, apply };
  }

  /** Table statistics come from the rows the loop trains on: refit when the validation split or seed changed. */
  private async refitTable(): Promise<void> {
    const pre = app.dataset?.preprocessing;
    if (!pre || !this.tableInUse) return;
    const { validationSplit, seed } = app.settings;
    if (pre.validationSplit === validationSplit && pre.seed === seed) return;
    await this.tableInUse.apply(validationSplit, seed);
  }

  /** Makes a loaded dataset the page's current one. */
  private use(summary: DatasetSummary, notes: string[] = []): void {
    if (!summary.preprocessing) this.tableInUse = null;
    app.dataset = summary;
    app.test = null;
    evaluation.clear();
    this.notes = notes;
  }

  /** Runs a load, showing `busy`; an error is kept in `error` and nothing else changes. */
  private async run(busy: string | null, work: () => Promise<void>): Promise<void> {
    if (app.run.isActive) return;
    this.busy = busy;
    this.error = null;
    try {
      await work();
    } catch (err) {
      this.error = message(err);
    } finally {
      this.busy = null;
    }
  }
}

export const data = new DataState();
