import type { QuantizationReport, QuantizeDtype } from '../engine/runs/record';
import { locale, t } from '../i18n';
import { downloadFile } from '../io/download';
import { getRun } from '../io/runs-db';
import type { ExportSource } from '../worker/deploy-api';
import { app } from './app.svelte';
import { errorMessage } from './errors';

const message = errorMessage;

/** The export dialog: which weights, which quantisation (measured before download), and the downloads. */
class ExportState {
  isOpen = $state(false);
  source = $state.raw<ExportSource>({ kind: 'session' });
  title = $state('');
  /** Epoch of the stored best checkpoint, when exporting a stored run that has one apart from the last. */
  bestEpoch = $state<number | null>(null);
  dtype = $state<QuantizeDtype | 'none'>('none');
  reports = $state.raw<Partial<Record<QuantizeDtype, QuantizationReport>>>({});
  measuring = $state(false);
  busy = $state<'zip' | 'files' | null>(null);
  error = $state<string | null>(null);
  /** Size of the last downloaded zip (bytes). */
  zipBytes = $state<number | null>(null);

  /** Opens the dialog; a stored run's name (which the user may have changed) titles it. */
  openFor(source: ExportSource, title: string, bestEpoch: number | null = null): void {
    this.source = source;
    this.title = title;
    this.bestEpoch = bestEpoch;
    const runId = source.kind === 'run' ? source.runId : app.currentRunId;
    if (runId) void getRun(runId).then((r) => r && this.title === title && (this.title = r.name), () => {});
    this.dtype = 'none';
    this.reports = {};
    this.error = null;
    this.zipBytes = null;
    this.isOpen = true;
  }

  close(): void {
    this.isOpen = false;
  }

  /** Which checkpoint of a stored run to export. */
  async chooseWeights(kind: 'last' | 'best'): Promise<void> {
    if (this.source.kind !== 'run') return;
    this.source = { ...this.source, weights: kind };
    this.reports = {};
    if (this.dtype !== 'none') await this.choose(this.dtype);
  }

  async choose(dtype: QuantizeDtype | 'none'): Promise<void> {
    this.dtype = dtype;
    this.error = null;
    if (dtype === 'none' || this.reports[dtype]) return;
    this.measuring = true;
    try {
      await app.start(); // opened from the Runs list, the engine may not have started yet
      const report = await app.api.deploy.measureQuantization({ source: $state.snapshot(this.source) as ExportSource, dtype });
      this.reports = { ...this.reports, [dtype]: report };
    } catch (err) {
      this.error = t.deploy.export.failed(message(err));
    } finally {
      this.measuring = false;
    }
  }

  private get quantize(): QuantizeDtype | null {
    return this.dtype === 'none' ? null : this.dtype;
  }

  async downloadZip(): Promise<void> {
    await this.run('zip', async () => {
      const { fileName, zip } = await app.api.deploy.exportBundle({ source: $state.snapshot(this.source) as ExportSource, dtype: this.quantize, locale: locale.current });
      this.zipBytes = zip.byteLength;
      downloadFile(fileName, zip as Uint8Array<ArrayBuffer>, 'application/zip');
      app.notify('info', () => t.deploy.export.downloaded(fileName));
    });
  }

  async downloadFiles(): Promise<void> {
    await this.run('files', async () => {
      const files = await app.api.deploy.exportFiles({ source: $state.snapshot(this.source) as ExportSource, dtype: this.quantize });
      downloadFile('model.json', files.modelJson, 'application/json');
      downloadFile(files.weightsFileName, files.weights);
      app.notify('info', () => t.results.exported(`model.json, ${files.weightsFileName}`));
    });
  }

  private async run(kind: 'zip' | 'files', work: () => Promise<void>): Promise<void> {
    this.busy = kind;
    this.error = null;
    try {
      await app.start(); // opened from the Runs list, the engine may not have started yet
      await work();
    } catch (err) {
      this.error = t.deploy.export.failed(message(err));
    } finally {
      this.busy = null;
    }
  }
}

export const exporter = new ExportState();
