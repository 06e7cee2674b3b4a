import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/lib/engine/models/build';
import { classicMlp } from '../../src/lib/engine/models/spec';
import { Rng } from '../../src/lib/engine/rng';
import { learningRateAt, momentumAt, ONE_CYCLE } from '../../src/lib/engine/train/schedules';
import { decide } from '../../src/lib/engine/tune/batch-finder';
import { batchReasonText } from '../../src/lib/engine/tune/batch-reason';
import { describe as wordOf } from '../../src/lib/i18n/engine-text';
import { lrRangeTest, rangeTestSteps } from '../../src/lib/engine/tune/lr-finder';
import { estimateNoiseScale, type NoiseSample } from '../../src/lib/engine/tune/noise-scale';
import { cyclePeakLr, smoothLosses, steepestIndex, valleyIndex } from '../../src/lib/engine/tune/suggest';
import { autoConfig, autoPlan, MIN_ROUND_STEPS, tunerDecisions } from '../../src/lib/engine/tune/auto';
import { loadMnist, slice, useCpu } from './helpers';

beforeAll(useCpu);

const logspace = (n: number) => Array.from({ length: n }, (_, i) => 1e-6 * Math.pow(1e7, i / (n - 1)));

describe('learning-rate suggestion rules', () => {
  it('steepest descent against log10(lr) finds the inflection of a logistic drop', () => {
    const lrs = logspace(101);
    // Loss falls like a logistic in log10(lr), steepest at log10(lr) = -3; blows up past 1e-0.5.
    const losses = lrs.map((lr) => {
      const x = Math.log10(lr);
      return 2 / (1 + Math.exp(3 * (x + 3))) + 0.1 + (x > -0.5 ? Math.pow(10, 2 * (x + 0.5)) - 1 : 0);
    });
    const i = steepestIndex(lrs, losses);
    expect(Math.log10(lrs[i])).toBeCloseTo(-3, 1);
  });

  it('valley is the middle of the longest decreasing stretch, ignoring a noisy rise before it', () => {
    // 0..9 flat-noisy, 10..59 strictly decreasing, 60..79 rising.
    const losses = [
      ...Array.from({ length: 10 }, (_, i) => 3 + (i % 2) * 0.01),
      ...Array.from({ length: 50 }, (_, i) => 2.9 - i * 0.05),
      ...Array.from({ length: 20 }, (_, i) => 0.5 + i * 0.3),
    ];
    const v = valleyIndex(logspace(losses.length), losses);
    expect(v.end).toBeGreaterThanOrEqual(58);
    expect(v.start).toBeGreaterThanOrEqual(8);
    expect(v.start).toBeLessThanOrEqual(10);
    expect(v.index).toBe(Math.round((v.start + v.end) / 2));
  });

  it('smoothing is the bias-corrected moving average', () => {
    expect(smoothLosses([2, 2, 2])).toEqual([2, 2, 2].map(() => expect.closeTo(2, 10)));
    const s = smoothLosses([1, 3], 0.5);
    expect(s[1]).toBeCloseTo((0.5 * 0.5 * 1 + 0.5 * 3) / (1 - 0.25), 10);
  });
});

describe('gradient noise scale', () => {
  it('recovers known tr(Σ) and |G|² from synthetic per-example gradients', () => {
    const rng = new Rng(11);
    const d = 40;
    const G = Array.from({ length: d }, (_, i) => (i % 2 ? 0.5 : -0.25));
    const gradSquared = G.reduce((s, g) => s + g * g, 0);
    const sigma = 2;
    const traceSigma = d * sigma * sigma;
    const normal = () => Math.sqrt(-2 * Math.log(Math.max(rng.next(), 1e-12))) * Math.cos(2 * Math.PI * rng.next());
    const batchMeanNormSq = (b: number) => {
      const mean = new Float64Array(d);
      for (let k = 0; k < b; k++) for (let j = 0; j < d; j++) mean[j] += (G[j] + sigma * normal()) / b;
      return mean.reduce((s, v) => s + v * v, 0);
    };
    const samples: NoiseSample[] = Array.from({ length: 400 }, () => ({ small: batchMeanNormSq(8), big: batchMeanNormSq(256) }));
    const est = estimateNoiseScale(samples, 8, 256);
    expect(est.gradSquared).toBeCloseTo(gradSquared, 0);
    expect(Math.abs(est.traceSigma - traceSigma) / traceSigma).toBeLessThan(0.1);
    expect(Math.abs(est.noiseScale! - traceSigma / gradSquared) / (traceSigma / gradSquared)).toBeLessThan(0.15);
  });

  it('picks the batch size with the least predicted time and says why', () => {
    const rows = [
      { batchSize: 32, samplesPerSec: 6000, stepMs: 5 },
      { batchSize: 64, samplesPerSec: 8000, stepMs: 8 },
      { batchSize: 128, samplesPerSec: 9000, stepMs: 14 },
      { batchSize: 256, samplesPerSec: 9500, stepMs: 27 },
    ];
    // (1 + B/100)/sps: 32 → 2.2e-4, 64 → 2.05e-4, 128 → 2.53e-4
    expect(decide(rows, 100).chosen).toBe(64);
    const below = decide(rows, 100).reason;
    expect(below).toEqual({ code: 'tune.chosenBelowNoise', params: { batch: 64, fastest: 256, noiseScale: 100 } });
    expect(wordOf(below)).toMatch(/Batch 256 would process more samples\/s.*batch 64 reaches the target soonest/);
    expect(decide(rows, 1e6).chosen).toBe(256);
    expect(decide(rows, 1e6).reason).toEqual({ code: 'tune.chosenFastest', params: { batch: 256, samplesPerSec: 9500, noiseScale: 1e6 } });
    expect(decide(rows, null).chosen).toBe(256);
    expect(decide(rows, null).reason).toEqual({ code: 'tune.chosenNoNoise', params: { batch: 256, samplesPerSec: 9500 } });
  });

  it('words each batch reason for stored records exactly as the page does in English', () => {
    const rows = [
      { batchSize: 32, samplesPerSec: 6000.4, stepMs: 5 },
      { batchSize: 64, samplesPerSec: 8000.6, stepMs: 8 },
    ];
    const reasons = [decide(rows, 10).reason, decide(rows, 1e6).reason, decide(rows, null).reason];
    expect(reasons.map((r) => r.code)).toEqual(['tune.chosenBelowNoise', 'tune.chosenFastest', 'tune.chosenNoNoise']);
    for (const r of reasons) expect(batchReasonText(r)).toBe(wordOf(r));
    expect(batchReasonText(reasons[2])).toBe('The gradient noise could not be estimated, so batch 64 was chosen for its throughput (8001 samples/s).');
  });
});

describe('one-cycle schedule', () => {
  it('has the expected rates and momenta at its key points', () => {
    const total = 1000;
    const at = (s: number) => learningRateAt(ONE_CYCLE, 0.01, s, total, 100);
    expect(at(0)).toBeCloseTo(0.01 / 25, 12);
    expect(at(250)).toBeCloseTo(0.01, 12);
    expect(at(125)).toBeCloseTo((0.01 + 0.01 / 25) / 2, 12);
    expect(at(999)).toBeCloseTo(0.01 / 1e4, 12);
    expect(momentumAt(ONE_CYCLE, 0, total)).toBeCloseTo(0.95, 12);
    expect(momentumAt(ONE_CYCLE, 250, total)).toBeCloseTo(0.85, 12);
    expect(momentumAt(ONE_CYCLE, 999, total)).toBeCloseTo(0.95, 12);
    expect(learningRateAt({ kind: 'step-decay', everyEpochs: 2, gamma: 0.5 }, 0.1, 450, total, 100)).toBeCloseTo(0.025, 12);
    expect(learningRateAt({ kind: 'constant' }, 0.1, 450, total, 100)).toBe(0.1);
  });
});

describe('learning-rate range test', () => {
  it('sweeps up, suggests rates inside the sweep and restores the weights exactly', async () => {
    const data = slice(await loadMnist(), 2000, 10);
    const model = buildModel(classicMlp(), data.inputShape, 5);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const tensorsBefore = tf.memory().numTensors;
    const result = await lrRangeTest(model, data, { optimizer: 'adam', batchSize: 32, seed: 1, validationSplit: 0, steps: 60 });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const after = model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(after).toEqual(before);
    const lrs = result.points.map((p) => p.lr);
    expect(lrs[0]).toBeCloseTo(1e-7, 12);
    for (let i = 1; i < lrs.length; i++) expect(lrs[i]).toBeGreaterThan(lrs[i - 1]);
    // The loss must have risen past its best by the end of the sweep (Adam diverges well before 10).
    const smoothed = result.points.map((p) => p.smoothed);
    expect(smoothed.at(-1)!).toBeGreaterThan(Math.min(...smoothed) * 1.2);
    expect(result.valley.lr).toBeGreaterThan(1e-4);
    expect(result.valley.lr).toBeLessThan(1e-1);
    expect(result.suggestedLr).toBe(result.valley.lr);
    model.dispose();
  });

  it('uses fewer steps on tiny datasets', () => {
    expect(rangeTestSteps(60000, 32)).toBe(100);
    expect(rangeTestSteps(300, 32)).toBe(30);
    expect(rangeTestSteps(1000, 32)).toBe(93);
  });
});

describe('live optimizer parameters', () => {
  it('a changed rate and momentum take effect at the next step, for every optimizer', async () => {
    const { createOptimizer, setOptimizerParams } = await import('../../src/lib/engine/train/optimizers');
    for (const name of ['sgd', 'momentum', 'rmsprop', 'adam'] as const) {
      const run = (lr: number) => {
        const v = tf.variable(tf.scalar(1));
        const opt = createOptimizer(name, 1e-9);
        setOptimizerParams(opt, lr, 0.5);
        opt.minimize(() => tf.square(v) as tf.Scalar);
        const moved = 1 - v.dataSync()[0];
        opt.dispose();
        v.dispose();
        return moved;
      };
      expect(run(0.1)).toBeGreaterThan(1e-3);
      expect(run(0.01)).toBeLessThan(run(0.1));
    }
  });
});

describe('edge rule', () => {
  it('steps back from the blow-up when a curve never falls steadily', async () => {
    const { suggestFromPoints } = await import('../../src/lib/engine/tune/lr-finder');
    const lrs = logspace(100);
    // Flat at 0.7 with small noise up to lr = 1, then rising fast.
    const points = lrs.map((lr, i) => {
      const smoothed = 0.7 + 0.002 * Math.sin(i) + (lr > 1 ? lr - 1 : 0);
      return { lr, loss: smoothed, smoothed };
    });
    const s = suggestFromPoints(points);
    expect(s.applied).toBe('edge');
    expect(s.suggestedLr).toBeGreaterThan(0.05);
    expect(s.suggestedLr).toBeLessThan(0.5);
  });
});

describe('one-cycle rounds (Auto)', () => {
  it('restarts the cycle at each round, with the round’s peak', () => {
    // 10 epochs of 100 steps in rounds of 2 and 8 epochs; the second round peaks at a third of the rate.
    const spec = { ...ONE_CYCLE, rounds: [2, 8], peaks: [1, 1 / 3] };
    const at = (s: number) => learningRateAt(spec, 0.03, s, 1000, 100);
    expect(at(0)).toBeCloseTo(0.03 / 25, 12);
    expect(at(50)).toBeCloseTo(0.03, 12); // 25% of the first round's 200 steps
    expect(at(199)).toBeCloseTo(0.03 / 1e4, 12);
    expect(at(200)).toBeCloseTo(0.01 / 25, 12); // warm restart
    expect(at(400)).toBeCloseTo(0.01, 12); // 25% of the second round's 800 steps
    expect(at(999)).toBeCloseTo(0.01 / 1e4, 12);
    expect(momentumAt(spec, 50, 1000, 100)).toBeCloseTo(0.85, 12);
    expect(momentumAt(spec, 200, 1000, 100)).toBeCloseTo(0.95, 12);
    expect(momentumAt(spec, 400, 1000, 100)).toBeCloseTo(0.85, 12);
  });
});

describe('Auto plan and settings', () => {
  const base = { optimizer: 'adam' as const, learningRate: 0.001, batchSize: 32, epochs: 10, validationSplit: 0.1, seed: 42 };

  it('plans a short first round, caps the batch so that round keeps enough steps, and gives plain SGD momentum', () => {
    // MNIST: 54,000 training examples after the split; a first round of 2 epochs.
    const mnist = autoPlan(base, 60000);
    expect(mnist.rounds).toEqual([2, 8]);
    expect((2 * 54000) / mnist.maxBatch).toBeGreaterThanOrEqual(MIN_ROUND_STEPS);
    expect((2 * 54000) / (2 * mnist.maxBatch)).toBeLessThan(MIN_ROUND_STEPS);
    expect(mnist.optimizer).toBe('adam');
    // A small 2-D set over 40 epochs: small batches, or the rounds would have too few steps.
    const spiral = autoPlan({ ...base, optimizer: 'sgd', epochs: 40 }, 2000);
    expect(spiral.rounds).toEqual([10, 30]);
    expect(spiral.maxBatch).toBe(32);
    expect(spiral.optimizer).toBe('momentum');
    expect(autoPlan({ ...base, epochs: 3 }, 60000).rounds).toEqual([3]);
  });

  it('trains at the one-cycle peak, refines at the valley rate, and records why', () => {
    const plan = autoPlan({ ...base, optimizer: 'sgd' }, 60000);
    const batch = { ...decide([{ batchSize: 128, samplesPerSec: 30000, stepMs: 4 }], 2000), gradSquared: 1, traceSigma: 2000, noisePair: [8, 1024] as [number, number], stoppedBecause: { code: 'tune.triedLimit' as const, params: { batch: 128 } }, seconds: 1 };
    const points = logspace(100).map((lr) => ({ lr, loss: 1, smoothed: 1 }));
    const lr = { points, steepest: { index: 50, lr: 0.005 }, valley: { index: 60, lr: 0.01, start: 50, end: 70 }, edge: { index: 80, lr: 0.09 }, cyclePeak: { lr: cyclePeakLr(0.01, 0.09, true) }, applied: 'valley' as const, suggestedLr: 0.01, optimizer: 'momentum' as const, batchSize: 128, stoppedEarly: true, seconds: 1 };
    const config = autoConfig({ ...base, optimizer: 'sgd' }, plan, batch, lr, 1.5);
    expect(config.learningRate).toBe(0.03); // √(0.01 · 0.09)
    expect(config.batchSize).toBe(128);
    expect(config.optimizer).toBe('momentum');
    expect(config.schedule).toMatchObject({ kind: 'one-cycle', rounds: [2, 8] });
    expect(learningRateAt(config.schedule!, config.learningRate, 400, 1000, 100)).toBeCloseTo(0.01, 3);
    expect(config.tuning?.roundPeaks).toEqual([0.03, 0.01]);
    const decisions = tunerDecisions(config.tuning!);
    expect(decisions.map((d) => d.parameter)).toEqual(['batchSize', 'learningRate', 'optimizer', 'schedule', 'tunerSeconds']);
    // Stored and exported as English text (the model card is plain text for now).
    expect(config.tuning?.batch?.reason).toBe('Batch 128 has the highest throughput (30000 samples/s) and is still small next to the gradient noise scale (2000), so it reaches the target soonest.');
    expect(decisions[0].reason).toBe(config.tuning?.batch?.reason);
    expect(cyclePeakLr(0.01, 0.09, false)).toBe(0.09);
    expect(cyclePeakLr(0.05, 0.01, true)).toBe(0.05);
  });
});
