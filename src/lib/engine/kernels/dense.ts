import * as tf from '../tf';
import { denseTrainingForwardWebGPU } from './webgpu/dense';
import { denseClass, webgpuChoice } from './webgpu/select';

/**
 * A Dense layer's training pass for backends whose matmul reads transposed operands in place (our WASM GEMM,
 * kernels/matmul.ts): y = act(h·W + b) in one `_FusedMatMul` (bias and relu inside the GEMM), and
 *   dz = dy ⊙ act'(y);  dW = hᵀ·dz;  db = Σ_rows dz;  dh = dz·Wᵀ (only when h needs a gradient)
 * with the transposes as matmul flags, never materialised.
 *
 * TF.js's own fused matmul refuses to fuse relu under a gradient tape (tfjs-core `shouldFuse`), so the layer
 * would run matmul, add and relu as three kernels, each a pass over the activations.
 *
 * On WebGPU, TF.js's matmul programs also read transposed operands in place and fuse bias and activation; our
 * WGSL pass (kernels/webgpu/dense.ts) runs instead where timing found it faster for the layer's shape class.
 *
 * @param h [batch, in], no gradient taken when `hNeedsGrad` is false (the input batch)
 * @param w [in, out]; bias [out] or null; activation 'relu' or 'linear'
 * @returns [batch, out], owned by the caller's gradient scope
 */
export function denseTrainingForward(h: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor1D | null, activation: 'relu' | 'linear', hNeedsGrad: boolean): tf.Tensor2D {
  if (tf.getBackend() === 'webgpu' && h.size > 0 && w.size > 0 && webgpuChoice(denseClass(h.shape[0], w.shape[0], w.shape[1], activation, hNeedsGrad)) === 'ours') {
    return denseTrainingForwardWebGPU(h, w, bias, activation, hNeedsGrad);
  }
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const hh = (hNeedsGrad ? args.shift() : h) as tf.Tensor2D;
    const [ww, bb] = args as [tf.Tensor2D, tf.Tensor1D | undefined];
    const inputs: tf.NamedTensorMap = bb ? { a: hh, b: ww, bias: bb } : { a: hh, b: ww };
    const y = tf.engine().runKernel('_FusedMatMul', inputs, { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0 }) as tf.Tensor2D;
    // The input batch (no gradient) is read by closure, as it lives outside the gradient scope; saving it would
    // keep a clone that a step failing after this forward (a broken heap) never releases.
    save(hNeedsGrad ? [ww, y, hh] : [ww, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [ws, ys, hs = h] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D?];
        const dz = activation === 'relu' ? tf.mul(dy, tf.step(ys)) : (dy as tf.Tensor2D);
        const grads: tf.Tensor[] = [tf.matMul(hs, dz as tf.Tensor2D, true, false)];
        if (bb) grads.push(tf.sum(dz, 0));
        if (hNeedsGrad) grads.unshift(tf.matMul(dz as tf.Tensor2D, ws, false, true));
        return grads;
      },
    };
  });
  const inputs: tf.Tensor[] = hNeedsGrad ? [h, w] : [w];
  if (bias) inputs.push(bias);
  return f(...inputs) as tf.Tensor2D;
}
