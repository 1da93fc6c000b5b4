/**
 * Property tests of the allocator core: random sequences of allocations, frees,
 * bad frees, drains and kswapd runs across CPUs (each with its own virtual
 * clock, so lock hold intervals overlap and 6.x pcp trylocks fail), orders
 * 0..10 and migratetypes, on small machines of both profiles. After EVERY step:
 *  - checkInvariants() finds nothing (every frame in exactly one place, lists
 *    well formed, counts equal list lengths, buddies merged);
 *  - no allocated block overlaps another one still held (nothing handed out twice);
 *  - pages are conserved: free + pcp + allocated == managed;
 *  - a bad free changes nothing but the badFrees counter.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Core } from '../../harness/core/core.ts';
import { CTX_HARDIRQ, CTX_SOFTIRQ, CTX_TASK } from '../../harness/core/context.ts';
import { LOC_ALLOCATED, NIL } from '../../harness/core/frames.ts';
import { __GFP_DMA, __GFP_MOVABLE, __GFP_RECLAIMABLE } from '../../harness/core/gfp.ts';
import { checkInvariants } from '../../harness/core/invariants.ts';
import type { Reclaimer } from '../../harness/core/page-alloc.ts';
import type { ProfileName } from '../../harness/core/profile.ts';
import type { ZoneKind } from '../../harness/core/watermarks.ts';
import { pcpPages, smallCore } from '../helpers/core-fixture.ts';

/** GFP masks by name (the profile's own values) plus extra bits: the migratetype and zone mix. */
const GFP_CHOICES: readonly [string, number][] = [
  ['GFP_KERNEL', 0],
  ['GFP_KERNEL', __GFP_MOVABLE],
  ['GFP_KERNEL', __GFP_RECLAIMABLE],
  ['GFP_ATOMIC', 0],
  ['GFP_ATOMIC', __GFP_RECLAIMABLE],
  ['GFP_NOWAIT', 0],
  ['GFP_NOWAIT', __GFP_MOVABLE],
  ['GFP_KERNEL', __GFP_DMA],
];

type Op =
  | { k: 'alloc'; cpu: number; order: number; gfp: number; ctx: number; gap: number }
  | { k: 'free'; cpu: number; pick: number; gap: number }
  | { k: 'badFree'; cpu: number; pick: number; wrongOrder: boolean }
  | { k: 'drain'; cpu: number }
  | { k: 'kswapd' };

const orderArb = fc.oneof(
  { arbitrary: fc.constant(0), weight: 6 },
  { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 3 },
  { arbitrary: fc.integer({ min: 4, max: 10 }), weight: 1 },
);
const cpuArb = fc.integer({ min: 0, max: 3 });
const gapArb = fc.integer({ min: 0, max: 3000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('alloc' as const), cpu: cpuArb, order: orderArb, gfp: fc.nat(GFP_CHOICES.length - 1), ctx: fc.nat(5), gap: gapArb }), weight: 10 },
  { arbitrary: fc.record({ k: fc.constant('free' as const), cpu: cpuArb, pick: fc.nat(), gap: gapArb }), weight: 7 },
  { arbitrary: fc.record({ k: fc.constant('badFree' as const), cpu: cpuArb, pick: fc.nat(), wrongOrder: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('drain' as const), cpu: cpuArb }), weight: 1 },
  { arbitrary: fc.constant({ k: 'kswapd' as const }), weight: 1 },
);

interface Machine {
  profile: ProfileName;
  cpus: number;
  dma: number;
  normal: number;
  minFreeKbytes: number;
}

const machineArb: fc.Arbitrary<Machine> = fc.record({
  profile: fc.constantFrom<ProfileName>('5.9', '7.2'),
  cpus: fc.integer({ min: 1, max: 4 }),
  dma: fc.constantFrom(0, 1024),
  normal: fc.constantFrom(3000, 6000, 9000, 17000),
  // Small min_free_kbytes so that allocations reach the slow path and the reserves.
  minFreeKbytes: fc.constantFrom(128, 512, 2048),
});

/** Test-side record of what is allocated, to check that nothing is handed out twice. */
class Held {
  readonly owner: Uint8Array;
  readonly pfns: number[] = [];
  readonly orders: number[] = [];
  pages = 0;
  constructor(nrFrames: number) {
    this.owner = new Uint8Array(nrFrames);
  }
  add(pfn: number, order: number): string | null {
    for (let p = pfn; p < pfn + (1 << order); p++) if (this.owner[p]) return `frame ${p} of new block ${pfn}/${order} is already held`;
    this.owner.fill(1, pfn, pfn + (1 << order));
    this.pfns.push(pfn);
    this.orders.push(order);
    this.pages += 1 << order;
    return null;
  }
  /** Removes entry i (swap with the last) and returns [pfn, order]. */
  take(i: number): [number, number] {
    const pfn = this.pfns[i]!;
    const order = this.orders[i]!;
    this.pfns[i] = this.pfns[this.pfns.length - 1]!;
    this.orders[i] = this.orders[this.orders.length - 1]!;
    this.pfns.pop();
    this.orders.pop();
    this.owner.fill(0, pfn, pfn + (1 << order));
    this.pages -= 1 << order;
    return [pfn, order];
  }
}

function run(m: Machine, ops: Op[]): void {
  const zones: [ZoneKind, number][] = m.dma ? [['DMA', m.dma], ['Normal', m.normal]] : [['Normal', m.normal]];
  const core: Core = smallCore({ profile: m.profile, cpus: m.cpus, zones, minFreeKbytes: m.minFreeKbytes, lockdep: true });
  const a = core.alloc;
  const managed = a.zones.reduce((n, z) => n + z.managedPages, 0);
  const held = new Held(a.frames.nrFrames);
  const gfps = GFP_CHOICES.map(([name, extra]) => core.gfp.value(name) | extra);
  const clock = new Float64Array(m.cpus);
  let seed = ops.length;
  // Reclaim (direct and kswapd) frees blocks the test holds, through freePages().
  const reclaimer: Reclaimer = {
    reclaim(nrPages: number): number {
      let got = 0;
      while (got < nrPages && held.pfns.length > 0) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const [pfn, order] = held.take(seed % held.pfns.length);
        a.freePages(pfn, order);
        got += 1 << order;
      }
      return got;
    },
  };
  a.reclaimer = reclaimer;

  const check = (step: number, op: Op | null): void => {
    const errors = checkInvariants(a);
    const free = a.totalFree();
    const pcp = pcpPages(core);
    if (errors.length > 0 || free + pcp + held.pages !== managed) {
      throw new Error(
        `after step ${step} ${JSON.stringify(op)}: ${errors.join('; ')}` +
          (free + pcp + held.pages !== managed ? ` pages not conserved: free ${free} + pcp ${pcp} + held ${held.pages} != managed ${managed}` : ''),
      );
    }
  };

  check(-1, null);
  for (let step = 0; step < ops.length; step++) {
    const op = ops[step]!;
    switch (op.k) {
      case 'alloc': {
        const cpu = op.cpu % m.cpus;
        // Mostly task context; sometimes softirq, or hardirq with IRQs off.
        const ctx = op.ctx < 4 ? CTX_TASK : op.ctx === 4 ? CTX_SOFTIRQ : CTX_HARDIRQ;
        a.beginOp(cpu, ctx, ctx === CTX_HARDIRQ, clock[cpu]!);
        const pfn = a.allocPages(gfps[op.gfp]!, op.order);
        clock[cpu]! += a.meter.ns + op.gap;
        if (pfn !== NIL) {
          if (a.frames.list[pfn] !== LOC_ALLOCATED) throw new Error(`step ${step}: allocated ${pfn} is not marked allocated`);
          if (a.frames.order[pfn] !== op.order) throw new Error(`step ${step}: allocated ${pfn} has order ${a.frames.order[pfn]}, asked ${op.order}`);
          if (pfn % (1 << op.order) !== 0) throw new Error(`step ${step}: ${pfn} not aligned to order ${op.order}`);
          const dup = held.add(pfn, op.order);
          if (dup) throw new Error(`step ${step}: handed out twice: ${dup}`);
        }
        break;
      }
      case 'free': {
        if (held.pfns.length === 0) break;
        const cpu = op.cpu % m.cpus;
        const [pfn, order] = held.take(op.pick % held.pfns.length);
        a.beginOp(cpu, CTX_TASK, false, clock[cpu]!);
        const bad = a.stats.badFrees;
        a.freePages(pfn, order);
        if (a.stats.badFrees !== bad) throw new Error(`step ${step}: a good free of ${pfn}/${order} was refused`);
        clock[cpu]! += a.meter.ns + op.gap;
        break;
      }
      case 'badFree': {
        const cpu = op.cpu % m.cpus;
        let pfn: number;
        let order = 0;
        if (op.wrongOrder && held.pfns.length > 0) {
          const i = op.pick % held.pfns.length;
          pfn = held.pfns[i]!;
          order = (held.orders[i]! + 1) % 11;
        } else {
          // A frame the test does not hold: free, on a pcplist, a tail, or a gap between zones.
          pfn = op.pick % a.frames.nrFrames;
          if (held.owner[pfn]) break;
        }
        a.beginOp(cpu, CTX_TASK, false, clock[cpu]!);
        const before = { bad: a.stats.badFrees, free: a.totalFree(), pcp: pcpPages(core), ns: a.meter.ns, frees: a.stats.frees };
        a.freePages(pfn, order);
        const after = { bad: a.stats.badFrees, free: a.totalFree(), pcp: pcpPages(core), ns: a.meter.ns, frees: a.stats.frees };
        expect(after, `step ${step}: bad free of ${pfn}/${order}`).toEqual({ ...before, bad: before.bad + 1 });
        break;
      }
      case 'drain': {
        const cpu = op.cpu % m.cpus;
        a.beginOp(cpu, CTX_TASK, false, clock[cpu]!);
        a.drainAllPages();
        clock[cpu]! += a.meter.ns;
        expect(pcpPages(core)).toBe(0);
        break;
      }
      case 'kswapd':
        core.queue.runNext();
        break;
    }
    check(step, op);
  }
}

describe('allocator core invariants under random operation sequences', () => {
  it('hold after every step, on both profiles, 1-4 CPUs, orders 0..10 and all migratetypes', () => {
    fc.assert(
      fc.property(machineArb, fc.array(opArb, { minLength: 150, maxLength: 220 }), (m, ops) => {
        run(m, ops);
      }),
      { numRuns: 300 },
    );
  });

  it('hold through allocation to exhaustion and back', () => {
    fc.assert(
      fc.property(machineArb, fc.array(fc.tuple(orderArb, fc.nat(GFP_CHOICES.length - 1), cpuArb), { minLength: 1, maxLength: 8 }), (m, mix) => {
        // Allocate (cycling through the mix) until a long run of failures, then free it all.
        const ops: Op[] = [];
        for (let i = 0; i < 600; i++) {
          const [order, gfp, cpu] = mix[i % mix.length]!;
          ops.push({ k: 'alloc', cpu, order, gfp, ctx: 0, gap: 10 });
        }
        for (let i = 0; i < 600; i++) ops.push({ k: 'free', cpu: i % 4, pick: i * 7, gap: 10 });
        ops.push({ k: 'drain', cpu: 0 });
        run(m, ops);
      }),
      { numRuns: 20 },
    );
  });
});
