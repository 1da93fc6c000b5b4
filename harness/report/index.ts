/**
 * Reports of a run: `reports/<run-id>/index.html` (self-contained, charts as
 * inline SVG) and `reports/<run-id>/summary.txt` (80 columns, for email).
 * Called by `npm run compare` after a run and by `npm run report` (rebuild.ts)
 * from a stored results.json.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Results } from '../results/schema.ts';
import { InputError } from '../errors.ts';
import { writeFileAtomic } from '../results/atomic-write.ts';
import { renderHtml, renderHtmlDetailed } from './html.ts';
import { renderTextSummary } from './text-summary.ts';

export { renderHtml, renderHtmlDetailed, renderTextSummary };
export { escapeHtml } from './escape.ts';

export interface WriteReportsOptions {
  /** The command line that is writing the reports (shown when it differs from results.command). */
  readonly command: string;
}

/** A run id is used as a directory name: refuse anything that could leave reportsDir. */
function checkRunId(runId: string): void {
  if (runId === '' || runId === '.' || runId === '..' || /[/\\\0]/.test(runId)) {
    throw new InputError({ file: 'results.json', where: 'runId', expected: 'a run id usable as a directory name (no "/", "\\", "." or "..")', found: JSON.stringify(runId) });
  }
}

/**
 * Renders both reports and writes them to `<reportsDir>/<runId>/`. Returns the
 * paths written. Both are rendered before either is written, so a rendering
 * error leaves the previous reports in place.
 */
export async function writeReports(results: Results, reportsDir: string, opts: WriteReportsOptions): Promise<{ html: string; text: string }> {
  checkRunId(results.runId);
  const text = renderTextSummary(results, { reportCommand: opts.command });
  const page = await renderHtml(results, { reportCommand: opts.command });
  const dir = join(reportsDir, results.runId);
  mkdirSync(dir, { recursive: true });
  const htmlPath = join(dir, 'index.html');
  const textPath = join(dir, 'summary.txt');
  writeFileAtomic(htmlPath, page);
  writeFileAtomic(textPath, text);
  return { html: htmlPath, text: textPath };
}
