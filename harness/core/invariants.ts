/**
 * The core's invariants, checkable at any step (tests run them after every
 * operation of random sequences):
 *  - every frame is in exactly one place: the head of a block on one list (a
 *    buddy free list, a pcplist, a strategy's reserve) or of an allocated block,
 *    or a tail frame inside such a block;
 *  - lists are well formed (next/prev agree, lengths match, members say so);
 *  - zone->nrFree equals the pages on the zone's buddy lists; pcp->count equals
 *    the pages on that CPU's pcplists;
 *  - buddies are merged: no free block has a free buddy of the same order;
 *  - free blocks sit on the list of their order and are naturally aligned;
 *  - the buddy's counts of zones below their watched low / min watermarks
 *    (Buddy.watchWatermarks) match the zones.
 * Returns the list of violations (empty when all hold); never throws.
 */
import { LOC_ALLOCATED, LOC_TAIL, NIL } from './frames.ts';
import type { PageAllocator } from './page-alloc.ts';
import { MAX_PAGE_ORDER, NR_PAGE_ORDERS } from './profile.ts';
import type { Reserve } from './reserve.ts';
import { MIGRATE_TYPES } from './zone.ts';

export function checkInvariants(alloc: PageAllocator, reserves: readonly Reserve[] = [], limit = 20): string[] {
  const errors: string[] = [];
  const f = alloc.frames;
  const err = (s: string): boolean => {
    if (errors.length < limit) errors.push(s);
    return errors.length >= limit;
  };

  // Lists well formed.
  for (let l = 0; l < f.listCount; l++) {
    let n = 0;
    let prev = NIL;
    for (let p = f.listFirst[l]!; p !== NIL; p = f.next[p]!) {
      if (f.prev[p] !== prev) err(`list ${l}: frame ${p} has prev ${f.prev[p]} but follows ${prev}`);
      if (f.list[p] !== l) err(`list ${l}: frame ${p} says it is on list ${f.list[p]}`);
      prev = p;
      if (++n > f.nrFrames) {
        err(`list ${l}: cycle`);
        break;
      }
    }
    if (f.listLast[l] !== prev) err(`list ${l}: last is ${f.listLast[l]} but walk ends at ${prev}`);
    if (f.listLen[l] !== n) err(`list ${l}: length ${f.listLen[l]} but ${n} blocks`);
  }

  // Every frame in exactly one place, zone by zone. The frame walk reads every
  // frame of memory (1M for 4 GiB): arrays and constants are locals, as V8
  // reloads object fields and module bindings inside such a loop.
  const list = f.list;
  const orderOf = f.order;
  const locTail = LOC_TAIL;
  const locAllocated = LOC_ALLOCATED;
  const maxOrder = MAX_PAGE_ORDER;
  for (const zone of alloc.zones) {
    let freePages = 0;
    const zoneEnd = zone.endPfn;
    for (let p = zone.startPfn; p < zoneEnd; ) {
      const l = list[p]!;
      if (l === locTail) {
        if (err(`zone ${zone.name}: frame ${p} is in no place (a tail frame outside any block)`)) return errors;
        p++;
        continue;
      }
      const o = orderOf[p]!;
      if (o > maxOrder) err(`frame ${p}: order ${o}`);
      if (p % (1 << o) !== 0) err(`frame ${p}: block of order ${o} not aligned`);
      if (p + (1 << o) > zoneEnd) err(`frame ${p}: block of order ${o} runs past zone ${zone.name}`);
      const blockEnd = Math.min(p + (1 << o), zoneEnd);
      let q = p + 1;
      while (q < blockEnd && list[q] === locTail) q++;
      if (q < blockEnd) err(`frame ${q} is inside block ${p} (order ${o}) and also in place ${list[q]}`);
      if (l !== locAllocated) {
        if (l < 0 || l >= f.listCount) err(`frame ${p}: bad list ${l}`);
        if (alloc.buddy.isBuddyList(l)) {
          const rel = l - zone.buddyListBase;
          if (rel < 0 || rel >= NR_PAGE_ORDERS * MIGRATE_TYPES) err(`frame ${p}: on another zone's free list`);
          else if (((rel / MIGRATE_TYPES) | 0) !== o) err(`frame ${p}: order ${o} on the free list of order ${(rel / MIGRATE_TYPES) | 0}`);
          freePages += 1 << o;
          if (o < MAX_PAGE_ORDER) {
            const b = p ^ (1 << o);
            if (b >= zone.startPfn && b + (1 << o) <= zone.endPfn && alloc.buddy.isBuddyList(f.list[b]!) && f.order[b] === o) {
              err(`frames ${p} and ${b}: free buddies of order ${o} not merged`);
            }
          }
        } else if (!alloc.pcp.isPcpList(l) && !reserves.some((r) => r.owns(l))) {
          err(`frame ${p}: on list ${l}, which is no buddy list, pcplist or reserve`);
        }
      }
      p += 1 << o;
    }
    if (freePages !== zone.nrFree) err(`zone ${zone.name}: nrFree ${zone.nrFree} but ${freePages} pages on its free lists`);
  }

  // The buddy's below-watermark counts (watchWatermarks) match the zones.
  let belowLow = 0;
  let belowMin = 0;
  for (const zone of alloc.zones) {
    if (zone.nrFree < zone.watchLow) belowLow++;
    if (zone.nrFree < zone.watchMin) belowMin++;
  }
  if (belowLow !== alloc.buddy.zonesBelowLow) err(`buddy: zonesBelowLow ${alloc.buddy.zonesBelowLow} but ${belowLow} zones below their watched low watermark`);
  if (belowMin !== alloc.buddy.zonesBelowMin) err(`buddy: zonesBelowMin ${alloc.buddy.zonesBelowMin} but ${belowMin} zones below their watched min watermark`);

  // pcp->count matches the lists.
  const pcp = alloc.pcp;
  for (let i = 0; i < pcp.count.length; i++) {
    let pages = 0;
    for (let k = 0; k < pcp.nrPcpLists; k++) {
      const order = (k / 3) | 0;
      pages += f.listLen[pcp.list(i, k)]! << order;
    }
    if (pages !== pcp.count[i]) err(`pcp ${i}: count ${pcp.count[i]} but ${pages} pages on its lists`);
  }
  for (const r of reserves) {
    let pages = 0;
    for (let c = 0; c < r.cpus; c++) pages += r.count(c);
    if (pages !== r.pages) err(`reserve ${r.name}: pages ${r.pages} but ${pages} on its lists`);
  }
  return errors;
}
