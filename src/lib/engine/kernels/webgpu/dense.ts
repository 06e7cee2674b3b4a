import * as tf from '../../tf';
import { webgpuBackend } from './device';
import { maskedColumnSumWebGPU, matMulWebGPU } from './matmul';

const PLAIN = { transposeA: false, transposeB: false, maskA: false, maskB: false, bias: false, relu: false };

/**
 * A Dense layer's training pass on TF.js's WebGPU backend with our WGSL programs (kernels/webgpu/matmul.ts):
 *   forward  y = act(h·W + b)                one dispatch (bias and relu fused)
 *   backward dW = hᵀ·(dy ⊙ [y>0])             one dispatch, hᵀ read in place, relu' applied while loading dy
 *            db = Σ_rows dy ⊙ [y>0]           one dispatch
 *            dh = (dy ⊙ [y>0])·Wᵀ             one dispatch (only when h needs a gradient)
 * TF.js's own path (kernels/dense.ts) runs step and mul for relu', then its matmuls with transpose flags.
 * Same contract as `denseTrainingForward`: h [batch, in], w [in, out], bias [out] or null; the result is owned
 * by the caller's gradient scope. Call only while the WebGPU backend is active.
 */
export function denseTrainingForwardWebGPU(h: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor1D | null, activation: 'relu' | 'linear', hNeedsGrad: boolean): tf.Tensor2D {
  const backend = webgpuBackend();
  if (!backend) throw new Error('denseTrainingForwardWebGPU: the WebGPU backend is not active');
  const relu = activation === 'relu';
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const hh = (hNeedsGrad ? args.shift() : h) as tf.Tensor2D;
    const [ww, bb] = args as [tf.Tensor2D, tf.Tensor1D | undefined];
    const y = matMulWebGPU(backend, hh, ww, { ...PLAIN, bias: !!bb, relu }, { bias: bb });
    // The input batch is read by closure, as in kernels/dense.ts (a saved clone could outlive a failed step).
    save(hNeedsGrad ? [ww, y, hh] : [ww, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [ws, ys, hs = h] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D?];
        const d = dy as tf.Tensor2D;
        const grads: tf.Tensor[] = [matMulWebGPU(backend, hs, d, { ...PLAIN, transposeA: true, maskB: relu }, { mask: ys })];
        if (bb) grads.push(relu ? maskedColumnSumWebGPU(backend, d, ys) : tf.sum(d, 0));
        if (hNeedsGrad) grads.unshift(matMulWebGPU(backend, d, ws, { ...PLAIN, transposeB: true, maskA: relu }, { mask: ys }));
        return grads;
      },
    };
  });
  const inputs: tf.Tensor[] = hNeedsGrad ? [h, w] : [w];
  if (bias) inputs.push(bias);
  return f(...inputs) as tf.Tensor2D;
}
