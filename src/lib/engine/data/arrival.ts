import { EngineError, toEngineMessage, type EngineMessage } from '../errors';

/**
 * Examples per arrival block. The first epoch of a dataset that streams in visits its training examples block by
 * block (shuffled within each block), so it can start on the first block. Fixed, not the network's chunking: the
 * order of a run depends only on its seed. 1,000 MNIST images are ~165 KB of gzip, an eighth of a second at
 * 10 Mbit/s; on a first visit the engine's files share the line, and every larger block made Train wait longer
 * (the page bench: 6,000 about half a second more than 2,000; 2,000 about 0.3 s more than 1,000).
 */
export const ARRIVAL_BLOCK = 1000;

/** How much of a streaming dataset has arrived, as the session's snapshot carries it (plain data). */
export interface ArrivalState {
  /** Training examples in (a prefix of the training split: examples arrive in file order). */
  trainArrived: number;
  trainTotal: number;
  /** Test examples in; `testTotal` is 0 until the test files' headers have arrived. */
  testArrived: number;
  testTotal: number;
  /** Every file arrived and its checksum was verified. */
  complete: boolean;
  /** Why the stream ended early (a network error, a damaged or truncated file, a checksum mismatch). */
  failed: EngineMessage | null;
}

interface Waiter {
  ready: () => boolean;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The arrival of a dataset that streams in: which training and test examples are in, and promises for those
 * who must wait (the training loop's first epoch, validation, the test evaluation, tuning). Once failed, every
 * wait rejects with the failure's engine error. Plain TypeScript, no TF.js.
 */
export class DataArrival {
  private trainIn = 0;
  private testIn = 0;
  private testCount = 0;
  private done = false;
  private failure: EngineError | null = null;
  private waiters: Waiter[] = [];

  constructor(readonly trainTotal: number) {}

  get train(): number {
    return this.trainIn;
  }

  get complete(): boolean {
    return this.done;
  }

  get failed(): EngineError | null {
    return this.failure;
  }

  get state(): ArrivalState {
    return {
      trainArrived: this.trainIn,
      trainTotal: this.trainTotal,
      testArrived: this.testIn,
      testTotal: this.testCount,
      complete: this.done,
      failed: this.failure ? this.failure.engineMessage : null,
    };
  }

  /** More training examples are in (a count from the start of the training split). */
  setTrain(count: number): void {
    this.trainIn = Math.min(this.trainTotal, Math.max(this.trainIn, count));
    this.settle();
  }

  setTest(count: number, total: number): void {
    this.testCount = total;
    this.testIn = Math.min(total, count);
  }

  /** Every file is in and verified. */
  finish(): void {
    this.trainIn = this.trainTotal;
    this.testIn = this.testCount;
    this.done = true;
    this.settle();
  }

  /** The stream failed (or was replaced): every present and future wait rejects with `err`. */
  fail(err: unknown): void {
    if (this.done || this.failure) return;
    this.failure = err instanceof EngineError ? err : new EngineError(toEngineMessage(err).code, toEngineMessage(err).params);
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w.reject(this.failure);
  }

  /** Throws the failure, if the stream failed. */
  check(): void {
    if (this.failure) throw this.failure;
  }

  /** Resolves once the first `count` training examples are in. */
  waitTrain(count: number): Promise<void> {
    return this.wait(() => this.trainIn >= Math.min(count, this.trainTotal));
  }

  /** Resolves once every file is in and verified. */
  waitComplete(): Promise<void> {
    return this.wait(() => this.done);
  }

  /** Resolves at the next change of arrival (or failure), or after `ms`: lets a waiting loop look at Stop. */
  waitTrainOrTimeout(count: number, ms: number): Promise<void> {
    return Promise.race([this.waitTrain(count), new Promise<void>((r) => setTimeout(r, ms))]);
  }

  private wait(ready: () => boolean): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ ready, resolve, reject }));
  }

  private settle(): void {
    const still: Waiter[] = [];
    for (const w of this.waiters) (w.ready() ? w.resolve() : still.push(w));
    this.waiters = still;
  }
}

/**
 * The first epoch's order of a dataset that streams in: `order` (a seeded permutation of training rows) stably
 * grouped by arrival block (`row / block`), so each block's rows come in their shuffled order, blocks in file
 * order. Every row stays exactly once. In place; returns `order`.
 */
export function arrangeByArrival(order: Uint32Array, block = ARRIVAL_BLOCK): Uint32Array {
  if (order.length === 0) return order;
  let maxRow = 0;
  for (let i = 0; i < order.length; i++) if (order[i] > maxRow) maxRow = order[i];
  const blocks = Math.floor(maxRow / block) + 1;
  const starts = new Uint32Array(blocks + 1);
  for (let i = 0; i < order.length; i++) starts[Math.floor(order[i] / block) + 1]++;
  for (let b = 0; b < blocks; b++) starts[b + 1] += starts[b];
  const copy = order.slice();
  for (let i = 0; i < copy.length; i++) order[starts[Math.floor(copy[i] / block)]++] = copy[i];
  return order;
}
