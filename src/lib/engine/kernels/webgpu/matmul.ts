import * as tf from '../../tf';
import { allocate, dispatch, pipeline, type WebGpuBackendLike } from './device';

/**
 * Our WGSL matmul for Dense layers: C[M,N] = op(A)·op(B) (+ bias, relu), op = identity or transpose read in
 * place (never materialised), and optionally one operand masked by relu' (x·[y > 0], y stored like that
 * operand), so the gradient dz = dy ⊙ relu'(y) is formed while loading tiles instead of in two extra kernels.
 *
 * Tiling: a 32×32 block of C per workgroup of 8×8 threads (4×4 outputs each), K in steps of 16 through
 * workgroup memory. Sums run in k order per output; bias then relu are applied after the full sum, as TF.js does.
 */
export interface MatMulFlags {
  transposeA: boolean;
  transposeB: boolean;
  /** A (or B) is multiplied elementwise by [y > 0], y laid out as A (or B) is stored. */
  maskA: boolean;
  maskB: boolean;
  bias: boolean;
  relu: boolean;
}

const TILE = 32;
const TK = 16;

function shader(f: MatMulFlags): string {
  const bindings = ['a', 'b', ...(f.maskA || f.maskB ? ['mask'] : []), ...(f.bias ? ['bias'] : [])];
  const load = (name: 'a' | 'b', masked: boolean) => (masked ? `select(0.0, ${name}[idx], mask[idx] > 0.0)` : `${name}[idx]`);
  return /* wgsl */ `
struct Params { M: u32, N: u32, K: u32, pad: u32 }
@group(0) @binding(0) var<storage, read_write> c: array<f32>;
${bindings.map((n, i) => `@group(0) @binding(${i + 1}) var<storage, read> ${n}: array<f32>;`).join('\n')}
@group(0) @binding(${bindings.length + 1}) var<uniform> p: Params;

var<workgroup> As: array<f32, ${TK * TILE}>;
var<workgroup> Bs: array<f32, ${TK * TILE}>;

fn loadA(i: u32, k: u32) -> f32 {
  if (i >= p.M || k >= p.K) { return 0.0; }
  let idx = ${f.transposeA ? 'k * p.M + i' : 'i * p.K + k'};
  return ${load('a', f.maskA)};
}
fn loadB(k: u32, j: u32) -> f32 {
  if (k >= p.K || j >= p.N) { return 0.0; }
  let idx = ${f.transposeB ? 'j * p.K + k' : 'k * p.N + j'};
  return ${load('b', f.maskB)};
}

@compute @workgroup_size(8, 8, 1)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let row0 = wid.y * ${TILE}u;
  let col0 = wid.x * ${TILE}u;
  let t = lid.y * 8u + lid.x;
  var acc: array<f32, 16>;
  for (var k0 = 0u; k0 < p.K; k0 = k0 + ${TK}u) {
    for (var e = 0u; e < ${(TK * TILE) / 64}u; e = e + 1u) {
      let flat = e * 64u + t;
      // Consecutive threads walk the operand's contiguous axis in memory.
      ${f.transposeA ? `let kk = flat / ${TILE}u; let ii = flat % ${TILE}u;` : `let ii = flat / ${TK}u; let kk = flat % ${TK}u;`}
      As[kk * ${TILE}u + ii] = loadA(row0 + ii, k0 + kk);
      ${f.transposeB ? `let jj = flat / ${TK}u; let kb = flat % ${TK}u;` : `let kb = flat / ${TILE}u; let jj = flat % ${TILE}u;`}
      Bs[kb * ${TILE}u + jj] = loadB(k0 + kb, col0 + jj);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${TK}u; kk = kk + 1u) {
      var av: array<f32, 4>;
      for (var r = 0u; r < 4u; r = r + 1u) { av[r] = As[kk * ${TILE}u + lid.y * 4u + r]; }
      for (var q = 0u; q < 4u; q = q + 1u) {
        let bv = Bs[kk * ${TILE}u + lid.x * 4u + q];
        for (var r = 0u; r < 4u; r = r + 1u) { acc[r * 4u + q] = acc[r * 4u + q] + av[r] * bv; }
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r = r + 1u) {
    let i = row0 + lid.y * 4u + r;
    if (i >= p.M) { continue; }
    for (var q = 0u; q < 4u; q = q + 1u) {
      let j = col0 + lid.x * 4u + q;
      if (j >= p.N) { continue; }
      var x = acc[r * 4u + q];
      ${f.bias ? 'x = x + bias[j];' : ''}
      ${f.relu ? 'x = max(x, 0.0);' : ''}
      c[i * p.N + j] = x;
    }
  }
}
`;
}

/**
 * C = op(a)·op(b) (+ bias)(relu) with our WGSL program; 2-D float32 tensors only. `mask` (stored like the
 * masked operand) is required when `flags.maskA` or `flags.maskB`. Returns a new [M, N] tensor the caller owns.
 */
export function matMulWebGPU(backend: WebGpuBackendLike, a: tf.Tensor2D, b: tf.Tensor2D, flags: MatMulFlags, extra: { mask?: tf.Tensor; bias?: tf.Tensor } = {}): tf.Tensor2D {
  const [M, K] = flags.transposeA ? [a.shape[1], a.shape[0]] : a.shape;
  const N = flags.transposeB ? b.shape[0] : b.shape[1];
  const kb = flags.transposeB ? b.shape[1] : b.shape[0];
  if (K !== kb) throw new Error(`matMulWebGPU: inner sizes ${K} and ${kb} differ`);
  const out = allocate(backend, [M, N]) as tf.Tensor2D;
  if (M === 0 || N === 0) return out;
  const key = `descent-mm-${Object.entries(flags).map(([k, v]) => (v ? k : '')).join('')}`;
  const inputs: tf.TensorInfo[] = [out, a, b];
  if (flags.maskA || flags.maskB) inputs.push(extra.mask!);
  if (flags.bias) inputs.push(extra.bias!);
  dispatch(backend, pipeline(backend, key, () => shader(flags)), inputs, [{ type: 'uint32', data: [M] }, { type: 'uint32', data: [N] }, { type: 'uint32', data: [K] }, { type: 'uint32', data: [0] }], [Math.ceil(N / TILE), Math.ceil(M / TILE), 1]);
  return out;
}

const COLSUM_WGSL = /* wgsl */ `
struct Params { rows: u32, cols: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  if (j >= p.cols) { return; }
  var s = 0.0;
  for (var i = 0u; i < p.rows; i = i + 1u) {
    let idx = i * p.cols + j;
    s = s + select(0.0, dy[idx], y[idx] > 0.0);
  }
  out[j] = s;
}
`;

/** Σ over rows of dy ⊙ [y > 0] (the bias gradient of a relu layer), [rows, cols] → [cols]; the caller owns it. */
export function maskedColumnSumWebGPU(backend: WebGpuBackendLike, dy: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D {
  const [rows, cols] = dy.shape;
  const out = allocate(backend, [cols]) as tf.Tensor1D;
  if (cols === 0) return out;
  dispatch(backend, pipeline(backend, 'descent-colsum-relu', () => COLSUM_WGSL), [out, dy, y], [rows, cols, 0, 0].map((x) => ({ type: 'uint32' as const, data: [x] })), [Math.ceil(cols / 64), 1, 1]);
  return out;
}
