import * as tf from './tf';
import { EngineError, engineMessage, toEngineMessage, type EngineMessage } from './errors';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** What a backend probe found before TF.js was asked to start it. */
export interface BackendProbe {
  /** False when the backend cannot run here at all (e.g. no WebGPU adapter). */
  available: boolean;
  /** True when the GPU is emulated in software (SwiftShader): counts as no GPU when choosing automatically. */
  software?: boolean;
  /** The device as the browser names it (adapter or renderer), or what the backend runs with (threads). */
  detail: string;
  /** Why the backend cannot run here, when `available` is false and the probe knows. */
  problem?: EngineMessage;
}

export interface BackendChoice {
  name: BackendName;
  /** Why this backend was chosen (the page words it). */
  reason: EngineMessage;
  /** One message per backend that was skipped or failed on the way. */
  notices: EngineMessage[];
  /** Backends that were tried and failed or hung while starting (a subset of `notices`). */
  failures: EngineMessage[];
  detail: string;
}

export interface InitBackendOptions {
  /** Probe per backend; a backend without one is assumed available. */
  probe?: (name: BackendName) => Promise<BackendProbe>;
  /** When set, only this backend is tried first (the user forced it); the rest follow as fallbacks. */
  forced?: BackendName;
  /** Give up on a backend that has not started after this long. */
  timeoutMs?: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, backend: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new EngineError('backend.startTimeout', { backend, seconds: ms / 1000 })), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/**
 * After a backend's start timed out, TF.js still waits on its promise: `tf.ready()` would hang and
 * every op would throw. Mark that start as outdated (as TF.js does itself when another async backend
 * is set) so the next backend can take over.
 */
function forgetPendingInit(): void {
  const engine = tf.engine() as unknown as { pendingBackendInit: Promise<boolean> | null; pendingBackendInitId: number };
  engine.pendingBackendInitId++;
  engine.pendingBackendInit = null;
}

/** Backends whose module is loaded on first use, and how (set by the worker: see `setBackendLoader`). */
let lazyBackends: { names: ReadonlySet<BackendName>; load: (name: BackendName) => Promise<void> } | null = null;

/**
 * Lets backends `names` be imported only when one of them is first started (the worker loads WebGPU and WASM this
 * way, so a page that never uses them never fetches them). `load` must register the backend with TF.js.
 */
export function setBackendLoader(names: readonly BackendName[], load: (name: BackendName) => Promise<void>): void {
  lazyBackends = { names: new Set(names), load };
}

/** True when backend `name` is registered with TF.js or can be loaded on first use. */
export function backendIncluded(name: BackendName): boolean {
  return Boolean(tf.findBackendFactory(name)) || Boolean(lazyBackends?.names.has(name));
}

/** Starts one backend, with a timeout; throws when it fails or hangs. */
export async function startBackend(name: BackendName, timeoutMs = 10_000): Promise<void> {
  if (!tf.findBackendFactory(name) && lazyBackends?.names.has(name)) await withTimeout(lazyBackends.load(name), timeoutMs, name);
  const ok = await withTimeout(tf.setBackend(name), timeoutMs, name).catch((err: unknown) => {
    forgetPendingInit();
    throw err;
  });
  if (!ok) throw new EngineError('backend.initFailed', {});
  if (name === 'wasm') reserveWasmHeap();
}

/** Heap the WASM backend reserves when it starts (bytes). */
export const WASM_HEAP_RESERVE = 64 << 20;

/**
 * Grows the WASM heap once, by allocating `bytes` and freeing them (the pages are not touched, so they cost
 * no memory until used). Measured in Chromium on the threaded build (shared memory), classic MLP: batch 256
 * went from 32,500 to 43,000–46,000 samples/s, batch 32 unchanged; in Node's single-threaded build the same
 * allocations cost the same with or without it. The heap starts at 16 MB and grows while a run allocates its
 * large tensors; how that growth slows later steps in the shared-memory build was not pinned down.
 */
export function reserveWasmHeap(bytes = WASM_HEAP_RESERVE): void {
  const backend = tf.backend() as unknown as { makeOutput?(shape: number[], dtype: 'float32'): tf.TensorInfo };
  if (tf.getBackend() !== 'wasm' || !backend.makeOutput) return;
  tf.engine().makeTensorFromTensorInfo(backend.makeOutput([bytes >> 2], 'float32')).dispose();
}

export interface BackendSpeed {
  name: BackendName;
  /** Training samples/s of the current model, or null when the backend could not run it. */
  samplesPerSec: number | null;
  /** Why it was not timed or could not run (null when it ran). */
  note: EngineMessage | null;
}

/**
 * Measures each candidate with `measure` (a few real training steps, run on the active backend) within
 * `budgetMs` in all, and leaves the fastest one active. Backends that fail to start or to run are listed
 * with the reason.
 */
export async function pickFastestBackend(
  candidates: readonly BackendName[],
  measure: (budgetMs: number) => Promise<number>,
  budgetMs = 2000,
  timeoutMs = 5000,
): Promise<{ chosen: BackendName; speeds: BackendSpeed[] }> {
  const speeds: BackendSpeed[] = [];
  const failures: { backend: string; problem: EngineMessage }[] = [];
  const each = budgetMs / Math.max(1, candidates.length);
  for (const name of candidates) {
    try {
      await startBackend(name, timeoutMs);
      const samplesPerSec = await measure(each);
      speeds.push({ name, samplesPerSec, note: null });
    } catch (err) {
      const problem = toEngineMessage(err);
      speeds.push({ name, samplesPerSec: null, note: problem });
      failures.push({ backend: name, problem });
    }
  }
  const ran = speeds.filter((s) => s.samplesPerSec !== null);
  if (ran.length === 0) throw new EngineError('backend.noneTrained', { failures });
  const best = ran.reduce((a, b) => (b.samplesPerSec! > a.samplesPerSec! ? b : a));
  await startBackend(best.name, timeoutMs);
  return { chosen: best.name, speeds };
}

/**
 * Starts the first backend in `order` that works. A software-emulated GPU is skipped unless forced,
 * since WASM is much faster than an emulated GPU. Each start has a timeout. Backends must be
 * registered (imported) by the caller: the engine itself imports none of the GPU backends.
 */
export async function initBackend(order: readonly BackendName[], options: InitBackendOptions = {}): Promise<BackendChoice> {
  const { probe, forced, timeoutMs = 10_000 } = options;
  const candidates = forced ? [forced, ...order.filter((b) => b !== forced)] : [...order];
  const notices: EngineMessage[] = [];
  const failures: EngineMessage[] = [];
  for (const name of candidates) {
    if (!backendIncluded(name)) {
      notices.push(engineMessage('backend.notIncluded', { backend: name }));
      continue;
    }
    const found: BackendProbe = probe
      ? await probe(name).catch((err: unknown) => ({ available: false, detail: '', problem: toEngineMessage(err) }))
      : { available: true, detail: '' };
    if (!found.available) {
      notices.push(engineMessage('backend.unavailable', { backend: name, problem: found.problem ?? null }));
      continue;
    }
    if (found.software && name !== forced) {
      notices.push(engineMessage('backend.softwareGpu', { backend: name, detail: found.detail }));
      continue;
    }
    try {
      await startBackend(name, timeoutMs);
      const reason =
        name === forced
          ? engineMessage('backend.chosenByYou', { backend: name })
          : notices.length
            ? engineMessage('backend.firstThatWorks', { backend: name, order: candidates })
            : engineMessage('backend.fastestKind', { backend: name });
      return { name, reason, notices, failures, detail: found.detail };
    } catch (err) {
      const failed = engineMessage('backend.startFailed', { backend: name, problem: toEngineMessage(err) });
      notices.push(failed);
      failures.push(failed);
    }
  }
  throw new EngineError('backend.noneStarted', { notices });
}
