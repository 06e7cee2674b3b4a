import type * as tf from '../../tf';
import { allocate, dispatch, foldGroups, pipeline, type WebGpuBackendLike } from './device';

/** Adam's constants for one step, float32 as TF.js's Adam rounds them (see train/fused-adam.ts). */
export interface AdamStepConstants {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  negLearningRate: number;
  /** 1 − β₁ᵗ and 1 − β₂ᵗ as TF.js keeps them (float32 running products). */
  c1: number;
  c2: number;
  epsilon: number;
}

const WORKGROUP = 64;

/**
 * One WGSL pass of Adam over a variable: reads g, w, m, v; writes m and v in place and the new weights into
 * `out`. The operations are TF.js's, one per kernel there, in the same order, each rounded to float32:
 *   m' = m·β₁ + g·(1−β₁);  v' = v·β₂ + (g·g)·(1−β₂);  w' = ((m'/c1) / (sqrt(v'/c2) + ε))·(−lr) + w
 * Each intermediate is stored to a `let` of type f32; WGSL does not contract a·b + c into a fused multiply-add
 * across statements (it may not change the rounding), so this matches TF.js's kernel-by-kernel results.
 */
const ADAM_WGSL = /* wgsl */ `
struct Params { n: u32, b1: f32, a1: f32, b2: f32, a2: f32, negLr: f32, c1: f32, c2: f32, eps: f32, pad0: f32, pad1: f32, pad2: f32 }
@group(0) @binding(0) var<storage, read_write> outW: array<f32>;
@group(0) @binding(1) var<storage, read_write> m: array<f32>;
@group(0) @binding(2) var<storage, read_write> v: array<f32>;
@group(0) @binding(3) var<storage, read> g: array<f32>;
@group(0) @binding(4) var<storage, read> w: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let k = gid.x + gid.y * groups.x * ${WORKGROUP}u;
  if (k >= p.n) { return; }
  let gk = g[k];
  let m1: f32 = m[k] * p.b1;
  let m2: f32 = gk * p.a1;
  let mk: f32 = m1 + m2;
  let g2: f32 = gk * gk;
  let v1: f32 = v[k] * p.b2;
  let v2: f32 = g2 * p.a2;
  let vk: f32 = v1 + v2;
  m[k] = mk;
  v[k] = vk;
  let mHat: f32 = mk / p.c1;
  let vHat: f32 = vk / p.c2;
  let root: f32 = sqrt(vHat);
  let den: f32 = root + p.eps;
  let ratio: f32 = mHat / den;
  let step: f32 = ratio * p.negLr;
  outW[k] = step + w[k];
}
`;

/**
 * One Adam step of a float32 variable on TF.js's WebGPU backend, in one dispatch. `m` and `v` (the optimizer's
 * own tensors, shaped like `value`) are updated in place. Returns the new weights as a new tensor (the caller
 * assigns it to the variable and disposes it): the variable's buffer may be shared with a clone elsewhere (the
 * last good weights), so it is never written in place.
 */
export function adamStepWebGPU(backend: WebGpuBackendLike, grad: tf.Tensor, value: tf.Tensor, m: tf.Tensor, v: tf.Tensor, k: AdamStepConstants): tf.Tensor {
  const out = allocate(backend, value.shape);
  const p = pipeline(backend, 'descent-adam', () => ADAM_WGSL);
  const [x, y] = foldGroups(Math.ceil(value.size / WORKGROUP));
  dispatch(
    backend,
    p,
    [out, m, v, grad, value],
    // One scalar per entry (TF.js's uniform packer takes up to 6 values an entry), padded to 48 bytes.
    [
      { type: 'uint32', data: [value.size] },
      ...[k.beta1, k.oneMinusBeta1, k.beta2, k.oneMinusBeta2, k.negLearningRate, k.c1, k.c2, k.epsilon, 0, 0, 0].map((x) => ({ type: 'float32' as const, data: [x] })),
    ],
    [x, y, 1],
  );
  return out;
}
