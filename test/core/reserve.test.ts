/**
 * A strategy's reserves (ext.createReserve): frames held on per-CPU lists,
 * and the totals the simulator integrates at every event.
 */
import { describe, expect, it } from 'vitest';
import { GFP_KERNEL } from '../../harness/core/gfp.ts';
import { checkInvariants } from '../../harness/core/invariants.ts';
import { NIL } from '../../harness/core/frames.ts';
import { smallCore } from '../helpers/core.ts';

describe('reserves', () => {
  it("keep the totals of all of a strategy's reserves as pages come and go", () => {
    const core = smallCore({ cpus: 2 });
    const ext = core.extensionsFor('test');
    const a = core.alloc;
    expect(ext.reserveTotals).toMatchObject({ reserves: 0, pages: 0 });
    const pool = ext.createReserve('pool');
    const cache = ext.createReserve('cache');
    expect(ext.reserveTotals).toMatchObject({ reserves: 2, pages: 0 });
    a.beginOp(0, 0, false, 0);
    const pages = Array.from({ length: 5 }, () => a.allocPages(GFP_KERNEL, 0));
    expect(pages).not.toContain(NIL);
    pool.push(0, pages[0]!);
    pool.push(1, pages[1]!);
    cache.push(0, pages[2]!);
    cache.push(0, pages[3]!);
    cache.push(1, pages[4]!);
    expect(ext.reserveTotals.pages).toBe(5);
    expect(checkInvariants(a, ext.reserves)).toEqual([]);
    expect(cache.pop(0)).toBe(pages[3]);
    expect(pool.pop(1)).toBe(pages[1]);
    expect(pool.pop(1)).toBe(NIL); // empty: the totals do not move
    expect(ext.reserveTotals.pages).toBe(3);
    expect(ext.reserveTotals.pages).toBe(pool.pages + cache.pages);
    expect(pool.peakPages + cache.peakPages).toBe(5);
  });
});
