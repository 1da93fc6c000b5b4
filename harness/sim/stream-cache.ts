/**
 * The workload streams a worker thread keeps between runs. Every strategy of a
 * compare (and every point of a strategy-parameter sweep) runs the same
 * (scenario, seed) stream: the first run on a thread to need it generates and
 * records it, the others replay the recording. The stream's workload hash is
 * computed once, while it is recorded, and every run fed the whole replay
 * reports it: the replay hands over exactly the recorded events.
 *
 * A stream is known by the resolved scenario (its JSON: every field that can
 * shape the stream), the seed and the CPU count. A stream longer than
 * maxStreamEvents is not recorded (its runs generate it live, every time);
 * the least recently used streams go when the cache would pass maxBytes.
 * Memory stays bounded whatever the matrix.
 */
import { createWorkload } from '../workload/generator.ts';
import { RECORDED_EVENT_BYTES, recordStream, type RecordedStream } from '../workload/recorded-stream.ts';
import type { Scenario } from '../workload/scenario-schema.ts';

export interface StreamCacheOptions {
  /** Bytes of recorded streams kept at most (default 256 MiB). */
  readonly maxBytes?: number;
  /** Longest stream recorded, in events (default 4M, about 92 MB). */
  readonly maxStreamEvents?: number;
}

/** What get() found or made: the stream (null: too long, generate it live) and the wall time spent generating it here. */
export interface CachedStream {
  readonly stream: RecordedStream | null;
  /** Wall-clock ms this call spent generating and recording (0 when the stream was kept). */
  readonly generatedMs: number;
}

export class StreamCache {
  private readonly streams = new Map<string, RecordedStream>();
  /** Keys whose stream was too long to record: their runs generate live at once. */
  private readonly tooLong = new Set<string>();
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly maxStreamEvents: number;
  /** get() calls answered from memory, and calls that generated. */
  hits = 0;
  misses = 0;

  constructor(opts: StreamCacheOptions = {}) {
    this.maxBytes = opts.maxBytes ?? 256 * 1024 * 1024;
    this.maxStreamEvents = Math.min(opts.maxStreamEvents ?? 4_000_000, Math.floor(this.maxBytes / RECORDED_EVENT_BYTES));
  }

  /** The recorded stream of (scenario, seed, machine.cpus), generated and kept on a miss. */
  get(scenario: Scenario, seed: number, machine: { readonly cpus: number }): CachedStream {
    const key = `${seed}/${machine.cpus}/${JSON.stringify(scenario)}`;
    const kept = this.streams.get(key);
    if (kept !== undefined) {
      // Most recently used last (a Map iterates in insertion order).
      this.streams.delete(key);
      this.streams.set(key, kept);
      this.hits++;
      return { stream: kept, generatedMs: 0 };
    }
    if (this.tooLong.has(key)) return { stream: null, generatedMs: 0 };
    this.misses++;
    const t0 = performance.now();
    const stream = recordStream(createWorkload(scenario, seed, machine), this.maxStreamEvents);
    const generatedMs = performance.now() - t0;
    if (stream === null) this.tooLong.add(key);
    else this.keep(key, stream);
    return { stream, generatedMs };
  }

  /** Streams and bytes kept now. */
  get size(): { streams: number; bytes: number } {
    return { streams: this.streams.size, bytes: this.bytes };
  }

  private keep(key: string, stream: RecordedStream): void {
    const bytes = stream.length * RECORDED_EVENT_BYTES;
    for (const [k, s] of this.streams) {
      if (this.bytes + bytes <= this.maxBytes) break;
      this.streams.delete(k);
      this.bytes -= s.length * RECORDED_EVENT_BYTES;
    }
    this.streams.set(key, stream);
    this.bytes += bytes;
  }
}
