import { describe, expect, it } from 'vitest';
import { AffinityQueue } from '../../harness/sim/job-queue.ts';

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

  it('groups: a worker takes the next stream of a scenario it has run, else a scenario no one has started', () => {
    const group = (j: Job) => j.stream.split('/')[0]!;
    // Scenario 0 has streams 0/1 and 0/2, scenario 1 has 1/1; one job each.
    const jobs = plan(2, 1, 2).filter((j) => j.stream !== '1/2');
    const q = new AffinityQueue(jobs, (j) => j.stream, group);
    expect(q.take(0)!.stream).toBe('0/1');
    // Worker 1 starts scenario 1 rather than the next stream of worker 0's scenario.
    expect(q.take(1)!.stream).toBe('1/1');
    expect(q.take(0)!.stream).toBe('0/2');
    expect(q.take(1)).toBeUndefined();
  });

  it('groups: with nothing fresh in its own or a new scenario, a worker takes a fresh stream of another\'s', () => {
    const group = (j: Job) => j.stream.split('/')[0]!;
    const jobs = plan(1, 1, 3); // one scenario, three streams
    const q = new AffinityQueue(jobs, (j) => j.stream, group);
    expect(q.take(0)!.stream).toBe('0/1');
    expect(q.take(1)!.stream).toBe('0/2');
    expect(q.take(1)!.stream).toBe('0/3');
  });

  it('groups: on the default matrix each worker keeps to about half the scenarios, every job once, each stream generated about once', () => {
    const jobs = plan(10, 7, 5);
    const q = new AffinityQueue(jobs, (j) => j.stream, (j) => j.stream.split('/')[0]!);
    const ran = drain(q, 2, (j) => 1 + ((j.index * 7) % 5));
    expect(ran.map((r) => r.job.index).sort((a, b) => a - b)).toEqual(jobs.map((j) => j.index));
    const scenariosOf = (of: typeof ran, w: number) => new Set(of.filter((r) => r.worker === w).map((r) => r.job.stream.split('/')[0])).size;
    // Without groups both workers run some seeds of all 10 scenarios.
    const ungrouped = drain(new AffinityQueue(jobs, (j) => j.stream), 2, (j) => 1 + ((j.index * 7) % 5));
    expect(scenariosOf(ungrouped, 0)).toBe(10);
    expect(scenariosOf(ran, 0)).toBeLessThanOrEqual(6);
    expect(scenariosOf(ran, 1)).toBeLessThanOrEqual(6);
    expect(generations(ran)).toBeLessThanOrEqual(52);
    // The workers still finish together: neither idles while the other has a stream's worth left.
    const busy = [0, 1].map((w) => ran.filter((r) => r.worker === w).reduce((t, r) => t + 1 + ((r.job.index * 7) % 5), 0));
    expect(Math.abs(busy[0]! - busy[1]!)).toBeLessThanOrEqual(5);
  });

  it('groups: forget() drops a replaced worker\'s scenarios too', () => {
    const group = (j: Job) => j.stream.split('/')[0]!;
    const jobs = plan(2, 1, 2);
    const q = new AffinityQueue(jobs, (j) => j.stream, group);
    expect(q.take(0)!.stream).toBe('0/1');
    expect(q.take(1)!.stream).toBe('1/1');
    q.forget(0);
    // Worker 2 has run nothing: scenario 0 is not its own, and both scenarios are started, so plan order.
    expect(q.take(2)!.stream).toBe('0/2');
  });
});
