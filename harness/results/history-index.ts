/**
 * results/index.jsonl: one line per stored run, appended with a single
 * O_APPEND write (atomic for a line this size on a local file system, so two
 * compares finishing at once both land whole). Read back tolerantly: a line
 * that does not parse is skipped and reported.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Results } from './schema.ts';

export interface IndexEntry {
  runId: string;
  createdAt: string;
  gitCommit: string | null;
  gitDirty: boolean | null;
  quick: boolean;
  strategies: string[];
  scenarios: string[];
  seeds: number[];
  /** Path of results.json, relative to the results directory. */
  path: string;
  runs: number;
  failedRuns: number;
}

export function indexPath(resultsDir: string): string {
  return join(resultsDir, 'index.jsonl');
}

export function appendToIndex(results: Results, resultsDir: string, resultsJson: string): IndexEntry {
  const entry: IndexEntry = {
    runId: results.runId,
    createdAt: results.createdAt,
    gitCommit: results.environment.gitCommit,
    gitDirty: results.environment.gitDirty,
    quick: results.config.quick,
    strategies: results.config.strategies,
    scenarios: results.config.scenarios,
    seeds: results.config.seeds,
    path: relative(resultsDir, resultsJson),
    runs: results.totals.runs,
    failedRuns: results.totals.failedRuns,
  };
  const p = indexPath(resultsDir);
  mkdirSync(dirname(p), { recursive: true });
  appendFileSync(p, `${JSON.stringify(entry)}\n`, { flag: 'a' });
  return entry;
}

export function readIndex(resultsDir: string): { entries: IndexEntry[]; skipped: number[] } {
  const p = indexPath(resultsDir);
  if (!existsSync(p)) return { entries: [], skipped: [] };
  const entries: IndexEntry[] = [];
  const skipped: number[] = [];
  readFileSync(p, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const e = JSON.parse(line) as IndexEntry;
        if (typeof e.runId === 'string' && typeof e.path === 'string') entries.push(e);
        else skipped.push(i + 1);
      } catch {
        skipped.push(i + 1);
      }
    });
  return { entries, skipped };
}
