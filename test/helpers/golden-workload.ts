/**
 * A fixed, seeded mix of operations over the allocator core whose outcome
 * (every counter, and the virtual ns charged, summed in operation order) is
 * pinned by test/core-golden.test.ts. It exists so that a change made for
 * speed can be shown to leave the model alone: same pages, same counts, same
 * costs to the last bit. A change that means to alter the model updates the
 * pinned values (print them with `npx tsx test/helpers/golden-workload.ts`).
 */
import type { Core } from '../../harness/core/core.ts';
import { CTX_HARDIRQ, CTX_SOFTIRQ, CTX_TASK } from '../../harness/core/context.ts';
import { NIL } from '../../harness/core/frames.ts';
import { __GFP_DMA, __GFP_MOVABLE, __GFP_RECLAIMABLE } from '../../harness/core/gfp.ts';
import type { ProfileName } from '../../harness/core/profile.ts';
import { smallCore } from './core-fixture.ts';

export interface GoldenResult {
  /** Virtual ns charged, summed over operations in order. */
  ns: number;
  /** The largest single-operation charge. */
  maxOpNs: number;
  stats: Record<string, number>;
  pcp: { refills: number; refillPages: number; drains: number; drainPages: number; count: number[]; high: number[] };
  buddy: { fallbackAllocs: number; pageblocksStolen: number };
  locks: { invalidWaitContext: number; sleepInAtomic: number; nmiLock: number; contendedNs: number; contendedAcquisitions: number; trylockFailures: number };
  hookLocksTaken: number;
  nrFree: number[];
  /** Sum of (pfn * 31 + order) over successful allocations, in order: which pages were handed out. */
  pfnDigest: number;
}

/** xorshift32: a tiny deterministic PRNG. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

export function goldenRun(profile: ProfileName, steps = 20_000): GoldenResult {
  const core: Core = smallCore({
    profile,
    cpus: 3,
    zones: [
      ['DMA', 1024],
      ['Normal', 12000],
    ],
    minFreeKbytes: 2048,
    lockdep: true,
    debug: { pageOwner: true, pageOwnerNewStackPeriod: 7 },
  });
  const a = core.alloc;
  const krc = a.locks.define('krcp->lock', 'raw_spinlock_t');
  const rnd = prng(profile === '5.9' ? 12345 : 54321);
  const gfps = [
    core.gfp.value('GFP_KERNEL'),
    core.gfp.value('GFP_KERNEL') | __GFP_MOVABLE,
    core.gfp.value('GFP_KERNEL') | __GFP_RECLAIMABLE,
    core.gfp.value('GFP_ATOMIC'),
    core.gfp.value('GFP_NOWAIT'),
    core.gfp.value('GFP_KERNEL') | __GFP_DMA,
  ];
  const heldPfn: number[] = [];
  const heldOrder: number[] = [];
  a.reclaimer = {
    reclaim(n: number): number {
      let got = 0;
      while (got < n && heldPfn.length > 0) {
        const i = rnd() % heldPfn.length;
        const pfn = heldPfn[i]!;
        const order = heldOrder[i]!;
        heldPfn[i] = heldPfn[heldPfn.length - 1]!;
        heldOrder[i] = heldOrder[heldOrder.length - 1]!;
        heldPfn.pop();
        heldOrder.pop();
        a.freePages(pfn, order);
        got += 1 << order;
      }
      return got;
    },
  };
  const clock = [0, 0, 0];
  let ns = 0;
  let maxOpNs = 0;
  let pfnDigest = 0;
  for (let step = 0; step < steps; step++) {
    const r = rnd();
    const cpu = r % 3;
    const kind = (r >>> 2) % 16;
    const start = clock[cpu]!;
    if (kind < 9) {
      const o = (r >>> 6) % 32;
      const order = o < 22 ? 0 : o < 29 ? 1 + (o % 3) : 4 + (o % 7);
      const g = gfps[(r >>> 11) % gfps.length]!;
      const c = (r >>> 14) % 8;
      const ctx = c < 5 ? CTX_TASK : c < 7 ? CTX_SOFTIRQ : CTX_HARDIRQ;
      const underKrc = (r >>> 17) % 4 === 0;
      a.beginOp(cpu, ctx, underKrc || ctx === CTX_HARDIRQ, start);
      if (underKrc) a.locks.acquire(krc, a.meter.now());
      const pfn = a.allocPages(g, order);
      if (underKrc) a.locks.release(krc, a.meter.now());
      if (pfn !== NIL) {
        heldPfn.push(pfn);
        heldOrder.push(order);
        pfnDigest = (pfnDigest * 7 + pfn * 31 + order) % 1_000_000_007;
      }
    } else if (kind < 15) {
      a.beginOp(cpu, CTX_TASK, false, start);
      if (heldPfn.length > 0) {
        const i = (r >>> 6) % heldPfn.length;
        const pfn = heldPfn[i]!;
        const order = heldOrder[i]!;
        heldPfn[i] = heldPfn[heldPfn.length - 1]!;
        heldOrder[i] = heldOrder[heldOrder.length - 1]!;
        heldPfn.pop();
        heldOrder.pop();
        a.freePages(pfn, order);
        if ((r >>> 20) % 64 === 0) a.freePages(pfn, order); // a double free now and then
      }
    } else {
      a.beginOp(cpu, CTX_TASK, false, start);
      if ((r >>> 6) % 4 === 0) a.drainAllPages();
      else core.queue.runNext();
    }
    const opNs = a.meter.ns;
    ns += opNs;
    if (opNs > maxOpNs) maxOpNs = opNs;
    clock[cpu] = start + opNs + ((r >>> 8) % 500);
  }
  const p = a.pcp;
  const l = a.locks;
  return {
    ns,
    maxOpNs,
    stats: { ...a.stats },
    pcp: { refills: p.refills, refillPages: p.refillPages, drains: p.drains, drainPages: p.drainPages, count: [...p.count], high: [...p.high] },
    buddy: { fallbackAllocs: a.buddy.fallbackAllocs, pageblocksStolen: a.buddy.pageblocksStolen },
    locks: { invalidWaitContext: l.invalidWaitContext, sleepInAtomic: l.sleepInAtomic, nmiLock: l.nmiLock, contendedNs: l.contendedNs, contendedAcquisitions: l.contendedAcquisitions, trylockFailures: l.trylockFailures },
    hookLocksTaken: a.postAllocHook.hookLocksTaken,
    nrFree: a.zones.map((z) => z.nrFree),
    pfnDigest,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const profile of ['5.9', '7.2'] as const) console.log(profile, JSON.stringify(goldenRun(profile)));
}
