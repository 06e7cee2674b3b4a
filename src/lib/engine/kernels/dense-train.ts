import * as tf from '../tf';
import type { FusedAdamOptimizer, MomentArrays, MomentBorrower } from '../train/fused-adam';
import { copyRows, planBatch, type BatchBuffers, type LayerBuffers } from './dense-plan';
import type { GemmThreadPool } from './gemm-pool';
import { heapOffset, wasmMemory, type WasmBackendLike } from './wasm-heap';

/**
 * A whole training step of a Dense classifier (Flatten? → Dense(relu | linear)* → Dense(softmax), sparse
 * cross-entropy, Adam) on every thread of our kernel pool, in the pool's shared memory: the forward pass, the
 * loss, the backward pass and Adam, split into chunks (pool-work.ts `denseChunk`) with two waits per step.
 *
 * Why: on TF.js's heap, only the large GEMMs ran on several threads, each after copying its operands into the
 * pool's memory; the rest of the step (TF.js's per-kernel work, the loss, the bias sums, Adam) ran on one thread
 * and two threads gave 1.03–1.22× at batch 128–512. Here every part of the step is shared out.
 *
 * Who holds what: the model's variables stay the weights' owner. They are copied in when they changed since this
 * kernel last wrote them (a new run, restored weights), and written back after every step (into new tensors,
 * as the fused Adam does), so the model is current whenever a step returns. Adam's moments are borrowed from the
 * optimizer (`FusedAdamOptimizer.borrowMoments`) and handed back when it takes another path or is disposed.
 */

/** A Dense layer the kernel trains: its variables and activation. */
export interface DenseLayerVars {
  kernel: tf.Variable;
  bias: tf.Variable;
  relu: boolean;
}

const f32 = Math.fround;
/** Where the whole-step kernel's time went (ms, summed over `steps`), while profiling is on. */
export interface WholeStepProfile {
  steps: number;
  threads: number;
  /** The pool's chunks: forward, loss, backward, Adam, packing (the caller's part of the gathering included). */
  run: number;
  /** The next batch's bytes gathered on the calling thread while the others compute (inside `run`). */
  gatherDuring: number;
  /** A batch's bytes gathered before its step (not gathered during the previous one). */
  gatherBefore: number;
  /** The new weights written back to the variables. */
  writeBack: number;
}

let profile: WholeStepProfile | null = null;

/** Starts (true) or ends (false) timing the whole-step kernel's parts; returns what was timed since the start. */
export function profileWholeStep(on: boolean): WholeStepProfile | null {
  const done = profile;
  profile = on ? { steps: 0, threads: 0, run: 0, gatherDuring: 0, gatherBefore: 0, writeBack: 0 } : null;
  return done;
}

export class DenseTrainKernel implements MomentBorrower {
  private readonly layers: LayerBuffers[];
  private batch: BatchBuffers | null = null;
  /** Each variable's data as this kernel last wrote or read it (kernel, bias per layer). */
  private readonly synced: (object | null)[];
  private held = false;
  private released = false;
  private readonly blocks: number[] = [];

  constructor(
    readonly pool: GemmThreadPool,
    readonly optimizer: FusedAdamOptimizer,
    stages: DenseLayerVars[],
    /** The backend whose heap holds the variables (TF.js's WASM). */
    private readonly backend: WasmBackendLike,
  ) {
    this.layers = stages.map((s) => {
      const [din, dout] = s.kernel.shape as [number, number];
      const n = (din + 1) * dout;
      const n8 = Math.ceil(dout / 8) * 8;
      const din8 = Math.ceil(din / 8) * 8;
      // +8 floats: the GEMM reads the bias row in panels of 8.
      const [P, G, M, V] = [this.alloc(4 * (n + 8)), this.alloc(4 * n), this.alloc(4 * n), this.alloc(4 * n)];
      return { din, dout, relu: s.relu, kernel: s.kernel, bias: s.bias, P, G, M, V, Wp: this.alloc(4 * din * n8), WTp: this.alloc(4 * dout * din8) };
    });
    this.synced = this.layers.flatMap(() => [null, null]);
  }

  /** Whether `stages` can train here: every layer with a bias, float32, chained shapes. */
  static fits(stages: { kernel: tf.Variable; bias: tf.Variable | null }[]): stages is DenseLayerVars[] {
    return stages.every((s, i) => s.bias !== null && s.kernel.dtype === 'float32' && s.bias.dtype === 'float32' && s.bias.size === s.kernel.shape[1] && (i === 0 || stages[i - 1].kernel.shape[1] === s.kernel.shape[0]));
  }

  private alloc(bytes: number): number {
    const at = this.pool.alloc(bytes);
    this.blocks.push(at);
    return at;
  }

  /** Buffers and the chunk table for batches of `B` rows (the last ones freed when `B` changes). */
  private plan(B: number): BatchBuffers {
    if (this.batch?.B === B) return this.batch;
    if (this.batch) for (const at of this.batch.blocks) this.pool.free(at);
    this.batch = planBatch(this.pool, this.layers, B);
    return this.batch;
  }

  /** Adam's moments from the optimizer, the variables where they changed since this kernel wrote them. */
  private syncIn(): void {
    const heap = () => new Float32Array(this.pool.memory.buffer);
    if (!this.held) {
      const moments = this.optimizer.borrowMoments(this);
      this.held = true;
      for (const [l, layer] of this.layers.entries()) {
        const [km, bm] = [moments[2 * l], moments[2 * l + 1]];
        const n = layer.din * layer.dout;
        const h = heap();
        for (const [target, k, b] of [[layer.M, km?.m, bm?.m], [layer.V, km?.v, bm?.v]] as const) {
          if (k) h.set(k, target >> 2);
          else h.fill(0, target >> 2, (target >> 2) + n);
          if (b) h.set(b, (target >> 2) + n);
          else h.fill(0, (target >> 2) + n, (target >> 2) + n + layer.dout);
        }
      }
    }
    const tfHeap = wasmMemory(this.backend)!.buffer;
    for (const [l, layer] of this.layers.entries()) {
      for (const [j, v] of [layer.kernel, layer.bias].entries()) {
        if (this.synced[2 * l + j] === v.dataId) continue;
        const src = new Float32Array(tfHeap, heapOffset(this.backend, v), v.size);
        heap().set(src, (layer.P >> 2) + j * layer.din * layer.dout);
        this.synced[2 * l + j] = v.dataId;
      }
    }
  }

  /** The new weights into the variables (new tensors: the WASM backend caches operators by tensor). */
  private syncOut(): void {
    const mine = new Float32Array(this.pool.memory.buffer);
    for (const [l, layer] of this.layers.entries()) {
      for (const [j, v] of [layer.kernel, layer.bias].entries()) {
        const info = this.backend.makeOutput(v.shape, 'float32');
        const next = tf.engine().makeTensorFromTensorInfo(info);
        const start = (layer.P >> 2) + j * layer.din * layer.dout;
        new Float32Array(wasmMemory(this.backend)!.buffer, heapOffset(this.backend, next), v.size).set(mine.subarray(start, start + v.size));
        v.assign(next);
        next.dispose();
        this.synced[2 * l + j] = v.dataId;
      }
    }
  }

  /**
   * Where a batch of `B` rows goes (views on the pool's memory): gather into these and `step` copies nothing.
   * Ask again before every batch: a memory that grows leaves old views behind.
   */
  inputs(B: number): { x: Float32Array; y: Int32Array } {
    const plan = this.plan(B);
    const buffer = this.pool.memory.buffer;
    if (plan.views?.x.buffer !== buffer || plan.views.cur !== plan.cur) {
      plan.views = { x: new Float32Array(buffer, plan.X, B * this.layers[0].din), y: new Int32Array(buffer, plan.labels[plan.cur], B), cur: plan.cur };
    }
    return plan.views;
  }

  /**
   * Gathers rows `order[start .. start + B)` of uint8 data for the next `step`: the caller copies their bytes
   * (a quarter of the floats' size) and phase B turns them into floats on every thread, `x · scale` as
   * `gatherBatch` computes it. The labels go straight in. Returns the views to pass to `step`.
   * `next`: where the batch after this one starts in `order` (the same data and order), or −1: the step gathers
   * it while the pool's other threads compute (the rows' reads from memory are then off the step's serial path),
   * and the next `stage` finds it there. The caller must not change those rows of `order` or the data meanwhile.
   */
  stage(x: Uint8Array, y: ArrayLike<number>, scale: number, order: ArrayLike<number>, start: number, B: number, next = -1): { x: Float32Array; y: Int32Array } {
    const plan = this.plan(B);
    const ready = plan.ready;
    if (ready && ready.x === x && ready.y === y && ready.order === order && ready.start === start) plan.cur ^= 1;
    else {
      const t = profile ? performance.now() : 0;
      copyRows(this.pool, plan, this.layers[0].din, plan.cur, { x, y, order, start });
      if (profile) profile.gatherBefore += performance.now() - t;
    }
    plan.ready = null;
    plan.next = next >= 0 && next + B <= order.length ? { x, y, order, start: next } : null;
    new Float64Array(this.pool.memory.buffer, plan.desc + 112, 1)[0] = scale;
    plan.staged = true;
    return this.inputs(B);
  }

  /**
   * One step on the first `B` rows of `x` (row-major, the first layer's width) and `y` (class indices): the
   * variables hold the new weights when it returns. Returns the batch's mean loss, its accuracy and |g|².
   */
  step(x: Float32Array, y: Int32Array, B: number): { loss: number; accuracy: number; gradSquared: number } {
    if (this.released) throw new Error('DenseTrainKernel: used after release');
    const own = this.inputs(B);
    const plan = this.plan(B);
    this.syncIn();
    const heap = new Float32Array(this.pool.memory.buffer);
    const staged = plan.staged && x === own.x;
    plan.staged = false;
    if (x !== own.x) own.x.set(x.subarray(0, own.x.length));
    if (y !== own.y) own.y.set(y.subarray(0, B));
    const i32 = new Int32Array(this.pool.memory.buffer);
    i32[(plan.desc >> 2) + 7] = plan.labels[plan.cur];
    i32[(plan.desc >> 2) + 13] = staged ? plan.raw[plan.cur] : 0;
    const c = this.optimizer.stepConstants();
    heap.set([c.b1, c.a1, c.b2, c.a2, c.negLr, c.c1, c.c2, c.eps, f32(1 / B)], (plan.desc >> 2) + 16);
    const next = staged ? plan.next : null;
    plan.next = null;
    const t0 = profile ? performance.now() : 0;
    this.pool.runChunks(plan.desc, plan.total, next ? () => {
      const t = profile ? performance.now() : 0;
      copyRows(this.pool, plan, this.layers[0].din, plan.cur ^ 1, next);
      if (profile) profile.gatherDuring += performance.now() - t;
      plan.ready = next;
    } : undefined);
    const results = new Float64Array(this.pool.memory.buffer, plan.results, plan.resultCount);
    let loss = 0;
    let correct = 0;
    let gradSquared = 0;
    for (let i = 0; i < plan.nB; i++) {
      loss += results[i];
      correct += results[plan.nB + i];
    }
    for (let i = 2 * plan.nB; i < results.length; i++) gradSquared += results[i];
    this.optimizer.advance(gradSquared);
    const t1 = profile ? performance.now() : 0;
    this.syncOut();
    if (profile) {
      profile.run += t1 - t0;
      profile.writeBack += performance.now() - t1;
      profile.steps++;
      profile.threads = this.pool.threads;
    }
    return { loss: loss / B, accuracy: correct / B, gradSquared };
  }

  /** The last step's gradients as tensors keyed by variable name (the caller disposes them). */
  gradients(): tf.NamedTensorMap {
    const heap = new Float32Array(this.pool.memory.buffer);
    const out: tf.NamedTensorMap = {};
    for (const layer of this.layers) {
      const g = layer.G >> 2;
      const n = layer.din * layer.dout;
      out[layer.kernel.name] = tf.tensor(heap.slice(g, g + n), layer.kernel.shape, 'float32');
      out[layer.bias.name] = tf.tensor(heap.slice(g + n, g + n + layer.dout), layer.bias.shape, 'float32');
    }
    return out;
  }

  /** Hands the moments back to the optimizer when `giveBack`, and frees this kernel's memory; it is not used again. */
  release(giveBack: boolean): void {
    if (this.released) return;
    this.released = true;
    if (this.held && giveBack) {
      const heap = new Float32Array(this.pool.memory.buffer);
      const moments: MomentArrays[] = [];
      const shapes: number[][] = [];
      for (const layer of this.layers) {
        const n = layer.din * layer.dout;
        for (const [offset, size, shape] of [[0, n, layer.kernel.shape], [n, layer.dout, layer.bias.shape]] as const) {
          moments.push({ m: heap.slice((layer.M >> 2) + offset, (layer.M >> 2) + offset + size), v: heap.slice((layer.V >> 2) + offset, (layer.V >> 2) + offset + size) });
          shapes.push([...shape]);
        }
      }
      this.optimizer.returnMoments(moments, shapes);
    }
    this.held = false;
    for (const at of [...this.blocks, ...(this.batch?.blocks ?? [])]) this.pool.free(at);
    this.blocks.length = 0;
    this.batch = null;
  }

  get isReleased(): boolean {
    return this.released;
  }
}
