/**
 * A workload's event stream kept in memory, to be fed again: recordStream()
 * drains a source into a RecordedStream, and a StreamReplay gives a run
 * exactly the same events (the same batches' contents, whatever their size)
 * without generating them. A compare's workers replay one stream to every
 * strategy (harness/sim/stream-cache.ts); `npm run bench` times the model
 * apart from the generator this way. A replay copies whole batches with
 * TypedArray.set (next()), or hands out views of the recording (nextView(),
 * what a run uses): no work per event. The stream's workload hash is computed
 * once, while it is recorded: a run fed the whole replay reports that digest
 * instead of hashing the same events again (StreamReplay.digest()).
 */
import { copyEvents, EventBatch, type WorkloadSource } from './events.ts';
import { WorkloadHash } from './workload-hash.ts';

/** Bytes one recorded event takes (time 8, cpu 2, op/ctx/flags/order/migratetype 1 each, gfp 4, slot 4). */
export const RECORDED_EVENT_BYTES = 23;

/** A complete event stream with the digest of its workload hash. */
export class RecordedStream {
  constructor(
    /** Every event, in a batch of exactly their number. */
    readonly events: EventBatch,
    readonly cpus: number,
    readonly maxSlots: number,
    /** workloadHash of all the events (workload-hash.ts). */
    readonly digest: string,
  ) {}

  get length(): number {
    return this.events.length;
  }
}

/** Events per chunk while recording: 1.5 MB of arrays, many generator batches. */
const RECORD_CHUNK_EVENTS = 1 << 16;
/** Events the generator writes per call while recording (the views it fills). */
const RECORD_BATCH_EVENTS = 4096;

/**
 * Every event of `source`, drained to its end, with its exact slot bound; null
 * (and the source left part-drained) once it passes `maxEvents` events.
 * The source writes straight into chunks of the recording (through views of
 * RECORD_BATCH_EVENTS), and the chunks are copied once into the exact-size
 * batch at the end: each event is copied once, and no chunk is outgrown.
 */
export function recordStream(source: WorkloadSource, maxEvents = Infinity): RecordedStream | null {
  const chunks: EventBatch[] = [];
  let chunk = new EventBatch(RECORD_CHUNK_EVENTS);
  let at = 0;
  let n = 0;
  let maxSlot = -1;
  const hash = new WorkloadHash();
  for (;;) {
    if (at + RECORD_BATCH_EVENTS > chunk.capacity) {
      chunk.length = at;
      chunks.push(chunk);
      chunk = new EventBatch(RECORD_CHUNK_EVENTS);
      at = 0;
    }
    const batch = EventBatch.view(chunk, at, RECORD_BATCH_EVENTS);
    const k = source.next(batch);
    if (k <= 0) break;
    if (n + k > maxEvents) return null;
    hash.update(batch);
    // The slot bound from the events themselves (a generator's maxSlots may
    // run a probe pass): every slot id an event names is below it.
    const slot = batch.slot;
    for (let i = 0; i < k; i++) if (slot[i]! > maxSlot) maxSlot = slot[i]!;
    at += k;
    n += k;
  }
  chunk.length = at;
  chunks.push(chunk);
  const events = new EventBatch(n);
  let to = 0;
  for (const c of chunks) {
    copyEvents(c, 0, events, to, c.length);
    to += c.length;
  }
  events.length = n;
  return new RecordedStream(events, source.cpus, maxSlot + 1, hash.digest());
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
    hash.update(s.events, this.at);
    return hash.digest();
  }

  /**
   * The next `max` events (fewer at the end) as a view of the recording, or
   * null once all were fed: the events next() would copy into a batch of
   * capacity `max`, without the copy. Read-only to the caller.
   */
  nextView(max: number): EventBatch | null {
    const s = this.stream;
    const from = this.at;
    const n = Math.min(max, s.length - from);
    if (n <= 0) return null;
    this.at = from + n;
    return EventBatch.view(s.events, from, n);
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
    copyEvents(s.events, from, batch, 0, n);
    batch.length = n;
    this.at = to;
    return n;
  }
}
