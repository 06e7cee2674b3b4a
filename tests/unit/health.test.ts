import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/lib/engine/models/build';
import { classicMlp } from '../../src/lib/engine/models/spec';
import type { TrainEvent } from '../../src/lib/engine/train/events';
import { EarlyStopping, snapshotWeights, valuesFromFiles } from '../../src/lib/engine/train/early-stopping';
import { saveLayersModel } from '../../src/lib/engine/export/layers-format';
import { HealthMonitor, histogram } from '../../src/lib/engine/train/health';
import { Trainer } from '../../src/lib/engine/train/loop';
import type { MonitorEvent } from '../../src/lib/engine/train/monitor-events';
import { loadMnist, slice, useCpu } from './helpers';
import { MemoryRunStore } from './memory-store';
import { mnistSession, SMALL_CONFIG } from './fixtures';
import type { EngineMessage } from '../../src/lib/engine/errors';
import { describe as wordOf } from '../../src/lib/i18n/engine-text';

beforeAll(useCpu);

type Health = Extract<MonitorEvent, { kind: 'health' }>;

/** Trains with a HealthMonitor and an extra epoch-end step that runs before the health check. */
async function monitored(epochs: number, beforeCheck: (model: tf.LayersModel, epoch: number) => void) {
  const data = slice(await loadMnist(), 640, 100);
  const model = buildModel(classicMlp(), data.inputShape, 1);
  const events: TrainEvent[] = [];
  let trainer: Trainer | undefined = undefined;
  const health = new HealthMonitor(model, (e) => events.push(e), () => trainer?.stop(), 5);
  trainer = new Trainer(model, data, { ...SMALL_CONFIG, epochs, validationSplit: 0.1 }, {
    onGradients: (step, grads) => health.onGradients(step, grads),
    onEpochEnd: (ctx) => {
      beforeCheck(model, ctx.epoch);
      return health.onEpochEnd(ctx);
    },
  });
  const result = await trainer.run((e) => events.push(e));
  trainer.dispose();
  health.dispose();
  return { model, events, result, health };
}

describe('training health', () => {
  it('samples per-layer weight and gradient norms and histograms every epoch', async () => {
    const { events, model, result } = await monitored(2, () => {});
    const samples = events.filter((e): e is Health => e.kind === 'health');
    // 576 examples / 64 = 9 steps per epoch, sampled every 5 steps: steps 0, 5, 10, 15.
    expect(samples.map((s) => s.step)).toEqual([0, 5, 10, 15]);
    // One entry per layer with weights, in the model's order (the flatten layer has none).
    const weighted = model.layers.filter((l) => l.getWeights().length > 0).map((l) => l.name);
    expect(weighted).toHaveLength(2);
    expect(samples[0].layers).toEqual(weighted);
    for (const s of samples) {
      expect(s.weightNorms.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
      expect(s.gradNorms.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
      expect(s.memory.numTensors).toBeGreaterThan(0);
    }
    // The weight norm of the first sample is the norm of the initial weights (before step 0 is applied).
    const epochs = events.filter((e) => e.kind === 'health-epoch');
    expect(epochs).toHaveLength(2);
    const last = epochs[1] as Extract<MonitorEvent, { kind: 'health-epoch' }>;
    expect(last.weights.map((h) => h.layer)).toEqual(weighted);
    expect(last.weights[0].counts.reduce((a, b) => a + b, 0)).toBe(784 * 128 + 128);
    expect(last.gradients[1].counts.reduce((a, b) => a + b, 0)).toBe(128 * 10 + 10);
    expect(result.stopped).toBe(false);
    model.dispose();
  });

  it('stops a run whose tensor count grows epoch after epoch, and says why', async () => {
    const leaked: tf.Tensor[] = [];
    const { events, result, health, model } = await monitored(8, () => leaked.push(tf.keep(tf.scalar(1))));
    expect(result.epochs).toBe(4);
    expect(health.halt?.reason).toBe('leak');
    const error = events.find((e) => e.kind === 'error') as { message: EngineMessage<'train.leak'> };
    expect(error.message).toMatchObject({ code: 'train.leak', params: { epochs: 2 } });
    const counts = error.message.params.counts;
    expect(counts).toHaveLength(3);
    expect(wordOf(error.message)).toBe(
      `Memory leak: the number of tensors grew at the end of each of the last 2 epochs (${counts.join(' → ')}). A run that keeps allocating would exhaust the memory, so it was stopped; this is a bug in the training code, please report it.`,
    );
    expect(counts[1] - counts[0]).toBe(1);
    expect(counts[2] - counts[1]).toBe(1);
    tf.dispose(leaked);
    model.dispose();
  });

  it('stops on NaN weights, naming the layer', async () => {
    const { events, result, health, model } = await monitored(5, (m, epoch) => {
      if (epoch === 2) m.layers[2].setWeights([tf.fill([128, 10], NaN), tf.zeros([10])]);
    });
    expect(result.epochs).toBe(2);
    expect(health.halt).toMatchObject({ reason: 'non-finite', epoch: 2 });
    // The message names the layer that was poisoned.
    expect(wordOf((events.find((e) => e.kind === 'error') as { message: EngineMessage }).message)).toBe(
      `The weights of layer ${model.layers[2].name} hold NaN or infinite values after epoch 2. Try a lower learning rate.`,
    );
    model.dispose();
  });

  it('histograms count every finite value and flag the others', () => {
    const { hist, finite } = histogram('l', [0, 1, 2, 3, NaN], 3);
    expect(hist).toEqual({ layer: 'l', min: 0, max: 3, counts: [1, 1, 2] });
    expect(finite).toBe(false);
  });
});

describe('early stopping', () => {
  it('stops after `patience` epochs without improvement and restores the best weights', async () => {
    const model = buildModel(classicMlp(), [28, 28, 1], 1);
    const early = new EarlyStopping({ patience: 2, restoreBest: true });
    const losses = [1, 0.8, 0.9, 0.85, 0.7];
    let verdict: 'stop' | void = undefined;
    let bestWeights: Float32Array | null = null;
    for (let epoch = 1; epoch <= losses.length && verdict !== 'stop'; epoch++) {
      model.layers[1].setWeights([tf.fill([784, 128], epoch), tf.zeros([128])]);
      if (epoch === 2) bestWeights = (await snapshotWeights(model))[0].values;
      verdict = await early.onEpochEnd({ epoch, step: epoch * 10, model, trainLoss: 1, valLoss: losses[epoch - 1], valAccuracy: null });
    }
    expect(verdict).toBe('stop');
    expect(early.stoppedAt).toBe(4);
    expect(early.restoreBest(model)).toBe(true);
    expect(model.getWeights()[0].dataSync()[0]).toBe(2);
    expect(bestWeights![0]).toBe(2);
    expect(early.message(true)).toEqual({ code: 'train.earlyStopped', params: { epoch: 4, patience: 2, best: { loss: 0.8, epoch: 2 }, restored: true } });
    expect(wordOf(early.message(true))).toBe('Stopped early after epoch 4: the validation loss had not improved for 2 epochs (best 0.8000 at epoch 2). The weights of epoch 2 were restored.');
    model.dispose();
  });

  it('reads the best weights back from a stored checkpoint (to restore them in a resumed run)', async () => {
    const model = buildModel(classicMlp(), [28, 28, 1], 4);
    const fromFiles = valuesFromFiles(await saveLayersModel(model));
    const direct = await snapshotWeights(model);
    expect(fromFiles.map((w) => w.shape)).toEqual(direct.map((w) => w.shape));
    fromFiles.forEach((w, i) => expect(Buffer.from(w.values.buffer).equals(Buffer.from(direct[i].values.buffer))).toBe(true));
    model.dispose();
  });

  it('ends an overfitting run early in a Session and records why', async () => {
    const session = await mnistSession(256, 200);
    const store = new MemoryRunStore();
    const events: TrainEvent[] = [];
    const result = await session.train({ ...SMALL_CONFIG, learningRate: 0.01, epochs: 40, batchSize: 32, earlyStopping: { patience: 2, restoreBest: true } }, (e) => events.push(e), {
      record: { id: 'es', name: 'ES', tuner: null, parent: null, store },
    });
    expect(result.epochs).toBeLessThan(40);
    const record = store.runs.get('es')!;
    expect(record.halt?.reason).toBe('early-stop');
    expect(wordOf(record.halt!.message)).toMatch(/^Stopped early after epoch \d+: the validation loss had not improved for 2 epochs \(best [\d.]+ at epoch \d+\)\. The weights of epoch \d+ were restored\.$/);
    expect(record.status).toBe('done');
    // The stored final weights are the best epoch's.
    const last = store.checkpoints.get('es/last')!.files;
    const best = store.checkpoints.get('es/best')!.files;
    expect(Buffer.from(last.weights).equals(Buffer.from(best.weights))).toBe(true);
    expect(record.completedEpochs - record.bestEpoch!).toBe(2);
  });
});
