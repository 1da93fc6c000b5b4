/**
 * The newest lab outcome a compare quotes: the most recently written
 * results/lab/<run-id>/lab.json, else the committed results/baselines/lab.json,
 * else none. A corrupt file is an InputError naming it (never skipped
 * silently: the quote would then name an older lab than the user expects).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { baselinesDir } from '../results/baseline.ts';
import type { LabSummary } from '../results/lab-summary.ts';
import { readLabResult, readLabSummary, summarizeLab } from '../results/lab-result.ts';

export function latestLabSummary(resultsDir: string): LabSummary | undefined {
  let newest: { file: string; mtime: number } | undefined;
  let ids: string[] = [];
  try {
    ids = readdirSync(join(resultsDir, 'lab'));
  } catch {
    ids = [];
  }
  for (const id of ids) {
    const file = join(resultsDir, 'lab', id, 'lab.json');
    try {
      const mtime = statSync(file).mtimeMs;
      if (!newest || mtime > newest.mtime) newest = { file, mtime };
    } catch {
      // a run folder without lab.json: a lab that was never stored
    }
  }
  if (newest) return summarizeLab(readLabResult(newest.file));
  const base = join(baselinesDir(resultsDir), 'lab.json');
  try {
    statSync(base);
  } catch {
    return undefined;
  }
  return readLabSummary(base);
}
