// The engine imports TF.js's core and layers only (src/lib/engine/tf.ts); in the browser the worker loads each
// backend when first started. Unit tests run the engine in Node on the CPU backend, registered here for every file.
import '@tensorflow/tfjs-backend-cpu';
