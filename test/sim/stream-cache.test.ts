/**
 * The stream cache a compare's workers keep: every strategy after the first
 * replays the (scenario, seed) stream the first generated, with the same
 * metrics and workload hash as a run that generated its own, and the cache
 * keeps what fits its budget and no more.
 */
import { describe, expect, it } from 'vitest';
import { strategyAvailableOn } from '../../harness/core/index.ts';
import { loadStrategies } from '../../harness/sim/strategy-registry.ts';
import { runOne } from '../../harness/sim/simulator.ts';
import { StreamCache } from '../../harness/sim/stream-cache.ts';
import { loadBuiltinScenario } from '../../harness/workload/builtin.ts';
import { createWorkload } from '../../harness/workload/generator.ts';
import { RECORDED_EVENT_BYTES, recordStream } from '../../harness/workload/recorded-stream.ts';
import { applySet } from '../../harness/workload/scenario-set.ts';
import { scenarioMachine } from '../../harness/workload/scenario.ts';

// alloc-pages-nolock needs 6.15: the burst scenario used here runs 5.9.
const strategies = (await loadStrategies()).filter((s) => strategyAvailableOn(s, '5.9').ok);
const shortRun = (name: string, ms: number) => applySet(loadBuiltinScenario(name), 'run.durationMs', String(ms), 'test');
const CPUS = { cpus: 4 };

describe('stream cache', () => {
  it('replays one generated stream to every strategy: the metrics and hash of a generated run', () => {
    const scenario = shortRun('burst', 120);
    const machine = scenarioMachine(scenario);
    const streams = new StreamCache();
    for (const strategy of strategies) {
      const { stream, generatedMs } = streams.get(scenario, 6, machine);
      expect(stream).not.toBeNull();
      // Only the first get() generates.
      if (strategy === strategies[0]) expect(generatedMs).toBeGreaterThan(0);
      else expect(generatedMs).toBe(0);
      const fresh = runOne({ scenario, strategy, params: {}, seed: 6 });
      const replayed = runOne({ scenario, strategy, params: {}, seed: 6, stream });
      expect(replayed.workloadHash).toBe(fresh.workloadHash);
      expect({ ...replayed.metrics, simWallMs: 0 }).toEqual({ ...fresh.metrics, simWallMs: 0 });
    }
    expect([streams.misses, streams.hits]).toEqual([1, strategies.length - 1]);
    // Another seed, another CPU count or another scenario is another stream.
    streams.get(scenario, 7, machine);
    streams.get(scenario, 6, { cpus: machine.cpus + 1 });
    streams.get(applySet(scenario, 'workload.kvfreeRcu.headlessShare', '0.5', 'test'), 6, machine);
    expect(streams.misses).toBe(4);
  });

  it('records no stream longer than its cap; such a stream is generated live by every run', () => {
    const scenario = shortRun('steady', 20);
    const events = recordStream(createWorkload(scenario, 1, CPUS))!.length;
    expect(recordStream(createWorkload(scenario, 1, CPUS), events - 1)).toBeNull();
    const streams = new StreamCache({ maxStreamEvents: events - 1 });
    expect(streams.get(scenario, 1, CPUS)).toMatchObject({ stream: null });
    expect(streams.get(scenario, 1, CPUS)).toEqual({ stream: null, generatedMs: 0 }); // known too long: not tried again
    expect(streams.size.streams).toBe(0);
  });

  it('drops the least recently used streams to stay within its byte budget', () => {
    const scenario = shortRun('steady', 20);
    const oneStream = recordStream(createWorkload(scenario, 1, CPUS))!.length * RECORDED_EVENT_BYTES;
    // Room for two streams of about this size, not three.
    const budget = Math.floor(oneStream * 2.5);
    const streams = new StreamCache({ maxBytes: budget });
    const generated = (seed: number) => streams.get(scenario, seed, CPUS).generatedMs > 0;
    expect(generated(1)).toBe(true);
    expect(generated(2)).toBe(true);
    expect(generated(1)).toBe(false); // kept; now the most recently used
    expect(generated(3)).toBe(true); // evicts seed 2
    expect(streams.size.streams).toBe(2);
    expect(streams.size.bytes).toBeLessThanOrEqual(budget);
    expect(generated(1)).toBe(false);
    expect(generated(2)).toBe(true);
  });
});
