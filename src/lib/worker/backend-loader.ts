/// <reference lib="webworker" />
import * as tf from '../engine/tf';
import type { BackendName } from '../engine/backend';

let wasmLoaded = false;

/**
 * Loads TF.js's backends when they are first started (each is a separate chunk of the worker: a session fetches
 * only the backends it starts; on a first visit that is usually WASM alone). WASM runs TF.js's single-threaded SIMD build:
 * its threaded build starts a pool of 8 Web Workers on every start whatever the core count, and used one thread
 * on 2 cores (docs/RUNTIME.md); the engine's own kernels bring threads of their own.
 */
export async function loadBackend(name: BackendName): Promise<void> {
  if (name === 'webgpu') {
    await import('@tensorflow/tfjs-backend-webgpu');
  } else if (name === 'webgl') {
    await import('@tensorflow/tfjs-backend-webgl');
  } else if (name === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
  } else if (name === 'wasm' && !wasmLoaded) {
    const [wasm, plain, simd] = await Promise.all([
      import('@tensorflow/tfjs-backend-wasm'),
      import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'),
      import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'),
    ]);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    // setWasmPaths wants an entry for each of the three builds; the threaded one is never fetched with threads off.
    wasm.setWasmPaths({ 'tfjs-backend-wasm.wasm': plain.default, 'tfjs-backend-wasm-simd.wasm': simd.default, 'tfjs-backend-wasm-threaded-simd.wasm': simd.default });
    wasmLoaded = true;
  }
}

