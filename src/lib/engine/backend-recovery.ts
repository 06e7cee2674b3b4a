import * as tf from './tf';
import { startBackend, type BackendName } from './backend';
import { EngineError } from './errors';
import { registerConv2dBackpropFilter } from './kernels/conv2d-backprop-filter';
import { registerOwnKernels } from './kernels/matmul';

/**
 * What failed allocations and broken backends look like when they surface as errors:
 * - WASM: a tensor past the 4 GiB heap wraps its size, the kernel writes past its block and traps
 *   ("table index is out of bounds", then "memory access out of bounds" on every later op: measured in
 *   Node and Chromium with TF.js 4.22); a heap that cannot grow ("WebAssembly.Memory.grow(): Maximum memory
 *   size exceeded", Emscripten's "Cannot enlarge memory", "Aborted(OOM)"); once Emscripten has aborted,
 *   every call says "Aborted(".
 * - JavaScript (CPU backend, reading data out): RangeError "Array buffer allocation failed", "Invalid typed
 *   array length", "Invalid array buffer length".
 * - GPUs: "out of memory" (WebGL's OUT_OF_MEMORY, WebGPU's GPUOutOfMemoryError), a lost WebGL context or
 *   WebGPU device.
 */
const ALLOCATION_FAILURE =
  /memory access out of bounds|table index is out of bounds|array buffer allocation failed|invalid (typed )?array (buffer )?length|memory\.grow|maximum memory size|could not (grow|allocate)|cannot enlarge memory|out of memory|\bOOM\b|aborted\(|context (was )?lost|CONTEXT_LOST|device (was |is )?lost|GPUOutOfMemoryError/i;

/** The texts an error carries: its name and message, an engine error's detail, and its causes. */
function texts(err: unknown, depth = 0): string[] {
  if (err == null || depth > 4) return [];
  if (typeof err !== 'object') return [String(err)];
  const e = err as { name?: unknown; message?: unknown; params?: { detail?: unknown }; cause?: unknown };
  const own = [e.name, e.message, e.params?.detail, err.constructor?.name].filter((s): s is string => typeof s === 'string');
  return [...own, ...texts(e.cause, depth + 1)];
}

/** True when `err` means memory ran out or the backend's memory or device is gone (then rebuild the backend). */
export function isAllocationFailure(err: unknown): boolean {
  return texts(err).some((s) => ALLOCATION_FAILURE.test(s));
}

/** What the recovery touches of TF.js's engine and backends, beyond the public API. */
interface EngineInternals {
  registry: Record<string, tf.KernelBackend | undefined>;
  registryFactory: Record<string, { priority: number } | undefined>;
}
interface WasmThreads {
  wasm?: { PThread?: { terminateAllThreads(): void } } | null;
}

/**
 * Makes a broken backend instance safe to let go of: its `dispose` may throw (a WASM heap overwritten by
 * a runaway kernel traps on every call), and the tensors still pointing at it (a model's weights, an
 * optimizer's slots) are released without touching it, since its memory goes with it.
 */
function retire(backend: tf.KernelBackend): void {
  const dispose = backend.dispose.bind(backend);
  backend.dispose = () => {
    try {
      dispose();
    } catch {
      // The threaded WASM build's workers would outlive the module; they are stopped after the C side's dispose, which failed.
      try {
        (backend as unknown as WasmThreads).wasm?.PThread?.terminateAllThreads();
      } catch {
        // Nothing more can be released from a module that traps.
      }
    }
  };
  backend.disposeData = () => true;
}

/**
 * Throws away the instance of backend `name` (broken by a failed allocation, a lost context or device) and
 * starts a fresh one, which becomes the active backend. The fresh WASM module has a new, empty heap.
 *
 * - `tf.removeBackend` also deletes the registered factory (tfjs-core 4.22, engine.removeBackend), so the
 *   factory and its priority are taken first and registered again.
 * - Kernels registered with `tf.registerKernel` stay registered per backend name; `tf.setBackend` runs
 *   their setup on the new instance (TF.js's WASM kernels bind to the new module there). Our filter gradient
 *   for WASM is registered again in case it was not yet. Fused Adam (train/fused-adam.ts) instantiates its
 *   kernel per WebAssembly.Memory, so it binds to the new module's heap at its first step.
 * - Tensors made on the broken instance are lost: the caller disposes what it held (safe, see `retire`)
 *   and rebuilds its model from a spec or stored weights.
 */
export async function rebuildBackend(name: BackendName, timeoutMs?: number): Promise<void> {
  const factory = tf.findBackendFactory(name);
  if (!factory) throw new EngineError('backend.notIncluded', { backend: name });
  const engine = tf.engine() as unknown as EngineInternals;
  const priority = engine.registryFactory[name]?.priority ?? 1;
  const broken = engine.registry[name];
  if (broken) retire(broken);
  tf.removeBackend(name);
  tf.registerBackend(name, factory, priority);
  await startBackend(name, timeoutMs);
  if (name === 'wasm') {
    registerConv2dBackpropFilter('wasm');
    registerOwnKernels('wasm');
  }
}
