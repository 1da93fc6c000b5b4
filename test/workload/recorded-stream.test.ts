/**
 * Recorded streams (what `npm run bench` replays to time the model apart from
 * the workload generator): a replay is the recorded stream event for event,
 * and a run fed from it gives the metrics and workload hash of a run that
 * generated its own.
 */
import { describe, expect, it } from 'vitest';
import { strategyAvailableOn } from '../../harness/core/index.ts';
import { loadStrategies } from '../../harness/sim/strategy-registry.ts';
import { runOne } from '../../harness/sim/simulator.ts';
import { loadBuiltinScenario } from '../../harness/workload/builtin.ts';
import { EventBatch } from '../../harness/workload/events.ts';
import { createWorkload } from '../../harness/workload/generator.ts';
import { StreamReplay, recordStream } from '../../harness/workload/recorded-stream.ts';
import { applySet } from '../../harness/workload/scenario-set.ts';
import { WorkloadHash } from '../../harness/workload/workload-hash.ts';

const strategies = await loadStrategies();
const shortRun = (name: string, ms: number) => applySet(loadBuiltinScenario(name), 'run.durationMs', String(ms), 'test');

/** Every event of a source, as rows, read in batches of `size`. */
function drain(source: { next(b: EventBatch): number }, size: number): number[][] {
  const b = new EventBatch(size);
  const rows: number[][] = [];
  while (source.next(b) > 0) {
    for (let i = 0; i < b.length; i++) rows.push([b.time[i]!, b.cpu[i]!, b.op[i]!, b.ctx[i]!, b.flags[i]!, b.order[i]!, b.migratetype[i]!, b.gfp[i]!, b.slot[i]!]);
  }
  return rows;
}

/** Every event of a replay, as rows, read as views of up to `size` events (what a run reads). */
function drainViews(replay: StreamReplay, size: number): number[][] {
  const rows: number[][] = [];
  for (let v = replay.nextView(size); v !== null; v = replay.nextView(size)) {
    expect(v.length).toBeLessThanOrEqual(size);
    for (let i = 0; i < v.length; i++) rows.push([v.time[i]!, v.cpu[i]!, v.op[i]!, v.ctx[i]!, v.flags[i]!, v.order[i]!, v.migratetype[i]!, v.gfp[i]!, v.slot[i]!]);
  }
  return rows;
}

describe('recorded streams', () => {
  it('a replay is the recorded stream, event for event, whatever the batch sizes', () => {
    const scenario = shortRun('trace-replay', 40);
    const live = drain(createWorkload(scenario, 2, { cpus: 4 }), 4096);
    const stream = recordStream(createWorkload(scenario, 2, { cpus: 4 }))!;
    expect(stream.length).toBe(live.length);
    expect(stream.maxSlots).toBe(createWorkload(scenario, 2, { cpus: 4 }).maxSlots);
    expect(drain(new StreamReplay(stream), 97)).toEqual(live);
    expect(drain(new StreamReplay(stream), 4096)).toEqual(live);
    // Views of the recording, no copy: the same events, and the replay ends.
    const viewed = new StreamReplay(stream);
    expect(drainViews(viewed, 1000)).toEqual(live);
    expect(viewed.nextView(1000)).toBeNull();
    expect(viewed.digest()).toBe(stream.digest);
  });

  it('a stream longer than one recording chunk (65,536 events) is recorded whole, in order, with the live hash', () => {
    const scenario = shortRun('steady', 200);
    const live = drain(createWorkload(scenario, 4, { cpus: 4 }), 4096);
    const again = createWorkload(scenario, 4, { cpus: 4 });
    const hash = new WorkloadHash();
    for (const b = new EventBatch(1000); again.next(b) > 0; ) hash.update(b);
    const stream = recordStream(createWorkload(scenario, 4, { cpus: 4 }))!;
    expect(live.length).toBeGreaterThan(2 * 65536 + 4096);
    expect(stream.length).toBe(live.length);
    expect(drain(new StreamReplay(stream), 4096)).toEqual(live);
    expect(stream.digest).toBe(hash.digest());
    // Cut at the limit: one event short of the stream gives null.
    expect(recordStream(createWorkload(scenario, 4, { cpus: 4 }), live.length - 1)).toBeNull();
    expect(recordStream(createWorkload(scenario, 4, { cpus: 4 }), live.length)!.length).toBe(live.length);
  });

  it("the recorded digest is the hash of the whole stream; a replay cut short hashes the part it fed", () => {
    const scenario = shortRun('steady', 30);
    const stream = recordStream(createWorkload(scenario, 3, { cpus: 4 }))!;
    const hashOf = (replay: StreamReplay, events: number): string => {
      const h = new WorkloadHash();
      const b = new EventBatch(1000);
      for (let left = events; left > 0; left -= b.length) {
        replay.next(b);
        b.length = Math.min(b.length, left);
        h.update(b);
      }
      return h.digest();
    };
    expect(stream.digest).toBe(hashOf(new StreamReplay(stream), stream.length));
    const whole = new StreamReplay(stream);
    drain(whole, 512);
    expect(whole.digest()).toBe(stream.digest);
    // Fed 3 batches of 4096: the digest covers exactly those 12,288 events.
    const part = new StreamReplay(stream);
    const b = new EventBatch(4096);
    for (let i = 0; i < 3; i++) part.next(b);
    expect(part.digest()).toBe(hashOf(new StreamReplay(stream), 3 * 4096));
    expect(part.digest()).not.toBe(stream.digest);
    expect(new StreamReplay(stream).digest()).toBe(new WorkloadHash().digest());
  });

  it('a run fed from the recording gives every strategy the metrics and hash of a generated run', () => {
    // memory-pressure has every kind of source but the trace: fills, churn, background, kvfree_rcu.
    const scenario = shortRun('memory-pressure', 150);
    const stream = recordStream(createWorkload(scenario, 4, { cpus: scenario.machine.cpus as number }))!;
    // (alloc-pages-nolock needs 6.15: not on this 5.9 scenario)
    for (const strategy of strategies.filter((s) => strategyAvailableOn(s, scenario.kernel.profile).ok)) {
      const fresh = runOne({ scenario, strategy, params: {}, seed: 4 });
      const replayed = runOne({ scenario, strategy, params: {}, seed: 4, stream });
      expect(replayed.workloadHash).toBe(fresh.workloadHash);
      expect({ ...replayed.metrics, simWallMs: 0 }).toEqual({ ...fresh.metrics, simWallMs: 0 });
    }
  });
});
