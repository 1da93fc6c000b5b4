/**
 * The preflight checks a scenario's strategies sections against the
 * strategies loaded (the folder's plus --strategy-file's), and a strategy's
 * reserves against the machine however they fill (in setup() or from a worker).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStrategy } from '../../harness/core/index.ts';
import type { StrategyDefinition } from '../../harness/core/strategy-api.ts';
import { checkReservesFit, checkScenarioStrategies } from '../../harness/sim/preflight.ts';
import { loadStrategies, loadStrategyFiles } from '../../harness/sim/strategy-registry.ts';
import { BUILTIN_SCENARIOS, loadBuiltinScenario } from '../../harness/workload/builtin.ts';
import { loadScenario } from '../../harness/workload/scenario.ts';
import { inputError } from '../helpers/input-error.ts';

const tmp = mkdtempSync(join(tmpdir(), 'nolock-preflight-'));
const WORKER_POOL = resolve('test/fixtures/strategies/worker-pool.ts');

let builtin: StrategyDefinition[] = [];
let loaded: StrategyDefinition[] = [];
beforeAll(async () => {
  builtin = await loadStrategies();
  loaded = [...builtin, ...(await loadStrategyFiles([WORKER_POOL], builtin.map((s) => s.name)))];
});

/** A scenario file of 4 CPUs and 256 MiB (65,536 pages) with the given strategies sections, loaded. */
function scenarioWith(name: string, strategies: Record<string, unknown>) {
  const file = join(tmp, `${name}.json`);
  writeFileSync(file, JSON.stringify({ machine: { cpus: 4, memoryMiB: 256 }, run: { durationMs: 100 }, strategies }));
  return loadScenario(file);
}

describe('strategies sections against the strategies loaded', () => {
  it('a section for a --strategy-file strategy is that strategy\'s to check, not an unknown strategy', () => {
    const s = scenarioWith('file-strategy', { 'worker-pool': { pages: 4 } });
    expect(() => checkScenarioStrategies(s, loaded)).not.toThrow();
    const bad = inputError(() => checkScenarioStrategies(scenarioWith('file-strategy-bad', { 'worker-pool': { pagez: 4 } }), loaded));
    expect(bad.where).toBe('strategies.worker-pool.pagez');
    expect(bad.found).toContain('did you mean "pages"');
  });

  it('an unknown section name: one InputError naming the file and strategies.<name>, the closest loaded name suggested', () => {
    const s = scenarioWith('typo', { 'worker-pol': {} });
    const e = inputError(() => checkScenarioStrategies(s, loaded));
    expect(e.file).toBe(s.file);
    expect(e.where).toBe('strategies.worker-pol');
    expect(e.expected).toContain('did you mean "worker-pool"');
    // Without the file loaded, the same section is unknown.
    expect(inputError(() => checkScenarioStrategies(scenarioWith('not-loaded', { 'worker-pool': {} }), builtin)).found).toBe('unknown strategy "worker-pool"');
  });

  it('with an origin (a --set), errors name it and the scenario file', () => {
    const s = scenarioWith('origin', { 'worker-pol': {} });
    expect(inputError(() => checkScenarioStrategies(s, loaded, '--set x=1')).file).toBe(`--set x=1 (scenario ${s.file})`);
  });
});

describe('reserves fit the machine, however they fill', () => {
  it('a pool filled by a worker, too large for the machine, is one InputError naming the file and strategies.<name>.<param>', () => {
    // 4 x 20,000 pages on a machine of 65,536: setup() itself takes none, its worker takes them.
    const s = scenarioWith('worker-pool-too-big', { 'worker-pool': { pages: 20000 } });
    const e = inputError(() => checkScenarioStrategies(s, loaded));
    expect(e.file).toBe(s.file);
    expect(e.where).toBe('strategies.worker-pool.pages');
    expect(e.expected).toContain('reserves that fit in memory (65536 pages on 4 CPUs');
    expect(e.found).toMatch(/^\d+ pages taken by [\d.]+ ms, its workers filling them, (before allocations failed|zone \w+ left below its low watermark)$/);
  });

  it('checkReservesFit counts the pages the workers take, not only those setup() takes', () => {
    const s = scenarioWith('no-sections', {});
    const pool = loaded.find((st) => st.name === 'worker-pool')!;
    const e = inputError(() => checkReservesFit(pool, pool.params.parse({ pages: 20000 }) as Record<string, unknown>, s, '--set worker-pool.pages=20000', 'worker-pool'));
    expect(e.file).toBe('--set worker-pool.pages=20000');
    expect(e.where).toBe('worker-pool.pages');
  });

  it('a pool filled by a worker that fits is not refused', () => {
    expect(() => checkScenarioStrategies(scenarioWith('worker-pool-fits', { 'worker-pool': { pages: 1000 } }), loaded)).not.toThrow();
  });

  it('a pool filled in setup() (dedicated-pool) is refused as before, naming its parameter', () => {
    const e = inputError(() => checkScenarioStrategies(scenarioWith('dedicated-too-big', { 'dedicated-pool': { poolPages: 20000 } }), loaded));
    expect(e.where).toBe('strategies.dedicated-pool.poolPages');
    expect(e.found).toMatch(/pages taken at boot/);
  });

  it('a setup() that throws is a strategy\'s bug, not bad input: the check passes (its runs fail alone)', () => {
    const buggy = defineStrategy({
      name: 'throws-in-setup',
      title: 'Throws in setup()',
      origin: 'test',
      description: 'A strategy whose setup() throws.',
      params: z.object({}).strict(),
      setup() {
        throw new Error('injected bug');
      },
    });
    expect(() => checkScenarioStrategies(scenarioWith('buggy', { 'throws-in-setup': {} }), [...loaded, buggy])).not.toThrow();
  });

  it('every built-in strategy with its defaults fits every built-in scenario', () => {
    for (const name of BUILTIN_SCENARIOS) {
      const s = loadBuiltinScenario(name);
      for (const st of builtin) {
        expect(() => checkReservesFit(st, st.params.parse({}) as Record<string, unknown>, s, s.file, `strategies.${st.name}`), `${st.name} x ${name}`).not.toThrow();
      }
    }
  });
});
