import { EngineError } from '../errors';

/**
 * Gradient noise scale B_simple = tr(Σ)/|G|² (McCandlish et al. 2018, appendix A), from squared gradient
 * norms measured at a small and a big batch size. Pure arithmetic, unit-tested on synthetic gradients.
 */
export interface NoiseSample {
  /** |G_small|²: squared norm of the mean gradient over a batch of `small` examples. */
  small: number;
  /** |G_big|² over a batch of `big` examples. */
  big: number;
}

export interface NoiseScaleEstimate {
  /** Estimate of the true gradient's squared norm |G|². */
  gradSquared: number;
  /** Estimate of the trace of the per-example gradient covariance tr(Σ). */
  traceSigma: number;
  /** B_simple; null when the estimate is not usable (|G|² ≤ 0). */
  noiseScale: number | null;
}

/**
 * Unbiased estimators, each averaged over the samples separately before the ratio is taken:
 * |G|² ≈ (B_big|G_big|² − B_small|G_small|²)/(B_big − B_small),
 * tr(Σ) ≈ (|G_small|² − |G_big|²)/(1/B_small − 1/B_big).
 */
export function estimateNoiseScale(samples: readonly NoiseSample[], small: number, big: number): NoiseScaleEstimate {
  if (!(big > small && small > 0) || samples.length === 0) throw new EngineError('tune.noiseScaleInput', {});
  let g = 0;
  let s = 0;
  for (const { small: gs, big: gb } of samples) {
    g += (big * gb - small * gs) / (big - small);
    s += (gs - gb) / (1 / small - 1 / big);
  }
  g /= samples.length;
  s /= samples.length;
  return { gradSquared: g, traceSigma: s, noiseScale: g > 0 && s > 0 ? s / g : null };
}

/**
 * Predicted time to reach a target loss at batch size B, relative: with noise scale B_noise, the
 * examples needed grow as (1 + B/B_noise) (McCandlish et al., eq. 2.11), and time = examples / throughput.
 */
export function relativeTimeToTarget(batchSize: number, samplesPerSec: number, noiseScale: number | null): number {
  const efficiency = noiseScale === null ? 1 : 1 + batchSize / noiseScale;
  return efficiency / samplesPerSec;
}
