/**
 * The benchmark page: drives the app's own worker (same engine, same backends) for `npm run bench`.
 * Each call starts a fresh worker on the requested backend.
 */
import * as Comlink from 'comlink';
import type { BackendName } from '../src/lib/engine/backend';
import { MNIST_INFO } from '../src/lib/engine/data/mnist';
import { classicMlp } from '../src/lib/engine/models/spec';
import { DEFAULT_CONFIG, type TrainConfig } from '../src/lib/engine/train/config';
import type { TrainEvent } from '../src/lib/engine/train/events';
import { fetchIdxFiles } from '../src/lib/io/builtin-data';
import { TrainerClient } from '../src/lib/worker/client';

const client = new TrainerClient();

async function setup(backend: BackendName | undefined) {
  client.terminate();
  const info = await client.api.init(backend);
  const { files, buffers } = await fetchIdxFiles('mnist', '../');
  await client.api.loadIdxDataset(Comlink.transfer(files, buffers), MNIST_INFO);
  await client.api.setModel(classicMlp(), DEFAULT_CONFIG.seed);
  return info;
}

async function throughput(backend: BackendName, batchSizes: number[], measureMs = 3000, withFit = true) {
  const info = await setup(backend);
  const rows = [];
  for (const batchSize of batchSizes) {
    const config = { ...DEFAULT_CONFIG, batchSize };
    const ours = await client.api.benchThroughput(classicMlp(), config, 1500, measureMs);
    const fit = withFit ? await client.api.benchModelFit(classicMlp(), config, Math.max(4096, Math.min(60000, Math.round((ours.samplesPerSec * measureMs) / 1000)))) : null;
    rows.push({ batchSize, ours: ours.samplesPerSec, fit: fit?.samplesPerSec ?? null });
  }
  return { backend: info.name, reason: info.reason, detail: info.detail, notices: info.notices, rows };
}

/** A full run at the given settings on the automatically chosen backend; returns per-epoch times and test accuracy. */
async function fullRun(overrides: Partial<TrainConfig>) {
  const info = await setup(undefined);
  const epochs: { epoch: number; seconds: number; valAccuracy: number | null }[] = [];
  const onEvent = Comlink.proxy((e: TrainEvent) => {
    if (e.kind === 'epoch') epochs.push({ epoch: e.epoch, seconds: e.seconds, valAccuracy: e.valAccuracy });
  });
  const result = await client.api.train({ ...DEFAULT_CONFIG, ...overrides }, onEvent);
  const test = await client.api.evaluateTest();
  return { backend: info.name, result, epochs, testAccuracy: test.accuracy };
}

Object.assign(window, { descentBench: { throughput, fullRun } });
document.title = 'Descent benchmark: ready';
