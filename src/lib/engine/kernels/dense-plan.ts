import type * as tf from '../tf';
import { GEMM_KC } from './gemm';
import type { GemmThreadPool } from './gemm-pool';

/**
 * Memory layout of the whole-step kernel (dense-train.ts) in the pool's memory: each layer's weights, gradient,
 * moments and packed weights, and per batch size the step's buffers, its chunk table and the descriptor that
 * pool-work.ts `denseChunk` reads (its layout is documented there).
 */

export interface LayerBuffers {
  din: number;
  dout: number;
  relu: boolean;
  kernel: tf.Variable;
  bias: tf.Variable;
  /** [din + 1, dout]: the kernel, then the bias as row din; G, M, V alike. */
  P: number;
  G: number;
  M: number;
  V: number;
  Wp: number;
  WTp: number;
}

export interface BatchBuffers {
  B: number;
  desc: number;
  X: number;
  /** Two of each: one for the step being taken, one for the next batch gathered meanwhile. */
  labels: [number, number];
  /** Float64 results: loss and correct per phase-B chunk, then |g|² per phase-C chunk (`resultCount` in all). */
  results: number;
  resultCount: number;
  nB: number;
  total: number;
  blocks: number[];
  views?: { x: Float32Array; y: Int32Array; cur: number };
  /** B rows of bytes: a batch of uint8 data staged for phase B to scale into X. */
  raw: [number, number];
  /** Which of `labels` and `raw` the next step reads. */
  cur: number;
  /** Whether X awaits the staged bytes (set by `stage`, cleared by `step`). */
  staged: boolean;
  /** The batch to gather into the other buffers while the next step runs, and the one gathered there. */
  next: StagedRows | null;
  ready: StagedRows | null;
}

/** Rows `order[start .. start + B)` of uint8 data `x` with labels `y`. */
export interface StagedRows {
  x: Uint8Array;
  y: ArrayLike<number>;
  order: ArrayLike<number>;
  start: number;
}

/** Rows of a batch per phase-B chunk (at most), and of a gradient per phase-C chunk: fixed by the batch size, so the result does not depend on the thread count. */
const BATCH_ROWS = 32;
const GRAD_ROWS = 32;
const PACK_ROWS = 128;

/**
 * The buffers of a training step for batches of `B` rows in `pool`'s memory, the chunk table and the step's
 * descriptor as pool-work.ts `denseChunk` reads them. Free `blocks` when done.
 */
export function planBatch(pool: GemmThreadPool, layers: LayerBuffers[], B: number): BatchBuffers {
  const blocks: number[] = [];
  const alloc = (bytes: number) => {
    const at = pool.alloc(bytes);
    blocks.push(at);
    return at;
  };
  const L = layers.length;
  const chunks: number[][] = [];
  for (const [l, layer] of layers.entries()) {
    for (let r = 0; r < layer.din; r += PACK_ROWS) chunks.push([0, l, r, Math.min(layer.din, r + PACK_ROWS)]);
    if (l > 0) chunks.push([1, l, 0, layer.dout]);
  }
  const nA = chunks.length;
  // Shrinking chunks (guided): the phase's last chunks are short, so a thread seldom waits long for another's.
  for (let r = 0; r < B; ) {
    const rows = Math.min(B - r, Math.max(4, Math.min(BATCH_ROWS, Math.ceil((B - r) / 6 / 4) * 4)));
    chunks.push([2, 0, r, r + rows]);
    r += rows;
  }
  const nB = chunks.length - nA;
  for (const [l, layer] of layers.entries()) for (let r = 0; r <= layer.din; r += GRAD_ROWS) chunks.push([3, l, r, Math.min(layer.din + 1, r + GRAD_ROWS)]);
  const total = chunks.length;
  const classes = layers[L - 1].dout;
  const desc = alloc(4 * (32 + 16 * L));
  const table = alloc(16 * total);
  const X = alloc(4 * B * layers[0].din);
  const raw: [number, number] = [alloc(B * layers[0].din), alloc(B * layers[0].din)];
  const ones = alloc(4 * B);
  const labels: [number, number] = [alloc(4 * B), alloc(4 * B)];
  const resultCount = nB + total - nA;
  const results = alloc(8 * resultCount);
  const scratch = alloc(4 * classes * nB);
  const outs = layers.map((layer, l) => alloc(4 * B * (l < L - 1 ? layer.dout + 1 : layer.dout)));
  const dZ = layers.map((layer, l) => (l < L - 1 ? alloc(4 * B * layer.dout) : outs[l]));
  const dZp = layers.map((layer) => alloc(4 * B * Math.ceil(layer.dout / 8) * 8));
  const buf = pool.memory.buffer;
  const i32 = new Int32Array(buf);
  const heap = new Float32Array(buf);
  i32.set(chunks.flat(), table >> 2);
  const d = desc >> 2;
  i32.set([L, B, nA, nB, table, X, layers[0].din, labels[0], results, GEMM_KC, scratch, ones, total], d);
  for (const [l, layer] of layers.entries()) {
    const ld = l < L - 1 ? layer.dout + 1 : layer.dout;
    i32.set([layer.din, layer.dout, layer.relu ? 1 : 0, layer.P, layer.G, layer.M, layer.V, layer.Wp, layer.WTp, outs[l], ld, dZ[l], dZp[l]], d + 32 + 16 * l);
  }
  // The ones: the bias gradients come out of the weight-gradient products.
  heap.fill(1, ones >> 2, (ones >> 2) + B);
  for (let l = 0; l < L - 1; l++) for (let r = 0, ld = layers[l].dout + 1; r < B; r++) heap[(outs[l] >> 2) + r * ld + ld - 1] = 1;
  return { B, desc, X, labels, results, resultCount, nB, total, blocks, raw, cur: 0, staged: false, next: null, ready: null };
}

/** Copies `rows` (their bytes, F per row) and their labels into buffer `which` of `plan`. */
export function copyRows(pool: GemmThreadPool, plan: BatchBuffers, F: number, which: number, rows: StagedRows): void {
  const bytes = new Uint8Array(pool.memory.buffer, plan.raw[which], plan.B * F);
  const labels = new Int32Array(pool.memory.buffer, plan.labels[which], plan.B);
  for (let j = 0; j < plan.B; j++) {
    const row = rows.order[rows.start + j];
    bytes.set(rows.x.subarray(row * F, (row + 1) * F), j * F);
    labels[j] = rows.y[row];
  }
}
