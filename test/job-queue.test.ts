import { describe, expect, it } from 'vitest';
import { AffinityQueue } from '../harness/sim/job-queue.ts';

interface Job {
  readonly index: number;
  readonly stream: string;
}

/** A compare's plan order: scenario, then strategy, then seed (as compare.ts plans it). */
function plan(scenarios: number, strategies: number, seeds: number): Job[] {
  const jobs: Job[] = [];
  for (let sc = 0; sc < scenarios; sc++) for (let st = 0; st < strategies; st++) for (let seed = 1; seed <= seeds; seed++) jobs.push({ index: jobs.length, stream: `${sc}/${seed}` });
  return jobs;
}

/** Workers taking jobs as they finish (job i lasts durations[i]); returns who ran what, in order. */
function drain(q: AffinityQueue<Job>, workers: number, duration: (j: Job) => number): { worker: number; job: Job }[] {
  const freeAt = new Array<number>(workers).fill(0);
  const out: { worker: number; job: Job }[] = [];
  for (;;) {
    let w = 0;
    for (let i = 1; i < workers; i++) if (freeAt[i]! < freeAt[w]!) w = i;
    const job = q.take(w);
    if (job === undefined) return out;
    out.push({ worker: w, job });
    freeAt[w]! += duration(job);
  }
}

/** Streams generated: distinct (worker, stream) pairs. */
function generations(ran: { worker: number; job: Job }[]): number {
  return new Set(ran.map((r) => `${r.worker}|${r.job.stream}`)).size;
}

describe('AffinityQueue: jobs by stream affinity', () => {
  it('hands out every job exactly once, and in plan order within a stream', () => {
    const jobs = plan(10, 7, 5);
    const q = new AffinityQueue(jobs, (j) => j.stream);
    const ran = drain(q, 2, (j) => 1 + (j.index % 3));
    expect(ran.map((r) => r.job.index).sort((a, b) => a - b)).toEqual(jobs.map((j) => j.index));
    expect(q.remaining).toBe(0);
    const lastOf = new Map<string, number>();
    for (const { job } of ran) {
      expect(job.index).toBeGreaterThan(lastOf.get(job.stream) ?? -1);
      lastOf.set(job.stream, job.index);
    }
  });

  it('generates each stream about once, where plan order generates most of them on both workers', () => {
    const jobs = plan(10, 7, 5); // the default matrix: 50 streams, 350 jobs
    const ran = drain(new AffinityQueue(jobs, (j) => j.stream), 2, (j) => 1 + ((j.index * 7) % 5));
    // One generation per stream, plus at most a few streams shared at the very end.
    expect(generations(ran)).toBeLessThanOrEqual(52);
    // The same plan handed out in order (each job its own group) shows what this saves.
    const inOrder = drain(new AffinityQueue(jobs, (j) => String(j.index)), 2, (j) => 1 + ((j.index * 7) % 5));
    expect(inOrder.map((r) => r.job.index)).toEqual(jobs.map((j) => j.index));
    expect(generations(inOrder)).toBeGreaterThan(90);
  });

  it('never leaves a worker idle while jobs remain: the last stream is shared', () => {
    const jobs = plan(1, 7, 1); // one stream, seven strategies
    const q = new AffinityQueue(jobs, (j) => j.stream);
    const ran = drain(q, 2, () => 1);
    expect(ran.filter((r) => r.worker === 0).length).toBe(4);
    expect(ran.filter((r) => r.worker === 1).length).toBe(3);
  });

  it('steals from the stream with the most jobs left', () => {
    const jobs = [...plan(1, 2, 1), ...plan(1, 5, 1).map((j) => ({ index: j.index + 2, stream: 'big' }))];
    const q = new AffinityQueue(jobs, (j) => j.stream);
    expect(q.take(0)!.stream).toBe('0/1');
    expect(q.take(1)!.stream).toBe('big');
    expect(q.take(0)!.stream).toBe('0/1');
    // Worker 0's stream is done and no stream is fresh: it joins 'big'.
    expect(q.take(0)!.stream).toBe('big');
    expect(q.take(2)!.stream).toBe('big');
    expect(q.remaining).toBe(2);
  });

  it('forget(): a replaced worker\'s streams go to the next worker as fresh ones', () => {
    const jobs = plan(2, 3, 1);
    const q = new AffinityQueue(jobs, (j) => j.stream);
    expect(q.take(0)!.stream).toBe('0/1');
    expect(q.take(1)!.stream).toBe('1/1');
    q.forget(0);
    // Worker 2 replaces worker 0: stream 0/1 is held by no one, so it is fresh, ahead of a steal.
    expect(q.take(2)!.stream).toBe('0/1');
    expect(q.take(1)!.stream).toBe('1/1');
  });
});
