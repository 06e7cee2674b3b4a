import { EngineError } from '../errors';
import * as tf from '../tf';
import { featureSize, gatherBatch, type Dataset } from '../data/dataset';
import type { Domain } from '../lab/surfaces';
import { Rng } from '../rng';
import type { LossName } from '../train/losses';
import { filterNormalizedDirection } from './directions';
import { computeSlice, type LossSlice } from './landscape';
import { projectTrajectory, trajectoryPca } from './pca';
import { flattenWeights, weightLayout } from './weights';

import type { LandscapeMethod, LandscapeOptions } from './options';

export { DEFAULT_LANDSCAPE, type LandscapeMethod, type LandscapeOptions } from './options';

export interface LandscapeResult extends LossSlice {
  method: LandscapeMethod;
  /** The training path's snapshots in the slice's (α, β) coordinates, interleaved; empty without a run. */
  path: Float64Array;
  /** PCA only: the fraction of the path's variance along each axis. */
  explained?: [number, number];
  subsetCount: number;
  params: number;
  seconds: number;
}

/** The fixed subset: seeded indices into the training split, as tensors the caller disposes. */
function subsetTensors(dataset: Dataset, count: number, seed: number): { x: tf.Tensor; y: tf.Tensor1D; n: number } {
  const n = Math.min(count, dataset.train.count);
  const order = new Rng(seed ^ 0x1a5d).permutation(new Uint32Array(dataset.train.count));
  const features = featureSize(dataset.inputShape);
  const xBuf = new Float32Array(n * features);
  const classification = dataset.task === 'classification';
  const yBuf = classification ? new Int32Array(n) : new Float32Array(n);
  gatherBatch(dataset.train, features, dataset.xScale, order, 0, n, xBuf, yBuf);
  return { x: tf.tensor(xBuf, [n, ...dataset.inputShape]), y: tf.tensor1d(yBuf, classification ? 'int32' : 'float32'), n };
}

/** A box around the path's points and the centre, padded, so the whole path is on the plot. */
function pathDomain(coords: Float64Array): Domain {
  let [xMin, xMax, yMin, yMax] = [0, 0, 0, 0];
  for (let k = 0; k < coords.length; k += 2) {
    xMin = Math.min(xMin, coords[k]);
    xMax = Math.max(xMax, coords[k]);
    yMin = Math.min(yMin, coords[k + 1]);
    yMax = Math.max(yMax, coords[k + 1]);
  }
  const spanX = Math.max(xMax - xMin, 1e-3);
  const spanY = Math.max(yMax - yMin, spanX * 0.25, 1e-3);
  return { xMin: xMin - 0.25 * spanX, xMax: xMax + 0.25 * spanX, yMin: yMin - 0.25 * spanY, yMax: yMax + 0.25 * spanY };
}

/**
 * The loss landscape around the model's current weights θ*: directions (filter-normalised random,
 * or the trajectory's top two principal components), the trajectory projected onto them, and the
 * loss on a grid. Returns null when cancelled. The model's weights are unchanged afterwards.
 */
export async function computeLandscape(
  model: tf.LayersModel,
  dataset: Dataset,
  lossName: LossName,
  snapshots: Float32Array[],
  options: LandscapeOptions,
  onProgress: (fraction: number) => void,
  shouldStop: () => boolean,
): Promise<LandscapeResult | null> {
  if (!(Number.isInteger(options.size) && options.size >= 5 && options.size <= 101)) throw new EngineError('landscape.badSize', { value: options.size, min: 5, max: 101 });
  if (!(options.range > 0)) throw new EngineError('landscape.badRange', { value: options.range });
  const t0 = performance.now();
  const layout = weightLayout(model);
  const center = await flattenWeights(model);
  let d1: Float32Array, d2: Float32Array, path: Float64Array, domain: Domain, explained: [number, number] | undefined;
  if (options.method === 'pca') {
    if (snapshots.length < 3) throw new EngineError('landscape.pcaNeedsEpochs', { epochs: Math.max(0, snapshots.length - 1) });
    const pca = trajectoryPca(snapshots, center);
    [d1, d2] = pca.directions;
    path = pca.coords;
    explained = pca.explained;
    domain = pathDomain(path);
  } else {
    const rng = new Rng(options.seed);
    d1 = filterNormalizedDirection(center, layout, rng);
    d2 = filterNormalizedDirection(center, layout, rng);
    path = snapshots.length ? projectTrajectory(snapshots, center, d1, d2) : new Float64Array(0);
    domain = { xMin: -options.range, xMax: options.range, yMin: -options.range, yMax: options.range };
  }
  const { x, y, n } = subsetTensors(dataset, options.subset, options.seed);
  try {
    const slice = await computeSlice({ model, layout, center, d1, d2, x, y, lossName, size: options.size, domain }, onProgress, shouldStop);
    if (!slice) return null;
    return { ...slice, method: options.method, path, explained, subsetCount: n, params: layout.total, seconds: (performance.now() - t0) / 1000 };
  } finally {
    tf.dispose([x, y]);
  }
}
