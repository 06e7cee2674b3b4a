import * as tf from '../../tf';

/**
 * The few parts of TF.js's WebGPU backend (@tensorflow/tfjs-backend-webgpu 4.22) that our own compute passes
 * use: its device, its GPU buffers and its command encoder, so that our dispatches are recorded in the same
 * command stream as TF.js's own kernels (ordering, deferred submit and deferred buffer release all hold).
 *
 * Why not TF.js's `runWebGPUProgram`: it binds every input read-only and writes one output, and fused Adam
 * writes three arrays (the new weights and both moments). Structural types only: the WebGPU types are not in
 * the engine's libraries, and this file must compile (and never run) in Node.
 */

export interface GpuBufferLike {
  readonly size: number;
  mapAsync(mode: number): Promise<void>;
}
interface PassLike {
  setPipeline(p: PipelineLike): void;
  setBindGroup(i: number, g: unknown): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}
interface PipelineLike {
  getBindGroupLayout(i: number): unknown;
}
interface DeviceLike {
  createShaderModule(d: { code: string }): unknown;
  createComputePipeline(d: { layout: 'auto'; compute: { module: unknown; entryPoint: string } }): PipelineLike;
  createBindGroup(d: { layout: unknown; entries: { binding: number; resource: unknown }[] }): unknown;
}
export interface WebGpuBackendLike {
  device: DeviceLike;
  tensorMap: { get(id: object): { resource?: unknown; dtype: string } | undefined };
  commandEncoder: { beginComputePass(d: object): PassLike } | null;
  computePassEncoder: PassLike | null;
  commandQueueOwnedIds: WeakSet<object>;
  dispatchCountInPass: number;
  activeTimers: unknown[] | null;
  uploadToGPU(id: object): void;
  makeTensorInfo(shape: number[], dtype: 'float32'): tf.TensorInfo;
  makeUniforms(u: { type: 'float32' | 'int32' | 'uint32'; data: number[] }[]): { offset: number; size: number; buffer: GpuBufferLike };
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

/** TF.js's WebGPU backend when it is the active one and has the internals we use, else null. */
export function webgpuBackend(): WebGpuBackendLike | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const b = tf.backend() as unknown as Partial<WebGpuBackendLike>;
  const ok = b.device && b.tensorMap && typeof b.uploadToGPU === 'function' && typeof b.makeUniforms === 'function' && typeof b.ensureCommandEncoderReady === 'function' && typeof b.submitQueue === 'function' && b.commandQueueOwnedIds;
  return ok ? (b as WebGpuBackendLike) : null;
}

/** The GPU buffer behind a float32 tensor (uploaded first if its values are still on the CPU); null if it has none. */
export function bufferOf(backend: WebGpuBackendLike, t: tf.TensorInfo): GpuBufferLike | null {
  if (t.dtype !== 'float32') return null;
  backend.uploadToGPU(t.dataId);
  const resource = backend.tensorMap.get(t.dataId)?.resource as Partial<GpuBufferLike> | undefined;
  return resource && typeof resource.mapAsync === 'function' && typeof resource.size === 'number' ? (resource as GpuBufferLike) : null;
}

/** A new float32 tensor of `shape` with a GPU buffer of its own (contents not initialised); the caller owns it. */
export function allocate(backend: WebGpuBackendLike, shape: number[]): tf.Tensor {
  const info = backend.makeTensorInfo(shape, 'float32');
  backend.uploadToGPU(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info);
}

let dispatches = 0;

/** How many dispatches of our programs were recorded so far (tests check that ours actually ran). */
export const ourDispatchCount = (): number => dispatches;

const pipelines = new WeakMap<DeviceLike, Map<string, PipelineLike>>();

/** The compute pipeline of `code` (entry point `main`) on the backend's device, compiled once per key. */
export function pipeline(backend: WebGpuBackendLike, key: string, code: () => string): PipelineLike {
  let cache = pipelines.get(backend.device);
  if (!cache) pipelines.set(backend.device, (cache = new Map()));
  let p = cache.get(key);
  if (!p) {
    p = backend.device.createComputePipeline({ layout: 'auto', compute: { module: backend.device.createShaderModule({ code: code() }), entryPoint: 'main' } });
    cache.set(key, p);
  }
  return p;
}

/** Workgroup counts for `groups` workgroups along x, folded into y past WebGPU's 65,535 limit per dimension. */
export function foldGroups(groups: number): [number, number] {
  const x = Math.min(Math.max(groups, 1), 32768);
  return [x, Math.ceil(Math.max(groups, 1) / x)];
}

/**
 * Records one dispatch of `p` into TF.js's open compute pass. `tensors` are bound in order at bindings 0…, the
 * uniform block last; every tensor is marked as used by the queue, so that disposing it before the queue is
 * submitted defers the release of its buffer (as TF.js does for its own programs).
 */
export function dispatch(backend: WebGpuBackendLike, p: PipelineLike, tensors: tf.TensorInfo[], uniforms: { type: 'float32' | 'uint32'; data: number[] }[], groups: [number, number, number]): void {
  const entries = tensors.map((t, i) => {
    const buffer = bufferOf(backend, t);
    // A bad binding would not throw here: WebGPU would drop the dispatch and report it asynchronously.
    if (!buffer || buffer.size === 0) throw new Error(`WebGPU kernel: tensor ${i} (${t.dtype} [${t.shape}]) has no GPU buffer to bind`);
    return { binding: i, resource: { buffer } };
  });
  entries.push({ binding: tensors.length, resource: backend.makeUniforms(uniforms) as unknown as { buffer: GpuBufferLike } });
  const bindGroup = backend.device.createBindGroup({ layout: p.getBindGroupLayout(0), entries });
  for (const t of tensors) backend.commandQueueOwnedIds.add(t.dataId);
  backend.ensureCommandEncoderReady();
  backend.computePassEncoder ??= backend.commandEncoder!.beginComputePass({});
  backend.computePassEncoder.setPipeline(p);
  backend.computePassEncoder.setBindGroup(0, bindGroup);
  backend.computePassEncoder.dispatchWorkgroups(groups[0], groups[1], groups[2]);
  backend.dispatchCountInPass++;
  dispatches++;
  // As TF.js does after its own programs: under tf.profile end the pass (its timer query follows), else submit in batches.
  if (backend.activeTimers != null) backend.endComputePassEncoder();
  else if (tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') <= backend.dispatchCountInPass) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
}
