/**
 * The Extensions calls a strategy makes into the core's allocator:
 * allocPcplistOnly() (a pcplist-only attempt, PageAllocator.allocPagesPcplistOnly)
 * and charge() (the cost-charging helper).
 */
import { describe, expect, it } from 'vitest';
import { CTX_TASK, GFP_KERNEL, GFP_NOWAIT, NIL, PCP_MISS_REFILL, type Core } from '../../harness/core/index.ts';
import { DEFAULT_COST_TABLE } from '../../harness/core/cost-table.ts';
import { smallCore } from '../helpers/core.ts';

/** The pages on CPU 0's pcplists of the core's zone(s). */
function pcpPages(core: Core): number {
  let n = 0;
  for (let z = 0; z < core.alloc.zones.length; z++) n += core.alloc.pcp.count[z]!;
  return n;
}

describe('ext.allocPcplistOnly(): a page from this CPU\'s pcplist or NIL, never zone->lock', () => {
  for (const profile of ['5.9', '7.2'] as const) {
    it(`${profile}: an empty pcplist gives NIL with no refill and no zone->lock (an ordinary allocation refills it under zone->lock)`, () => {
      const core = smallCore({ profile, cpus: 1 });
      const ext = core.extensionsFor('t');
      let hookCalls = 0;
      ext.addPcpMissCheck('counts calls', () => {
        hookCalls++;
        return PCP_MISS_REFILL;
      });
      const a = core.alloc;
      a.beginOp(0, CTX_TASK, true, 0);
      expect(pcpPages(core)).toBe(0);
      expect(ext.allocPcplistOnly(GFP_NOWAIT)).toBe(NIL);
      expect(a.stats.zoneLockTaken).toBe(0);
      expect(pcpPages(core)).toBe(0);
      expect(hookCalls).toBe(0); // nothing is refilled, so the pcp-miss check has nothing to decide
      expect(a.stats.pcpMisses).toBe(1);
      // The same request through __alloc_pages() refills the pcplist under zone->lock.
      const pfn = a.allocPages(GFP_NOWAIT, 0);
      expect(pfn).not.toBe(NIL);
      expect(a.stats.zoneLockTaken).toBe(1);
      expect(hookCalls).toBe(1);
      const onPcp = pcpPages(core);
      expect(onPcp).toBeGreaterThan(0);
      // Now the pcplist has pages: the pcplist-only attempt takes one, still without zone->lock.
      a.beginOp(0, CTX_TASK, true, 1e6); // after the refill's pcp->lock hold (6.x) has ended
      const got = ext.allocPcplistOnly(GFP_NOWAIT);
      expect(got).not.toBe(NIL);
      expect(got).not.toBe(pfn);
      expect(a.stats.zoneLockTaken).toBe(1);
      expect(pcpPages(core)).toBe(onPcp - 1);
      expect(a.lastPcpHit).toBe(true);
      // Charged as the allocator's own steps (a pcp list op, the watermark check, prep_new_page...).
      expect(a.meter.ns).toBeGreaterThan(0);
    });
  }

  it('a zone below its low watermark gives NIL even with pages on the pcplist (the first get_page_from_freelist() pass)', () => {
    const core = smallCore({ cpus: 1 });
    const ext = core.extensionsFor('t');
    const a = core.alloc;
    const zone = a.zones[0]!;
    a.beginOp(0, CTX_TASK, false, 0);
    const held: number[] = [];
    // GFP_KERNEL down to the min watermark; then put one page back on the pcplist.
    for (;;) {
      const p = a.allocPages(GFP_KERNEL & ~0x400 /* no direct reclaim */, 0);
      if (p === NIL) break;
      held.push(p);
    }
    expect(zone.nrFree).toBeLessThanOrEqual(zone.wmark[1]!);
    a.freePages(held.pop()!, 0);
    expect(pcpPages(core)).toBeGreaterThan(0);
    const zl = a.stats.zoneLockTaken;
    expect(ext.allocPcplistOnly(GFP_NOWAIT)).toBe(NIL);
    expect(a.stats.zoneLockTaken).toBe(zl);
  });

  it('an order above the pcplists\' is NIL at once', () => {
    const core = smallCore({ profile: '5.9', cpus: 1 });
    const ext = core.extensionsFor('t');
    core.alloc.beginOp(0, CTX_TASK, false, 0);
    expect(ext.allocPcplistOnly(GFP_KERNEL, 1)).toBe(NIL);
    expect(core.alloc.stats.zoneLockTaken).toBe(0);
  });
});

describe('ext.charge(): a cost-table entry or ns on the current operation', () => {
  it('adds the entry (times n), or the ns, to the meter; now() follows', () => {
    const core = smallCore();
    const ext = core.extensionsFor('t');
    core.alloc.beginOp(0, CTX_TASK, false, 1000);
    ext.charge('pcpListOp');
    expect(core.alloc.meter.ns).toBe(DEFAULT_COST_TABLE.pcpListOp);
    ext.charge('gfpFlagCheck', 3);
    ext.charge(7.5);
    expect(core.alloc.meter.ns).toBeCloseTo(DEFAULT_COST_TABLE.pcpListOp + 3 * DEFAULT_COST_TABLE.gfpFlagCheck + 7.5, 9);
    expect(ext.now()).toBeCloseTo(1000 + core.alloc.meter.ns, 9);
  });

  it('refuses an unknown entry, a negative or non-finite cost, a negative count', () => {
    const core = smallCore();
    const ext = core.extensionsFor('t');
    core.alloc.beginOp(0, CTX_TASK, false, 0);
    expect(() => ext.charge('pcpListOps' as 'pcpListOp')).toThrow(/charge\("pcpListOps", 1\): no such cost-table entry/);
    expect(() => ext.charge('constructor' as 'pcpListOp')).toThrow(/no such cost-table entry/);
    expect(() => ext.charge(-1)).toThrow(/a cost is a finite number of ns >= 0/);
    expect(() => ext.charge(Number.POSITIVE_INFINITY)).toThrow(/finite/);
    expect(() => ext.charge('pcpListOp', -2)).toThrow(/finite/);
    expect(core.alloc.meter.ns).toBe(0);
  });
});
