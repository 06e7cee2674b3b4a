import type { RunRecord } from '../engine/runs/record';
import { isResumable } from '../engine/runs/store';
import { t } from '../i18n';
import { heldRunIds } from '../io/run-locks';
import { deleteCheckpoints, deleteRun, getRun, listRuns, storageEstimate, updateRun } from '../io/runs-db';
import { storagePersisted } from '../io/storage';
import { app } from './app.svelte';
import { editor } from './model-editor.svelte';
import { router } from './router.svelte';
import { errorMessage } from './errors';

const message = errorMessage;

/** The stored runs as the Runs view shows them, and what can be done with them. */
class RunsState {
  list = $state.raw<RunRecord[]>([]);
  loaded = $state(false);
  /** Runs whose loss curves are overlaid. */
  compare = $state.raw<string[]>([]);
  estimate = $state.raw<{ usage: number; quota: number } | null>(null);
  /** Whether the browser keeps this site's storage when space runs low (null: it cannot say). */
  persisted = $state<boolean | null>(null);
  /** Runs that were in progress when their page went away (found at start, and when this tab is shown again). */
  interrupted = $state.raw<RunRecord[]>([]);
  /** Ids of the runs some tab is recording now (Web Locks), as of the last refresh. */
  held = $state.raw<ReadonlySet<string>>(new Set());
  busy = $state<string | null>(null);
  error = $state<string | null>(null);

  async refresh(): Promise<void> {
    try {
      this.list = await listRuns();
      this.held = await heldRunIds();
      this.estimate = await storageEstimate();
      this.persisted = await storagePersisted();
      this.compare = this.compare.filter((id) => this.list.some((r) => r.id === id));
      if (this.compare.length === 0) this.compare = this.list.slice(0, 3).map((r) => r.id);
      this.error = null;
    } catch (err) {
      this.error = t.deploy.runs.storageFailed(message(err));
    } finally {
      this.loaded = true;
    }
  }

  /**
   * A run still marked 'running' that no tab holds belongs to a page that went away mid-run. Runs held
   * before or after the listing are left out: one that started or ended meanwhile is not interrupted.
   */
  async findInterrupted(): Promise<void> {
    try {
      const before = await heldRunIds();
      const list = await listRuns();
      const held = new Set([...before, ...(await heldRunIds())]);
      this.interrupted = list.filter((r) => isResumable(r, held));
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
      app.notify('error', () => message(err));
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
    // A run another tab resumed meanwhile is that tab's to write.
    if ((await heldRunIds().catch(() => new Set<string>())).has(id)) return;
    await this.act(id, async () => void (await updateRun(id, { status: 'interrupted' })));
  }

  toggleCompare(id: string): void {
    this.compare = this.compare.includes(id) ? this.compare.filter((x) => x !== id) : [...this.compare, id];
  }

  /** Puts a run's model, settings and history on the Train view; `resume` continues its training. */
  private async load(record: RunRecord, resume: boolean): Promise<boolean> {
    if (app.run.isActive) {
      app.notify('warning', () => t.deploy.runs.busy);
      return false;
    }
    try {
      await app.start();
      await app.api.model.openRun({ runId: record.id, weights: 'last' });
    } catch (err) {
      app.notify('error', () => t.deploy.runs.openFailed(record.name, message(err)));
      return false;
    }
    // The editor shows the run's layers (the plan of a next run); the worker holds the run's weights.
    await editor.showSpec(record.model);
    Object.assign(app.settings, record.config);
    if (!record.config.earlyStopping) delete app.settings.earlyStopping;
    app.health.reset();
    if (!resume) app.run.restore(record, record.status === 'stopped' ? 'stopped' : record.status === 'error' ? 'error' : 'done');
    router.go('train');
    return true;
  }

  async open(record: RunRecord): Promise<void> {
    if (await this.load(record, false)) {
      app.notify('info', () => t.deploy.runs.opened(record.name));
      await app.evaluateTest();
    }
  }

  /**
   * Continues an interrupted run, as stored now: another tab may have resumed it since it was offered. The
   * worker takes the run's lock before writing and refuses if it lost that race (`run.heldElsewhere`).
   */
  async resume(offered: RunRecord): Promise<void> {
    this.interrupted = this.interrupted.filter((r) => r.id !== offered.id);
    let record: RunRecord | undefined;
    let held: ReadonlySet<string>;
    try {
      [record, held] = await Promise.all([getRun(offered.id), heldRunIds()]);
    } catch (err) {
      app.notify('error', () => t.deploy.runs.openFailed(offered.name, message(err)));
      return;
    }
    if (!record || !isResumable(record, held)) {
      app.notify('warning', () => record && held.has(record.id) ? t.deploy.resume.heldElsewhere(record.name) : t.deploy.resume.gone(offered.name));
      await this.refresh();
      return;
    }
    if (await this.load(record, true)) await app.train({ resume: record });
  }
}

export const runs = new RunsState();
