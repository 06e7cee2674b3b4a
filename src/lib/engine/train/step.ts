import * as tf from '@tensorflow/tfjs';
import { featureSize, type Dataset } from '../data/dataset';
import { checkInjectedFailure } from './fault';
import { isFusedAdam } from './fused-adam';
import { fusedSoftmaxXentActive, sparseSoftmaxCrossEntropy } from '../kernels/softmax-xent';
import { endsInDenseSoftmax, trainingForward } from './forward';
import { accuracy, batchLoss, type LossName } from './losses';

/** One step's outputs: scalars the caller reads back and disposes. */
export type StepScalars = [loss: tf.Scalar, accuracy: tf.Scalar, gradNorm: tf.Scalar];

/**
 * The forward/backward pass shared by the training loop, the learning-rate range test and the
 * batch-size finder. Inputs come from preallocated typed buffers; every tensor made here is disposed
 * here except the returned scalars.
 */
export class StepRunner {
  private readonly vars: tf.Variable[];
  private readonly classification: boolean;
  private readonly features: number;
  /** The custom Dense gradient pays off where transposed matmuls are slow (WASM, CPU, WebGL); measured slower on WebGPU. */
  private readonly explicitTranspose: boolean;
  /** The model starts with Flatten and our forward pass runs: the batch goes in flat (no reshape kernel). */
  private readonly flatInput: boolean;

  constructor(
    private readonly model: tf.LayersModel,
    private readonly dataset: Dataset,
    private readonly lossName: LossName,
  ) {
    this.vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    this.classification = dataset.task === 'classification';
    this.features = featureSize(dataset.inputShape);
    this.explicitTranspose = tf.getBackend() !== 'webgpu';
    this.flatInput = this.explicitTranspose && model.layers[0]?.getClassName() === 'Flatten';
  }

  private inputs(xBuf: Float32Array, yBuf: Int32Array | Float32Array, batch: number): [tf.Tensor, tf.Tensor1D] {
    const x = tf.tensor(xBuf.subarray(0, batch * this.features), this.flatInput ? [batch, this.features] : [batch, ...this.dataset.inputShape]);
    const y = tf.tensor1d(yBuf.subarray(0, batch), this.classification ? 'int32' : 'float32');
    return [x, y];
  }

  private gradients(x: tf.Tensor, y: tf.Tensor1D): { value: tf.Scalar; grads: tf.NamedTensorMap; acc: tf.Scalar } {
    let acc: tf.Scalar | undefined;
    // WASM with our kernels, softmax output, sparse cross-entropy: softmax, loss and accuracy in one kernel.
    if (this.explicitTranspose && this.classification && this.lossName === 'sparseCategoricalCrossentropy' && fusedSoftmaxXentActive() && endsInDenseSoftmax(this.model)) {
      const { value, grads } = tf.variableGrads(() => {
        const r = sparseSoftmaxCrossEntropy(trainingForward(this.model, x, true) as tf.Tensor2D, y);
        acc = tf.keep(r.accuracy);
        return r.loss;
      }, this.vars);
      return { value, grads, acc: acc! };
    }
    const { value, grads } = tf.variableGrads(() => {
      const out = (this.explicitTranspose ? trainingForward(this.model, x) : this.model.apply(x, { training: true })) as tf.Tensor2D;
      acc = tf.keep(this.classification ? accuracy(out, y) : tf.scalar(NaN));
      return batchLoss(this.lossName, out, y);
    }, this.vars);
    return { value, grads, acc: acc! };
  }

  /** One optimizer step on the first `batch` rows of the buffers. */
  step(optimizer: tf.Optimizer, xBuf: Float32Array, yBuf: Int32Array | Float32Array, batch: number, onGradients?: (grads: tf.NamedTensorMap) => void): StepScalars {
    checkInjectedFailure();
    const [x, y] = this.inputs(xBuf, yBuf, batch);
    try {
      const { value, grads, acc } = this.gradients(x, y);
      onGradients?.(grads);
      // The fused Adam sums |g|² in its own pass; otherwise it takes a few kernels here.
      const gradNorm = isFusedAdam(optimizer) ? null : tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
      optimizer.applyGradients(grads);
      tf.dispose(Object.values(grads));
      // The first fused step decides it is fused only while applying: its norm comes from that pass too.
      const norm = gradNorm ?? (isFusedAdam(optimizer) ? tf.scalar(Math.sqrt(optimizer.lastGradSquared)) : tf.scalar(NaN));
      return [value, acc, norm];
    } finally {
      tf.dispose([x, y]);
    }
  }

  /** |∇L|² of the mean loss over the first `batch` rows, without changing the weights. */
  async gradientNormSquared(xBuf: Float32Array, yBuf: Int32Array | Float32Array, batch: number): Promise<number> {
    const [x, y] = this.inputs(xBuf, yBuf, batch);
    try {
      const { value, grads, acc } = this.gradients(x, y);
      const sq = tf.tidy(() => tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
      tf.dispose([value, acc, ...Object.values(grads)]);
      const [v] = await sq.data();
      sq.dispose();
      return v;
    } finally {
      tf.dispose([x, y]);
    }
  }
}
