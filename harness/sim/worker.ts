/** Worker thread: runs the jobs it is sent, one at a time, and posts each outcome back. */
import { parentPort } from 'node:worker_threads';
import { runJob, type JobSpec } from './job.ts';

const port = parentPort;
if (port) {
  port.on('message', (msg: { job: JobSpec; progress: SharedArrayBuffer } | null) => {
    if (msg === null) {
      port.close();
      return;
    }
    void runJob(msg.job, new Float64Array(msg.progress)).then((outcome) => port.postMessage(outcome));
  });
}
