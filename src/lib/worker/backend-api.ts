/// <reference lib="webworker" />
import * as tf from '../engine/tf';
import { BACKEND_ORDER, backendIncluded, initBackend, pickFastestBackend, startBackend, type BackendName, type BackendSpeed } from '../engine/backend';
import type { Task } from '../engine/data/dataset';
import { placeholderDataset } from '../engine/data/placeholder';
import type { ModelSpec } from '../engine/models/spec';
import type { Session } from '../engine/session';
import { gemmThreads } from './gemm-threads';
import { probeBackend } from './probes';

/** The worker's backend commands: start one, measure which is fastest here, check a GPU's numerics. */
export function backendApi(session: Session) {
  const api = {
    async init(options: { forced?: BackendName } = {}) {
      const choice = await initBackend(BACKEND_ORDER, { probe: probeBackend, forced: options.forced, timeoutMs: 8000 });
      const threads = choice.name === 'wasm' ? gemmThreads() : 0;
      return { ...choice, threads, crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, tfVersion: tf.version.tfjs };
    },
    /**
     * Measures a few training steps of the plan on every backend that starts here within ~2 s, and keeps the
     * fastest active. A GPU emulated in software is listed as skipped unless `includeSoftware`: it is many times
     * slower than WASM, and its work queued in the browser's GPU process outlives a cancelled measurement
     * (measured: the page drew no frame for 2–3 s after Train cut such a measurement short).
     */
    async measure(options: { budgetMs?: number; includeSoftware?: boolean } = {}) {
      const { budgetMs = 2000, includeSoftware = false } = options;
      const candidates: BackendName[] = [];
      const skipped: BackendSpeed[] = [];
      const details = new Map<BackendName, string>();
      for (const name of BACKEND_ORDER) {
        if (!backendIncluded(name)) continue;
        const probe = await probeBackend(name).catch(() => ({ available: false, software: false, detail: '' }));
        if (!probe.available) continue;
        details.set(name, probe.detail);
        if (probe.software && !includeSoftware) skipped.push({ name, samplesPerSec: null, note: { code: 'backend.softwareNotTimed', params: { detail: probe.detail } } });
        else candidates.push(name);
      }
      const picked = await pickFastestBackend(candidates, (ms) => session.tools.quickThroughput(ms), budgetMs);
      return { ...picked, speeds: [...skipped, ...picked.speeds], detail: details.get(picked.chosen) ?? '', threads: picked.chosen === 'wasm' ? gemmThreads() : 0 };
    },
    /**
     * The same measurement for a model and data shape this worker does not hold: random examples stand in for
     * the data. The page runs it in a second worker, so the trainer stays free to start at once.
     */
    async measureFor(options: { spec: ModelSpec; inputShape: number[]; numClasses: number; task: Task; includeSoftware?: boolean; budgetMs?: number }) {
      session.setDataset(placeholderDataset(options.inputShape, options.numClasses, options.task));
      session.setModel(options.spec, 1);
      return api.measure(options);
    },
    /** The active backend's loss on one batch against the CPU backend's, same weights: relative difference. */
    async checkNumerics() {
      const name = tf.getBackend() as BackendName;
      const loss = await session.tools.lossOnFirstBatch();
      await startBackend('cpu');
      const cpuLoss = await session.tools.lossOnFirstBatch();
      await startBackend(name);
      return { backend: name, loss, cpuLoss, relative: Math.abs(loss - cpuLoss) / Math.max(Math.abs(cpuLoss), 1e-12) };
    },
  };
  return api;
}
