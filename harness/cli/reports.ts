/** Writes the HTML and text reports of a results object (harness/report). */
import type { Results } from '../results/schema.ts';
import { renderTextSummary, writeReports } from '../report/index.ts';

export async function writeReportsFor(results: Results, reportsDir: string): Promise<{ html: string; text: string; textContent: string }> {
  const paths = await writeReports(results, reportsDir, { command: results.command });
  return { ...paths, textContent: renderTextSummary(results) };
}
