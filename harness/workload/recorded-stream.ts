/**
 * A workload's event stream kept in memory, to be fed again: recordStream()
 * drains a source into a RecordedStream, and a StreamReplay gives a run
 * exactly the same events (the same batches' contents, whatever their size)
 * without generating them. A compare's workers replay one stream to every
 * strategy (harness/sim/stream-cache.ts); `npm run bench` times the model
 * apart from the generator this way. A replay copies whole batches with
 * TypedArray.set: no work per event. The stream's workload hash is computed
 * once, while it is recorded: a run fed the whole replay reports that digest
 * instead of hashing the same events again (StreamReplay.digest()).
 */
import { EventBatch, type WorkloadSource } from './events.ts';
import { WorkloadHash } from './workload-hash.ts';

/** Bytes one recorded event takes (time 8, cpu 2, op/ctx/flags/order/migratetype 1 each, gfp 4, slot 4). */
export const RECORDED_EVENT_BYTES = 23;


/** A complete event stream with the digest of its workload hash. */
export class RecordedStream {
  constructor(
    readonly length: number,
    readonly time: Float64Array,
    readonly cpu: Uint16Array,
    readonly op: Uint8Array,
    readonly ctx: Uint8Array,
    readonly flags: Uint8Array,
    readonly order: Uint8Array,
    readonly migratetype: Uint8Array,
    readonly gfp: Uint32Array,
    readonly slot: Int32Array,
    readonly cpus: number,
    readonly maxSlots: number,
    /** workloadHash of all `length` events (workload-hash.ts). */
    readonly digest: string,
  ) {}
}

/**
 * Every event of `source`, drained to its end, with its exact slot bound; null
 * (and the source left part-drained) once it passes `maxEvents` events.
 */
export function recordStream(source: WorkloadSource, maxEvents = Infinity): RecordedStream | null {
  const batch = new EventBatch(4096);
  let cap = 65536;
  let n = 0;
  let time = new Float64Array(cap);
  let cpu = new Uint16Array(cap);
  let op = new Uint8Array(cap);
  let ctx = new Uint8Array(cap);
  let flags = new Uint8Array(cap);
  let order = new Uint8Array(cap);
  let migratetype = new Uint8Array(cap);
  let gfp = new Uint32Array(cap);
  let slot = new Int32Array(cap);
  let maxSlot = -1;
  const hash = new WorkloadHash();
  for (let k = source.next(batch); k > 0; k = source.next(batch)) {
    if (n + k > maxEvents) return null;
    hash.update(batch);
    if (n + k > cap) {
      cap = Math.max(2 * cap, n + k);
      time = grown(time, cap, n);
      cpu = grown(cpu, cap, n);
      op = grown(op, cap, n);
      ctx = grown(ctx, cap, n);
      flags = grown(flags, cap, n);
      order = grown(order, cap, n);
      migratetype = grown(migratetype, cap, n);
      gfp = grown(gfp, cap, n);
      slot = grown(slot, cap, n);
    }
    time.set(batch.time.subarray(0, k), n);
    cpu.set(batch.cpu.subarray(0, k), n);
    op.set(batch.op.subarray(0, k), n);
    ctx.set(batch.ctx.subarray(0, k), n);
    flags.set(batch.flags.subarray(0, k), n);
    order.set(batch.order.subarray(0, k), n);
    migratetype.set(batch.migratetype.subarray(0, k), n);
    gfp.set(batch.gfp.subarray(0, k), n);
    slot.set(batch.slot.subarray(0, k), n);
    // The slot bound from the events themselves (a generator's maxSlots may
    // run a probe pass): every slot id an event names is below it.
    for (let i = 0; i < k; i++) if (batch.slot[i]! > maxSlot) maxSlot = batch.slot[i]!;
    n += k;
  }
  return new RecordedStream(
    n,
    time.slice(0, n),
    cpu.slice(0, n),
    op.slice(0, n),
    ctx.slice(0, n),
    flags.slice(0, n),
    order.slice(0, n),
    migratetype.slice(0, n),
    gfp.slice(0, n),
    slot.slice(0, n),
    source.cpus,
    maxSlot + 1,
    hash.digest(),
  );
}

/** A typed array of the same kind as `a`, of `capacity` elements, starting with a's first `keep`. */
function grown<T extends Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array>(a: T, capacity: number, keep: number): T {
  const b = new (a.constructor as new (n: number) => T)(capacity);
  b.set(a.subarray(0, Math.min(keep, capacity)));
  return b;
}

/** Feeds a RecordedStream from its start, in batches of the caller's size. */
export class StreamReplay implements WorkloadSource {
  readonly cpus: number;
  readonly maxSlots: number;
  private at = 0;

  constructor(private readonly stream: RecordedStream) {
    this.cpus = stream.cpus;
    this.maxSlots = stream.maxSlots;
  }

  /**
   * workloadHash of the events fed so far: the digest recorded with the stream
   * once all of it was fed (a run's usual end), else the hash of the part fed,
   * computed here.
   */
  digest(): string {
    const s = this.stream;
    if (this.at === s.length) return s.digest;
    const hash = new WorkloadHash();
    const batch = new EventBatch(4096);
    const prefix = new StreamReplay(s);
    for (let left = this.at; left > 0; left -= batch.length) {
      prefix.next(batch);
      batch.length = Math.min(batch.length, left);
      hash.update(batch);
    }
    return hash.digest();
  }

  next(batch: EventBatch): number {
    const s = this.stream;
    const from = this.at;
    const n = Math.min(batch.capacity, s.length - from);
    if (n <= 0) {
      batch.length = 0;
      return 0;
    }
    const to = from + n;
    batch.time.set(s.time.subarray(from, to));
    batch.cpu.set(s.cpu.subarray(from, to));
    batch.op.set(s.op.subarray(from, to));
    batch.ctx.set(s.ctx.subarray(from, to));
    batch.flags.set(s.flags.subarray(from, to));
    batch.order.set(s.order.subarray(from, to));
    batch.migratetype.set(s.migratetype.subarray(from, to));
    batch.gfp.set(s.gfp.subarray(from, to));
    batch.slot.set(s.slot.subarray(from, to));
    batch.length = n;
    this.at = to;
    return n;
  }
}
