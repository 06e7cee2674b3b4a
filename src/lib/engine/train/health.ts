import { engineMessage, type EngineMessage } from '../errors';
import * as tf from '../tf';
import type { RunHalt } from '../runs/record';
import type { EpochContext } from './hooks';
import type { LayerHistogram, MemoryInfo, MonitorEvent } from './monitor-events';

/** Steps between two samples of the per-layer norms (the hot loop stays untouched otherwise). */
export const HEALTH_EVERY = 25;
const BINS = 30;
/** A leak: the tensor count grew at this many epoch ends in a row (epoch 1 creates the optimizer's slots). */
const LEAK_EPOCHS = 2;

interface LayerGroup {
  layer: string;
  /** Variable names as `tf.variableGrads` keys them. */
  names: string[];
  vars: tf.Variable[];
}

/** About 40 samples per epoch, at most one every HEALTH_EVERY steps: short epochs still draw a curve. */
export function sampleEvery(stepsPerEpoch: number): number {
  return Math.max(1, Math.min(HEALTH_EVERY, Math.round(stepsPerEpoch / 40)));
}

export function memoryInfo(): MemoryInfo {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  return { numTensors: m.numTensors, numBytes: m.numBytes, ...(m.numBytesInGPU !== undefined ? { numBytesInGPU: m.numBytesInGPU } : {}) };
}

/** Equal-width histogram; `finite` is false when a value is NaN or ±Inf (those are not counted). */
export function histogram(layer: string, values: ArrayLike<number>, bins = BINS): { hist: LayerHistogram; finite: boolean } {
  let min = Infinity;
  let max = -Infinity;
  let finite = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) finite = false;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const counts = new Array<number>(bins).fill(0);
  if (min > max) return { hist: { layer, min: 0, max: 0, counts }, finite };
  const width = (max - min) / bins || 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
  }
  return { hist: { layer, min, max, counts }, finite };
}

function layerNorms(tensors: tf.Tensor[]): tf.Scalar {
  return tf.sqrt(tf.addN(tensors.map((t) => tf.sum(tf.square(t))))) as tf.Scalar;
}

/**
 * Watches a run's health: per-layer weight and gradient norms every `every` steps, histograms and the
 * tensor count at every epoch end. Stops the run (with an explanation) on NaN/Inf weights or gradients
 * and on a tensor leak. Read-backs are asynchronous, so the loop never waits for them mid-epoch.
 */
export class HealthMonitor {
  private readonly groups: LayerGroup[];
  private lastGrads: tf.Tensor[] = [];
  private pending = new Set<Promise<void>>();
  private readonly tensorCounts: number[] = [];
  halt: RunHalt | null = null;
  private epoch = 0;

  constructor(
    model: tf.LayersModel,
    private readonly emit: (e: MonitorEvent | { kind: 'error'; message: EngineMessage }) => void,
    private readonly requestStop: () => void,
    /** Steps between samples (see `sampleEvery`). */
    public every = HEALTH_EVERY,
  ) {
    this.groups = model.layers
      .filter((l) => l.trainableWeights.length > 0)
      .map((l) => {
        const vars = l.trainableWeights.map((w) => w.read() as tf.Variable);
        return { layer: l.name, names: vars.map((v) => v.name), vars };
      });
  }

  /** `TrainerHooks.wantsGradients`: every `every` steps while the run is healthy. */
  wantsGradients(step: number): boolean {
    return step % this.every === 0 && !this.halt && this.groups.length > 0;
  }

  /** `TrainerHooks.onGradients`: samples every `every` steps. */
  onGradients(step: number, grads: tf.NamedTensorMap): void {
    if (step % this.every !== 0 || this.halt || this.groups.length === 0) return;
    const groups = this.groups;
    const norms = tf.tidy(() => tf.stack([...groups.map((g) => layerNorms(g.names.map((n) => grads[n]))), ...groups.map((g) => layerNorms(g.vars))]));
    tf.dispose(this.lastGrads);
    this.lastGrads = groups.map((g) => tf.tidy(() => tf.concat(g.names.map((n) => tf.reshape(grads[n], [-1])))));
    const read = norms.data().then((values) => {
      norms.dispose();
      const L = groups.length;
      const gradNorms = Float32Array.from(values.subarray(0, L) as Float32Array);
      const weightNorms = Float32Array.from(values.subarray(L) as Float32Array);
      this.emit({ kind: 'health', step, layers: groups.map((g) => g.layer), weightNorms, gradNorms, memory: memoryInfo() });
      const bad = groups.findIndex((_, i) => !Number.isFinite(gradNorms[i]));
      if (bad >= 0) this.stop('non-finite', engineMessage('train.nonFiniteGradient', { layer: groups[bad].layer, step: step + 1 }));
    });
    this.pending.add(read);
    void read.finally(() => this.pending.delete(read));
  }

  /** Epoch-end check (part of `TrainerHooks.onEpochEnd`): returns 'stop' when the run must end. */
  async onEpochEnd(ctx: EpochContext): Promise<'stop' | void> {
    this.epoch = ctx.epoch;
    await Promise.all(this.pending);
    if (this.halt) return 'stop';
    const weights: LayerHistogram[] = [];
    for (const g of this.groups) {
      const parts = await Promise.all(g.vars.map((v) => v.data()));
      const values = parts.length === 1 ? (parts[0] as Float32Array) : concatFloat(parts as Float32Array[]);
      const { hist, finite } = histogram(g.layer, values);
      weights.push(hist);
      if (!finite) return this.stop('non-finite', engineMessage('train.nonFiniteWeights', { layer: g.layer, epoch: ctx.epoch }));
    }
    const gradients: LayerHistogram[] = [];
    for (let i = 0; i < this.lastGrads.length; i++) gradients.push(histogram(this.groups[i].layer, (await this.lastGrads[i].data()) as Float32Array).hist);
    const memory = memoryInfo();
    this.emit({ kind: 'health-epoch', epoch: ctx.epoch, memory, weights, gradients });
    return this.checkLeak(memory.numTensors);
  }

  private checkLeak(count: number): 'stop' | void {
    const counts = this.tensorCounts;
    counts.push(count);
    if (counts.length <= LEAK_EPOCHS + 1) return;
    const recent = counts.slice(-(LEAK_EPOCHS + 1));
    if (!recent.every((c, i) => i === 0 || c > recent[i - 1])) return;
    return this.stop('leak', engineMessage('train.leak', { epochs: LEAK_EPOCHS, counts: recent }));
  }

  private stop(reason: RunHalt['reason'], message: EngineMessage): 'stop' {
    if (!this.halt) {
      this.halt = { reason, message, epoch: this.epoch };
      this.emit({ kind: 'error', message });
      this.emit({ kind: 'halt', ...this.halt });
      this.requestStop();
    }
    return 'stop';
  }

  dispose(): void {
    tf.dispose(this.lastGrads);
    this.lastGrads = [];
  }
}

function concatFloat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
