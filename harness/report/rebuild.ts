/**
 * `npm run report -- <results.json>`: rebuilds the reports of a stored run.
 * The file is read with readResults, so a missing, corrupt or foreign file is
 * one InputError (exit code 2 in the CLI) naming the file and the field.
 */
import { readResults } from '../results/schema.ts';
import { writeReports } from './index.ts';

export interface RebuildResult {
  readonly runId: string;
  readonly html: string;
  readonly text: string;
  readonly details: string;
}

export async function rebuildReports(resultsPath: string, reportsDir: string, opts: { command?: string } = {}): Promise<RebuildResult> {
  const results = readResults(resultsPath);
  const command = opts.command ?? `npm run report -- ${resultsPath}`;
  const paths = await writeReports(results, reportsDir, { command });
  return { runId: results.runId, ...paths };
}
