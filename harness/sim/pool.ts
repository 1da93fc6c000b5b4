/**
 * Runs jobs on N worker threads (or inline when N is 1), handing each worker
 * its next job as soon as it reports the previous one. Outcomes arrive in
 * completion order; callers index them by job.index. stop() lets running jobs
 * finish and starts no new one (Ctrl-C).
 */
import { Worker } from 'node:worker_threads';
import { runJob, type JobOutcome, type JobSpec } from './job.ts';

export interface PoolHandle {
  readonly done: Promise<void>;
  stop(): void;
}

export function runPool(jobs: readonly JobSpec[], threads: number, onOutcome: (o: JobOutcome) => void): PoolHandle {
  let next = 0;
  let stopped = false;
  const stop = (): void => {
    stopped = true;
  };
  if (threads <= 1) {
    const done = (async () => {
      while (next < jobs.length && !stopped) {
        onOutcome(await runJob(jobs[next++]!));
        await new Promise((r) => setImmediate(r));
      }
    })();
    return { done, stop };
  }
  const done = new Promise<void>((resolve, reject) => {
    let alive = Math.min(threads, jobs.length);
    if (alive === 0) resolve();
    for (let w = 0; w < Math.min(threads, jobs.length); w++) {
      const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url));
      const feed = (): void => {
        if (stopped || next >= jobs.length) {
          void worker.terminate();
          return;
        }
        worker.postMessage(jobs[next++]);
      };
      worker.on('message', (o: JobOutcome) => {
        onOutcome(o);
        feed();
      });
      worker.on('error', (e) => reject(e));
      worker.on('exit', () => {
        if (--alive === 0) resolve();
      });
      feed();
    }
  });
  return { done, stop };
}
