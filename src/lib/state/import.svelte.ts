import * as Comlink from 'comlink';
import { IMPORT_LIMITS, type UploadedFile } from '../engine/export/import';
import type { ImportSummary } from '../engine/session';
import { t } from '../i18n';
import { app } from './app.svelte';
import { errorMessage } from './errors';
import { editor } from './model-editor.svelte';

/** Importing a model the user brings back: validation happens in the worker, the card is shown here. */
class ImportState {
  busy = $state(false);
  summary = $state.raw<ImportSummary | null>(null);
  error = $state<string | null>(null);
  fileNames = $state<string[]>([]);

  async importFiles(files: File[]): Promise<void> {
    if (files.length === 0 || app.run.isActive) return;
    this.busy = true;
    this.error = null;
    this.summary = null;
    this.fileNames = files.map((f) => f.name);
    try {
      // Checked before reading, so a huge file is refused without filling memory.
      const big = files.find((f) => f.size > IMPORT_LIMITS.fileBytes);
      if (big) throw new Error(t.deploy.import.tooBig(big.name, big.size, IMPORT_LIMITS.fileBytes));
      const uploaded: UploadedFile[] = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
      const summary = await app.api.model.import(Comlink.transfer({ files: uploaded }, uploaded.map((u) => u.bytes.buffer as ArrayBuffer)));
      this.summary = summary;
      if (summary.model) {
        await editor.showSpec(summary.spec);
        app.run.reset();
        app.run.status = 'idle';
        app.health.reset();
        if (summary.card?.hyperParameters) Object.assign(app.settings, summary.card.hyperParameters);
        await app.evaluateTest();
      }
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  clear(): void {
    this.summary = null;
    this.error = null;
    this.fileNames = [];
  }
}

export const importer = new ImportState();
