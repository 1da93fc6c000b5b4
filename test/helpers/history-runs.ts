/** Stored runs for history tests: the sample run with its own id, date and commit. */
import { summarize } from '../../harness/analysis/summarize.ts';
import type { Results } from '../../harness/results/schema.ts';
import { makeSampleResults } from './sample-results.ts';

/** The sample run as one stored run of the history (same seeds and values unless `change` changes them; the summary follows the runs). */
export function historySampleRun(runId: string, createdAt: string, commit: string, change?: (r: Results) => void): Results {
  const r = makeSampleResults({ noSweep: true });
  r.runId = runId;
  r.createdAt = createdAt;
  r.environment.gitCommit = commit;
  r.environment.gitDirty = false;
  if (change) {
    change(r);
    r.summary = summarize(r.runs);
  }
  return r;
}
