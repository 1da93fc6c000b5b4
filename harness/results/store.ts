/**
 * The results store: results/<run-id>/results.json and runs.csv, each written
 * atomically (a reader sees the old file or the whole new one, never half).
 */
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';
import { runsToCsv } from './csv.ts';
import type { Results } from './schema.ts';

export interface StoredPaths {
  readonly dir: string;
  readonly json: string;
  readonly csv: string;
}

export function storeResults(results: Results, resultsDir: string): StoredPaths {
  const dir = join(resultsDir, results.runId);
  const json = join(dir, 'results.json');
  const csv = join(dir, 'runs.csv');
  writeFileAtomic(csv, runsToCsv(results.runs));
  writeFileAtomic(json, `${JSON.stringify(results, null, 1)}\n`);
  return { dir, json, csv };
}

/** A run id from the time: 2026-11-25T07-12-03Z (sortable, safe in paths). */
export function newRunId(now = new Date()): string {
  return now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}
