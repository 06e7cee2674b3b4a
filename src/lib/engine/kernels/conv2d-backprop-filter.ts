import { EngineError } from '../errors';
import * as tf from '../tf';

/**
 * TF.js 4.22's WASM backend has Conv2D and Conv2DBackpropInput but no Conv2DBackpropFilter, so a CNN
 * cannot train there ("Kernel 'Conv2DBackpropFilter' not registered"). This kernel computes the filter
 * gradient with kernels WASM does have, by the usual identity: with the batch axis used as channels,
 *   dW[kh, kw, ci, co] = Σ_b,oh,ow x[b, oh·s + kh − pad, ow·s + kw − pad, ci] · dy[b, oh, ow, co]
 * is a stride-1 convolution of xᵀ (channels as batch, batch as channels) with dyᵀ dilated by the stride.
 */
function conv2dBackpropFilter({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.Tensor {
  const x = inputs.x as tf.Tensor4D;
  const dy = inputs.dy as tf.Tensor4D;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  if (dataFormat === 'NCHW') throw new EngineError('backend.channelsLastOnly', {});
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const [kh, kw] = filterShape;
  const { top, bottom, left, right } = info.padInfo;
  return tf.tidy(() => {
    // Only the rows and columns the forward pass read matter; extra ones (from a stride) are sliced off below.
    const padded = top || bottom || left || right ? tf.pad(x, [[0, 0], [top, Math.max(0, bottom)], [left, Math.max(0, right)], [0, 0]]) : x;
    const xT = tf.transpose(padded, [3, 1, 2, 0]); // [ci, H, W, b]
    const dyT = tf.transpose(dy, [1, 2, 0, 3]); // [oh, ow, b, co]
    const dilations: [number, number] = [info.strideHeight, info.strideWidth];
    const grad = tf.conv2d(xT, dyT, 1, 'valid', 'NHWC', dilations); // [ci, ≥kh, ≥kw, co]
    const cropped = grad.shape[1] === kh && grad.shape[2] === kw ? grad : tf.slice(grad, [0, 0, 0, 0], [-1, kh, kw, -1]);
    return tf.transpose(cropped, [1, 2, 0, 3]); // [kh, kw, ci, co]
  });
}

/** Registers the filter gradient for `backendName` when that backend lacks one (WASM). Safe to call twice. */
export function registerConv2dBackpropFilter(backendName = 'wasm'): void {
  if (tf.getKernel('Conv2DBackpropFilter', backendName)) return;
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName, kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc });
}
