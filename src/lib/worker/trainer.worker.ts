/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BACKEND_ORDER, initBackend, type BackendName } from '../engine/backend';
import type { LandscapeOptions } from '../engine/landscape/run';
import { Session } from '../engine/session';
import type { TrainConfig } from '../engine/train/config';
import type { TrainEventListener } from '../engine/train/events';
import { probeBackend } from './probes';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

const session = new Session();

/** The worker's API. The page sees its type through `TrainerApi`; every method takes and returns plain data. */
const api = {
  async init(forced?: BackendName) {
    const choice = await initBackend(BACKEND_ORDER, { probe: probeBackend, forced, timeoutMs: 8000 });
    return { ...choice, crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, tfVersion: tf.version.tfjs };
  },
  loadIdxDataset: session.loadIdxDataset.bind(session),
  loadSynthetic: session.loadSynthetic.bind(session),
  setModel: session.setModel.bind(session),
  /** `onEvent` arrives as a comlink proxy of the page's callback; it is released when the run ends. */
  async train(config: TrainConfig, onEvent: TrainEventListener) {
    try {
      return await session.train(config, (event) => void onEvent(event));
    } finally {
      (onEvent as unknown as Comlink.Remote<TrainEventListener>)[Comlink.releaseProxy]();
    }
  },
  stop: session.stop.bind(session),
  evaluateTest: async () => {
    const ev = await session.evaluateTest();
    return Comlink.transfer(ev, [ev.predicted.buffer, ev.confidence.buffer]);
  },
  getImages: (split: 'train' | 'test', indices: number[]) => {
    const images = session.getImages(split, indices);
    return Comlink.transfer(images, [images.buffer]);
  },
  getLabels: (split: 'train' | 'test') => {
    const labels = session.getLabels(split);
    return Comlink.transfer(labels, [labels.buffer]);
  },
  exportModel: async () => {
    const files = await session.exportModel();
    return Comlink.transfer(files, [files.weights]);
  },
  predictGrid: async (size: number) => {
    const grid = await session.predictGrid(size);
    return Comlink.transfer(grid, [grid.classes.buffer, grid.confidence.buffer]);
  },
  getPoints: () => {
    const points = session.getPoints();
    return Comlink.transfer(points, [points.x.buffer, points.labels.buffer]);
  },
  /** `onProgress` arrives as a comlink proxy; it is released when the computation ends. */
  async computeLandscape(options: LandscapeOptions, onProgress: (fraction: number) => void) {
    try {
      const result = await session.computeLandscape(options, (f) => void onProgress(f));
      return result ? Comlink.transfer(result, [result.losses.buffer, result.path.buffer]) : null;
    } finally {
      (onProgress as unknown as Comlink.Remote<typeof onProgress>)[Comlink.releaseProxy]();
    }
  },
  cancelLandscape: session.cancelLandscape.bind(session),
  memory: () => ({ numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes }),
};

export type TrainerApi = typeof api;

Comlink.expose(api);
