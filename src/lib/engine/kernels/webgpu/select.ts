/**
 * Which implementation runs on WebGPU, ours (WGSL, this folder) or TF.js's own, per kernel and shape class.
 * Filled only by measurement (`timeWebGPUKernels` in timing.ts); a class never timed runs TF.js's kernels,
 * since a software adapter's timings say little about a real GPU and TF.js's matmuls are tuned for real ones.
 */
export type KernelChoice = 'ours' | 'tfjs';

const choices = new Map<string, KernelChoice>();
let forced: KernelChoice | null = null;

/** Smallest power of two ≥ n (the bucket of a size that varies: batch, variable size). */
export const bucket = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

/** Shape class of a Dense layer's training pass: batch bucketed, the layer's own sizes exact. */
export const denseClass = (batch: number, inputs: number, units: number, activation: 'relu' | 'linear', hNeedsGrad: boolean): string =>
  `dense:${bucket(batch)}x${inputs}x${units}:${activation}:${hNeedsGrad ? 'dh' : 'nodh'}`;

/** Shape class of one Adam update: the variable's size bucketed. */
export const adamClass = (size: number): string => `adam:${bucket(size)}`;

/** The implementation for `shapeClass`: the forced one, else the measured faster one, else TF.js's. */
export function webgpuChoice(shapeClass: string): KernelChoice {
  return forced ?? choices.get(shapeClass) ?? 'tfjs';
}

/** Records a measured decision for `shapeClass`. */
export function setWebGPUChoice(shapeClass: string, choice: KernelChoice): void {
  choices.set(shapeClass, choice);
}

/** Forces one implementation for every class (tests, benchmarks); null goes back to the measured table. */
export function forceWebGPUChoice(choice: KernelChoice | null): void {
  forced = choice;
}

/** The measured table, for reports. */
export function webgpuChoices(): Record<string, KernelChoice> {
  return Object.fromEntries(choices);
}
