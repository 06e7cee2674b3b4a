import * as tf from '../tf';

/** What the hook reaches of the GPU backends (not in TF.js's public typings). */
interface GpuBackendLike {
  gpgpu?: { gl?: { getExtension(name: 'WEBGL_lose_context'): { loseContext(): void } | null } };
  device?: { destroy(): void };
}

/**
 * Really breaks the active backend the way a model too large for it does, and throws the error the failure
 * surfaced with, as any op would: callers' recovery (isAllocationFailure, rebuildBackend) sees what a user's
 * failure gives it. Only for tests (the worker exposes it under a test-hooks namespace).
 * - wasm: one op whose output is just over 4 GiB. Its byte size wraps in the wasm32 heap, so TF.js gets a
 *   small block and the kernel writes past it: "table index is out of bounds", then later ops fail with
 *   "memory access out of bounds" (the same as LeNet with 100,000 filters at batch 32; this way it takes
 *   milliseconds and touches only the heap already there).
 * - webgl: the context is lost (WEBGL_lose_context). webgpu: the device is destroyed.
 * - cpu: an allocation past what JavaScript allows fails (RangeError); the CPU backend is not left broken.
 */
export async function breakBackendForTest(): Promise<never> {
  const backend = tf.getBackend();
  if (backend === 'webgl' || backend === 'webgpu') {
    const gpu = tf.backend() as unknown as GpuBackendLike;
    if (backend === 'webgl') gpu.gpgpu?.gl?.getExtension('WEBGL_lose_context')?.loseContext();
    else gpu.device?.destroy();
    const y = tf.tidy(() => tf.square(tf.ones([4])));
    try {
      await y.data();
    } finally {
      y.dispose();
    }
    // A lost context or device does not always make the next op throw (WebGL may read back zeros).
    throw new Error(backend === 'webgl' ? 'WebGL context lost' : 'WebGPU device lost');
  }
  // [rows, 1] + [1, cols] broadcasts to rows · cols floats: 2^16 · (2^14 + 1) · 4 bytes = 4 GiB + 256 KiB on
  // wasm; on cpu 2^33 floats, past the longest typed array, so nothing is allocated. The sum is NaN: its bits
  // (0x7FC00000) read as pointers 2 GiB in, so the allocator's bookkeeping past the block leads out of the
  // heap and later allocations trap, as after a real overflow (zeros would leave small ops working).
  const [rows, cols] = backend === 'wasm' ? [2 ** 16, 2 ** 14 + 1] : [2 ** 20, 2 ** 13];
  const a = tf.zeros([rows, 1]);
  const b = tf.fill([1, cols], NaN);
  try {
    tf.add(a, b).dispose();
  } finally {
    // Freeing on an overwritten heap may trap too (where, depends on the heap's layout); each tensor is let go of
    // on its own, so the engine forgets both either way (it counts a tensor out before freeing its memory).
    for (const t of [a, b]) {
      try {
        t.dispose();
      } catch {
        // Its memory is lost with the heap.
      }
    }
  }
  throw new Error(`breakBackendForTest: ${backend} did not fail`);
}
