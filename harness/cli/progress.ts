/**
 * Progress of a long run: on a terminal, one redrawn line with a bar, runs
 * done, simulated events per second and time left; otherwise (CI, a pipe)
 * a plain line every few seconds and at the end. Written to stderr so stdout
 * stays clean for --json.
 */
export class Progress {
  private done = 0;
  private failed = 0;
  private events = 0;
  private readonly t0 = performance.now();
  private lastPrint = 0;
  private readonly tty: boolean;

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly intervalMs = 5000,
  ) {
    this.tty = Boolean(out.isTTY) && !process.env.CI;
  }

  /** Says what is about to run (both modes), so a long run is never silent at its start. */
  start(threads: number): void {
    this.lastPrint = performance.now();
    this.out.write(`${this.total} runs on ${threads} worker thread${threads === 1 ? '' : 's'}${this.tty ? '' : '\n'}`);
  }

  update(simEvents: number, failed: boolean): void {
    this.done++;
    if (failed) this.failed++;
    this.events += simEvents;
    const now = performance.now();
    if (this.tty) {
      if (now - this.lastPrint > 100 || this.done === this.total) this.drawBar(now);
    } else if (now - this.lastPrint >= this.intervalMs || this.done === this.total) {
      this.lastPrint = now;
      this.out.write(`${this.line(now)}\n`);
    }
  }

  finish(): void {
    if (this.tty) this.out.write('\n');
  }

  private drawBar(now: number): void {
    this.lastPrint = now;
    const width = 24;
    const filled = Math.round((this.done / Math.max(1, this.total)) * width);
    this.out.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.line(now)}\u001b[K`);
  }

  private line(now: number): string {
    const secs = (now - this.t0) / 1000;
    const rate = secs > 0 ? this.events / secs : 0;
    const left = this.done > 0 ? (secs / this.done) * (this.total - this.done) : NaN;
    const fail = this.failed > 0 ? `, ${this.failed} failed` : '';
    return `${this.done}/${this.total} runs${fail}, ${(rate / 1e6).toFixed(1)} M events/s, ${Number.isFinite(left) ? `${Math.ceil(left)} s left` : 'estimating time left'}`;
  }
}
