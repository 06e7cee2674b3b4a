/**
 * Backend failures in the middle of a run: a lost WebGL context, a lost WebGPU device, or a failure
 * injected on purpose (tests, and the "simulate a backend failure" check).
 */
export class BackendFailure extends Error {
  override name = 'BackendFailure';
}

let failAtStep: number | null = null;
let stepsSeen = 0;

/** Makes the training step number `afterSteps` (counted from now) throw a BackendFailure, once. */
export function injectBackendFailure(afterSteps: number): void {
  failAtStep = afterSteps;
  stepsSeen = 0;
}

/** Called by every training step; throws when an injected failure is due. */
export function checkInjectedFailure(): void {
  if (failAtStep === null) return;
  if (++stepsSeen >= failAtStep) {
    failAtStep = null;
    throw new BackendFailure('injected backend failure (simulated lost device)');
  }
}

/** True for errors that mean the backend itself broke (so another backend can take over). */
export function isBackendFailure(err: unknown): boolean {
  if (err instanceof BackendFailure) return true;
  const message = err instanceof Error ? err.message : String(err);
  return /context (was )?lost|device (was )?lost|CONTEXT_LOST|GPUDevice.*lost|injected backend failure/i.test(message);
}
