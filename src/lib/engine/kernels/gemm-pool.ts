import { GEMM_KC, gemmModule, type GemmCall, type GemmExports, type GemmPool } from './gemm';

/**
 * Threads for our GEMM. TF.js's WASM heap is not shared (the worker runs its single-threaded build), so the
 * pool has a shared WebAssembly.Memory of its own: `run` copies A, B and the bias in, packs B, shares the rows
 * of C out to the threads (the calling thread works too), and copies C back. The copies are memcpy-fast and
 * small next to the product (a few hundred KB against millions of multiply-adds; see PARALLEL_MIN_MACS).
 *
 * Threads claim chunks of rows from one atomic counter, so a thread the OS runs late takes fewer. Between jobs
 * they spin briefly, then sleep in `Atomics.wait`. Only a cross-origin isolated page has SharedArrayBuffer.
 */

/** Int32 slots of the control block at offset 0 of the pool's memory. */
const WAKE = 0; // bumped for every job; threads wait on it
const CLAIM = 1; // (job << 16) | next chunk
const DONE = 2; // chunks finished in the current job
const QUIT = 3;
const JOB = 4; // job number (15 bits) the parameters below belong to
const P = 5; // m, n, k, kc, a, rsA, csA, packed, c, ldc, bias, flags, chunks, rowsPerChunk
const HELPED = 24; // chunks computed by the pool's threads (not the caller), ever
const TILES = 4096; // 128 bytes of edge tile per thread
const DATA = 16384;

/** What a pool thread is started with (structured-cloneable). */
export interface PoolThreadInit {
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  index: number;
  spinMs: number;
}

/** A started thread (a Worker, or worker_threads in Node). */
export interface PoolThread {
  terminate(): void;
}

/**
 * The loop of one pool thread. Self-contained (no imports, no outer variables), so that it can also be
 * started from its source text (Node's worker_threads in the unit tests).
 */
export function gemmThreadMain(init: PoolThreadInit): void {
  const ctrl = new Int32Array(init.memory.buffer, 0, 64);
  const g = new WebAssembly.Instance(init.module, { env: { memory: init.memory } }).exports as unknown as {
    gemm(m0: number, m1: number, n: number, k: number, kc: number, a: number, rsA: number, csA: number, packed: number, c: number, ldc: number, bias: number, flags: number, tile: number): void;
  };
  const tile = 4096 + 128 * init.index;
  let seen = Atomics.load(ctrl, 0);
  for (;;) {
    for (;;) {
      const claim = Atomics.add(ctrl, 1, 1);
      const chunk = claim & 0xffff;
      if (claim >>> 16 !== (Atomics.load(ctrl, 4) & 0x7fff) || chunk >= ctrl[5 + 12]) break;
      const m0 = chunk * ctrl[5 + 13];
      const m1 = Math.min(ctrl[5], m0 + ctrl[5 + 13]);
      g.gemm(m0, m1, ctrl[6], ctrl[7], ctrl[8], ctrl[9], ctrl[10], ctrl[11], ctrl[12], ctrl[13], ctrl[14], ctrl[15], ctrl[16], tile);
      Atomics.add(ctrl, 24, 1);
      Atomics.add(ctrl, 2, 1);
      Atomics.notify(ctrl, 2);
    }
    const until = performance.now() + init.spinMs;
    while (Atomics.load(ctrl, 0) === seen && performance.now() < until) {
      /* spin: the next GEMM of a step usually follows within microseconds */
    }
    if (Atomics.load(ctrl, 0) === seen) Atomics.wait(ctrl, 0, seen);
    seen = Atomics.load(ctrl, 0);
    if (Atomics.load(ctrl, 3)) return;
  }
}

export class GemmThreadPool implements GemmPool {
  readonly threads: number;
  private readonly memory: WebAssembly.Memory;
  private readonly exports: GemmExports;
  private readonly ctrl: Int32Array;
  private readonly workers: PoolThread[] = [];
  private job = 0;

  /**
   * @param threads total threads including the caller's
   * @param spawn starts one thread running `gemmThreadMain(init)`
   */
  constructor(threads: number, spawn: (init: PoolThreadInit) => PoolThread, spinMs = 0.2) {
    this.threads = Math.max(1, Math.min(threads, 31));
    this.memory = new WebAssembly.Memory({ initial: 64, maximum: 16384, shared: true });
    const module = gemmModule(this.memory);
    this.exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as GemmExports;
    this.ctrl = new Int32Array(this.memory.buffer, 0, 64);
    for (let i = 1; i < this.threads; i++) this.workers.push(spawn({ memory: this.memory, module, index: i, spinMs }));
  }

  /** Bytes [DATA, DATA + bytes) usable; grows the memory when needed. */
  private reserve(bytes: number): void {
    const need = DATA + bytes;
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / 65536));
  }

  run(call: GemmCall, heap: WebAssembly.Memory): void {
    const { m, n, k } = call;
    const n8 = Math.ceil(n / 8) * 8;
    const extentA = (m - 1) * call.rsA + (k - 1) * call.csA + 1;
    const extentB = (k - 1) * call.rsB + (n - 1) * call.csB + 1;
    const extentC = (m - 1) * call.ldc + n;
    const align = (x: number) => Math.ceil(x / 16) * 16;
    const bias = DATA;
    const packed = bias + 4 * n8;
    const a = packed + align(4 * k * n8);
    const b = a + align(4 * extentA);
    const c = b + align(4 * extentB);
    this.reserve(c + 4 * extentC - DATA);
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
    this.exports.packB(b, 4 * call.rsB, 4 * call.csB, k, n, GEMM_KC, packed, 0, k);
    const flags = (call.accumulate ? 1 : 0) | (call.relu ? 2 : 0);
    // About three chunks per thread, whole tiles of 4 rows.
    const rowsPerChunk = Math.max(4, Math.ceil(m / (3 * this.threads) / 4) * 4);
    const chunks = Math.ceil(m / rowsPerChunk);
    const ctrl = this.ctrl;
    this.job = (this.job + 1) & 0x7fff;
    const params = [m, n, k, GEMM_KC, a, 4 * call.rsA, 4 * call.csA, packed, c, 4 * call.ldc, call.bias ? bias : 0, flags, chunks, rowsPerChunk];
    for (let i = 0; i < params.length; i++) ctrl[P + i] = params[i];
    Atomics.store(ctrl, JOB, this.job);
    Atomics.store(ctrl, DONE, 0);
    Atomics.store(ctrl, CLAIM, this.job << 16);
    Atomics.add(ctrl, WAKE, 1);
    Atomics.notify(ctrl, WAKE);
    const tile = TILES;
    for (;;) {
      const claim = Atomics.add(ctrl, CLAIM, 1);
      const chunk = claim & 0xffff;
      if (chunk >= chunks) break;
      const m0 = chunk * rowsPerChunk;
      this.exports.gemm(m0, Math.min(m, m0 + rowsPerChunk), n, k, GEMM_KC, a, 4 * call.rsA, 4 * call.csA, packed, c, 4 * call.ldc, params[10], flags, tile);
      Atomics.add(ctrl, DONE, 1);
    }
    for (let done = Atomics.load(ctrl, DONE), spins = 0; done < chunks; done = Atomics.load(ctrl, DONE)) {
      if (++spins > 2000) Atomics.wait(ctrl, DONE, done, 1);
    }
    const result = new Float32Array(this.memory.buffer, c, extentC);
    if (call.ldc === n) new Float32Array(theirs, call.c, extentC).set(result);
    else for (let i = 0; i < m; i++) new Float32Array(theirs, call.c + 4 * i * call.ldc, n).set(result.subarray(i * call.ldc, i * call.ldc + n));
  }

  /** Chunks of rows the other threads computed so far (evidence that they work). */
  get helpedChunks(): number {
    return Atomics.load(this.ctrl, HELPED);
  }

  dispose(): void {
    Atomics.store(this.ctrl, QUIT, 1);
    Atomics.add(this.ctrl, WAKE, 1);
    Atomics.notify(this.ctrl, WAKE);
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }
}
