/**
 * What the threads of our kernel pool run (the pool itself: gemm-pool.ts). Every function here is
 * self-contained (no imports, no module constants, only the globals and the other functions of this file), so that
 * Node's worker_threads can start a pool thread from their source text (tests/unit/node-gemm-thread.ts); the
 * browser's pool thread imports them (worker/gemm-thread.worker.ts).
 *
 * The control block: Int32 slots at offset 0 of the pool's memory.
 *   0 WAKE   bumped for every job; sleeping threads wait on it
 *   1 CLAIM  (job << 16) | next chunk, taken with compare-and-swap (a thread a job late never takes a chunk)
 *   2 DONE   chunks finished in the current job
 *   3 QUIT
 *   4 JOB    job number (15 bits)
 *   5..18    the job's parameters: a GEMM's (m, n, k, kc, a, rsA, csA, packed, c, ldc, bias, flags, _, rowsPerChunk);
 *            a whole training step's: [5] the step's descriptor (see `denseChunk`)
 *   20 KIND  0: rows of one GEMM; 1: a training step of a Dense network
 *   21 TOTAL chunks in the job
 *   24 HELPED chunks computed by threads other than the caller, ever
 * Per-thread scratch (a 4×8 edge tile, 128 bytes): 4096 + 128 · thread index (the caller is index 0).
 */

/** A thread's handles on the pool: its memory, the control block, the kernels instantiated on that memory. */
export interface PoolWorker {
  memory: WebAssembly.Memory;
  ctrl: Int32Array;
  gemm: {
    gemm(m0: number, m1: number, n: number, k: number, kc: number, a: number, rsA: number, csA: number, packed: number, c: number, ldc: number, bias: number, flags: number, tile: number): void;
    packB(b: number, rsB: number, csB: number, k: number, n: number, kc: number, dst: number, k0: number, k1: number): void;
  };
  adam(g: number, w: number, out: number, m: number, v: number, n: number, b1: number, a1: number, b2: number, a2: number, negLr: number, c1: number, c2: number, eps: number): number;
  /** The thread's edge tile. */
  tile: number;
}

/** What a pool thread is started with (structured-cloneable). */
export interface PoolThreadInit {
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  adamModule: WebAssembly.Module;
  index: number;
  spinMs: number;
}

/**
 * Softmax of x[base .. base + classes) into p (float32, the max subtracted); returns the first arg-max.
 * Also the softmax of our fused loss kernel (softmax-xent.ts), so both compute the same bits.
 */
export function softmaxRow(x: Float32Array, base: number, classes: number, p: Float32Array): number {
  let max = -Infinity;
  for (let j = 0; j < classes; j++) if (x[base + j] > max) max = x[base + j];
  let sum = 0;
  for (let j = 0; j < classes; j++) {
    const e = Math.fround(Math.exp(x[base + j] - max));
    p[j] = e;
    sum += e;
  }
  const s = Math.fround(sum);
  let best = 0;
  for (let j = 0; j < classes; j++) {
    p[j] = p[j] / s;
    if (p[j] > p[best]) best = j;
  }
  return best;
}

/**
 * A row's sparse cross-entropy −log(clip(p[label], ε, 1 − ε)) (Keras; a label outside [0, classes) reads p = 0),
 * and, when d is given, its gradient scale · (p − onehot) at d[base ..], zero where the clip cuts (as the clip's
 * gradient gives it).
 */
export function xentRow(p: Float32Array, classes: number, label: number, d: Float32Array | null, base: number, scale: number): number {
  const pl = label >= 0 && label < classes ? p[label] : 0;
  const inside = pl >= Math.fround(1e-7) && pl <= Math.fround(1 - 1e-7);
  if (d) {
    if (!inside) d.fill(0, base, base + classes);
    else for (let j = 0; j < classes; j++) d[base + j] = scale * (j === label ? p[j] - 1 : p[j]);
  }
  return -Math.log(Math.min(Math.max(pl, Math.fround(1e-7)), Math.fround(1 - 1e-7)));
}

/**
 * One chunk of a training step of a Dense network (kind 1), from the step's descriptor at byte `desc`:
 *   Int32 [desc/4 + i]: 0 layers L, 1 batch B, 2 nA, 3 nB, 4 chunk table, 5 X, 6 row stride of X, 7 labels (int32),
 *   8 results (float64: loss and correct per phase-B chunk, then |g|² per phase-C chunk), 9 KC, 10 scratch (a row of
 *   probabilities per phase-B chunk), 11 B ones (floats), 12 chunks in all, 13 the batch as bytes (B rows of din
 *   uint8, which phase B turns into X's floats: x · scale, the float64 at byte desc + 112), or 0 when X is filled
 *   Float32 [desc/4 + 16 ..]: Adam's b1, 1 − b1, b2, 1 − b2, −lr, c1, c2, ε, then 1/B
 *   Int32 [desc/4 + 32 + 16·l]: layer l's din, dout, relu, P, G, M, V, Wp, WTp, out, ldOut, dZ, dZp
 * P is the layer's kernel [din, dout] with its bias as row din; G, M, V the same shape (gradient, Adam's
 * moments); Wp, WTp: the kernel packed for the forward (W) and backward (Wᵀ) products; out: the layer's output
 * rows (hidden layers: row stride dout + 1, a column of ones at dout, so that the next layer's bias gradient
 * comes out of its weight-gradient product; the last layer: logits, turned into d(loss)/d(logits) in place);
 * dZ: d(loss)/d(pre-activation) (row stride dout), dZp: dZ packed. X is plain rows (the caller gathers the batch
 * straight into it), so the first layer's bias gradient is 1ᵀ·dZ from the vector of ones.
 * Chunk table: (type, layer, a0, a1) per chunk. Phase A (chunks 0 .. nA): pack rows a0 .. a1 of W (type 0) or
 * Wᵀ (type 1). Phase B (the next nB): batch rows a0 .. a1 forward through every layer, the loss and its gradient,
 * backward to every dZ, and those rows of every dZ packed. Phase C (the rest, type 3): rows a0 .. a1 of layer
 * l's gradient [Xᵀ; 1ᵀ]·dZ (weights and bias) and Adam on the same rows of P, M, V.
 */
export function denseChunk(w: PoolWorker, desc: number, index: number): void {
  const i32 = new Int32Array(w.memory.buffer);
  const f32 = new Float32Array(w.memory.buffer);
  const d = desc >> 2;
  const L = i32[d];
  const B = i32[d + 1];
  const nA = i32[d + 2];
  const nB = i32[d + 3];
  const t = (i32[d + 4] >> 2) + 4 * index;
  const [type, layer, a0, a1] = [i32[t], i32[t + 1], i32[t + 2], i32[t + 3]];
  const kc = i32[d + 9];
  const g = w.gemm;
  const lay = (l: number) => d + 32 + 16 * l;
  if (type === 0 || type === 1) {
    const l = lay(layer);
    const [din, dout, P] = [i32[l], i32[l + 1], i32[l + 3]];
    if (type === 0) g.packB(P, 4 * dout, 4, din, dout, kc, i32[l + 7], a0, a1);
    else g.packB(P, 4, 4 * dout, dout, din, kc, i32[l + 8], a0, a1);
    return;
  }
  const inputOf = (l: number): [number, number] => (l === 0 ? [i32[d + 5], i32[d + 6]] : [i32[lay(l - 1) + 9], i32[lay(l - 1) + 10]]);
  const results = new Float64Array(w.memory.buffer, i32[d + 8], 2 * nB + (i32[d + 12] - nA - nB));
  if (type === 2) {
    const raw = i32[d + 13];
    if (raw) {
      // The rows as the data holds them (bytes) into X, scaled as gatherBatch scales them (float64 product, stored as float32).
      const F = i32[d + 6];
      const bytes = new Uint8Array(w.memory.buffer, raw + a0 * F, (a1 - a0) * F);
      const scale = new Float64Array(w.memory.buffer, desc + 112, 1)[0];
      for (let k = 0, x = (i32[d + 5] >> 2) + a0 * F; k < bytes.length; k++) f32[x + k] = bytes[k] * scale;
    }
    for (let k = 0; k < L; k++) {
      const l = lay(k);
      const [din, dout, relu, P] = [i32[l], i32[l + 1], i32[l + 2], i32[l + 3]];
      const [a, lda] = inputOf(k);
      g.gemm(a0, a1, dout, din, kc, a, 4 * lda, 4, i32[l + 7], i32[l + 9], 4 * i32[l + 10], P + 4 * din * dout, relu ? 2 : 0, w.tile);
    }
    // The loss and d(loss)/d(logits) over the rows, in place of the logits.
    const last = lay(L - 1);
    const classes = i32[last + 1];
    const logits = i32[last + 9] >> 2;
    const labels = new Int32Array(w.memory.buffer, i32[d + 7], B);
    const p = new Float32Array(w.memory.buffer, i32[d + 10] + 4 * classes * (index - nA), classes);
    const scale = f32[d + 24];
    let loss = 0;
    let correct = 0;
    for (let r = a0; r < a1; r++) {
      const best = softmaxRow(f32, logits + r * classes, classes, p);
      loss += xentRow(p, classes, labels[r], f32, logits + r * classes, scale);
      if (best === labels[r]) correct++;
    }
    results[index - nA] = loss;
    results[nB + index - nA] = correct;
    // Backward to every layer's dZ: dZ[k−1] = dZ[k]·Wᵀ, times relu′ of layer k−1's output.
    for (let k = L - 1; k > 0; k--) {
      const l = lay(k);
      const below = lay(k - 1);
      const [din, dout] = [i32[l], i32[l + 1]];
      const dz = i32[below + 11];
      g.gemm(a0, a1, din, dout, kc, i32[l + 11], 4 * dout, 4, i32[l + 8], dz, 4 * din, 0, 0, w.tile);
      if (i32[below + 2]) {
        const out = i32[below + 9] >> 2;
        const ld = i32[below + 10];
        for (let r = a0; r < a1; r++) {
          for (let j = 0, o = out + r * ld, z = (dz >> 2) + r * din; j < din; j++) if (!(f32[o + j] > 0)) f32[z + j] = 0;
        }
      }
    }
    for (let k = 0; k < L; k++) {
      const l = lay(k);
      const dout = i32[l + 1];
      g.packB(i32[l + 11], 4 * dout, 4, B, dout, kc, i32[l + 12], a0, a1);
    }
    return;
  }
  // type 3: rows a0 .. a1 of [Ainᵀ; 1ᵀ]·dZ (row din is the bias), then Adam on them.
  const l = lay(layer);
  const [din, dout, P, G, M, V] = [i32[l], i32[l + 1], i32[l + 3], i32[l + 4], i32[l + 5], i32[l + 6]];
  const [a, lda] = inputOf(layer);
  if (layer > 0 || a1 <= din) g.gemm(a0, a1, dout, B, kc, a, 4, 4 * lda, i32[l + 12], G, 4 * dout, 0, 0, w.tile);
  else {
    g.gemm(a0, din, dout, B, kc, a, 4, 4 * lda, i32[l + 12], G, 4 * dout, 0, 0, w.tile);
    // Row din from the ones: element (din, p) at (ones − 4·din) + 4·din + 4·p (i32 arithmetic wraps back).
    g.gemm(din, din + 1, dout, B, kc, i32[d + 11] - 4 * din, 4, 4, i32[l + 12], G, 4 * dout, 0, 0, w.tile);
  }
  const off = 4 * a0 * dout;
  const f = d + 16;
  results[2 * nB + index - nA - nB] = w.adam(G + off, P + off, P + off, M + off, V + off, (a1 - a0) * dout, f32[f], f32[f + 1], f32[f + 2], f32[f + 3], f32[f + 4], f32[f + 5], f32[f + 6], f32[f + 7]);
}

/**
 * Claims and computes chunks of the current job until none is left; returns how many it computed. Chunks of a
 * training step's phase B wait for phase A to be done, phase C's for phase B: a thread that comes late only
 * finds less to do, so the caller never waits for a sleeping thread.
 */
export function poolWork(w: PoolWorker): number {
  const ctrl = w.ctrl;
  let count = 0;
  for (;;) {
    const claim = Atomics.load(ctrl, 1);
    const chunk = claim & 0xffff;
    if (claim >>> 16 !== (Atomics.load(ctrl, 4) & 0x7fff) || chunk >= Atomics.load(ctrl, 21)) return count;
    if (Atomics.compareExchange(ctrl, 1, claim, claim + 1) !== claim) continue;
    // Chunk `chunk` of this job is ours: its parameters stay until every chunk is done.
    if (ctrl[20] === 0) {
      const m0 = chunk * ctrl[18];
      const m1 = Math.min(ctrl[5], m0 + ctrl[18]);
      w.gemm.gemm(m0, m1, ctrl[6], ctrl[7], ctrl[8], ctrl[9], ctrl[10], ctrl[11], ctrl[12], ctrl[13], ctrl[14], ctrl[15], ctrl[16], w.tile);
    } else {
      const d = ctrl[5] >> 2;
      const i32 = new Int32Array(w.memory.buffer);
      const nA = i32[d + 2];
      const need = chunk >= nA + i32[d + 3] ? nA + i32[d + 3] : chunk >= nA ? nA : 0;
      while (Atomics.load(ctrl, 2) < need) {
        /* the previous phase is finishing on another thread: microseconds */
      }
      denseChunk(w, ctrl[5], chunk);
    }
    count++;
    // Only the job's last chunk wakes a caller that sleeps on DONE (a notify costs more than a chunk's bookkeeping).
    if (Atomics.add(ctrl, 2, 1) + 1 >= Atomics.load(ctrl, 21)) Atomics.notify(ctrl, 2);
  }
}

/**
 * The loop of one pool thread: computes chunks of each job, then spins briefly (the next job of a training step
 * usually follows within microseconds), then sleeps in `Atomics.wait` until the next job.
 */
export function gemmThreadMain(init: PoolThreadInit): void {
  const ctrl = new Int32Array(init.memory.buffer, 0, 64);
  const imports = { env: { memory: init.memory } };
  const worker: PoolWorker = {
    memory: init.memory,
    ctrl,
    gemm: new WebAssembly.Instance(init.module, imports).exports as unknown as PoolWorker['gemm'],
    adam: new WebAssembly.Instance(init.adamModule, imports).exports.adam as PoolWorker['adam'],
    tile: 4096 + 128 * init.index,
  };
  let seen = Atomics.load(ctrl, 0);
  for (;;) {
    const done = poolWork(worker);
    if (done) Atomics.add(ctrl, 24, done);
    const until = performance.now() + init.spinMs;
    while (Atomics.load(ctrl, 0) === seen && performance.now() < until) {
      /* spin */
    }
    if (Atomics.load(ctrl, 0) === seen) Atomics.wait(ctrl, 0, seen);
    seen = Atomics.load(ctrl, 0);
    if (Atomics.load(ctrl, 3)) return;
  }
}

/** The source text of a pool thread's loop with everything it calls (for worker_threads' `eval`). */
export function poolThreadSource(): string {
  return [softmaxRow, xentRow, denseChunk, poolWork, gemmThreadMain].map(String).join('\n');
}
