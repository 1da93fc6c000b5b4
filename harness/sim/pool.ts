/**
 * Runs jobs on N worker threads, handing each worker its next job as soon as it
 * reports the previous one, preferring a job whose event stream the worker
 * already holds, then one of a scenario it has run (job-queue.ts). Outcomes
 * arrive in completion order; callers index them by job.index. stop() lets
 * running jobs finish and starts no new one (Ctrl-C).
 *
 * A run never takes the matrix down with it: the simulator fails a run that
 * throws, breaks an invariant or passes its limits (RunFailure), and the pool
 * covers what the simulator cannot see from inside: a strategy stuck in a loop
 * that never returns to the event loop (the worker is terminated once the job
 * is WATCHDOG_GRACE_MS past its wall-time limit) and a worker that dies (past
 * its heap limit, a crash). Either way that job gets an error outcome, a fresh worker
 * takes the next job, and the other runs complete.
 */
import { Worker } from 'node:worker_threads';
import { jobScenarioKey, jobStreamKey, type JobOutcome, type JobSpec } from './job.ts';
import { AffinityQueue } from './job-queue.ts';

export interface PoolHandle {
  readonly done: Promise<void>;
  stop(): void;
}

/** How long past its wall-time limit a job may go before its worker is terminated. */
export const WATCHDOG_GRACE_MS = 2000;

function describeJob(job: JobSpec): string {
  const scen = job.scenario.kind === 'builtin' ? job.scenario.name : job.scenario.path;
  return `${job.strategy} x ${scen}${job.variant ? ` [${job.variant}]` : ''} seed ${job.seed}`;
}

export interface PoolOptions {
  /** Heap limit of each worker thread (MiB, V8 old generation); a run that needs more fails alone. 0: V8's default. */
  readonly heapLimitMb?: number;
}

export function runPool(jobs: readonly JobSpec[], threads: number, onOutcome: (o: JobOutcome) => void, opts: PoolOptions = {}): PoolHandle {
  const queue = new AffinityQueue(jobs, jobStreamKey, jobScenarioKey);
  let workers = 0;
  let stopped = false;
  const stop = (): void => {
    stopped = true;
  };
  const done = new Promise<void>((resolve) => {
    let alive = 0;
    const startWorker = (): void => {
      alive++;
      const id = workers++;
      const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), opts.heapLimitMb ? { resourceLimits: { maxOldGenerationSizeMb: opts.heapLimitMb } } : {});
      let current: JobSpec | null = null;
      // The run's virtual time (ns), written by the simulator as it goes.
      const progressBuffer = new SharedArrayBuffer(8);
      const progress = new Float64Array(progressBuffer);
      let watchdog: NodeJS.Timeout | null = null;
      let finished = false;
      const clearWatchdog = (): void => {
        if (watchdog !== null) clearTimeout(watchdog);
        watchdog = null;
      };
      // The current job failed outside the simulator: report it, replace the worker.
      const abandon = (why: string): void => {
        if (finished) return;
        finished = true;
        clearWatchdog();
        const job = current;
        current = null;
        if (job !== null) onOutcome({ index: job.index, error: `${describeJob(job)}: ${why}` });
        void worker.terminate();
        queue.forget(id);
        if (!stopped && queue.remaining > 0) startWorker();
      };
      const feed = (): void => {
        const job = stopped ? undefined : queue.take(id);
        if (job === undefined) {
          finished = true;
          void worker.terminate();
          return;
        }
        current = job;
        if (job.wallLimitMs > 0) {
          watchdog = setTimeout(
            () => abandon(`stuck at ${(progress[0]! / 1e6).toFixed(3)} ms virtual: wall-time limit of ${job.wallLimitMs} ms reached and the run did not return (a loop that never yields?); its worker thread was terminated`),
            job.wallLimitMs + WATCHDOG_GRACE_MS,
          );
        }
        progress[0] = 0;
        worker.postMessage({ job, progress: progressBuffer });
      };
      worker.on('message', (o: JobOutcome) => {
        if (finished) return;
        clearWatchdog();
        current = null;
        onOutcome(o);
        feed();
      });
      worker.on('error', (e) => abandon(`the worker thread died: ${e.message}`));
      worker.on('exit', (code) => {
        if (current !== null) abandon(`the worker thread exited (code ${code})`);
        if (--alive === 0) resolve();
      });
      feed();
    };
    const n = Math.min(threads, jobs.length);
    if (n === 0) resolve();
    for (let w = 0; w < n; w++) startWorker();
  });
  return { done, stop };
}
