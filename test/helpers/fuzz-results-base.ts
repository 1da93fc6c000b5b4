/**
 * A small valid results file for the fuzz tests: the committed quick
 * baseline, slimmed (a few runs and summary rows), with one row of each
 * part quick.json leaves empty, so every part of the schema gets mutated.
 */
import { readFileSync } from 'node:fs';
import { clone, isObject, type Json } from './fuzz-json-paths.ts';

const FULL = JSON.parse(readFileSync('results/baselines/quick.json', 'utf8')) as Record<string, Json>;
const STRATEGIES = ['status-quo', 'dedicated-pool'];
const SCENARIOS = ['steady', 'burst'];

/** quick.json with 2 strategies x 2 scenarios, and one row of each optional part (failed runs, timelines, measured, comparison). */
export function slimResults(): Record<string, Json> {
  const b = clone(FULL);
  const cell = (r: Json): boolean => isObject(r) && STRATEGIES.includes(r['strategy'] as string) && SCENARIOS.includes(r['scenario'] as string);
  const config = b['config'] as Record<string, Json>;
  config['strategies'] = STRATEGIES;
  config['scenarios'] = SCENARIOS;
  config['strategyFiles'] = [];
  config['limits'] = { runWallLimitMs: 600000, runHeapLimitMb: 2048, runVirtualLimitMs: 10, checkInvariantsEvery: 262144 };
  b['strategies'] = (b['strategies'] as Json[]).filter((s) => isObject(s) && STRATEGIES.includes(s['name'] as string));
  b['scenarios'] = (b['scenarios'] as Json[]).filter((s) => isObject(s) && SCENARIOS.includes(s['name'] as string));
  b['costTable'] = (b['costTable'] as Json[]).slice(0, 3);
  b['runs'] = (b['runs'] as Json[]).filter(cell);
  b['summary'] = (b['summary'] as Json[]).filter(cell);
  b['failedRuns'] = [{ strategy: 'dedicated-pool', scenario: 'burst', variant: '', seed: 2, error: 'invariant: a page on two lists' }];
  b['timelines'] = [{ strategy: 'status-quo', scenario: 'steady', variant: '', seed: 1, timeMs: [0, 1, 2], freePages: [900, 880, 870], pcpPages: [10, 12, 9], reservedPages: [0, 0, 0], blockPages: [1, 2, 2], locklessFailures: [0, 0, 1], ordinaryFailures: [0, 0, 0], watermarks: { min: 100, low: 125, high: 150 } }];
  b['measured'] = [{ strategy: 'status-quo', task: 'lockless-request', nsPerOp: 180.5, rmePct: 1.2, samples: 100 }];
  b['comparison'] = {
    baselineRunId: 'base-quick',
    baselineCommit: null,
    noiseFloorPct: 2,
    failOnTiming: false,
    comparedCells: 10,
    unchangedCells: 9,
    cells: [{ strategy: 'dedicated-pool', scenario: 'steady', variant: '', metric: 'simWallMs', kind: 'wall', baseline: 10, current: 12, changePct: 20, pValue: null, test: 'mann-whitney', verdict: 'within noise', failing: false }],
    differences: ['cost table: lockHandoff differs'],
  };
  b['totals'] = { ...(b['totals'] as Record<string, Json>), runs: (b['runs'] as Json[]).length, failedRuns: 1 };
  return b;
}

/** The text of a results file, as the store writes it (close enough: JSON, one space indent, a final newline). */
export function resultsText(results: Json): string {
  return `${JSON.stringify(results, null, 1)}\n`;
}
