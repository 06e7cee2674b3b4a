import { expect, test } from '@playwright/test';
import { openApp } from './helpers';
import type { WebGPUCheckReport as Report } from '../../src/lib/engine/kernels/webgpu/check';
import { callWorker } from './worker-call';

/**
 * Our WebGPU kernels (engine/kernels/webgpu: fused Adam, the fused Dense pass) on TF.js's WebGPU backend, which
 * headless Chromium runs on SwiftShader here (docs/RUNTIME.md), against TF.js's CPU backend. WebGPU must start:
 * the test fails, never skips, when it does not.
 */

test('fused Adam and the fused Dense pass on WebGPU agree with the CPU backend and leak no tensor', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('backend-select').selectOption('webgpu');
  await expect(page.getByTestId('backend-name')).toHaveAttribute('data-backend', 'webgpu', { timeout: 30_000 });
  const { check: r } = await callWorker<{ check: Report }>(page, ['testHooks', 'webgpuKernels'], { check: true });
  console.log(`adapter ${r.adapter}; Adam ${r.adam.steps} steps: rel. error vs CPU ${r.adam.relVsCpu.toExponential(2)}, vs TF.js's WebGPU Adam ${r.adam.unequalVsTfjsWebgpu}/${r.adam.elements} unequal (max |Δ| ${r.adam.maxAbsVsTfjsWebgpu.toExponential(2)}); fallback vs CPU ${r.adam.relFallbackVsCpu.toExponential(2)}`);
  for (const d of r.dense) console.log(`dense ${d.shape.padEnd(22)} ours: y ${d.relForward.toExponential(2)} grads ${d.relGrads.toExponential(2)} | TF.js's: y ${d.relTfjsForward.toExponential(2)} grads ${d.relTfjsGrads.toExponential(2)}`);
  console.log(`loss curve (ours, WebGPU) ${r.curve.ours.map((l) => l.toFixed(5)).join(' ')}\nloss curve (CPU)          ${r.curve.cpu.map((l) => l.toFixed(5)).join(' ')}\nmax rel. ${r.curve.maxRel.toExponential(2)}; tensors ${JSON.stringify(r.tensors)}; our dispatches ${JSON.stringify(r.ourDispatches)}`);

  // Our programs ran: one Adam dispatch per variable and step (4 variables), 3–4 per Dense forward and backward.
  expect(r.ourDispatches.adam).toBe(4 * r.adam.steps);
  expect(r.ourDispatches.dense).toBeGreaterThanOrEqual(3 * r.dense.length);
  expect(r.ourDispatches.curve).toBeGreaterThan(0);
  // Where TF.js's kernels are chosen, none of ours runs, and the optimizer's fallback is TF.js's Adam too.
  expect(r.ourDispatches.tfjs).toBe(0);
  expect(r.adam.relFallbackVsCpu).toBeLessThanOrEqual(1e-5);

  expect(r.adam.steps).toBeGreaterThanOrEqual(20);
  expect(r.adam.relVsCpu).toBeLessThanOrEqual(1e-5);
  // On SwiftShader our single pass is bit-identical to TF.js's WebGPU Adam (same operations, order and device). A GPU
  // compiler that contracted a·b + c into one fused multiply-add would differ in the last bit; the 1e-5 above holds there.
  if (r.adapter.includes('swiftshader')) expect(r.adam.unequalVsTfjsWebgpu).toBe(0);
  expect(r.dense.length).toBeGreaterThanOrEqual(6);
  for (const d of r.dense) {
    expect(d.relForward, d.shape).toBeLessThanOrEqual(1e-5);
    expect(d.relGrads, d.shape).toBeLessThanOrEqual(1e-5);
  }
  // A short training run: the same losses step by step, and falling.
  expect(r.curve.ours).toHaveLength(r.curve.cpu.length);
  expect(r.curve.maxRel).toBeLessThanOrEqual(1e-4);
  expect(r.curve.ours.at(-1)!).toBeLessThan(r.curve.ours[0] * 0.9);
  // No tensor left behind: flat across training steps, and the same count before and after the whole check.
  expect(r.tensors.afterLastStep).toBe(r.tensors.afterFirstStep);
  expect(r.tensors.after).toBe(r.tensors.before);
});
