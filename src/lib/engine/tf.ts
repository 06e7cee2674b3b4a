/**
 * TF.js as the engine uses it: the core (with every op's gradient and the chained ops) and the layers API. The
 * umbrella package `@tensorflow/tfjs` also brings the WebGL and CPU backends, tfjs-data and the converter: about
 * half of the trainer worker's script, fetched and compiled on every first visit before the first step. Here the
 * backends are loaded when first started (the worker's `setBackendLoader`: WebGL, WebGPU, WASM and the CPU), and
 * the converter and tfjs-data, which the engine does not use, are left out.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { version_core } from '@tensorflow/tfjs-core';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';

/** The TF.js release the engine runs (as `@tensorflow/tfjs`'s `version.tfjs`: its packages share one number). */
export const version = { tfjs: version_core } as const;
