import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADAM_BETA1, ADAM_BETA2, EPSILON, LAB_OPTIMIZERS, RMS_DECAY, type LabOptimizer } from '../../src/lib/engine/lab/optimizers';
import { makeSurface, type Point2, type SurfaceId, type Vec2 } from '../../src/lib/engine/lab/surfaces';
import { LabRun } from '../../src/lib/engine/lab/trajectory';
import { useCpu } from './helpers';

beforeAll(useCpu);

const points: Point2[] = [
  { x: -2, y: -1.1 },
  { x: -1, y: -0.2 },
  { x: 0.5, y: 0.9 },
  { x: 2.5, y: 2.3 },
];

/** The same losses written with TF.js ops, independently of the lab's float64 formulas. */
function tfLoss(id: SurfaceId, x: tf.Variable, y: tf.Variable): tf.Scalar {
  const sq = (t: tf.Tensor) => tf.square(t);
  switch (id) {
    case 'quadratic':
      return tf.mul(0.5, tf.add(sq(x), tf.mul(10, sq(y)))) as tf.Scalar;
    case 'rosenbrock':
      return tf.add(sq(tf.sub(1, x)), tf.mul(100, sq(tf.sub(y, sq(x))))) as tf.Scalar;
    case 'himmelblau':
      return tf.add(sq(tf.add(sq(x), tf.sub(y, 11))), sq(tf.add(x, tf.sub(sq(y), 7)))) as tf.Scalar;
    case 'saddle':
      return tf.sub(sq(x), sq(y)) as tf.Scalar;
    case 'beale': {
      const term = (c: number, p: number) => sq(tf.add(tf.sub(c, x), tf.mul(x, tf.pow(y, p))));
      return tf.addN([term(1.5, 1), term(2.25, 2), term(2.625, 3)]) as tf.Scalar;
    }
    case 'linreg': {
      const xs = tf.tensor1d(points.map((p) => p.x));
      const ys = tf.tensor1d(points.map((p) => p.y));
      return tf.mean(sq(tf.sub(tf.add(tf.mul(x, xs), y), ys))) as tf.Scalar;
    }
  }
}

function tfOptimizer(kind: LabOptimizer, lr: number, mu: number): tf.Optimizer {
  switch (kind) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      return tf.train.momentum(lr, mu);
    case 'nesterov':
      return tf.train.momentum(lr, mu, true);
    case 'rmsprop':
      return tf.train.rmsprop(lr); // TF.js defaults: decay 0.9, momentum 0, ε from the backend
    case 'adam':
      return tf.train.adam(lr); // defaults: β₁ 0.9, β₂ 0.999, ε from the backend
  }
}

/** 50 steps of tf.train.* on two scalar variables; θ after each step. */
async function tfTrajectory(id: SurfaceId, kind: LabOptimizer, start: Vec2, lr: number, mu: number, steps: number): Promise<Vec2[]> {
  const x = tf.variable(tf.scalar(start[0]));
  const y = tf.variable(tf.scalar(start[1]));
  const opt = tfOptimizer(kind, lr, mu);
  const out: Vec2[] = [];
  for (let i = 0; i < steps; i++) {
    tf.tidy(() => {
      opt.minimize(() => tfLoss(id, x, y), false, [x, y]);
    });
    const [[vx], [vy]] = await Promise.all([x.data(), y.data()]);
    out.push([vx, vy]);
  }
  opt.dispose();
  tf.dispose([x, y]);
  return out;
}

const CASES: { id: SurfaceId; start: Vec2; rates: Record<LabOptimizer, number> }[] = [
  { id: 'quadratic', start: [-2.5, 1.5], rates: { sgd: 0.15, momentum: 0.04, nesterov: 0.04, rmsprop: 0.05, adam: 0.1 } },
  // RMSProp at α = 0.01 zig-zags chaotically in Rosenbrock's valley after ~40 steps, where float32
  // rounding (TF.js) and float64 (lab) part ways; 0.005 stays in the regime where both are exact.
  { id: 'rosenbrock', start: [-1.5, 2.5], rates: { sgd: 0.0005, momentum: 0.0002, nesterov: 0.0002, rmsprop: 0.005, adam: 0.05 } },
  { id: 'himmelblau', start: [-0.5, -0.5], rates: { sgd: 0.01, momentum: 0.002, nesterov: 0.002, rmsprop: 0.05, adam: 0.1 } },
  { id: 'saddle', start: [-1.8, 0.02], rates: { sgd: 0.05, momentum: 0.01, nesterov: 0.01, rmsprop: 0.02, adam: 0.05 } },
  { id: 'beale', start: [0.7, 1.6], rates: { sgd: 0.005, momentum: 0.001, nesterov: 0.001, rmsprop: 0.02, adam: 0.05 } },
  { id: 'linreg', start: [-3, 3], rates: { sgd: 0.05, momentum: 0.02, nesterov: 0.02, rmsprop: 0.05, adam: 0.2 } },
];

describe('lab optimizers equal tf.train.*', () => {
  it('uses the TF.js defaults (ε is the cpu backend epsilon)', () => {
    expect(tf.backend().epsilon()).toBe(EPSILON);
    expect([RMS_DECAY, ADAM_BETA1, ADAM_BETA2]).toEqual([0.9, 0.9, 0.999]);
  });

  for (const c of CASES) {
    it(`on ${c.id}: every optimizer's trajectory matches to 1e-5 over 50 steps`, async () => {
      const mu = 0.9;
      const surface = makeSurface(c.id, { condition: 10, points });
      const run = new LabRun(surface, c.start, LAB_OPTIMIZERS.map((kind) => ({ kind, learningRate: c.rates[kind] })), mu);
      run.run(50);
      for (const path of run.paths) {
        const expected = await tfTrajectory(c.id, path.kind, c.start, c.rates[path.kind], mu, 50);
        let moved = 0;
        expected.forEach(([ex, ey], i) => {
          // A path that converged stops; TF.js stays put there too.
          const k = Math.min(i + 1, path.steps);
          const [x, y] = [path.xy[2 * k], path.xy[2 * k + 1]];
          // float32 (TF.js) against float64 (lab): relative to the coordinate's size.
          expect(Math.abs(x - ex), `${path.kind} θ₁ at step ${i + 1}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(ex)));
          expect(Math.abs(y - ey), `${path.kind} θ₂ at step ${i + 1}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(ey)));
          moved = Math.max(moved, Math.hypot(ex - c.start[0], ey - c.start[1]));
        });
        // The comparison means something only if the optimizer really moved.
        expect(moved, `${path.kind} moved`).toBeGreaterThan(0.01);
      }
    });
  }
});
