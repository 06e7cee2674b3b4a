import * as tf from '../tf';
import { softmaxRow, xentRow } from './pool-work';
import { heapOffset, wasmMemory, type WasmBackendLike } from './wasm-heap';

/**
 * Softmax, sparse categorical cross-entropy (Keras semantics) and accuracy of a classifier's logits in one
 * kernel on TF.js's WASM backend, and its gradient in one more.
 *
 * Why: a Dense(softmax) output trained with the sparse cross-entropy costs TF.js ~10 kernels forward (softmax,
 * oneHot, mul, sum, clip, log, mean, neg; argMax, equal, cast, mean for the accuracy) and ~20 backward, each
 * paying the engine's per-kernel bookkeeping on a [batch, 10] tensor: at batch 128 that was a sixth of the
 * classic MLP's step. Here the forward reads the logits once and gives the mean loss and the accuracy; the
 * backward gives d(logits) = dy · (softmax − onehot) / batch.
 *
 * Same results as the composite (train/losses.ts): p = softmax(logits) (max subtracted), loss = −mean(log(clip(p[label],
 * ε, 1 − ε))), and a row whose p[label] lies outside [ε, 1 − ε] (or is NaN) gets no gradient, as the clip's
 * gradient gives it; a label outside [0, classes) reads p = 0. Accuracy: the first arg-max of p (in float32) equals the label.
 */

export const SOFTMAX_XENT = 'DescentSparseSoftmaxXent';
export const SOFTMAX_XENT_GRAD = 'DescentSparseSoftmaxXentGrad';


interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: WasmBackendLike;
}

let enabled = true;

/** Turns the fused loss off (TF.js's ops run) or back on; for benchmarks and tests. */
export function setFusedSoftmaxXent(on: boolean): void {
  enabled = on;
}

/** Whether the fused loss runs on `backendName`: switched on and registered (WASM only). */
export function fusedSoftmaxXentActive(backendName = tf.getBackend()): boolean {
  if (!enabled || backendName !== 'wasm') return false;
  registerSoftmaxXent(backendName);
  return tf.getKernel(SOFTMAX_XENT, backendName)?.kernelFunc === forwardKernel;
}

/** Views of the logits [batch, classes] and the labels [batch] on the heap. */
function views(backend: WasmBackendLike, logits: tf.TensorInfo, labels: tf.TensorInfo): { x: Float32Array; y: Int32Array; rows: number; classes: number } {
  if (logits.dtype !== 'float32' || logits.shape.length !== 2 || labels.dtype !== 'int32' || labels.shape.length !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new TypeError(`${SOFTMAX_XENT}: float32 logits [batch, classes] and int32 labels [batch] expected`);
  }
  const memory = wasmMemory(backend);
  if (!memory) throw new TypeError(`${SOFTMAX_XENT}: no WASM heap`);
  const [rows, classes] = logits.shape;
  return {
    x: new Float32Array(memory.buffer, heapOffset(backend, logits), rows * classes),
    y: new Int32Array(memory.buffer, heapOffset(backend, labels), rows),
    rows,
    classes,
  };
}

let scratch = new Float32Array(16);
function rowScratch(classes: number): Float32Array {
  if (scratch.length < classes) scratch = new Float32Array(classes);
  return scratch;
}

function forwardKernel(args: KernelArgs): tf.TensorInfo[] {
  const { logits, labels } = args.inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo };
  const { x, y, rows, classes } = views(args.backend, logits, labels);
  const p = rowScratch(classes);
  let loss = 0;
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const best = softmaxRow(x, r * classes, classes, p);
    loss += xentRow(p, classes, y[r], null, 0, 0);
    if (best === y[r]) correct++;
  }
  const backend = args.backend as unknown as { makeOutput(shape: number[], dtype: 'float32', offset?: number, values?: Float32Array): tf.TensorInfo };
  return [backend.makeOutput([], 'float32', undefined, Float32Array.of(rows ? loss / rows : NaN)), backend.makeOutput([], 'float32', undefined, Float32Array.of(rows ? correct / rows : NaN))];
}

function gradKernel(args: KernelArgs): tf.TensorInfo {
  const { logits, labels, dy } = args.inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo; dy?: tf.TensorInfo };
  const out = args.backend.makeOutput(logits.shape, 'float32');
  // Views after the allocation: it may have grown the heap (a new buffer).
  const { x, y, rows, classes } = views(args.backend, logits, labels);
  const memory = wasmMemory(args.backend)!;
  // Without dy: d(mean loss)/d(logits) itself (dy = 1).
  const scale = (dy ? new Float32Array(memory.buffer, heapOffset(args.backend, dy), 1)[0] : 1) / rows;
  const d = new Float32Array(memory.buffer, heapOffset(args.backend, out), rows * classes);
  const p = rowScratch(classes);
  for (let r = 0; r < rows; r++) {
    softmaxRow(x, r * classes, classes, p);
    xentRow(p, classes, y[r], d, r * classes, scale);
  }
  return out;
}

/** Registers both kernels on `backendName` (WASM) and the gradient; safe to call again. */
export function registerSoftmaxXent(backendName = 'wasm'): void {
  if (tf.getKernel(SOFTMAX_XENT, backendName)?.kernelFunc === forwardKernel) return;
  tf.registerKernel({ kernelName: SOFTMAX_XENT, backendName, kernelFunc: forwardKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: SOFTMAX_XENT_GRAD, backendName, kernelFunc: gradKernel as unknown as tf.KernelFunc });
  if (!tf.getGradient(SOFTMAX_XENT)) {
    tf.registerGradient({
      kernelName: SOFTMAX_XENT,
      inputsToSave: ['logits', 'labels'],
      gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [logits, labels] = saved;
        const dy = Array.isArray(dys) ? dys[0] : dys;
        return {
          logits: () => tf.engine().runKernel(SOFTMAX_XENT_GRAD, { logits, labels, dy }) as tf.Tensor,
          labels: () => tf.zeros(labels.shape),
        };
      },
    });
  }
}

/** d(mean loss)/d(logits) of `sparseSoftmaxCrossEntropy` (dy = 1), for a backward pass written by hand. */
export function sparseSoftmaxCrossEntropyGrad(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
  return tf.engine().runKernel(SOFTMAX_XENT_GRAD, { logits, labels }) as tf.Tensor2D;
}

/**
 * Mean sparse cross-entropy of softmax(`logits`) against `labels`, and the accuracy, in one kernel (WASM;
 * check `fusedSoftmaxXentActive()` first). The loss is differentiable with respect to the logits.
 */
export function sparseSoftmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): { loss: tf.Scalar; accuracy: tf.Scalar } {
  const [loss, accuracy] = tf.engine().runKernel(SOFTMAX_XENT, { logits, labels }) as unknown as [tf.Scalar, tf.Scalar];
  return { loss, accuracy };
}
