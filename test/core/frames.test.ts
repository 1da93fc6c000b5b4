import { describe, expect, it } from 'vitest';
import { FrameTable, LOC_TAIL, NIL } from '../../harness/core/frames.ts';

/** The pfns of list `l`, head to tail, walking next[]; checks prev[] on the way. */
function walk(f: FrameTable, l: number): number[] {
  const out: number[] = [];
  let prev = NIL;
  for (let p = f.listFirst[l]!; p !== NIL; p = f.next[p]!) {
    expect(f.prev[p]).toBe(prev);
    expect(f.list[p]).toBe(l);
    out.push(p);
    prev = p;
  }
  expect(f.listLast[l]).toBe(prev);
  expect(f.listLen[l]).toBe(out.length);
  return out;
}

describe('FrameTable (struct page as a struct of arrays, page->lru as intrusive lists)', () => {
  it('starts with every frame in no place and every list empty', () => {
    const f = new FrameTable(16);
    expect([...f.list]).toEqual(new Array(16).fill(LOC_TAIL));
    const l = f.createLists(2);
    expect(l).toBe(0);
    expect(f.listFirst[l]).toBe(NIL);
    expect(f.listLast[l]).toBe(NIL);
    expect(f.popHead(l)).toBe(NIL);
    expect(f.popTail(l)).toBe(NIL);
  });

  it('list_add puts a frame at the head, list_add_tail at the tail', () => {
    const f = new FrameTable(16);
    const l = f.createLists(1);
    f.addHead(l, 3);
    f.addHead(l, 5);
    f.addTail(l, 7);
    f.addHead(l, 1);
    expect(walk(f, l)).toEqual([1, 5, 3, 7]);
  });

  it('popHead takes the hot end and popTail the cold end, leaving the frame in no place', () => {
    const f = new FrameTable(16);
    const l = f.createLists(1);
    for (const p of [2, 4, 6, 8]) f.addTail(l, p);
    expect(f.popHead(l)).toBe(2);
    expect(f.list[2]).toBe(LOC_TAIL);
    expect(f.popTail(l)).toBe(8);
    expect(f.list[8]).toBe(LOC_TAIL);
    expect(walk(f, l)).toEqual([4, 6]);
    expect(f.popHead(l)).toBe(4);
    expect(f.popHead(l)).toBe(6);
    expect(walk(f, l)).toEqual([]);
    expect(f.popHead(l)).toBe(NIL);
  });

  it('list_del unlinks from the head, the middle and the tail of whichever list holds the frame', () => {
    const f = new FrameTable(32);
    const a = f.createLists(2);
    const b = a + 1;
    for (const p of [10, 11, 12, 13, 14]) f.addTail(a, p);
    f.addTail(b, 20);
    f.del(12);
    expect(walk(f, a)).toEqual([10, 11, 13, 14]);
    f.del(10);
    expect(walk(f, a)).toEqual([11, 13, 14]);
    f.del(14);
    expect(walk(f, a)).toEqual([11, 13]);
    f.del(20);
    expect(walk(f, b)).toEqual([]);
    expect(f.list[20]).toBe(LOC_TAIL);
    // A frame moves between lists by del + add.
    f.del(13);
    f.addHead(b, 13);
    expect(walk(f, a)).toEqual([11]);
    expect(walk(f, b)).toEqual([13]);
  });

  it('reset() gives back the state of a new table, lists and frames alike', () => {
    const used = new FrameTable(64, 4);
    const fresh = new FrameTable(64, 4);
    const l = used.createLists(300);
    for (const p of [3, 9, 17, 40]) used.addHead(l + (p % 7), p);
    used.order[9] = 5;
    used.allocMigratetype[40] = 2;
    used.del(17);
    used.reset();
    expect(used.listCount).toBe(0);
    // next/prev are read only on a list (written by addHead/addTail), so reset() leaves them.
    for (const k of ['list', 'order', 'allocMigratetype'] as const) expect(Array.from(used[k]), k).toEqual(Array.from(fresh[k]));
    // The list arrays keep the capacity they grew to, all empty.
    expect(used.listFirst.every((v) => v === NIL)).toBe(true);
    expect(used.listLast.every((v) => v === NIL)).toBe(true);
    expect(used.listLen.every((v) => v === 0)).toBe(true);
    expect(used.createLists(2)).toBe(0);
    expect(walk(used, 0)).toEqual([]);
    expect(walk(used, 1)).toEqual([]);
  });

  it('hands out consecutive list ids and keeps existing lists when the list arrays grow', () => {
    const f = new FrameTable(1024, 4);
    const first = f.createLists(3);
    expect(first).toBe(0);
    f.addTail(2, 100);
    f.addTail(2, 101);
    const more = f.createLists(300);
    expect(more).toBe(3);
    expect(f.listCount).toBe(303);
    expect(f.listFirst.length).toBeGreaterThanOrEqual(303);
    expect(walk(f, 2)).toEqual([100, 101]);
    for (let l = 3; l < 303; l++) expect(walk(f, l)).toEqual([]);
    f.addHead(302, 7);
    expect(walk(f, 302)).toEqual([7]);
  });
});
