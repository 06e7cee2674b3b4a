import type { Vec2 } from './surfaces';

/**
 * The update rules of the lab's optimizers on two parameters, written exactly as TF.js 4.22's
 * `tf.train.*` apply them (tfjs-core/src/optimizers/*.ts), in float64. A unit test runs both side by side.
 */
export type LabOptimizer = 'sgd' | 'momentum' | 'nesterov' | 'rmsprop' | 'adam';

export const LAB_OPTIMIZERS: readonly LabOptimizer[] = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam'];

/** RMSProp's decay ρ (TF.js default). */
export const RMS_DECAY = 0.9;
/** Adam's β₁ and β₂ (TF.js defaults). */
export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
/** ε of RMSProp and Adam: TF.js takes the backend's epsilon, 1e-7 on the cpu and wasm backends. */
export const EPSILON = 1e-7;

export interface Hyper {
  /** α. */
  learningRate: number;
  /** μ of momentum and Nesterov. */
  momentum: number;
}

/** What an optimizer carries from step to step (zeros at the start). */
export interface OptimizerState {
  /** Updates done so far. */
  t: number;
  /** Momentum/Nesterov: the accumulation v. RMSProp: the mean square s. Adam: the first moment m. */
  a: Vec2;
  /** Adam: the second moment v. RMSProp: its (zero-momentum) moment term. */
  b: Vec2;
  /**
   * Adam: β₁ᵗ and β₂ᵗ as TF.js keeps them, in float32 variables multiplied once per step. Their
   * rounding shifts the bias correction by ~1e-5 relative, so the lab copies it.
   */
  beta1Power: number;
  beta2Power: number;
}

/** One update in numbers, for the θ panel. Optional fields belong to the optimizers that have them. */
export interface StepDetail {
  optimizer: LabOptimizer;
  /** The update's number, 1 for the first. */
  t: number;
  theta: Vec2;
  loss: number;
  grad: Vec2;
  learningRate: number;
  momentum: number;
  newTheta: Vec2;
  /** Momentum and Nesterov: v after the update. */
  velocity?: Vec2;
  /** RMSProp: s after the update. */
  meanSquare?: Vec2;
  /** Adam: m and v after the update, and their bias-corrected m̂ and v̂. */
  m?: Vec2;
  v?: Vec2;
  mHat?: Vec2;
  vHat?: Vec2;
}

export function initialState(): OptimizerState {
  return { t: 0, a: [0, 0], b: [0, 0], beta1Power: Math.fround(ADAM_BETA1), beta2Power: Math.fround(ADAM_BETA2) };
}

type Update = { newTheta: Vec2; state: OptimizerState; extra: Partial<StepDetail> };

function perComponent(f: (i: 0 | 1) => [theta: number, a: number, b: number]): [Vec2, Vec2, Vec2] {
  const r0 = f(0);
  const r1 = f(1);
  return [
    [r0[0], r1[0]],
    [r0[1], r1[1]],
    [r0[2], r1[2]],
  ];
}

function update(kind: LabOptimizer, s: OptimizerState, theta: Vec2, g: Vec2, h: Hyper): Update {
  const lr = h.learningRate;
  const mu = h.momentum;
  const t = s.t + 1;
  const powers = { beta1Power: s.beta1Power, beta2Power: s.beta2Power };
  switch (kind) {
    case 'sgd':
      return { newTheta: [theta[0] - lr * g[0], theta[1] - lr * g[1]], state: { ...s, t }, extra: {} };
    case 'momentum':
    case 'nesterov': {
      // v := μ·v + g;  θ := θ − α·v  (Nesterov: θ := θ − α·(g + μ·v)).
      const [nt, a, b] = perComponent((i) => {
        const v = mu * s.a[i] + g[i];
        const step = kind === 'nesterov' ? g[i] + v * mu : v;
        return [theta[i] - lr * step, v, 0];
      });
      return { newTheta: nt, state: { t, a, b, ...powers }, extra: { velocity: a } };
    }
    case 'rmsprop': {
      // s := ρ·s + (1 − ρ)·g²;  θ := θ − α·g / √(s + ε)  (TF.js puts ε inside the root).
      const [nt, a, b] = perComponent((i) => {
        const ms = s.a[i] * RMS_DECAY + g[i] * g[i] * (1 - RMS_DECAY);
        const mom = (g[i] * lr) / Math.sqrt(ms + EPSILON);
        return [theta[i] - mom, ms, mom];
      });
      return { newTheta: nt, state: { t, a, b, ...powers }, extra: { meanSquare: a } };
    }
    case 'adam': {
      // m := β₁m + (1 − β₁)g;  v := β₂v + (1 − β₂)g²;  θ := θ − α·m̂ / (√v̂ + ε).
      const c1 = 1 - s.beta1Power;
      const c2 = 1 - s.beta2Power;
      const mHat: Vec2 = [0, 0];
      const vHat: Vec2 = [0, 0];
      const [nt, a, b] = perComponent((i) => {
        const m = s.a[i] * ADAM_BETA1 + g[i] * (1 - ADAM_BETA1);
        const v = s.b[i] * ADAM_BETA2 + g[i] * g[i] * (1 - ADAM_BETA2);
        mHat[i] = m / c1;
        vHat[i] = v / c2;
        return [(mHat[i] / (Math.sqrt(vHat[i]) + EPSILON)) * -lr + theta[i], m, v];
      });
      const next = {
        t,
        a,
        b,
        beta1Power: Math.fround(s.beta1Power * Math.fround(ADAM_BETA1)),
        beta2Power: Math.fround(s.beta2Power * Math.fround(ADAM_BETA2)),
      };
      return { newTheta: nt, state: next, extra: { m: a, v: b, mHat, vHat } };
    }
  }
}

/**
 * One update of `kind` from θ with gradient g = ∇L(θ). Pure: returns the new θ, the new state and
 * the numbers of the step (`loss` is L(θ), passed in by the caller who evaluated it).
 */
export function optimizerStep(
  kind: LabOptimizer,
  state: OptimizerState,
  theta: Vec2,
  loss: number,
  grad: Vec2,
  hyper: Hyper,
): { theta: Vec2; state: OptimizerState; detail: StepDetail } {
  const { newTheta, state: next, extra } = update(kind, state, theta, grad, hyper);
  const detail: StepDetail = {
    optimizer: kind,
    t: next.t,
    theta,
    loss,
    grad,
    learningRate: hyper.learningRate,
    momentum: hyper.momentum,
    newTheta,
    ...extra,
  };
  return { theta: newTheta, state: next, detail };
}
