import type { RunRecord } from '../engine/runs/record';
import { t } from '../i18n';
import { deleteCheckpoints, deleteRun, listRuns, storageEstimate, updateRun } from '../io/runs-db';
import { app } from './app.svelte';
import { router } from './router.svelte';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The stored runs as the Runs view shows them, and what can be done with them. */
class RunsState {
  list = $state.raw<RunRecord[]>([]);
  loaded = $state(false);
  /** Runs whose loss curves are overlaid. */
  compare = $state.raw<string[]>([]);
  estimate = $state.raw<{ usage: number; quota: number } | null>(null);
  /** Runs that were in progress when the page went away (found once, at start). */
  interrupted = $state.raw<RunRecord[]>([]);
  busy = $state<string | null>(null);
  error = $state<string | null>(null);

  async refresh(): Promise<void> {
    try {
      this.list = await listRuns();
      this.estimate = await storageEstimate();
      this.compare = this.compare.filter((id) => this.list.some((r) => r.id === id));
      if (this.compare.length === 0) this.compare = this.list.slice(0, 3).map((r) => r.id);
      this.error = null;
    } catch (err) {
      this.error = t.deploy.runs.storageFailed(message(err));
    } finally {
      this.loaded = true;
    }
  }

  /** At start: a run still marked 'running' belongs to a page that went away mid-run. */
  async findInterrupted(): Promise<void> {
    try {
      this.interrupted = (await listRuns()).filter((r) => r.status === 'running' && r.completedEpochs > 0 && r.completedEpochs < r.config.epochs);
    } catch {
      this.interrupted = [];
    }
  }

  private async act(id: string, work: () => Promise<void>): Promise<void> {
    this.busy = id;
    try {
      await work();
      await this.refresh();
    } catch (err) {
      app.notify('error', message(err));
    } finally {
      this.busy = null;
    }
  }

  rename(id: string, name: string): Promise<void> {
    const trimmed = name.trim();
    if (!trimmed) return Promise.resolve();
    return this.act(id, async () => void (await updateRun(id, { name: trimmed.slice(0, 120) })));
  }

  remove(id: string): Promise<void> {
    return this.act(id, () => deleteRun(id));
  }

  /** Frees most of a run's space: its weights go, its record and curves stay. */
  dropWeights(id: string): Promise<void> {
    return this.act(id, () => deleteCheckpoints(id));
  }

  /** Forgets that a run was interrupted (it stays in the list). */
  async discard(id: string): Promise<void> {
    this.interrupted = this.interrupted.filter((r) => r.id !== id);
    await this.act(id, async () => void (await updateRun(id, { status: 'interrupted' })));
  }

  toggleCompare(id: string): void {
    this.compare = this.compare.includes(id) ? this.compare.filter((x) => x !== id) : [...this.compare, id];
  }

  /** Puts a run's model, settings and history on the Train view; `resume` continues its training. */
  private async load(record: RunRecord, resume: boolean): Promise<boolean> {
    if (app.run.isActive) {
      app.notify('warning', t.deploy.runs.busy);
      return false;
    }
    try {
      app.model = await app.worker.openRun(record.id, 'last');
    } catch (err) {
      app.notify('error', t.deploy.runs.openFailed(record.name, message(err)));
      return false;
    }
    app.spec = record.model;
    Object.assign(app.settings, record.config);
    if (!record.config.earlyStopping) delete app.settings.earlyStopping;
    app.currentRunId = record.id;
    app.health.reset();
    if (!resume) app.run.restore(record, record.status === 'stopped' ? 'stopped' : record.status === 'error' ? 'error' : 'done');
    router.go('train');
    return true;
  }

  async open(record: RunRecord): Promise<void> {
    if (await this.load(record, false)) {
      app.notify('info', t.deploy.runs.opened(record.name));
      await app.evaluateTest();
    }
  }

  async resume(record: RunRecord): Promise<void> {
    this.interrupted = this.interrupted.filter((r) => r.id !== record.id);
    if (await this.load(record, true)) await app.train({ resume: record });
  }
}

export const runs = new RunsState();
