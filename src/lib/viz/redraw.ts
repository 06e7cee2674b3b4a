/**
 * Schedules a chart's redraw: at most once per animation frame, and for long series at most once per
 * `points / 1000` ms (up to 150 ms), because a redraw walks every point: with 100,000 points the
 * chart then updates ~10 times a second and leaves most frames free for the rest of the page.
 */
export class RedrawScheduler {
  private frame = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = 0;

  constructor(private readonly draw: () => void) {}

  request(points: number): void {
    if (this.frame || this.timer) return;
    const wait = this.last + Math.min(150, points / 1000) - performance.now();
    const run = () => {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.last = performance.now();
        this.draw();
      });
    };
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        run();
      }, wait);
    } else run();
  }

  cancel(): void {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
    this.frame = 0;
    this.timer = undefined;
  }
}
