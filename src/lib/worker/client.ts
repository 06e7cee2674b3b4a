import * as Comlink from 'comlink';
import './error-transfer';
import type { TrainerApi } from './trainer.worker';
import simdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';

/**
 * Owns the training worker: starts it lazily, and can terminate it (a hung or lost backend) and start
 * a new one. All calls go through `api`, typed from the worker's own implementation.
 */
export class TrainerClient {
  private worker?: Worker;
  private remote?: Comlink.Remote<TrainerApi>;

  /**
   * `role` names the worker: 'trainer' (the session's), or 'probe' (the backend comparison beside it, which starts
   * no thread pool of its own: a page load stays within 3 workers).
   */
  constructor(private readonly role: 'trainer' | 'probe' = 'trainer') {}

  get api(): Comlink.Remote<TrainerApi> {
    if (!this.remote) {
      this.worker = new Worker(new URL('./trainer.worker.ts', import.meta.url), { type: 'module', name: `descent-${this.role}` });
      this.remote = Comlink.wrap<TrainerApi>(this.worker);
    }
    return this.remote;
  }

  /**
   * Starts the worker now (its thread and script load while the page mounts) and fetches the WASM backend's binary
   * into the HTTP cache, where the worker's own fetch of it finds it instead of waiting on the network.
   */
  prestart(): void {
    void this.api;
    void fetch(simdWasm, { priority: 'low' } as RequestInit).then((r) => r.arrayBuffer()).catch(() => {});
  }

  /** Ends the worker at once (everything in it is lost); the next `api` access starts a fresh one. */
  terminate(): void {
    this.remote?.[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.worker = undefined;
    this.remote = undefined;
  }
}
