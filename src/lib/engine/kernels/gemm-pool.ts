import { ADAM_WASM_PLAIN, ADAM_WASM_SHARED } from './adam-wasm';
import { GEMM_KC, gemmModule, type GemmCall, type GemmPool } from './gemm';
import { poolWork, type PoolThreadInit, type PoolWorker } from './pool-work';

export { gemmThreadMain, type PoolThreadInit } from './pool-work';

/**
 * Threads for our kernels. TF.js's WASM heap is not shared (the worker runs its single-threaded build), so the
 * pool has a WebAssembly.Memory of its own, shared with its threads. Two kinds of job:
 * - `run`: one GEMM on TF.js's heap. It copies A, B and the bias in, packs B, shares the rows of C out to the
 *   threads (the calling thread works too), and copies C back. The copies are memcpy-fast and small next to the
 *   product (a few hundred KB against millions of multiply-adds; see PARALLEL_MIN_MACS).
 * - `runChunks`: a whole training step of a Dense network whose weights, moments and buffers live in this memory
 *   (kernels/dense-train.ts; the chunks: pool-work.ts `denseChunk`).
 * Threads claim chunks from one counter, so a thread the OS runs late takes fewer. Between jobs they spin
 * briefly, then sleep in `Atomics.wait`. Only a cross-origin isolated page has SharedArrayBuffer; a pool of one
 * thread (the caller alone) runs on a plain memory and starts no thread.
 */

const WAKE = 0;
const CLAIM = 1;
const DONE = 2;
const QUIT = 3;
const JOB = 4;
const P = 5;
const KIND = 20;
const TOTAL = 21;
const HELPED = 24;
const TILES = 4096;
/** Where allocations start (below: the control block and the threads' edge tiles). */
const DATA = 16384;

/** A started thread (a Worker, or worker_threads in Node). */
export interface PoolThread {
  terminate(): void;
}

const adamModules: { shared?: WebAssembly.Module; plain?: WebAssembly.Module } = {};

function adamModule(shared: boolean): WebAssembly.Module {
  const key = shared ? 'shared' : 'plain';
  return (adamModules[key] ??= new WebAssembly.Module(Uint8Array.from(atob(shared ? ADAM_WASM_SHARED : ADAM_WASM_PLAIN), (c) => c.charCodeAt(0))));
}

export class GemmThreadPool implements GemmPool {
  readonly threads: number;
  readonly memory: WebAssembly.Memory;
  private readonly worker: PoolWorker;
  private readonly workers: PoolThread[] = [];
  private job = 0;
  /** Live allocations (offset → bytes) and the free blocks below `top`, by offset. */
  private readonly live = new Map<number, number>();
  private freeBlocks: { at: number; bytes: number }[] = [];
  private top = DATA;
  private scratch = { at: 0, bytes: 0 };

  /**
   * @param threads total threads including the caller's (1: the caller alone, on a plain memory)
   * @param spawn starts one thread running `gemmThreadMain(init)`
   */
  constructor(threads: number, spawn: (init: PoolThreadInit) => PoolThread, spinMs = 0.2) {
    this.threads = Math.max(1, Math.min(threads, 31));
    const shared = this.threads > 1;
    this.memory = new WebAssembly.Memory({ initial: 64, maximum: 16384, shared });
    const module = gemmModule(this.memory);
    const adam = adamModule(shared);
    const imports = { env: { memory: this.memory } };
    this.worker = {
      memory: this.memory,
      ctrl: new Int32Array(this.memory.buffer, 0, 64),
      gemm: new WebAssembly.Instance(module, imports).exports as unknown as PoolWorker['gemm'],
      adam: new WebAssembly.Instance(adam, imports).exports.adam as PoolWorker['adam'],
      tile: TILES,
    };
    for (let i = 1; i < this.threads; i++) this.workers.push(spawn({ memory: this.memory, module, adamModule: adam, index: i, spinMs }));
  }

  /** The kernels on this pool's memory, for the calling thread (views made fresh: a plain memory's buffer changes when it grows). */
  get kernels(): PoolWorker {
    if (this.worker.ctrl.buffer !== this.memory.buffer) this.worker.ctrl = new Int32Array(this.memory.buffer, 0, 64);
    return this.worker;
  }

  /** `bytes` of this pool's memory, 64-byte aligned, not initialised; the memory grows when needed. */
  alloc(bytes: number): number {
    const size = Math.ceil(Math.max(bytes, 1) / 64) * 64;
    const fit = this.freeBlocks.findIndex((b) => b.bytes >= size);
    let at: number;
    if (fit >= 0) {
      const block = this.freeBlocks[fit];
      at = block.at;
      if (block.bytes === size) this.freeBlocks.splice(fit, 1);
      else this.freeBlocks[fit] = { at: at + size, bytes: block.bytes - size };
    } else {
      at = this.top;
      this.top += size;
      const have = this.memory.buffer.byteLength;
      if (this.top > have) this.memory.grow(Math.ceil((this.top - have) / 65536));
    }
    this.live.set(at, size);
    return at;
  }

  /** Gives back what `alloc` returned. */
  free(at: number): void {
    const bytes = this.live.get(at);
    if (bytes === undefined) return;
    this.live.delete(at);
    const blocks = this.freeBlocks;
    blocks.push({ at, bytes });
    blocks.sort((a, b) => a.at - b.at);
    const merged: typeof blocks = [];
    for (const b of blocks) {
      const last = merged.at(-1);
      if (last && last.at + last.bytes === b.at) last.bytes += b.bytes;
      else merged.push({ ...b });
    }
    if (merged.length && merged.at(-1)!.at + merged.at(-1)!.bytes === this.top) this.top = merged.pop()!.at;
    this.freeBlocks = merged;
  }

  /** Bytes allocated now (for the leak tests). */
  get allocatedBytes(): number {
    let n = 0;
    for (const b of this.live.values()) n += b;
    return n;
  }

  /** A scratch block of at least `bytes` for one GEMM, kept between calls. */
  private scratchOf(bytes: number): number {
    if (bytes > this.scratch.bytes) {
      if (this.scratch.at) this.free(this.scratch.at);
      const size = Math.max(bytes, 2 * this.scratch.bytes);
      this.scratch = { at: this.alloc(size), bytes: size };
    }
    return this.scratch.at;
  }

  run(call: GemmCall, heap: WebAssembly.Memory): void {
    const { m, n, k } = call;
    const n8 = Math.ceil(n / 8) * 8;
    const extentA = (m - 1) * call.rsA + (k - 1) * call.csA + 1;
    const extentB = (k - 1) * call.rsB + (n - 1) * call.csB + 1;
    const extentC = (m - 1) * call.ldc + n;
    const align = (x: number) => Math.ceil(x / 16) * 16;
    const bias = this.scratchOf(4 * n8 + align(4 * k * n8) + align(4 * extentA) + align(4 * extentB) + 4 * extentC + 64);
    const packed = bias + 4 * n8;
    const a = packed + align(4 * k * n8);
    const b = a + align(4 * extentA);
    const c = b + align(4 * extentB);
    const mine = this.memory.buffer;
    const theirs = heap.buffer;
    new Float32Array(mine, a, extentA).set(new Float32Array(theirs, call.a, extentA));
    new Float32Array(mine, b, extentB).set(new Float32Array(theirs, call.b, extentB));
    if (call.accumulate) new Float32Array(mine, c, extentC).set(new Float32Array(theirs, call.c, extentC));
    if (call.bias) {
      const view = new Float32Array(mine, bias, n8);
      view.set(new Float32Array(theirs, call.bias, n));
      view.fill(0, n);
    }
    const kernels = this.kernels;
    kernels.gemm.packB(b, 4 * call.rsB, 4 * call.csB, k, n, GEMM_KC, packed, 0, k);
    const flags = (call.accumulate ? 1 : 0) | (call.relu ? 2 : 0);
    // About three chunks per thread, whole tiles of 4 rows.
    const rowsPerChunk = Math.max(4, Math.ceil(m / (3 * this.threads) / 4) * 4);
    const chunks = Math.ceil(m / rowsPerChunk);
    this.runJob(0, [m, n, k, GEMM_KC, a, 4 * call.rsA, 4 * call.csA, packed, c, 4 * call.ldc, call.bias ? bias : 0, flags, chunks, rowsPerChunk], chunks);
    const result = new Float32Array(this.memory.buffer, c, extentC);
    if (call.ldc === n) new Float32Array(theirs, call.c, extentC).set(result);
    else for (let i = 0; i < m; i++) new Float32Array(theirs, call.c + 4 * i * call.ldc, n).set(result.subarray(i * call.ldc, i * call.ldc + n));
  }

  /**
   * Runs the `chunks` chunks of a training step described at `desc` (pool-work.ts `denseChunk`) on every thread;
   * returns when all are done. `meanwhile` runs on the calling thread once the others are woken, before it joins in.
   */
  runChunks(desc: number, chunks: number, meanwhile?: () => void): void {
    this.runJob(1, [desc], chunks, meanwhile);
  }

  private runJob(kind: number, params: number[], chunks: number, meanwhile?: () => void): void {
    const { ctrl } = this.kernels;
    this.job = (this.job + 1) & 0x7fff;
    for (let i = 0; i < params.length; i++) ctrl[P + i] = params[i];
    ctrl[KIND] = kind;
    Atomics.store(ctrl, TOTAL, chunks);
    Atomics.store(ctrl, JOB, this.job);
    Atomics.store(ctrl, DONE, 0);
    Atomics.store(ctrl, CLAIM, this.job << 16);
    if (this.threads > 1) {
      Atomics.add(ctrl, WAKE, 1);
      Atomics.notify(ctrl, WAKE);
    }
    meanwhile?.();
    poolWork(this.worker);
    for (let done = Atomics.load(ctrl, DONE), spins = 0; done < chunks; done = Atomics.load(ctrl, DONE)) {
      if (++spins > 2000) Atomics.wait(ctrl, DONE, done, 1);
    }
  }

  /** Chunks the pool's other threads computed so far (evidence that they work). */
  get helpedChunks(): number {
    return Atomics.load(this.kernels.ctrl, HELPED);
  }

  dispose(): void {
    const { ctrl } = this.kernels;
    Atomics.store(ctrl, QUIT, 1);
    Atomics.add(ctrl, WAKE, 1);
    Atomics.notify(ctrl, WAKE);
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }
}
