/** runs.csv: one row per run, the metrics as columns (csv-stringify). */
import { stringify } from 'csv-stringify/sync';
import { METRIC_NAMES } from '../metrics/metric-defs.ts';
import type { RunRow } from './schema.ts';

export function runsToCsv(runs: readonly RunRow[]): string {
  const columns = ['strategy', 'scenario', 'variant', 'seed', 'profile', 'workloadHash', ...METRIC_NAMES];
  const rows = runs.map((r) => [r.strategy, r.scenario, r.variant, r.seed, r.profile, r.workloadHash, ...METRIC_NAMES.map((m) => (r.metrics as Record<string, number>)[m])]);
  return stringify(rows, { header: true, columns });
}
