/**
 * The order a pool hands out its jobs: by stream affinity. Every strategy of a
 * matrix runs the same (scenario, seed) event stream, which a worker generates
 * once and replays from its cache (stream-cache.ts). Handed out in plan order,
 * the two workers of a 2-core machine would each take about half the seeds of
 * every strategy and so both generate nearly every stream. Here a worker keeps
 * to the streams it already holds, and to the scenarios it has already run:
 *
 *  1. the next job of a stream this worker has generated;
 *  2. else the next job of a stream no worker has started, of a group (a
 *     scenario) this worker has run before;
 *  3. else of a group no worker has started (the group becomes this worker's);
 *  4. else of any group;
 *  5. else (the end of the matrix, every stream started) a job of the stream
 *     with the most jobs left, so an idle worker never waits while work
 *     remains; it generates that stream too and shares it from then on.
 *
 * Groups matter to V8 more than to the model: a worker thread that runs the
 * seeds of a few scenarios, rather than some seeds of every scenario, meets
 * fewer new code paths, so its JIT throws away and recompiles less of the hot
 * loop (each new scenario brings paths with no type feedback yet).
 *
 * Within a stream, jobs leave in plan order. The results do not depend on the
 * order (the caller indexes outcomes by job); only the generation work does.
 */
export class AffinityQueue<J> {
  /** Pending jobs per stream, in plan order; streams in order of their first job. */
  private readonly pending = new Map<string, J[]>();
  /** Workers holding each stream. */
  private readonly holders = new Map<string, Set<number>>();
  /** The group of each stream, and the groups each worker has taken a job of. */
  private readonly groupOfStream = new Map<string, string>();
  private readonly groupsOf = new Map<number, Set<string>>();
  /** Groups some worker has taken a job of. */
  private readonly startedGroups = new Set<string>();
  private left: number;

  /** `groupOf` (default: the stream itself) must give every job of a stream the same group. */
  constructor(jobs: readonly J[], streamOf: (job: J) => string, groupOf: (job: J) => string = streamOf) {
    for (const job of jobs) {
      const key = streamOf(job);
      const list = this.pending.get(key);
      if (list === undefined) {
        this.pending.set(key, [job]);
        this.groupOfStream.set(key, groupOf(job));
      } else list.push(job);
    }
    this.left = jobs.length;
  }

  /** Jobs not handed out yet. */
  get remaining(): number {
    return this.left;
  }

  /** The next job for `worker`, undefined when none is left. */
  take(worker: number): J | undefined {
    if (this.left === 0) return undefined;
    const mine = this.groupsOf.get(worker);
    let freshMine: string | null = null;
    let freshNew: string | null = null;
    let fresh: string | null = null;
    let busiest: string | null = null;
    let busiestLeft = 0;
    // A stream leaves `pending` with its last job (shift), so every list here has one.
    for (const [key, list] of this.pending) {
      const holders = this.holders.get(key);
      if (holders === undefined || holders.size === 0) {
        const group = this.groupOfStream.get(key)!;
        if (mine?.has(group)) freshMine ??= key;
        else if (!this.startedGroups.has(group)) freshNew ??= key;
        fresh ??= key;
        continue;
      }
      if (holders.has(worker)) return this.shift(key, worker);
      if (list.length > busiestLeft) {
        busiest = key;
        busiestLeft = list.length;
      }
    }
    const key = freshMine ?? freshNew ?? fresh ?? busiest;
    return key === null ? undefined : this.shift(key, worker);
  }

  /** A worker is gone (its thread was replaced): the streams it held are held by no one through it. */
  forget(worker: number): void {
    for (const holders of this.holders.values()) holders.delete(worker);
    this.groupsOf.delete(worker);
  }

  private shift(key: string, worker: number): J {
    const list = this.pending.get(key)!;
    const job = list.shift()!;
    if (list.length === 0) this.pending.delete(key);
    let holders = this.holders.get(key);
    if (holders === undefined) this.holders.set(key, (holders = new Set()));
    holders.add(worker);
    const group = this.groupOfStream.get(key)!;
    let groups = this.groupsOf.get(worker);
    if (groups === undefined) this.groupsOf.set(worker, (groups = new Set()));
    groups.add(group);
    this.startedGroups.add(group);
    this.left--;
    return job;
  }
}
