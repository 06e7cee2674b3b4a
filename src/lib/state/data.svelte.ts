import * as Comlink from 'comlink';
import { EngineError, toEngineMessage } from '../engine/errors';
import { CATALOG, type CatalogEntry, type TableMeta } from '../engine/data/catalog';
import type { IdxDatasetInfo } from '../engine/data/mnist';
import { defaultClasses, type SyntheticKind, type SyntheticOptions } from '../engine/data/synthetic';
import type { LoadResult } from '../engine/data/workshop';
import { PLAYGROUND_CONFIG } from '../engine/models/playground';
import { DEFAULT_CONFIG } from '../engine/train/config';
import { t } from '../i18n';
import { streamIdxFiles, type IdxStreamSink } from '../io/builtin-data';
import { fetchBytes, fetchJson } from '../io/fetch-files';
import { readWithLimit } from '../io/user-files';
import { app } from './app.svelte';
import { CsvForm } from './csv-form.svelte';
import { errorMessage } from './errors';
import { evaluation } from './evaluation.svelte';
import { ImageForm } from './image-form.svelte';
import { editor } from './model-editor.svelte';

export type DataChoice = string | 'own-csv' | 'own-images';

/** A built-in dataset's files being fetched (`DataState.openStream`), waiting for a load's ticket. */
interface IdxStream {
  info: IdxDatasetInfo;
  /** Resolves when the worker has the first block (the dataset is the session's). */
  first: Promise<void>;
  /** Settles when every file has been fetched and passed on. */
  done: Promise<void>;
  detached: () => boolean;
  attach: (ticket: number) => void;
  detach: () => void;
}

/**
 * The dataset picker's state and commands. Built-in datasets, generators and the user's own files all end in
 * the worker's parsers and its session. Each load asks the worker for a ticket first: when the user picks
 * again before a load ends, only the last pick's data is applied, whatever order the loads finish in. A failed
 * load leaves the current dataset and every choice in the forms as they were, and says what went wrong.
 */
export class DataState {
  choice = $state<DataChoice>('mnist');
  busy = $state<string | null>(null);
  error = $state<string | null>(null);
  notes = $state.raw<LoadResult['notes']>([]);
  generator = $state({ kind: 'spiral' as SyntheticKind, count: 400, noise: 0.2, seed: 1, classes: defaultClasses('spiral') });
  readonly csv = new CsvForm();
  readonly images = new ImageForm();
  private tableMeta?: Promise<Record<string, TableMeta>>;
  /** Ends the fetch of a built-in dataset still streaming in (another choice replaces it). */
  private streaming: AbortController | null = null;

  get entry(): CatalogEntry | undefined {
    return CATALOG.find((e) => e.id === this.choice);
  }

  /** Picks a dataset; built-ins and generators load at once, own data waits for its form. */
  async select(choice: DataChoice): Promise<void> {
    this.choice = choice;
    this.error = null;
    this.streaming?.abort();
    this.streaming = null;
    this.notes = [];
    const entry = this.entry;
    if (!entry) return;
    if (entry.kind === 'generator') {
      this.generator.kind = entry.synth;
      await this.generate();
    } else if (entry.kind === 'idx') {
      // The files start arriving at once, before the worker has started (it needs a second or two on a first visit).
      const stream = app.run.isActive ? null : this.openStream(entry);
      await this.load(entry.id, t.dataset.loading(0), (ticket) => this.loadIdx(stream!, ticket));
      stream?.detach();
    }
    else await this.load(entry.id, t.dataUi.loadingFile(entry.file), (ticket) => this.loadBuiltinTable(entry, ticket));
  }

  /** Generates the generator form's data; `playground`: with the 2-D playground's model, planned with the data. */
  async generate(model: { playground?: boolean } = {}): Promise<void> {
    const g = $state.snapshot(this.generator);
    const classes = g.classes ?? defaultClasses(g.kind);
    const names = {
      dataset: t.dataUi.generators[g.kind],
      classes: Array.from({ length: classes }, (_, i) => t.dataUi.generatedClass(i)),
      source: t.dataUi.generatedSource(t.dataUi.generators[g.kind], g.count, g.noise, g.seed),
    };
    const options: SyntheticOptions = { kind: g.kind, count: g.count, noise: g.noise, seed: g.seed, classes: g.classes, names };
    await this.load(`synthetic-${g.kind}`, t.dataUi.generator.generate, async (ticket) => {
      await app.api.data.loadSynthetic({ ticket, options });
      await this.use([], model);
    });
  }

  /** The 2-D playground: a generated dataset with the small playground model and its quick settings. */
  async playground(options: SyntheticOptions): Promise<void> {
    Object.assign(this.generator, options);
    this.choice = CATALOG.find((e) => e.kind === 'generator' && e.synth === options.kind)?.id ?? this.choice;
    // The settings first: whatever the user types once the data is shown is kept (set after the data, they
    // overwrote an epoch count typed while the model was being planned).
    const twoD = options.kind !== 'linear';
    if (twoD) Object.assign(app.settings, PLAYGROUND_CONFIG);
    await this.generate({ playground: twoD });
  }

  /** Back to MNIST with the classic model and settings. */
  async classicMnist(): Promise<void> {
    Object.assign(app.settings, DEFAULT_CONFIG);
    editor.preset = 'classicMlp';
    await this.select('mnist');
  }

  /** Reads a user's CSV/TSV file (refused by size before it is read) and profiles its columns. */
  async pickCsv(file: File): Promise<void> {
    await this.run(t.dataUi.loadingFile(file.name), async () => {
      const bytes = await readWithLimit(file, 'csv');
      this.csv.setProfile(await app.api.data.inspectCsv(Comlink.transfer({ bytes, fileName: file.name }, [bytes])));
      this.notes = this.csv.profile?.notes ?? [];
    });
  }

  async setHeader(hasHeader: boolean): Promise<void> {
    await this.run(null, async () => {
      this.csv.setProfile(await app.api.data.setCsvHeader({ hasHeader }));
      this.notes = this.csv.profile?.notes ?? [];
    });
  }

  /** Builds the dataset from the CSV form (the worker refits its statistics if a run changes the split). */
  async applyCsv(): Promise<void> {
    const options = this.csv.options(app.settings.validationSplit, app.settings.seed);
    await this.load('own-csv', null, async (ticket) => {
      const { notes } = await app.api.data.loadTable({ ticket, options, slot: 'user' });
      await this.use([...(this.csv.profile?.notes ?? []), ...notes]);
    });
  }

  async applyImages(): Promise<void> {
    await this.load('own-images', t.dataUi.decoding, async (ticket) => {
      const source = await this.images.source();
      const buffers = source.kind === 'zip' ? [source.bytes] : source.files.map((f) => f.bytes);
      const { notes } = await app.api.data.loadImages(Comlink.transfer({ ticket, source, options: this.images.options() }, buffers));
      await this.use(notes);
    });
  }

  private async loadBuiltinTable(entry: Extract<CatalogEntry, { kind: 'table' }>, ticket: number): Promise<void> {
    this.tableMeta ??= fetchJson<Record<string, TableMeta>>('data/tabular/meta.json');
    const [meta, bytes] = await Promise.all([this.tableMeta, fetchBytes(`data/tabular/${entry.file}`)]);
    const info = meta[entry.file];
    const profile = await app.api.data.inspectCsv(Comlink.transfer({ bytes, fileName: entry.file, slot: 'builtin' as const }, [bytes]));
    const target = profile.columns.findIndex((c) => c.name === info.target);
    const { validationSplit, seed } = app.settings;
    const options = {
      target, task: info.task, kinds: profile.columns.map((c) => c.kind), missing: 'drop' as const, testFraction: 0.2, splitSeed: 1, validationSplit, trainSeed: seed,
      id: entry.id, name: entry.name, source: entry.source, classNames: info.target_names,
    };
    const { notes } = await app.api.data.loadTable({ ticket, options, slot: 'builtin' });
    await this.use(notes);
  }

  /**
   * A built-in idx dataset streams in: the page fetches its files and passes each chunk to the worker, which unzips
   * and parses them as they come. The fetch starts at once; chunks wait for the load's ticket (`loadIdx` attaches
   * it). Another choice detaches the stream from the worker, but its files are still fetched to the end, so that
   * the browser keeps them for offline use (the service worker, or `streamFile` on a first visit).
   */
  private openStream(entry: Extract<CatalogEntry, { kind: 'idx' }>): IdxStream {
    const detach = new AbortController();
    this.streaming = detach;
    const detached = () => detach.signal.aborted;
    let attach: (ticket: number | null) => void = () => {};
    let attached = false;
    const gate = new Promise<number | null>((resolve) => {
      attach = resolve;
      detach.signal.addEventListener('abort', () => resolve(null));
    });
    let isStarted = false;
    let started = () => {};
    const first = new Promise<void>((resolve) => (started = resolve)).then(() => {
      isStarted = true;
    });
    const api = app.api.data;
    /** Passes a chunk or a file's end on once the ticket is known, unless detached; a later choice in the worker detaches too. */
    const pass = async (call: (ticket: number) => Promise<{ started: boolean }>) => {
      const ticket = await gate;
      if (ticket === null || detached()) return { started: false };
      try {
        const progress = await call(ticket);
        if (progress.started) started();
        return progress;
      } catch (err) {
        if (toEngineMessage(err).code !== 'session.superseded') throw err;
        detach.abort();
        return { started: false };
      }
    };
    const sink: IdxStreamSink = {
      chunk: (file, chunks) => {
        const buffers = chunks.map((c) => c.buffer as ArrayBuffer);
        return pass((ticket) => api.streamChunk(Comlink.transfer({ ticket, file, bytes: buffers }, buffers)));
      },
      end: (file, shipped) => pass((ticket) => api.streamEnd({ ticket, file, shipped })),
    };
    app.datasetLoading = 0;
    const done = streamIdxFiles(entry.dir.replace(/^data\//, ''), sink, {
      // On a first visit the rest waits for the engine's start: its files then have the line to themselves.
      hold: () => (isStarted ? app.engineReady() : undefined),
      onProgress: (pct) => {
        if (app.datasetLoading !== null && !detached()) app.datasetLoading = pct;
      },
    });
    // Whatever ends the stream before a load used it (an error the load did not see) is not left unhandled.
    done.catch(() => {});
    return {
      info: entry.info,
      first,
      done,
      detached,
      attach: (ticket) => {
        attached = true;
        attach(ticket);
      },
      // A stream no load took is let go (the load did not start, or failed before it began).
      detach: () => {
        if (!attached) detach.abort();
      },
    };
  }

  /**
   * Uses a stream opened by `openStream` under the load's ticket. The dataset is used (the editor fits its model,
   * Train is offered) as soon as the first block of training examples is in; the rest arrives in the background,
   * and the card shows how much has (the session's `arrival`). If the rest fails to arrive, the card says why and a
   * run waiting on it stops.
   */
  private async loadIdx(stream: IdxStream, ticket: number): Promise<void> {
    const api = app.api.data;
    await api.streamBegin({ ticket, info: stream.info });
    stream.attach(ticket);
    try {
      await Promise.race([stream.first, stream.done]);
    } finally {
      if (!stream.detached()) app.datasetLoading = null;
    }
    // Another choice came first: this load ends quietly.
    if (stream.detached()) throw new EngineError('session.superseded', {});
    // The rest arrives in the background: a failure is said in the card, and the worker stops whatever waits on it.
    void stream.done.then(
      async () => {
        if (!stream.detached()) await app.sync();
      },
      async (err) => {
        if (stream.detached()) return;
        const message = toEngineMessage(err);
        if (message.code === 'data.streamFailed') {
          const { file, detail } = message.params as { file: string; detail: string };
          await api.streamFail({ ticket, file, detail }).catch(() => {});
        }
        this.error = errorMessage(err);
        await app.sync().catch(() => {});
      },
    );
    await this.use();
  }

  /** A dataset was loaded: the page catches up with the session, shows this load's notes, and the editor fits the model to the data. */
  private async use(notes: LoadResult['notes'] = [], model: { playground?: boolean } = {}): Promise<void> {
    await app.engineReady();
    await app.sync();
    evaluation.clear();
    this.notes = notes;
    await editor.onDataset(model);
  }

  /** A load with a ticket: superseded loads end quietly, failed ones say why and change nothing. */
  private async load(id: string, busy: string | null, work: (ticket: number) => Promise<void>): Promise<void> {
    if (app.run.isActive) return;
    app.pageLoads++;
    try {
      const ticket = await app.api.data.begin({ id });
      await this.run(busy, async () => {
        try {
          await work(ticket);
        } catch (err) {
          await app.api.data.end({ ticket });
          throw err;
        }
      });
    } finally {
      app.pageLoads--;
    }
  }

  /** Runs a load, showing `busy`; an error is kept in `error` and nothing else changes. */
  private async run(busy: string | null, work: () => Promise<void>): Promise<void> {
    if (app.run.isActive) return;
    this.busy = busy;
    this.error = null;
    try {
      await work();
    } catch (err) {
      // A load the user replaced by a later pick ends quietly.
      if (toEngineMessage(err).code !== 'session.superseded') this.error = errorMessage(err);
    } finally {
      this.busy = null;
    }
  }
}

export const data = new DataState();
