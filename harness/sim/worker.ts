/** Worker thread: runs the jobs it is sent, one at a time, and posts each outcome back. */
import { parentPort } from 'node:worker_threads';
import { runJob, type JobSpec } from './job.ts';

const port = parentPort;
if (port) {
  port.on('message', (job: JobSpec | null) => {
    if (job === null) {
      port.close();
      return;
    }
    void runJob(job).then((outcome) => port.postMessage(outcome));
  });
}
