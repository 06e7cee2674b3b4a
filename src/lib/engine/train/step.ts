import * as tf from '../tf';
import { featureSize, gatherBatch, type Dataset, type Split } from '../data/dataset';
import { checkInjectedFailure } from './fault';
import { FusedAdamOptimizer, isFusedAdam } from './fused-adam';
import { DenseTrainKernel } from '../kernels/dense-train';
import { kernelPool, type WasmBackendLike } from '../kernels/wasm-heap';
import { ownMatMulActive } from '../kernels/matmul';
import { fusedSoftmaxXentActive, sparseSoftmaxCrossEntropy, sparseSoftmaxCrossEntropyGrad } from '../kernels/softmax-xent';
import { endsInDenseSoftmax, trainingForward } from './forward';
import { accuracy, batchLoss, type LossName } from './losses';

/** One Dense layer of a model that `StepRunner` trains with its hand-written backward pass. */
interface DenseStage {
  kernel: tf.Variable;
  bias: tf.Variable | null;
  relu: boolean;
}

let handBackward = true;
let wholeStep = true;

/** Turns the hand-written backward pass for Dense-only classifiers off (the tape runs) or back on; for benchmarks and tests. */
export function setHandWrittenBackward(on: boolean): void {
  handBackward = on;
}

/** Turns the whole-step kernel (kernels/dense-train.ts) off (the hand-written backward on TF.js's kernels runs) or back on; for benchmarks and tests. */
export function setWholeStepKernel(on: boolean): void {
  wholeStep = on;
}

/**
 * The model as Flatten? → Dense(relu | linear)* → Dense(softmax), every weight trainable, or null. Such a model
 * (the classic MLP) trains on WASM without TF.js's gradient tape (see `StepRunner.denseGradients`).
 */
function denseStages(model: tf.LayersModel, vars: tf.Variable[]): DenseStage[] | null {
  const layers = model.layers[0]?.getClassName() === 'Flatten' ? model.layers.slice(1) : model.layers;
  const trainable = new Set(vars);
  const stages: DenseStage[] = [];
  for (const [i, layer] of layers.entries()) {
    if (layer.getClassName() !== 'Dense') return null;
    const d = layer as unknown as { kernel: { read(): tf.Tensor }; bias?: { read(): tf.Tensor } | null; activation: { getClassName(): string } };
    const act = d.activation.getClassName();
    if (i === layers.length - 1 ? act !== 'softmax' : act !== 'relu' && act !== 'linear') return null;
    const kernel = d.kernel.read() as tf.Variable;
    const bias = (d.bias?.read() as tf.Variable | undefined) ?? null;
    if (!trainable.has(kernel) || (bias && !trainable.has(bias)) || kernel.rank !== 2) return null;
    stages.push({ kernel, bias, relu: act === 'relu' });
  }
  return stages.length > 0 && stages.length + (layers === model.layers ? 0 : 1) === model.layers.length && vars.length === stages.reduce((n, s) => n + (s.bias ? 2 : 1), 0) ? stages : null;
}

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
  /** A Dense-only classifier with softmax output (hand-written backward on WASM), else null. */
  private readonly stages: DenseStage[] | null;
  /** The whole-step kernel training this model with the optimizer it borrowed the moments of, while it does. */
  private whole: DenseTrainKernel | null = null;

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
    this.stages = this.classification && lossName === 'sparseCategoricalCrossentropy' ? denseStages(model, this.vars) : null;
  }

  /**
   * Loss, accuracy and gradients of a Dense-only classifier without TF.js's tape: the forward pass keeps each
   * layer's input and output, the backward runs the same kernels the tape would (our fused cross-entropy gradient,
   * relu' as step·mul, column sums for the biases, dW = hᵀ·dz and dh = dz·Wᵀ with transpose flags), in reverse.
   * Why: the tape's bookkeeping (custom-gradient wrappers, saved clones, the graph walk, gradient accumulation)
   * cost more than the kernels themselves at batch 128. Only where our matmul and fused loss run (WASM).
   */
  private denseGradients(stages: DenseStage[], x: tf.Tensor, y: tf.Tensor1D): { value: tf.Scalar; grads: tf.NamedTensorMap; acc: tf.Scalar } {
    const engine = tf.engine();
    return tf.tidy(() => {
      const inputs: tf.Tensor2D[] = [];
      const outputs: tf.Tensor2D[] = [];
      let h = (x.rank === 2 ? x : tf.reshape(x, [x.shape[0], -1])) as tf.Tensor2D;
      for (const s of stages) {
        inputs.push(h);
        const args: tf.NamedTensorMap = s.bias ? { a: h, b: s.kernel, bias: s.bias } : { a: h, b: s.kernel };
        h = engine.runKernel('_FusedMatMul', args, { transposeA: false, transposeB: false, activation: s.relu ? 'relu' : 'linear', leakyreluAlpha: 0 }) as tf.Tensor2D;
        outputs.push(h);
      }
      const { loss, accuracy } = sparseSoftmaxCrossEntropy(h, y);
      // Keys in the variables' order, as tf.variableGrads gives them: the fused Adam keeps its moments by position.
      const grads: tf.NamedTensorMap = {};
      for (const v of this.vars) grads[v.name] = undefined as unknown as tf.Tensor;
      let dy = sparseSoftmaxCrossEntropyGrad(h, y);
      for (let i = stages.length - 1; i >= 0; i--) {
        const s = stages[i];
        const dz = i < stages.length - 1 && s.relu ? tf.mul(dy, tf.step(outputs[i])) : dy;
        grads[s.kernel.name] = engine.runKernel('BatchMatMul', { a: inputs[i], b: dz }, { transposeA: true, transposeB: false }) as tf.Tensor;
        if (s.bias) grads[s.bias.name] = tf.sum(dz, 0);
        if (i > 0) dy = engine.runKernel('BatchMatMul', { a: dz, b: s.kernel }, { transposeA: false, transposeB: true }) as tf.Tensor2D;
      }
      return { value: loss, grads, acc: accuracy };
    });
  }

  private inputs(xBuf: Float32Array, yBuf: Int32Array | Float32Array, batch: number): [tf.Tensor, tf.Tensor1D] {
    const x = tf.tensor(xBuf.subarray(0, batch * this.features), this.flatInput ? [batch, this.features] : [batch, ...this.dataset.inputShape]);
    const y = tf.tensor1d(yBuf.subarray(0, batch), this.classification ? 'int32' : 'float32');
    return [x, y];
  }

  private gradients(x: tf.Tensor, y: tf.Tensor1D): { value: tf.Scalar; grads: tf.NamedTensorMap; acc: tf.Scalar } {
    let acc: tf.Scalar | undefined;
    if (this.stages && handBackward && this.explicitTranspose && ownMatMulActive() && fusedSoftmaxXentActive()) return this.denseGradients(this.stages, x, y);
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

  /**
   * The whole-step kernel for `optimizer`, where it applies: a Dense-only classifier (every layer with a bias)
   * trained with our fused Adam on WASM with our kernels. A kernel for another optimizer or pool is released first.
   */
  private wholeStepKernel(optimizer: tf.Optimizer, yBuf: Int32Array | Float32Array): DenseTrainKernel | null {
    const fits =
      wholeStep && handBackward && this.stages && yBuf instanceof Int32Array && this.explicitTranspose && optimizer.constructor === FusedAdamOptimizer &&
      ((optimizer as FusedAdamOptimizer).path ?? 'wasm') === 'wasm' && ownMatMulActive() && fusedSoftmaxXentActive() && DenseTrainKernel.fits(this.stages);
    const pool = fits ? kernelPool() : null;
    if (this.whole && (this.whole.isReleased || this.whole.optimizer !== optimizer || this.whole.pool !== pool)) {
      this.whole.release(true);
      this.whole = null;
    }
    if (fits && !this.whole) {
      this.whole = new DenseTrainKernel(pool!, optimizer as FusedAdamOptimizer, this.stages, tf.backend() as unknown as WasmBackendLike);
    }
    return this.whole;
  }

  /** Whether the last step ran as one whole-step kernel (kernels/dense-train.ts). */
  get wholeStepActive(): boolean {
    return !!this.whole && !this.whole.isReleased;
  }

  /**
   * Where to gather the next batch for `step`: the whole-step kernel's own input rows where it runs (then the
   * step copies nothing), else the given buffers. Ask before every batch.
   */
  inputBuffers<Y extends Int32Array | Float32Array>(optimizer: tf.Optimizer, batch: number, xBuf: Float32Array, yBuf: Y): { x: Float32Array; y: Y | Int32Array } {
    const whole = this.wholeStepKernel(optimizer, yBuf);
    return whole ? whole.inputs(batch) : { x: xBuf, y: yBuf };
  }

  /**
   * Gathers rows `order[start .. start + batch)` of `split` for the next `step` (as `gatherBatch`), and returns the
   * buffers to pass to it: where the whole-step kernel runs, its own rows (uint8 data: only the bytes are copied
   * here, the threads scale them), else `xBuf`, `yBuf`. `next`: where the following batch starts in `order`, when
   * it will be taken from the same data and order unchanged (−1: unknown); the kernel then gathers it during this step.
   */
  gather<Y extends Int32Array | Float32Array>(optimizer: tf.Optimizer, split: Split, xScale: number, order: ArrayLike<number>, start: number, batch: number, xBuf: Float32Array, yBuf: Y, next = -1): { x: Float32Array; y: Y | Int32Array } {
    const whole = this.wholeStepKernel(optimizer, yBuf);
    if (whole && split.x instanceof Uint8Array) return whole.stage(split.x, split.y, xScale, order, start, batch, next);
    const target = whole ? whole.inputs(batch) : { x: xBuf, y: yBuf };
    gatherBatch(split, this.features, xScale, order, start, batch, target.x, target.y);
    return target;
  }

  /** One optimizer step on the first `batch` rows of the buffers. */
  step(optimizer: tf.Optimizer, xBuf: Float32Array, yBuf: Int32Array | Float32Array, batch: number, onGradients?: (grads: tf.NamedTensorMap) => void): StepScalars {
    checkInjectedFailure();
    const whole = this.wholeStepKernel(optimizer, yBuf);
    if (whole) {
      const r = whole.step(xBuf, yBuf as Int32Array, batch);
      if (onGradients) {
        const grads = whole.gradients();
        onGradients(grads);
        tf.dispose(Object.values(grads));
      }
      return [tf.scalar(r.loss), tf.scalar(r.accuracy), tf.scalar(Math.sqrt(r.gradSquared))];
    }
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
