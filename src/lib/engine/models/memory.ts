import { EngineError, type EngineMessage } from '../errors';
import type { OptimizerName } from '../train/config';
import { inferShapes, type InferredLayer } from './shapes';
import type { LayerSpec } from './spec';

/**
 * How much memory a model needs to train, estimated from its layer shapes before TF.js is asked to build
 * it, so a model too large for the backend is refused in the editor instead of breaking the backend (a
 * tensor past WASM's 4 GiB heap wraps its size and overwrites the heap: every later model then fails too).
 *
 * All tensors are float32 (4 bytes). The counts are TF.js's, measured with `tf.profile` on one training
 * step of each preset (WASM and CPU backends, unit test memory.test.ts) and rounded up:
 * - parameters: weights, gradients, the squared gradients of the step's gradient norm, the optimizer's
 *   slots; and, for the largest layer (optimizers update one variable at a time), the temporaries of its
 *   update: TF.js's Adam is a chain of 14 kernels whose outputs live until that variable's update ends
 *   (16 counted, with the slots' first allocation). Our fused Adam (WASM, CPU) needs fewer: not counted.
 * - activations: the input batch and every layer's output, kept by the forward pass for the backward one,
 *   × 10: the backward pass makes each activation's gradient and, through the activation function's
 *   derivative (step, cast, multiply), pooling's and batch normalisation's gradients, several more tensors
 *   its size, and TF.js frees them only when the whole backward pass ends. Measured: 6× (LeNet) to 10× (the
 *   small CNN with batch normalisation) the kept activations. Flatten is a reshape: no copy.
 * - scratch: the largest temporary buffer of one convolution (not summed: layers run one by one), an
 *   im2col matrix [batch · outH · outW, k · k · inChannels] as WebGL builds it; WASM's XNNPACK builds an
 *   indirection buffer of one pointer per output pixel and kernel tap, the same count. CPU and WebGPU need
 *   none: counted anyway, to keep one estimate for every backend.
 */
export interface MemoryEstimate {
  /** Weights, gradients, optimizer slots and the largest layer's update temporaries (independent of the batch). */
  parameters: number;
  /** Activations kept for the backward pass and what it makes of them (grows linearly with the batch). */
  activations: number;
  /** The largest temporary buffer of one layer (grows linearly with the batch). */
  scratch: number;
  /** The sum: bytes needed at the peak of a training step. */
  total: number;
}

const BYTES = 4;

/** Per-weight state each optimizer keeps (TF.js's own): momentum 1 (velocity), RMSProp 2 (mean square, moment), Adam 2 (m, v). */
export const OPTIMIZER_SLOTS: Record<OptimizerName, number> = { sgd: 0, momentum: 1, rmsprop: 2, adam: 2 };

/** Tensors the size of a variable that TF.js's update of it makes: its kernel chain, and 2 for the slots' first allocation. */
const UPDATE_TEMPORARIES: Record<OptimizerName, number> = { sgd: 2, momentum: 6, rmsprop: 13, adam: 16 };

/** Tensors the size of each kept activation at the peak of the backward pass (measured 6–10, see above). */
const ACTIVATION_COPIES = 10;

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Bytes `layers` need to train at `batchSize` with `optimizer`. `inferred` is the shape report of the same
 * layers on `inputShape` (from `inferShapes`; layers past an error are not counted).
 */
export function estimateTrainingMemory(layers: LayerSpec[], inferred: InferredLayer[], inputShape: number[], batchSize: number, optimizer: OptimizerName = 'adam'): MemoryEstimate {
  const params = inferred.reduce((s, l) => s + l.params, 0);
  // A layer's parameters bound its largest variable (the kernel), whose update makes the temporaries.
  const largest = inferred.reduce((m, l) => Math.max(m, l.params), 0);
  // Weights, gradients, squared gradients (the step's gradient norm), slots.
  const parameters = (params * (3 + OPTIMIZER_SLOTS[optimizer]) + largest * UPDATE_TEMPORARIES[optimizer]) * BYTES;
  let kept = size(inputShape);
  let scratch = 0;
  let input = inputShape;
  for (let i = 0; i < inferred.length; i++) {
    const layer = layers[i];
    const out = inferred[i].outputShape;
    if (layer.type !== 'flatten') kept += size(out);
    if (layer.type === 'conv2d') {
      const [outH, outW] = out;
      scratch = Math.max(scratch, outH * outW * layer.kernelSize * layer.kernelSize * input[input.length - 1]);
    }
    input = out;
  }
  const activations = ACTIVATION_COPIES * kept * batchSize * BYTES;
  const scratchBytes = scratch * batchSize * BYTES;
  return { parameters, activations, scratch: scratchBytes, total: parameters + activations + scratchBytes };
}

const GiB = 1024 ** 3;

/**
 * Memory a backend can give one training run, in bytes; chosen to stay well inside what breaks it:
 * - wasm: 2 GiB. A wasm32 heap cannot pass 4 GiB, and TF.js grows it from a reserve (backend.ts) as one
 *   block that fragments as tensors of many sizes come and go, so half of it is what a run can count on.
 * - cpu: 1 GiB of JavaScript typed arrays in the worker, beside the page and the data set.
 * - webgl, webgpu: 1 GiB. TF.js does not tell how much GPU memory there is; 1 GiB fits integrated GPUs
 *   and phones, which share it with the rest of the system.
 * Unknown or not yet started: the smallest of these.
 */
export function memoryBudget(backend: string | null | undefined): number {
  return backend === 'wasm' ? 2 * GiB : 1 * GiB;
}

/** What the memory check needs besides the model: the run's batch size, backend and optimizer. */
export interface TrainingSetup {
  batchSize: number;
  /** The active backend's name; unknown (not started yet) gets the smallest budget. */
  backend?: string | null;
  optimizer?: OptimizerName;
}

/**
 * The refusal of a model too large to train with `setup` (the estimate against the backend's budget), or
 * null when it fits. `inferred`: the shape report of `layers` on `inputShape`.
 */
export function memoryProblem(layers: LayerSpec[], inferred: InferredLayer[], inputShape: number[], setup: TrainingSetup): EngineMessage<'shape.tooLarge'> | null {
  const { total } = estimateTrainingMemory(layers, inferred, inputShape, setup.batchSize, setup.optimizer);
  const budget = memoryBudget(setup.backend);
  return total > budget ? { code: 'shape.tooLarge', params: { bytes: total, budget, batchSize: setup.batchSize, backend: setup.backend ?? '' } } : null;
}

/**
 * The largest batch size whose estimate fits the backend's budget (0 when not even one example does): the
 * cap for the batch-size finder and Auto's plan, which try sizes up to thousands.
 */
export function largestFittingBatch(layers: LayerSpec[], inputShape: number[], backend: string | null | undefined, optimizer: OptimizerName = 'adam'): number {
  const one = estimateTrainingMemory(layers, inferShapes(layers, inputShape).layers, inputShape, 1, optimizer);
  // Activations and scratch grow linearly with the batch; parameters do not.
  const room = memoryBudget(backend) - one.parameters;
  return Math.max(0, Math.floor(room / (one.activations + one.scratch)));
}

/**
 * For the engine's own model building (before a run or a tuning job builds the model on the backend):
 * throws `EngineError('shape.tooLarge')` when the model would not fit, the same refusal the editor shows.
 */
export function assertFitsMemory(layers: LayerSpec[], inputShape: number[], setup: TrainingSetup): void {
  const problem = memoryProblem(layers, inferShapes(layers, inputShape).layers, inputShape, setup);
  if (problem) throw new EngineError(problem.code, problem.params);
}
