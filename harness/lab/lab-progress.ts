/**
 * The lab's progress on stderr: on a terminal one redrawn bar line (guests
 * done, the last one, time left); otherwise (CI, a pipe) one line per guest,
 * so a log shows every boot and its time.
 */
export interface ProgressSink {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export class LabProgress {
  private done = 0;
  private readonly t0 = performance.now();
  private readonly tty: boolean;

  constructor(
    private readonly out: ProgressSink,
    private total = 0,
  ) {
    this.tty = Boolean(out.isTTY) && !process.env.CI;
  }

  /** A message line (downloads, list updates), never overwritten by the bar. */
  note(line: string): void {
    this.out.write(`${this.tty ? '\r\u001b[K' : ''}${line}\n`);
  }

  start(total: number, jobs: number): void {
    this.total = total;
    this.note(`booting ${total} guests, ${jobs} at a time`);
  }

  /** One guest finished: `label` and its boot seconds, or the one-line reason it failed. */
  guest(label: string, seconds: number, failure?: string): void {
    const failed = failure !== undefined;
    this.done++;
    const secs = (performance.now() - this.t0) / 1000;
    const left = (secs / this.done) * (this.total - this.done);
    const what = `${this.done}/${this.total} guests, ${label} ${failed ? `FAILED: ${failure}` : `${seconds.toFixed(1)} s`}, ${Math.ceil(left)} s left`;
    if (this.tty) {
      const width = 24;
      const filled = Math.round((this.done / Math.max(1, this.total)) * width);
      this.out.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${what}\u001b[K`);
      if (this.done === this.total) this.out.write('\n');
    } else {
      this.out.write(`${what}\n`);
    }
  }
}
