import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleFiles, zipBundle } from '../../src/lib/engine/export/bundle';
import { enBundle } from '../../src/lib/i18n/en-bundle';
import { readModelUpload } from '../../src/lib/engine/export/import';
import { loadLayersModelFromFiles } from '../../src/lib/engine/export/layers-format';
import { quantizeModelFiles, toFloat16Bits, uint8Range } from '../../src/lib/engine/export/quantize';
import { cardFromRun } from '../../src/lib/engine/runs/record';
import { evaluate } from '../../src/lib/engine/train/evaluate';
import { loadMnist, slice, useCpu } from './helpers';
import { mnistSession, recordedRun } from './fixtures';

beforeAll(useCpu);

/** The accuracy change as the export dialog shows it: percentage points with two decimals. */
const shownDelta = (before: number, after: number) => ((after - before) * 100).toFixed(2);

describe('weight quantisation', () => {
  it('converts float32 to IEEE half exactly where representable, rounding to nearest even', () => {
    const cases: [number, number][] = [[0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [1e6, 0x7c00], [-Infinity, 0xfc00], [2 ** -24, 0x0001], [2 ** -14, 0x0400], [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [0.1, 0x2e66]];
    for (const [value, bits] of cases) expect(toFloat16Bits(value), String(value)).toBe(bits);
    expect(toFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(toFloat16Bits(NaN) & 0x3ff).not.toBe(0);
  });

  it('keeps 0 exact in uint8 ranges', () => {
    const { scale, min } = uint8Range(Float32Array.from([-0.3, 0, 0.7]));
    expect(Math.abs(Math.round(-min / scale) * scale + min)).toBeLessThan(1e-12);
    expect(scale).toBeCloseTo(1 / 255, 6);
  });

  it('float16 and uint8 exports reload in stock TF.js, shrink the weights 2× and 4×, and change test accuracy by what the dialog shows', async () => {
    const session = await mnistSession(1500, 1000);
    const { record } = await recordedRun(session, { optimizer: 'adam', learningRate: 0.002, batchSize: 64, epochs: 2, validationSplit: 0.1, seed: 5 });
    const files = await session.exportModel();
    const test = slice(await loadMnist(), 1500, 1000);
    for (const dtype of ['float16', 'uint8'] as const) {
      const { report, files: q } = await session.measureQuantization(files, dtype);
      expect(report.bytesBefore).toBe(101770 * 4);
      expect(report.bytesAfter).toBe(101770 * (dtype === 'float16' ? 2 : 1));
      expect(report.testCount).toBe(1000);
      expect(report.testAccuracyBefore).toBeGreaterThan(0.8);

      // What a user downloads: the zip with the quantised weights and the report in the card.
      const card = cardFromRun(record, 'last', report);
      const zip = unzipSync(zipBundle('m', bundleFiles({ model: q, card, tfjs: new Uint8Array(1), texts: enBundle })));
      const back = readModelUpload(Object.entries(zip).filter(([n]) => !n.endsWith('/')).map(([name, bytes]) => ({ name, bytes })));
      expect(back.card?.quantization).toEqual(report);
      const reloaded = await loadLayersModelFromFiles(back.files);
      const original = await loadLayersModelFromFiles(files);
      const [after, before] = [await evaluate(reloaded, test, test.test), await evaluate(original, test, test.test)];
      expect(shownDelta(before.accuracy, after.accuracy)).toBe(shownDelta(report.testAccuracyBefore!, report.testAccuracyAfter!));
      expect(Math.abs(after.accuracy - before.accuracy)).toBeLessThanOrEqual(dtype === 'float16' ? 0.002 : 0.02);

      // Dequantised weights are within half a quantisation step of the originals.
      const w0 = original.getWeights()[0].dataSync();
      const w1 = reloaded.getWeights()[0].dataSync();
      const spec = JSON.parse(back.files.modelJson).weightsManifest[0].weights[0];
      // Half a step: scale/2 for uint8; half an ulp (2^-11 relative; absolute below 2^-14, where halves are subnormal) for float16.
      const tolerance = dtype === 'uint8' ? spec.quantization.scale / 2 + 1e-7 : 2 ** -11 * (1 + 1e-6);
      let worst = 0;
      for (let i = 0; i < w0.length; i++) worst = Math.max(worst, Math.abs(w1[i] - w0[i]) / (dtype === 'uint8' ? 1 : Math.max(Math.abs(w0[i]), 2 ** -14)));
      expect(worst).toBeLessThanOrEqual(tolerance);
      [reloaded, original].forEach((m) => m.dispose());
    }
  });

  it('leaves non-float weights as they are', () => {
    const modelJson = JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'i', shape: [2], dtype: 'int32' }, { name: 'f', shape: [2], dtype: 'float32' }] }] });
    const weights = new Uint8Array([...new Uint8Array(Int32Array.from([7, -3]).buffer), ...new Uint8Array(Float32Array.from([0.5, -1]).buffer)]).buffer;
    const q = quantizeModelFiles({ modelJson, weights, weightsFileName: 'w.bin' }, 'float16');
    expect(Array.from(new Int32Array(q.weights.slice(0, 8)))).toEqual([7, -3]);
    const decoded = tf.io.decodeWeights(q.weights, JSON.parse(q.modelJson).weightsManifest[0].weights);
    expect(Array.from(decoded.f.dataSync())).toEqual([0.5, -1]);
    tf.dispose(Object.values(decoded));
  });
});
