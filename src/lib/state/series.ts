/** A growable Float64 column for chart data: amortised O(1) appends, views without copying. */
export class Series {
  private buffer: Float64Array;
  length = 0;

  constructor(capacity = 1024) {
    this.buffer = new Float64Array(capacity);
  }

  push(value: number): void {
    if (this.length === this.buffer.length) {
      const bigger = new Float64Array(this.buffer.length * 2);
      bigger.set(this.buffer);
      this.buffer = bigger;
    }
    this.buffer[this.length++] = value;
  }

  /** The filled part (a view: valid until the next push that grows the buffer). */
  view(): Float64Array {
    return this.buffer.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }

  /** Keeps the first `n` values. */
  truncate(n: number): void {
    this.length = Math.min(this.length, Math.max(0, n));
  }
}

