/**
 * Reports of a run: `reports/<run-id>/index.html` (self-contained, charts as
 * inline SVG), `reports/<run-id>/summary.txt` (80 columns, about 100 lines,
 * for email: the verdict and one compact table per scenario) and
 * `reports/<run-id>/details.txt` (80 columns: every metric, intervals,
 * reasons, glossary, the full regression check).
 * Called by `npm run compare` after a run and by `npm run report` (rebuild.ts)
 * from a stored results.json.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { USABLE_RUN_ID, usableRunId, type Results } from '../results/schema.ts';
import { InputError } from '../errors.ts';
import { writeFileAtomic } from '../results/atomic-write.ts';
import { renderHtml, renderHtmlDetailed } from './html.ts';
import { renderTextDetails } from './details-text.ts';
import { renderTextSummary } from './text-summary.ts';

export { renderHtml, renderHtmlDetailed, renderTextDetails, renderTextSummary };
export { escapeHtml } from './escape.ts';

export interface WriteReportsOptions {
  /** The command line that is writing the reports (shown when it differs from results.command). */
  readonly command: string;
}

/** A run id is used as a directory name: refuse anything that could leave reportsDir (the rule results.json is read with). */
function checkReportDir(runId: string): void {
  if (!usableRunId(runId)) throw new InputError({ file: 'results.json', where: 'runId', expected: USABLE_RUN_ID, found: JSON.stringify(runId) });
}

/**
 * Renders the three reports and writes them to `<reportsDir>/<runId>/`. Returns the
 * paths written. All are rendered before any is written, so a rendering
 * error leaves the previous reports in place.
 */
export async function writeReports(results: Results, reportsDir: string, opts: WriteReportsOptions): Promise<{ html: string; text: string; details: string }> {
  checkReportDir(results.runId);
  const text = renderTextSummary(results, { reportCommand: opts.command });
  const details = renderTextDetails(results, { reportCommand: opts.command });
  const page = await renderHtml(results, { reportCommand: opts.command });
  const dir = join(reportsDir, results.runId);
  mkdirSync(dir, { recursive: true });
  const htmlPath = join(dir, 'index.html');
  const textPath = join(dir, 'summary.txt');
  const detailsPath = join(dir, 'details.txt');
  writeFileAtomic(htmlPath, page);
  writeFileAtomic(textPath, text);
  writeFileAtomic(detailsPath, details);
  return { html: htmlPath, text: textPath, details: detailsPath };
}
