import { Rng } from '../rng';
import { LAB_OPTIMIZERS, type LabOptimizer } from './optimizers';
import type { Point2, SurfaceId, Vec2 } from './surfaces';

/** One optimizer of the lab: shown or not, and its own learning rate α. */
export interface OptimizerChoice {
  kind: LabOptimizer;
  enabled: boolean;
  learningRate: number;
}

/** Everything that defines a lesson in the lab: plain data, mirrored to the URL. */
export interface LabSettings {
  surface: SurfaceId;
  /** κ of the quadratic bowl. */
  condition: number;
  /** The linear regression's data points. */
  points: Point2[];
  /** Seed of the default points. */
  seed: number;
  /** Where every optimizer starts. */
  start: Vec2;
  /** All five optimizers, in `LAB_OPTIMIZERS` order. */
  optimizers: OptimizerChoice[];
  /** μ of momentum and Nesterov. */
  momentum: number;
  /** Steps per second while playing. */
  speed: number;
  /** The optimizer whose step the θ panel shows. */
  selected: LabOptimizer;
}

export const LEARNING_RATE_MIN = 1e-5;
export const LEARNING_RATE_MAX = 10;
export const SPEED_MIN = 1;
export const SPEED_MAX = 120;
export const POINTS_MAX = 60;
/** Data points live in this square (the fit plot's axes). */
export const POINT_RANGE = 4;

interface SurfaceDefaults {
  start: Vec2;
  learningRates: Record<LabOptimizer, number>;
}

/** Starting points and learning rates that show each surface's lesson well. */
export const SURFACE_DEFAULTS: Record<SurfaceId, SurfaceDefaults> = {
  linreg: { start: [-3, 3], learningRates: { sgd: 0.05, momentum: 0.02, nesterov: 0.02, rmsprop: 0.05, adam: 0.2 } },
  quadratic: { start: [-2.5, 1.5], learningRates: { sgd: 0.15, momentum: 0.04, nesterov: 0.04, rmsprop: 0.05, adam: 0.1 } },
  rosenbrock: { start: [-1.2, 1], learningRates: { sgd: 0.001, momentum: 0.0005, nesterov: 0.0005, rmsprop: 0.01, adam: 0.1 } },
  himmelblau: { start: [-0.5, -0.5], learningRates: { sgd: 0.01, momentum: 0.002, nesterov: 0.002, rmsprop: 0.05, adam: 0.1 } },
  saddle: { start: [-1.8, 0.02], learningRates: { sgd: 0.05, momentum: 0.01, nesterov: 0.01, rmsprop: 0.02, adam: 0.05 } },
  beale: { start: [0.7, 1.6], learningRates: { sgd: 0.005, momentum: 0.001, nesterov: 0.001, rmsprop: 0.02, adam: 0.05 } },
};

export const DEFAULT_MOMENTUM = 0.9;
export const DEFAULT_CONDITION = 10;
export const DEFAULT_SPEED = 20;
export const DEFAULT_SEED = 1;
export const DEFAULT_POINT_COUNT = 12;

/** Rounds to 0.01: points and starts are placed to that precision, so a link restores them exactly. */
export function roundCoord(v: number): number {
  // `+ 0` turns −0 into 0 (a link writes both as "0").
  return Math.round(v * 100) / 100 + 0;
}

/** Seeded data points around the line y = 0.8·x + 0.5 with noise, x in [−3, 3]. */
export function defaultPoints(seed: number, count = DEFAULT_POINT_COUNT): Point2[] {
  const rng = new Rng(seed);
  const clamp = (v: number) => Math.max(-POINT_RANGE + 0.5, Math.min(POINT_RANGE - 0.5, v));
  return Array.from({ length: count }, () => {
    const x = rng.next() * 6 - 3;
    // A sum of three uniforms: roughly normal noise, σ ≈ 0.5.
    const noise = (rng.next() + rng.next() + rng.next() - 1.5) * 1;
    return { x: roundCoord(x), y: roundCoord(clamp(0.8 * x + 0.5 + noise)) };
  });
}

export function defaultOptimizers(surface: SurfaceId): OptimizerChoice[] {
  const rates = SURFACE_DEFAULTS[surface].learningRates;
  return LAB_OPTIMIZERS.map((kind) => ({ kind, enabled: true, learningRate: rates[kind] }));
}

export function defaultLabSettings(surface: SurfaceId = 'rosenbrock'): LabSettings {
  return {
    surface,
    condition: DEFAULT_CONDITION,
    points: defaultPoints(DEFAULT_SEED),
    seed: DEFAULT_SEED,
    start: [...SURFACE_DEFAULTS[surface].start],
    optimizers: defaultOptimizers(surface),
    momentum: DEFAULT_MOMENTUM,
    speed: DEFAULT_SPEED,
    selected: 'adam',
  };
}
