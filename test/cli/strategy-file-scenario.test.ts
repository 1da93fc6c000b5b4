/**
 * `compare --strategy-file F --scenario-file S`, where S has a section for F's
 * strategy: the section is that strategy's parameters (issue 20: it was
 * refused as an "unknown strategy", the scenario reader only knew strategies/).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare, type CompareOptions } from '../../harness/cli/compare.ts';
import { readResults } from '../../harness/results/schema.ts';
import { inputErrorAsync } from '../helpers/input-error.ts';

mkdirSync(resolve('test-output'), { recursive: true });
const work = mkdtempSync(join(resolve('test-output'), 'strategy-file-scenario-'));
const WORKER_POOL = resolve('test/fixtures/strategies/worker-pool.ts');

function scenarioFile(name: string, strategies: Record<string, unknown>): string {
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, machine: { cpus: 2, memoryMiB: 256 }, run: { durationMs: 5, seeds: [1], warmup: { ms: 0 } }, strategies }));
  return file;
}

const options = (runId: string, scenario: string): CompareOptions => ({
  strategies: ['status-quo', 'worker-pool'],
  strategyFiles: [WORKER_POOL],
  scenarios: [],
  scenarioFiles: [scenario],
  quick: false,
  sets: [],
  jobs: 1,
  runId,
  resultsDir: join(work, 'results'),
  reportsDir: join(work, 'reports'),
  json: false,
  measure: false,
  command: 'test',
  runWallLimitMs: 30000,
});

describe('a scenario section for a --strategy-file strategy', () => {
  it('is given to that strategy: the runs take its parameters', async () => {
    const out = await compare(options('file-section', scenarioFile('file-section', { 'worker-pool': { pages: 3 } })));
    const res = readResults(out.paths.json);
    const run = res.runs.find((r) => r.strategy === 'worker-pool');
    expect(run?.params).toMatchObject({ pages: 3 });
  });

  it('--set strategies.<name>.<param> of a --strategy-file strategy is taken too', async () => {
    const out = await compare({ ...options('file-section-set', scenarioFile('file-section-set', {})), sets: ['strategies.worker-pool.pages=5'] });
    expect(readResults(out.paths.json).runs.find((r) => r.strategy === 'worker-pool')?.params).toMatchObject({ pages: 5 });
  });

  it('a misspelt section is one InputError naming the scenario file, with the loaded name suggested', async () => {
    const file = scenarioFile('file-section-typo', { 'worker-pol': { pages: 3 } });
    const e = await inputErrorAsync(() => compare(options('file-section-typo', file)));
    expect(e.file).toBe(file);
    expect(e.where).toBe('strategies.worker-pol');
    expect(e.expected).toContain('did you mean "worker-pool"');
  });
});
