/**
 * The plug-in contract: strategies are discovered from the folder, each file's
 * name matches its strategy, static properties come from what setup()
 * registers, and the worked example in strategies/README.md runs as written.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadStrategies, selectStrategies } from '../../harness/sim/strategy-registry.ts';
import { runOne } from '../../harness/sim/simulator.ts';
import { loadBuiltinScenario } from '../../harness/workload/builtin.ts';
import { applySet } from '../../harness/workload/scenario-set.ts';
import { InputError } from '../../harness/errors.ts';

describe('strategy discovery', () => {
  it('finds the five 2020 strategies in the thread order, status-quo first', async () => {
    const names = (await loadStrategies()).map((s) => s.name);
    expect(names.slice(0, 5)).toEqual(['status-quo', 'gfp-no-locks-bit', 'gfp-zero-mask', 'lockless-entry', 'dedicated-pool']);
  });

  it('every strategy has defaults for all parameters and documents where it comes from', async () => {
    for (const s of await loadStrategies()) {
      expect(() => s.params.parse({}), s.name).not.toThrow();
      expect(s.origin.length, s.name).toBeGreaterThan(10);
      expect(s.description.length, s.name).toBeGreaterThan(40);
    }
  });

  it('an unknown strategy name is an InputError that suggests the closest', async () => {
    const all = await loadStrategies();
    expect(() => selectStrategies(all, ['dedicated-pol'])).toThrow(InputError);
    expect(() => selectStrategies(all, ['dedicated-pol'])).toThrow(/did you mean "dedicated-pool"/);
  });

  it('runs the worked example of strategies/README.md as written', async () => {
    const readme = readFileSync(resolve('strategies/README.md'), 'utf8');
    const code = /```ts\n(import[\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    // Inside the repo, so the package's "type": "module" applies to the file.
    mkdirSync(resolve('test-output'), { recursive: true });
    const dir = mkdtempSync(join(resolve('test-output'), 'strategy-example-'));
    try {
      const core = pathToFileURL(resolve('harness/core/index.ts')).href;
      writeFileSync(join(dir, 'one-spare-page.ts'), code!.replace("'../harness/core/index.ts'", `'${core}'`));
      const [example] = await loadStrategies(dir);
      expect(example!.name).toBe('one-spare-page');
      const scenario = applySet(loadBuiltinScenario('steady'), 'run.durationMs', '50', 'test');
      const r = runOne({ scenario, strategy: example!, params: {}, seed: 1, checkInvariantsEvery: 1000 });
      expect(r.metrics.locklessRequests).toBeGreaterThan(0);
      expect(r.metrics.zoneLockInLockless).toBe(0);
      expect(r.staticProperties.reserves).toEqual(['spare page']);
      expect(r.staticProperties.workers).toEqual(['refill']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
