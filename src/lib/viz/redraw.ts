/**
 * Schedules a chart's redraw: at most once per animation frame, and for long series at most once per
 * `points / 1000` ms (up to 150 ms), because a redraw walks every point: with 100,000 points the
 * chart then updates ~10 times a second and leaves most frames free for the rest of the page.
 *
 * The charts of a page share one queue and take turns, one redraw per animation frame: while training,
 * every chart has new points at each report, and five charts redrawn in the same frame made a frame of
 * 40–60 ms on a machine whose cores all train (the page's frame time is part of the bench).
 */
const queue: RedrawScheduler[] = [];
let frame = 0;

function pump(): void {
  frame = 0;
  const next = queue.shift();
  if (queue.length) frame = requestAnimationFrame(pump);
  next?.drawNow();
}

export class RedrawScheduler {
  private queued = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = 0;

  constructor(private readonly draw: () => void) {}

  request(points: number): void {
    if (this.queued || this.timer) return;
    const wait = this.last + Math.min(150, points / 1000) - performance.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.enqueue();
      }, wait);
    } else this.enqueue();
  }

  private enqueue(): void {
    this.queued = true;
    queue.push(this);
    if (!frame) frame = requestAnimationFrame(pump);
  }

  /** Called by the queue in its turn. */
  drawNow(): void {
    this.queued = false;
    this.last = performance.now();
    this.draw();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const at = queue.indexOf(this);
    if (at >= 0) queue.splice(at, 1);
    this.queued = false;
    if (queue.length === 0 && frame) {
      cancelAnimationFrame(frame);
      frame = 0;
    }
  }
}
