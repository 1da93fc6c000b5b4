/**
 * The virtual-time queue of deferred work: kswapd runs, workqueue items, hrtimers,
 * RCU grace-period ends. A binary min-heap on typed arrays ordered by
 * (time, insertion sequence), so equal times run in the order they were queued
 * and a run is deterministic. Pushing and popping allocate nothing once the
 * arrays have grown to the run's high-water mark.
 *
 * Each entry carries a handler id (from register()), a CPU and an integer
 * argument; the simulator calls handler(cpu, arg, time) when it pops the entry.
 * A handler registered as CPU-bound (a per-CPU kworker's work item) competes
 * with the workload for its CPU: the simulator runs it only when that CPU is
 * free, and deferTop() moves it to then (runTopOn).
 */
import type { Meter } from './meter.ts';

export type DeferredHandler = (cpu: number, arg: number, time: number) => void;

export class EventQueue {
  private time = new Float64Array(256);
  private seq = new Float64Array(256);
  private kind = new Int32Array(256);
  private cpuOf = new Int32Array(256);
  private argOf = new Int32Array(256);
  private size = 0;
  private nextSeq = 0;
  private readonly handlers: DeferredHandler[] = [];
  private readonly names: string[] = [];
  /** Per handler: runs in task context on its entry's CPU and waits for it (see register()). */
  private readonly bound: boolean[] = [];
  /** Events popped so far, for the simEvents metric. */
  popped = 0;
  /** Handler id of the entry run last (for messages about a runaway handler). */
  lastKind = -1;

  /**
   * Registers a handler and returns its kind id, to pass to push(). With
   * `cpuBound`, the handler is a task on its entry's CPU (a kworker of a
   * per-CPU workqueue): it starts when that CPU is free, and its cost keeps
   * the CPU busy.
   */
  register(name: string, handler: DeferredHandler, cpuBound = false): number {
    this.handlers.push(handler);
    this.names.push(name);
    this.bound.push(cpuBound);
    return this.handlers.length - 1;
  }

  get length(): number {
    return this.size;
  }

  /** Time of the earliest entry, or +Infinity when empty. */
  peekTime(): number {
    return this.size > 0 ? this.time[0]! : Infinity;
  }

  /**
   * Moves the earliest entry to `time` (later than its own): its CPU is busy
   * until then. It keeps its kind, CPU and argument and queues behind entries
   * already at `time`. Allocates nothing.
   */
  private deferTop(time: number): void {
    const k = this.kind[0]!;
    const c = this.cpuOf[0]!;
    const a = this.argOf[0]!;
    this.removeTop();
    this.push(time, k, c, a);
  }

  push(time: number, kind: number, cpu: number, arg: number): void {
    if (this.size === this.time.length) this.grow();
    let i = this.size++;
    const s = this.nextSeq++;
    // Sift up.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = this.time[p]!;
      if (pt < time || (pt === time && this.seq[p]! < s)) break;
      this.move(p, i);
      i = p;
    }
    this.time[i] = time;
    this.seq[i] = s;
    this.kind[i] = kind;
    this.cpuOf[i] = cpu;
    this.argOf[i] = arg;
  }

  /**
   * Runs the earliest entry as a machine runs it: a CPU-bound item (a kworker's)
   * waits for its CPU, which `busy[cpu]` (virtual ns) says is taken until then,
   * and is moved there (deferTop); otherwise it runs, charged from `meter`
   * begun at its time, and keeps its CPU busy for that cost. Any other entry
   * just runs. Returns false when it only deferred the entry (or the queue is
   * empty). Shared by the event loop and the reserve preflight, so both run
   * deferred work the same way.
   */
  runTopOn(busy: Float64Array, meter: Meter): boolean {
    if (this.size === 0) return false;
    if (this.bound[this.kind[0]!] !== true) return this.runNext();
    const at = this.time[0]!;
    const cpu = this.cpuOf[0]!;
    if (busy[cpu]! > at) {
      this.deferTop(busy[cpu]!);
      return false;
    }
    meter.begin(at);
    this.runNext();
    busy[cpu] = at + meter.ns;
    return true;
  }

  /** Pops the earliest entry and runs its handler. Returns false when empty. */
  runNext(): boolean {
    if (this.size === 0) return false;
    const t = this.time[0]!;
    const k = this.kind[0]!;
    const c = this.cpuOf[0]!;
    const a = this.argOf[0]!;
    this.removeTop();
    this.popped++;
    this.lastKind = k;
    this.handlers[k]!(c, a, t);
    return true;
  }

  private removeTop(): void {
    const last = --this.size;
    if (last === 0) return;
    const t = this.time[last]!;
    const s = this.seq[last]!;
    const k = this.kind[last]!;
    const c = this.cpuOf[last]!;
    const a = this.argOf[last]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      let m = l;
      if (r < last && (this.time[r]! < this.time[l]! || (this.time[r] === this.time[l] && this.seq[r]! < this.seq[l]!))) m = r;
      const mt = this.time[m]!;
      if (t < mt || (t === mt && s < this.seq[m]!)) break;
      this.move(m, i);
      i = m;
    }
    this.time[i] = t;
    this.seq[i] = s;
    this.kind[i] = k;
    this.cpuOf[i] = c;
    this.argOf[i] = a;
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from]!;
    this.seq[to] = this.seq[from]!;
    this.kind[to] = this.kind[from]!;
    this.cpuOf[to] = this.cpuOf[from]!;
    this.argOf[to] = this.argOf[from]!;
  }

  private grow(): void {
    const n = this.time.length * 2;
    const t = new Float64Array(n); t.set(this.time); this.time = t;
    const s = new Float64Array(n); s.set(this.seq); this.seq = s;
    const k = new Int32Array(n); k.set(this.kind); this.kind = k;
    const c = new Int32Array(n); c.set(this.cpuOf); this.cpuOf = c;
    const a = new Int32Array(n); a.set(this.argOf); this.argOf = a;
  }

  handlerName(kind: number): string {
    return this.names[kind] ?? `#${kind}`;
  }
}
