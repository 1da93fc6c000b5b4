/** runs.csv: one row per run, the metrics as columns (csv-stringify). */
import { stringify } from 'csv-stringify/sync';
import { METRIC_NAMES } from '../metrics/metric-defs.ts';
import type { RunRow } from './schema.ts';

const COLUMNS = ['strategy', 'scenario', 'variant', 'seed', 'profile', 'workloadHash', ...METRIC_NAMES];

function cells(r: RunRow): unknown[] {
  return [r.strategy, r.scenario, r.variant, r.seed, r.profile, r.workloadHash, ...METRIC_NAMES.map((m) => (r.metrics as Record<string, number>)[m])];
}

export function runsToCsv(runs: readonly RunRow[]): string {
  return stringify(runs.map(cells), { header: true, columns: COLUMNS });
}

/** The same CSV, written row by row (for a results file of many runs). */
export function writeRunsCsv(runs: Iterable<RunRow>, write: (piece: string) => void): void {
  write(stringify([], { header: true, columns: COLUMNS }));
  for (const r of runs) write(stringify([cells(r)]));
}
