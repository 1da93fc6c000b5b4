import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../harness/core/event-queue.ts';

type Ran = [kind: string, cpu: number, arg: number, time: number];

function recordingQueue() {
  const q = new EventQueue();
  const ran: Ran[] = [];
  const a = q.register('a', (cpu, arg, time) => ran.push(['a', cpu, arg, time]));
  const b = q.register('b', (cpu, arg, time) => ran.push(['b', cpu, arg, time]));
  return { q, ran, a, b };
}

describe('EventQueue (deferred work in virtual time)', () => {
  it('is empty at first', () => {
    const { q } = recordingQueue();
    expect(q.length).toBe(0);
    expect(q.peekTime()).toBe(Infinity);
    expect(q.runNext()).toBe(false);
    expect(q.popped).toBe(0);
  });

  it('runs entries in time order and hands each handler its cpu, arg and time', () => {
    const { q, ran, a, b } = recordingQueue();
    q.push(300, a, 2, 30);
    q.push(100, b, 0, 10);
    q.push(200, a, 1, 20);
    expect(q.length).toBe(3);
    expect(q.peekTime()).toBe(100);
    while (q.runNext());
    expect(ran).toEqual([
      ['b', 0, 10, 100],
      ['a', 1, 20, 200],
      ['a', 2, 30, 300],
    ]);
    expect(q.popped).toBe(3);
    expect(q.length).toBe(0);
  });

  it('runs entries with equal times in the order they were pushed', () => {
    const { q, ran, a, b } = recordingQueue();
    for (let i = 0; i < 20; i++) q.push(50, i % 2 ? a : b, i, i);
    q.push(10, a, 99, 99);
    while (q.runNext());
    expect(ran.map((r) => r[2])).toEqual([99, ...Array.from({ length: 20 }, (_, i) => i)]);
  });

  it('lets a handler push more work, which runs in its turn', () => {
    const q = new EventQueue();
    const seen: number[] = [];
    const k = q.register('kswapd', (_cpu, arg, time) => {
      seen.push(time);
      if (arg > 0) q.push(time + 10, k, 0, arg - 1);
    });
    const other = q.register('other', (_c, _a, time) => seen.push(-time));
    q.push(0, k, 0, 3);
    q.push(15, other, 0, 0);
    while (q.runNext());
    expect(seen).toEqual([0, 10, -15, 20, 30]);
  });

  it('grows past its initial capacity without losing or reordering entries', () => {
    const { q, ran, a } = recordingQueue();
    const n = 5000;
    for (let i = 0; i < n; i++) q.push((i * 7919) % 1009, a, 0, i);
    expect(q.length).toBe(n);
    while (q.runNext());
    expect(ran).toHaveLength(n);
    for (let i = 1; i < n; i++) {
      const [, , argPrev, tPrev] = ran[i - 1]!;
      const [, , arg, t] = ran[i]!;
      expect(t > tPrev || (t === tPrev && arg > argPrev)).toBe(true);
    }
  });

  it('names its handlers', () => {
    const { q, a, b } = recordingQueue();
    expect(q.handlerName(a)).toBe('a');
    expect(q.handlerName(b)).toBe('b');
    expect(q.handlerName(7)).toBe('#7');
  });

  it('property: any interleaving of pushes and pops yields (time, push order) order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ push: fc.integer({ min: 0, max: 50 }) }), fc.constant({ pop: true as const })), { maxLength: 400 }),
        (ops) => {
          const q = new EventQueue();
          const out: [number, number][] = [];
          const k = q.register('x', (_c, arg, time) => out.push([time, arg]));
          // Reference: a sorted array of pending (time, seq).
          const pending: [number, number][] = [];
          let seq = 0;
          let now = 0;
          for (const op of ops) {
            if ('push' in op) {
              // Deferred work is never scheduled in the past of what already ran.
              const t = now + op.push;
              q.push(t, k, 0, seq);
              pending.push([t, seq++]);
            } else {
              pending.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
              const want = pending.shift();
              expect(q.runNext()).toBe(want !== undefined);
              if (want) {
                expect(out.at(-1)).toEqual(want);
                now = want[0];
              }
            }
            expect(q.length).toBe(pending.length);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
