/**
 * The running cost of the operation being simulated, in virtual ns. Every
 * mechanism charges into the same meter; the simulator reads it to advance the
 * CPU's clock and lock hold times (current virtual time = start + ns).
 */
export class Meter {
  /** Virtual time the current operation started at. */
  start = 0;
  /** Virtual ns charged so far in the current operation. */
  ns = 0;

  /** The current virtual time inside the operation. */
  now(): number {
    return this.start + this.ns;
  }

  begin(start: number): void {
    this.start = start;
    this.ns = 0;
  }
}
