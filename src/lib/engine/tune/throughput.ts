/**
 * The batch finder's throughput measurement, apart from TF.js: the steps, the read-back and the clock are
 * passed in, so the rules below can be tested with a deterministic clock.
 */

/** Untimed steps at each size before measuring: the first steps at a new size allocate (and compile shaders on GPUs). */
export const WARMUP_STEPS = 3;
/** Shortest timed slice (several steps at small batch sizes): a slice's read-back is a fixed cost that a longer slice spreads. */
export const SLICE_MS = 4;
/** Fewest timed slices, however long the steps: the median of fewer says little. */
export const MIN_SLICES = 3;
/** Slices between two yields to the event loop (so a Stop can arrive while measuring). */
const YIELD_EVERY = 4;

export interface StepDriver<T> {
  /** Queues one training step on the next batch; it may still be running when this returns. */
  step(): T;
  /** Waits until the step has finished and returns its loss. */
  readBack(step: T): Promise<number>;
  /** Frees what a step returned. */
  discard(step: T): void;
  /** Milliseconds, monotonic. */
  now(): number;
  /** Lets other tasks run (the worker's message queue). */
  yieldNow?(): Promise<void>;
}

export interface ThroughputOptions {
  batch: number;
  /** Time spent measuring after the warm-up steps (at least MIN_SLICES slices are measured anyway). */
  measureMs: number;
  warmupSteps?: number;
  sliceMs?: number;
}

export interface Throughput {
  /** The median slice's samples/s. */
  samplesPerSec: number;
  /** Each timed slice, in the order measured. */
  slices: { steps: number; ms: number; samplesPerSec: number }[];
  /** Loss of the first warm-up step and of the last timed step. */
  firstLoss: number;
  lastLoss: number;
}

/**
 * Warm-up steps first (read back one by one, not timed), then timed slices until `measureMs` has passed: each
 * slice queues steps until at least `sliceMs` has gone by and ends with a read-back of its last step, so work a
 * backend queued asynchronously is inside the slice that queued it. The throughput is the median slice, so a
 * moment when the machine is busy elsewhere does not decide the batch size.
 */
export async function measureThroughput<T>(driver: StepDriver<T>, options: ThroughputOptions): Promise<Throughput> {
  const { batch, measureMs, warmupSteps = WARMUP_STEPS, sliceMs = SLICE_MS } = options;
  let firstLoss = NaN;
  for (let i = 0; i < warmupSteps; i++) {
    const s = driver.step();
    const loss = await driver.readBack(s);
    if (i === 0) firstLoss = loss;
    driver.discard(s);
  }
  const t0 = driver.now();
  const slices: Throughput['slices'] = [];
  let lastLoss = NaN;
  while (slices.length < MIN_SLICES || driver.now() - t0 < measureMs) {
    const s0 = driver.now();
    let steps = 0;
    let last: T | undefined;
    do {
      if (last !== undefined) driver.discard(last);
      last = driver.step();
      steps++;
    } while (driver.now() - s0 < sliceMs);
    lastLoss = await driver.readBack(last);
    driver.discard(last);
    const ms = driver.now() - s0;
    slices.push({ steps, ms, samplesPerSec: (steps * batch * 1000) / ms });
    if (slices.length % YIELD_EVERY === 0) await driver.yieldNow?.();
  }
  const rates = slices.map((s) => s.samplesPerSec).sort((a, b) => a - b);
  return { samplesPerSec: rates[Math.floor(rates.length / 2)], slices, firstLoss, lastLoss };
}
