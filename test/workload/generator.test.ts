import { describe, expect, it } from 'vitest';
import { GFP_KERNEL, GFP_HIGHUSER_MOVABLE } from '../../harness/core/gfp.ts';
import { loadBuiltinScenario, BUILTIN_SCENARIOS } from '../../harness/workload/builtin.ts';
import {
  CTX_HARDIRQ,
  CTX_NMI,
  CTX_TASK,
  EventBatch,
  FLAG_HARDIRQ_NO_THREAD,
  FLAG_HEADLESS,
  FLAG_IRQS_OFF,
  FLAG_LEGACY_GFP0,
  FLAG_RAW_LOCK_HELD,
  OP_ALLOC,
  OP_FREE,
  OP_KVFREE_RCU,
} from '../../harness/workload/events.ts';
import { createWorkload, type Workload } from '../../harness/workload/generator.ts';
import { Prng, PrngBank, cumulativeWeights, streamId } from '../../harness/workload/prng.ts';
import type { Scenario } from '../../harness/workload/scenario-schema.ts';
import { applySet } from '../../harness/workload/scenario-set.ts';
import { parseScenario } from '../../harness/workload/scenario.ts';
import { WorkloadHash } from '../../harness/workload/workload-hash.ts';

interface Ev {
  time: number;
  cpu: number;
  op: number;
  ctx: number;
  flags: number;
  order: number;
  mt: number;
  gfp: number;
  slot: number;
}

/** Drain a workload into plain objects (small scenarios only). */
function drain(w: Workload, batchSize = 1000): Ev[] {
  const b = new EventBatch(batchSize);
  const out: Ev[] = [];
  for (let n = w.next(b); n > 0; n = w.next(b)) {
    for (let i = 0; i < n; i++) {
      out.push({ time: b.time[i]!, cpu: b.cpu[i]!, op: b.op[i]!, ctx: b.ctx[i]!, flags: b.flags[i]!, order: b.order[i]!, mt: b.migratetype[i]!, gfp: b.gfp[i]!, slot: b.slot[i]! });
    }
  }
  return out;
}

function hashOf(s: Scenario, seed: number, batchSize = 4096): { hash: string; events: number } {
  const w = createWorkload(s, seed, { cpus: s.machine.cpus });
  const b = new EventBatch(batchSize);
  const h = new WorkloadHash();
  while (w.next(b) > 0) h.update(b);
  return { hash: h.digest(), events: h.events };
}

const small = (extra: object = {}): Scenario =>
  parseScenario(
    {
      machine: { cpus: 4, memoryMiB: 1024 },
      workload: {
        kvfreeRcu: { ratePerCpuPerSec: 20000, headlessShare: 0.3, contexts: { task: 1, softirq: 1, hardirq: 1, nmi: 1 }, rawLockHeldShare: 0.2, irqsOffShare: 0.2 },
        background: { allocsPerCpuPerSec: 10000, remoteFreeShare: 0.2 },
        ...extra,
      },
      // The generator's own time base: no warm-up before it.
      run: { durationMs: 200, warmup: { ms: 0 } },
    },
    'small.json',
  );

/** The invariants every stream must keep (plain checks: expect() per event is too slow). */
function checkStream(events: Ev[], w: Workload): void {
  const dur = w.durationNs;
  const live = new Map<number, Ev>();
  let prev = -Infinity;
  const bad = (what: string, e: Ev): never => {
    throw new Error(`${what}: ${JSON.stringify(e)}`);
  };
  for (const e of events) {
    if (!(e.time >= prev)) bad('time goes back', e);
    if (!(e.time < dur)) bad('time past the run', e);
    if (e.cpu >= w.cpus) bad('CPU out of range', e);
    prev = e.time;
    if ((e.ctx === CTX_HARDIRQ || e.ctx === CTX_NMI) && !(e.flags & FLAG_IRQS_OFF)) bad('hardirq/NMI without FLAG_IRQS_OFF', e);
    if (e.op === OP_ALLOC) {
      if (e.slot < 0 || e.slot >= w.maxSlots) bad('slot out of [0, maxSlots)', e);
      if (live.has(e.slot)) bad('slot allocated twice', e);
      live.set(e.slot, e);
      if (e.gfp === 0 && !(e.flags & FLAG_LEGACY_GFP0)) bad('gfp 0 without FLAG_LEGACY_GFP0', e);
    } else if (e.op === OP_FREE) {
      const a = live.get(e.slot);
      if (!a) bad('free without a live alloc', e);
      if (e.time < a!.time || e.order !== a!.order || e.mt !== a!.mt) bad('free does not match its alloc', e);
      live.delete(e.slot);
    } else if (e.op !== OP_KVFREE_RCU || e.slot !== -1) bad('unknown event', e);
  }
}

describe('prng', () => {
  it('is deterministic per (seed, stream) and differs across them', () => {
    const a = new Prng(1, streamId(1, 0));
    const b = new Prng(1, streamId(1, 0));
    const c = new Prng(1, streamId(1, 1));
    const d = new Prng(2, streamId(1, 0));
    const sa = Array.from({ length: 8 }, () => a.nextU32());
    expect(Array.from({ length: 8 }, () => b.nextU32())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.nextU32())).not.toEqual(sa);
    expect(Array.from({ length: 8 }, () => d.nextU32())).not.toEqual(sa);
  });

  it('draws plausibly: uniform mean, exponential mean, pick proportions', () => {
    const r = new Prng(42, 7);
    const n = 200_000;
    let u = 0;
    let e = 0;
    const counts = [0, 0, 0];
    const cum = cumulativeWeights([1, 0, 3]);
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const f = r.nextFloat();
      if (!(f >= 0 && f < 1)) outside++;
      u += f;
      e += r.exponential(5);
      counts[r.pick(cum)]!++;
    }
    expect(outside).toBe(0);
    expect(u / n).toBeCloseTo(0.5, 2);
    expect(e / n).toBeGreaterThan(4.9);
    expect(e / n).toBeLessThan(5.1);
    expect(counts[1]).toBe(0);
    expect(counts[0]! / n).toBeCloseTo(0.25, 2);
  });

  it('exponential draws (ziggurat) follow Exp(mean): CDF, tail and moments', () => {
    // 2M draws: enough for the KS test to catch a ziggurat that skips its wedge test (D = 0.0025 then).
    const r = new Prng(2020, 3);
    const n = 2_000_000;
    const mean = 3;
    const xs = new Float64Array(n);
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const x = r.exponential(mean);
      xs[i] = x;
      sum += x;
      sumSq += x * x;
    }
    xs.sort();
    // Kolmogorov-Smirnov distance to 1 - exp(-x / mean); the 0.1% critical value is 1.95 / sqrt(n).
    let d = 0;
    for (let i = 0; i < n; i++) {
      const f = 1 - Math.exp(-xs[i]! / mean);
      d = Math.max(d, Math.abs(f - i / n), Math.abs(f - (i + 1) / n));
    }
    expect(d).toBeLessThan(1.95 / Math.sqrt(n));
    expect(xs[0]!).toBeGreaterThanOrEqual(0);
    // Beyond the base layer's edge r = 7.697 (in units of the mean): the tail path, P = exp(-7.697) = 4.5e-4.
    const tail = n - xs.findIndex((x) => x > 7.69711747013104972 * mean);
    expect(tail / n).toBeGreaterThan(2.5e-4);
    expect(tail / n).toBeLessThan(7e-4);
    expect(sum / n).toBeCloseTo(mean, 1);
    expect(sumSq / n - (sum / n) ** 2).toBeCloseTo(mean * mean, 0);
  });

  it('a PrngBank stream and a Prng seeded alike give the same draws', () => {
    const bank = new PrngBank(3);
    bank.seed(2, 7, streamId(3, 1));
    const p = new Prng(7, streamId(3, 1));
    const cum = cumulativeWeights([1, 2, 3]);
    for (let i = 0; i < 2000; i++) {
      expect(bank.exponential(2, 10)).toBe(p.exponential(10));
      expect(bank.pick(2, cum)).toBe(p.pick(cum));
      expect(bank.below(2, 7)).toBe(p.below(7));
    }
  });

  it('seeds above 2^32 are distinct from their low word', () => {
    expect(new Prng(2 ** 32 + 1, 0).nextU32()).not.toBe(new Prng(1, 0).nextU32());
  });
});

describe('generator', () => {
  it('same seed: same events and same hash; different seeds differ', () => {
    const s = small();
    const a = drain(createWorkload(s, 7, { cpus: 4 }));
    const b = drain(createWorkload(s, 7, { cpus: 4 }));
    expect(b).toEqual(a);
    expect(hashOf(s, 7).hash).toBe(hashOf(s, 7).hash);
    expect(hashOf(s, 8).hash).not.toBe(hashOf(s, 7).hash);
    // the same scenario parsed again (another process would) gives the same stream
    const again = small();
    expect(hashOf(again, 7).hash).toBe(hashOf(s, 7).hash);
  });

  it('headless kvfree_rcu(ptr) calls come only from contexts that may sleep (might_sleep() in kvfree_call_rcu())', () => {
    // Every context, raw locks held and IRQs off are in the mix: none of it may reach a headless call.
    const s = small({ kvfreeRcu: { ratePerCpuPerSec: 20000, headlessShare: 0.3, contexts: { task: 1, softirq: 1, hardirq: 1, nmi: 1 }, rawLockHeldShare: 0.5, irqsOffShare: 0.5, burst: { everyMs: 20, calls: 200, context: 'softirq' } } });
    const ev = drain(createWorkload(s, 3, { cpus: 4 })).filter((e) => e.op === OP_KVFREE_RCU);
    const headless = ev.filter((e) => e.flags & FLAG_HEADLESS);
    expect(headless.length / ev.length).toBeGreaterThan(0.25);
    expect(headless.length / ev.length).toBeLessThan(0.35);
    for (const e of headless) {
      expect(e.ctx).toBe(CTX_TASK);
      expect(e.flags & (FLAG_IRQS_OFF | FLAG_RAW_LOCK_HELD)).toBe(0);
    }
    // The two-argument calls keep their contexts, raw locks and IRQs off.
    const twoArg = ev.filter((e) => !(e.flags & FLAG_HEADLESS));
    expect(twoArg.some((e) => e.ctx === CTX_NMI)).toBe(true);
    expect(twoArg.some((e) => e.flags & FLAG_RAW_LOCK_HELD)).toBe(true);
  });

  it('hardirqKind never-threaded marks the hardirq events (FLAG_HARDIRQ_NO_THREAD), and only those', () => {
    const plain = drain(createWorkload(small(), 2, { cpus: 4 }));
    expect(plain.some((e) => e.flags & FLAG_HARDIRQ_NO_THREAD)).toBe(false);
    const s = small({
      kvfreeRcu: { ratePerCpuPerSec: 20000, headlessShare: 0.1, contexts: { task: 1, softirq: 1, hardirq: 1, nmi: 1 }, hardirqKind: 'never-threaded' },
      background: { allocsPerCpuPerSec: 10000, gfpMix: { GFP_ATOMIC: 1 }, contexts: { task: 1, hardirq: 1 }, hardirqKind: 'never-threaded' },
    });
    const ev = drain(createWorkload(s, 2, { cpus: 4 }));
    const marked = ev.filter((e) => e.flags & FLAG_HARDIRQ_NO_THREAD);
    expect(marked.some((e) => e.op === OP_KVFREE_RCU)).toBe(true);
    expect(marked.some((e) => e.op === OP_ALLOC)).toBe(true);
    for (const e of ev) expect((e.flags & FLAG_HARDIRQ_NO_THREAD) !== 0).toBe(e.ctx === CTX_HARDIRQ);
  });

  it('the hash does not depend on the batch size', () => {
    const s = small();
    expect(hashOf(s, 3, 17).hash).toBe(hashOf(s, 3, 4096).hash);
  });

  it('keeps time order, frees after allocs, slots below an exact maxSlots', () => {
    const s = small();
    const w = createWorkload(s, 1, { cpus: 4 });
    const ev = drain(w);
    checkStream(ev, w);
    expect(Math.max(...ev.filter((e) => e.op === OP_ALLOC).map((e) => e.slot))).toBe(w.maxSlots - 1);
  });

  it.each(BUILTIN_SCENARIOS)('built-in %s keeps the stream invariants', (name) => {
    let s = loadBuiltinScenario(name);
    // shorten the big ones; the invariants do not depend on the length
    s = applySet(s, 'run.durationMs', String(Math.min(s.run.durationMs, name === 'memory-pressure' || name === 'trace-replay' ? 1000 : 150)), 'test');
    const w = createWorkload(s, 2, { cpus: s.machine.cpus });
    checkStream(drain(w, 4096), w);
  });

  it('event counts match rate x duration within statistical tolerance', () => {
    const s = small();
    const w = createWorkload(s, 5, { cpus: 4 });
    const ev = drain(w);
    const within = (count: number, mean: number): void => {
      expect(Math.abs(count - mean)).toBeLessThan(5 * Math.sqrt(mean));
    };
    const kv = ev.filter((e) => e.op === OP_KVFREE_RCU);
    within(kv.length, 4 * 20000 * 0.2);
    within(ev.filter((e) => e.op === OP_ALLOC).length, 4 * 10000 * 0.2);
    for (let c = 0; c < 4; c++) within(kv.filter((e) => e.cpu === c).length, 20000 * 0.2);
    within(kv.filter((e) => e.flags & FLAG_HEADLESS).length, kv.length * 0.3);
    // Headless calls (30%) are task context; the two-argument ones draw from 4 equal weights.
    within(kv.filter((e) => e.ctx === CTX_TASK).length, kv.length * (0.3 + 0.7 * 0.25));
    // frees: every alloc whose exponential(10 ms) lifetime ends before 200 ms
    const allocs = ev.filter((e) => e.op === OP_ALLOC);
    const expectedFrees = allocs.reduce((a, e) => a + (1 - Math.exp(-(200e6 - e.time) / 10e6)), 0);
    within(ev.filter((e) => e.op === OP_FREE).length, expectedFrees);
    // remote frees: about 20% land on another CPU than the allocation's
    const allocCpu = new Map<number, number>();
    let remote = 0;
    let frees = 0;
    for (const e of ev) {
      if (e.op === OP_ALLOC) allocCpu.set(e.slot, e.cpu);
      else if (e.op === OP_FREE) {
        frees++;
        if (allocCpu.get(e.slot) !== e.cpu) remote++;
      }
    }
    within(remote, frees * 0.2);
  });

  it('bursts: exactly calls x CPUs per burst, spaced as asked', () => {
    const s = parseScenario(
      {
        machine: { cpus: 2 },
        workload: { kvfreeRcu: { ratePerCpuPerSec: 0, burst: { everyMs: 10, calls: 100, spacingNs: 1000, startMs: 5 } }, background: { allocsPerCpuPerSec: 0 } },
        run: { durationMs: 50, warmup: { ms: 0 } },
      },
      'b.json',
    );
    const ev = drain(createWorkload(s, 1, { cpus: 2 }));
    expect(ev.length).toBe(2 * 100 * 5); // bursts at 5, 15, 25, 35, 45 ms
    const cpu0 = ev.filter((e) => e.cpu === 0).map((e) => e.time);
    expect(cpu0[0]).toBe(5e6);
    expect(cpu0[1]! - cpu0[0]!).toBe(1000);
    expect(cpu0[100]).toBe(15e6);
    expect(ev.every((e) => e.ctx === CTX_TASK && e.op === OP_KVFREE_RCU)).toBe(true);
  });

  it('per-CPU streams: the background rate, a flood or a pressure phase do not move kvfree_rcu events', () => {
    const kvOnly = (s: Scenario): Ev[] => drain(createWorkload(s, 11, { cpus: 4 })).filter((e) => e.op === OP_KVFREE_RCU);
    const base = small();
    const ref = kvOnly(base);
    expect(kvOnly(applySet(base, 'workload.background.allocsPerCpuPerSec', '30000', 't'))).toEqual(ref);
    expect(kvOnly(applySet(base, 'workload.background.gfpMix', '{"GFP_ATOMIC": 1}', 't'))).toEqual(ref);
    expect(kvOnly(applySet(base, 'workload.pressure', '[{"startMs": 50, "endMs": 150}]', 't'))).toEqual(ref);
    // the flood adds its own kvfree_rcu calls on CPU 1 only; the others stay
    const withFlood = applySet(base, 'workload.userspaceFlood', '{"cpus": [1], "callsPerSec": 50000}', 't');
    const flooded = drain(createWorkload(withFlood, 11, { cpus: 4 })).filter((e) => e.op === OP_KVFREE_RCU);
    expect(flooded.filter((e) => e.cpu !== 1)).toEqual(ref.filter((e) => e.cpu !== 1));
    // and background allocations do not move when kvfree_rcu changes
    const allocs = (s: Scenario): Ev[] => drain(createWorkload(s, 11, { cpus: 4 })).filter((e) => e.op === OP_ALLOC);
    expect(allocs(applySet(base, 'workload.kvfreeRcu.ratePerCpuPerSec', '1000', 't'))).toEqual(allocs(base));
  });

  it('sleeping GFP runs in task context; early boot masks GFP_KERNEL to 0', () => {
    const s = parseScenario(
      {
        kernel: { earlyBoot: true },
        workload: {
          kvfreeRcu: { ratePerCpuPerSec: 0 },
          background: { gfpMix: { GFP_KERNEL: 1, legacy0: 1, GFP_HIGHUSER_MOVABLE: 1, GFP_ATOMIC: 1 }, contexts: { hardirq: 1 } },
        },
        run: { durationMs: 20 },
      },
      'boot.json',
    );
    const ev = drain(createWorkload(s, 1, { cpus: 4 })).filter((e) => e.op === OP_ALLOC);
    const zero = ev.filter((e) => e.gfp === 0);
    expect(zero.length).toBeGreaterThan(ev.length * 0.4); // GFP_KERNEL and legacy0
    expect(zero.every((e) => e.flags & FLAG_LEGACY_GFP0 && e.ctx === CTX_TASK)).toBe(true);
    const user = ev.filter((e) => e.mt === 1);
    expect(user.length).toBeGreaterThan(0);
    expect(user.every((e) => e.ctx === CTX_TASK && e.gfp === (GFP_HIGHUSER_MOVABLE & ~0xcc0))).toBe(true);
    expect(ev.filter((e) => e.ctx === CTX_HARDIRQ).length).toBeGreaterThan(0);

    const normal = applySet(s, 'kernel.earlyBoot', 'false', 't');
    const ev2 = drain(createWorkload(normal, 1, { cpus: 4 })).filter((e) => e.op === OP_ALLOC);
    expect(ev2.some((e) => e.gfp === GFP_KERNEL)).toBe(true);
    expect(ev2.filter((e) => e.gfp === 0).every((e) => e.flags & FLAG_LEGACY_GFP0)).toBe(true);
  });

  it('pressure: fills the planned pages during the ramp and frees them after the phase', () => {
    const s = loadBuiltinScenario('memory-pressure');
    const w = createWorkload(s, 1, { cpus: s.machine.cpus });
    const plan = w.pressure[0]!;
    expect(plan.holdPages).toBeGreaterThan(0);
    expect(plan.fillBig * 512 + plan.fillSmall).toBe(plan.holdPages);
    expect(plan.fillSmall).toBeGreaterThanOrEqual(2048);
    expect(plan.fillSmall).toBeLessThan(2048 + 512);
    const ev = drain(w, 4096);
    const big = ev.filter((e) => e.op === OP_ALLOC && e.order === 9);
    expect(big.length).toBe(plan.fillBig);
    expect(big.every((e) => e.time >= plan.rampStartNs && e.time < plan.rampStartNs + plan.rampNs)).toBe(true);
    expect(big.every((e) => e.gfp === GFP_HIGHUSER_MOVABLE && e.mt === 1)).toBe(true);
    const bigSlots = new Set(big.map((e) => e.slot));
    const bigFrees = ev.filter((e) => e.op === OP_FREE && e.order === 9 && bigSlots.has(e.slot));
    expect(bigFrees.length).toBe(plan.fillBig);
    expect(bigFrees.every((e) => e.time >= plan.endNs && e.time < plan.endNs + 1e6)).toBe(true);
    // target: the sum of min watermarks; the fill leaves about that much free
    expect(plan.expectedFreePages - plan.churnHeldPages - plan.holdPages).toBeCloseTo(plan.targetFreePages, -1);
  });

  it('trace replay: kmem sample events appear, CPU-folded, looped', () => {
    const s = applySet(loadBuiltinScenario('trace-replay'), 'workload.kvfreeRcu.ratePerCpuPerSec', '0', 't');
    const w = createWorkload(s, 1, { cpus: 2 });
    const ev = drain(w, 4096);
    checkStream(ev, w);
    expect(w.stats.traceEvents).toBe(ev.length);
    expect(new Set(ev.map((e) => e.cpu))).toEqual(new Set([0, 1]));
    // ~3700 replayed events per 100 ms pass, 10 passes in a second
    expect(ev.length).toBeGreaterThan(9 * 3700);
    const noLoop = applySet(s, 'workload.trace.loop', 'false', 't');
    expect(drain(createWorkload(noLoop, 1, { cpus: 2 })).length).toBeLessThan(3800);
    // the trace has no randomness: seeds do not change it
    expect(hashOf(noLoop, 1).hash).toBe(hashOf(noLoop, 2).hash);
  });

  it('a trace CPU beyond the machine is an error when folding is off', () => {
    const s = applySet(loadBuiltinScenario('trace-replay'), 'workload.trace.foldCpus', 'false', 't');
    expect(() => createWorkload(s, 1, { cpus: 2 })).toThrow(/sample\.kmem\.txt: line \d+: expected a CPU < machine\.cpus \(2\)/);
  });
});
