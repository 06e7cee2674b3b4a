import { Rng } from '../rng';
import type { WeightLayout } from './weights';

/** Standard normal from two uniforms (Box–Muller). */
function gaussian(rng: Rng): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * A filter-normalised random direction (Li et al. 2018, "Visualizing the Loss Landscape of Neural
 * Nets"): a Gaussian direction d of the same layout as the weights w, rescaled per filter so that
 * ‖d_filter‖ = ‖w_filter‖. For a Dense kernel [in, out] a filter is one neuron (a column: index
 * `i·out + j` for neuron j); for a Conv2D kernel [h, w, in, out] one output channel; in both the
 * filter is the last axis. One-dimensional weights (biases, batch-norm) get d = 0, as in the paper,
 * so the slice does not move them. Returns float32 of length `layout.total`.
 */
export function filterNormalizedDirection(weights: Float32Array, layout: WeightLayout, rng: Rng): Float32Array {
  const d = new Float32Array(layout.total);
  layout.shapes.forEach((shape, k) => {
    if (shape.length < 2) return;
    const offset = layout.offsets[k];
    const size = layout.sizes[k];
    const filters = shape[shape.length - 1];
    const dNorm = new Float64Array(filters);
    const wNorm = new Float64Array(filters);
    for (let i = 0; i < size; i++) {
      const v = gaussian(rng);
      d[offset + i] = v;
      const f = i % filters;
      dNorm[f] += v * v;
      wNorm[f] += weights[offset + i] ** 2;
    }
    for (let i = 0; i < size; i++) {
      const f = i % filters;
      d[offset + i] *= dNorm[f] > 0 ? Math.sqrt(wNorm[f] / dNorm[f]) : 0;
    }
  });
  return d;
}

/** ‖x‖ of each filter (last-axis slice) of weight tensor `k` in a flat vector: for tests and checks. */
export function filterNorms(flat: Float32Array, layout: WeightLayout, k: number): number[] {
  const shape = layout.shapes[k];
  const filters = shape[shape.length - 1];
  const sums = new Float64Array(filters);
  for (let i = 0; i < layout.sizes[k]; i++) sums[i % filters] += flat[layout.offsets[k] + i] ** 2;
  return Array.from(sums, Math.sqrt);
}
