import * as tf from '../tf';
import { batchLoss, type LossName } from '../train/losses';

/** The loss at θ* + α·d₁ + β·d₂ on a fixed batch, one grid point at a time. */
export interface SliceEvaluator {
  /** A scalar tensor the caller disposes. */
  lossAt(alpha: number, beta: number): tf.Scalar;
  dispose(): void;
}

export interface EvaluatorInputs {
  model: tf.LayersModel;
  /** The model's trainable variables, and θ*, d₁, d₂ split like them. */
  vars: tf.Variable[];
  center: tf.Tensor[];
  d1: tf.Tensor[];
  d2: tf.Tensor[];
  x: tf.Tensor;
  y: tf.Tensor1D;
  lossName: LossName;
}

function shift(inputs: EvaluatorInputs, k: number, alpha: number, beta: number): tf.Tensor {
  return tf.add(inputs.center[k], tf.add(tf.mul(inputs.d1[k], alpha), tf.mul(inputs.d2[k], beta)));
}

/** Moves every weight to the grid point and runs the whole model. */
export function naiveEvaluator(inputs: EvaluatorInputs): SliceEvaluator {
  return {
    lossAt(alpha, beta) {
      return tf.tidy(() => {
        inputs.vars.forEach((w, k) => w.assign(shift(inputs, k, alpha, beta)));
        return batchLoss(inputs.lossName, inputs.model.predict(inputs.x) as tf.Tensor, inputs.y);
      });
    },
    dispose() {},
  };
}

/**
 * For models that start with weightless layers (Flatten) and a Dense layer, as the MLPs do: that
 * layer's pre-activation is linear in (α, β), X·(K* + αD₁ + βD₂) = XK* + α·XD₁ + β·XD₂, so the
 * three products are computed once and each grid point costs only the layers after it. For the
 * classic MNIST model this removes 99% of the work. Returns null when the model has another shape.
 */
export function firstDenseEvaluator(inputs: EvaluatorInputs): SliceEvaluator | null {
  const { model, vars } = inputs;
  const firstWeighted = model.layers.findIndex((l) => l.trainableWeights.length > 0);
  if (firstWeighted < 0) return null;
  const dense = model.layers[firstWeighted];
  const config = dense.getConfig();
  if (dense.getClassName() !== 'Dense' || model.layers.slice(0, firstWeighted).some((l) => l.weights.length > 0)) return null;
  const own = dense.trainableWeights.map((w) => vars.findIndex((v) => v === w.read()));
  const kernel = own.find((k) => k >= 0 && vars[k].shape.length === 2);
  const bias = own.find((k) => k >= 0 && vars[k].shape.length === 1);
  if (kernel === undefined || own.some((k) => k < 0)) return null;
  const rest = model.layers.slice(firstWeighted + 1);
  const restVars = vars.map((_, k) => k).filter((k) => !own.includes(k));
  const activation = tf.layers.activation({ activation: config.activation as 'linear' });
  const products: tf.Tensor[] = tf.tidy(() => {
    let h = inputs.x;
    for (const layer of model.layers.slice(0, firstWeighted)) h = layer.apply(h, { training: false }) as tf.Tensor;
    // A Dense layer on rank > 2 inputs acts on the last axis only; keep the general path for that.
    if (h.rank !== 2) return [];
    return [inputs.center, inputs.d1, inputs.d2].map((t) => tf.matMul(h as tf.Tensor2D, t[kernel] as tf.Tensor2D));
  });
  if (products.length !== 3) return null;
  const [p0, p1, p2] = products;
  return {
    lossAt(alpha, beta) {
      return tf.tidy(() => {
        for (const k of restVars) vars[k].assign(shift(inputs, k, alpha, beta));
        let z = tf.add(p0, tf.add(tf.mul(p1, alpha), tf.mul(p2, beta)));
        if (bias !== undefined) z = tf.add(z, shift(inputs, bias, alpha, beta));
        let h = activation.apply(z) as tf.Tensor;
        for (const layer of rest) h = layer.apply(h, { training: false }) as tf.Tensor;
        return batchLoss(inputs.lossName, h, inputs.y);
      });
    },
    dispose() {
      tf.dispose([p0, p1, p2]);
    },
  };
}
