import { EngineError } from '../errors';

/**
 * The top two principal directions of a weight trajectory (Li et al. 2018, §7): with snapshots
 * θ₀ … θₙ and the final weights θ*, the rows of D are θₖ − θ*; its top right-singular vectors are
 * the directions along which training moved the most. D is n × P with n small (epochs) and P large
 * (parameters), so the eigenvectors come from the n × n Gram matrix G = D·Dᵀ by power iteration
 * with deflation, and a direction is Dᵀu / ‖Dᵀu‖.
 */
export interface TrajectoryPca {
  /** Unit directions, float32 of length P. */
  directions: [Float32Array, Float32Array];
  /** Fraction of the trajectory's variance (about θ*) along each direction. */
  explained: [number, number];
  /** Coordinates of every snapshot, (x, y) interleaved, in the plane through θ* spanned by the directions. */
  coords: Float64Array;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Largest eigenpair of a symmetric n × n matrix (row-major) by power iteration. */
function topEigen(g: Float64Array, n: number, iterations = 500): { value: number; vector: Float64Array } {
  let v = new Float64Array(n).map((_, i) => 1 + i / n);
  let value = 0;
  for (let it = 0; it < iterations; it++) {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[i] += g[i * n + j] * v[j];
    const norm = Math.hypot(...w);
    if (norm === 0) return { value: 0, vector: v };
    const next = w.map((x) => x / norm);
    const change = next.reduce((s, x, i) => s + Math.abs(x - v[i]), 0);
    v = next;
    value = norm;
    if (change < 1e-12) break;
  }
  return { value, vector: v };
}

export function trajectoryPca(snapshots: Float32Array[], final: Float32Array): TrajectoryPca {
  const diffs = snapshots.map((s) => s.map((x, i) => x - final[i]));
  const n = diffs.length;
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) gram[i * n + j] = gram[j * n + i] = dot(diffs[i], diffs[j]);
  const trace = diffs.reduce((s, _, i) => s + gram[i * n + i], 0);
  if (n < 2 || !(trace > 0)) throw new EngineError('landscape.pcaFlat', {});
  const first = topEigen(gram, n);
  const deflated = gram.map((x, k) => x - first.value * first.vector[Math.floor(k / n)] * first.vector[k % n]);
  const second = topEigen(deflated, n);
  const directions = [first, second].map(({ vector }) => {
    const d = new Float32Array(final.length);
    diffs.forEach((row, k) => {
      for (let i = 0; i < d.length; i++) d[i] += vector[k] * row[i];
    });
    const norm = Math.sqrt(dot(d, d));
    return norm > 0 ? d.map((x) => x / norm) : d;
  }) as [Float32Array, Float32Array];
  const coords = new Float64Array(2 * n);
  diffs.forEach((row, k) => {
    coords[2 * k] = dot(row, directions[0]);
    coords[2 * k + 1] = dot(row, directions[1]);
  });
  return { directions, explained: [first.value / trace, second.value / trace], coords };
}

/**
 * Coordinates (a, b) of each snapshot θₖ in the plane θ* + a·d₁ + b·d₂ by least squares (the
 * random directions are not exactly orthogonal). Returns (a, b) interleaved.
 */
export function projectTrajectory(snapshots: Float32Array[], center: Float32Array, d1: Float32Array, d2: Float32Array): Float64Array {
  const [a11, a12, a22] = [dot(d1, d1), dot(d1, d2), dot(d2, d2)];
  const det = a11 * a22 - a12 * a12;
  const out = new Float64Array(2 * snapshots.length);
  snapshots.forEach((s, k) => {
    let b1 = 0;
    let b2 = 0;
    for (let i = 0; i < s.length; i++) {
      const diff = s[i] - center[i];
      b1 += d1[i] * diff;
      b2 += d2[i] * diff;
    }
    out[2 * k] = det !== 0 ? (a22 * b1 - a12 * b2) / det : 0;
    out[2 * k + 1] = det !== 0 ? (a11 * b2 - a12 * b1) / det : 0;
  });
  return out;
}
