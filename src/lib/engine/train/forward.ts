import * as tf from '../tf';
import { denseTrainingForward } from '../kernels/dense';
import { ownMatMulActive } from '../kernels/matmul';

/**
 * The training forward pass, layer by layer over a Sequential model's own variables.
 *
 * Why not `model.apply`: TF.js computes the backward pass of a matmul with a transposed operand
 * (dW = xᵀ·dy, dx = dy·Wᵀ), and the WASM backend runs those through a slow generic loop, ~10× slower
 * than a plain matmul (measured: 39 ms vs 3.1 ms for 784×128 at batch 128). Dense layers here use a
 * custom gradient that transposes explicitly first, so every matmul takes the fast path. The weights are
 * the model's own variables, so the trained LayersModel exports as usual. Other layer types go through
 * `layer.apply`, with TF.js's own gradients.
 */

interface DenseLike {
  kernel: { read(): tf.Tensor };
  bias?: { read(): tf.Tensor } | null;
  activation: { apply(x: tf.Tensor): tf.Tensor; getClassName(): string };
}

/** x·W where x needs no gradient (the input batch): only dW = transpose(x)·dy is computed. */
function matMulInput(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.matMul(x, args[0] as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor) => tf.matMul(tf.transpose(x), dy as tf.Tensor2D),
  }));
  return f(w) as tf.Tensor2D;
}

/** h·W with both gradients: dh = dy·transpose(W), dW = transpose(h)·dy. */
const matMulHidden = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [h, w, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([h, w]);
  return {
    value: tf.matMul(h as tf.Tensor2D, w as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [hs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(ws)), tf.matMul(tf.transpose(hs), dy as tf.Tensor2D)];
    },
  };
});

/**
 * Whether `model` ends in a Dense layer with softmax whose logits `trainingForward(model, x, true)` can give
 * (Sequential, our matmul active): the fused softmax cross-entropy (kernels/softmax-xent.ts) then replaces the softmax and the loss's ops.
 */
export function endsInDenseSoftmax(model: tf.LayersModel): boolean {
  const last = model.layers.at(-1);
  return last?.getClassName() === 'Dense' && (last as unknown as DenseLike).activation.getClassName() === 'softmax' && ownMatMulActive();
}

/**
 * Output of `model` for the batch `x` in training mode. Call inside a gradient scope (tf.variableGrads);
 * the tensors it creates are disposed by that scope. `logits`: stop before the last layer's softmax
 * (only where `endsInDenseSoftmax(model)`).
 */
export function trainingForward(model: tf.LayersModel, x: tf.Tensor, logits = false): tf.Tensor {
  let h = x;
  let isInput = true;
  const last = model.layers.at(-1);
  // Our WASM matmul reads transposed operands in place and fuses bias and relu (kernels/dense.ts); so do TF.js's
  // WebGPU matmul programs, and ours there where timed faster (kernels/webgpu/).
  const own = ownMatMulActive() || tf.getBackend() === 'webgpu';
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (kind === 'Flatten') {
      if (h.rank !== 2) h = tf.reshape(h, [h.shape[0], -1]);
      continue;
    }
    if (kind === 'Dense' && h.rank === 2) {
      const dense = layer as unknown as DenseLike;
      const w = dense.kernel.read() as tf.Tensor2D;
      if (own) {
        const name = dense.activation.getClassName();
        const fused = name === 'relu' ? 'relu' : 'linear';
        const y = denseTrainingForward(h as tf.Tensor2D, w, (dense.bias?.read() as tf.Tensor1D | undefined) ?? null, fused, !isInput);
        h = name === 'relu' || name === 'linear' || (logits && layer === last && name === 'softmax') ? y : dense.activation.apply(y);
        isInput = false;
        continue;
      }
      let z = isInput ? matMulInput(h as tf.Tensor2D, w) : (matMulHidden(h, w) as tf.Tensor2D);
      if (dense.bias) z = tf.add(z, dense.bias.read());
      h = dense.activation.apply(z);
    } else {
      h = layer.apply(h, { training: true }) as tf.Tensor;
    }
    isInput = false;
  }
  return h;
}
