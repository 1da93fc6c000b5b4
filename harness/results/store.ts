/**
 * The results store: results/<run-id>/results.json and runs.csv, each written
 * atomically (a reader sees the old file or the whole new one, never half).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, describeFound } from '../errors.ts';
import { writeFileAtomicStreaming } from './atomic-write.ts';
import { writeRunsCsv } from './csv.ts';
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
  writeFileAtomicStreaming(csv, (write) => writeRunsCsv(results.runs, write));
  writeFileAtomicStreaming(json, (write) => writeResultsJson(results, write));
  return { dir, json, csv };
}

/** Arrays written one element per line, so a file of thousands of runs is never one string in memory. */
const STREAMED_ARRAYS = new Set(['runs', 'failedRuns', 'summary', 'timelines']);

/** results.json, piece by piece: the same JSON as JSON.stringify(results), one run per line. */
export function writeResultsJson(results: Results, write: (piece: string) => void): void {
  write('{');
  let first = true;
  for (const [key, value] of Object.entries(results)) {
    if (value === undefined) continue;
    write(`${first ? '' : ','}\n ${JSON.stringify(key)}: `);
    first = false;
    if (STREAMED_ARRAYS.has(key) && Array.isArray(value)) {
      write('[');
      value.forEach((item, i) => write(`${i === 0 ? '' : ','}\n  ${JSON.stringify(item)}`));
      write(value.length > 0 ? '\n ]' : ']');
    } else {
      write(JSON.stringify(value));
    }
  }
  write('\n}\n');
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Claims results/<run-id>/ for a new run before anything runs, so two compares
 * started at once into the same results directory never write into one
 * directory: mkdir without `recursive` fails when the directory exists, and
 * only one process can create it. A time-based id that is taken gets a suffix
 * (-2, -3, ...); a --run-id that is taken is an InputError (stored runs are
 * never overwritten).
 */
export function claimRunId(resultsDir: string, requested: string | undefined, now = new Date()): string {
  if (requested !== undefined) checkRunId(requested);
  mkdirSync(resultsDir, { recursive: true });
  const base = requested ?? newRunId(now);
  for (let i = 1; ; i++) {
    const id = i === 1 ? base : `${base}-${i}`;
    try {
      mkdirSync(join(resultsDir, id));
      return id;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (requested !== undefined) {
        throw new InputError({ file: '--run-id', where: 'value', expected: `a run id not used yet in ${resultsDir} (stored runs are never overwritten)`, found: `${JSON.stringify(requested)}, which exists` });
      }
    }
  }
}

/** A --run-id: an InputError unless it is letters, digits, ".", "_" or "-" (checked again when claimed). */
export function checkRunId(id: string): void {
  if (!RUN_ID.test(id)) throw new InputError({ file: '--run-id', where: 'value', expected: 'letters, digits, ".", "_" or "-" (at most 128), not starting with "." or "-"', found: describeFound(id) });
}

/** A run id from the time: 2026-11-25T07-12-03Z (sortable, safe in paths). */
export function newRunId(now = new Date()): string {
  return now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}
