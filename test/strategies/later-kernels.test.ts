/**
 * The two designs that came after the 2020 thread, each shown with the
 * consequence that decides how it compares: rcu-page-cache (commit
 * 56292e8609e3, v5.11) never calls the allocator from kvfree_rcu()'s atomic
 * context but fails while its small cache is empty; alloc-pages-nolock
 * (try_alloc_pages(), v6.15) takes only trylocks, so it is safe anywhere but
 * fails when a lock is busy at that instant of virtual time.
 */
import { describe, expect, it } from 'vitest';
import {
  CTX_HARDIRQ,
  CTX_NMI,
  CTX_TASK,
  GFP_ATOMIC,
  GFP_NOWAIT,
  NIL,
  WMARK_LOW,
  WMARK_MIN,
  strategyAvailableOn,
  __GFP_NOWARN,
  type StrategyDefinition,
} from '../../harness/core/index.ts';
import { runOne, type RunResult } from '../../harness/sim/simulator.ts';
import { loadBuiltinScenario } from '../../harness/workload/builtin.ts';
import type { Scenario } from '../../harness/workload/scenario-schema.ts';
import { applySet } from '../../harness/workload/scenario-set.ts';
import allocPagesNolock from '../../strategies/alloc-pages-nolock.ts';
import dedicatedPool from '../../strategies/dedicated-pool.ts';
import rcuPageCache from '../../strategies/rcu-page-cache.ts';
import statusQuo from '../../strategies/status-quo.ts';
import { drainCpu, setupStrategy, type Setup } from '../helpers/core.ts';

/**
 * v5.9's own request, __get_free_page(GFP_NOWAIT | __GFP_NOWARN) under the raw
 * krcp->lock, put on a 6.x kernel, whose own kvfree_rcu() (status-quo there)
 * no longer allocates: what alloc-pages-nolock is compared with below.
 */
const nowaitRequest: StrategyDefinition = {
  ...statusQuo,
  name: 'gfp-nowait-request',
  setup: ({ core }) => ({ getPage: () => core.alloc.allocPages(GFP_NOWAIT | __GFP_NOWARN, 0) }),
};

/** Runs the core's deferred work (hrtimers, workers) due up to `until`. */
function runDeferred(s: Setup, until = Infinity): void {
  const q = s.core.queue;
  while (q.peekTime() <= until) q.runNext();
}

function violations(s: Setup): number {
  const l = s.core.alloc.locks;
  return l.invalidWaitContext + l.sleepInAtomic + l.nmiLock;
}

const krcLocks = new WeakMap<Setup, number>();

/**
 * One page request as kvfree_rcu() makes it (IRQs off, a raw krcp->lock held),
 * returning the page and the lock reports made by the request itself: the
 * krcp->lock acquisition is the consumer's (in NMI it is a report of its own
 * for every design) and is left out of the count.
 */
function measuredRequest(s: Setup, cpu: number, time: number, ctx = CTX_TASK): { pfn: number; reports: number } {
  const a = s.core.alloc;
  let krc = krcLocks.get(s);
  if (krc === undefined) {
    krc = a.locks.define('krcp->lock (test)', 'raw_spinlock_t');
    krcLocks.set(s, krc);
  }
  a.beginOp(cpu, ctx, true, time);
  a.locks.acquire(krc, time);
  const before = violations(s);
  let pfn = s.cache.get(cpu);
  if (pfn === NIL) pfn = s.inst.getPage(cpu);
  const reports = violations(s) - before;
  a.locks.release(krc, a.meter.now());
  return { pfn, reports };
}

/** Holds `lock` from CPU `cpu` over [from, to) of virtual time, as an operation there would. */
function holdLock(s: Setup, lock: number, cpu: number, from: number, to: number): void {
  const a = s.core.alloc;
  a.beginOp(cpu, CTX_TASK, false, from);
  a.locks.acquire(lock, from);
  a.locks.release(lock, to);
}

/** What the page requests themselves did, measured around each getPage() call of a run. */
interface RequestTally {
  requests: number;
  nil: number;
  /** NULLs during which at least one trylock failed. */
  nilWithTrylockFailure: number;
  invalidWaitContext: number;
  sleepInAtomic: number;
  nmiLock: number;
}

function tallied(def: StrategyDefinition, tally: RequestTally): StrategyDefinition {
  return {
    ...def,
    setup(ctx, params) {
      const inst = def.setup(ctx, params);
      const locks = ctx.core.alloc.locks;
      return {
        ...inst,
        getPage(cpu) {
          const t0 = locks.trylockFailures;
          const i0 = locks.invalidWaitContext;
          const s0 = locks.sleepInAtomic;
          const n0 = locks.nmiLock;
          const pfn = inst.getPage(cpu);
          tally.requests++;
          tally.invalidWaitContext += locks.invalidWaitContext - i0;
          tally.sleepInAtomic += locks.sleepInAtomic - s0;
          tally.nmiLock += locks.nmiLock - n0;
          if (pfn === NIL) {
            tally.nil++;
            if (locks.trylockFailures > t0) tally.nilWithTrylockFailure++;
          }
          return pfn;
        },
      };
    },
  };
}

function newTally(): RequestTally {
  return { requests: 0, nil: 0, nilWithTrylockFailure: 0, invalidWaitContext: 0, sleepInAtomic: 0, nmiLock: 0 };
}

function run(scenario: Scenario, def: StrategyDefinition, seed = 1): RunResult {
  return runOne({ scenario, strategy: def, params: {}, seed });
}

/**
 * A built-in scenario from a cold start: the tallies below count every request
 * of the run, the metrics only those after the warm-up, so with no warm-up
 * the two must agree.
 */
function scenario(name: string, sets: Record<string, string> = {}): Scenario {
  let sc = applySet(loadBuiltinScenario(name), 'run.warmup.ms', '0', 'test');
  for (const [k, v] of Object.entries(sets)) sc = applySet(sc, k, v, 'test');
  return sc;
}

describe('rcu-page-cache (56292e8609e3)', () => {
  it('never calls the page allocator from the request path: a miss only starts the hrtimer -> worker', () => {
    const s = setupStrategy(rcuPageCache, {}, { lockdep: true, preemptRt: true });
    const a = s.core.alloc;
    const cache = s.cache.reserve;
    // The commit removed the boot-time prefill: the cache starts empty.
    expect(cache.pages).toBe(0);
    const allocs = a.stats.allocs;
    expect(s.request(0, 1000)).toBe(NIL);
    expect(a.stats.allocs).toBe(allocs);
    expect(a.stats.zoneLockTaken).toBe(0);
    // One hrtimer, at once; it queues fill_page_cache_func, which runs after the worker wake-up latency.
    const q = s.core.queue;
    expect(q.length).toBe(1);
    q.runNext();
    expect(q.length).toBe(1);
    expect(q.peekTime()).toBeGreaterThanOrEqual(1000 + a.costs.workerWakeLatency);
    q.runNext();
    expect(cache.count(0)).toBe(5);
    expect(a.stats.allocs).toBe(allocs + 5);
    // Now five requests are served from the cache, with no allocator call and no lock of the allocator.
    const zl = a.stats.zoneLockTaken;
    for (let i = 0; i < 5; i++) expect(s.request(0, 100_000 + i)).not.toBe(NIL);
    expect(a.stats.allocs).toBe(allocs + 5);
    expect(a.stats.zoneLockTaken).toBe(zl);
    // The worker allocated with GFP_KERNEL in task context: under lockdep on RT nothing was reported.
    expect(violations(s)).toBe(0);
    expect(s.ext.describe().workers).toEqual(['fill_page_cache_func (system_highpri_wq)', 'schedule_page_work_fn (hrtimer, 0 delay)']);
  });

  it('fails when a burst empties the cache before the worker runs, starts one worker only, and refills afterwards', () => {
    const s = setupStrategy(rcuPageCache, { prefill: true }, { bootFill: true });
    const cache = s.cache.reserve;
    expect(cache.count(0)).toBe(5);
    const got = Array.from({ length: 9 }, (_, i) => s.request(0, 1000 + i * 50));
    expect(got.slice(0, 5).every((p) => p !== NIL)).toBe(true);
    expect(got.slice(5).every((p) => p === NIL)).toBe(true);
    // krcp->work_in_progress: four misses, one hrtimer.
    expect(s.core.queue.length).toBe(1);
    runDeferred(s, 1_000_000);
    expect(cache.count(0)).toBe(5);
    expect(s.request(0, 1_000_000)).not.toBe(NIL);
    // The other CPU's cache was never touched.
    expect(cache.count(1)).toBe(5);
  });

  it('puts a page back after its grace period while the cache is not full, else frees it', () => {
    const s = setupStrategy(rcuPageCache, { prefill: true, rcuMinCachedObjs: 2 }, { bootFill: true });
    const a = s.core.alloc;
    const cache = s.cache.reserve;
    const p1 = s.request(0, 10);
    expect(cache.count(0)).toBe(1);
    s.putPage(0, p1, 20);
    expect(cache.count(0)).toBe(2);
    // Full: an extra page goes back to the allocator.
    a.beginOp(0, CTX_TASK, false, 30);
    const extra = a.allocPages(GFP_ATOMIC, 0);
    const frees = a.stats.frees;
    s.putPage(0, extra, 30);
    expect(cache.count(0)).toBe(2);
    expect(a.stats.frees).toBe(frees + 1);
  });

  it('a miss in NMI context starts the hrtimer, whose base lock is a raw spinlock: an NMI lock report', () => {
    const s = setupStrategy(rcuPageCache, {}, { profile: '7.2' });
    const r = measuredRequest(s, 0, 10, CTX_NMI);
    expect(r.pfn).toBe(NIL);
    expect(r.reports).toBe(1);
    expect(s.core.alloc.locks.records.some((v) => v.kind === 'nmiLock' && /cpu_base->lock/.test(v.message))).toBe(true);
    // A hit in NMI takes nothing.
    runDeferred(s, 1_000_000);
    const hit = measuredRequest(s, 0, 2_000_000, CTX_NMI);
    expect(hit.pfn).not.toBe(NIL);
    expect(hit.reports).toBe(0);
  });

  it('in burst (lockdep on) it takes zone->lock 0 times on the request path and reports nothing, but fails while caches are empty', () => {
    const tally = newTally();
    const r = run(scenario('burst', { 'run.durationMs': '120', 'kernel.lockdep': 'true' }), tallied(rcuPageCache, tally));
    expect(r.metrics.zoneLockInLockless).toBe(0);
    expect(tally.invalidWaitContext + tally.sleepInAtomic + tally.nmiLock).toBe(0);
    expect(tally.nil).toBe(r.metrics.locklessFailures);
    expect(r.metrics.locklessFailures).toBeGreaterThan(0);
    expect(r.metrics.reservedPagesPeak).toBeLessThanOrEqual(5 * 8);
  });
});

describe('alloc-pages-nolock (try_alloc_pages, v6.15)', () => {
  it('refills an empty pcplist under lockdep on RT without any report: pcp and zone->lock are trylocks', () => {
    const s = setupStrategy(allocPagesNolock, {}, { profile: '7.2', lockdep: true, preemptRt: true });
    drainCpu(s.core);
    const a = s.core.alloc;
    expect(s.request(0, 10)).not.toBe(NIL);
    expect(a.stats.zoneLockTaken).toBeGreaterThan(0);
    expect(violations(s)).toBe(0);
    // The same request with v5.9's GFP_NOWAIT: "BUG: Invalid wait context" and, on RT, a sleeping lock in atomic context.
    const q = setupStrategy(nowaitRequest, {}, { profile: '7.2', lockdep: true, preemptRt: true });
    drainCpu(q.core);
    expect(q.request(0, 10)).not.toBe(NIL);
    expect(q.core.alloc.locks.invalidWaitContext).toBeGreaterThan(0);
    expect(q.core.alloc.locks.sleepInAtomic).toBeGreaterThan(0);
  });

  it('returns NULL while another CPU holds zone->lock, where a GFP_NOWAIT request waits for it', () => {
    const s = setupStrategy(allocPagesNolock, {}, { profile: '7.2' });
    drainCpu(s.core);
    const a = s.core.alloc;
    const zone = a.zones[0]!;
    holdLock(s, zone.lock, 1, 0, 5000);
    const tf = a.locks.trylockFailures;
    expect(s.request(0, 2000)).toBe(NIL);
    expect(a.locks.trylockFailures).toBeGreaterThan(tf);
    expect(a.locks.contendedNs).toBe(0);
    expect(a.stats.slowpathEntries).toBe(0);
    // Once the holder let go, the same request succeeds.
    expect(s.request(0, 6000)).not.toBe(NIL);

    const q = setupStrategy(nowaitRequest, {}, { profile: '7.2' });
    drainCpu(q.core);
    holdLock(q, q.core.alloc.zones[0]!.lock, 1, 0, 5000);
    expect(q.request(0, 2000)).not.toBe(NIL);
    expect(q.core.alloc.locks.contendedNs).toBeGreaterThan(2900);
  });

  it('an NMI that interrupts its own CPU inside pcp->lock fails the pcp trylock and takes the page from the buddy by trylock', () => {
    const s = setupStrategy(allocPagesNolock, {}, { profile: '7.2', lockdep: true });
    const a = s.core.alloc;
    const pcpLock = a.pcp.lock[0 * a.zones.length + 0]!;
    expect(pcpLock).toBeGreaterThanOrEqual(0);
    holdLock(s, pcpLock, 0, 0, 5000);
    const pf = a.stats.pcpTrylockFailures;
    const r1 = measuredRequest(s, 0, 1000, CTX_NMI);
    expect(r1.pfn).not.toBe(NIL);
    expect(r1.reports).toBe(0);
    expect(a.stats.pcpTrylockFailures).toBe(pf + 1);
    // With zone->lock held by another CPU as well, it is NULL.
    holdLock(s, a.zones[0]!.lock, 1, 0, 5000);
    expect(measuredRequest(s, 0, 1500, CTX_NMI)).toEqual({ pfn: NIL, reports: 0 });
    // A GFP_NOWAIT request in the same spot spins on zone->lock from NMI.
    const q = setupStrategy(nowaitRequest, {}, { profile: '7.2', lockdep: true });
    const qa = q.core.alloc;
    holdLock(q, qa.pcp.lock[0]!, 0, 0, 5000);
    const rq = measuredRequest(q, 0, 1000, CTX_NMI);
    expect(rq.pfn).not.toBe(NIL);
    expect(rq.reports).toBeGreaterThan(0);
    expect(qa.locks.records.some((v) => v.kind === 'nmiLock' && /&zone->lock/.test(v.message))).toBe(true);
  });

  it('on PREEMPT_RT refuses NMI and hardirq context before touching the allocator; on !RT it serves them', () => {
    const rt = setupStrategy(allocPagesNolock, {}, { profile: '7.2', preemptRt: true, lockdep: true });
    const a = rt.core.alloc;
    const allocs = a.stats.allocs;
    expect(measuredRequest(rt, 0, 10, CTX_NMI)).toEqual({ pfn: NIL, reports: 0 });
    expect(measuredRequest(rt, 0, 20, CTX_HARDIRQ)).toEqual({ pfn: NIL, reports: 0 });
    expect(a.stats.allocs).toBe(allocs);
    expect(a.locks.trylockFailures).toBe(0);
    expect(measuredRequest(rt, 0, 10_000, CTX_TASK).pfn).not.toBe(NIL);
    expect(a.stats.allocs).toBe(allocs + 1);

    const plain = setupStrategy(allocPagesNolock, {}, { profile: '7.2', lockdep: true });
    drainCpu(plain.core);
    // (Far apart in virtual time: each request holds the pcp lock for its own few hundred ns.)
    const n1 = measuredRequest(plain, 0, 10, CTX_NMI);
    const h1 = measuredRequest(plain, 0, 10_000, CTX_HARDIRQ);
    expect(n1.pfn).not.toBe(NIL);
    expect(h1.pfn).not.toBe(NIL);
    expect(n1.reports + h1.reports).toBe(0);
  });

  it('has no slow path: below the low watermark it still serves (min watermark) and never wakes kswapd', () => {
    const s = setupStrategy(allocPagesNolock, {}, { profile: '7.2' });
    const a = s.core.alloc;
    const z = a.zones[0]!;
    a.beginOp(1, CTX_TASK, false, 0);
    while (z.nrFree > z.wmark[WMARK_MIN]! + (z.wmark[WMARK_LOW]! - z.wmark[WMARK_MIN]!) / 2) a.allocPages(GFP_ATOMIC, 0);
    drainCpu(s.core);
    const wakes = a.stats.kswapdWakes;
    expect(s.request(0, 10)).not.toBe(NIL);
    expect(a.stats.kswapdWakes).toBe(wakes);
    expect(a.stats.slowpathEntries).toBe(0);
  });

  it('is refused on a kernel before 6.15, never moved to another kernel', () => {
    expect(strategyAvailableOn(allocPagesNolock, '5.9')).toEqual({ ok: false, reason: 'n/a (needs >= 6.15)' });
    expect(strategyAvailableOn(allocPagesNolock, '6.12')).toEqual({ ok: false, reason: 'n/a (needs >= 6.15)' });
    expect(strategyAvailableOn(allocPagesNolock, '7.2')).toEqual({ ok: true });
    expect(() => run(scenario('burst'), allocPagesNolock)).toThrow(/cannot run on kernel 5\.9: n\/a \(needs >= 6\.15\)/);
    expect(run(scenario('burst', { 'kernel.profile': '7.2' }), allocPagesNolock).profile).toBe('7.2');
  });

  for (const name of ['many-cpus']) {
    it(`in ${name}, every failure is a trylock that found its lock held in virtual time, and nothing is reported`, () => {
      const tally = newTally();
      const r = run(scenario(name), tallied(allocPagesNolock, tally));
      expect(r.profile).toBe('7.2');
      expect(tally.nil).toBeGreaterThan(0);
      expect(tally.nilWithTrylockFailure).toBe(tally.nil);
      expect(r.metrics.locklessFailures).toBe(tally.nil);
      expect(r.metrics.trylockFailures).toBeGreaterThan(0);
      expect(tally.invalidWaitContext + tally.sleepInAtomic + tally.nmiLock).toBe(0);
    });
  }
});

describe('nmi-tracing', () => {
  const sc = scenario('nmi-tracing', { 'run.durationMs': '100' });

  it("a GFP_NOWAIT request takes locks in NMI; 6.x's own path (status-quo, rcu-page-cache) only the hrtimer base lock on a miss; alloc-pages-nolock none", () => {
    const tw = newTally();
    const tq = newTally();
    const tn = newTally();
    const tc = newTally();
    const w = run(sc, tallied(nowaitRequest, tw));
    const q = run(sc, tallied(statusQuo, tq));
    const n = run(sc, tallied(allocPagesNolock, tn));
    const c = run(sc, tallied(rcuPageCache, tc));
    const d = run(sc, dedicatedPool);
    expect(n.workloadHash).toBe(w.workloadHash);
    // The page request's own reports.
    expect(tw.nmiLock).toBeGreaterThan(0);
    expect(tw.invalidWaitContext).toBeGreaterThan(0);
    expect(tn.nmiLock + tn.invalidWaitContext + tn.sleepInAtomic).toBe(0);
    expect(tc.invalidWaitContext + tc.sleepInAtomic).toBe(0);
    // On 6.x status-quo is the kernel's deferred page cache: the same as rcu-page-cache.
    expect(q.metrics.zoneLockInLockless).toBe(0);
    expect(q.metrics).toMatchObject({ locklessFailures: c.metrics.locklessFailures, nmiLockViolations: c.metrics.nmiLockViolations });
    // kvfree_rcu() takes its raw krcp->lock in NMI for every design: counted apart
    // (workloadNmiLocks), the same for every design; nmiLockViolations is the request's.
    expect(d.metrics.workloadNmiLocks).toBeGreaterThan(10000);
    for (const r of [w, q, n, c]) expect(r.metrics.workloadNmiLocks).toBe(d.metrics.workloadNmiLocks);
    expect(d.metrics.nmiLockViolations).toBe(0);
    expect(n.metrics.nmiLockViolations).toBe(0);
    expect(w.metrics.nmiLockViolations).toBe(tw.nmiLock);
    expect(w.metrics.invalidWaitContext).toBeGreaterThan(0);
    expect(n.metrics.invalidWaitContext).toBe(0);
    // The page-cache path's only NMI reports are hrtimer_start()'s base lock on a miss.
    expect(c.metrics.nmiLockViolations).toBe(tc.nmiLock);
    expect(c.metrics.nmiLockViolations).toBeGreaterThan(0);
    expect(c.metrics.zoneLockInLockless).toBe(0);
    // The violationsInRequest metric says the same without the tally.
    expect(n.metrics.violationsInRequest).toBe(0);
    expect(d.metrics.violationsInRequest).toBe(0);
    expect(w.metrics.violationsInRequest).toBe(tw.nmiLock + tw.invalidWaitContext + tw.sleepInAtomic);
  });
});
