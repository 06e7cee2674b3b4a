import type { BackendName } from '../engine/backend';
import type { ModelSpec } from '../engine/models/spec';
import type { TrainEvent } from '../engine/train/events';
import { t } from '../i18n';
import { describe } from '../i18n/engine-text';
import type { AppState } from './app.svelte';
import { BackendComparison } from './backend-comparison.svelte';
import { errorMessage } from './errors';


/**
 * The engine commands: start a backend (the one forced, or the first that works), the automatic choice with
 * its background comparison, the numerics check of GPU backends, and what happens when a backend fails
 * mid-run. They drive the trainer and fill the backend state of `app` (what the engine badge shows).
 */
export class BackendCommands {
  constructor(private readonly app: AppState) {}

  /**
   * Automatic mode: times a few training steps of the current model on every backend that starts here and
   * keeps the fastest. The result is cached per device and model size; `remeasure` ignores the cache.
   * The measurement runs in a second worker on random examples of the data's shape, so the trainer (already
   * started on the first backend that works) is ready at once: Train does not wait for it. Training or
   * tuning puts the measurement off until they end, so it never competes with them for the CPU.
   */
  async pickFastest(remeasure = false, options: { deferMeasurement?: boolean } = {}): Promise<void> {
    if (this.app.forcedBackend !== 'auto' || !this.app.model || !this.app.backend || !this.app.dataset || this.app.run.isActive) return;
    const key = BackendComparison.cacheKey(this.app.model.totalParams);
    const cached = remeasure ? null : BackendComparison.readCache(key);
    if (!cached && options.deferMeasurement) {
      this.measureSoon();
      return;
    }
    if (!cached) {
      // "Measure again" (remeasure) also times GPUs emulated in software; see the worker's measureBackends.
      const spec = this.app.spec;
      if (!spec) return;
      this.app.comparison.start(key, spec, this.app.dataset, remeasure, () => this.applyMeasuredBackend(), (err) => this.app.notify('warning', () => t.backend.measureFailed(errorMessage(err))));
      return;
    }
    this.app.backendStarting = true;
    try {
      const info = await this.app.api.backend.init({ forced: cached.chosen });
      this.app.backend = { ...info, reason: () => t.backend.cachedReason(cached.chosen, cached.measuredAt), speeds: cached.speeds, measuredAt: cached.measuredAt, cached: true };
    } catch (err) {
      this.app.notify('warning', () => t.backend.measureFailed(errorMessage(err)));
    } finally {
      this.app.backendStarting = false;
    }
  }

  /**
   * Training or tuning is about to start on the trainer: a comparison still running is put off, and one
   * that has finished is applied first.
   */
  async beforeHeavyWork(): Promise<void> {
    if (this.pendingMeasure !== null) {
      // Not started yet: it runs after the work, as one that was running would.
      clearTimeout(this.pendingMeasure);
      this.pendingMeasure = null;
      this.app.comparison.postponed = true;
    }
    this.app.comparison.cancel();
    await this.applyMeasuredBackend();
  }

  private pendingMeasure: ReturnType<typeof setTimeout> | null = null;

  /**
   * The first visit's comparison starts once the page has settled: its worker (a second engine compiling, then
   * timing every backend on both cores) would otherwise take a core from the first steps of a Train pressed at once.
   */
  private measureSoon(): void {
    if (this.pendingMeasure !== null) clearTimeout(this.pendingMeasure);
    this.pendingMeasure = setTimeout(() => {
      this.pendingMeasure = null;
      if (this.app.run.isActive || this.app.session.busy !== null) this.app.comparison.postponed = true;
      else void this.pickFastest();
    }, 2000);
  }

  /** After a run or tuning: a comparison that was put off runs once the page has been idle a moment. */
  resumeMeasurementSoon(): void {
    if (this.app.comparison.postponed) setTimeout(() => this.resumeMeasurement(), 1500);
  }

  private resumeMeasurement(): void {
    if (!this.app.comparison.postponed || this.app.run.isActive || this.app.session.busy !== null) return;
    this.app.comparison.postponed = false;
    void this.pickFastest();
  }

  /** Moves the trainer to the measured backend when it is idle (otherwise at the next start of work). */
  private async applyMeasuredBackend(): Promise<void> {
    const info = this.app.backend;
    if (!this.app.comparison.result || !info || this.app.forcedBackend !== 'auto' || this.app.run.isActive || this.app.session.busy !== null || this.app.landscape.computing) return;
    const picked = this.app.comparison.take()!;
    const reason = () => t.backend.measuredReason(picked.chosen);
    if (picked.chosen === info.name) {
      this.app.backend = { ...info, reason, speeds: picked.speeds, measuredAt: picked.measuredAt, cached: false };
      return;
    }
    this.app.backendStarting = true;
    try {
      const started = await this.app.api.backend.init({ forced: picked.chosen });
      this.app.backend = { ...started, reason, speeds: picked.speeds, measuredAt: picked.measuredAt, cached: false };
    } catch (err) {
      this.app.notify('warning', () => t.backend.measureFailed(errorMessage(err)));
    } finally {
      this.app.backendStarting = false;
    }
    await this.checkNumerics();
  }

  async start(): Promise<void> {
    this.app.backendStarting = true;
    try {
      const forced = this.app.forcedBackend === 'auto' ? undefined : this.app.forcedBackend;
      const info = await this.app.api.backend.init({ forced });
      this.app.backend = info;
      // A backend that failed or hung while starting is said out loud, with what runs instead.
      if (info.failures.length || (forced && info.name !== forced)) {
        this.app.notify('warning', () => `${(info.failures.length ? info.failures : info.notices).map((m) => describe(m)).join('; ')}. ${t.backend.fellBack(t.backend.names[info.name])}`);
      }
    } catch (err) {
      this.app.notify('error', () => t.backend.failed(errorMessage(err)));
    } finally {
      this.app.backendStarting = false;
    }
  }

  async choose(choice: BackendName | 'auto'): Promise<void> {
    if (this.app.run.isActive) return;
    this.app.forcedBackend = choice;
    this.app.comparison.forget();
    await this.start();
    if (choice === 'auto') await this.pickFastest();
    else await this.checkNumerics();
  }

  onFallback(event: Extract<TrainEvent, { kind: 'fallback' }>): void {
    const to = event.to as BackendName;
    this.app.notify('warning', () => t.backend.fallbackMidRun(event.from, t.backend.names[to] ?? event.to, describe(event.reason), event.resumeEpoch));
    if (this.app.backend) this.app.backend = { ...this.app.backend, name: to, reason: () => t.backend.fallbackReason(event.from), speeds: undefined, numerics: undefined, threads: 0 };
  }

  /** Simulates a lost backend `afterSteps` training steps from now (the run must carry on elsewhere). */
  async simulateFailure(afterSteps = 30): Promise<void> {
    await this.app.api.testHooks.injectBackendFailure({ afterSteps });
    this.app.notify('info', () => t.backend.simulated(afterSteps));
  }

  /** A GPU backend's loss on one batch is compared with the CPU backend's; a gap over 1e-4 (relative) is reported. */
  async checkNumerics(): Promise<void> {
    const info = this.app.backend;
    if (!info || !this.app.model || (info.name !== 'webgpu' && info.name !== 'webgl')) return;
    this.app.backendStarting = true;
    try {
      const numerics = await this.app.api.backend.checkNumerics();
      this.app.backend = { ...info, numerics };
      if (numerics.relative > 1e-4) this.app.notify('warning', () => t.backend.numericsOff(info.name, numerics.relative));
    } catch (err) {
      this.app.notify('warning', () => t.backend.numericsFailed(errorMessage(err)));
    } finally {
      this.app.backendStarting = false;
    }
  }
}
