/**
 * Writes the reports of a results object (harness/report): index.html,
 * summary.txt and details.txt; returns their paths and the summary's text,
 * which is what the terminal gets (never the details).
 */
import type { Results } from '../results/schema.ts';
import { renderTextSummary, writeReports } from '../report/index.ts';

export async function writeReportsFor(results: Results, reportsDir: string): Promise<{ html: string; text: string; details: string; textContent: string }> {
  const paths = await writeReports(results, reportsDir, { command: results.command });
  return { ...paths, textContent: renderTextSummary(results) };
}
